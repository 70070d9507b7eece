"""The checker in Debian's Chromium: PyScript on MicroPython runs the engine in the page.

Each test loads a checker page of the fixture build (tests/fixtures/content: frozen copies
of two pathways, so staff edits to content/ never break these tests; every real pathway gets a
smoke test in test_every_pathway.py), served under the /kb/ sub-path
on 127.0.0.1 (nothing else resolves: see CHROMIUM_ARGS), in a fresh browser
context, and waits for the widget's ``data-checker-ready``. The ``page``
fixture records console errors; every test ends with none. Nothing here is
timed: speed is for ``make bench-widget``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.parse

import pytest

from checker import engine

from .checker_support import FIXTURE_DIR
from .checker_support import fixture_compiled as compiled
from .conftest import ROOT

pytestmark = pytest.mark.browser

READY_MS = 60_000  # generous: a loaded 2-core CI machine; the benchmark measures speed
IPC = "fx-ipc-to-ccpc"
ISS = "fx-iss-to-css"

IPC_ALL_MET = [
    ("experience_years", "4"),
    ("pd_contact_hours", "30"),
    ("pd_plan_approved", "true"),
    ("mentoring_years", "2"),
    ("btap", "true"),
    ("pbte", "true"),
]


def open_checker(page, server, pid: str, fragment: str = "") -> None:
    page.goto(server.url(f"checker/{pid}/") + (("#" + fragment) if fragment else ""))
    page.wait_for_selector("[data-checker-ready]", state="attached", timeout=READY_MS)


def overall(page) -> str:
    return page.get_attribute("[data-checker-status]", "data-checker-status")


def requirements(page) -> dict[str, tuple[str, str]]:
    """{requirement id: (status, message)} as the page shows them."""
    out = {}
    for el in page.query_selector_all("[data-requirement-id]"):
        out[el.get_attribute("data-requirement-id")] = (
            el.get_attribute("data-requirement-status"),
            el.query_selector(".checker-message").inner_text().strip(),
        )
    return out


def expected(pid: str, text_answers: dict) -> dict:
    """What the engine (the command line's engine, on CPython) says for the same text answers."""
    values, problems = engine.parse_answers(compiled()[pid], text_answers, True)
    return engine.evaluate(compiled()[pid], values)


def fragment_pairs(page) -> list[tuple[str, str]]:
    return urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).fragment, keep_blank_values=True)


def assert_clean(page) -> None:
    assert page.console_errors == [], page.console_errors


def choose(page, name: str, value: str) -> None:
    page.check(f"#q-{name}-{value}")


def assert_matches_engine(page, pid: str, text_answers: dict) -> None:
    want = expected(pid, text_answers)
    assert overall(page) == want["status"]
    shown = requirements(page)
    for r in want["requirements"]:
        assert shown[r["id"]] == (r["status"], r["message"]), r["id"]


# --- answering --------------------------------------------------------------------------------


def test_starts_incomplete_with_every_requirement_not_answered(page, fixture_server):
    open_checker(page, fixture_server, IPC)
    assert overall(page) == "incomplete"
    assert {s for s, _ in requirements(page).values()} == {"unknown"}
    assert page.is_visible("[data-checker-status]")
    assert page.is_hidden(".checker-errors")
    assert_clean(page)


def test_answering_updates_the_result_and_the_fragment_as_you_type(page, fixture_server):
    open_checker(page, fixture_server, IPC)
    page.fill("#q-experience_years", "3")
    assert overall(page) == "not_yet"
    status, message = requirements(page)["experience"]
    assert status == "unmet" and "3 of the 4 years" in message and "1 to go" in message
    assert page.get_attribute('[data-requirement-id="experience"]', "data-remaining") == "1"
    assert fragment_pairs(page) == [("experience_years", "3")]

    for name, value in IPC_ALL_MET:
        if value in ("true", "false"):
            choose(page, name, value)
        else:
            page.fill(f"#q-{name}", value)
    assert overall(page) == "eligible"
    assert {s for s, _ in requirements(page).values()} == {"met"}
    assert fragment_pairs(page) == IPC_ALL_MET  # form order, the answers' JSON keys, true/false
    assert urllib.parse.urlsplit(page.url).fragment == urllib.parse.urlencode(IPC_ALL_MET)
    assert_matches_engine(page, IPC, dict(IPC_ALL_MET))
    assert "appear to meet every requirement" in page.inner_text("[data-checker-status]")
    # The rules' source and who decides are on the page with the result.
    result = page.inner_text(".checker-result")
    assert compiled()[IPC]["determination"] in result and "DESE makes the final determination" in result
    assert compiled()[IPC]["sources"][0]["title"] in result
    assert_clean(page)


