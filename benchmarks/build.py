"""`make bench-build`: what generating guides from YAML costs over plain Markdown.

For each N in 100, 500 and 2000 it writes N synthetic guides as YAML content,
renders the very same pages to plain Markdown files, and builds both sites
with the same theme and extensions (the plain one without our plugin, with
the same navigation). Each build runs in its own process, alternating, and
the median of the repeats is reported with the ratio YAML / Markdown.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from certkb.loader import load_content
from certkb.render import abbreviations, make_env, navigation, pages

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "content"

GUIDE = """\
id: {id}
jurisdiction: {jur}
topic: {topic}
title: Synthetic guide number {i}
summary: A generated guide used to measure build cost, number {i}.
order: {i}
last_reviewed: 2026-11-01
sources: [help]
intro: |
  This guide shows how the {{fact:portal_name}} works, step by step, for case {i}.
steps:
  - text: Click **"Create Account"** in the lower part of the page.
  - text: Answer the registration questions.
    details:
      - Use your legal name.
      - Keep your *SSN* to hand.
  - text: Click **"Create Account"** again.
    note: A confirmation message appears.
    warning: Do not create more than one username.
  - text: Mail anything missing to {{fact:mailing_address}}.
  - text: Then read {{guide:{related}}}.
sections:
  - heading: What district staff see
    items:
      - Your certificate status.
      - Your fingerprint information.
notes:
  - kind: tip
    title: Forgot your password?
    text: Click **"Forgot Username/Password?"** on the login page.
related: [{related}]
"""


def make_projects(base: Path, n: int) -> tuple[Path, Path]:
    """Two projects with the same pages: one from YAML, one of plain Markdown."""
    yaml_project, md_project = base / "yaml", base / "markdown"
    for project in (yaml_project, md_project):
        project.mkdir(parents=True)
        shutil.copytree(ROOT / "docs", project / "docs")
        shutil.copytree(ROOT / "overrides", project / "overrides")
        shutil.copy2(ROOT / "mkdocs.yml", project / "mkdocs.yml")
        if (ROOT / "node_modules").exists():
            (project / "node_modules").symlink_to(ROOT / "node_modules")
    content = yaml_project / "content"
    shutil.copytree(FIXTURE, content, ignore=shutil.ignore_patterns("guides", "pathways"))
    for jur, topic in (("missouri", "account"), ("connecticut", "portal")):
        (content / "guides" / jur).mkdir(parents=True)
    for i in range(n):
        jur, topic = (("missouri", "account"), ("connecticut", "portal"))[i % 2]
        text = GUIDE.format(id=f"g{i}", jur=jur, topic=topic, i=i, related=f"g{(i + 1) % n}")
        (content / "guides" / jur / f"g{i}.yml").write_text(text, encoding="utf-8")

    # The plain project: exactly the pages the plugin would generate, as files.
    loaded = load_content(content)
    abbr = abbreviations(loaded)
    for path, markdown, _ in pages(loaded, make_env([yaml_project / "overrides" / "kb"])):
        out = md_project / "docs" / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(markdown + "\n" + abbr + "\n", encoding="utf-8")
    base_config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    plain = {
        "INHERIT": "mkdocs.yml",
        "plugins": [p for p in base_config["plugins"] if p != "certkb" and not (isinstance(p, dict) and "certkb" in p)],
        "nav": [{"Home": "index.md"}, *navigation(loaded), *(base_config.get("nav") or [])],
        "watch": [],
    }
    (md_project / "plain.yml").write_text(yaml.safe_dump(plain, sort_keys=False), encoding="utf-8")
    return yaml_project, md_project


def timed_build(project: Path, config: str) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--strict", "--config-file", config,
         "--site-dir", str(project / "site")],
        cwd=project, capture_output=True, text=True,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"build failed in {project}:\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000])
    parser.add_argument("--repeats", type=int, default=3, help="builds per variant and size (median reported)")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        for n in args.sizes:
            yaml_project, md_project = make_projects(Path(tmp) / str(n), n)
            yaml_times, md_times = [], []
            for _ in range(args.repeats):  # alternate, so machine noise hits both alike
                yaml_times.append(timed_build(yaml_project, "mkdocs.yml"))
                md_times.append(timed_build(md_project, "plain.yml"))
            y, m = statistics.median(yaml_times), statistics.median(md_times)
            rows.append((n, y, m, y / m))
            print(f"N={n}: YAML {y:.2f} s, Markdown {m:.2f} s, ratio {y / m:.3f}", flush=True)
    print()
    print("| guides | YAML build (s) | plain Markdown build (s) | ratio |")
    print("| ---: | ---: | ---: | ---: |")
    for n, y, m, r in rows:
        print(f"| {n} | {y:.2f} | {m:.2f} | {r:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
