"""A pathway the real content does not have gets every gate, so no gate knows today's pathways.

As staff would, the test copies the content into a temporary folder and adds one pathway file
(tests/new_pathway/: another jurisdiction and certificate, input names of its own, written from
content/pathways/README.md), its source in sources.yml and the upgrade guide that links it.
Then it runs on the copy what every pathway gets: validation, a strict build, the YAML cases,
the met/unmet coverage check, the property tests, MicroPython parity and the browser smoke test
of its checker page (the same functions test_every_pathway.py runs, from pathway_gates.py), and
it checks that a test run on the copy (``CERTKB_CONTENT``) lists the new pathway's tests by name.

The files in tests/new_pathway/ use the ids staff would give such a pathway
(``ct-initial-to-provisional``); real content may one day hold them. So the copy gets them under
ids the content under test does not hold: each id (the pathway's, its guide's, its source's) and
the guide's file name take the first suffix (``-fixture``, ``-fixture-2``, ...) that no id of any
kind in the content, and no file, already has. Nothing else in the files changes.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from certkb.loader import load_content

from . import pathway_gates as gates
from .checker_support import compile_all, content
from .conftest import CONTENT_DIR, ROOT, StaticServer, build_with_content

# One pytest-xdist worker runs this module (the copy of the content is made once).
pytestmark = pytest.mark.xdist_group("new-pathway")

NEW = ROOT / "tests" / "new_pathway"
# The ids written in tests/new_pathway/ (the example staff read), and where each file goes in the copy.
WRITTEN_PID = "ct-initial-to-provisional"
WRITTEN_IDS = (WRITTEN_PID, "ct-upgrade-initial-provisional", "ct-test-provisional")  # pathway, guide, source
GUIDE_FILE = "guides/connecticut/upgrade-initial-provisional{suffix}.yml"


def free_suffix(taken: set[str], content_dir: Path) -> str:
    """The first of '-fixture', '-fixture-2', ... that gives every written id, and the guide's file
    name, a name the content does not already hold."""
    for n in itertools.count(1):
        suffix = "-fixture" if n == 1 else f"-fixture-{n}"
        names = {ident + suffix for ident in WRITTEN_IDS}
        files = (
            content_dir / "pathways" / f"{WRITTEN_PID}{suffix}.yml",
            content_dir / GUIDE_FILE.format(suffix=suffix),
        )
        if not names & taken and not any(f.exists() for f in files):
            return suffix
    raise AssertionError("unreachable")  # pragma: no cover - count() never ends


def renamed(text: str, suffix: str) -> str:
    """``text`` with each written id (a whole id, not part of a longer one) given ``suffix``."""
    for ident in WRITTEN_IDS:
        text = re.sub(rf"(?<![\w-]){re.escape(ident)}(?![\w-])", ident + suffix, text)
    return text


SUFFIX = free_suffix({ident for items in content().items.values() for ident in items}, CONTENT_DIR)
PID = WRITTEN_PID + SUFFIX  # the new pathway's id in the copy


def test_the_suffix_avoids_every_id_the_content_holds(tmp_path):
    """Were the content to hold the written ids (and the first suffixed ones), the copy still gets
    ids of its own, and the files keep everything but their ids."""
    assert free_suffix(set(), tmp_path) == "-fixture"
    taken = set(WRITTEN_IDS) | {"ct-test-provisional-fixture"}
    assert free_suffix(taken, tmp_path) == "-fixture-2"
    (tmp_path / "guides" / "connecticut").mkdir(parents=True)
    (tmp_path / GUIDE_FILE.format(suffix="-fixture-2")).touch()
    assert free_suffix(taken, tmp_path) == "-fixture-3"
    text = (NEW / "guide.yml").read_text(encoding="utf-8")
    assert renamed(text, "-x") == text.replace(
        "id: ct-upgrade-initial-provisional", "id: ct-upgrade-initial-provisional-x"
    ).replace("[ct-test-provisional]", "[ct-test-provisional-x]").replace(
        "pathway: ct-initial-to-provisional", "pathway: ct-initial-to-provisional-x"
    )


@pytest.fixture(scope="module")
def new_content(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("new-pathway") / "content"
    shutil.copytree(CONTENT_DIR, dest)
    target = dest / "pathways" / f"{PID}.yml"
    assert not target.exists(), f"the content already has {PID}"  # free_suffix chose a name it does not have
    target.write_text(renamed((NEW / f"{WRITTEN_PID}.yml").read_text(encoding="utf-8"), SUFFIX), encoding="utf-8")
    with open(dest / "sources.yml", "a", encoding="utf-8") as sources:
        sources.write(renamed((NEW / "source.yml").read_text(encoding="utf-8"), SUFFIX))
    guide = renamed((NEW / "guide.yml").read_text(encoding="utf-8"), SUFFIX)
    (dest / GUIDE_FILE.format(suffix=SUFFIX)).write_text(guide, encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def loaded(new_content):
    content = load_content(new_content)
    return content, compile_all(content)


def test_the_copy_validates(new_content):
    proc = subprocess.run(
        [sys.executable, "-m", "certkb", "validate", str(new_content)], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pathways = len(list((CONTENT_DIR / "pathways").glob("*.yml"))) + 1
    assert f"{pathways} pathways" in proc.stdout, proc.stdout


def test_its_cases_pass_and_show_every_requirement_met_and_unmet(loaded):
    content, compiled = loaded
    pathway = content.pathways[PID]
    assert pathway.cases and any(c.problems for c in pathway.cases)
    for case in pathway.cases:
        assert gates.case_problems(compiled[PID], case) == [], case.name
    assert gates.coverage_lacking(pathway) == {}
    # The coverage gate can fail: without the case that leaves everything unmet, it does.
    pathway_copy = pathway.model_copy(update={"cases": [c for c in pathway.cases if c.name != "Short on everything"]})
    assert set(gates.coverage_lacking(pathway_copy)) == {"induction", "evaluation", "credits"}


def test_its_properties_hold(loaded):
    _, compiled = loaded
    pathway = compiled[PID]
    gates.more_never_worse(pathway)
    gates.another_entry_never_worse(pathway)
    gates.no_crash(pathway)
    gates.parsed_answers_are_usable(pathway)
    # Both of its `QUANTITY >= NUMBER` rules over number inputs were found and checked at the edges.
    assert gates.thresholds_are_exact(pathway) == 2


def test_micropython_gives_cpythons_results_on_it(loaded, tmp_path):
    content, compiled = loaded
    cases = [(PID, case) for case in content.pathways[PID].cases]
    runs = gates.parity_runs({PID: compiled[PID]}, cases, per_pathway=200)
    kinds = gates.parity({PID: compiled[PID]}, runs, tmp_path)
    assert kinds["result"] > 50 and kinds["problems"] > 20, kinds


@pytest.mark.browser
def test_it_builds_and_its_checker_page_works(new_content, loaded, browser, tmp_path):
    content, compiled = loaded
    site = build_with_content(new_content, tmp_path)
    assert (site / "checker" / PID / "index.html").is_file()
    with StaticServer(site) as server:
        gates.smoke(browser, server.url(f"checker/{PID}/"), compiled[PID], content.pathways[PID].cases)


def test_a_test_run_on_the_copy_lists_the_new_pathways_tests_by_name(new_content, loaded):
    content, _ = loaded
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_every_pathway.py",
            "tests/test_fuzz_answers.py",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "CERTKB_CONTENT": str(new_content)},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    listed = set(proc.stdout.splitlines())
    expected = [f"tests/test_every_pathway.py::test_case[{PID}: {case.name}]" for case in content.pathways[PID].cases]
    expected += [
        f"tests/test_every_pathway.py::{name}[{PID}]"
        for name in (
            "test_cases_show_every_requirement_met_and_unmet",
            "test_more_never_makes_a_result_worse",
            "test_another_entry_never_makes_a_result_worse",
            "test_no_json_input_crashes_the_engine",
            "test_parsed_answers_are_the_usable_ones",
            "test_thresholds_are_exact",
            "test_micropython_gives_cpythons_results",
            "test_checker_page_works_in_the_browser",
        )
    ]
    expected += [f"tests/test_fuzz_answers.py::test_form_text_always_gives_values_and_problems[{PID}]"]
    missing = [name for name in expected if name not in listed]
    assert not missing, "not listed:\n" + "\n".join(missing) + "\n\nlisted:\n" + proc.stdout
