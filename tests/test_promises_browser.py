"""The checker pages keep the engine's promises in the words they show (the status line is also what
the printed summary carries): no "every requirement" while a requirement the sources disagree on is
not met, and no "submit" on a chooser's page unless it names an application.

Found from the content's own cases: every pathway case in which a requirement only one source states
is expected unmet or unknown, and every chooser case that expects no application to submit.
"""

from __future__ import annotations

import pytest

from certkb.pathway import case_answers

from .checker_support import content
from .pathway_gates import case_day, fragment, open_on


def _disputed_cases():
    c = content()
    out = []
    for pid, pathway in c.pathways.items():
        disputed = {r["id"] for r in c.compiled[pid]["requirements"] if r.get("disputed")}
        for case in pathway.cases:
            shown = {rid for rid, status in case.requirements.items() if status != "met"}
            if not case.problems and disputed & shown:
                out.append((pid, case))
    return out


def _chooser_cases():
    return [(cid, case) for cid, ch in content().choosers.items() for case in ch.cases if case.recommended is None]


@pytest.mark.browser
def test_no_every_requirement_while_a_disputed_requirement_is_not_met(page, site_server):
    cases = _disputed_cases()
    for pid, case in cases:
        url = site_server.url(f"checker/{pid}/") + "#" + fragment(case_answers(case))
        open_on(page, url, case_day(case))
        status = page.get_attribute("[data-checker-status]", "data-checker-status")
        words = page.inner_text("[data-checker-status]").lower()
        assert status != "eligible", (pid, case.name)
        assert "every" not in words and "all requirements" not in words, (pid, case.name, words)
    assert cases, "no case has a requirement the sources disagree on that is not met"
    assert page.console_errors == [], page.console_errors


@pytest.mark.browser
def test_a_chooser_says_submit_only_when_it_names_an_application(page, site_server):
    cases = _chooser_cases()
    for cid, case in cases:
        url = site_server.url(f"checker/{cid}/") + "#" + fragment(case_answers(case))
        open_on(page, url, case_day(case))
        assert page.get_attribute("[data-checker-status]", "data-checker-recommended") == "", (cid, case.name)
        words = page.inner_text("[data-checker-status]").lower()
        assert "submit" not in words and "all requirements" not in words, (cid, case.name, words)
    assert cases
    assert page.console_errors == [], page.console_errors
