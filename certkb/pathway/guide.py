"""The requirement list an upgrade guide shows, from the compiled pathway."""

from __future__ import annotations

from typing import Any

from .compiler import compile_pathway
from .model import Input, Pathway, inputs_by_name


def requirement_list(pathway: Pathway, compiled: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The requirements as the upgrade guide lists them.

    ``compiled`` is the pathway as :func:`~certkb.pathway.compile_pathway` made it
    (``Content.compiled[id]``); without it the pathway is compiled here.

    ``accepted`` lists, for each ``CHOICE in [...]`` a requirement's rules test,
    the question and the labels of the values that count (for example the
    accrediting associations whose schools' experience is approved), so the
    guide shows the very list the checker applies.
    """
    if compiled is None:
        compiled = compile_pathway(pathway, {}, {})
    inputs = inputs_by_name(pathway)
    out = []
    for r in compiled["requirements"]:
        accepted: list[dict[str, Any]] = []
        checks = r["checks"] + [c for route in r.get("routes", []) for c in route["checks"]]
        for check in checks:
            _accepted(check["rule"], inputs, None, accepted)
        item = {
            "id": r["id"],
            "title": r["title"],
            "text": r["text"],
            "source": r["source"],
            "accepted": accepted,
            "disputed": r.get("disputed"),
        }
        if r.get("differs"):
            item["differs"] = r["differs"]
        out.append(item)
    return out


def _accepted(node: Any, inputs: dict[str, Input], within: Input | None, out: list[dict[str, Any]]) -> None:
    if not isinstance(node, list) or not node:
        return
    if not isinstance(node[0], str):  # the parts of an 'and' or an 'or': a list of rule nodes
        for part in node:
            _accepted(part, inputs, within, out)
        return
    if node[0] in ("sum", "every", "any", "count", "years", "school_years", "annually"):
        within = inputs[node[1]]
    if node[0] == "in" and node[1][0] in ("input", "field"):
        name = node[1][1]
        if node[1][0] == "field":
            assert within is not None  # a compiled rule names a field only inside a list function
            spec = next(f for f in within.fields if f.name == name)
        else:
            spec = inputs[name]
        labels = {c.value: c.label for c in spec.choices}
        out.append({"label": spec.label, "choices": [labels[v] for v in node[2]]})
        return
    for part in node[1:]:
        _accepted(part, inputs, within, out)
