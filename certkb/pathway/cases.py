"""A pathway's cases: answers staff write, and the result they must give."""

from __future__ import annotations

import datetime as _dt
import itertools
from typing import Any

from checker import engine

from .model import Case


def json_value(value: Any) -> Any:
    """YAML reads 2024-08-15 as a date; the checker reads JSON, where it is text."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_value(v) for v in value]
    return value


def _number(value: Any) -> Any:
    """An amount as staff wrote it: 2, not the 2.0 the case's model holds."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def case_answers(case: Case) -> dict[str, Any]:
    return json_value(case.answers)


def case_failures(compiled: dict[str, Any], case: Case) -> list[str]:
    """How the engine's result differs from what ``case`` expects ([] when it agrees)."""
    out = engine.run(compiled, case_answers(case), case.as_of.isoformat() if case.as_of else None)
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
            fails.append(f"{rid}: expected remaining {_number(remaining)}, got {_number(by_id[rid]['remaining'])}")
    if case.expires_on is not None and result.get("expires_on") != case.expires_on.isoformat():
        fails.append(f"expires_on: expected {case.expires_on.isoformat()}, got {result.get('expires_on')}")
    for rid, message in case.messages.items():
        if " ".join(by_id[rid]["message"].split()) != " ".join(message.split()):
            fails.append(f"{rid}: expected the message {message!r}, got {by_id[rid]['message']!r}")
    if case.notices is not None:
        got = [n["id"] for n in result["notices"]]
        if sorted(got) != sorted(case.notices):
            fails.append(f"notices: expected {sorted(case.notices)}, got {sorted(got)}")
    if "eligible_from" in case.model_fields_set:
        expected = case.eligible_from.isoformat() if case.eligible_from else None
        if result.get("eligible_from") != expected:
            fails.append(f"eligible_from: expected {expected}, got {result.get('eligible_from')}")
    return fails


# --- coverage: every requirement shown met, and unmet, by some case ------------------------------------


def requirement_rules(requirement: dict[str, Any]) -> list[Any]:
    """Every rule of a compiled requirement: its checks, its routes' checks and its ``undecided``."""
    checks = requirement["checks"] + [c for r in requirement.get("routes") or [] for c in r["checks"]]
    return [c["rule"] for c in checks] + [u["rule"] for u in requirement.get("undecided") or []]


def _inputs_read(node: Any, out: set[str]) -> set[str]:
    if isinstance(node, list) and node:
        reads = node[0] == "input" and len(node) == 2 or node[0] in ("sum", "every", "any", "count", "years")
        if reads and isinstance(node[1], str):
            out.add(node[1])
        for part in node[1:] if isinstance(node[0], str) else node:
            _inputs_read(part, out)
    return out


def never_unmet(compiled: dict[str, Any]) -> list[str]:
    """The requirements no answers can make unmet, found by trying every answer (unanswered too) to
    the questions they read, where those are all yes/no or choice questions; others are left out."""
    specs = {s["name"]: s for s in compiled["inputs"]}
    out = []
    for r in compiled["requirements"]:
        names: set[str] = set()
        for rule in requirement_rules(r):
            _inputs_read(rule, names)
        if not names or not all(specs.get(n, {}).get("type") in ("boolean", "choice") for n in names):
            continue
        options = [
            [None, True, False] if specs[n]["type"] == "boolean" else [None] + [c["value"] for c in specs[n]["choices"]]
            for n in sorted(names)
        ]
        unmet = False
        for values in itertools.product(*options):
            answers = {n: v for n, v in zip(sorted(names), values, strict=True) if v is not None}
            result = engine.evaluate(compiled, answers)
            unmet = unmet or next(x for x in result["requirements"] if x["id"] == r["id"])["status"] == "unmet"
        if not unmet:
            out.append(r["id"])
    return out


def shown_statuses(pathway: Any, case: Any) -> dict[str, str]:
    """The status of each requirement a case shows: those it writes under ``requirements``, and
    those its declared overall ``status`` implies.

    ``status: eligible`` implies every requirement is met: the engine (``_overall`` in
    checker/engine.py) says ``eligible`` only when no requirement is unmet or unknown, and a
    disputed requirement (one only one source states), though it never makes the result
    ``not_yet``, keeps it ``incomplete`` until it is met. ``not_yet`` and ``incomplete`` imply
    nothing about any one requirement. The case itself must pass for this to hold; validate and the
    tests run it."""
    shown = {r.id: "met" for r in pathway.requirements} if case.status == "eligible" and not case.problems else {}
    shown.update(case.requirements)  # written out, as the case's own check compares them
    return shown


def coverage_lacking(pathway: Any, compiled: dict[str, Any] | None = None) -> dict[str, set[str]]:
    """Requirements no case shows met, or none shows unmet: {requirement id: the statuses missing}.

    So that a change to any rule's threshold or logic is caught by some case. With the compiled
    pathway, a requirement no answer can make unmet (:func:`never_unmet`: its ``undecided`` turns
    every unmet into unknown, as for a requirement whose source is cut off) must be shown met and
    unknown instead. A case counts for what it writes under ``requirements`` and for what its
    declared status implies (:func:`shown_statuses`). ``make validate`` and the test suite both
    ask this function."""
    never = set(never_unmet(compiled)) if compiled is not None else set()
    seen: dict[str, set[str]] = {r.id: set() for r in pathway.requirements}
    for case in pathway.cases:
        for rid, status in shown_statuses(pathway, case).items():
            seen.setdefault(rid, set()).add(status)
    wanted = {rid: {"met", "unknown" if rid in never else "unmet"} for rid in seen}
    return {rid: wanted[rid] - s for rid, s in seen.items() if not wanted[rid] <= s}
