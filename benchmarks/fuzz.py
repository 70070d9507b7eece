"""`make bench-fuzz`: how long the hard cases of the fuzz tests take, measured side by side.

The tests (tests/test_fuzz_content.py, tests/test_fuzz_answers.py) check that the
loader and the engine handle these inputs correctly; they time nothing. Here each
hard case runs ``--repeats`` times, alternating with a small file or answer of the
same kind, and the medians are printed with the ratio hard / small, so a path that
grows faster than its input shows up as a large ratio on any machine.

* the loader (``certkb.yamlpos.load_located``): every hard file of test_fuzz_content.py
  (the 1 MB file, 10,000 levels of nesting, billion laughs...) against a 1 KB file;
* the engine (``checker.engine.parse_answers`` then ``evaluate``): every hard answer of
  test_fuzz_answers.py (1 MB of text, 10,000 list entries...), for every pathway of
  the content, against one ordinary answer.

It asserts nothing: figures, not a timed test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_seconds(run: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def side_by_side(hard: Callable[[], Any], small: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """Medians of ``hard`` and ``small``, run alternately so both see the same machine load."""
    h, s = [], []
    for _ in range(repeats):
        h.append(median_seconds(hard, 1))
        s.append(median_seconds(small, 1))
    return statistics.median(h), statistics.median(s)


def row(name: str, hard: float, small: float) -> str:
    return (
        f"  {name:<40} {hard * 1000:10.1f} ms {small * 1000:9.3f} ms {hard / small if small else float('inf'):10.0f}x"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs of each case (median reported)")
    args = parser.parse_args(argv)

    from certkb.yamlpos import load_located
    from checker import engine
    from tests import test_fuzz_answers as answers_fuzz
    from tests import test_fuzz_content as content_fuzz
    from tests.checker_support import compiled

    small_file = "id: ok\ntitle: A small file\n" + "".join(f"key{i}: [1, 2, {{a: b}}]\n" for i in range(45))
    print(f"loader: load_located, median of {args.repeats}   {'hard':>13} {'1 KB file':>12} {'ratio':>10}")
    for name, source in content_fuzz.HARD.items():
        hard, small = side_by_side(
            lambda source=source: load_located(source, "bench.yml"),
            lambda: load_located(small_file, "bench.yml"),
            args.repeats,
        )
        print(row(name, hard, small))

    for pid, pathway in compiled().items():
        ordinary = {s["name"]: "1" for s in pathway["inputs"] if s["type"] == "number"}

        def parse_and_evaluate(answers: Any, from_text: bool, pathway: dict[str, Any] = pathway) -> None:
            values, _ = engine.parse_answers(pathway, answers, from_text)
            engine.evaluate(pathway, values)

        print(f"\nengine: {pid}, parse_answers + evaluate   {'hard':>8} {'ordinary':>12} {'ratio':>10}")
        for name, (answers, from_text) in answers_fuzz.hard_answers(pathway).items():
            hard, small = side_by_side(
                lambda answers=answers, from_text=from_text: parse_and_evaluate(answers, from_text),
                lambda ordinary=ordinary: parse_and_evaluate(ordinary, True),
                args.repeats,
            )
            print(row(name, hard, small))
    return 0


if __name__ == "__main__":
    sys.exit(main())
