"""Upgrade pathways: ``content/pathways/<id>.yml``.

One YAML file per pathway is the single definition of its rules. From it come

* the requirement list on the upgrade guide (:func:`requirement_list`),
* the JSON data the checker engine evaluates, in the CLI and in the browser
  (:func:`compile_pathway`; the engine is :mod:`checker.engine`),
* the pathway's test cases, which pytest runs (:func:`case_failures`).

The pydantic models say which fields a pathway file has; :func:`check_pathway`
(called by the loader once every file has loaded) checks what a model cannot:
that every rule reads inputs that exist, with the right types, that names
are unique, that references resolve, and that every case's answers are valid.
Each problem is a ``file:line:col`` message.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal, Optional

from pydantic import AfterValidator, Field, StringConstraints, field_validator

from checker import engine

from .errors import ContentError, did_you_mean
from .loader import field_name
from .models import Id, Markdown, PlainText, Strict
from .rules import RuleError, compile_rule
from .yamlpos import Located

NAME_PATTERN = r"^[a-z][a-z0-9_]*$"


def _name_ok(value: str) -> str:
    if not re.match(NAME_PATTERN, value):
        raise ValueError(f"'{value[:40]}' is not a valid name; use lower-case letters, digits and '_', "
                         f"starting with a letter (rules and answers write it)")
    return value


Name = Annotated[
    str,
    StringConstraints(max_length=40),
    AfterValidator(_name_ok),
    Field(description="Lower-case letters, digits and '_', starting with a letter: the name rules and answers use.",
          json_schema_extra={"pattern": NAME_PATTERN}),
]
RuleText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2000),
    Field(description="A yes/no condition over the inputs, e.g. 'experience_years >= 4'. See content/README.md."),
]
Message = Annotated[
    PlainText,
    Field(description="Shown to the educator. May use {remaining}, {value} and {threshold} in a 'quantity >= number' rule."),
]
Status = Literal["met", "unmet", "unknown"]
Overall = Literal["eligible", "not_yet", "incomplete"]

PLACEHOLDERS = ("remaining", "value", "threshold")
_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"should be a number, not {'true' if value else 'false'}")
    return value


class Choice(Strict):
    value: Id = Field(description="What answers and rules write, e.g. 'mo_public'.")
    label: PlainText = Field(description="What the educator sees.")


class EntryField(Strict):
    """One field of each entry of a list input."""

    name: Name
    type: Literal["number", "boolean", "choice"]
    label: PlainText = Field(description="A short name for the question, shown on the form and in messages.")
    hint: Optional[PlainText] = Field(default=None, description="One line of help shown under the question.")
    unit: Optional[PlainText] = Field(default=None, description="For numbers: what is counted, e.g. 'years'.")
    at_least: Optional[float] = Field(default=None, description="For numbers: the smallest allowed answer.")
    more_than: Optional[float] = Field(default=None, description="For numbers: answers must be larger than this.")
    at_most: Optional[float] = Field(default=None, description="For numbers: the largest allowed answer.")
    choices: list[Choice] = Field(default_factory=list, description="For choices: the allowed values, in order.")

    _numbers = field_validator("at_least", "more_than", "at_most", mode="before")(_no_bool)


class Input(EntryField):
    """One question of the checker; its ``name`` is the key in the answers."""

    type: Literal["number", "boolean", "choice", "date", "list"]
    fields: list[EntryField] = Field(default_factory=list, description="For lists: the fields of each entry.")
    instead_of: Optional[Name] = Field(
        default=None,
        description="Another input this one replaces: answers may give one of the two, never both; "
                    "the one not given then counts as none.",
    )
    max_entries: Optional[int] = Field(default=None, ge=1, le=1000, description="For lists: the most entries allowed.")


class Check(Strict):
    rule: RuleText
    unmet: Message = Field(description="What is missing when the rule is not met.")
    unknown: Optional[Message] = Field(
        default=None, description="Shown while the rule cannot be decided; by default, the questions still unanswered.")


class Requirement(Strict):
    id: Id
    title: PlainText = Field(description="A short name, e.g. 'Mentoring'.")
    text: PlainText = Field(description="The requirement in full, as the guide lists it. "
                                        "{threshold} shows the number its first 'quantity >= number' rule needs.")
    source: Id = Field(description="The source (sources.yml) that states this requirement.")
    met: Message = Field(description="Shown when the requirement is met; may show {threshold}, as 'text' does.")
    rule: Optional[RuleText] = Field(default=None, description="The condition; or use 'checks' for several.")
    unmet: Optional[Message] = Field(default=None, description="With 'rule': what is missing when it is not met.")
    unknown: Optional[Message] = None
    checks: list[Check] = Field(default_factory=list, description="Several conditions, each with its own message.")

    def all_checks(self) -> list[Check]:
        if self.rule is not None:
            return [Check(rule=self.rule, unmet=self.unmet or "Not met.", unknown=self.unknown)]
        return list(self.checks)


class NextStep(Strict):
    guide: Id = Field(description="The guide to read next.")
    text: PlainText = Field(description="Why, in one line.")


class Expiry(Strict):
    input: Name = Field(description="The date input the certificate was issued on.")
    years: int = Field(ge=1, le=99, description="How many years the certificate is valid.")


class Case(Strict):
    """A test staff can write: answers and the result they must give."""

    name: PlainText
    answers: dict[str, Any] = Field(default_factory=dict, description="As in the JSON the checker reads.")
    status: Optional[Overall] = Field(default=None, description="The overall result expected.")
    requirements: dict[str, Status] = Field(default_factory=dict, description="Requirement id: expected status.")
    remaining: dict[str, Optional[float]] = Field(default_factory=dict, description="Requirement id: expected remaining.")
    expires_on: Optional[_dt.date] = None
    problems: list[PlainText] = Field(
        default_factory=list, description="For answers that cannot be checked: the expected messages, in order.")


class Pathway(Strict):
    id: Id
    title: PlainText
    jurisdiction: Id
    summary: Optional[Markdown] = None
    last_reviewed: _dt.date
    sources: list[Id] = Field(min_length=1)
    determination: PlainText = Field(description="Who makes the final decision; shown with every result.")
    inputs: list[Input] = Field(min_length=1)
    requirements: list[Requirement] = Field(min_length=1)
    expiry: Optional[Expiry] = None
    next_steps: list[NextStep] = Field(default_factory=list)
    cases: list[Case] = Field(default_factory=list)


# --- checks the model cannot make ------------------------------------------------------------


class _Errors:
    def __init__(self, doc: Located):
        self.doc = doc
        self.list: list[ContentError] = []

    def add(self, path: tuple, message: str, *, key: bool = False) -> None:
        self.list.append(self.doc.error(path, f"{field_name(path)}: {message}", key=key))

    def at(self, line: int, col: int, path: tuple, message: str) -> None:
        self.list.append(ContentError(self.doc.display_path, line, col, f"{field_name(path)}: {message}"))


def _rule_position(doc: Located, path: tuple, text: str, offset: int) -> tuple[int, int]:
    """The line and column of ``text[offset]`` in the file, where it can be found exactly."""
    line, col = doc.where(path)
    try:
        lines = Path(doc.display_path).read_text(encoding="utf-8-sig").split("\n")
    except (OSError, UnicodeDecodeError):
        return line, col
    if line > len(lines):
        return line, col
    head = lines[line - 1][col - 1:]
    token = re.match(r"\S{0,12}", text[offset:]).group(0)  # never crosses a folded line

    def found(ln: int, c: int) -> bool:
        return 0 < ln <= len(lines) and lines[ln - 1][c - 1:c - 1 + len(token)] == token

    if head[:1] in ("|", ">"):
        # A block scalar: each source line is one line of text, less the block's indentation,
        # joined to the next by one character (a space when folded, else a line break).
        body = [ln for ln in range(line + 1, len(lines) + 1) if lines[ln - 1].strip()]
        base = len(lines[body[0] - 1]) - len(lines[body[0] - 1].lstrip()) if body else 0
        rest = offset
        for ln in body:
            content = lines[ln - 1][base:]
            if rest <= len(content):
                return (ln, base + 1 + rest) if found(ln, base + 1 + rest) else (line, col)
            rest -= len(content) + 1
        return line, col
    shift = 1 if head[:1] in ("'", '"') else 0
    first = text.split("\n")[0]
    if offset <= len(first) and found(line, col + shift + offset):
        return line, col + shift + offset
    return line, col


def _check_input(spec: Input | EntryField, path: tuple, err: _Errors) -> None:
    kind = spec.type
    if kind == "choice":
        if not spec.choices:
            err.add(path + ("type",), "a choice needs 'choices': the values the educator may pick")
        values = [c.value for c in spec.choices]
        for i, c in enumerate(spec.choices):
            if c.value in values[:i]:
                err.add(path + ("choices", i, "value"), f"'{c.value}' is listed twice")
    elif spec.choices:
        err.add(path + ("choices",), f"only a choice has 'choices'; this input is a {kind}", key=True)
    bounds = [b for b in ("at_least", "more_than", "at_most") if getattr(spec, b) is not None]
    if kind != "number":
        for b in bounds + (["unit"] if spec.unit else []):
            err.add(path + (b,), f"only a number has '{b}'; this input is a {kind}", key=True)
    else:
        if spec.at_least is not None and spec.more_than is not None:
            err.add(path + ("more_than",), "give 'at_least' or 'more_than', not both", key=True)
        low = spec.at_least if spec.at_least is not None else spec.more_than
        if low is not None and spec.at_most is not None and spec.at_most < low:
            err.add(path + ("at_most",), f"{_num(spec.at_most)} is less than the lowest allowed answer, {_num(low)}")
    if isinstance(spec, Input):
        if kind == "list":
            if not spec.fields:
                err.add(path + ("type",), "a list needs 'fields': what each entry holds")
            names = [f.name for f in spec.fields]
            for i, f in enumerate(spec.fields):
                if f.name in names[:i]:
                    err.add(path + ("fields", i, "name"), f"a field named '{f.name}' is already given")
                _check_input(f, path + ("fields", i), err)
        else:
            if spec.fields:
                err.add(path + ("fields",), f"only a list has 'fields'; this input is a {kind}", key=True)
            if spec.max_entries is not None:
                err.add(path + ("max_entries",), f"only a list has 'max_entries'; this input is a {kind}", key=True)


def _inputs_by_name(pathway: Pathway) -> dict[str, Input]:
    out: dict[str, Input] = {}
    for spec in pathway.inputs:
        out.setdefault(spec.name, spec)
    return out


def _check_message(text: str | None, path: tuple, fillable: bool | None, err: _Errors) -> None:
    """Placeholders must be known, and fillable: ``fillable`` says whether the rule is
    'quantity >= number' (None: the rule has its own error, so say nothing more)."""
    if text is None:
        return
    for match in _PLACEHOLDER_RE.finditer(text):
        word = match.group(1)
        if word not in PLACEHOLDERS:
            err.add(path, f"'{{{word}}}' is not something a message can show{did_you_mean(word, PLACEHOLDERS)}; "
                          f"messages may use {{remaining}}, {{value}} and {{threshold}}")
        elif path[-1] in ("met", "text") and word != "threshold":
            err.add(path, f"'{{{word}}}' can only be shown in 'unmet' and 'unknown' messages; "
                          f"'{path[-1]}' may show {{threshold}}")
        elif fillable is False:
            err.add(path, f"'{{{word}}}' needs a rule of the form 'quantity >= number', e.g. 'experience_years >= 4'")


def check_pathway(pathway: Pathway, doc: Located, known: dict[str, set[str]]) -> list[ContentError]:
    """Every problem the model alone cannot see, as file:line:col errors."""
    err = _Errors(doc)
    inputs = _inputs_by_name(pathway)

    for i, spec in enumerate(pathway.inputs):
        path = ("inputs", i)
        if inputs[spec.name] is not spec:
            err.add(path + ("name",), f"an input named '{spec.name}' is already given")
        _check_input(spec, path, err)
        if spec.instead_of is not None:
            other = inputs.get(spec.instead_of)
            if other is None or other is spec:
                err.add(path + ("instead_of",), f"no other input is named '{spec.instead_of}'"
                                                f"{did_you_mean(spec.instead_of, [n for n in inputs if n != spec.name])}")
            elif spec.type not in ("number", "list") or other.type not in ("number", "list"):
                err.add(path + ("instead_of",), "only numbers and lists can stand instead of each other")

    if pathway.expiry is not None:
        spec = inputs.get(pathway.expiry.input)
        if spec is None:
            err.add(("expiry", "input"), f"no input is named '{pathway.expiry.input}'{did_you_mean(pathway.expiry.input, inputs)}")
        elif spec.type != "date":
            err.add(("expiry", "input"), f"'{spec.name}' is a {spec.type}; the expiry counts from a date input")

    sources = known.get("sources", set())
    for i, s in enumerate(pathway.sources):
        if s not in sources:
            err.add(("sources", i), f"no source has the id '{s}'{did_you_mean(s, sources)}")

    seen: list[str] = []
    for i, req in enumerate(pathway.requirements):
        path = ("requirements", i)
        if req.id in seen:
            err.add(path + ("id",), f"a requirement with the id '{req.id}' is already given")
        seen.append(req.id)
        if req.source not in pathway.sources:
            err.add(path + ("source",), f"'{req.source}' is not one of this pathway's sources "
                                        f"({', '.join(pathway.sources)}){did_you_mean(req.source, pathway.sources)}")
        if req.rule is not None and req.checks:
            err.add(path + ("checks",), "give either 'rule' (with 'unmet') or 'checks', not both", key=True)
        elif req.rule is None and not req.checks:
            err.add(path, "missing 'rule': the condition this requirement checks (or 'checks' for several)")
        elif req.rule is not None and req.unmet is None:
            err.add(path, "missing 'unmet': what the educator is told when the rule is not met")
        elif req.rule is None and (req.unmet is not None or req.unknown is not None):
            key = "unmet" if req.unmet is not None else "unknown"
            err.add(path + (key,), f"with 'checks', each check has its own '{key}'", key=True)
        if req.rule is not None:
            targets = [(path, req.rule, req.unmet, req.unknown)]
        else:
            targets = [(path + ("checks", k), c.rule, c.unmet, c.unknown) for k, c in enumerate(req.checks)]
        fillable: list[bool | None] = []
        for where, rule, unmet, unknown in targets:
            try:
                fillable.append(compile_rule(rule, inputs).quantity is not None)
            except RuleError as exc:
                fillable.append(None)
                line, col = _rule_position(doc, where + ("rule",), rule, exc.offset)
                err.at(line, col, where + ("rule",), exc.message)
            _check_message(unmet, where + ("unmet",), fillable[-1], err)
            _check_message(unknown, where + ("unknown",), fillable[-1], err)
        # {threshold} in text and met is the first 'quantity >= number' rule's number.
        either = None if None in fillable else any(fillable)
        _check_message(req.text, path + ("text",), either, err)
        _check_message(req.met, path + ("met",), either, err)

    guides = known.get("guides", set())
    for i, step in enumerate(pathway.next_steps):
        if step.guide not in guides:
            err.add(("next_steps", i, "guide"), f"no guide has the id '{step.guide}'{did_you_mean(step.guide, guides)}")

    if not err.list:
        _check_cases(pathway, err)
    return err.list


def _check_cases(pathway: Pathway, err: _Errors) -> None:
    compiled = compile_pathway(pathway, {}, {})
    ids = [r.id for r in pathway.requirements]
    names: list[str] = []
    for i, case in enumerate(pathway.cases):
        path = ("cases", i)
        if case.name in names:
            err.add(path + ("name",), f"another case is already named '{case.name}'")
        names.append(case.name)
        for key in ("requirements", "remaining"):
            for rid in getattr(case, key):
                if rid not in ids:
                    err.add(path + (key, rid), f"no requirement has the id '{rid}'{did_you_mean(rid, ids)}", key=True)
        if case.problems:
            if case.status or case.requirements or case.remaining or case.expires_on:
                err.add(path + ("problems",), "a case expects either problems or a result, not both", key=True)
            continue
        if case.status is None:
            err.add(path, "missing 'status': the overall result this case expects (eligible, not_yet or incomplete)")
        for problem in engine.check_answers(compiled, case_answers(case)):
            err.add(path + ("answers",), f"{problem} (if this is on purpose, list it under 'problems')")
        if case.expires_on is not None and pathway.expiry is None:
            err.add(path + ("expires_on",), "this pathway has no 'expiry'", key=True)


# --- what the guide and the engine read -------------------------------------------------------


def fill_threshold(text: str, threshold: float | int | None) -> str:
    """``{threshold}`` in a requirement's text or met message, as the engine writes numbers."""
    return text if threshold is None else text.replace("{threshold}", engine.format_number(threshold))


