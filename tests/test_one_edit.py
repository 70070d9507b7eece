"""One edit, three places.

A rule's threshold is written once, in its pathway's YAML. This test changes that
one line (4 years of experience become 5) in a copy of the project, with the frozen
fixture content (tests/fixtures/content, so staff edits never change this test), and
shows that everything built from it follows:

(a) the requirement list on the upgrade guide,
(b) the pathway data embedded in the checker page (what the browser evaluates),
(c) the command-line checker, `python -m checker evaluate`,

and that the pathway's own test cases notice, so the change cannot slip through
without staff updating them.
"""

from __future__ import annotations

import difflib
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from certkb.loader import load_content
from certkb.pathway import case_failures, compile_pathway

from .conftest import FIXTURE_DIR, copy_project
from .test_checker_page import without_controls

# One pytest-xdist worker runs this module (the edited copy is built once for the module).
pytestmark = pytest.mark.xdist_group("one-edit")

PATHWAY_ID = "fx-ipc-to-ccpc"
PATHWAY_FILE = Path(f"content/pathways/{PATHWAY_ID}.yml")
GUIDE_PAGE = Path("missouri/upgrade/index.html")
CHECKER_PAGE = Path(f"checker/{PATHWAY_ID}/index.html")
OLD, NEW = "rule: experience_years >= 4", "rule: experience_years >= 5"
# Every requirement met, with exactly four years of experience.
FOUR_YEARS = {
    "experience_years": 4,
    "pd_contact_hours": 30,
    "pd_plan_approved": True,
    "mentoring_years": 2,
    "btap": True,
    "pbte": True,
}


def build(project: Path) -> Path:
    site = project / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, f"strict build of {project.name} failed:\n{proc.stderr}"
    return site


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    """Two copies of the project: as it is, and with the one line changed."""
    root = tmp_path_factory.mktemp("one-edit")
    before = copy_project(root / "before", content=FIXTURE_DIR)
    after = copy_project(root / "after", content=FIXTURE_DIR)
    path = after / PATHWAY_FILE
    text = path.read_text(encoding="utf-8")
    assert text.count(OLD) == 1, f"expected one '{OLD}' line in {PATHWAY_FILE}"
    path.write_text(text.replace(OLD, NEW), encoding="utf-8")
    diff = [
        d
        for d in difflib.unified_diff(
            (before / PATHWAY_FILE).read_text().splitlines(), path.read_text().splitlines(), lineterm="", n=0
        )
        if d[:1] in "+-" and not d.startswith(("+++", "---"))
    ]
    assert diff == [f"-    {OLD}", f"+    {NEW}"], diff  # exactly one line of one file
    return {"before": before, "after": after}


@pytest.fixture(scope="module")
def sites(projects, fixture_site) -> dict[str, Path]:
    """The two sites: before the edit, the session's fixture build (the same files, built once);
    after it, a build of the edited copy."""
    return {"before": fixture_site, "after": build(projects["after"])}


# --- (a) the guide ----------------------------------------------------------------------------------


def requirement_list(page: str) -> list[str]:
    """The items of the guide's "What you need to upgrade" list, as text."""
    section = page.split('id="what-you-need-to-upgrade"', 1)[1]
    first_list = section.split("<ul>", 1)[1].split("</ul>", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", first_list, flags=re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", item)).split()) for item in items]


def test_guide_requirement_list_follows(sites):
    before = requirement_list((sites["before"] / GUIDE_PAGE).read_text(encoding="utf-8"))
    after = requirement_list((sites["after"] / GUIDE_PAGE).read_text(encoding="utf-8"))
    assert len(before) == len(after) == 5
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert len(changed) == 1, f"one requirement should change, not {changed}"
    b, a = changed[0]
    assert b.startswith("Teaching experience") and "4 years" in b, b
    assert "5 years" in a and "4 years" not in a, a


# --- (b) the checker page's data ----------------------------------------------------------------------


def embedded_pathways(page: str) -> list[dict]:
    """Every JSON block in the page that holds this pathway's compiled data."""
    found = []
    for block in re.findall(r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', page, flags=re.S):
        try:
            data = json.loads(html.unescape(block) if "&quot;" in block else block)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                if item.get("id") == PATHWAY_ID and "requirements" in item:
                    found.append(item)
                else:
                    stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return found


def experience_checks(pathway: dict) -> list[dict]:
    [req] = [r for r in pathway["requirements"] if r["id"] == "experience"]
    return req["checks"]


def test_checker_page_data_follows(sites):
    [before] = embedded_pathways((sites["before"] / CHECKER_PAGE).read_text(encoding="utf-8"))
    [after] = embedded_pathways((sites["after"] / CHECKER_PAGE).read_text(encoding="utf-8"))
    assert [c["threshold"] for c in experience_checks(before)] == [4]
    assert [c["threshold"] for c in experience_checks(after)] == [5]
    # The browser evaluates the rule itself, not just the number shown: it changed too,
    # and so did the wording the checker page shows.
    assert experience_checks(before)[0]["rule"] != experience_checks(after)[0]["rule"]
    [text_before, text_after] = [
        next(r["text"] for r in d["requirements"] if r["id"] == "experience") for d in (before, after)
    ]
    assert text_before.startswith("4 years") and text_after.startswith("5 years"), (text_before, text_after)
    # The other requirements and the questions did not move.
    others = [[r for r in d["requirements"] if r["id"] != "experience"] for d in (before, after)]
    assert others[0] == others[1] and before["inputs"] == after["inputs"]
    # The page embeds exactly what certkb.pathway compiles from the edited file.
    content = load_content(sites["after"].parent / "content")
    # (less the controls it adds for the widget: ids and widgets of the questions)
    assert without_controls(after) == json.loads(
        json.dumps(compile_pathway(content.pathways[PATHWAY_ID], content.sources, content.guides))
    )


# --- (c) the command line ---------------------------------------------------------------------------------


def evaluate(project: Path, answers: dict) -> dict:
    """`python -m checker evaluate`, reading the given project's content."""
    proc = subprocess.run(
        [sys.executable, "-m", "checker", "--content", str(project / "content"), "evaluate", PATHWAY_ID],
        input=json.dumps(answers),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=project,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_cli_follows(projects):
    before = evaluate(projects["before"], FOUR_YEARS)
    after = evaluate(projects["after"], FOUR_YEARS)
    assert before["status"] == "eligible"
    assert after["status"] == "not_yet"
    [experience] = [r for r in after["requirements"] if r["id"] == "experience"]
    assert experience["status"] == "unmet" and experience["remaining"] == 1
    assert "of the 5 years" in experience["message"], experience["message"]
    [met] = [
        r
        for r in evaluate(projects["after"], {**FOUR_YEARS, "experience_years": 5})["requirements"]
        if r["id"] == "experience"
    ]
    assert met["status"] == "met" and "the 5 years" in met["message"], met


# --- the pathway's test cases notice ------------------------------------------------------------------------


def test_pathway_cases_catch_the_change(projects):
    failures = {}
    for name, project in projects.items():
        content = load_content(project / "content")
        pathway = content.pathways[PATHWAY_ID]
        compiled = compile_pathway(pathway, content.sources, content.guides)
        failures[name] = {
            case.name: case_failures(compiled, case) for case in pathway.cases if case_failures(compiled, case)
        }
    assert failures["before"] == {}
    assert "Every requirement met" in failures["after"], failures["after"]
