"""One bad content folder per error kind, each with its exact expected messages.

Each folder under tests/bad_content/ is laid over a copy of the valid fixture
content (tests/fixtures/content/); `expected.txt` beside it holds every line
staff should see, file:line:col included. Add a case by adding a folder.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from certkb.cli import main
from certkb.errors import ContentError, ContentErrors
from certkb.loader import case_errors, load_content

from .conftest import ROOT, check_golden

FIXTURE = ROOT / "tests" / "fixtures" / "content"
CASES = sorted(p for p in (ROOT / "tests" / "bad_content").iterdir() if p.is_dir())


def make_content(tmp_path: Path, case: Path | None) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "content")
    if case is not None:
        shutil.copytree(case, tmp_path / "content", dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt"))
    return tmp_path / "content"


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run_validate(content_parent: Path, *args: str) -> Ran:
    """`certkb validate content ARGS` run from ``content_parent``, in this process (the command's
    entry point itself is run as a program by the two validate-command tests below)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(content_parent), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["validate", "content", *args])
        except SystemExit as exc:  # argparse refusing the command line
            code = exc.code if isinstance(exc.code, int) else 1
    return Ran(code, out.getvalue(), err.getvalue())


def test_fixture_content_is_valid(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = load_content(make_content(tmp_path, None).relative_to(tmp_path))
    assert set(content.guides) == {
        "mo-create-account",
        "mo-check-status",
        "mo-upgrade",
        "mo-upgrade-student-services",
        "ct-portal",
    }


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_error_kind(case, tmp_path, monkeypatch, update_goldens):
    monkeypatch.chdir(tmp_path)  # messages name paths as staff see them: content/...
    make_content(tmp_path, case)
    actual = "\n".join(str(e) for e in problems(Path("content"))) + "\n"
    check_golden(case / "expected.txt", actual, update_goldens)


def problems(root: Path) -> list[ContentError]:
    """What `certkb validate` reports: the loader's errors, or, when the content loads, every case
    that fails and every requirement its cases do not show met and unmet (certkb.loader.case_errors)."""
    try:
        content = load_content(root)
    except ContentErrors as exc:
        return exc.errors
    found = case_errors(content)
    assert found, "this folder's content is valid"
    return found


def test_a_wrong_case_fails_validate_at_the_case(tmp_path):
    """Cases run in `certkb validate`, not only in the tests: each difference on its own line, at the
    case's line in the file, in the order the engine compares them."""
    make_content(tmp_path, ROOT / "tests" / "bad_content" / "wrong_case")
    proc = run_validate(tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "content/pathways/fx-ipc-to-ccpc.yml:128:5: case 'One contact hour short': "
        "status: expected eligible, got not_yet",
        "content/pathways/fx-ipc-to-ccpc.yml:128:5: case 'One contact hour short': "
        "professional_development: expected remaining 2, got 1",
        "2 problems found.",
    ]
    assert proc.stdout == ""


def test_missing_coverage_fails_validate_at_the_requirement(tmp_path):
    make_content(tmp_path, ROOT / "tests" / "bad_content" / "missing_coverage")
    proc = run_validate(tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "content/pathways/fx-iss-to-css.yml:154:9: requirement 'pbsse': no case shows it unmet; add a case "
        "whose answers leave it unmet, with 'pbsse: unmet' under the case's 'requirements'",
        "1 problem found.",
    ]


def test_validate_command_prints_every_problem_without_traceback(tmp_path):
    make_content(tmp_path, ROOT / "tests" / "bad_content" / "many_files")
    proc = subprocess.run(
        [sys.executable, "-m", "certkb", "validate", "content"], cwd=tmp_path, capture_output=True, text=True
    )
    assert proc.returncode == 1
    expected = (ROOT / "tests" / "bad_content" / "many_files" / "expected.txt").read_text().splitlines()
    lines = proc.stderr.splitlines()
    assert lines[:-1] == expected
    assert lines[-1] == f"{len(expected)} problems found."
    assert "Traceback" not in proc.stderr + proc.stdout


def test_validate_command_on_valid_content(tmp_path):
    make_content(tmp_path, None)
    proc = subprocess.run(
        [sys.executable, "-m", "certkb", "validate", "content"], cwd=tmp_path, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Content is valid: 5 guides, 2 pathways")


def test_every_error_kind_has_a_case():
    """The kinds the content format promises to report, each with its own folder."""
    kinds = {
        "unknown_field",
        "missing_field",
        "wrong_type",
        "duplicate_key",
        "duplicate_id",
        "unknown_reference",
        "malformed_date",
        "malformed_url",
        "yaml_syntax",
        "html_in_markdown",
        "wrong_case",
        "missing_coverage",
    }
    assert kinds <= {c.name for c in CASES}


@pytest.mark.parametrize(
    "text, where",
    [
        ('a: 1\nb: "abc\n', (2, 4)),  # unclosed quote: point where it opens
        ("a: 1\nb: [1, 2\n", (2, 4)),  # unclosed list: point where it opens
        ("a: 1\n b: 2\n", (2, 3)),  # bad indentation: point at the offending line
    ],
)
def test_syntax_errors_point_where_staff_can_fix_them(text, where):
    from certkb.yamlpos import load_located

    [error] = load_located(text, "x.yml").errors
    assert (error.line, error.column) == where
    assert error.message.startswith("YAML syntax error: ")