def requirement_list(pathway: Pathway) -> list[dict[str, Any]]:
    """The requirements as the upgrade guide lists them.

    ``accepted`` lists, for each ``CHOICE in [...]`` a requirement's rules test,
    the question and the labels of the values that count (for example the
    accrediting associations whose schools' experience is approved), so the
    guide shows the very list the checker applies.
    """
    inputs = _inputs_by_name(pathway)
    out = []
    for r in pathway.requirements:
        rules = [compile_rule(check.rule, inputs) for check in r.all_checks()]
        accepted: list[dict[str, Any]] = []
        for c in rules:
            _accepted(c.rule, inputs, None, accepted)
        threshold = next((_num(c.threshold) for c in rules if c.quantity is not None), None)
        out.append({"id": r.id, "title": r.title, "text": fill_threshold(r.text, threshold),
                    "source": r.source, "accepted": accepted})
    return out


def _accepted(node: Any, inputs: dict[str, Input], within: Input | None, out: list[dict[str, Any]]) -> None:
    if not isinstance(node, list) or not node:
        return
    if node[0] == "sum":
        within = inputs[node[1]]
    if node[0] == "in" and node[1][0] in ("input", "field"):
        name = node[1][1]
        spec = next(f for f in within.fields if f.name == name) if node[1][0] == "field" else inputs[name]
        labels = {c.value: c.label for c in spec.choices}
        out.append({"label": spec.label, "choices": [labels[v] for v in node[2]]})
        return
    for part in node[1:]:
        _accepted(part, inputs, within, out)


