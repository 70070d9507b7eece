"""Shared by the checker tests: the pathways, compiled once, and answer generators.

Two sets of pathways, never mixed up:

* ``content()`` / ``compiled()``: whatever is in the content folder under test, ``content/`` or
  the folder named by the environment variable ``CERTKB_CONTENT``. The per-pathway gates
  (tests/test_every_pathway.py) discover them; no test names one.
* ``fixture_content()`` / ``fixture_compiled()``: tests/fixtures/content, frozen copies the tests
  of the engine's, the command line's and the widget's behaviour use by name. Staff never edit them.
"""

from __future__ import annotations

import functools
import random
from typing import Any

from certkb.loader import Content, load_content
from certkb.pathway import compile_pathway

from .conftest import CONTENT_DIR, FIXTURE_DIR, ROOT  # noqa: F401 (re-exported for the checker tests)


def compile_all(c: Content) -> dict[str, dict[str, Any]]:
    return {pid: compile_pathway(p, c.sources, c.guides) for pid, p in c.pathways.items()}


@functools.lru_cache(maxsize=1)
def content() -> Content:
    return load_content(CONTENT_DIR)


@functools.lru_cache(maxsize=1)
def compiled() -> dict[str, dict[str, Any]]:
    return compile_all(content())


@functools.lru_cache(maxsize=1)
def fixture_content() -> Content:
    return load_content(FIXTURE_DIR)


@functools.lru_cache(maxsize=1)
def fixture_compiled() -> dict[str, dict[str, Any]]:
    return compile_all(fixture_content())


def all_cases(c: Content | None = None) -> list[tuple[str, Any]]:
    c = content() if c is None else c
    return [(pid, case) for pid, p in c.pathways.items() for case in p.cases]


def misspelt(name: str) -> str:
    """A near miss of ``name`` (two letters swapped), for unknown-answer problems."""
    return name[1] + name[0] + name[2:] if len(name) > 1 else name + "x"


# --- random answers, valid and not, for the parity test ----------------------------------------

_ODD = [None, True, False, 0, -1, 0.5, 1e308, "4", "", "2024-02-30", [], {}, [1], {"years": 1}, "no-such-choice"]


def in_order(entry: dict[str, Any]) -> dict[str, Any]:
    """A list entry whose 'start' and 'end' dates (a period, for the engine) are in order."""
    start, end = entry.get("start"), entry.get("end")
    if isinstance(start, str) and isinstance(end, str) and end < start:
        entry["start"], entry["end"] = end, start
    return entry


def _value(spec: dict[str, Any], rnd: random.Random) -> Any:
    if rnd.random() < 0.08:
        return rnd.choice(_ODD)
    kind = spec["type"]
    if kind == "number":
        low = spec.get("at_least", spec.get("more_than")) or 0
        high = spec.get("at_most") or 100
        pick = rnd.random()
        if pick < 0.3:
            return rnd.randint(int(low), int(min(high, 60)))
        if pick < 0.6:
            return round(rnd.uniform(low, min(high, 60)), rnd.choice([1, 2, 3]))
        return rnd.choice([low, high, 3.99, 4, 29, 30, 39.99, 40, 1.5, 2, 0.5, 0.49, 15, 2.6666])
    if kind == "boolean":
        return rnd.random() < 0.6
    if kind == "choice":
        return rnd.choice([c["value"] for c in spec["choices"]])
    if kind == "date":
        return rnd.choice(["2024-08-15", "2024-02-29", "2100-02-28", "1999-12-31", "2023-02-29", "24-08-15"])
    if kind == "school_year":
        return rnd.choice(["2020-21", "2021-22", "2022-23", "2023-24", "2024-25", "2023\u201324", "2099-00", "2023-25"])
    if kind == "list":
        entries = []
        for _ in range(rnd.randint(0, 4)):
            entry = {}
            for f in spec["fields"]:
                if rnd.random() < 0.85:
                    entry[f["name"]] = _value(f, rnd)
            if rnd.random() < 0.8:
                in_order(entry)  # mostly a period that ends after it starts, as educators write them
            entries.append(entry)
        return entries
    raise AssertionError(kind)


def random_answers(pathway: dict[str, Any], rnd: random.Random) -> Any:
    if rnd.random() < 0.02:
        return rnd.choice([[], "answers", 3, None])
    answers: dict[str, Any] = {}
    for spec in pathway["inputs"]:
        if rnd.random() < 0.7:
            answers[spec["name"]] = _value(spec, rnd)
    for spec in pathway["inputs"]:
        other = spec.get("instead_of")
        if other and spec["name"] in answers and other in answers and rnd.random() < 0.8:
            del answers[rnd.choice([spec["name"], other])]
    if rnd.random() < 0.05:
        answers[rnd.choice([misspelt(rnd.choice(pathway["inputs"])["name"]), "x"])] = 1
    return answers


_TEXTS = [
    "",
    " ",
    "4",
    " 4 ",
    "3.99",
    "-1",
    "+2",
    ".5",
    "4.",
    "1e3",
    "3,5",
    "abc",
    "true",
    "false",
    "yes",
    "2024-08-15",
    "2024-02-30",
    "no_such_choice",
    "0",
    "0.5",
    "1.01",
    "60",
    "99999999999999999999",
    "..",
    "-",
]


def random_form_answers(pathway: dict[str, Any], rnd: random.Random) -> dict[str, Any]:
    """What the browser form (or a link's #fragment) gives: text everywhere, '' for blanks."""

    def text(spec: dict[str, Any]) -> Any:
        if spec["type"] == "list":
            return [
                {f["name"]: text(f) for f in spec["fields"] if rnd.random() < 0.9} for _ in range(rnd.randint(0, 3))
            ]
        if rnd.random() < 0.5:
            return rnd.choice(_TEXTS)
        value = _value(spec, rnd)
        return "true" if value is True else "false" if value is False else str(value)

    answers = {spec["name"]: text(spec) for spec in pathway["inputs"] if rnd.random() < 0.8}
    if rnd.random() < 0.05:
        answers[misspelt(rnd.choice(pathway["inputs"])["name"])] = "4"
    return answers
