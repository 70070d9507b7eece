"""Two ways sources disagree, on pathways made here, and the coverage gate's view of a
requirement no answer can make unmet.

``disagreement``: the other source does not state the requirement, so it is shown and never
decides the result as ``eligible`` on its own. ``differs``: both sources state it in other words,
so it decides the result as any requirement does; the note is shown beside it, on the guide and
the checker.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from certkb.pathway import compile_pathway
from certkb.pathway.model import Pathway
from certkb.render import make_env, render_guide
from checker import engine

from . import pathway_gates as gates
from .checker_support import compiled, content
from .conftest import ROOT

TEMPLATES = ROOT / "overrides" / "kb"


def made(kind: str) -> dict[str, Any]:
    """A pathway whose first requirement another source leaves out ("disagreement") or words
    differently ("differs")."""
    note = {"source": "other", "note": "The other source says it another way."}
    other = {"disagreement": note} if kind == "disagreement" else {"differs": [note]}
    data = {
        "id": "made-here",
        "title": "Made here",
        "jurisdiction": "nowhere",
        "last_reviewed": "2026-01-01",
        "sources": ["src", "other"],
        "determination": "The agency decides.",
        "inputs": [
            {"name": "hours", "type": "number", "label": "Hours", "at_least": 0, "at_most": 100},
            {"name": "done", "type": "boolean", "label": "Done"},
        ],
        "requirements": [
            {"id": "hours", "title": "Hours", "text": "Hours.", "source": "src", "met": "Met.",
             "rule": "hours >= 40", "unmet": "Short.", **other},
            {"id": "done", "title": "Done", "text": "Done.", "source": "src", "met": "Met.",
             "rule": "done", "unmet": "Not done."},
        ],
    }  # fmt: skip
    return compile_pathway(Pathway.model_validate(data), {}, {})


def test_a_requirement_worded_differently_decides_the_result():
    pathway = made("differs")
    requirement = pathway["requirements"][0]
    assert "disputed" not in requirement
    assert requirement["differs"] == [{"source": "other", "note": "The other source says it another way."}]
    result = engine.evaluate(pathway, {"hours": 10, "done": True})
    assert result["status"] == "not_yet"
    assert result["notices"] == []
    assert engine.evaluate(pathway, {"hours": 40, "done": True})["status"] == "eligible"


def test_a_requirement_another_source_leaves_out_never_says_not_yet_on_its_own():
    pathway = made("disagreement")
    assert "differs" not in pathway["requirements"][0]
    result = engine.evaluate(pathway, {"hours": 10, "done": True})
    assert result["status"] != "not_yet"  # unmet, it never says "not yet" on its own
    assert [n["id"] for n in result["notices"]] == ["disputed_requirement"]


def test_guides_show_each_requirement_worded_differently_with_both_sources():
    c = content()
    env = make_env([TEMPLATES])
    shown = 0
    for guide in c.guides.values():
        if not guide.pathway:
            continue
        page = render_guide(c, guide.id, env)
        for r in compiled()[guide.pathway]["requirements"]:
            for d in r.get("differs") or []:
                shown += 1
                assert " ".join(d["note"].split())[:60] in " ".join(page.split())
                assert c.sources[d["source"]].title in page
                assert c.sources[r["source"]].title in page
    assert shown or not any("differs" in r for p in compiled().values() for r in p["requirements"])


def test_coverage_asks_for_unknown_where_no_answer_can_make_a_requirement_unmet():
    data = {
        "id": "made-here",
        "title": "Made here",
        "jurisdiction": "nowhere",
        "last_reviewed": "2026-01-01",
        "sources": ["src"],
        "determination": "The agency decides.",
        "inputs": [
            {"name": "area", "type": "choice", "label": "Area",
             "choices": [{"value": "this", "label": "This"}, {"value": "that", "label": "That"}]},
            {"name": "done", "type": "boolean", "label": "Done"},
        ],
        "requirements": [
            {"id": "cut_off", "title": "Cut off", "text": "Cut off.", "source": "src", "met": "Does not apply.",
             "rule": "area == 'that'", "unmet": "Applies.",
             "undecided": [{"rule": "area == 'this'", "message": "Our copy is cut off: the agency decides."}]},
            {"id": "done", "title": "Done", "text": "Done.", "source": "src", "met": "Met.",
             "rule": "done", "unmet": "Not done."},
        ],
    }  # fmt: skip
    pathway = compile_pathway(Pathway.model_validate(data), {}, {})
    assert gates.never_unmet(pathway) == ["cut_off"]

    def model(*statuses: dict[str, str]) -> SimpleNamespace:
        return SimpleNamespace(
            requirements=[SimpleNamespace(id="cut_off"), SimpleNamespace(id="done")],
            cases=[SimpleNamespace(requirements=s, status=None, problems=[]) for s in statuses],
        )

    shown = model({"cut_off": "met", "done": "met"}, {"cut_off": "unknown", "done": "unmet"})
    assert gates.coverage_lacking(shown, pathway) == {}
    assert gates.coverage_lacking(shown) == {"cut_off": {"unmet"}}  # without the compiled pathway: as before
    assert gates.coverage_lacking(model({"cut_off": "met", "done": "met"}), pathway) == {
        "cut_off": {"unknown"},
        "done": {"unmet"},
    }


def _two_requirements(cases: list[dict[str, Any]]) -> Pathway:
    """A pathway made here: 'done' as any, 'stated' stated by one source only (disputed)."""
    data = {
        "id": "made-here",
        "title": "Made here",
        "jurisdiction": "nowhere",
        "last_reviewed": "2026-01-01",
        "sources": ["src", "other"],
        "determination": "The agency decides.",
        "inputs": [
            {"name": "done", "type": "boolean", "label": "Done"},
            {"name": "stated", "type": "boolean", "label": "Stated"},
        ],
        "requirements": [
            {"id": "done", "title": "Done", "text": "Done.", "source": "src", "met": "Met.",
             "rule": "done", "unmet": "Not done."},
            {"id": "stated", "title": "Stated", "text": "Stated.", "source": "src", "met": "Met.",
             "rule": "stated", "unmet": "Not stated.",
             "disagreement": {"source": "other", "note": "Only one source states it: ask the agency."}},
        ],
        "cases": cases,
    }  # fmt: skip
    return Pathway.model_validate(data)


def test_a_case_declared_eligible_shows_every_requirement_met():
    """The coverage gate counts what a case's declared status implies: 'eligible' means every
    requirement met, written out or not; 'not_yet' and 'incomplete' say nothing of any one."""
    all_met = {"name": "Both", "answers": {"done": True, "stated": True}, "status": "eligible"}
    unmet = {
        "name": "Neither",
        "answers": {"done": False, "stated": False},
        "status": "not_yet",
        "requirements": {"done": "unmet", "stated": "unmet"},
    }
    pathway = _two_requirements([all_met, unmet])
    compiled_pathway = compile_pathway(pathway, {}, {})
    assert gates.coverage_lacking(pathway, compiled_pathway) == {}
    assert gates.shown_statuses(pathway, pathway.cases[0]) == {"done": "met", "stated": "met"}
    # Without the eligible case nothing shows them met; a not_yet or incomplete case implies nothing.
    assert gates.coverage_lacking(_two_requirements([unmet]), compiled_pathway) == {
        "done": {"met"},
        "stated": {"met"},
    }
    only_done = {"name": "Done only", "answers": {"done": True}, "status": "incomplete"}
    assert gates.shown_statuses(pathway, _two_requirements([only_done]).cases[0]) == {}
    # What the case writes out stays as written (its own check compares it with the engine).
    written = dict(all_met, requirements={"done": "met"})
    assert gates.shown_statuses(pathway, _two_requirements([written]).cases[0]) == {"done": "met", "stated": "met"}
    # The rule's premise, from the engine: a disputed requirement not met keeps the result from
    # 'eligible' (it never makes it not_yet), so 'eligible' does imply every requirement met.
    for answers in ({"done": True}, {"done": True, "stated": False}):
        result = engine.evaluate(compiled_pathway, answers)
        assert result["status"] == "incomplete", (answers, result["status"])
    result = engine.evaluate(compiled_pathway, {"done": True, "stated": True})
    assert result["status"] == "eligible"
    assert {r["status"] for r in result["requirements"]} == {"met"}
