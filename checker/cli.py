"""The eligibility checker on the command line (CPython only).

Run from the repository root::

    python -m checker list                      # JSON array of {id, title, jurisdiction}
    python -m checker describe ID               # the pathway's inputs and requirements, as JSON
    python -m checker evaluate ID [--answers FILE] [--as-of YYYY-MM-DD]   # answers from FILE, or stdin

ID may also be a chooser (``content/choosers/``): ``evaluate`` then checks the
answers against each of its pathways and gives ``recommended``, the pathway
whose application the source says to submit (null while the answers do not
decide). ``--as-of`` is the day the check is made for (default: today).

``evaluate`` prints the result and exits 0 whatever the status. Bad input
(an unknown pathway, malformed JSON, an answer the pathway cannot use) exits 2
with one line per problem on stderr; content that does not validate exits 1
with its file:line:col messages. Never a traceback.

The pathways are read from ``content/pathways/*.yml`` (in the working
directory when it has a ``content/`` folder, else next to this package) each
time, so an edited rule takes effect at once.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
from pathlib import Path
from typing import Any

from checker import engine

EXIT_CONTENT = 1
EXIT_BAD_INPUT = 2
MAX_ANSWERS_BYTES = 1_000_000


class Refused(Exception):
    """Bad input: one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def default_content_dir() -> Path:
    here = Path("content")
    return here if (here / "pathways").is_dir() else Path(__file__).resolve().parent.parent / "content"


class Checkers:
    """The compiled pathways and choosers, in file order."""

    def __init__(self, pathways: dict[str, dict[str, Any]], choosers: dict[str, dict[str, Any]]):
        self.pathways = pathways
        self.choosers = choosers

    def ids(self) -> list[str]:
        return list(self.pathways) + list(self.choosers)

    def pick(self, ident: str) -> dict[str, Any]:
        found = self.pathways.get(ident) or self.choosers.get(ident)
        if found is not None:
            return found
        raise Refused(
            [
                f"unknown pathway {engine.quote(ident)}{engine.did_you_mean(ident, self.ids())}; "
                f"the pathways are {', '.join(self.ids())}"
            ]
        )


def load_checkers(content_dir: Path) -> Checkers:
    """Every pathway and chooser, compiled for the engine. Raises ContentErrors."""
    from certkb.loader import load_content

    content = load_content(content_dir)
    return Checkers(content.compiled, content.compiled_choosers)


def load_pathways(content_dir: Path) -> dict[str, dict[str, Any]]:
    """Every pathway, compiled for the engine, in file order. Raises ContentErrors."""
    return load_checkers(content_dir).pathways


def is_chooser(data: dict[str, Any]) -> bool:
    return "recommend" in data


def as_of_date(text: str | None) -> str:
    """The --as-of date (default: today), checked."""
    if text is None:
        return _dt.date.today().isoformat()
    if engine.parse_date(text) is None:
        raise Refused([f"--as-of: {engine.quote(text)} is not a valid date; write it as YYYY-MM-DD, e.g. 2024-08-15"])
    return text


def describe(pathway: dict[str, Any]) -> dict[str, Any]:
    """The pathway (or chooser) as an outside tool or a form builder needs it (no compiled rules)."""
    if is_chooser(pathway):
        return {key: pathway[key] for key in ("id", "title", "jurisdiction", "pathways", "inputs", "recommend")}
    return {
        "id": pathway["id"],
        "title": pathway["title"],
        "jurisdiction": pathway["jurisdiction"],
        "last_reviewed": pathway["last_reviewed"],
        "inputs": pathway["inputs"],
        "requirements": [
            {
                "id": r["id"],
                "title": r["title"],
                "text": r["text"],
                "source": r["source"],
                "rules": [c["text"] for c in r["checks"]],
            }
            for r in pathway["requirements"]
        ],
        "expiry": pathway["expiry"],
        "sources": pathway["sources"],
        "determination": pathway["determination"],
        "next_steps": pathway["next_steps"],
    }


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_answers(raw: bytes) -> Any:
    """JSON text to Python data, refusing what JSON does not allow (NaN, repeated keys)."""
    if len(raw) > MAX_ANSWERS_BYTES:
        raise Refused([f"the answers are larger than {MAX_ANSWERS_BYTES // 1000} kB"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Refused([f"the answers are not UTF-8 text (byte {exc.start})"]) from None
    repeated: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out and f"answer {engine.quote(key)} is given twice" not in repeated:
                repeated.append(f"answer {engine.quote(key)} is given twice")
            out[key] = value
        return out

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise Refused([f"the answers are not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"]) from None
    except ValueError as exc:
        raise Refused([f"the answers are not valid JSON: {exc}"]) from None
    except RecursionError:
        raise Refused(["the answers are nested too deeply"]) from None
    if repeated:
        raise Refused(repeated)
    return data


def read_answers(path: str | None) -> Any:
    if path is None or path == "-":
        raw = sys.stdin.buffer.read(MAX_ANSWERS_BYTES + 1)
    else:
        try:
            with open(path, "rb") as f:
                raw = f.read(MAX_ANSWERS_BYTES + 1)
        except OSError as exc:
            raise Refused([f"cannot read the answers file '{path}': {exc.strerror or exc}"]) from None
    return parse_answers(raw)


def evaluate(
    pathway: dict[str, Any], answers: Any, as_of: str | None = None, pathways: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The result for ``answers`` on the day ``as_of``; a chooser's, given the compiled ``pathways``."""
    try:
        if is_chooser(pathway):
            return engine.choose(pathway, pathways or {}, answers, as_of)
        return engine.evaluate(pathway, answers, as_of)
    except engine.AnswerError as exc:
        raise Refused(exc.problems) from None


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, as for any other bad input
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m checker", description="Check eligibility to upgrade a certificate.")
    parser.add_argument("--content", type=Path, default=None, help="the content folder (default: ./content)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("list", help="list the pathways as JSON")
    d = sub.add_parser("describe", help="a pathway's inputs and requirements, as JSON")
    d.add_argument("pathway")
    e = sub.add_parser("evaluate", help="check answers (a JSON object) against a pathway")
    e.add_argument("pathway")
    e.add_argument("--answers", metavar="FILE", help="the answers JSON file (default: read stdin)")
    e.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day the check is made for (default: today)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from certkb.errors import ContentErrors

    try:
        checkers = load_checkers(args.content or default_content_dir())
        if args.command == "list":
            _print_json(
                [
                    {"id": p["id"], "title": p["title"], "jurisdiction": p["jurisdiction"]}
                    for p in checkers.pathways.values()
                ]
                + [
                    {"id": c["id"], "title": c["title"], "jurisdiction": c["jurisdiction"], "pathways": c["pathways"]}
                    for c in checkers.choosers.values()
                ]
            )
        elif args.command == "describe":
            _print_json(describe(checkers.pick(args.pathway)))
        else:
            pathway = checkers.pick(args.pathway)
            as_of = as_of_date(args.as_of)
            _print_json(evaluate(pathway, read_answers(args.answers), as_of, checkers.pathways))
        return 0
    except Refused as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return EXIT_BAD_INPUT
    except ContentErrors as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print("The pathway content is not valid; fix the problems above (see `make validate`).", file=sys.stderr)
        return EXIT_CONTENT
    except BrokenPipeError:
        return 0
