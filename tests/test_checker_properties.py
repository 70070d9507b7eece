"""Properties of the engine that must hold for every answer, checked with hypothesis.

* More of any quantity (years, hours, a yes instead of a no, another position)
  never makes a requirement or the overall result worse, nor the remaining amount larger.
* No JSON input crashes the engine: it returns a result or a list of one-line problems.
* Boundaries are exact: 3.99 years against 4 is unmet, 4 is met; 29 hours against 30 is unmet.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from checker import engine
from checker.cli import Refused, parse_answers

from .checker_support import compiled

PATHWAYS = ["mo-ipc-to-ccpc", "mo-iss-to-css"]
RANK = {"unmet": 0, "unknown": 1, "met": 2, "not_yet": 0, "incomplete": 1, "eligible": 2}
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def number(spec: dict[str, Any]) -> st.SearchStrategy:
    low = spec.get("at_least")
    if low is None:
        low = spec["more_than"]
    return st.one_of(
        st.integers(math.ceil(low), math.floor(spec["at_most"])),
        st.floats(low, spec["at_most"], exclude_min=spec.get("at_least") is None, allow_nan=False),
    ).filter(lambda x: x > low if spec.get("at_least") is None else True)


def value(spec: dict[str, Any]) -> st.SearchStrategy:
    kind = spec["type"]
    if kind == "number":
        return number(spec)
    if kind == "boolean":
        return st.booleans()
    if kind == "choice":
        return st.sampled_from([c["value"] for c in spec["choices"]])
    if kind == "date":
        return st.dates(min_value=__import__("datetime").date(1990, 1, 1),
                        max_value=__import__("datetime").date(2090, 12, 31)).map(lambda d: d.isoformat())
    entry = st.fixed_dictionaries({}, optional={f["name"]: value(f) for f in spec["fields"]})
    return st.lists(entry, max_size=5)


def valid_answers(pathway: dict[str, Any]) -> st.SearchStrategy:
    optional = {spec["name"]: value(spec) for spec in pathway["inputs"]}

    def one_form(answers: dict[str, Any]) -> dict[str, Any]:
        for spec in pathway["inputs"]:
            if spec.get("instead_of") and spec["name"] in answers:
                answers.pop(spec["instead_of"], None)
        return answers

    return st.fixed_dictionaries({}, optional=optional).map(one_form)


def quantities(pathway: dict[str, Any], answers: dict[str, Any]) -> list[tuple]:
    """Every place in ``answers`` that holds an amount: (path, spec)."""
    out: list[tuple] = []
    for spec in pathway["inputs"]:
        if spec["type"] in ("number", "boolean") and spec["name"] in answers:
            out.append(((spec["name"],), spec))
        if spec["type"] == "list" and spec["name"] in answers:
            for i, entry in enumerate(answers[spec["name"]]):
                for f in spec["fields"]:
                    if f["type"] in ("number", "boolean") and f["name"] in entry:
                        out.append(((spec["name"], i, f["name"]), f))
    return out


def more(spec: dict[str, Any], current: Any, step: float) -> Any:
    if spec["type"] == "boolean":
        return True
    return min(spec["at_most"], current + step)


def statuses(result: dict[str, Any]) -> tuple:
    return result["status"], [(r["status"], r["remaining"]) for r in result["requirements"]]


def assert_not_worse(before: dict[str, Any], after: dict[str, Any]) -> None:
    assert RANK[after["status"]] >= RANK[before["status"]], (statuses(before), statuses(after))
    for b, a in zip(before["requirements"], after["requirements"]):
        assert RANK[a["status"]] >= RANK[b["status"]], (b, a)
        if isinstance(a["remaining"], (int, float)) and isinstance(b["remaining"], (int, float)):
            assert a["remaining"] <= b["remaining"], (b, a)


@pytest.mark.parametrize("pathway_id", PATHWAYS)
def test_more_of_any_quantity_never_makes_a_result_worse(pathway_id):
    pathway = compiled()[pathway_id]

    @SETTINGS
    @given(answers=valid_answers(pathway), data=st.data())
    def check(answers, data):
        before = engine.evaluate(pathway, answers)
        places = quantities(pathway, answers)
        assume(places)
        path, spec = data.draw(st.sampled_from(places))
        step = data.draw(st.one_of(st.sampled_from([0.01, 0.5, 1, 15]), st.floats(0, 100, allow_nan=False)))
        bigger = json.loads(json.dumps(answers))
        holder = bigger
        for part in path[:-1]:
            holder = holder[part]
        holder[path[-1]] = more(spec, holder[path[-1]], step)
        assert_not_worse(before, engine.evaluate(pathway, bigger))

    check()


@pytest.mark.parametrize("pathway_id", ["mo-iss-to-css"])
def test_another_position_never_makes_a_result_worse(pathway_id):
    pathway = compiled()[pathway_id]
    spec = next(s for s in pathway["inputs"] if s["type"] == "list")

    @SETTINGS
    @given(answers=valid_answers(pathway), entry=value(spec).filter(bool).map(lambda entries: entries[0]))
    def check(answers, entry):
        answers.pop(spec["instead_of"], None)
        answers.setdefault(spec["name"], [])  # the list is answered: adding to it is more, not a first answer
        before = engine.evaluate(pathway, answers)
        after = engine.evaluate(pathway, dict(answers, **{spec["name"]: answers[spec["name"]] + [entry]}))
        assert_not_worse(before, after)

    check()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


def answer_like(pathway: dict[str, Any]) -> st.SearchStrategy:
    """JSON objects whose keys are mostly the real ones (so values get checked), with anything as values."""
    names = [s["name"] for s in pathway["inputs"]]
    fields = [f["name"] for s in pathway["inputs"] for f in s.get("fields", [])] or ["years"]
    keys = st.sampled_from(names) | st.text(max_size=12)
    entry = st.dictionaries(st.sampled_from(fields) | st.text(max_size=8), JSON, max_size=6)
    return st.dictionaries(keys, JSON | st.lists(entry | JSON, max_size=4), max_size=8)


def check_outcome(out: dict[str, Any]) -> None:
    assert set(out) in ({"result"}, {"problems"})
    if "problems" in out:
        assert out["problems"] and all(isinstance(p, str) and p and "\n" not in p for p in out["problems"])
    else:
        result = out["result"]
        assert result["status"] in engine.OVERALL
        assert all(r["status"] in engine.STATUSES for r in result["requirements"])
        json.dumps(result, allow_nan=False)  # the result is plain JSON, no NaN or infinity


@pytest.mark.parametrize("pathway_id", PATHWAYS)
def test_no_json_input_crashes_the_engine(pathway_id):
    pathway = compiled()[pathway_id]

    @SETTINGS
    @given(answers=JSON | answer_like(pathway))
    def check(answers):
        check_outcome(engine.run(pathway, answers))

    check()


@SETTINGS
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


@pytest.mark.parametrize("pathway_id,answers,rid,status,remaining", [
    ("mo-ipc-to-ccpc", {"experience_years": 3.99}, "experience", "unmet", 0.01),
    ("mo-ipc-to-ccpc", {"experience_years": 4}, "experience", "met", 0),
    ("mo-ipc-to-ccpc", {"experience_years": 4.0}, "experience", "met", 0),
    ("mo-ipc-to-ccpc", {"experience_years": math.nextafter(4, 0)}, "experience", "unmet", 0.000001),
    ("mo-ipc-to-ccpc", {"pd_contact_hours": 29, "pd_plan_approved": True}, "professional_development", "unmet", 1),
    ("mo-ipc-to-ccpc", {"pd_contact_hours": 29.99, "pd_plan_approved": True}, "professional_development", "unmet", 0.01),
    ("mo-ipc-to-ccpc", {"pd_contact_hours": 30, "pd_plan_approved": True}, "professional_development", "met", 0),
    ("mo-ipc-to-ccpc", {"mentoring_years": 1.99}, "mentoring", "unmet", 0.01),
    ("mo-ipc-to-ccpc", {"mentoring_years": 2}, "mentoring", "met", 0),
    ("mo-iss-to-css", {"experience_years": 3.99}, "experience", "unmet", 0.01),
    ("mo-iss-to-css", {"experience": [{"years": 4, "setting": "mo_public", "fte": 0.5, "contracted": True}]},
     "experience", "met", 0),
    ("mo-iss-to-css", {"experience": [{"years": 4, "setting": "mo_public", "fte": 0.49, "contracted": True}]},
     "experience", "unmet", 4),
    ("mo-iss-to-css", {"pd_contact_hours": 39, "pd_semester_hours": 0}, "professional_development", "unmet", 1),
    ("mo-iss-to-css", {"pd_contact_hours": 25, "pd_semester_hours": 1}, "professional_development", "met", 0),
    ("mo-iss-to-css", {"pd_contact_hours": 0, "pd_semester_hours": 2.6}, "professional_development", "unmet", 1),
])
def test_boundaries_are_exact(pathway_id, answers, rid, status, remaining):
    r = requirement(pathway_id, answers, rid)
    assert (r["status"], r["remaining"]) == (status, remaining)


@pytest.mark.parametrize("pathway_id,name,rid", [
    ("mo-ipc-to-ccpc", "experience_years", "experience"),
    ("mo-ipc-to-ccpc", "mentoring_years", "mentoring"),
    ("mo-iss-to-css", "experience_years", "experience"),
    ("mo-iss-to-css", "mentoring_years", "mentoring"),
])
def test_a_threshold_is_met_exactly_from_the_number_in_the_yaml(pathway_id, name, rid):
    threshold = next(c["threshold"] for r in compiled()[pathway_id]["requirements"] if r["id"] == rid
                     for c in r["checks"] if c["threshold"] is not None)

    @SETTINGS
    @given(x=st.floats(0, 60, allow_nan=False) | st.sampled_from([threshold, math.nextafter(threshold, 0)]))
    def check(x):
        r = requirement(pathway_id, {name: x}, rid)
        assert r["status"] == ("met" if x >= threshold else "unmet")
        if x >= threshold:
            assert r["remaining"] == 0
        else:
            assert 0 < r["remaining"] and abs(r["remaining"] - (threshold - x)) <= 1e-6

    check()


@SETTINGS
@given(contact=st.floats(0, 100, allow_nan=False), semester=st.floats(0, 5, allow_nan=False))
def test_semester_hours_count_fifteen_contact_hours(contact, semester):
    r = requirement("mo-iss-to-css", {"pd_contact_hours": contact, "pd_semester_hours": semester},
                    "professional_development")
    assert r["status"] == ("met" if contact + 15 * semester >= 40 else "unmet")


FORM_TEXT = st.one_of(st.sampled_from(["", " ", "4", "3.99", "-1", ".5", "1e3", "abc", "true", "false", "2024-08-15",
                                       "mo_public", "isacs", "0.5"]), st.text(max_size=12))


def form_like(pathway: dict[str, Any]) -> st.SearchStrategy:
    """What the browser form or a #fragment gives: text for every answer, rows of text for lists."""
    names = [s["name"] for s in pathway["inputs"]]
    fields = [f["name"] for s in pathway["inputs"] for f in s.get("fields", [])] or ["years"]
    row = st.dictionaries(st.sampled_from(fields) | st.text(max_size=6), FORM_TEXT, max_size=6)
    return st.dictionaries(st.sampled_from(names) | st.text(max_size=8), FORM_TEXT | st.lists(row, max_size=3), max_size=8)


