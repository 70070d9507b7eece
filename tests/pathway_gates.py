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

from certkb.pathway import case_answers, case_failures
from checker import engine

from .checker_support import ROOT, in_order, random_answers, random_form_answers

GATE = settings(max_examples=300)  # deadline=None and the rest come from the profile in conftest.py
RANK = {"unmet": 0, "unknown": 1, "met": 2, "not_yet": 0, "incomplete": 1, "eligible": 2}

# --- cases and coverage ----------------------------------------------------------------------------


def case_problems(compiled: dict[str, Any], case) -> list[str]:
    return case_failures(compiled, case)


def coverage_lacking(pathway) -> dict[str, set[str]]:
    """Requirements no case shows met, or none shows unmet: {requirement id: the statuses missing}."""
    seen: dict[str, set[str]] = {r.id: set() for r in pathway.requirements}
    for case in pathway.cases:
        for rid, status in case.requirements.items():
            seen.setdefault(rid, set()).add(status)
    return {rid: {"met", "unmet"} - s for rid, s in seen.items() if not {"met", "unmet"} <= s}


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
    for b, a in zip(before["requirements"], after["requirements"]):
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


def _rules_of(requirement: dict[str, Any]) -> list[Any]:
    checks = requirement["checks"] + [c for r in requirement.get("routes") or [] for c in r["checks"]]
    return [c["rule"] for c in checks] + [u["rule"] for u in requirement.get("undecided") or []]


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
        for b, a, exempt in zip(before["requirements"], after["requirements"], every):
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
    numbers = {s["name"]: s for s in pathway["inputs"] if s["type"] == "number"}
    checks = threshold_checks(pathway)
    for requirement, check in checks:
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
    return len(checks)


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


