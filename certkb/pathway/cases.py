"""A pathway's cases: answers staff write, and the result they must give."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from checker import engine

from .model import Case


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
