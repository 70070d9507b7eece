"""One recorded visit per (checker page, case), shared by the gates that look at checker pages.

The browser smoke gate (every case shown as the engine gives it), the privacy gate (a link with
answers sends nothing) and the CSP gate (a checker evaluates under its policy) all need a checker
page showing each YAML case. Starting MicroPython is the slow part of a visit, so each checker is
loaded cold once per day its cases are checked for (the page's clock is set to that day, since
the widget reads the date when it starts), and the other cases of that day are given to the open
page through ``location.hash``, as an educator following a second link would. Every step records
what the page did: requests, CSP violations, console errors, elements scripts created, and what
the widget shows (status, recommendation, each requirement's status and message, notices).

The first load of each checker has no answers (the page as an educator first sees it); a later
day's first case is a cold load with the answers in the link. Visits are memoised per browser,
server and checker, so the gates that share them run in one pytest-xdist group
(``CHECKER_VISITS``) and load each page once between them.
"""

from __future__ import annotations

import datetime
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from .quality_support import CONSOLE_CSP_RE, READY, READY_TIMEOUT_MS, Recorder

# The xdist group of every test that reads these visits (one worker, one memo).
CHECKER_VISITS = "checker-visits"

# The day a case is checked for when it names none: the page's clock is set to it (Playwright's
# clock), so a case gives the same result in the browser whatever day the tests run.
DEFAULT_DAY = datetime.date(2026, 1, 15)

SNAPSHOT_JS = """() => {
    const status = document.querySelector('[data-checker-status]');
    const requirements = Array.from(document.querySelectorAll('[data-requirement-id]')).map((el) => {
        const section = el.closest('[data-pathway-id]');
        return [section ? section.getAttribute('data-pathway-id') : '', el.getAttribute('data-requirement-id'),
                el.getAttribute('data-requirement-status'), el.querySelector('.checker-message').innerText.trim()];
    });
    const pathways = {};
    for (const section of document.querySelectorAll('[data-pathway-id]')) {
        const s = section.querySelector('[data-pathway-status]');
        pathways[section.getAttribute('data-pathway-id')] = s ? s.getAttribute('data-pathway-status') : null;
    }
    return {
        status: status ? status.getAttribute('data-checker-status') : null,
        status_text: status ? status.innerText.trim() : null,
        recommended: status ? status.getAttribute('data-checker-recommended') : null,
        requirements, pathways,
        notices: Array.from(document.querySelectorAll('[data-notice-id]'))
            .map((el) => el.getAttribute('data-notice-id')),
        url: location.href,
    };
}"""

# Resolves once the page has handled the new fragment: listeners run in the order they were added,
# so this one runs after the widget's (added when it started).
SET_HASH_JS = """(fragment) => new Promise((resolve) => {
    const before = location.href;
    window.addEventListener('hashchange', () => resolve(true), {once: true});
    location.hash = fragment;
    if (location.href === before) resolve(false);
})"""


# What the recorder (quality_support.RECORDER_JS) noted since it was last asked, so that each case
# of an open page reports its own.
TAKE_RECORDED_JS = """() => {
    const q = window.__quality || {csp: [], created: []};
    const out = {csp: q.csp.slice(), created: q.created.slice()};
    q.csp.length = 0;
    q.created.length = 0;
    return out;
}"""


@dataclass
class CaseVisit:
    """What a checker page did and showed for one case."""

    name: str
    fragment: str
    day: datetime.date
    cold: bool  # loaded from the link (True) or given to the open page through location.hash
    ready: bool
    shown: dict[str, Any] = field(default_factory=dict)  # SNAPSHOT_JS
    requests: list[str] = field(default_factory=list)
    sent: list[tuple[str, str, bytes | None]] = field(default_factory=list)
    csp: list[dict] = field(default_factory=list)
    csp_console: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)

    def requirements(self, section: str | None = None) -> dict[str, tuple[str, str]]:
        """{requirement id: (status, message)}, of one chooser section or of the whole page."""
        return {
            rid: (status, message)
            for sec, rid, status, message in self.shown["requirements"]
            if section is None or sec == section
        }


@dataclass
class CheckerVisits:
    url: str
    first: CaseVisit  # the page with no answers, cold
    cases: list[CaseVisit]


