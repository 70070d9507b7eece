"""The checks a staff change goes through before it goes live, and how the site is published.

The GitHub Actions workflow stays thin: apart from installing what make needs on a bare
Debian container, every step it runs is a target of our Makefile, and every action it uses
is one of GitHub's official ones. Its pull-request check prints annotations (see
tests/test_annotations.py for their syntax); the pre-commit hook runs the same validation.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from .conftest import ROOT
from .test_content_errors import make_content

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
OFFICIAL_ACTIONS = {"actions/checkout", "actions/upload-pages-artifact", "actions/deploy-pages"}
BOOTSTRAP_RE = re.compile(r"(DEBIAN_FRONTEND=noninteractive )?apt-get (update|install)( -[a-z]+)*( [a-z0-9.+-]+)*")


def load(path: Path):
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def steps(workflow) -> list[tuple[str, dict]]:
    return [(job_id, step) for job_id, job in workflow["jobs"].items() for step in job["steps"]]


def make_commands(workflow) -> list[list[str]]:
    commands = []
    for _, step in steps(workflow):
        for command in step.get("run", "").replace("\n", " && ").split("&&"):
            words = shlex.split(command)
            if words and words[0] == "make":
                commands.append(words)
    return commands


def make_target_exists(args: list[str]) -> bool:
    """`make -n` prints a target's recipe without running it, and fails if there is no such target."""
    return subprocess.run(["make", "-n", *args[1:]], cwd=ROOT, capture_output=True, text=True).returncode == 0


def test_there_is_a_workflow():
    assert WORKFLOWS, "no workflow in .github/workflows/"


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_the_workflow_only_calls_make_targets_and_official_actions(path):
    workflow = load(path)
    problems = []
    for job_id, step in steps(workflow):
        if "uses" in step:
            name = step["uses"].split("@")[0]
            if name not in OFFICIAL_ACTIONS:
                problems.append(f"{job_id}: uses {step['uses']}, not one of GitHub's official actions we allow")
            continue
        for command in step["run"].replace("\n", " && ").split("&&"):
            command = command.strip()
            words = shlex.split(command)
            if words[0] == "make":
                if not make_target_exists(words):
                    problems.append(f"{job_id}: `{command}` is not a target of the Makefile")
            elif not BOOTSTRAP_RE.fullmatch(command):
                problems.append(f"{job_id}: `{command}` is neither a make target nor installing what make needs")
    assert not problems, "\n".join(problems)
    assert make_commands(workflow), "the workflow calls no make target"


def test_the_make_target_check_can_fail():
    assert make_target_exists(["make", "validate", "FORMAT=github"])
    assert not make_target_exists(["make", "no-such-target"])


def test_pull_requests_are_checked_and_main_is_published():
    workflow = load(ROOT / ".github" / "workflows" / "publish.yml")
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    check, publish = workflow["jobs"]["check"], workflow["jobs"]["publish"]
    runs = [s.get("run") for s in check["steps"]]
    assert "make validate FORMAT=github" in runs and "make test" in runs
    assert runs.index("make validate FORMAT=github") < runs.index("make test")
    assert publish["needs"] == "check"
    assert "refs/heads/main" in publish["if"] and "push" in publish["if"]
    assert publish["permissions"]["pages"] == "write" and publish["permissions"]["id-token"] == "write"
    uses = [s.get("uses", "").split("@")[0] for s in publish["steps"]]
    assert uses[-2:] == ["actions/upload-pages-artifact", "actions/deploy-pages"]
    assert "make build" in [s.get("run") for s in publish["steps"]]
    upload = next(s for s in publish["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "site"


def test_the_pull_request_step_annotates_every_problem(tmp_path):
    """The workflow's own command, on a bad content folder: one annotation per problem, and a failed step."""
    case = ROOT / "tests" / "bad_content" / "many_files"
    content = make_content(tmp_path, case)
    proc = subprocess.run(
        ["make", "-s", "validate", "FORMAT=github", f"CONTENT_DIR={content}"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode != 0
    expected = (case / "expected.txt").read_text().splitlines()
    lines = proc.stdout.splitlines()
    assert len(lines) == len(expected) and all(line.startswith("::error file=") for line in lines), proc.stdout


# --- pre-commit -------------------------------------------------------------------------------


def hooks() -> dict:
    config = load(ROOT / ".pre-commit-config.yaml")
    (repo,) = [r for r in config["repos"] if r["repo"] == "local"]
    return {h["id"]: h for h in repo["hooks"]}


def hook():
    """The content hook: validation of content/."""
    return hooks()["certkb-validate"]


def test_the_pre_commit_hooks_run_the_code_gates_of_make_test():
    entries = {shlex.split(h["entry"])[0].rsplit("/", 1)[-1]: h for h in hooks().values()}
    assert {"ruff", "mypy"} <= set(entries)
    for h in hooks().values():
        if h["id"] != "certkb-validate":
            proc = subprocess.run(
                shlex.split(h["entry"]) + ([] if h.get("pass_filenames") is False else ["."]),
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            assert proc.returncode == 0, f"{h['id']}: {proc.stdout}{proc.stderr}"


def test_the_pre_commit_configuration_is_valid():
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_pre_commit_hook_runs_on_every_content_file_and_nothing_else():
    files = re.compile(hook()["files"])
    content_files = [p.relative_to(ROOT).as_posix() for p in (ROOT / "content").rglob("*.yml")]
    assert content_files and all(files.search(f) for f in content_files)
    assert not any(files.search(f) for f in ("README.md", "certkb/cli.py", "tests/bad_content/x/guides/a.yml"))


def test_the_pre_commit_hook_command_runs_and_stops_a_bad_commit(tmp_path):
    entry = shlex.split(hook()["entry"])
    good = subprocess.run(entry, cwd=ROOT, capture_output=True, text=True)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Content is valid" in good.stdout
    content = make_content(tmp_path, ROOT / "tests" / "bad_content" / "unknown_field")
    bad = subprocess.run([*entry, f"CONTENT_DIR={content}"], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode != 0
    assert "unknown field" in bad.stderr
