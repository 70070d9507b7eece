"""Freshness: pages not reviewed within `stale_after_months` are warned about, never fatal.

* The pure functions: the cut-off date, which pages are due, the order of the staff page.
* The warning is printed as a WARNING by MkDocs' own console formatter, yet strict mode's
  counter does not count it.
* End to end: a strict build of a copy of the site with one old page succeeds, prints the
  warning with the file:line:col to update, and the staff page marks that page; the same
  copy with a broken link fails, so strict mode is really on.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.__main__ import ColorFormatter
from mkdocs.utils import CountHandler

from certkb import freshness, render
from certkb.loader import load_content

from .conftest import FIXTURE_DIR, copy_project

TODAY = dt.date(2026, 11, 23)
EPOCH = str(int(dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC).timestamp()))


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy with the frozen fixture content (staff edits never move a line), every page fresh."""
    project = copy_project(tmp_path / "project", content=FIXTURE_DIR)
    for path in (project / "content").rglob("*.yml"):
        if any(line.startswith("last_reviewed:") for line in path.read_text(encoding="utf-8").split("\n")):
            set_reviewed(path, TODAY.isoformat())
    return project


def set_reviewed(path: Path, day: str) -> int:
    """Set a content file's last_reviewed; returns the 1-based line it is on."""
    lines = path.read_text(encoding="utf-8").split("\n")
    [index] = [i for i, line in enumerate(lines) if line.startswith("last_reviewed:")]
    lines[index] = f"last_reviewed: {day}"
    path.write_text("\n".join(lines), encoding="utf-8")
    return index + 1


def a_guide(project: Path) -> Path:
    return project / "content" / "guides" / "missouri" / "create-account.yml"


# --- pure functions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day,months,expected",
    [
        (dt.date(2026, 11, 23), 12, dt.date(2025, 11, 23)),
        (dt.date(2026, 11, 23), 6, dt.date(2026, 5, 23)),
        (dt.date(2026, 1, 15), 1, dt.date(2025, 12, 15)),
        (dt.date(2026, 3, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 3, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2026, 11, 23), 0, dt.date(2026, 11, 23)),
    ],
)
def test_months_before(day, months, expected):
    assert freshness.months_before(day, months) == expected


def test_due_is_more_than_the_limit_and_the_limit_is_configurable(project):
    guide = a_guide(project)
    set_reviewed(guide, "2025-11-23")  # exactly 12 months before TODAY: not yet due
    content = load_content(project / "content")
    gid = next(i for i, g in content.guides.items() if content.files[("guide", i)].endswith("create-account.yml"))

    def due(months, today=TODAY):
        every = freshness.reviews(content, today=today, stale_after_months=months)
        only = freshness.reviews(content, today=today, stale_after_months=months, only_due=True)
        assert only == [r for r in every if r.due], "only_due: the same rows, in the same order"
        return {r.id for r in only}

    assert gid not in due(12)
    assert gid in due(12, today=TODAY + dt.timedelta(days=1))
    assert gid in due(6) and gid not in due(24)


def test_reviews_list_every_guide_and_pathway_oldest_first(project):
    set_reviewed(a_guide(project), "2023-02-01")
    content = load_content(project / "content")
    rows = freshness.reviews(content, today=TODAY, stale_after_months=12)
    assert {(r.kind, r.id) for r in rows} == (
        {("guide", g) for g in content.guides} | {("pathway", p) for p in content.pathways}
    )
    assert [r.last_reviewed for r in rows] == sorted(r.last_reviewed for r in rows)
    assert rows[0].file == "guides/missouri/create-account.yml" and rows[0].due
    assert all(r.sources for r in rows), "every guide and pathway cites at least one source"


def test_due_message_points_at_last_reviewed(project, monkeypatch):
    monkeypatch.chdir(project)
    line = set_reviewed(a_guide(project), "2024-01-31")
    content = load_content(Path("content"))
    [message] = freshness.due_messages(content, today=TODAY, stale_after_months=12)
    assert message.startswith(f"content/guides/missouri/create-account.yml:{line}:16: ")
    assert "last reviewed on 2024-01-31, more than 12 months ago" in message


