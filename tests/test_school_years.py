"""School years in the rules: ``school_years(...)`` and ``annually(...)``, met, unmet and unknown at
each boundary (a school year, a year named twice, a partial year, a missing year), on CPython and,
the same answers, under MicroPython.

The pathway is written here (its rules compiled with certkb.rules), so no content edit changes it;
the content's pathways that use these constructs have their own cases in their files.
"""

from __future__ import annotations

import pytest

from certkb.pathway.model import Input
from certkb.rules import compile_rule
from checker import engine

from . import pathway_gates as gates

INPUTS = [
    Input(name="total", type="number", label="School years in all", at_least=0, at_most=60),
    Input(
        name="posts",
        type="list",
        label="Posts",
        instead_of="total",
        max_entries=10,
        fields=[
            {"name": "school_year", "type": "school_year", "label": "School year"},
            {"name": "whole_year", "type": "boolean", "label": "The whole school year"},
            {"name": "approved", "type": "boolean", "label": "Approved"},
        ],
    ),
    Input(
        name="pd",
        type="list",
        label="Professional development",
        max_entries=10,
        fields=[
            {"name": "school_year", "type": "school_year", "label": "School year"},
            {"name": "hours", "type": "number", "label": "Hours", "at_least": 0, "at_most": 100},
        ],
    ),
]


def _data(spec: Input) -> dict:
    out = {"name": spec.name, "type": spec.type, "label": spec.label, "hint": None}
    if spec.type == "number":
        out.update(unit=None, at_least=spec.at_least, more_than=None, at_most=spec.at_most)
    if spec.type == "list":
        out.update(fields=[_data(f) for f in spec.fields], max_entries=spec.max_entries)
    if spec.type in ("number", "list") and isinstance(spec, Input):
        out["instead_of"] = spec.instead_of
    return out


def _requirement(rid: str, rule: str) -> dict:
    compiled = compile_rule(rule, {spec.name: spec for spec in INPUTS})
    return {
        "id": rid,
        "title": rid,
        "text": rule,
        "source": "s",
        "met": "Met.",
        "checks": [
            {
                "rule": compiled.rule,
                "unmet": "Not met.",
                "inputs": compiled.inputs,
                "quantity": compiled.quantity,
                "threshold": compiled.threshold,
            }
        ],
    }


PATHWAY = {
    "id": "school-years",
    "title": "School years",
    "jurisdiction": "j",
    "inputs": [_data(spec) for spec in INPUTS],
    "requirements": [
        _requirement("experience", "total + school_years(posts where approved) >= 4"),
        _requirement("annual", "annually(pd where hours >= 30 for posts)"),
    ],
    "expiry": None,
    "sources": [],
    "determination": "",
    "next_steps": [],
}


def post(year, whole=True, approved=True):
    entry = {"school_year": year, "approved": approved}
    if whole is not None:
        entry["whole_year"] = whole
    return entry


FOUR = [post("2020-21"), post("2021-22"), post("2022-23"), post("2023-24")]

CASES = [
    # (name, answers, experience, annual, words in a message)
    ("four school-year contracts are four years", {"posts": FOUR}, "met", "unknown", "Not answered yet: Professional"),
    ("a total of four", {"total": 4}, "met", "unknown", "instead of a total"),
    ("a year named twice counts once", {"posts": FOUR[:3] + [post("2022\u201323")]}, "unmet", "unknown", None),
    (
        "a partial year that would decide",
        {"posts": FOUR[:3] + [post("2023-24", whole=False)]},
        "unknown",
        "unknown",
        "DESE decides how a partial school year counts. Posts: 3 whole school years, 4 with the partial one.",
    ),
    (
        "a partial year that does not decide",
        {"posts": FOUR + [post("2024-25", whole=False)]},
        "met",
        "unknown",
        None,
    ),
    (
        "a whole and a partial post in the same year: whole",
        {"posts": FOUR[:3] + [post("2023-24", whole=False), post("2023-24")]},
        "met",
        "unknown",
        None,
    ),
    (
        "not whether it was the whole year",
        {"posts": FOUR[:3] + [post("2023-24", whole=None)]},
        "unknown",
        "unknown",
        None,
    ),
    ("not approved", {"posts": FOUR[:3] + [post("2023-24", approved=False)]}, "unmet", "unknown", None),
    (
        "every year covered",
        {"posts": FOUR, "pd": [{"school_year": y["school_year"], "hours": 30} for y in FOUR]},
        "met",
        "met",
        None,
    ),
    (
        "a missing year is unknown and named",
        {"posts": FOUR, "pd": [{"school_year": y["school_year"], "hours": 30} for y in FOUR[1:]]},
        "met",
        "unknown",
        "Professional development: no entry yet for 2020-21.",
    ),
    (
        "one year below the amount",
        {
            "posts": FOUR,
            "pd": [{"school_year": y["school_year"], "hours": 29 if i == 2 else 30} for i, y in enumerate(FOUR)],
        },
        "met",
        "unmet",
        None,
    ),
    (
        "one year below, another missing: unmet",
        {"posts": FOUR, "pd": [{"school_year": "2020-21", "hours": 10}]},
        "met",
        "unmet",
        None,
    ),
    (
        "a year's hours not given",
        {
            "posts": FOUR,
            "pd": [{"school_year": y["school_year"], "hours": 30} for y in FOUR[:3]] + [{"school_year": "2023-24"}],
        },
        "met",
        "unknown",
        "Hours",
    ),
    (
        "entries for other years are not read",
        {"posts": FOUR[:1], "pd": [{"school_year": "2020-21", "hours": 30}, {"school_year": "2019-20", "hours": 0}]},
        "unmet",
        "met",
        None,
    ),
]


@pytest.mark.parametrize("name,answers,experience,annual,words", CASES, ids=[c[0] for c in CASES])
def test_school_years_and_annually(name, answers, experience, annual, words):
    result = engine.evaluate(PATHWAY, answers)
    got = {r["id"]: r for r in result["requirements"]}
    assert (got["experience"]["status"], got["annual"]["status"]) == (experience, annual)
    if words:
        assert any(words in r["message"] for r in got.values()), [r["message"] for r in got.values()]


@pytest.mark.parametrize(
    "text,ok",
    [
        ("2023-24", True),
        ("2023\u201324", True),
        ("1999-00", True),
        ("2023-25", False),
        ("2023-2024", False),
        ("23-24", False),
    ],
)
def test_a_school_year_is_written_as_the_two_years_it_spans(text, ok):
    problems = engine.check_answers(PATHWAY, {"posts": [{"school_year": text}]})
    assert (problems == []) == ok, problems


def test_micropython_counts_school_years_as_cpython(tmp_path):
    runs = [["school-years", answers, "run", None] for _, answers, _, _, _ in CASES]
    runs += [["school-years", {"posts": [{"school_year": t}]}, "run", None] for t in ("2023-25", 2023, "2023\u201324")]
    runs += [["school-years", {"posts": [{"school_year": "2023-24"}]}, "parse_text", None]]
    kinds = gates.parity({"school-years": PATHWAY}, runs, tmp_path)
    assert kinds["result"] == len(CASES) + 1 and kinds["problems"] == 2, kinds