_MEMO: dict[tuple[int, str, str], CheckerVisits] = {}


def fragment(answers: dict[str, Any]) -> str:
    """The #fragment a link with these answers has: name=value, list entries as name.i.field=value."""

    def text(v: Any) -> str:
        return "true" if v is True else "false" if v is False else str(v)

    pairs: list[tuple[str, str]] = []
    for name, v in answers.items():
        if isinstance(v, list):
            for i, entry in enumerate(v):
                pairs += [(f"{name}.{i}.{f}", text(x)) for f, x in entry.items()]
        else:
            pairs.append((name, text(v)))
    return urllib.parse.urlencode(pairs)


def case_day(case) -> datetime.date:
    """The day a case is checked for: its own ``as_of``, else DEFAULT_DAY."""
    return getattr(case, "as_of", None) or DEFAULT_DAY


def case_list(cases: list) -> list[tuple[str, dict[str, Any], datetime.date]]:
    """(name, answers, day) of the YAML cases a page can be given: those the engine accepts."""
    from certkb.pathway import case_answers

    out = []
    for case in cases:
        answers = case_answers(case)
        if not case.problems and isinstance(answers, dict):
            out.append((case.name, answers, case_day(case)))
    return out


def content_checker_visits(browser, server, pid: str) -> CheckerVisits:
    """The visits of the checker ``pid`` of the content under test (a pathway's or a chooser's)."""
    from .checker_support import content

    c = content()
    cases = c.pathways[pid].cases if pid in c.pathways else c.choosers[pid].cases
    return checker_visits(browser, server.url(f"checker/{pid}/"), case_list(cases))


def _record(rec: Recorder, name: str, frag: str, day: datetime.date, cold: bool, ready: bool) -> CaseVisit:
    quality = rec.page.evaluate(TAKE_RECORDED_JS)
    v = CaseVisit(
        name=name,
        fragment=frag,
        day=day,
        cold=cold,
        ready=ready,
        shown=rec.page.evaluate(SNAPSHOT_JS) if ready else {},
        requests=list(rec.requests),
        sent=list(rec.sent),
        csp=quality["csp"],
        csp_console=[t for kind, t in rec.console if CONSOLE_CSP_RE.search(t)],
        console_errors=[t for kind, t in rec.console if kind in ("error", "pageerror")],
        created=quality["created"],
    )
    rec.reset()
    return v


def _open(rec: Recorder, url: str, day: datetime.date) -> bool:
    rec.page.goto("about:blank")
    rec.page.clock.set_fixed_time(datetime.datetime(day.year, day.month, day.day, 12, 0))
    rec.reset()
    rec.page.goto(url, wait_until="load")
    try:
        rec.page.wait_for_selector(READY, state="attached", timeout=READY_TIMEOUT_MS)
        return True
    except Exception:  # Playwright's TimeoutError: the visit says it never became ready
        return False


def checker_visits(browser, url: str, cases: list[tuple[str, dict[str, Any], datetime.date]]) -> CheckerVisits:
    """Every case (name, answers, day) shown on the checker page at ``url``, memoised."""
    key = (id(browser), url, repr([(n, fragment(a), d) for n, a, d in cases]))
    if key in _MEMO:
        return _MEMO[key]
    rec = Recorder(browser)
    try:
        first = _record(rec, "(no answers)", "", DEFAULT_DAY, True, _open(rec, url, DEFAULT_DAY))
        open_day = DEFAULT_DAY if first.ready else None
        out = []
        for day in sorted({d for _, _, d in cases}, key=lambda d: (d != DEFAULT_DAY, d)):
            for name, answers, case_day in cases:
                if case_day != day:
                    continue
                frag = fragment(answers)
                if open_day != day:
                    out.append(_record(rec, name, frag, day, True, _open(rec, f"{url}#{frag}", day)))
                    open_day = day if out[-1].ready else None
                    continue
                rec.page.evaluate(SET_HASH_JS, frag)
                out.append(_record(rec, name, frag, day, False, True))
        _MEMO[key] = CheckerVisits(url=url, first=first, cases=out)
    finally:
        rec.close()
    return _MEMO[key]
