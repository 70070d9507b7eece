"""The gates every pathway passes, as functions of the pathway alone.

tests/test_every_pathway.py runs each of them on every pathway it finds in the content under
test; tests/test_new_pathway.py runs them on a pathway the real content does not have, to prove
that nothing here knows today's pathways. Inputs, bounds, thresholds and choices all come from
the compiled pathway (the JSON the browser gets), never from a name written in a test.
"""

from __future__ import annotations

import datetime
import json
import math
import random
import shutil
import subprocess
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

# The coverage rule is certkb's (`make validate` applies it too): the tests ask the same functions.
from certkb.pathway import case_answers, case_failures, requirement_rules
from certkb.pathway import coverage_lacking as coverage_lacking
from certkb.pathway import never_unmet as never_unmet
from certkb.pathway import shown_statuses as shown_statuses
from checker import engine

from .checker_support import ROOT, in_order, random_answers, random_form_answers
from .checker_visits import case_list, checker_visits

GATE = settings(max_examples=300)  # deadline=None and the rest come from the profile in conftest.py
RANK = {"unmet": 0, "unknown": 1, "met": 2, "not_yet": 0, "incomplete": 1, "eligible": 2}

# --- cases and coverage ----------------------------------------------------------------------------


def case_problems(compiled: dict[str, Any], case) -> list[str]:
    return case_failures(compiled, case)


def duplicate_case_names(pathway) -> list[str]:
    names = [c.name for c in pathway.cases]
    return sorted({n for n in names if names.count(n) > 1})


# --- answers, drawn from the pathway's own inputs ------------------------------------------------------


def low_bound(spec: dict[str, Any]) -> float:
    return spec["at_least"] if spec.get("at_least") is not None else spec["more_than"]


def number(spec: dict[str, Any]) -> st.SearchStrategy:
    low, high, strict = low_bound(spec), spec["at_most"], spec.get("at_least") is None
    return st.one_of(
        st.integers(math.ceil(low), math.floor(high)),
        st.floats(low, high, exclude_min=strict, allow_nan=False),
    ).filter(lambda x: x > low if strict else True)


def value(spec: dict[str, Any]) -> st.SearchStrategy:
    kind = spec["type"]
    if kind == "number":
        return number(spec)
    if kind == "boolean":
        return st.booleans()
    if kind == "choice":
        return st.sampled_from([c["value"] for c in spec["choices"]])
    if kind == "date":
        return st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2090, 12, 31)).map(
            lambda d: d.isoformat()
        )
    if kind == "school_year":
        return st.integers(1990, 2089).map(lambda y: f"{y}-{(y + 1) % 100:02d}")
    entry = st.fixed_dictionaries({}, optional={f["name"]: value(f) for f in spec["fields"]}).map(in_order)
    return st.lists(entry, max_size=min(5, spec.get("max_entries") or 5))


def valid_answers(pathway: dict[str, Any]) -> st.SearchStrategy:
    optional = {spec["name"]: value(spec) for spec in pathway["inputs"]}

    def one_form(answers: dict[str, Any]) -> dict[str, Any]:
        for spec in pathway["inputs"]:
            if spec.get("instead_of") and spec["name"] in answers:
                answers.pop(spec["instead_of"], None)
        return answers

    return st.fixed_dictionaries({}, optional=optional).map(one_form)


def quantities(pathway: dict[str, Any], answers: dict[str, Any]) -> list[tuple]:
    """Every place in ``answers`` that holds an amount: (path, spec)."""
    out: list[tuple] = []
    for spec in pathway["inputs"]:
        if spec["type"] in ("number", "boolean") and spec["name"] in answers:
            out.append(((spec["name"],), spec))
        if spec["type"] == "list" and spec["name"] in answers:
            for i, entry in enumerate(answers[spec["name"]]):
                for f in spec["fields"]:
                    if f["type"] in ("number", "boolean") and f["name"] in entry:
                        out.append(((spec["name"], i, f["name"]), f))
    return out


def more(spec: dict[str, Any], current: Any, step: float) -> Any:
    if spec["type"] == "boolean":
        return True
    return min(spec["at_most"], current + step)


