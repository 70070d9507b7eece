"""Pathway files with mistakes: every problem reported as file:line:col, in plain words.

Each folder under tests/pathway_content/ holds a pathway file laid over a copy
of the valid fixture content (tests/fixtures/content/); ``expected.txt``
beside it holds every line staff should see. ``valid/`` must load cleanly; a
folder with ``warnings.txt`` instead loads, with exactly those warnings.
Add a case by adding a folder; write its expected.txt with
``pytest --update-goldens`` and read it before committing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from certkb.errors import ContentErrors
from certkb.loader import load_content
from certkb.pathway import case_failures, compile_pathway, requirement_list

from .conftest import ROOT, check_golden

FIXTURE = ROOT / "tests" / "fixtures" / "content"
GUIDE = ROOT / "tests" / "fixtures" / "pathway_guide"  # the upgrade guide that shows the pathway 'example'
HERE = ROOT / "tests" / "pathway_content"
BAD = sorted(p for p in HERE.iterdir() if p.is_dir() and p.name != "valid" and not (p / "warnings.txt").exists())
WARNED = sorted(p for p in HERE.iterdir() if (p / "warnings.txt").exists())


def make_content(tmp_path: Path, case: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "content")
    shutil.copytree(GUIDE, tmp_path / "content", dirs_exist_ok=True)
    shutil.copytree(case, tmp_path / "content", dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt"))
    return Path("content")


def test_valid_pathway_loads_compiles_and_passes_its_cases(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = load_content(make_content(tmp_path, HERE / "valid"))
    pathway = content.pathways["example"]
    compiled = compile_pathway(pathway, content.sources, content.guides)
    assert [case_failures(compiled, case) for case in pathway.cases] == [[], [], []]
    assert requirement_list(pathway) == [
        {
            "id": "experience",
            "title": "Experience",
            "text": "2 years of experience in a public school.",
            "source": "help",
            "accepted": [],
            "disputed": None,
        },
        {
            "id": "hours",
            "title": "Hours",
            "text": "Ten contact hours, and an evaluation.",
            "source": "help",
            "accepted": [],
            "disputed": None,
        },
    ]
    assert compiled["requirements"][0]["checks"][0]["rule"] == [
        "cmp",
        ">=",
        [
            "add",
            ["input", "years"],
            ["sum", "positions", ["field", "years"], ["eq", ["field", "setting"], ["str", "public"]]],
        ],
        ["num", 2],
    ]
    assert compiled["sources"] == [
        {
            "id": "help",
            "title": "Example Help Guide",
            "agency": "Example Department of Education",
            "url": "https://example.org/help",
            "retrieved": "2026-11-01",
        }
    ]
    assert compiled["next_steps"] == [
        {"guide": "mo-check-status", "title": "Check the status of an application", "text": "Check your application."}
    ]


@pytest.mark.parametrize("case", BAD, ids=[c.name for c in BAD])
def test_pathway_error_kind(case, tmp_path, monkeypatch, update_goldens):
    monkeypatch.chdir(tmp_path)  # messages name paths as staff see them: content/...
    with pytest.raises(ContentErrors) as info:
        load_content(make_content(tmp_path, case))
    actual = "\n".join(str(e) for e in info.value.errors) + "\n"
    assert "Traceback" not in actual
    check_golden(case / "expected.txt", actual, update_goldens)


@pytest.mark.parametrize("case", WARNED, ids=[c.name for c in WARNED])
def test_pathway_warning_kind(case, tmp_path, monkeypatch, update_goldens):
    """Content worth fixing that still builds: it loads, with exactly these warnings."""
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "content"
    shutil.copytree(FIXTURE, root)
    shutil.copytree(case, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("warnings.txt"))
    content = load_content(Path("content"))
    actual = "".join(f"{w}\n" for w in content.warnings)
    check_golden(case / "warnings.txt", actual, update_goldens)
