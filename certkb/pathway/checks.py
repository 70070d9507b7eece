"""Checks of a pathway file that its model cannot make.

:func:`check_pathway` (called by the loader once every file has loaded)
checks that every rule reads inputs that exist, with the right types, that
names are unique, that each requirement cites one of the pathway's own
sources, and that there is a case of answers the checker refuses; it compiles
each rule once, on the way. :func:`check_cases` then runs every case's answers
through the compiled pathway. Each problem is a ``file:line:col`` message.
(References to other files, such as ``sources`` and ``next_steps``, are
checked by the loader with every other reference: see :mod:`certkb.kinds`.)
"""

from __future__ import annotations

import re
from typing import Any

from checker import engine

from ..errors import ContentError, did_you_mean, field_name
from ..rules import Compiled, RuleError, compile_rule
from ..yamlpos import Located, text_position
from .cases import case_answers
from .compiler import RequirementRules, Rules, num
from .model import PLACEHOLDERS, RESERVED_NAMES, EntryField, Input, Pathway, inputs_by_name

_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")


class _Errors:
    def __init__(self, doc: Located):
        self.doc = doc
        self.list: list[ContentError] = []

    def add(self, path: tuple, message: str, *, key: bool = False) -> None:
        self.list.append(self.doc.error(path, f"{field_name(path)}: {message}", key=key))

    def at(self, line: int, col: int, path: tuple, message: str) -> None:
        self.list.append(ContentError(self.doc.display_path, line, col, f"{field_name(path)}: {message}"))


def _check_difference(other: str, own: str | None, path: tuple, pathway: Pathway, err: _Errors) -> None:
    """A 'differs' entry names another of the pathway's sources."""
    if other == own:
        err.add(path, f"'{other}' is the requirement's own source; name the source that words it differently")
    elif other not in pathway.sources:
        err.add(
            path,
            f"'{other}' is not one of this pathway's sources ({', '.join(pathway.sources)})"
            f"{did_you_mean(other, pathway.sources)}",
        )


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
            err.add(path + ("at_most",), f"{num(spec.at_most)} is less than the lowest allowed answer, {num(low)}")
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


def _check_message(
    text: str | None,
    path: tuple,
    fillable: bool | None,
    err: _Errors,
    extra: tuple[str, ...] = (),
    allowed: tuple[str, ...] | None = None,
) -> None:
    """Placeholders must be known, and fillable: ``fillable`` says whether the rule is
    'quantity >= number' (None: the rule has its own error, so say nothing more).
    ``extra``: placeholders this message may show beside those; ``allowed``: the only ones it may show."""
    if text is None:
        return
    if allowed is not None:
        for match in _PLACEHOLDER_RE.finditer(text):
            word = match.group(1)
            if word not in allowed:
                if allowed:
                    what = f"it may show {', '.join('{' + w + '}' for w in allowed)}"
                else:
                    what = "it is shown as written, with no {...}"
                err.add(
                    path, f"'{{{word}}}' is not something this message can show{did_you_mean(word, allowed)}; {what}"
                )
        return
    known = PLACEHOLDERS + extra
    for match in _PLACEHOLDER_RE.finditer(text):
        word = match.group(1)
        if word in extra:
            continue
        if word not in PLACEHOLDERS:
            listed = ", ".join("{" + w + "}" for w in known[:-1]) + " and {" + known[-1] + "}"
            err.add(
                path,
                f"'{{{word}}}' is not something a message can show{did_you_mean(word, known)}; "
                f"messages may use {listed}",
            )
        elif path[-1] in ("met", "text") and word != "threshold":
            err.add(
                path,
                f"'{{{word}}}' can only be shown in 'unmet' and 'unknown' messages; "
                f"'{path[-1]}' may show {{threshold}}",
            )
        elif fillable is False:
            err.add(path, f"'{{{word}}}' needs a rule of the form 'quantity >= number', e.g. 'experience_years >= 4'")


def _compile(rule: str, where: tuple, inputs: dict[str, Input], doc: Located, err: _Errors) -> Compiled | None:
    """One rule compiled, or None with its error reported at the very character."""
    try:
        return compile_rule(rule, inputs)
    except RuleError as exc:
        line, col = text_position(doc, where, rule, exc.offset)
        err.at(line, col, where, exc.message)
        return None


