"""Robustness of the engine's answer parsing: any answers give (values, problems), never an exception.

``checker.engine.parse_answers(pathway, answers, from_text)`` is what the
browser checker calls with the form's text and the URL fragment
(``from_text=True``) and what the command line's JSON goes through; then
``evaluate`` runs on the values it keeps. Fuzzed with hypothesis, for both
real pathways:

* arbitrary JSON (any shape: not an object, unknown keys, every kind of value,
  nested lists and objects);
* form text as a person or a pasted link could produce it: numbers in every
  spelling (signs, exponents, commas, Unicode and full-width digits, NaN,
  Infinity), whitespace and control characters, HTML and script payloads,
  very long text, and list entries keyed like the fragment's
  ``experience.0.years``;
* explicit hard cases: 5000-digit numbers, 1 MB of text, 10,000 list entries,
  deeply nested values.

Properties: ``parse_answers`` returns a dict of values (keys among the
pathway's inputs) and a list of ``[field, message]`` pairs of one-line
strings; ``evaluate`` on those values returns a JSON-serialisable result
(no NaN or infinity) with known statuses. Nothing is timed here (no hypothesis
deadline): ``make bench-fuzz`` (benchmarks/fuzz.py) prints how long the hard
cases take. Every pathway of the content gets these tests, and the hard cases
are built from its own inputs. The engine's properties (monotonicity, exact
thresholds, CLI parity) are per-pathway gates in tests/test_every_pathway.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker import engine

from .checker_support import compiled

PATHWAYS = sorted(compiled())
FUZZ = settings(
    max_examples=200, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=25,
)

NUMBER_TEXTS = [
    "4",
    "3.5",
    "-1",
    "+2",
    ".5",
    "4.",
    "0",
    "-0",
    "00004",
    "1e3",
    "1E-3",
    "3,5",
    "1 000",
    "1_000",
    "0x10",
    "١٢",
    "\uff14",
    "\u0663",
    "NaN",
    "nan",
    "Infinity",
    "-inf",
    "1e309",
    "9" * 40,
    "4\u00a0",
    "\u20074",
    "4\t",
    "\n4\n",
    "",
    " ",
    "..",
    "-",
    "+",
    "--1",
    "4..5",
    "true",
    "false",
    "True",
    "yes",
    "null",
    "2024-02-29",
    "2024-02-30",
    "9999-12-31",
    "0000-01-01",
    "2024-2-3",
    "a-choice",
    "a_choice",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "\x00",
    "\u202e4",
    "\ud800",
    "🙂",
    "{{7*7}}",
    "%s%n",
]
form_text = st.one_of(
    st.sampled_from(NUMBER_TEXTS),
    st.text(max_size=40),
    st.from_regex(r"\A[ +-]?[0-9]{0,20}(\.[0-9]{0,20})?([eE][+-]?[0-9]{1,4})?\Z"),
)


def input_names(pathway: dict) -> list[str]:
    return [s["name"] for s in pathway["inputs"]]


def field_names(pathway: dict) -> list[str]:
    return [f["name"] for s in pathway["inputs"] for f in s.get("fields", [])] or ["years"]


def form_answers(pathway: dict) -> st.SearchStrategy:
    """Answers as the widget hands them over from the form or the fragment: text, and rows of text."""
    keys = st.sampled_from(input_names(pathway)) | st.text(max_size=12)
    row = st.dictionaries(st.sampled_from(field_names(pathway)) | st.text(max_size=6), form_text, max_size=6)
    return st.dictionaries(keys, form_text | st.lists(row, max_size=4), max_size=10)


def json_answers(pathway: dict) -> st.SearchStrategy:
    keys = st.sampled_from(input_names(pathway)) | st.text(max_size=12)
    row = st.dictionaries(st.sampled_from(field_names(pathway)) | st.text(max_size=6), JSON, max_size=6)
    return JSON | st.dictionaries(keys, JSON | st.lists(row | JSON, max_size=4), max_size=10)


def check_parse(pathway: dict, answers: Any, from_text: bool) -> None:
    out = engine.parse_answers(pathway, answers, from_text)
    assert isinstance(out, tuple) and len(out) == 2, out
    values, problems = out
    assert isinstance(values, dict) and set(values) <= set(input_names(pathway)), values
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, dict) and isinstance(problem["path"], tuple), problem
        message = engine.message(problem)
        assert isinstance(message, str) and message, problem
        assert "\n" not in message and "Traceback" not in message, problem
        assert len(message) < 400, problem  # quoted values are shortened
    result = engine.evaluate(pathway, values)
    assert result["status"] in engine.OVERALL
    assert [r["status"] for r in result["requirements"]] and all(
        r["status"] in engine.STATUSES for r in result["requirements"]
    )
    json.dumps(result, allow_nan=False)


@pytest.mark.parametrize("pathway_id", PATHWAYS)
def test_form_text_always_gives_values_and_problems(pathway_id):
    pathway = compiled()[pathway_id]

    @FUZZ
    @given(form_answers(pathway))
    def run(answers):
        check_parse(pathway, answers, True)

    run()


@pytest.mark.parametrize("pathway_id", PATHWAYS)
def test_any_json_always_gives_values_and_problems(pathway_id):
    pathway = compiled()[pathway_id]

    @FUZZ
    @given(json_answers(pathway), st.booleans())
    def run(answers, from_text):
        check_parse(pathway, answers, from_text)

    run()


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def hard_answers(pathway: dict) -> dict[str, tuple[Any, bool]]:
    """Answers at the extremes, built from the pathway's own inputs: {name: (answers, from_text)}."""
    numbers = [s["name"] for s in pathway["inputs"] if s["type"] == "number"] or [pathway["inputs"][0]["name"]]
    lists = [s for s in pathway["inputs"] if s["type"] == "list"]
    n = numbers[0]
    out: dict[str, tuple[Any, bool]] = {
        "5000-digit-text": ({n: "9" * 5000}, True),
        "5000-digit-text-leading-zeros": ({n: "0" * 5000 + "4"}, True),
        "5000-digit-int": ({n: 10**5000}, False),
        "400-digit-float-text": ({n: "9" * 400 + ".5"}, True),
        "1MB-of-text": ({n: "x" * 1_000_000}, True),
        "1MB-key": ({"k" * 1_000_000: "1"}, True),
        "10k-unknown-keys": ({f"key{i}": str(i) for i in range(10_000)}, True),
        "nested-500": ({n: _nested(500)}, False),
        "not-an-object": ([1, 2, 3], False),
        "a-string": (f"{n}=4", True),
        "null": (None, False),
    }
    for spec in lists[:1]:
        row = {
            f["name"]: (
                f["choices"][0]["value"]
                if f["type"] == "choice"
                else "true"
                if f["type"] == "boolean"
                else "1"
                if f["type"] == "number"
                else "2024-08-15"
            )
            for f in spec["fields"]
        }
        out["10k-list-entries"] = ({spec["name"]: [row] * 10_000}, True)
        out["nested-500"] = ({n: _nested(500), spec["name"]: [_nested(500)]}, False)
    return out


HARD = [(pid, name) for pid, p in compiled().items() for name in hard_answers(p)]


@pytest.mark.parametrize("pathway_id,name", HARD, ids=[f"{pid}: {name}" for pid, name in HARD])
def test_hard_answers(pathway_id, name):
    pathway = compiled()[pathway_id]
    answers, from_text = hard_answers(pathway)[name]
    check_parse(pathway, answers, from_text)
