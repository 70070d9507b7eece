"""Accessibility: WCAG 2.1 A and AA on every built page, keyboard-only checkers, reflow.

* axe-core (pinned in package.json, injected from node_modules/) runs on every
  page of the build in the light scheme, on pages in the dark (slate) scheme,
  and on each checker page with results shown (every YAML case of its pathway,
  answered through the URL fragment) and with errors shown (bad values in the
  fragment and typed into the fields). Zero violations of the wcag2a, wcag2aa,
  wcag21a and wcag21aa rules.
* Each checker is completed with the keyboard alone (Tab, arrows, typing), and
  every control shows a visible focus indicator (the pixels around it change
  when it takes focus).
* Reflow (WCAG 1.4.10): at 320 CSS px wide, and at 200% browser zoom of a
  1280 px window, no page scrolls sideways and no text runs off the right
  edge, except inside elements built to scroll (code blocks, wide tables).

How 200% zoom is modelled: browser zoom halves the CSS viewport (a 1280 px
window at 200% lays out 640 CSS px wide), doubles devicePixelRatio and makes
media queries see 640 px. A context with viewport 640x360 and
device_scale_factor 2 is exactly that. CSS ``zoom`` on <html> does not change
the layout viewport or media queries, and CDP's setPageScaleFactor is pinch
zoom (no reflow at all), so neither models what a user gets.

axe is injected with ``add_script_tag`` as an inline script, which the site's
CSP refuses, so these contexts bypass CSP; tests/test_csp.py checks the policy.
"""

from __future__ import annotations

import json
import urllib.parse

import pytest