def statuses(result: dict[str, Any]) -> tuple:
    return result["status"], [(r["status"], r["remaining"]) for r in result["requirements"]]


def assert_not_worse(before: dict[str, Any], after: dict[str, Any]) -> None:
    assert RANK[after["status"]] >= RANK[before["status"]], (statuses(before), statuses(after))
    for b, a in zip(before["requirements"], after["requirements"], strict=True):
        assert RANK[a["status"]] >= RANK[b["status"]], (b, a)
        if isinstance(a["remaining"], (int, float)) and isinstance(b["remaining"], (int, float)):
            assert a["remaining"] <= b["remaining"], (b, a)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


def answer_like(pathway: dict[str, Any]) -> st.SearchStrategy:
    """JSON objects whose keys are mostly the real ones (so values get checked), with anything as values."""
    names = [s["name"] for s in pathway["inputs"]]
    fields = [f["name"] for s in pathway["inputs"] for f in s.get("fields", [])] or ["field"]
    keys = st.sampled_from(names) | st.text(max_size=12)
    entry = st.dictionaries(st.sampled_from(fields) | st.text(max_size=8), JSON, max_size=6)
    return st.dictionaries(keys, JSON | st.lists(entry | JSON, max_size=4), max_size=8)


def form_text(pathway: dict[str, Any]) -> st.SearchStrategy:
    choices = [c["value"] for s in pathway["inputs"] for f in [s, *s.get("fields", [])] for c in f.get("choices", [])]
    return st.one_of(
        st.sampled_from(
            ["", " ", "4", "3.99", "-1", ".5", "1e3", "abc", "true", "false", "2024-08-15", "0.5", *choices]
        ),
        st.text(max_size=12),
    )


def form_like(pathway: dict[str, Any]) -> st.SearchStrategy:
    """What the browser form or a #fragment gives: text for every answer, rows of text for lists."""
    names = [s["name"] for s in pathway["inputs"]]
    fields = [f["name"] for s in pathway["inputs"] for f in s.get("fields", [])] or ["field"]
    text = form_text(pathway)
    row = st.dictionaries(st.sampled_from(fields) | st.text(max_size=6), text, max_size=6)
    return st.dictionaries(st.sampled_from(names) | st.text(max_size=8), text | st.lists(row, max_size=3), max_size=8)


def check_outcome(out: dict[str, Any]) -> None:
    assert set(out) in ({"result"}, {"problems"})
    if "problems" in out:
        assert out["problems"] and all(isinstance(p, str) and p and "\n" not in p for p in out["problems"])
    else:
        result = out["result"]
        assert result["status"] in engine.OVERALL
        assert all(r["status"] in engine.STATUSES for r in result["requirements"])
        json.dumps(result, allow_nan=False)  # the result is plain JSON, no NaN or infinity


# --- the property gates (hypothesis; settings come from the profile in conftest.py) ----------------------


def more_never_worse(pathway: dict[str, Any]) -> None:
    """More of any quantity (years, hours, a yes for a no) never makes a result worse."""

    @GATE
    @given(answers=valid_answers(pathway), data=st.data())
    def check(answers, data):
        before = engine.evaluate(pathway, answers)
        places = quantities(pathway, answers)
        assume(places)
        path, spec = data.draw(st.sampled_from(places))
        step = data.draw(st.one_of(st.sampled_from([0.01, 0.5, 1, 15]), st.floats(0, 100, allow_nan=False)))
        bigger = json.loads(json.dumps(answers))
        holder = bigger
        for part in path[:-1]:
            holder = holder[part]
        holder[path[-1]] = more(spec, holder[path[-1]], step)
        assert_not_worse(before, engine.evaluate(pathway, bigger))

    check()


def _reads_every(node: Any, name: str) -> bool:
    """Whether a compiled rule reads list ``name`` with every(...): each entry must meet a condition
    (or with annually(...): each school year of one list needs an entry of the other that meets it)."""
    if not isinstance(node, list) or not node:
        return False
    if node[0] == "every" and node[1] == name:
        return True
    if node[0] == "annually" and name in (node[1], node[3]):
        return True
    return any(_reads_every(part, name) for part in node[1:])


