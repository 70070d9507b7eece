"""The checker pages keep the engine's promises in the words they show (the status line is also what
the printed summary carries): no "every requirement" while a requirement the sources disagree on is
not met, and no "submit" on a chooser's page unless it names an application.

Found from the content's own cases: every pathway case in which a requirement only one source states
is expected unmet or unknown, and every chooser case that expects no application to submit.
"""

from __future__ import annotations

from typing import Any

import pytest

from .checker_support import content
from .checker_visits import CHECKER_VISITS, content_checker_visits


def _disputed_cases() -> dict[str, set[str]]:
    """{pathway id: names of its cases that expect a disputed requirement unmet or unknown}."""
    c = content()
    out: dict[str, set[str]] = {}
    for pid, pathway in c.pathways.items():
        disputed = {r["id"] for r in c.compiled[pid]["requirements"] if r.get("disputed")}
        for case in pathway.cases:
            shown = {rid for rid, status in case.requirements.items() if status != "met"}
            if not case.problems and disputed & shown:
                out.setdefault(pid, set()).add(case.name)
    return out


def _chooser_cases() -> dict[str, set[str]]:
    """{chooser id: names of its cases that expect no application to submit}."""
    out: dict[str, set[str]] = {}
    for cid, chooser in content().choosers.items():
        for case in chooser.cases:
            if case.recommended is None and not case.problems:
                out.setdefault(cid, set()).add(case.name)
    return out


def _visits(browser, server, cases: dict[str, set[str]]) -> list[tuple[str, Any, str]]:
    """(checker id, visit, the status line's words in lower case) of each named case, each once."""
    out = []
    for pid, names in cases.items():
        for v in content_checker_visits(browser, server, pid).cases:
            if v.name in names:
                assert v.console_errors == [], v.console_errors
                out.append((pid, v, (v.shown["status_text"] or "").lower()))
    assert len(out) == sum(len(n) for n in cases.values()), "every named case was shown"
    return out


@pytest.mark.browser
@pytest.mark.xdist_group(CHECKER_VISITS)
def test_no_every_requirement_while_a_disputed_requirement_is_not_met(browser, site_server):
    cases = _disputed_cases()
    assert cases, "no case has a requirement the sources disagree on that is not met"
    for pid, v, words in _visits(browser, site_server, cases):
        assert v.shown["status"] != "eligible", (pid, v.name)
        assert "every" not in words and "all requirements" not in words, (pid, v.name, words)


@pytest.mark.browser
@pytest.mark.xdist_group(CHECKER_VISITS)
def test_a_chooser_says_submit_only_when_it_names_an_application(browser, site_server):
    cases = _chooser_cases()
    assert cases
    for cid, v, words in _visits(browser, site_server, cases):
        assert v.shown["recommended"] == "", (cid, v.name)
        assert "submit" not in words and "all requirements" not in words, (cid, v.name, words)
