"""`certkb validate --format github`: each content problem as a GitHub Actions annotation.

GitHub reads workflow commands from a step's stdout, in exactly this syntax
(docs: "Workflow commands for GitHub Actions", and @actions/core's command.ts):

    ::error file=<file>,line=<line>,col=<column>::<message>

with '%', CR and LF escaped as %25, %0D, %0A in the message, and also ':' and ','
(%3A, %2C) in property values. Each bad content folder (tests/bad_content/) must give
one annotation per line of its expected.txt, on the same file, line and column.
"""

from __future__ import annotations

import re

import pytest

from certkb.cli import github_annotation
from certkb.errors import ContentError

from .conftest import ROOT
from .test_content_errors import CASES, make_content, run_validate

# The whole line, as GitHub parses it: nothing before '::error', properties without raw ':' or ','.
ANNOTATION_RE = re.compile(
    r"::error file=(?P<file>[^,:\r\n]+),line=(?P<line>[1-9]\d*),col=(?P<col>[1-9]\d*)::(?P<message>[^\r\n]*)"
)
PLAIN_RE = re.compile(r"(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<message>.*)")


def unescape(text: str) -> str:
    return text.replace("%0A", "\n").replace("%0D", "\r").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def test_many_files_exactly(tmp_path):
    make_content(tmp_path, ROOT / "tests" / "bad_content" / "many_files")
    proc = run_validate(tmp_path, "--format", "github")
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "::error file=content/facts.yml,line=3,col=19::"
        "facts[0].jurisdiction: no jurisdiction has the id 'misouri' (did you mean 'missouri'?)",
        "::error file=content/facts.yml,line=7,col=5::missing required field 'jurisdiction' in facts[1]",
        "::error file=content/glossary.yml,line=4,col=11::"
        "duplicate glossary term 'DESE' (already used at content/glossary.yml:2:11)",
        "::error file=content/glossary.yml,line=6,col=5::missing required field 'definition' in terms[2]",
        "::error file=content/guides/missouri/create-account.yml,line=9,col=5::"
        "missing required field 'text' in notes[0]",
        "::error file=content/guides/missouri/create-account.yml,line=9,col=11::"
        "notes[0].kind: 'caution' is not one of note, tip, warning, info",
        "::error file=content/guides/missouri/create-account.yml,line=10,col=5::"
        "unknown field 'txt' (did you mean 'text'?)",
    ]
    assert proc.stderr == "7 problems found.\n"


def test_a_wrong_case_exactly(tmp_path):
    """A case the engine does not answer as written: the same lines as on the command line."""
    make_content(tmp_path, ROOT / "tests" / "bad_content" / "wrong_case")
    proc = run_validate(tmp_path, "--format", "github")
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "::error file=content/pathways/fx-ipc-to-ccpc.yml,line=128,col=5::"
        "case 'One contact hour short': status: expected eligible, got not_yet",
        "::error file=content/pathways/fx-ipc-to-ccpc.yml,line=128,col=5::"
        "case 'One contact hour short': professional_development: expected remaining 2, got 1",
    ]
    assert proc.stderr == "2 problems found.\n"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_one_annotation_per_problem(case, tmp_path):
    make_content(tmp_path, case)
    proc = run_validate(tmp_path, "--format", "github")
    assert proc.returncode == 1
    expected = [PLAIN_RE.fullmatch(line).groupdict() for line in (case / "expected.txt").read_text().splitlines()]
    lines = proc.stdout.splitlines()
    assert len(lines) == len(expected)
    for line, want in zip(lines, expected, strict=True):
        got = ANNOTATION_RE.fullmatch(line)
        assert got, f"not a GitHub error annotation: {line!r}"
        assert {k: unescape(v) for k, v in got.groupdict().items()} == want
        assert (tmp_path / want["file"]).is_file()  # a path GitHub can put on the pull request's file
    assert "Traceback" not in proc.stderr


def test_valid_content_prints_no_annotation(tmp_path):
    make_content(tmp_path, None)
    proc = run_validate(tmp_path, "--format", "github")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "::" not in proc.stdout
    assert proc.stdout.startswith("Content is valid:")


def test_escaping_matches_githubs_toolkit():
    error = ContentError("content/a,b:c%.yml", 12, 5, "50% off: line one\r\nline two, and ::error")
    assert github_annotation(error) == (
        "::error file=content/a%2Cb%3Ac%25.yml,line=12,col=5::50%25 off: line one%0D%0Aline two, and ::error"
    )


def test_an_unknown_format_is_refused(tmp_path):
    make_content(tmp_path, None)
    proc = run_validate(tmp_path, "--format", "xml")
    assert proc.returncode == 2
    assert "invalid choice: 'xml'" in proc.stderr