_rules_of = requirement_rules


def another_entry_never_worse(pathway: dict[str, Any]) -> None:
    """Another entry in any list (another position held) never makes a result worse.

    Except where a rule asks that *every* entry meets a condition (every year of
    professional development has 30 hours): there another entry may be the one
    that does not, and only the requirements that do not read the list that way
    are held to it.
    """
    lists = [s for s in pathway["inputs"] if s["type"] == "list"]
    if not lists:
        return

    @GATE
    @given(answers=valid_answers(pathway), spec=st.sampled_from(lists), data=st.data())
    def check(answers, spec, data):
        entry = data.draw(value(spec).filter(bool).map(lambda entries: entries[0]))
        if spec.get("instead_of"):
            answers.pop(spec["instead_of"], None)
        answers.setdefault(spec["name"], [])  # the list is answered: adding to it is more, not a first answer
        assume(len(answers[spec["name"]]) < (spec.get("max_entries") or 100))
        before = engine.evaluate(pathway, answers)
        after = engine.evaluate(pathway, dict(answers, **{spec["name"]: answers[spec["name"]] + [entry]}))
        every = [any(_reads_every(rule, spec["name"]) for rule in _rules_of(r)) for r in pathway["requirements"]]
        if not any(every):
            assert_not_worse(before, after)
            return
        for b, a, exempt in zip(before["requirements"], after["requirements"], every, strict=True):
            if not exempt:
                assert RANK[a["status"]] >= RANK[b["status"]], (b, a)

    check()


def no_crash(pathway: dict[str, Any]) -> None:
    """No JSON input crashes the engine: it returns a result or one-line problems."""

    @GATE
    @given(answers=JSON | answer_like(pathway) | form_like(pathway))
    def check(answers):
        check_outcome(engine.run(pathway, answers))

    check()


def parsed_answers_are_usable(pathway: dict[str, Any]) -> None:
    """parse_answers (the browser form) leaves out exactly what the CLI would refuse, in the CLI's words."""

    @GATE
    @given(answers=answer_like(pathway) | form_like(pathway) | JSON, from_text=st.booleans())
    def check(answers, from_text):
        original = json.dumps(answers, sort_keys=True)
        values, problems = engine.parse_answers(pathway, answers, from_text)
        assert json.dumps(answers, sort_keys=True) == original, "the caller's answers were changed"
        assert engine.check_answers(pathway, values) == [], "what is left must be usable"
        assert set(values) <= {s["name"] for s in pathway["inputs"]}
        assert all(isinstance(p["path"], tuple) and "\n" not in engine.message(p) for p in problems)
        if not from_text:
            assert [engine.problem_line(p) for p in problems] == engine.check_answers(pathway, answers)
        engine.evaluate(pathway, values)

    check()


def _linear(node: list, names: dict[str, float]) -> float | None:
    """The value of a quantity made of number inputs, numbers, +, - and * (None for anything else)."""
    kind = node[0]
    if kind == "input":
        return names.get(node[1])
    if kind == "num":
        return node[1]
    if kind in ("add", "sub"):
        a, b = _linear(node[1], names), _linear(node[2], names)
        return None if a is None or b is None else a + b if kind == "add" else a - b
    if kind == "mul":
        k, b = node[1], _linear(node[2], names)
        return None if b is None else k * b
    return None


def threshold_checks(pathway: dict[str, Any]) -> list[tuple[dict, dict]]:
    """Every (requirement, check) whose rule is ``QUANTITY >= NUMBER`` over number inputs only."""
    numbers = {s["name"]: s for s in pathway["inputs"] if s["type"] == "number"}
    out = []
    for r in pathway["requirements"]:
        for c in r["checks"]:
            rule = c["rule"]
            if (
                c["threshold"] is None
                or rule[0] != "cmp"
                or rule[1] != ">="
                or not c["inputs"]
                or not set(c["inputs"]) <= set(numbers)
            ):
                continue
            if _linear(c["quantity"], {n: 0 for n in c["inputs"]}) is not None:
                out.append((r, c))
    return out


