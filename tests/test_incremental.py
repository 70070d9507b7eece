"""`make serve` (`mkdocs serve --dirty`): each rebuild builds only the pages an edit changes, and
the site it leaves is byte for byte the site a full `mkdocs build` writes from the same content.

One process plays the server (MkDocs keeps a plugin with on_startup across rebuilds, as `serve`
does), editing the project between dirty builds; after each rebuild it copies the site folder and
runs a full `mkdocs build` of the same files in a separate process. The tests compare every file
(pages, search index, sitemap, nginx and _headers files) and check which pages were built.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURE_DIR, copy_project

# One pytest-xdist worker runs this module (its module fixture serves twelve edits once).
pytestmark = pytest.mark.xdist_group("incremental")

SCRIPT = r"""
import json, os, shutil, subprocess, sys
from pathlib import Path
from mkdocs.config import load_config
from mkdocs.commands.build import build

project, out, steps, naive = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4] == "naive"
os.chdir(project)
if naive:  # the negative control: trust each page's Markdown alone, never the navigation
    from certkb import preview
    decide = preview.Incremental.decide
    def naive_decide(self, files):
        keep = set(self._build)
        decide(self, files)
        self._build = keep
    preview.Incremental.decide = naive_decide
built = []
for i, edits in enumerate(steps):
    for path, old, new in edits:
        path = Path(path)
        if new is None:
            path.unlink()
        elif old is None:
            path.write_text(new, encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
            assert text.count(old) == 1, (path, old)
            path.write_text(text.replace(old, new), encoding="utf-8")
    config = load_config(config_file="mkdocs.yml", site_dir=str(out / "served"))
    if i == 0:
        config.plugins.on_startup(command="serve", dirty=True)
    build(config, dirty=True)
    built.append(sorted(config.plugins["certkb"].incremental.built))
    shutil.copytree(out / "served", out / f"served-{i}")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(out / f"full-{i}")],
                   check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
print(json.dumps(built))
"""

GUIDE = "content/guides/missouri/create-account.yml"
OTHER = "content/guides/missouri/check-status.yml"
NEW_GUIDE = """\
id: mo-new-guide
jurisdiction: missouri
topic: account
title: A guide added while serving
summary: Added to see the preview follow.
order: 20
last_reviewed: 2026-11-01
sources: [help]
steps:
  - text: Read {guide:mo-create-account}.
