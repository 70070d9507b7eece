"""`make bench-build`: what generating guides from YAML costs over plain Markdown, and how it grows.

For each N (default 200 and 1000; ``--sizes 200 2000`` is opt-in) it writes N synthetic guides as YAML
content, renders the very same pages to plain Markdown files, and builds:

* ``yaml``: the project's mkdocs.yml (our plugin);
* ``markdown``: the same pages as files, the same theme, extensions and
  navigation, without our plugin;
* ``yaml, unpruned``: mkdocs.yml without ``navigation.prune`` (how the site was
  built before: every page carried the whole navigation), for comparison.

Each build runs in its own process, the variants alternating, and the median
of the repeats is reported with the ratios YAML / Markdown and N / first N.
YAML / Markdown is also given pair by pair (each YAML build over the Markdown
build run next to it), as median [min-max]: at 200 guides the fixed costs of
our plugin are a tenth of a build, about the size of the machine's noise, so
small sites get more repeats (9; 3 above 500 guides) and the spread is shown.
Then the live preview as ``make serve`` runs it (``mkdocs serve --dirty``: each
rebuild builds only the pages the edit changes, see certkb/preview.py) on the
YAML project, one line of one guide edited (its summary, which its page and its
jurisdiction's page show), and the CPU and wall time from the write until
MkDocs says "Reloading browsers" after the rebuild it detected (the preview
shows the edit), median of ``--edits`` edits.

Guides go into the fixture's two topics, as many per topic as it takes (the
navigation lists a long topic in groups: certkb.render.nav_groups). It writes a
JSON record under benchmarks/results/. With 2,000 guides a run takes about half
an hour on a quiet 2-core machine, so it is not the default.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import queue
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

from certkb.freshness import REVIEW_PAGE, render_review_page, today
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
    # The staff page includes content/README.md (pymdownx.snippets, base path content/) in both projects.
    for project in (yaml_project, md_project):
        (project / "content").mkdir(exist_ok=True)
        shutil.copy2(ROOT / "content" / "README.md", project / "content" / "README.md")
    for jur in ("missouri", "connecticut"):
        (content / "guides" / jur).mkdir(parents=True)
    for i in range(n):
        jur, topic = (("missouri", "account"), ("connecticut", "portal"))[i % 2]
        text = GUIDE.format(id=f"g{i}", jur=jur, topic=topic, i=i, related=f"g{(i + 1) % n}")
        (content / "guides" / jur / f"g{i}.yml").write_text(text, encoding="utf-8")

    # The plain project: exactly the pages the plugin would generate, as files.
    loaded = load_content(content)
    abbr = abbreviations(loaded)
    env = make_env([yaml_project / "overrides" / "kb"])
    generated = [(path, markdown) for path, markdown, _ in pages(loaded, env)]
    # The staff page of review dates (one row per guide), which the plugin adds in on_files.
    generated.append((REVIEW_PAGE, render_review_page(loaded, env, today=today(), stale_after_months=12)))
    for path, markdown in generated:
        out = md_project / "docs" / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(markdown + "\n" + abbr + "\n", encoding="utf-8")
    base_config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    features = base_config["theme"]["features"]
    unpruned = {
        "INHERIT": "mkdocs.yml",
        "theme": {**base_config["theme"], "features": [f for f in features if f != "navigation.prune"]},
    }
    (yaml_project / "unpruned.yml").write_text(yaml.safe_dump(unpruned, sort_keys=False), encoding="utf-8")
    plain = {
        "INHERIT": "mkdocs.yml",
        "plugins": [p for p in base_config["plugins"] if p != "certkb" and not (isinstance(p, dict) and "certkb" in p)],
        "nav": [{"Home": "index.md"}, *navigation(loaded), *(base_config.get("nav") or [])],
        "watch": [],
    }
    (md_project / "plain.yml").write_text(yaml.safe_dump(plain, sort_keys=False), encoding="utf-8")
    return yaml_project, md_project


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def preview(project: Path, edits: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds from a one-line edit of one guide until `mkdocs serve --dirty` has rebuilt the site."""
    guide = project / "content" / "guides" / "missouri" / "g0.yml"
    original = guide.read_text(encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "serve",
            "--dirty",
            "--strict",
            "--livereload",
            "--dev-addr",
            f"127.0.0.1:{free_port()}",
        ],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    lines: list[str] = []
    arrived: queue.Queue = queue.Queue()  # the server's lines, read as they come (None: it stopped)

    def read() -> None:
        for line in proc.stdout:
            arrived.put(line)
        arrived.put(None)

    threading.Thread(target=read, daemon=True).start()

    def wait_for(pattern: str) -> None:
        while (line := arrived.get()) is not None:
            lines.append(line)
            if re.search(pattern, line):
                return
        raise SystemExit(f"mkdocs serve stopped in {project}:\n{''.join(lines[-30:])}")

    def settle() -> None:
        """Let the watcher settle, as between two edits by a person, and drop what the server said
        meanwhile: a "Reloading browsers" left over (the watcher can see one write twice) must not
        be taken for the next edit's."""
        time.sleep(1.0)
        while True:
            try:
                line = arrived.get(timeout=0.5)
            except queue.Empty:
                return
            if line is None:
                raise SystemExit(f"mkdocs serve stopped in {project}:\n{''.join(lines[-30:])}")
            lines.append(line)

    times = []
    try:
        wait_for(r"Serving on")
        for i in range(edits):
            settle()
            start, cpu = time.perf_counter(), cpu_seconds(proc.pid)
            guide.write_text(
                original.replace("summary: A generated guide", f"summary: Edit {i}, a generated guide"),
                encoding="utf-8",
            )
            wait_for(r"Detected file changes")
            wait_for(r"Reloading browsers")
            times.append((time.perf_counter() - start, cpu_seconds(proc.pid) - cpu))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        guide.write_text(original, encoding="utf-8")
    return times


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_build(project: Path, config: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one `mkdocs build` in its own process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--quiet",
            "--strict",
            "--config-file",
            config,
            "--site-dir",
            str(project / "site"),
        ],
        cwd=project,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"build failed in {project}:\n{proc.stdout}\n{proc.stderr}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


