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
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from checker import engine

from ..errors import ContentError, did_you_mean, field_name
from ..models import Id, Markdown, PlainText, Strict
from ..rules import RuleError, compile_rule
from ..yamlpos import Located, text_position
from .cases import json_value
from .model import RuleText

StatusWord = Annotated[str, StringConstraints(min_length=1, max_length=20)]


class When(Strict):
    """One condition of a recommendation: a pathway's overall result, one of its requirements'
    status, or a rule over the chooser's questions."""

    pathway: Id | None = Field(default=None, description="One of the chooser's pathways.")
    requirement: Id | None = Field(
        default=None, description="One of that pathway's requirements: 'status' is then met, unmet or unknown."
    )
    status: StatusWord | list[StatusWord] | None = Field(
        default=None,
        description="The pathway's overall result (eligible, not_yet, incomplete), or the requirement's "
        "(met, unmet, unknown); a list when any of several will do.",
    )
    rule: RuleText | None = Field(
        default=None,
        description="Instead of 'pathway': a yes/no condition over the chooser's questions, e.g. "
        "'practicing_admin'; it holds only when it is met (not while unanswered).",
    )

    def statuses(self) -> list[str]:
        """'status' as a list."""
        if self.status is None:
            return []
        return [self.status] if isinstance(self.status, str) else list(self.status)


class Recommendation(Strict):
    action: Literal["submit", "work_toward", "none"] = Field(
        default="submit",
        description="submit: the source says to submit this pathway's application (only when its requirements "
        "are met); work_toward: the upgrade to work toward (the text must not say 'submit'); none: no "
        "pathway, only the text.",
    )
    pathway: Id | None = Field(default=None, description="The pathway the text is about (not with action 'none').")
    when: list[When] = Field(min_length=1, description="Every one of these must hold.")
    text: PlainText = Field(
        description="What to do, in plain words; shown with the result. {remaining} lists the pathway's "
        "requirements not met yet."
    )


class ChooserCase(Strict):
    """A test staff can write: answers, and the recommendation they must give (null: none yet)."""

    name: PlainText
    as_of: _dt.date | None = None
    answers: dict[str, Any] = Field(default_factory=dict)
    recommended: Id | None = Field(default=None, description="The pathway whose application to submit; null: none.")
    working_toward: Id | None = Field(
        default=None, description="The pathway to work toward (a 'work_toward' recommendation); null: none."
    )
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


class _Spec:
    """A compiled input seen as the rules compiler reads an input (name, type, choices, fields)."""

    def __init__(self, data: dict[str, Any]):
        self.name = data["name"]
        self.type = data["type"]
        self.choices = [_Spec({"name": c["value"], "type": "choice", **c}) for c in data.get("choices") or []]
        self.value = data.get("value")
        self.fields = [_Spec(f) for f in data.get("fields") or []]


def _questions(chooser: Chooser, compiled: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The union of the pathways' questions, in order (each name once)."""
    inputs: list[dict[str, Any]] = []
    names: set[str] = set()
    for pid in chooser.pathways:
        for spec in compiled[pid]["inputs"]:
            if spec["name"] not in names:
                names.add(spec["name"])
                inputs.append(spec)
    return inputs


def _compile_when(rule: str, inputs: list[dict[str, Any]]) -> list:
    """A 'rule' condition, compiled against the chooser's questions; raises RuleError."""
    return compile_rule(rule, {spec["name"]: _Spec(spec) for spec in inputs}).rule


def _when_data(w: When, inputs: list[dict[str, Any]]) -> dict[str, Any]:
    if w.rule is not None:
        return {"rule": _compile_when(w.rule, inputs)}
    out: dict[str, Any] = {"pathway": w.pathway, "status": w.statuses()}
    if w.requirement is not None:
        out["requirement"] = w.requirement
    return out


def compile_chooser(chooser: Chooser, compiled: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The data checker.engine.choose reads, with the union of the pathways' questions in order."""
    inputs = _questions(chooser, compiled)
    expiries: list[dict[str, Any]] = []
    for pid in chooser.pathways:
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
            {
                "action": r.action,
                "pathway": r.pathway,
                "text": r.text,
                "when": [_when_data(w, inputs) for w in r.when],
            }
            for r in chooser.recommend
        ],
    }