def test_a_link_with_answers_fills_the_form_and_shows_the_result(page, fixture_server):
    answers = {"experience_years": "3.5", "pd_contact_hours": "45", "pd_plan_approved": "false", "btap": "true"}
    open_checker(page, fixture_server, IPC, urllib.parse.urlencode(answers))
    assert page.input_value("#q-experience_years") == "3.5"
    assert page.input_value("#q-pd_contact_hours") == "45"
    assert page.is_checked("#q-pd_plan_approved-false") and page.is_checked("#q-btap-true")
    assert not page.is_checked("#q-pbte-true") and not page.is_checked("#q-pbte-false")
    assert_matches_engine(page, IPC, answers)
    assert overall(page) == "not_yet"
    assert_clean(page)


def test_a_new_fragment_in_the_same_page_refills_the_form(page, fixture_server):
    open_checker(page, fixture_server, IPC, "experience_years=1")
    page.evaluate("() => { location.hash = '#experience_years=6&btap=false'; }")
    page.wait_for_function("() => document.querySelector('#q-btap-false').checked")
    assert page.input_value("#q-experience_years") == "6"
    assert requirements(page)["btap"][0] == "unmet"
    # An in-page anchor (a heading's permalink) leaves the answers alone.
    page.evaluate("() => { location.hash = '#next-steps'; }")
    page.wait_for_timeout(100)
    assert page.input_value("#q-experience_years") == "6"
    assert_clean(page)