def test_warning_is_shown_as_a_warning_but_not_counted_by_strict_mode(project):
    set_reviewed(a_guide(project), "2024-01-31")
    content = load_content(project / "content")
    mkdocs_log = logging.getLogger("mkdocs")
    counter = CountHandler()
    counter.setLevel(logging.WARNING)  # exactly what `mkdocs build --strict` attaches

    class Keep(logging.Handler):
        records: list[logging.LogRecord] = []

        def emit(self, record):
            self.records.append(record)

    keep = Keep(level=logging.INFO)  # like MkDocs' console handler
    old_level = mkdocs_log.level
    mkdocs_log.setLevel(logging.INFO)
    mkdocs_log.addHandler(counter)
    mkdocs_log.addHandler(keep)
    try:
        messages = freshness.warn_due(content, today=TODAY, stale_after_months=12)
        freshness.log.warning("a real warning, for contrast")
    finally:
        mkdocs_log.removeHandler(counter)
        mkdocs_log.removeHandler(keep)
        mkdocs_log.setLevel(old_level)
    assert len(messages) == 1
    shown = [ColorFormatter().format(r) for r in keep.records]
    # MkDocs wraps its console lines to the terminal's width, when it finds one.
    assert any(
        re.search(r"WARNING -\s+.*create-account\.yml:\d+:\d+:\s+this\s+guide\s+was\s+last\s+reviewed", s, re.S)
        for s in shown
    )
    # Only the real warning counts; the review reminders do not.
    assert counter.get_counts() == [("WARNING", 1)]


def test_review_page_marks_due_pages(project):
    set_reviewed(a_guide(project), "2023-02-01")
    content = load_content(project / "content")
    env = render.make_env([project / "overrides" / "kb"])
    text = freshness.render_review_page(content, env, today=TODAY, stale_after_months=12)
    table = [line for line in text.split("\n") if re.match(r"\| \d{4}-\d\d-\d\d", line)]
    assert len(table) == len(content.guides) + len(content.pathways)
    assert table[0].startswith("| 2023-02-01<br>**Review due** |") and "create-account.yml" in table[0]
    assert sum("**Review due**" in line for line in table) == 1
    assert "1 of" in text and "due for review" in text
    fresh = freshness.render_review_page(content, env, today=dt.date(2023, 3, 1), stale_after_months=12)
    assert "**Review due**" not in fresh


def test_today_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert freshness.today() == TODAY
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert freshness.today() == dt.date.today()


# --- end to end: the strict build ----------------------------------------------------------------


def strict_build(project: Path, epoch: str = EPOCH) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(project / "site")],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def test_stale_page_warns_and_the_strict_build_still_succeeds(project):
    line = set_reviewed(a_guide(project), "2024-01-31")
    proc = strict_build(project)
    assert proc.returncode == 0, proc.stderr
    assert re.search(
        rf"WARNING +-  content/guides/missouri/create-account\.yml:{line}:16: this guide was last reviewed on "
        r"2024-01-31, more than 12 months ago",
        proc.stderr,
    ), proc.stderr
    assert "1 page is due for review" in proc.stderr
    page = (project / "site" / "staff" / "review-dates" / "index.html").read_text(encoding="utf-8")
    assert page.count("<strong>Review due</strong>") == 1 and "create-account.yml" in page

    # The same copy with a real problem (a broken link) fails: strict mode is on.
    (project / "docs" / "broken.md").write_text("# Broken\n\n[missing](no-such-page.md)\n")
    assert strict_build(project).returncode != 0


def test_stale_after_months_option(project):
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    # `  - certkb` (no options yet) or `  - certkb:` followed by its options.
    text, count = re.subn(r"\n  - certkb:?\n", "\n  - certkb:\n      stale_after_months: 1\n", text, count=1)
    assert count == 1 and "stale_after_months: 1" in text
    config.write_text(text)
    in_a_year = str(int(dt.datetime(2027, 11, 23, tzinfo=dt.UTC).timestamp()))
    proc = strict_build(project, epoch=in_a_year)
    assert proc.returncode == 0, proc.stderr
    content = load_content(project / "content")
    total = len(content.guides) + len(content.pathways)
    assert proc.stderr.count("was last reviewed on") == total
    assert f"{total} pages are due for review" in proc.stderr