def thresholds_are_exact(pathway: dict[str, Any]) -> int:
    """Each ``QUANTITY >= NUMBER`` check is unmet just below the number and not unmet at it or above.

    Returns how many checks were tried (so a caller can tell the gate was not empty)."""
    checks = threshold_checks(pathway)
    for requirement, check in checks:
        _threshold_is_exact(pathway, requirement, check)
    return len(checks)


def _threshold_is_exact(pathway: dict[str, Any], requirement: dict[str, Any], check: dict[str, Any]) -> None:
    numbers = {s["name"]: s for s in pathway["inputs"] if s["type"] == "number"}
    threshold = check["threshold"]
    names = check["inputs"]
    single = len(requirement["checks"]) == 1 and check["quantity"] == ["input", names[0]]
    edges = [threshold, math.nextafter(threshold, -math.inf), threshold - 0.01, threshold + 0.01]

    def strategy(name: str):
        spec = numbers[name]
        low, high = low_bound(spec), spec["at_most"]
        inside = [x for x in edges if low < x <= high or (x == low and spec.get("at_least") is not None)]
        return st.sampled_from(inside) | number(spec) if inside else number(spec)

    @GATE
    @given(answers=st.fixed_dictionaries({n: strategy(n) for n in names}))
    def run(answers):
        quantity = _linear(check["quantity"], answers)
        assume(abs(quantity - threshold) > 1e-6 or quantity == threshold)
        result = engine.evaluate(pathway, answers)
        r = next(x for x in result["requirements"] if x["id"] == requirement["id"])
        if quantity < threshold:
            assert r["status"] == "unmet", (answers, r)
        else:
            assert r["status"] != "unmet", (answers, r)
        if single:
            assert r["status"] == ("met" if quantity >= threshold else "unmet")
            if quantity >= threshold:
                assert r["remaining"] == 0
            else:
                assert r["remaining"] > 0 and abs(r["remaining"] - (threshold - quantity)) <= 1e-6

    run()


# --- parity: MicroPython under Node gives CPython's results ----------------------------------------------

RUNNER = ROOT / "tests" / "micropython" / "run_engine.mjs"
PACKAGE = ROOT / "node_modules" / "@micropython" / "micropython-webassembly-pyscript" / "micropython.mjs"


def node() -> str:
    exe = shutil.which("node")
    if exe is None:
        pytest.fail("node is not installed: the parity test runs MicroPython under Node (see README)")
    if not PACKAGE.exists():
        pytest.fail(
            "node_modules is missing @micropython/micropython-webassembly-pyscript: run `npm ci` (make test does)"
        )
    return exe


def edge_answers(pathway: dict[str, Any]) -> list[Any]:
    """Answers at the edges of what the two interpreters might disagree on, built from the inputs."""
    out: list[Any] = [{}, [1, {"a": None}], "answers", None, {"\u00ebx": 4, "\u2028": True, "a\nb": 1}]
    for spec in pathway["inputs"]:
        name = spec["name"]
        if spec["type"] == "number":
            out += [{name: x} for x in (10**30, -0.0, 1e-320, 1e308, 2.675, 0.1)]
        elif spec["type"] == "date":
            out += [
                {name: d} for d in ("2100-02-28", "2096-02-29", "\u0662\u0660\u0662\u0664-\u0660\u0668-\u0661\u0665")
            ]
        elif spec["type"] == "list":
            full = {
                f["name"]: (
                    f["choices"][-1]["value"]
                    if f["type"] == "choice"
                    else True
                    if f["type"] == "boolean"
                    else f["at_most"]
                    if f["type"] == "number"
                    else "2024-08-15"
                )
                for f in spec["fields"]
            }
            out += [
                {name: [full]},
                {name: [{}, full, {"x": 1}]},
                {name: [[]] * 3},
                {name: [full] * ((spec.get("max_entries") or 100) + 1)},
            ]
    return out


# The days random answers are checked for: none, one near today, one long ago (old dates then expire).
PARITY_DAYS = (None, "2026-01-15", "2010-06-30")