def tab_until(page, condition: str, limit: int, what: str) -> None:
    """Press Tab until the JavaScript ``condition`` holds for the focused element (at most ``limit`` times)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {condition}"):
            return
    pytest.fail(f"Tab never reached {what}")


def test_the_form_can_be_completed_with_the_keyboard_alone(page, fixture_server):
    open_checker(page, fixture_server, IPC)
    # Tab from the top of the page to the first question.
    tab_until(
        page, "document.activeElement && document.activeElement.id === 'q-experience_years'", 300, "the first question"
    )
    page.keyboard.type("4")
    page.keyboard.press("Tab")
    page.keyboard.type("30")
    page.keyboard.press("Tab")  # into the yes/no group: focus lands on "Yes"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # BTAP: yes
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")  # PBTE: arrows move to "No" and choose it...
    assert overall(page) == "not_yet" and requirements(page)["pbte"][0] == "unmet"
    page.keyboard.press("ArrowLeft")  # ...and back to "Yes"
    assert overall(page) == "eligible"
    assert fragment_pairs(page) == IPC_ALL_MET
    # The buttons are reachable and work from the keyboard too.
    tab_until(page, "document.activeElement.dataset.action === 'reset'", 40, "'Start again'")
    page.keyboard.press("Enter")
    assert overall(page) == "incomplete" and fragment_pairs(page) == []
    assert page.evaluate("() => document.activeElement.id") == "q-experience_years"
    assert_clean(page)


# --- bad input ---------------------------------------------------------------------------------


def cli_problems(pid: str, answers: dict) -> list[str]:
    """The command line's messages for answers it cannot use (exit 2, one line each on stderr)."""
    proc = subprocess.run(
        [sys.executable, "-m", "checker", "--content", str(FIXTURE_DIR), "evaluate", pid],
        input=json.dumps(answers),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    return proc.stderr.strip().splitlines()


BAD = [  # (field, what is typed, the same answer in the command line's JSON)
    ("experience_years", "four", "four"),
    ("pd_contact_hours", "-1", -1),
    ("mentoring_years", "61", 61),
]


def test_bad_input_gives_the_command_lines_message_by_the_field_and_in_the_summary(page, fixture_server):
    lines = cli_problems(IPC, {name: json_value for name, _, json_value in BAD})
    open_checker(page, fixture_server, IPC)
    for name, typed, _ in BAD:
        page.fill(f"#q-{name}", typed)
        page.press(f"#q-{name}", "Tab")  # a problem shows once the field is left
    summary = page.inner_text(".checker-errors")
    assert page.is_visible(".checker-errors")
    for name, _typed, _ in BAD:
        line = next(ln for ln in lines if ln.startswith(name + ": "))
        message = line[len(name) + 2 :]
        assert page.inner_text(f"#q-{name}-error") == message
        assert page.is_visible(f"#q-{name}-error")
        assert page.get_attribute(f"#q-{name}", "aria-invalid") == "true"
        assert f"q-{name}-error" in page.get_attribute(f"#q-{name}", "aria-describedby").split()
        assert message in summary
    # A bad answer counts as not answered; the others still count.
    assert requirements(page)["experience"][0] == "unknown"
    # The summary's link moves focus to the field, and leaves the answers in the address.
    before = page.url
    page.click(".checker-errors a >> nth=0")
    assert page.evaluate("() => document.activeElement.id") == "q-experience_years"
    assert page.url == before
    # Fixing the answer removes its message at once.
    page.fill("#q-experience_years", "4")
    assert page.is_hidden("#q-experience_years-error")
    assert page.get_attribute("#q-experience_years", "aria-invalid") is None
    assert "q-experience_years-error" not in (page.get_attribute("#q-experience_years", "aria-describedby") or "")
    assert_clean(page)


def test_a_malformed_date_and_bad_values_in_a_link_are_shown_at_once(page, fixture_server):
    bad = {"issued_on": "2024-02-30", "pbsse": "maybe", "pd_semester_hours": "1,5"}
    lines = cli_problems(ISS, bad)
    open_checker(page, fixture_server, ISS, urllib.parse.urlencode(bad))
    for name in bad:
        line = next(ln for ln in lines if ln.startswith(name + ": "))
        assert page.inner_text(f"#q-{name}-error") == line[len(name) + 2 :]
    # A value no option has stays in the link until the question is answered.
    assert ("pbsse", "maybe") in fragment_pairs(page)
    choose(page, "pbsse", "true")
    assert ("pbsse", "true") in fragment_pairs(page) and page.is_hidden("#q-pbsse-error")
    # A typed date the engine cannot read is reported the same way.
    page.fill("#q-issued_on", "15/08/2024")
    page.press("#q-issued_on", "Tab")
    [line] = cli_problems(ISS, {"issued_on": "15/08/2024"})
    assert page.inner_text("#q-issued_on-error") == line[len("issued_on: ") :]
    page.fill("#q-issued_on", "2024-08-15")
    assert page.is_hidden("#q-issued_on-error")
    assert "2028-08-15" in page.inner_text(".checker-expiry")
    assert_clean(page)


def test_nothing_typed_or_linked_is_ever_inserted_as_html(page, fixture_server):
    payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    open_checker(page, fixture_server, IPC, urllib.parse.urlencode({payload: "1", "btap": payload}))
    page.fill("#q-experience_years", payload)
    page.press("#q-experience_years", "Tab")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__pwned") is None
    assert page.evaluate("() => document.querySelectorAll('.checker img, .checker script:not([type])').length") == 0
    assert "<img" in page.inner_text("#q-experience_years-error")
    assert "<img" in page.inner_text(".checker-errors")
    assert_clean(page)


# --- the repeatable group ------------------------------------------------------------------------


def test_the_experience_log_adds_and_removes_entries(page, fixture_server):
    open_checker(page, fixture_server, ISS)
    assert page.locator(".checker-entry").count() == 1
    page.fill("#q-experience-0-years", "2")
    choose(page, "experience-0-setting", "mo_public")
    page.fill("#q-experience-0-fte", "1")
    choose(page, "experience-0-contracted", "true")
    page.click('[data-action="add"][data-list="experience"]')
    assert page.locator(".checker-entry").count() == 2
    assert page.evaluate("() => document.activeElement.id") == "q-experience-1-years"
    assert page.inner_text(".checker-entry >> nth=1 >> legend") == "Entry 2"
    page.fill("#q-experience-1-years", "3")
    choose(page, "experience-1-setting", "accredited_nonpublic")
    page.select_option("#q-experience-1-accreditor", "isacs")
    page.fill("#q-experience-1-fte", "0.5")
    choose(page, "experience-1-contracted", "true")
    pairs = fragment_pairs(page)
    assert ("experience.1.accreditor", "isacs") in pairs and ("experience.0.years", "2") in pairs
    answers = {
        "experience": [
            {"years": "2", "setting": "mo_public", "fte": "1", "contracted": "true"},
            {
                "years": "3",
                "setting": "accredited_nonpublic",
                "accreditor": "isacs",
                "fte": "0.5",
                "contracted": "true",
            },
        ]
    }
    assert requirements(page)["experience"][0] == "met"
    assert_matches_engine(page, ISS, answers)

    # Remove the first entry: the second moves up and keeps its answers.
    page.click('.checker-entry >> nth=0 >> [data-action="remove"]')
    assert page.locator(".checker-entry").count() == 1
    assert page.input_value("#q-experience-0-years") == "3"
    assert page.input_value("#q-experience-0-accreditor") == "isacs"
    assert page.is_checked("#q-experience-0-contracted-true")
    assert [k for k, _ in fragment_pairs(page) if k.startswith("experience.1.")] == []
    status, message = requirements(page)["experience"]
    assert status == "unmet" and "3 of the 4" in message
    assert_matches_engine(page, ISS, {"experience": answers["experience"][1:]})

    # A link with entries draws them all.
    link = page.url
    page.goto(fixture_server.url(""))
    page.goto(link)
    page.wait_for_selector("[data-checker-ready]", state="attached", timeout=READY_MS)
    assert page.locator(".checker-entry").count() == 1 and page.input_value("#q-experience-0-fte") == "0.5"
    assert_clean(page)


def test_a_link_with_several_entries_draws_them_all(page, fixture_server):
    pairs = [("experience.0.years", "1"), ("experience.2.years", "2"), ("experience.2.setting", "other")]
    open_checker(page, fixture_server, ISS, urllib.parse.urlencode(pairs))
    assert page.locator(".checker-entry").count() == 3
    assert page.input_value("#q-experience-2-years") == "2" and page.is_checked("#q-experience-2-setting-other")
    assert page.input_value("#q-experience-1-years") == ""
    assert_clean(page)


# --- sharing, starting again, printing -----------------------------------------------------------


def test_copy_link_puts_the_answers_link_on_the_clipboard_and_says_so(page, fixture_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_checker(page, fixture_server, IPC, "experience_years=4&btap=true")
    page.click('[data-action="copy"]')
    page.wait_for_function("() => document.querySelector('.checker-copied').textContent.includes('copied')")
    assert page.is_visible(".checker-copied")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == fixture_server.url(f"checker/{IPC}/") + "#experience_years=4&btap=true"
    assert_clean(page)


def test_start_again_clears_the_form_and_the_fragment(page, fixture_server):
    open_checker(page, fixture_server, ISS, "experience.1.years=2&pbsse=true&issued_on=2024-08-15&mentoring_years=x")
    page.click('[data-action="reset"]')
    assert urllib.parse.urlsplit(page.url).fragment == ""
    assert overall(page) == "incomplete"
    assert page.locator(".checker-entry").count() == 1
    assert page.input_value("#q-issued_on") == "" and not page.is_checked("#q-pbsse-true")
    assert page.is_hidden(".checker-errors") and page.is_hidden(".checker-expiry")
    assert_clean(page)


def test_the_print_view_is_a_one_page_summary(page, fixture_server):
    open_checker(page, fixture_server, IPC, urllib.parse.urlencode(IPC_ALL_MET[:4]))
    page.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    page.click('[data-action="print"]')
    assert page.evaluate("() => window.__printed") is True
    page.emulate_media(media="print")
    assert page.is_hidden(".checker-form") and page.is_hidden(".checker-actions") and page.is_hidden(".md-sidebar")
    assert page.is_visible(".checker-print-only") and page.is_visible("[data-checker-status]")
    answers = page.inner_text(".checker-answers")
    assert "Years of state-approved teaching experience" in answers and "4 years" in answers and "Yes" in answers
    assert f"#{urllib.parse.urlencode(IPC_ALL_MET[:4])}" in page.inner_text(".checker-print-link")
    pdf = page.pdf(format="Letter")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") + len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the summary prints on one page"
    assert_clean(page)


# --- privacy: its own origin only, nothing stored ----------------------------------------------------


def test_the_page_asks_nothing_of_any_other_origin_and_stores_nothing(page, fixture_server):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_checker(page, fixture_server, ISS, "experience_years=3&pbsse=true")
    page.fill("#q-mentoring_years", "2")
    page.wait_for_timeout(300)
    assert requests, "no request recorded"
    for url in requests:
        assert url.startswith(fixture_server.base), f"{url} is not under {fixture_server.base}"
    stored = page.evaluate(
        "() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])"
    )
    assert "mentoring" not in stored and "pbsse" not in stored and "experience" not in stored
    assert_clean(page)


def test_a_link_is_read_as_the_browser_reads_it_even_invalid_utf8(page, fixture_server):
    """The fragment is the browser's URLSearchParams: '%C3%A9%FF' is 'é' and one U+FFFD, as the page's own
    URLSearchParams reads it (a hand-written decoder made three U+FFFD of it)."""
    fragment = "experience_years=%C3%A9%FF&mentoring_years=%zz+1"
    open_checker(page, fixture_server, IPC, fragment)
    browser = page.evaluate("(f) => Object.fromEntries(new URLSearchParams(f))", fragment)
    assert browser == {"experience_years": "\u00e9\ufffd", "mentoring_years": "%zz 1"}
    assert page.input_value("#q-experience_years") == browser["experience_years"]
    assert page.input_value("#q-mentoring_years") == browser["mentoring_years"]
    # The problem is shown at once (it came in a link), in the command line's words for the same text.
    error = page.inner_text("#q-experience_years-error")
    assert error == "should be a number, not the text '\u00e9\ufffd'"
    # The fragment is rewritten as the browser writes the same answers.
    written = page.evaluate("(f) => new URLSearchParams(new URLSearchParams(f)).toString()", fragment)
    assert urllib.parse.urlsplit(page.url).fragment == written
    assert_clean(page)