@pytest.mark.parametrize("pathway_id", PATHWAYS)
def test_parsed_answers_are_the_usable_ones_with_the_cli_messages(pathway_id):
    """parse_answers (the browser form) leaves out exactly what the CLI would refuse, in the CLI's words."""
    pathway = compiled()[pathway_id]

    @SETTINGS
    @given(answers=answer_like(pathway) | form_like(pathway) | JSON, from_text=st.booleans())
    def check(answers, from_text):
        original = json.dumps(answers, sort_keys=True)
        values, problems = engine.parse_answers(pathway, answers, from_text)
        assert json.dumps(answers, sort_keys=True) == original, "the caller's answers were changed"
        assert engine.check_answers(pathway, values) == [], "what is left must be usable"
        assert set(values) <= {s["name"] for s in pathway["inputs"]}
        assert all(isinstance(p["path"], tuple) and "\n" not in engine.message(p) for p in problems)
        if not from_text:
            assert [engine.problem_line(p) for p in problems] == engine.check_answers(pathway, answers)
        engine.evaluate(pathway, values)

    check()


@pytest.mark.parametrize("text,value", [
    ("4", 4), (" 3.5 ", 3.5), ("-1", -1), ("+2", 2), (".5", 0.5), ("4.", 4.0), ("", None), ("  ", None),
    ("1e3", "1e3"), ("3,5", "3,5"), ("abc", "abc"), ("..", ".."), ("-", "-"), ("nan", "nan"), ("inf", "inf"),
])
def test_form_text_to_numbers(text, value):
    spec = {"type": "number"}
    assert engine._from_text(spec, text) == value
    assert type(engine._from_text(spec, text)) is type(value)