_OVERALL = ("eligible", "not_yet", "incomplete")
_STATUSES = ("met", "unmet", "unknown")


def _check_recommend(chooser: Chooser, compiled: dict[str, dict[str, Any]], add, doc: Located, errors) -> None:
    """Each recommendation's action, pathway and conditions: what the model cannot see."""
    ready = all(pid in compiled for pid in chooser.pathways)
    inputs = _questions(chooser, compiled) if ready else []
    for i, rec in enumerate(chooser.recommend):
        path = ("recommend", i)
        if rec.action == "none" and rec.pathway is not None:
            add(path + ("pathway",), "a recommendation with action 'none' names no pathway", key=True)
        if rec.action != "none" and rec.pathway is None:
            add(path, f"missing 'pathway': the pathway to {rec.action.replace('_', ' ')}")
        if rec.action != "submit" and "submit" in rec.text.lower():
            add(
                path + ("text",),
                "only a recommendation with action 'submit' may tell the educator to submit an application; "
                "say what to work toward instead",
            )
        if rec.action == "none" and "{remaining}" in rec.text:
            add(path + ("text",), "'{remaining}' lists a pathway's requirements; this recommendation names none")
        submits_when_met = False
        for k, w in enumerate(rec.when):
            here = path + ("when", k)
            if w.rule is not None:
                if w.pathway is not None or w.requirement is not None or w.status is not None:
                    add(here, "give either 'rule' or 'pathway' with 'status', not both", key=True)
                    continue
                if ready:
                    try:
                        _compile_when(w.rule, inputs)
                    except RuleError as exc:
                        line, col = text_position(doc, here + ("rule",), w.rule, exc.offset)
                        errors.append(
                            ContentError(doc.display_path, line, col, f"{field_name(here)}.rule: {exc.message}")
                        )
                continue
            if w.pathway is None or not w.status:
                add(here, "missing 'pathway' and 'status' (or a 'rule'): what must hold for this recommendation")
                continue
            allowed = _STATUSES if w.requirement is not None else _OVERALL
            for s in w.statuses():
                if s not in allowed:
                    add(
                        here + ("status",),
                        f"'{s}' is not a status of {'a requirement' if w.requirement else 'a pathway'}"
                        f"{did_you_mean(s, allowed)}; use one of {', '.join(allowed)}",
                    )
            if w.requirement is not None and w.pathway in compiled:
                ids = [r["id"] for r in compiled[w.pathway]["requirements"]]
                if w.requirement not in ids:
                    add(
                        here + ("requirement",),
                        f"'{w.pathway}' has no requirement '{w.requirement}'{did_you_mean(w.requirement, ids)}",
                    )
            if w.pathway == rec.pathway and w.requirement is None and w.statuses() == ["eligible"]:
                submits_when_met = True
        if rec.action == "submit" and rec.pathway is not None and not submits_when_met:
            add(
                path + ("when",),
                f"a 'submit' recommendation holds only when its pathway's requirements are met: add "
                f"{{pathway: {rec.pathway}, status: eligible}}",
            )


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
        named: list[tuple[tuple, str | None]] = [(("recommend", i, "pathway"), rec.pathway)]
        named += [(("recommend", i, "when", k, "pathway"), w.pathway) for k, w in enumerate(rec.when)]
        for where, name in named:
            if name is not None and name not in chooser.pathways:
                add(
                    where,
                    f"'{name}' is not one of this chooser's pathways ({listed}){did_you_mean(name, chooser.pathways)}",
                )
    before = len(errors)
    _check_recommend(chooser, compiled, add, doc, errors)
    recommend_ok = len(errors) == before
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
    data = compile_chooser(chooser, compiled) if recommend_ok else None
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
        if case.working_toward is not None and case.working_toward not in chooser.pathways:
            add(path + ("working_toward",), f"'{case.working_toward}' is not one of this chooser's pathways")
        if data is None:
            continue  # the recommendations have their own errors
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
    fails = []
    if out["recommended"] != case.recommended:
        fails.append(f"recommended: expected {case.recommended}, got {out['recommended']}")
    if "working_toward" in case.model_fields_set and out["working_toward"] != case.working_toward:
        fails.append(f"working_toward: expected {case.working_toward}, got {out['working_toward']}")
    return fails