def _check_rules(
    item: Any, path: tuple, inputs: dict[str, Input], doc: Located, err: _Errors
) -> tuple[list[Compiled], list[bool | None]]:
    """A requirement's or a route's 'rule' (with 'unmet') or 'checks': compiled, and for each
    whether it is 'quantity >= number' (None: it did not compile)."""
    if item.rule is not None and item.checks:
        err.add(path + ("checks",), "give either 'rule' (with 'unmet') or 'checks', not both", key=True)
    elif item.rule is None and not item.checks:
        err.add(path, "missing 'rule': the condition this requirement checks (or 'checks' for several)")
    elif item.rule is not None and item.unmet is None:
        err.add(path, "missing 'unmet': what the educator is told when the rule is not met")
    elif item.rule is None and (item.unmet is not None or item.unknown is not None):
        key = "unmet" if item.unmet is not None else "unknown"
        err.add(path + (key,), f"with 'checks', each check has its own '{key}'", key=True)
    if item.rule is not None:
        targets = [(path, item.rule, item.unmet, item.unknown)]
    else:
        targets = [(path + ("checks", k), c.rule, c.unmet, c.unknown) for k, c in enumerate(item.checks)]
    fillable: list[bool | None] = []
    compiled = []
    for where, rule, unmet, unknown in targets:
        result = _compile(rule, where + ("rule",), inputs, doc, err)
        if result is not None:
            compiled.append(result)
        fillable.append(None if result is None else result.quantity is not None)
        _check_message(unmet, where + ("unmet",), fillable[-1], err)
        _check_message(unknown, where + ("unknown",), fillable[-1], err)
    return compiled, fillable


