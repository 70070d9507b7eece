"""A pathway compiled into the JSON data :mod:`checker.engine` evaluates.

:func:`compile_rules` parses each rule once (``certkb.rules``);
:func:`compile_pathway` lays the pathway out for the engine, from rules
already compiled when it is given them. The loader does both once per load
and keeps the result in ``Content.compiled``: the checker pages, the guides'
requirement lists, the command line and the case checks all read that.
"""

from __future__ import annotations

from typing import Any

from checker import engine

from ..rules import Compiled, compile_rule
from .model import EntryField, Input, Pathway, inputs_by_name

# For each requirement, in order, the compiled rule of each of its checks.
Rules = list[list[Compiled]]


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
    return [[compile_rule(check.rule, inputs) for check in req.all_checks()] for req in pathway.requirements]


def _input_data(spec: Input | EntryField) -> dict[str, Any]:
    out: dict[str, Any] = {"name": spec.name, "type": spec.type, "label": spec.label, "hint": spec.hint}
    if spec.type == "number":
        out.update(unit=spec.unit, at_least=num(spec.at_least), more_than=num(spec.more_than), at_most=num(spec.at_most))
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


def compile_pathway(pathway: Pathway, sources: dict[str, Any], guides: dict[str, Any],
                    rules: Rules | None = None) -> dict[str, Any]:
    """The JSON data checker.engine evaluates. ``pathway`` must have passed its checks.

    ``rules`` are its rules as :func:`compile_rules` returns them; without them they are compiled here.
    """
    if rules is None:
        rules = compile_rules(pathway)
    requirements = []
    for req, compiled in zip(pathway.requirements, rules):
        checks = []
        for check, c in zip(req.all_checks(), compiled):
            checks.append({
                "rule": c.rule, "text": " ".join(check.rule.split()), "unmet": check.unmet, "unknown": check.unknown,
                "inputs": c.inputs,
                "quantity": c.quantity, "threshold": num(c.threshold),
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
