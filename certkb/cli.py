"""`certkb validate [CONTENT_DIR]`: check the content the way the build does, then run every
pathway's and chooser's cases and check that they show each requirement met and unmet.

`certkb schema [--check] [OUT_DIR]`: write the editors' JSON Schemas (schemas/) from the content model.

Prints one line per problem (file:line:col: message) and exits 1 when there
are any; prints a one-line summary and exits 0 when the content is valid.
With ``--format github`` each problem is instead a GitHub Actions workflow command
on stdout (``::error file=...,line=...,col=...::message``), which GitHub shows as an
annotation on that line of the pull request.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import ContentError, ContentErrors
from .loader import case_errors, load_content

FORMATS = ("text", "github")


# GitHub's workflow-command escaping, as its toolkit does it (@actions/core, command.ts:
# escapeData and escapeProperty): without it a '%' or a newline in a message, or a ':' or
# ',' in a file name, would cut the command short.
def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(error: ContentError, level: str = "error") -> str:
    """One problem as a GitHub Actions annotation (``error`` or ``warning``) on its file, line and column."""
    properties = {"file": error.path, "line": str(error.line), "col": str(error.column)}
    listed = ",".join(f"{key}={_escape_property(value)}" for key, value in properties.items())
    return f"::{level} {listed}::{_escape_data(error.message)}"


def _problems(errors: list[ContentError], output_format: str) -> int:
    for error in errors:
        if output_format == "github":
            print(github_annotation(error))  # workflow commands are read from stdout
        else:
            print(error, file=sys.stderr)
    count = len(errors)
    print(f"{count} problem{'s' if count != 1 else ''} found.", file=sys.stderr)
    return 1


def validate(content_dir: Path, output_format: str = "text") -> int:
    """Load the content as the build does, then run every pathway's and chooser's cases and the
    coverage rule (:func:`certkb.loader.case_errors`), which the build and the preview leave out."""
    try:
        content = load_content(content_dir)
    except ContentErrors as exc:
        return _problems(exc.errors, output_format)
    failing = case_errors(content)  # file by file, each case's differences in the order the engine gives them
    for warning in content.warnings:
        if output_format == "github":
            print(github_annotation(warning, "warning"))
        else:
            print(f"{warning.path}:{warning.line}:{warning.column}: warning: {warning.message}", file=sys.stderr)
    if failing:
        return _problems(failing, output_format)
    counts = [
        (len(content.guides), "guide"),
        (len(content.pathways), "pathway"),
        (len(content.choosers), "chooser"),
        (len(content.facts), "fact"),
        (len(content.glossary), "glossary term"),
        (len(content.sources), "source"),
    ]
    print("Content is valid: " + ", ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word in counts) + ".")
    return 0


def schema(out_dir: Path, check: bool) -> int:
    from . import schema as schemas

    if check:
        stale = schemas.outdated(out_dir)
        for name in stale:
            print(f"{out_dir / name} is out of date with the content model; run `make schemas`", file=sys.stderr)
        return 1 if stale else 0
    changed = schemas.write_all(out_dir)
    print(
        f"Wrote {', '.join(str(out_dir / n) for n in changed)}." if changed else f"Schemas in {out_dir} are up to date."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="certkb", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check every content file and report every problem")
    v.add_argument("content_dir", nargs="?", default="content", type=Path)
    v.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        dest="output_format",
        help="text: file:line:col: message on stderr; github: GitHub Actions annotations on stdout",
    )
    s = sub.add_parser("schema", help="write the JSON Schemas editors use, generated from the content model")
    s.add_argument("out_dir", nargs="?", default="schemas", type=Path)
    s.add_argument("--check", action="store_true", help="write nothing; exit 1 if any schema is out of date")
    args = parser.parse_args(argv)
    if args.command == "validate":
        return validate(args.content_dir, args.output_format)
    if args.command == "schema":
        return schema(args.out_dir, args.check)
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