def parity_runs(pathways: dict[str, dict[str, Any]], cases: list[tuple[str, Any]], per_pathway: int) -> list[list]:
    """[pathway id, answers, mode, as_of]: mode "run" is engine.run, "parse"/"parse_text" engine.parse_answers."""
    runs: list[list] = [[pid, case_answers(case), "run", _day(case)] for pid, case in cases]
    for pid, pathway in pathways.items():
        rnd = random.Random(f"{pid}:20261123")
        runs += [[pid, random_answers(pathway, rnd), "run", rnd.choice(PARITY_DAYS)] for _ in range(per_pathway)]
        runs += [[pid, answers, "run", None] for answers in edge_answers(pathway)]
        runs += [[pid, random_answers(pathway, rnd), "parse", rnd.choice(PARITY_DAYS)] for _ in range(per_pathway // 4)]
        runs += [
            [pid, random_form_answers(pathway, rnd), "parse_text", rnd.choice(PARITY_DAYS)]
            for _ in range(per_pathway // 2)
        ]
    return runs


def chooser_parity_runs(cid: str, chooser: dict[str, Any], cases: list, per_chooser: int) -> list[list]:
    """[chooser id, answers, "choose", as_of]: its cases, then random answers to its questions."""
    rnd = random.Random(f"{cid}:20261201")
    runs: list[list] = [[cid, case_answers(case), "choose", _day(case)] for case in cases]
    runs += [[cid, random_answers(chooser, rnd), "choose", rnd.choice(PARITY_DAYS)] for _ in range(per_chooser)]
    return runs


def _day(case) -> str | None:
    day = getattr(case, "as_of", None)
    return day.isoformat() if day else None


def on_cpython(pathways: dict[str, dict[str, Any]], choosers: dict[str, dict[str, Any]], run: list):
    key, answers, mode, as_of = run
    if mode == "choose":
        try:
            return {"result": engine.choose(choosers[key], pathways, answers, as_of)}
        except engine.AnswerError as exc:
            return {"problems": exc.problems}
    if mode == "run":
        return engine.run(pathways[key], answers, as_of)
    values, problems = engine.parse_answers(pathways[key], answers, mode == "parse_text", as_of)
    return [values, problems, [engine.problem_line(p) for p in problems]]


def micropython_results(
    pathways: dict[str, dict[str, Any]],
    runs: list[list],
    workdir: Path,
    choosers: dict[str, dict[str, Any]] | None = None,
) -> list[Any]:
    """Every job run under MicroPython (the browser's interpreter, under Node), in one process."""
    jobs_file = workdir / "jobs.json"
    jobs = {"pathways": pathways, "choosers": choosers or {}, "runs": runs}
    jobs_file.write_text(json.dumps(jobs), encoding="utf-8")
    proc = subprocess.run([node(), str(RUNNER), str(ROOT / "checker"), str(jobs_file)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["implementation"] == "micropython" and out["version"][:2] == [1, 28]
    assert len(out["results"]) == len(runs)
    return out["results"]


def compare_parity(
    pathways: dict[str, dict[str, Any]],
    runs: list[list],
    got: list[Any],
    choosers: dict[str, dict[str, Any]] | None = None,
) -> dict[str, int]:
    """Fails on any run where MicroPython's result (``got``) is not CPython's. Returns the outcome counts."""
    choosers = choosers or {}
    kinds = {"result": 0, "problems": 0, "parsed": 0, "parsed with problems": 0}
    mismatches = []
    for run, mp in zip(runs, got, strict=True):
        cp = json.loads(json.dumps(on_cpython(pathways, choosers, run)))
        mode = run[2]
        kinds[next(iter(cp)) if mode in ("run", "choose") else "parsed with problems" if cp[1] else "parsed"] += 1
        if cp != mp:
            mismatches.append(
                f"{run[0]} {mode} {run[3]} {json.dumps(run[1])[:200]}\n  CPython:     {cp}\n  MicroPython: {mp}"
            )
    assert not mismatches, f"{len(mismatches)} of {len(runs)} differ:\n" + "\n".join(mismatches[:5])
    return kinds


def parity(
    pathways: dict[str, dict[str, Any]],
    runs: list[list],
    workdir: Path,
    choosers: dict[str, dict[str, Any]] | None = None,
) -> dict[str, int]:
    """Runs every job under MicroPython and CPython; fails on any difference. Returns the outcome counts."""
    return compare_parity(pathways, runs, micropython_results(pathways, runs, workdir, choosers), choosers)


# --- the browser smoke test of a checker page --------------------------------------------------------------


def expected(checker: dict[str, Any], visit, pathways: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """What the engine gives for the answers a visit's link holds, read as the page reads them."""
    text = dict(urllib.parse.parse_qsl(visit.fragment, keep_blank_values=True))
    day = visit.day.isoformat()
    values, _ = engine.parse_answers(checker, _rows(text), True, day)
    return (
        engine.choose(checker, pathways, values, day) if pathways is not None else engine.evaluate(checker, values, day)
    )


def smoke(browser, page_url: str, pathway: dict[str, Any], cases: list) -> None:
    """The checker page starts with every requirement unknown, and a link with each case's answers
    (those the engine accepts) shows what the engine says for the case's day, requirement by
    requirement, with the same notices."""
    visits = checker_visits(browser, page_url, case_list(cases))
    first = visits.first
    assert first.ready, f"{page_url}: the checker never became ready"
    assert first.shown["status"] == "incomplete"
    shown = first.requirements()
    assert list(shown) == [r["id"] for r in pathway["requirements"]]
    assert {s for s, _ in shown.values()} == {"unknown"}
    for v in visits.cases:
        assert v.ready, f"{v.name}: the checker never became ready"
        want = expected(pathway, v)
        assert v.shown["status"] == want["status"], v.name
        shown = v.requirements()
        for r in want["requirements"]:
            assert shown[r["id"]] == (r["status"], r["message"]), (v.name, r["id"])
        assert v.shown["notices"] == [n["id"] for n in want["notices"]], v.name
    assert visits.cases or not cases, "no case had answers the page could be given"
    errors = [e for v in [first, *visits.cases] for e in v.console_errors]
    assert errors == [], errors
    print(f"\nsmoke: {page_url}: {len(visits.cases)} cases, {1 + sum(v.cold for v in visits.cases)} cold loads")


def chooser_smoke(
    browser, page_url: str, chooser: dict[str, Any], pathways: dict[str, dict[str, Any]], cases: list
) -> None:
    """A chooser's page: one form, and for each case the recommendation and every pathway's
    checklist as engine.choose gives them."""
    visits = checker_visits(browser, page_url, case_list(cases))
    assert visits.first.ready, f"{page_url}: the checker never became ready"
    assert visits.first.shown["recommended"] == ""
    declared = {case.name: case.recommended for case in cases}
    for v in visits.cases:
        assert v.ready, f"{v.name}: the checker never became ready"
        want = expected(chooser, v, pathways)
        assert want["recommended"] == declared[v.name], v.name
        assert v.shown["recommended"] == (want["recommended"] or ""), v.name
        for result in want["results"]:
            assert v.shown["pathways"][result["pathway"]] == result["status"], (v.name, result["pathway"])
            shown = v.requirements(result["pathway"])
            for r in result["requirements"]:
                assert shown[r["id"]] == (r["status"], r["message"]), (v.name, r["id"])
    assert visits.cases or not cases, "no case had answers the page could be given"
    errors = [e for v in [visits.first, *visits.cases] for e in v.console_errors]
    assert errors == [], errors
    print(f"\nsmoke: {page_url}: {len(visits.cases)} cases, {1 + sum(v.cold for v in visits.cases)} cold loads")


def _rows(pairs: dict[str, str]) -> dict[str, Any]:
    """Fragment pairs back to the engine's shape: name.i.field rows become a list of entries."""
    out: dict[str, Any] = {}
    for key, v in pairs.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[1].isdigit():
            rows = out.setdefault(parts[0], [])
            while len(rows) <= int(parts[1]):
                rows.append({})
            rows[int(parts[1])][parts[2]] = v
        else:
            out[key] = v
    return out