def test_form_errors_read_as_on_the_command_line():
    pathway = compiled()["mo-iss-to-css"]
    values, problems = engine.parse_answers(pathway, {
        "experience_years": "abc", "mentoring_years": "-1", "pbsse": "yes", "issued_on": "2024-02-30",
        "pd_contact_hours": "12", "pd_semester_hours": ""}, True)
    assert values == {"pd_contact_hours": 12}
    assert [engine.problem_line(p) for p in problems] == [
        "experience_years: should be a number, not the text 'abc'",
        "mentoring_years: must be at least 0 and at most 60 (got -1)",
        "pbsse: should be true or false, not the text 'yes'",
        "issued_on: '2024-02-30' is not a valid date; write it as YYYY-MM-DD, e.g. 2024-08-15",
    ]
    assert [(p["code"], p["path"]) for p in problems] == [
        ("not_a_number", ("experience_years",)), ("out_of_range", ("mentoring_years",)),
        ("not_true_or_false", ("pbsse",)), ("invalid_date", ("issued_on",))]
    assert problems[1]["params"] == {"value": -1, "at_least": 0, "more_than": None, "at_most": 60}
    values, problems = engine.parse_answers(pathway, {"experience": [
        {"years": "2", "setting": "mo_public", "fte": "1", "contracted": "true"},
        {"years": "1", "setting": "accredited_nonpublic", "accreditor": "north-centrl", "fte": "2", "contracted": "false"},
    ]}, True)
    assert values == {"experience": [{"years": 2, "setting": "mo_public", "fte": 1, "contracted": True},
                                     {"years": 1, "setting": "accredited_nonpublic", "contracted": False}]}
    assert [p["path"] for p in problems] == [("experience", 1, "accreditor"), ("experience", 1, "fte")]
    assert [engine.where(p["path"]) for p in problems] == ["experience[1].accreditor", "experience[1].fte"]
