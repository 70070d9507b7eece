"""MicroPython and the engine: the code keeps to what MicroPython has.

The browser runs checker/engine.py on MicroPython 1.28 (PyScript's interpreter). The parity
test, which runs every pathway's cases and a few hundred generated answers, valid and not,
under Node's MicroPython and compares each result with CPython's, is a gate every pathway
gets: ``test_micropython_gives_cpythons_results[<pathway>]`` in test_every_pathway.py.
"""

from __future__ import annotations

import ast

from .checker_support import ROOT


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
    assert not any(
        isinstance(n, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue) and v.format_spec for v in n.values)
        for n in ast.walk(tree)
    )