def _num(x: float | int | None) -> float | int | None:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return int(x)
    return x


def _input_data(spec: Input | EntryField) -> dict[str, Any]:
    out: dict[str, Any] = {"name": spec.name, "type": spec.type, "label": spec.label, "hint": spec.hint}
    if spec.type == "number":
        out.update(unit=spec.unit, at_least=_num(spec.at_least), more_than=_num(spec.more_than), at_most=_num(spec.at_most))
    if spec.type == "choice":
        out["choices"] = [{"value": c.value, "label": c.label} for c in spec.choices]
    if isinstance(spec, Input):
        if spec.type == "list":
            out["fields"] = [_input_data(f) for f in spec.fields]
            out["max_entries"] = spec.max_entries or engine.DEFAULT_MAX_ENTRIES
        if spec.type in ("number", "list"):
            out["instead_of"] = spec.instead_of
    return out


def _source_data(source: Any) -> dict[str, Any]:
    return {"id": source.id, "title": source.title, "agency": source.agency, "url": source.url,
            "retrieved": source.retrieved.isoformat()}


def compile_pathway(pathway: Pathway, sources: dict[str, Any], guides: dict[str, Any]) -> dict[str, Any]:
    """The JSON data checker.engine evaluates. ``pathway`` must have passed check_pathway."""
    inputs = _inputs_by_name(pathway)
    requirements = []
    for req in pathway.requirements:
        checks = []
        for check in req.all_checks():
            c = compile_rule(check.rule, inputs)
            checks.append({
                "rule": c.rule, "text": " ".join(check.rule.split()), "unmet": check.unmet, "unknown": check.unknown,
                "inputs": c.inputs,
                "quantity": c.quantity, "threshold": _num(c.threshold),
            })
        threshold = next((c["threshold"] for c in checks if c["threshold"] is not None), None)
        requirements.append({"id": req.id, "title": req.title, "text": fill_threshold(req.text, threshold),
                             "source": req.source, "met": fill_threshold(req.met, threshold), "checks": checks})
    return {
        "id": pathway.id,
        "title": pathway.title,
        "jurisdiction": pathway.jurisdiction,
        "last_reviewed": pathway.last_reviewed.isoformat(),
        "inputs": [_input_data(spec) for spec in pathway.inputs],
        "requirements": requirements,
        "expiry": {"input": pathway.expiry.input, "years": pathway.expiry.years} if pathway.expiry else None,
        "sources": [_source_data(sources[s]) if s in sources else {"id": s} for s in pathway.sources],
        "determination": pathway.determination,
        "next_steps": [
            {"guide": s.guide, "title": guides[s.guide].title if s.guide in guides else None, "text": s.text}
            for s in pathway.next_steps
        ],
    }