"""


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def serve(tmp_path: Path, steps: list[list[tuple]], naive: bool = False) -> tuple[Path, list[list[str]]]:
    project = copy_project(tmp_path / "project", content=FIXTURE_DIR)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(project), str(out), json.dumps(steps), "naive" if naive else "correct"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1796000000"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, json.loads(proc.stdout.strip().splitlines()[-1])


def changed_pages(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {
        uri
        for uri in before.keys() | after.keys()
        if uri.endswith(".html") and uri != "404.html" and before.get(uri) != after.get(uri)
    }


NEW = "content/guides/missouri/new-guide.yml"
THEME_OVERRIDE = '{{% extends "base.html" %}}\n{{% block announce %}}{}{{% endblock %}}\n'
# A title only the next page's footer shows (the negative control below builds this one wrongly).
FOOTER_TITLE = [
    ("content/guides/connecticut/portal.yml", "title: The portal page <at a glance> & more", "title: A portal renamed")
]
STEPS = [
    [],  # the first build
    [],  # nothing changed
    [(GUIDE, "  - text: Answer the registration questions.", "  - text: Answer every registration question.")],
    [(OTHER, "title: Check the status of an application", "title: Follow an application")],
    [(NEW, None, NEW_GUIDE)],  # a guide added
    [(NEW, None, None)],  # and deleted
    [("content/glossary.yml", "definition: Social Security Number", "definition: U.S. Social Security Number")],
    FOOTER_TITLE,
    # boot.js, which checker pages carry inline (no file of the site changes with it).
    [("docs/assets/checker/boot.js", 'link.fetchPriority = "low";', "link.fetchPriority = 'low';")],
    # Templates, which the preview compiles once a session (preview.TemplateCode): ours, then the theme's.
    [
        (
            "overrides/kb/guide.md.j2",
            "\n{{ guide.summary | plain }}\n",
            "\n{{ guide.summary | plain }} (Template edited.)\n",
        )
    ],
    [("overrides/main.html", None, THEME_OVERRIDE.format("First announcement"))],
    [("overrides/main.html", "First announcement", "Second announcement")],
]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    return serve(tmp_path_factory.mktemp("incremental"), STEPS)


def test_every_rebuild_leaves_the_site_a_full_build_writes(served):
    out, _ = served
    for i in range(len(STEPS)):
        site, full = files(out / f"served-{i}"), files(out / f"full-{i}")
        assert site.keys() == full.keys(), f"step {i}: files differ: {sorted(site.keys() ^ full.keys())}"
        different = sorted(uri for uri in site if site[uri] != full[uri])
        assert not different, f"step {i}: {different}"
    # What the comparison covers: every page, the search index, the sitemap and the headers files.
    assert {"search/search_index.json", "sitemap.xml", "nginx-include.conf", "_headers"} <= files(out / "full-0").keys()


def test_only_what_an_edit_changes_is_built(served):
    out, built = served
    pages = [uri for uri in files(out / "full-0") if uri.endswith(".html") and uri != "404.html"]
    assert len(built[0]) == len(pages) > 10, "the first build builds every page"
    assert built[1] == [], "an unchanged site builds nothing"
    # A step of one guide's body: that guide's page alone (its neighbours show only its title).
    assert built[2] == ["missouri/create-account.md"]
    # A title shows in every page's navigation: every page.
    assert len(built[3]) == len(pages)
    # A glossary definition is a tooltip on every page that uses the term: every page is read again.
    assert len(built[6]) == len(pages)
    assert len(built[7]) == len(pages)
    # boot.js is part of every checker page.
    assert {"checker/fx-ipc-to-ccpc/index.md", "checker/fx-iss-to-css/index.md"} <= set(built[8])
    # The theme's overrides folder (custom_dir, which holds our page templates too) is part of every page.
    assert len(built[9]) == len(built[10]) == len(built[11]) == len(pages)
    assert "Second announcement" in (out / "served-11" / "index.html").read_text(encoding="utf-8")
    # Whatever changed between two steps was built in the later one (and nothing else changed).
    for i in range(1, len(STEPS)):
        changed = changed_pages(files(out / f"full-{i - 1}"), files(out / f"full-{i}"))
        assert changed <= {page_file(uri) for uri in built[i]} | {
            uri for uri in changed if uri not in files(out / f"full-{i}")
        }


def page_file(src_uri: str) -> str:
    """'missouri/create-account.md' -> 'missouri/create-account/index.html' (use_directory_urls)."""
    stem = src_uri[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem + ".html"
    return stem + "/index.html"


def test_a_deleted_guide_is_gone_and_an_added_one_is_served(served):
    out, _ = served
    assert "A guide added while serving" in (out / "served-4" / "missouri" / "new-guide" / "index.html").read_text()
    added = json.loads((out / "served-4" / "search" / "search_index.json").read_text())
    assert any(doc["location"].startswith("missouri/new-guide/") for doc in added["docs"])
    assert not (out / "served-5" / "missouri" / "new-guide").exists()
    deleted = json.loads((out / "served-5" / "search" / "search_index.json").read_text())
    assert not any(doc["location"].startswith("missouri/new-guide/") for doc in deleted["docs"])
    assert "new-guide" not in (out / "served-5" / "_headers").read_text()


def test_negative_control_trusting_each_pages_markdown_alone_leaves_stale_navigation(tmp_path):
    """Build only the pages whose Markdown changed, as a title edit would tempt: the comparison
    above catches the navigation every other page still shows."""
    out, built = serve(tmp_path, [[], FOOTER_TITLE], naive=True)
    site, full = files(out / "served-1"), files(out / "full-1")
    stale = sorted(uri for uri in site if site[uri] != full[uri])
    # The next page's "Previous" link still names the guide by its old title.
    assert stale and all(b"A portal renamed" in full[uri] and b"A portal renamed" not in site[uri] for uri in stale)
    assert len(built[1]) < len(built[0])
