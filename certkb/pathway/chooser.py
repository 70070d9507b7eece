"""Choosers: ``content/choosers/<id>.yml``. One set of answers, several pathways, and
which application the source says to submit.

A chooser names pathways that share their questions (an input with the same
name must be the same question in each: :func:`check_chooser` checks it), and
``recommend``: the first entry whose every ``when`` holds for the pathways'
results is the recommendation. :func:`compile_chooser` lays it out for
:func:`checker.engine.choose`.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from pydantic import Field

from checker import engine

from ..errors import ContentError, did_you_mean, field_name
from ..models import Id, Markdown, PlainText, Strict
from ..yamlpos import Located
from .cases import json_value
from .model import Overall


class When(Strict):
    pathway: Id = Field(description="One of the chooser's pathways.")
    status: Overall = Field(description="Its overall result: eligible, not_yet or incomplete.")


class Recommendation(Strict):
    pathway: Id = Field(description="The pathway whose application the source says to submit.")
    when: list[When] = Field(min_length=1, description="Every one of these must hold.")
    text: PlainText = Field(description="What the source says to do, in plain words; shown with the result.")


class ChooserCase(Strict):
    """A test staff can write: answers, and the recommendation they must give (null: none yet)."""

    name: PlainText
    as_of: _dt.date | None = None
    answers: dict[str, Any] = Field(default_factory=dict)
    recommended: Id | None = None
    problems: list[PlainText] = Field(default_factory=list)


class Chooser(Strict):
    id: Id
    title: PlainText
    jurisdiction: Id
    summary: Markdown | None = None
    last_reviewed: _dt.date
    sources: list[Id] = Field(min_length=1, description="The source that says which application to submit.")
    starts_from: PlainText | None = Field(
        default=None,
        description="The certificate an educator holds to use this chooser, e.g. 'Initial Administrator "
        "Certificate'. Lists the chooser under that certificate on the jurisdiction's page, in the topic of its guide.",
    )
    pathways: list[Id] = Field(min_length=2, description="The pathways the answers are checked against.")
    recommend: list[Recommendation] = Field(min_length=1, description="In order: the first that holds is shown.")
    cases: list[ChooserCase] = Field(default_factory=list)


def _question(spec: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in spec.items() if k != "instead_of"} | {"instead_of": spec.get("instead_of")}


def compile_chooser(chooser: Chooser, compiled: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The data checker.engine.choose reads, with the union of the pathways' questions in order."""
    inputs: list[dict[str, Any]] = []
    names: set[str] = set()
    expiries: list[dict[str, Any]] = []
    for pid in chooser.pathways:
        for spec in compiled[pid]["inputs"]:
            if spec["name"] not in names:
                names.add(spec["name"])
                inputs.append(spec)
        expiry = compiled[pid].get("expiry")
        if expiry and expiry["input"] not in [e["input"] for e in expiries]:
            expiries.append({"input": expiry["input"], "years": expiry["years"]})
    return {
        "id": chooser.id,
        "title": chooser.title,
        "jurisdiction": chooser.jurisdiction,
        "pathways": list(chooser.pathways),
        "inputs": inputs,
        "expiries": expiries,  # the dates that cannot be after the as-of date (engine.find_problems_as_of)
        "recommend": [
            {"pathway": r.pathway, "text": r.text, "when": [{"pathway": w.pathway, "status": w.status} for w in r.when]}
            for r in chooser.recommend
        ],
    }


def check_chooser(chooser: Chooser, doc: Located, compiled: dict[str, dict[str, Any]]) -> list[ContentError]:
    """What the model cannot see: pathways that exist and ask the same questions alike, and the cases."""
    errors: list[ContentError] = []

    def add(path: tuple, message: str, key: bool = False) -> None:
        errors.append(doc.error(path, f"{field_name(path)}: {message}", key=key))

    for i, pid in enumerate(chooser.pathways):
        if pid in chooser.pathways[:i]:
            add(("pathways", i), f"'{pid}' is listed twice")
    listed = ", ".join(dict.fromkeys(chooser.pathways))
    for i, rec in enumerate(chooser.recommend):
        for where, pid in [(("recommend", i, "pathway"), rec.pathway)] + [
            (("recommend", i, "when", k, "pathway"), w.pathway) for k, w in enumerate(rec.when)
        ]:
            if pid not in chooser.pathways:
                add(
                    where,
                    f"'{pid}' is not one of this chooser's pathways ({listed}){did_you_mean(pid, chooser.pathways)}",
                )
    if any(pid not in compiled for pid in chooser.pathways):
        return errors  # a pathway that does not exist (or did not compile) is reported where it is named
    first: dict[str, tuple[str, dict[str, Any]]] = {}
    for i, pid in enumerate(chooser.pathways):
        for spec in compiled[pid]["inputs"]:
            name = spec["name"]
            if name not in first:
                first[name] = (pid, spec)
            elif _question(first[name][1]) != _question(spec):
                add(
                    ("pathways", i),
                    f"the input '{name}' is asked differently in '{pid}' and in "
                    f"'{first[name][0]}'; a chooser asks each question once, so write it the same in both",
                )
    data = compile_chooser(chooser, compiled)
    names: list[str] = []
    for i, case in enumerate(chooser.cases):
        path = ("cases", i)
        if case.name in names:
            add(path + ("name",), f"another case is already named '{case.name}'")
        names.append(case.name)
        if case.problems:
            continue
        if "recommended" not in case.model_fields_set:
            add(path, "missing 'recommended': the pathway this case expects to be recommended (or null: none yet)")
        if case.recommended is not None and case.recommended not in chooser.pathways:
            add(path + ("recommended",), f"'{case.recommended}' is not one of this chooser's pathways")
        try:
            engine.choose(data, compiled, json_value(case.answers), case.as_of.isoformat() if case.as_of else None)
        except engine.AnswerError as exc:
            for problem in exc.problems:
                add(path + ("answers",), f"{problem} (if this is on purpose, list it under 'problems')")
    return errors


def chooser_case_failures(data: dict[str, Any], compiled: dict[str, dict[str, Any]], case: ChooserCase) -> list[str]:
    """How the engine's choice differs from what ``case`` expects ([] when it agrees)."""
    as_of = case.as_of.isoformat() if case.as_of else None
    try:
        out = engine.choose(data, compiled, json_value(case.answers), as_of)
    except engine.AnswerError as exc:
        got = exc.problems
        if case.problems:
            return [] if got == list(case.problems) else [f"problems: expected {list(case.problems)}, got {got}"]
        return [f"the answers were refused: {p}" for p in got]
    if case.problems:
        return [f"problems: expected {list(case.problems)}, got none"]
    if out["recommended"] != case.recommended:
        return [f"recommended: expected {case.recommended}, got {out['recommended']}"]
    return []