# --- cases ------------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    """YAML reads 2024-08-15 as a date; the checker reads JSON, where it is text."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def case_answers(case: Case) -> dict[str, Any]:
    return _json_value(case.answers)


def case_failures(compiled: dict[str, Any], case: Case) -> list[str]:
    """How the engine's result differs from what ``case`` expects ([] when it agrees)."""
    out = engine.run(compiled, case_answers(case))
    if case.problems:
        got = out.get("problems", [])
        return [] if got == list(case.problems) else [f"problems: expected {list(case.problems)}, got {got}"]
    if "problems" in out:
        return [f"the answers were refused: {p}" for p in out["problems"]]
    result = out["result"]
    fails = []
    if result["status"] != case.status:
        fails.append(f"status: expected {case.status}, got {result['status']}")
    by_id = {r["id"]: r for r in result["requirements"]}
    for rid, status in case.requirements.items():
        if by_id[rid]["status"] != status:
            fails.append(f"{rid}: expected {status}, got {by_id[rid]['status']} ({by_id[rid]['message']})")
    for rid, remaining in case.remaining.items():
        if by_id[rid]["remaining"] != remaining:
            fails.append(f"{rid}: expected remaining {remaining}, got {by_id[rid]['remaining']}")
    if case.expires_on is not None and result.get("expires_on") != case.expires_on.isoformat():
        fails.append(f"expires_on: expected {case.expires_on.isoformat()}, got {result.get('expires_on')}")
    return fails
