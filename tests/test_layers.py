"""The import contracts of pyproject.toml ([tool.importlinter]) hold, and would catch a new cycle.

The contracts (import-linter) say in which direction modules import, from
``checker.engine`` at the bottom to the plugin and the command lines at the
top (README, "Layers"). The second test proves they are not toothless: it
copies the packages, adds one upward import, and expects lint-imports to fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    """lint-imports on the packages and the pyproject.toml found in ``project``."""
    env = {**os.environ, "PYTHONPATH": str(project)}  # the packages in ``project``, not the installed ones
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    for package in ("certkb", "checker"):
        shutil.copytree(ROOT / package, project / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    return project


def test_every_import_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contracts_fail_on_a_new_cycle(tmp_path):
    project = copy_project(tmp_path)
    # First the copy passes, so what fails below is the one import added.
    assert lint_imports(project).returncode == 0
    # The loader (low) imports a renderer (high), which imports the loader: a cycle, and an upward import.
    loader = project / "certkb" / "loader.py"
    loader.write_text(
        loader.read_text(encoding="utf-8") + "\nfrom . import render  # deliberate cycle\n", encoding="utf-8"
    )
    result = lint_imports(project)
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout
    assert "certkb.loader -> certkb.render" in result.stdout


def test_the_engine_imports_no_project_module(tmp_path):
    project = copy_project(tmp_path)
    engine = project / "checker" / "engine.py"
    engine.write_text(
        engine.read_text(encoding="utf-8") + "\nfrom certkb import errors  # deliberate\n", encoding="utf-8"
    )
    result = lint_imports(project)
    assert result.returncode != 0, result.stdout
    assert "checker.engine -> certkb.errors" in result.stdout
