"""The engine's properties on the frozen fixture pathways (tests/fixtures/content/pathways).

The properties every pathway must have (monotonicity, no crash, exact thresholds, parsed
answers) run on every pathway of the content in test_every_pathway.py; this file keeps the
examples that need a pathway's names: exact boundaries written out, semester hours counted at
fifteen contact hours, the form's messages, and any bytes on stdin.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker import engine
from checker.cli import Refused, parse_answers

from .checker_support import fixture_compiled as compiled
from .pathway_gates import GATE, JSON, check_outcome


@GATE
@given(raw=st.binary(max_size=200) | JSON.map(lambda v: json.dumps(v).encode()))
def test_any_bytes_on_stdin_give_answers_or_a_refusal(raw):
    try:
        answers = parse_answers(raw)
    except Refused as exc:
        assert exc.problems and all("\n" not in p for p in exc.problems)
        return
    for pathway in compiled().values():
        check_outcome(engine.run(pathway, answers))


def requirement(pathway_id: str, answers: dict[str, Any], rid: str) -> dict[str, Any]:
    result = engine.evaluate(compiled()[pathway_id], answers)
    return next(r for r in result["requirements"] if r["id"] == rid)


@pytest.mark.parametrize(
    "pathway_id,answers,rid,status,remaining",
    [
        ("fx-ipc-to-ccpc", {"experience_years": 3.99}, "experience", "unmet", 0.01),
        ("fx-ipc-to-ccpc", {"experience_years": 4}, "experience", "met", 0),
        ("fx-ipc-to-ccpc", {"experience_years": 4.0}, "experience", "met", 0),
        ("fx-ipc-to-ccpc", {"experience_years": math.nextafter(4, 0)}, "experience", "unmet", 0.000001),
        ("fx-ipc-to-ccpc", {"pd_contact_hours": 29, "pd_plan_approved": True}, "professional_development", "unmet", 1),
        (
            "fx-ipc-to-ccpc",
            {"pd_contact_hours": 29.99, "pd_plan_approved": True},
            "professional_development",
            "unmet",
            0.01,
        ),
        ("fx-ipc-to-ccpc", {"pd_contact_hours": 30, "pd_plan_approved": True}, "professional_development", "met", 0),
        ("fx-ipc-to-ccpc", {"mentoring_years": 1.99}, "mentoring", "unmet", 0.01),
        ("fx-ipc-to-ccpc", {"mentoring_years": 2}, "mentoring", "met", 0),
        ("fx-iss-to-css", {"experience_years": 3.99}, "experience", "unmet", 0.01),
        (
            "fx-iss-to-css",
            {"experience": [{"years": 4, "setting": "mo_public", "fte": 0.5, "contracted": True}]},
            "experience",
            "met",
            0,
        ),
        (
            "fx-iss-to-css",
            {"experience": [{"years": 4, "setting": "mo_public", "fte": 0.49, "contracted": True}]},
            "experience",
            "unmet",
            4,
        ),
        ("fx-iss-to-css", {"pd_contact_hours": 39, "pd_semester_hours": 0}, "professional_development", "unmet", 1),
        ("fx-iss-to-css", {"pd_contact_hours": 25, "pd_semester_hours": 1}, "professional_development", "met", 0),
        ("fx-iss-to-css", {"pd_contact_hours": 0, "pd_semester_hours": 2.6}, "professional_development", "unmet", 1),
    ],
)
def test_boundaries_are_exact(pathway_id, answers, rid, status, remaining):
    r = requirement(pathway_id, answers, rid)
    assert (r["status"], r["remaining"]) == (status, remaining)


@GATE
@given(contact=st.floats(0, 100, allow_nan=False), semester=st.floats(0, 5, allow_nan=False))
def test_semester_hours_count_fifteen_contact_hours(contact, semester):
    r = requirement(
        "fx-iss-to-css", {"pd_contact_hours": contact, "pd_semester_hours": semester}, "professional_development"
    )
    assert r["status"] == ("met" if contact + 15 * semester >= 40 else "unmet")


@pytest.mark.parametrize(
    "text,value",
    [
        ("4", 4),
        (" 3.5 ", 3.5),
        ("-1", -1),
        ("+2", 2),
        (".5", 0.5),
        ("4.", 4.0),
        ("", None),
        ("  ", None),
        ("1e3", "1e3"),
        ("3,5", "3,5"),
        ("abc", "abc"),
        ("..", ".."),
        ("-", "-"),
        ("nan", "nan"),
        ("inf", "inf"),
    ],
)
def test_form_text_to_numbers(text, value):
    spec = {"type": "number"}
    assert engine._from_text(spec, text) == value
    assert type(engine._from_text(spec, text)) is type(value)


def test_form_errors_read_as_on_the_command_line():
    pathway = compiled()["fx-iss-to-css"]
    values, problems = engine.parse_answers(
        pathway,
        {
            "experience_years": "abc",
            "mentoring_years": "-1",
            "pbsse": "yes",
            "issued_on": "2024-02-30",
            "pd_contact_hours": "12",
            "pd_semester_hours": "",
        },
        True,
    )
    assert values == {"pd_contact_hours": 12}
    assert [engine.problem_line(p) for p in problems] == [
        "experience_years: should be a number, not the text 'abc'",
        "mentoring_years: must be at least 0 and at most 60 (got -1)",
        "pbsse: should be true or false, not the text 'yes'",
        "issued_on: '2024-02-30' is not a valid date; write it as YYYY-MM-DD, e.g. 2024-08-15",
    ]
    assert [(p["code"], p["path"]) for p in problems] == [
        ("not_a_number", ("experience_years",)),
        ("out_of_range", ("mentoring_years",)),
        ("not_true_or_false", ("pbsse",)),
        ("invalid_date", ("issued_on",)),
    ]
    assert problems[1]["params"] == {"value": -1, "at_least": 0, "more_than": None, "at_most": 60}
    values, problems = engine.parse_answers(
        pathway,
        {
            "experience": [
                {"years": "2", "setting": "mo_public", "fte": "1", "contracted": "true"},
                {
                    "years": "1",
                    "setting": "accredited_nonpublic",
                    "accreditor": "north-centrl",
                    "fte": "2",
                    "contracted": "false",
                },
            ]
        },
        True,
    )
    assert values == {
        "experience": [
            {"years": 2, "setting": "mo_public", "fte": 1, "contracted": True},
            {"years": 1, "setting": "accredited_nonpublic", "contracted": False},
        ]
    }
    assert [p["path"] for p in problems] == [("experience", 1, "accreditor"), ("experience", 1, "fte")]
    assert [engine.where(p["path"]) for p in problems] == ["experience[1].accreditor", "experience[1].fte"]