def parity(
    pathways: dict[str, dict[str, Any]],
    runs: list[list],
    workdir: Path,
    choosers: dict[str, dict[str, Any]] | None = None,
) -> dict[str, int]:
    """Runs every job under MicroPython and CPython; fails on any difference. Returns the outcome counts."""
    choosers = choosers or {}
    jobs_file = workdir / "jobs.json"
    jobs_file.write_text(json.dumps({"pathways": pathways, "choosers": choosers, "runs": runs}), encoding="utf-8")
    proc = subprocess.run([node(), str(RUNNER), str(ROOT / "checker"), str(jobs_file)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["implementation"] == "micropython" and out["version"][:2] == [1, 28]
    got = out["results"]
    assert len(got) == len(runs)
    kinds = {"result": 0, "problems": 0, "parsed": 0, "parsed with problems": 0}
    mismatches = []
    for run, mp in zip(runs, got):
        cp = json.loads(json.dumps(on_cpython(pathways, choosers, run)))
        mode = run[2]
        kinds[next(iter(cp)) if mode in ("run", "choose") else "parsed with problems" if cp[1] else "parsed"] += 1
        if cp != mp:
            mismatches.append(
                f"{run[0]} {mode} {run[3]} {json.dumps(run[1])[:200]}\n  CPython:     {cp}\n  MicroPython: {mp}"
            )
    assert not mismatches, f"{len(mismatches)} of {len(runs)} differ:\n" + "\n".join(mismatches[:5])
    return kinds


# --- the browser smoke test of a checker page --------------------------------------------------------------

READY_MS = 60_000  # generous: a loaded 2-core CI machine; nothing is timed (make bench-widget is)


def fragment(answers: dict[str, Any]) -> str:
    """The #fragment a link with these answers has: name=value, list entries as name.i.field=value."""

    def text(v: Any) -> str:
        return "true" if v is True else "false" if v is False else str(v)

    pairs: list[tuple[str, str]] = []
    for name, v in answers.items():
        if isinstance(v, list):
            for i, entry in enumerate(v):
                pairs += [(f"{name}.{i}.{field}", text(x)) for field, x in entry.items()]
        else:
            pairs.append((name, text(v)))
    return urllib.parse.urlencode(pairs)


def shown_requirements(page) -> dict[str, tuple[str, str]]:
    out = {}
    for el in page.query_selector_all("[data-requirement-id]"):
        out[el.get_attribute("data-requirement-id")] = (
            el.get_attribute("data-requirement-status"),
            el.query_selector(".checker-message").inner_text().strip(),
        )
    return out


# The day a case is checked for when it names none: the page's clock is set to it (Playwright's
# clock), so a case gives the same result in the browser whatever day the tests run.
DEFAULT_DAY = datetime.date(2026, 1, 15)


def case_day(case) -> datetime.date:
    return getattr(case, "as_of", None) or DEFAULT_DAY


def open_on(page, url: str, day: datetime.date) -> None:
    """Open ``url`` with the page's clock on ``day`` (noon), and wait for the checker."""
    page.goto("about:blank")
    page.clock.set_fixed_time(datetime.datetime(day.year, day.month, day.day, 12, 0))
    page.goto(url)
    page.wait_for_selector("[data-checker-ready]", state="attached", timeout=READY_MS)


def smoke(page, page_url: str, pathway: dict[str, Any], cases: list) -> None:
    """The checker page starts with every requirement unknown, and a link with each case's answers
    (those the engine accepts) shows what the engine says for the case's day, requirement by
    requirement, with the same notices."""
    open_on(page, page_url, DEFAULT_DAY)
    assert page.get_attribute("[data-checker-status]", "data-checker-status") == "incomplete"
    shown = shown_requirements(page)
    assert list(shown) == [r["id"] for r in pathway["requirements"]]
    assert {s for s, _ in shown.values()} == {"unknown"}
    tried = 0
    for case in cases:
        answers = case_answers(case)
        if case.problems or not isinstance(answers, dict):
            continue
        day = case_day(case).isoformat()
        text = dict(urllib.parse.parse_qsl(fragment(answers), keep_blank_values=True))
        open_on(page, page_url + "#" + fragment(answers), case_day(case))
        values, _ = engine.parse_answers(pathway, _rows(text), True, day)
        want = engine.evaluate(pathway, values, day)
        assert page.get_attribute("[data-checker-status]", "data-checker-status") == want["status"], case.name
        shown = shown_requirements(page)
        for r in want["requirements"]:
            assert shown[r["id"]] == (r["status"], r["message"]), (case.name, r["id"])
        assert shown_notices(page) == [n["id"] for n in want["notices"]], case.name
        tried += 1
    assert tried or not cases, "no case had answers the page could be given"
    assert page.console_errors == [], page.console_errors


def shown_notices(page) -> list[str]:
    return [el.get_attribute("data-notice-id") for el in page.query_selector_all("[data-notice-id]")]


def chooser_smoke(
    page, page_url: str, chooser: dict[str, Any], pathways: dict[str, dict[str, Any]], cases: list
) -> None:
    """A chooser's page: one form, and for each case the recommendation and every pathway's
    checklist as engine.choose gives them."""
    open_on(page, page_url, DEFAULT_DAY)
    status = page.query_selector("[data-checker-status]")
    assert status.get_attribute("data-checker-recommended") == ""
    tried = 0
    for case in cases:
        answers = case_answers(case)
        if case.problems:
            continue
        day = case_day(case).isoformat()
        text = dict(urllib.parse.parse_qsl(fragment(answers), keep_blank_values=True))
        open_on(page, page_url + "#" + fragment(answers), case_day(case))
        values, _ = engine.parse_answers(chooser, _rows(text), True, day)
        want = engine.choose(chooser, pathways, values, day)
        assert want["recommended"] == case.recommended, case.name
        assert page.get_attribute("[data-checker-status]", "data-checker-recommended") == (want["recommended"] or "")
        for result in want["results"]:
            section = f'[data-pathway-id="{result["pathway"]}"]'
            assert page.get_attribute(section + " [data-pathway-status]", "data-pathway-status") == result["status"]
            for r in result["requirements"]:
                li = page.query_selector(f'{section} [data-requirement-id="{r["id"]}"]')
                assert li.get_attribute("data-requirement-status") == r["status"], (case.name, r["id"])
                assert li.query_selector(".checker-message").inner_text().strip() == r["message"], (case.name, r["id"])
        tried += 1
    assert tried or not cases, "no case had answers the page could be given"
    assert page.console_errors == [], page.console_errors


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
