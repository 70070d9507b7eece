"""Lint, format and types are part of `make test`: ruff's linter, ruff's formatter and mypy.

Their settings are in pyproject.toml (``[tool.ruff]``, ``[tool.mypy]``): pyflakes, pycodestyle,
isort, bugbear, pyupgrade and simplify over the whole repository; mypy over ``certkb/`` and
``checker/`` (narrowed for the two modules MicroPython runs, which carry no annotations).
``.pre-commit-config.yaml`` runs the same commands. Each tool is also shown failing on a planted
error, so a gate that passes cannot be one that checks nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

BIN = Path(sys.executable).parent


def tool(name: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    exe = BIN / name
    if not exe.exists():
        pytest.fail(f"{exe} is missing: `make test` installs the test extras (pyproject.toml)")
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True)


def test_ruff_finds_nothing():
    proc = tool("ruff", "check", "--no-cache", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_code_is_formatted():
    proc = tool("ruff", "format", "--check", "--no-cache", ".")
    assert proc.returncode == 0, f"run `.venv/bin/ruff format .`\n{proc.stdout}{proc.stderr}"


def test_mypy_finds_nothing():
    proc = tool("mypy")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture
def planted(tmp_path) -> Path:
    """A project with this one's settings and one module of each package, each with a planted error:
    an unused import (ruff check), a badly formatted line (ruff format) and a wrong type (mypy)."""
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for package in ("certkb", "checker"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "certkb" / "planted.py").write_text(
        'import os\n\n\ndef count() -> int:\n    return "three"\n\n\nx = {  "a":1 }\n', encoding="utf-8"
    )
    return tmp_path


def test_each_tool_fails_on_a_planted_error(planted):
    check = tool("ruff", "check", "--no-cache", ".", cwd=planted)
    assert check.returncode == 1 and "F401" in check.stdout, check.stdout + check.stderr
    fmt = tool("ruff", "format", "--check", "--no-cache", ".", cwd=planted)
    assert fmt.returncode == 1 and "planted.py" in fmt.stdout, fmt.stdout + fmt.stderr
    types = tool("mypy", "--no-incremental", cwd=planted)
    assert types.returncode == 1 and "planted.py:5" in types.stdout, types.stdout + types.stderr