# Builds per variant: a 200-guide build takes about 5 s and its YAML / Markdown ratio swung from 1.10 to 1.38
# between runs of 3 to 7 repeats on this 2-core machine; a 2,000-guide build takes about a minute.
SMALL_SITE, SMALL_REPEATS, LARGE_REPEATS = 500, 9, 3


def repeats_for(n: int, asked: int | None) -> int:
    return asked if asked is not None else (SMALL_REPEATS if n <= SMALL_SITE else LARGE_REPEATS)


def paired(numerator: list[float], denominator: list[float]) -> list[float]:
    """Ratios of builds run side by side (repeat r of one variant over repeat r of the other): noise
    that hits both builds of a pair cancels out, which a ratio of two medians does not do."""
    return [a / b for a, b in zip(numerator, denominator, strict=True)]


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} [{min(values):.2f}-{max(values):.2f}]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[200, 1000],
        help="guide counts (default 200 1000; 2000 is opt-in: about half an hour on 2 cores)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help=f"builds per variant and size (median reported; default {SMALL_REPEATS} up to "
        f"{SMALL_SITE} guides, where the fixed costs make the ratio sensitive to noise, "
        f"{LARGE_REPEATS} above)",
    )
    parser.add_argument("--edits", type=int, default=5, help="one-line edits timed in the live preview per size")
    parser.add_argument("--no-unpruned", action="store_true", help="skip the unpruned (before) variant")
    parser.add_argument("--record", type=Path, help="where to write the JSON record (default benchmarks/results/)")
    args = parser.parse_args(argv)
    variants = {"yaml": ("yaml", "mkdocs.yml"), "markdown": ("markdown", "plain.yml")}
    if not args.no_unpruned:
        variants["yaml, unpruned"] = ("yaml", "unpruned.yml")
    rows: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        for n in args.sizes:
            yaml_project, md_project = make_projects(Path(tmp) / str(n), n)
            projects = {"yaml": yaml_project, "markdown": md_project}
            wall: dict[str, list[float]] = {v: [] for v in variants}
            cpu: dict[str, list[float]] = {v: [] for v in variants}
            for r in range(repeats_for(n, args.repeats)):  # alternate, so machine noise hits every variant alike
                names = list(variants)
                for v in names[r % len(names) :] + names[: r % len(names)]:
                    project, config = variants[v]
                    w, c = timed_build(projects[project], config)
                    wall[v].append(w)
                    cpu[v].append(c)
            edits = preview(yaml_project, args.edits) if args.edits else []
            rows[n] = {
                "build CPU (s)": cpu,
                "build wall (s)": wall,
                "preview after a one-line edit, CPU (s)": [c for _, c in edits],
                "preview after a one-line edit, wall (s)": [w for w, _ in edits],
            }
            rows[n]["YAML / Markdown CPU, paired builds"] = paired(cpu["yaml"], cpu["markdown"])
            print(
                f"N={n}: CPU "
                + "; ".join(f"{v} {spread(t)} s" for v, t in cpu.items())
                + f"; YAML / Markdown, paired {spread(rows[n]['YAML / Markdown CPU, paired builds'])}"
                + (f"; preview {spread([c for _, c in edits])} s" if edits else ""),
                flush=True,
            )
    first = args.sizes[0]

    def med(n, key, v=None):
        return statistics.median(rows[n][key][v] if v else rows[n][key])

    print()
    print("CPU seconds (user + system) of each build process, median [min-max] of the repeats;")
    print("wall time beside it. CPU time is what a busy shared machine does not inflate.")
    print("YAML / Markdown: the ratio of the two medians, then median [min-max] of the paired builds' ratios.")
    print(
        "| guides | " + " | ".join(f"{v} CPU" for v in variants) + f" | YAML / Markdown | paired | YAML N / N={first} "
        "| preview after an edit, CPU | wall: " + " | ".join(variants) + " | wall: preview |"
    )
    print(
        "| ---: | "
        + " | ".join("---:" for _ in variants)
        + " | ---: | ---: | ---: | ---: | "
        + " | ".join("---:" for _ in variants)
        + " | ---: |"
    )
    for n, row in rows.items():
        pairs = row["YAML / Markdown CPU, paired builds"]
        ratios = {
            "yaml / markdown (CPU)": med(n, "build CPU (s)", "yaml") / med(n, "build CPU (s)", "markdown"),
            "yaml / markdown (CPU), median of paired builds": statistics.median(pairs),
            f"yaml at {n} / yaml at {first} (CPU)": med(n, "build CPU (s)", "yaml")
            / med(first, "build CPU (s)", "yaml"),
        }
        if "yaml, unpruned" in variants:
            ratios[f"unpruned at {n} / unpruned at {first} (CPU)"] = med(n, "build CPU (s)", "yaml, unpruned") / med(
                first, "build CPU (s)", "yaml, unpruned"
            )
            ratios["yaml / unpruned (CPU)"] = med(n, "build CPU (s)", "yaml") / med(
                n, "build CPU (s)", "yaml, unpruned"
            )
        edits = row["preview after a one-line edit, CPU (s)"]
        if edits and rows[first]["preview after a one-line edit, CPU (s)"]:
            ratios[f"preview at {n} / preview at {first} (CPU)"] = statistics.median(edits) / med(
                first, "preview after a one-line edit, CPU (s)"
            )
        row["ratios"] = ratios
        print(
            f"| {n} | "
            + " | ".join(spread(t) for t in row["build CPU (s)"].values())
            + f" | {ratios['yaml / markdown (CPU)']:.3f} | {spread(pairs)}"
            + f" | {ratios[f'yaml at {n} / yaml at {first} (CPU)']:.2f}"
            + f" | {spread(edits) if edits else '-'} | "
            + " | ".join(spread(t) for t in row["build wall (s)"].values())
            + f" | {spread(row['preview after a one-line edit, wall (s)']) if edits else '-'} |"
        )
    for n, row in rows.items():
        print(f"N={n} ratios: " + "; ".join(f"{k} {v:.2f}" for k, v in row["ratios"].items()))
    record = {
        "when": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}",
        "repeats": {str(n): repeats_for(n, args.repeats) for n in rows},
        "sizes": {str(n): row for n, row in rows.items()},
    }
    out = args.record or ROOT / "benchmarks" / "results" / f"build-{_dt.datetime.now(_dt.UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"\nrecord: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
