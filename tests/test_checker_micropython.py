"""Parity: the engine gives the same results under MicroPython as under CPython.

The browser runs checker/engine.py on MicroPython 1.28 (PyScript's interpreter).
Here the npm package @micropython/micropython-webassembly-pyscript runs it under
Node on every YAML case and on a few hundred generated answers, valid and not,
and every result (or list of problems) must equal CPython's exactly.
"""

from __future__ import annotations

import ast
import json
import random
import shutil
import subprocess

import pytest

from certkb.pathway import case_answers
from checker import engine

from .checker_support import ROOT, all_cases, compiled, random_answers, random_form_answers

RUNNER = ROOT / "tests" / "micropython" / "run_engine.mjs"
PACKAGE = ROOT / "node_modules" / "@micropython" / "micropython-webassembly-pyscript" / "micropython.mjs"
GENERATED_PER_PATHWAY = 400

EDGE_ANSWERS = [
    {},
    {"experience_years": 10**30},
    {"experience_years": -0.0},
    {"experience_years": 1e-320},
    {"pd_contact_hours": 1e308},
    {"experience_years": 2.675, "mentoring_years": 0.1},
    {"ëxperience_years": 4, "\u2028": True, "a\nb": 1},
    {"issued_on": "2100-02-28"},
    {"issued_on": "2096-02-29"},
    {"issued_on": "٢٠٢٤-٠٨-١٥"},
    {"experience": [{"years": 1.5, "setting": "accredited_nonpublic", "fte": 0.5, "contracted": True}]},
    {"experience": [{}, {"years": 60}, {"setting": "other"}]},
    {"experience": [[]] * 3},
    {"experience": [{"years": 1}] * 101},
    [1, {"a": None}],
    "answers",
    None,
]


def node() -> str:
    exe = shutil.which("node")
    if exe is None:
        pytest.fail("node is not installed: the parity test runs MicroPython under Node (see README)")
    if not PACKAGE.exists():
        pytest.fail("node_modules is missing @micropython/micropython-webassembly-pyscript: run `npm ci` (make test does)")
    return exe


def jobs() -> list[list]:
    """[pathway id, answers, mode]: mode "run" is engine.run, "parse"/"parse_text" engine.parse_answers."""
    runs: list[list] = [[pid, case_answers(case), "run"] for pid, case in all_cases()]
    rnd = random.Random(20261123)
    for pid, pathway in compiled().items():
        runs += [[pid, random_answers(pathway, rnd), "run"] for _ in range(GENERATED_PER_PATHWAY)]
        runs += [[pid, answers, "run"] for answers in EDGE_ANSWERS]
        runs += [[pid, random_answers(pathway, rnd), "parse"] for _ in range(GENERATED_PER_PATHWAY // 4)]
        runs += [[pid, random_form_answers(pathway, rnd), "parse_text"] for _ in range(GENERATED_PER_PATHWAY // 2)]
    return runs


def on_cpython(pid: str, answers, mode: str):
    pathway = compiled()[pid]
    if mode == "run":
        return engine.run(pathway, answers)
    values, problems = engine.parse_answers(pathway, answers, mode == "parse_text")
    return [values, problems, [engine.problem_line(p) for p in problems]]


def test_micropython_gives_the_same_results_as_cpython(tmp_path):
    runs = jobs()
    jobs_file = tmp_path / "jobs.json"
    jobs_file.write_text(json.dumps({"pathways": compiled(), "runs": runs}), encoding="utf-8")
    proc = subprocess.run([node(), str(RUNNER), str(ROOT / "checker"), str(jobs_file)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["implementation"] == "micropython" and out["version"][:2] == [1, 28]
    got = out["results"]
    assert len(got) == len(runs)
    kinds = {"result": 0, "problems": 0, "parsed": 0, "parsed with problems": 0}
    mismatches = []
    for (pid, answers, mode), mp in zip(runs, got):
        cp = json.loads(json.dumps(on_cpython(pid, answers, mode)))
        kinds[next(iter(cp)) if mode == "run" else "parsed with problems" if cp[1] else "parsed"] += 1
        if cp != mp:
            mismatches.append(f"{pid} {mode} {json.dumps(answers)[:200]}\n  CPython:     {cp}\n  MicroPython: {mp}")
    assert not mismatches, f"{len(mismatches)} of {len(runs)} differ:\n" + "\n".join(mismatches[:5])
    # The comparison covered every outcome, and plenty of each.
    assert kinds["result"] > 300 and kinds["problems"] > 100, kinds
    assert kinds["parsed"] > 30 and kinds["parsed with problems"] > 100, kinds


def test_the_engine_keeps_to_what_micropython_has():
    """No imports, and none of what MicroPython lacks or the browser must never do."""
    source = (ROOT / "checker" / "engine.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert not imports, "checker/engine.py must import nothing (it runs on MicroPython in the browser)"
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    # repr and round write floats differently on the two interpreters; the rest would run text as code.
    forbidden = names & {"eval", "exec", "compile", "__import__", "getattr", "repr", "round"}
    assert not forbidden, f"checker/engine.py uses {sorted(forbidden)}"
    assert not any(isinstance(n, ast.Match) for n in ast.walk(tree))
    assert not any(isinstance(n, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue) and v.format_spec
                                                        for v in n.values) for n in ast.walk(tree))
