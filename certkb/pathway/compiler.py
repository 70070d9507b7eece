"""A pathway compiled into the JSON data :mod:`checker.engine` evaluates.

:func:`compile_rules` parses each rule once (``certkb.rules``);
:func:`compile_pathway` lays the pathway out for the engine, from rules
already compiled when it is given them. The loader does both once per load
and keeps the result in ``Content.compiled``: the checker pages, the guides'
requirement lists, the command line and the case checks all read that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checker import engine

from ..rules import Compiled, compile_rule
from .model import EntryField, Input, Pathway, inputs_by_name


@dataclass
class RequirementRules:
    """One requirement's rules, compiled: its checks, or each route's; and its undecided cases."""

    checks: list[Compiled] = field(default_factory=list)
    routes: list[list[Compiled]] = field(default_factory=list)
    undecided: list[Compiled] = field(default_factory=list)


@dataclass
class Rules:
    """Every rule of a pathway, compiled once: each requirement's, in order, and each notice's."""

    requirements: list[RequirementRules] = field(default_factory=list)
    notices: list[Compiled] = field(default_factory=list)


def num(x: float | int | None) -> float | int | None:
    """A whole float as an int, as the engine and the pages write numbers."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return int(x)
    return x


def fill_threshold(text: str, threshold: float | int | None) -> str:
    """``{threshold}`` in a requirement's text or met message, as the engine writes numbers."""
    return text if threshold is None else text.replace("{threshold}", engine.format_number(threshold))


def compile_rules(pathway: Pathway) -> Rules:
    """Every rule of the pathway, compiled. Raises RuleError: call it on a pathway that passed its checks."""
    inputs = inputs_by_name(pathway)

    def each(checks: list[Any]) -> list[Compiled]:
        return [compile_rule(check.rule, inputs) for check in checks]

    return Rules(
        requirements=[
            RequirementRules(each(req.all_checks()), [each(r.all_checks()) for r in req.routes], each(req.undecided))
            for req in pathway.requirements
        ],
        notices=each(pathway.notices),
    )


def _checks(checks: list[Any], compiled: list[Compiled]) -> list[dict[str, Any]]:
    return [
        {
            "rule": c.rule,
            "text": " ".join(check.rule.split()),
            "unmet": check.unmet,
            "unknown": check.unknown,
            "inputs": c.inputs,
            "quantity": c.quantity,
            "threshold": num(c.threshold),
        }
        for check, c in zip(checks, compiled, strict=True)
    ]


def _input_data(spec: Input | EntryField) -> dict[str, Any]:
    out: dict[str, Any] = {"name": spec.name, "type": spec.type, "label": spec.label, "hint": spec.hint}
    if spec.type == "number":
        out.update(
            unit=spec.unit, at_least=num(spec.at_least), more_than=num(spec.more_than), at_most=num(spec.at_most)
        )
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
    return {
        "id": source.id,
        "title": source.title,
        "agency": source.agency,
        "url": source.url,
        "retrieved": source.retrieved.isoformat(),
    }


def compile_pathway(
    pathway: Pathway, sources: dict[str, Any], guides: dict[str, Any], rules: Rules | None = None
) -> dict[str, Any]:
    """The JSON data checker.engine evaluates. ``pathway`` must have passed its checks.

    ``rules`` are its rules as :func:`compile_rules` returns them; without them they are compiled here.
    """
    if rules is None:
        rules = compile_rules(pathway)
    requirements = []
    for req, compiled in zip(pathway.requirements, rules.requirements, strict=True):
        checks = _checks(req.all_checks(), compiled.checks)
        threshold = next((c["threshold"] for c in checks if c["threshold"] is not None), None)
        out: dict[str, Any] = {
            "id": req.id,
            "title": req.title,
            "text": fill_threshold(req.text, threshold),
            "source": req.source,
            "met": fill_threshold(req.met, threshold),
            "checks": checks,
        }
        # What only some requirements have is written only where it is (the pages embed this data).
        if req.routes:
            out["routes"] = [
                {"id": r.id, "title": r.title, "checks": _checks(r.all_checks(), c)}
                for r, c in zip(req.routes, compiled.routes, strict=True)
            ]
            out["unmet"] = req.unmet
        if req.undecided:
            out["undecided"] = [
                {"rule": c.rule, "text": " ".join(u.rule.split()), "message": u.message}
                for u, c in zip(req.undecided, compiled.undecided, strict=True)
            ]
        if req.disagreement:
            out["disputed"] = {"source": req.disagreement.source, "note": req.disagreement.note}
        if req.differs:
            out["differs"] = [{"source": d.source, "note": d.note} for d in req.differs]
        if any(c.time for c in compiled.checks + [c for route in compiled.routes for c in route]):
            out["time"] = True  # time passing alone can meet it: see engine._eligible_from
        requirements.append(out)
    expiry = None
    if pathway.expiry:
        expiry = {"input": pathway.expiry.input, "years": pathway.expiry.years}
        if pathway.expiry.called:
            expiry["called"] = pathway.expiry.called
        if pathway.expiry.expired:
            expiry["expired"] = pathway.expiry.expired
        if pathway.expiry.after:
            expiry["after"] = pathway.expiry.after
    data: dict[str, Any] = {
        "id": pathway.id,
        "title": pathway.title,
        "jurisdiction": pathway.jurisdiction,
        "last_reviewed": pathway.last_reviewed.isoformat(),
        "inputs": [_input_data(spec) for spec in pathway.inputs],
        "requirements": requirements,
        "expiry": expiry,
        "sources": [_source_data(sources[s]) if s in sources else {"id": s} for s in pathway.sources],
        "determination": pathway.determination,
        "next_steps": [
            {"guide": s.guide, "title": guides[s.guide].title if s.guide in guides else None, "text": s.text}
            for s in pathway.next_steps
        ],
    }
    if pathway.differs:
        data["differs"] = [{"source": d.source, "note": d.note} for d in pathway.differs]
    if pathway.notices:
        data["notices"] = [
            {"id": n.id, "rule": c.rule, "message": n.message}
            for n, c in zip(pathway.notices, rules.notices, strict=True)
        ]
    return data