from .checker_support import content
from .checker_visits import SET_HASH_JS
from .quality_support import (
    READY,
    READY_TIMEOUT_MS,
    built_pages,
    checker_pages,
    describe_violations,
    fragment,
    pathway_cases,
    pathway_ids,
    run_axe,
    url_path,
    wait_ready,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def light(browser):
    context = browser.new_context(bypass_csp=True, color_scheme="light", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def load(page, server, rel: str, frag: str = "") -> None:
    """Open a page: until its load event (the theme's scripts have run), a checker until it is ready."""
    page.goto(server.url(url_path(rel)) + (f"#{frag}" if frag else ""), wait_until="load")
    if rel in CHECKERS.values():
        assert wait_ready(page), f"{rel}: the checker never became ready"


def follow(page, frag: str) -> None:
    """Give the open checker page other answers, as a link followed in the same page does."""
    page.evaluate(SET_HASH_JS, frag)


CHECKERS: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def _checkers(built_site):
    CHECKERS.clear()
    CHECKERS.update(checker_pages(built_site))


def checker_spec(page) -> dict:
    """The compiled pathway the checker page embeds (its inputs and their types)."""
    return json.loads(page.locator("script.checker-data").first.text_content())


# --- axe-core on every page -----------------------------------------------------------------


def test_every_page_has_no_wcag_violations(light, site_server, built_site):
    pages = built_pages(built_site)
    problems: list[str] = []
    for rel in pages:
        load(light, site_server, rel)
        problems += describe_violations(rel, run_axe(light))
    print(f"\naxe: {len(pages)} pages checked in the light scheme, {len(problems)} violations")
    assert not problems, "\n".join(problems)


def test_dark_scheme_has_no_wcag_violations(browser, site_server, built_site):
    context = browser.new_context(bypass_csp=True, color_scheme="dark")
    page = context.new_page()
    c = content()
    jurisdiction = next(iter(c.jurisdictions))
    checked = ["index.html", f"{jurisdiction}/index.html", "glossary/index.html", *CHECKERS.values()]
    # The richest page kind: a guide with a pathway (its requirement list and checker link).
    upgrade = [c.guide_page(gid).removesuffix(".md") + "/index.html" for gid, g in c.guides.items() if g.pathway]
    checked += upgrade[:1]
    problems: list[str] = []
    try:
        for rel in checked:
            load(page, site_server, rel)
            scheme = page.get_attribute("body", "data-md-color-scheme")
            assert scheme == "slate", f"{rel}: dark preference gave scheme {scheme!r}"
            problems += describe_violations(f"{rel} (slate)", run_axe(page))
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def bad_answers(spec: dict) -> dict[str, str]:
    """A wrong value for every question: letters, negatives, unknown options, an impossible date."""
    out: dict[str, str] = {}
    for i, q in enumerate(spec["inputs"]):
        if q["type"] == "number":
            out[q["name"]] = "abc" if i % 2 else "-5"
        elif q["type"] == "boolean":
            out[q["name"]] = "maybe"
        elif q["type"] == "date":
            out[q["name"]] = "2026-13-45"
        elif q["type"] == "list":
            for f in q.get("fields", []):
                key = f"{q['name']}.0.{f['name']}"
                out[key] = {"number": "-1", "boolean": "perhaps", "date": "yesterday"}.get(f["type"], "nowhere")
        else:
            out[q["name"]] = "\u2603"
    return out


def test_checkers_with_results_and_errors_have_no_wcag_violations(light, site_server):
    problems: list[str] = []
    states = 0
    for pid, rel in CHECKERS.items():
        cases = pathway_cases(pid)
        assert cases, f"{pid}: no YAML cases to show results with"
        load(light, site_server, rel)
        for case in cases:
            follow(light, fragment(case["answers"]))
            status = light.get_attribute("[data-checker-status]", "data-checker-status")
            if case.get("status") and status != case["status"]:
                problems.append(f"{rel} ({case['name']}): status {status!r}, expected {case['status']!r}")
            problems += describe_violations(f"{rel} results ({case['name']})", run_axe(light))
            states += 1
        # Errors shown: bad values from the fragment...
        spec = checker_spec(light)
        follow(light, urllib.parse.urlencode(bad_answers(spec)))
        light.wait_for_selector('[aria-invalid="true"]', timeout=READY_TIMEOUT_MS)
        problems += describe_violations(f"{rel} errors from the fragment", run_axe(light))
        # ...and typed into every text field of an empty form.
        follow(light, "")
        fields = light.locator(f"{READY} input[type=text]:visible")
        for i in range(fields.count()):
            fields.nth(i).fill("")
            fields.nth(i).press_sequentially("-4x" if i % 2 else "seven")
        light.keyboard.press("Tab")
        light.wait_for_selector('[aria-invalid="true"]', timeout=READY_TIMEOUT_MS)
        problems += describe_violations(f"{rel} errors typed", run_axe(light))
        states += 2
    print(f"\naxe: {states} checker states checked (results and errors)")
    assert not problems, "\n".join(problems)


# --- keyboard only ----------------------------------------------------------------------------

FOCUS_INFO = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const r = el.getBoundingClientRect();
    return {tag: el.tagName.toLowerCase(), type: el.type || '', key: el.dataset.key || '', value: el.value ?? '',
            checked: !!el.checked, id: el.id, text: (el.innerText || el.getAttribute('aria-label') || '').slice(0, 60),
            inChecker: !!el.closest('[data-checker]'), action: el.dataset.action || '', list: el.dataset.list || '',
            box: {x: r.x, y: r.y, width: r.width, height: r.height}};
}"""


def focus_is_visible(page, box: dict) -> bool:
    """Whether taking focus changes what is drawn around the element (an outline, a ring, a colour)."""
    pad = 6
    clip = {
        "x": max(box["x"] - pad, 0),
        "y": max(box["y"] - pad, 0),
        "width": box["width"] + 2 * pad,
        "height": box["height"] + 2 * pad,
    }
    if clip["width"] <= 2 * pad or clip["height"] <= 2 * pad:
        return False
    focused = page.screenshot(clip=clip, animations="disabled", caret="hide")
    page.evaluate("() => { window.__refocus = document.activeElement; document.activeElement.blur(); }")
    blurred = page.screenshot(clip=clip, animations="disabled", caret="hide")
    page.evaluate("() => window.__refocus.focus({preventScroll: true})")
    return focused != blurred


def keyboard_answers(pid: str) -> tuple[dict, dict[str, str]]:
    """An eligible YAML case (the one with fewest list entries) and its answers as form texts."""
    cases = [c for c in pathway_cases(pid) if c.get("status") in ("eligible", "recommended")]
    assert cases, f"{pid}: no eligible case to complete with the keyboard"
    case = min(cases, key=lambda c: len(fragment(c["answers"])))
    wanted = dict(urllib.parse.parse_qsl(fragment(case["answers"]), keep_blank_values=True))
    return case, wanted


def _entries_wanted(wanted: dict[str, str], name: str) -> int:
    return len({k.split(".")[1] for k in wanted if k.startswith(name + ".")})


def _entries_shown(page, name: str) -> int:
    keys = page.eval_on_selector_all(f'[data-key^="{name}."]', "els => els.map(e => e.dataset.key)")
    return len({k.split(".")[1] for k in keys})


def complete_with_keyboard(page, wanted: dict[str, str], rel: str) -> tuple[set[str], list[str]]:
    """Tab through the page answering every question in ``wanted``; returns (keys answered, problems)."""
    done: set[str] = set()
    problems: list[str] = []
    seen_checker = False
    page.locator("body").focus()
    for _ in range(400):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_INFO)
        if info is None:
            continue
        if not info["inChecker"]:
            if seen_checker and done >= set(wanted):
                break
            continue
        seen_checker = True
        if not focus_is_visible(page, info["box"]):
            problems.append(
                f"{rel}: no visible focus on <{info['tag']} {info['type']}> {info['key'] or info['text']!r}"
            )
        if info["action"] == "add" and _entries_wanted(wanted, info["list"]) > _entries_shown(page, info["list"]):
            page.keyboard.press("Enter")  # another entry: its first field takes the focus
            info = page.evaluate(FOCUS_INFO)
        key = info["key"]
        if key not in wanted or key in done:
            continue
        value = wanted[key]
        if info["tag"] == "input" and info["type"] == "radio":
            for _ in range(12):  # arrow keys move through the group, checking as they go
                now = page.evaluate(FOCUS_INFO)
                if now["value"] == value:
                    if not now["checked"]:
                        page.keyboard.press("Space")
                    break
                page.keyboard.press("ArrowDown")
        elif info["tag"] == "select":
            page.keyboard.press("Home")
            for _ in range(40):
                if page.evaluate(FOCUS_INFO)["value"] == value:
                    break
                page.keyboard.press("ArrowDown")
        elif info["tag"] in ("input", "textarea"):
            page.keyboard.press("Control+A")
            page.keyboard.type(value)
        else:
            continue
        now = page.evaluate(FOCUS_INFO)
        if now["value"] == value and (now["type"] != "radio" or now["checked"]):
            done.add(key)
    return done, problems


def test_each_checker_can_be_completed_with_the_keyboard_alone(browser, site_server):
    assert set(CHECKERS) == set(pathway_ids()), "every pathway needs a checker page"
    problems: list[str] = []
    for pid, rel in CHECKERS.items():
        context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        try:
            load(page, site_server, rel)
            case, wanted = keyboard_answers(pid)
            done, focus_problems = complete_with_keyboard(page, wanted, rel)
            problems += focus_problems
            missing = set(wanted) - done
            if missing:
                problems.append(f"{rel}: could not answer {sorted(missing)} with the keyboard")
            page.wait_for_timeout(200)
            status = page.get_attribute("[data-checker-status]", "data-checker-status")
            if status != case["status"]:
                problems.append(f"{rel}: after answering {case['name']!r} by keyboard the status is {status!r}")
            for req, expected in (case.get("requirements") or {}).items():
                got = page.get_attribute(f'[data-requirement-id="{req}"]', "data-requirement-status")
                if got != expected:
                    problems.append(f"{rel}: requirement {req} is {got!r}, expected {expected!r}")
        finally:
            context.close()
    assert not problems, "\n".join(problems)


def test_focus_check_detects_a_missing_focus_indicator(browser, site_server):
    """Controls for focus_is_visible: Chromium's default focus ring on a focusable element is
    seen; with outlines and shadows removed, the same element is reported as having none."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        load(page, site_server, "index.html")
        page.evaluate("""() => { const s = document.createElement('span'); s.id = 'probe'; s.tabIndex = 0;
                                 s.textContent = 'probe'; document.querySelector('article').prepend(s); }""")
        page.keyboard.press("Tab")  # keyboard modality, so :focus-visible applies
        page.focus("#probe")
        assert focus_is_visible(page, page.evaluate(FOCUS_INFO)["box"])
        page.add_style_tag(
            content="#probe, #probe:focus, #probe:focus-visible { outline: none !important;"
            " box-shadow: none !important; }"
        )
        page.focus("#probe")
        assert not focus_is_visible(page, page.evaluate(FOCUS_INFO)["box"])
    finally:
        context.close()


# --- reflow -----------------------------------------------------------------------------------

OVERFLOW_JS = """() => {
    const se = document.scrollingElement, vw = se.clientWidth;
    const inScroller = (el) => {
        for (let p = el; p && p !== document.body; p = p.parentElement) {
            const s = getComputedStyle(p);
            if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && p !== se) return true;
        }
        return false;
    };
    // Material truncates the header's title with an ellipsis on narrow screens. It repeats the
    // site name (the logo link's accessible name) or the page's <h1>, so nothing is lost; any
    // other truncated text would be.
    const h1 = document.querySelector('article h1');
    const repeated = new Set([document.querySelector('.md-header .md-logo')?.getAttribute('aria-label'),
                              h1 ? h1.textContent.replace('\u00b6', '').trim() : null]);
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!n.textContent.trim() || !el) continue;
        if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
        if (el.closest('.md-header__topic') && repeated.has(n.textContent.trim())) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const r of range.getClientRects()) {
            if (r.width > 0 && r.height > 0 && r.right > vw + 1 && r.left < vw && !inScroller(el)) {
                out.push(`<${el.tagName.toLowerCase()} class="${el.className}"> "${n.textContent.trim().slice(0, 40)}" `
                         + `ends at ${Math.round(r.right)}px`);
                break;
            }
        }
        if (out.length >= 5) break;
    }
    return {scrollWidth: se.scrollWidth, clientWidth: vw, offenders: out};
}"""


def reflow_problems(page, server, pages: list[str], label: str) -> list[str]:
    problems = []
    for rel in pages:
        load(page, server, rel)  # layout is done at "load"; the search index changes nothing
        r = page.evaluate(OVERFLOW_JS)
        if r["scrollWidth"] > r["clientWidth"] + 1:
            problems.append(f"{rel} ({label}): the page scrolls sideways ({r['scrollWidth']} > {r['clientWidth']} px)")
        problems += [f"{rel} ({label}): text off the right edge: {o}" for o in r["offenders"]]
    return problems


@pytest.mark.parametrize(
    "label, options",
    [
        ("320 px", {"viewport": {"width": 320, "height": 640}}),
        ("1280 px at 200% zoom", {"viewport": {"width": 640, "height": 360}, "device_scale_factor": 2}),
    ],
)
def test_every_page_reflows_without_sideways_scrolling(browser, site_server, built_site, label, options):
    context = browser.new_context(bypass_csp=True, **options)
    page = context.new_page()
    pages = built_pages(built_site)
    try:
        problems = reflow_problems(page, site_server, pages, label)
        # Checkers with results and errors shown are longer and wider: check those states too.
        for pid, rel in CHECKERS.items():
            load(page, site_server, rel)
            for case in pathway_cases(pid)[:4]:
                follow(page, fragment(case["answers"]))
                r = page.evaluate(OVERFLOW_JS)
                if r["scrollWidth"] > r["clientWidth"] + 1 or r["offenders"]:
                    problems.append(f"{rel} ({label}, {case['name']}): {r}")
    finally:
        context.close()
    print(f"\nreflow: {len(pages)} pages at {label}")
    assert not problems, "\n".join(problems)


def test_reflow_check_detects_overflow(browser, site_server):
    """Negative control: a fixed-width block of text is reported."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        load(page, site_server, "index.html")
        page.add_style_tag(content="article p { width: 900px; }")
        r = page.evaluate(OVERFLOW_JS)
        assert r["offenders"] or r["scrollWidth"] > r["clientWidth"]
    finally:
        context.close()