def check_pathway(pathway: Pathway, doc: Located) -> tuple[list[ContentError], Rules | None]:
    """Every problem the model alone cannot see, as file:line:col errors, and the compiled
    rules (None unless every rule compiled)."""
    err = _Errors(doc)
    inputs = inputs_by_name(pathway)

    for i, spec in enumerate(pathway.inputs):
        path = ("inputs", i)
        if inputs[spec.name] is not spec:
            err.add(path + ("name",), f"an input named '{spec.name}' is already given")
        if spec.name in RESERVED_NAMES:
            err.add(
                path + ("name",),
                f"'{spec.name}' is a word of the rules (the day the check is made for); name the input otherwise",
            )
        _check_input(spec, path, err)
        if spec.instead_of is not None:
            other = inputs.get(spec.instead_of)
            if other is None or other is spec:
                err.add(
                    path + ("instead_of",),
                    f"no other input is named '{spec.instead_of}'"
                    f"{did_you_mean(spec.instead_of, [n for n in inputs if n != spec.name])}",
                )
            elif spec.type not in ("number", "list") or other.type not in ("number", "list"):
                err.add(path + ("instead_of",), "only numbers and lists can stand instead of each other")

    if pathway.expiry is not None:
        dated = inputs.get(pathway.expiry.input)
        if dated is None:
            err.add(
                ("expiry", "input"),
                f"no input is named '{pathway.expiry.input}'{did_you_mean(pathway.expiry.input, inputs)}",
            )
        elif dated.type != "date":
            err.add(("expiry", "input"), f"'{dated.name}' is a {dated.type}; the expiry counts from a date input")
        _check_message(pathway.expiry.expired, ("expiry", "expired"), None, err, allowed=("expires_on",))
        _check_message(pathway.expiry.after, ("expiry", "after"), None, err, allowed=("eligible_from", "expires_on"))

    for k, d in enumerate(pathway.differs):
        _check_difference(d.source, None, ("differs", k, "source"), pathway, err)
    rules = Rules()
    seen: list[str] = []
    for i, req in enumerate(pathway.requirements):
        path = ("requirements", i)
        if req.id in seen:
            err.add(path + ("id",), f"a requirement with the id '{req.id}' is already given")
        seen.append(req.id)
        if req.source not in pathway.sources:
            err.add(
                path + ("source",),
                f"'{req.source}' is not one of this pathway's sources "
                f"({', '.join(pathway.sources)}){did_you_mean(req.source, pathway.sources)}",
            )
        if req.disagreement is not None:
            other_source = req.disagreement.source
            if other_source == req.source:
                err.add(
                    path + ("disagreement", "source"),
                    f"'{other_source}' is the requirement's own source; name the source that does not state it",
                )
            elif other_source not in pathway.sources:
                err.add(
                    path + ("disagreement", "source"),
                    f"'{other_source}' is not one of this pathway's sources ({', '.join(pathway.sources)})"
                    f"{did_you_mean(other_source, pathway.sources)}",
                )
        for k, d in enumerate(req.differs):
            _check_difference(d.source, req.source, path + ("differs", k, "source"), pathway, err)
        compiled = RequirementRules()
        if req.routes:
            for key in ("rule", "checks", "unknown"):
                if getattr(req, key):
                    err.add(path + (key,), f"with 'routes', each route has its own '{key}'", key=True)
            route_ids: list[str] = []
            fillable: list[bool | None] = []
            for k, route in enumerate(req.routes):
                where: tuple = path + ("routes", k)
                if route.id in route_ids:
                    err.add(where + ("id",), f"a route with the id '{route.id}' is already given")
                route_ids.append(route.id)
                route_rules, route_fillable = _check_rules(route, where, inputs, doc, err)
                compiled.routes.append(route_rules)
                fillable += route_fillable
            _check_message(req.unmet, path + ("unmet",), None, err, extra=("routes",))
            either = None
        else:
            compiled.checks, fillable = _check_rules(req, path, inputs, doc, err)
            # {threshold} in text and met is the first 'quantity >= number' rule's number.
            either = None if None in fillable else any(fillable)
        for k, case in enumerate(req.undecided):
            where = path + ("undecided", k)
            result = _compile(case.rule, where + ("rule",), inputs, doc, err)
            if result is not None:
                compiled.undecided.append(result)
            _check_message(case.message, where + ("message",), None, err, allowed=())
        rules.requirements.append(compiled)
        _check_message(req.text, path + ("text",), either, err)
        _check_message(req.met, path + ("met",), either, err)

    ids: list[str] = []
    for k, notice in enumerate(pathway.notices):
        where = ("notices", k)
        if notice.id in ids:
            err.add(where + ("id",), f"a notice with the id '{notice.id}' is already given")
        ids.append(notice.id)
        result = _compile(notice.rule, where + ("rule",), inputs, doc, err)
        if result is not None:
            rules.notices.append(result)
        _check_message(notice.message, where + ("message",), None, err, allowed=())

    if not any(case.problems for case in pathway.cases):
        err.add(
            ("cases",),
            "no case gives answers that the checker refuses; add one whose 'problems' list "
            "the messages it must give, so that a checker which stops refusing them is noticed",
            key=True,
        )
    return err.list, (None if err.list else rules)


def check_cases(pathway: Pathway, compiled: dict[str, Any], doc: Located) -> list[ContentError]:
    """Every case must be well formed, and its answers valid unless it expects problems."""
    err = _Errors(doc)
    ids = [r.id for r in pathway.requirements]
    names: list[str] = []
    for i, case in enumerate(pathway.cases):
        path = ("cases", i)
        if case.name in names:
            err.add(path + ("name",), f"another case is already named '{case.name}'")
        names.append(case.name)
        for key in ("requirements", "remaining", "messages"):
            for rid in getattr(case, key):
                if rid not in ids:
                    err.add(path + (key, rid), f"no requirement has the id '{rid}'{did_you_mean(rid, ids)}", key=True)
        if case.problems:
            if (
                case.status
                or case.requirements
                or case.remaining
                or case.expires_on
                or case.messages
                or case.notices is not None
                or "eligible_from" in case.model_fields_set
            ):
                err.add(path + ("problems",), "a case expects either problems or a result, not both", key=True)
            continue
        if case.status is None:
            err.add(path, "missing 'status': the overall result this case expects (eligible, not_yet or incomplete)")
        as_of = case.as_of.isoformat() if case.as_of else None
        for problem in engine.find_problems_as_of(compiled, case_answers(case), as_of):
            err.add(
                path + ("answers",), f"{engine.problem_line(problem)} (if this is on purpose, list it under 'problems')"
            )
        if case.expires_on is not None and pathway.expiry is None:
            err.add(path + ("expires_on",), "this pathway has no 'expiry'", key=True)
    return err.list
