"""Live preview (`mkdocs serve`): rebuilds reuse pages whose Markdown did not change, and the
site they write is the one a full build writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import copy_project

# Runs in its own process: MkDocs keeps plugins with on_startup for the whole process.
SCRIPT = r"""
import json, os, sys
from pathlib import Path
from mkdocs.config import load_config
from mkdocs.commands.build import build

project, out, edit_file, old, new = sys.argv[1:6]
os.chdir(project)
seen = []
for i, step in enumerate(["first", "again", "edited"]):
    if step == "edited":
        path = Path(edit_file)
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    config = load_config(config_file="mkdocs.yml", site_dir=str(Path(out) / step))
    if i == 0:
        config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    plugin = config.plugins["certkb"]
    seen.append({"hits": plugin.preview.hits, "misses": plugin.preview.misses})
print(json.dumps(seen))
"""


def pages(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}


def test_rebuilds_reuse_unchanged_pages_and_write_what_a_full_build_writes(tmp_path):
    project = copy_project(tmp_path / "project")
    guide = sorted((project / "content" / "guides").rglob("*.yml"))[0]
    text = guide.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("summary:"))
    new = old.replace("summary:", "summary: Edited in preview.", 1)
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(project), str(tmp_path / "serve"), str(guide), old, new],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    first, again, edited = json.loads(proc.stdout.strip().splitlines()[-1])
    total = first["hits"] + first["misses"]
    assert first["hits"] == 0 and total > 20
    assert again == {"hits": total, "misses": 0}, "an unchanged site is rendered from the cache"
    # The edited guide's page (and only pages whose Markdown changed) is rendered again.
    assert 1 <= edited["misses"] < total / 4 and edited["hits"] + edited["misses"] == total

    # What the cached rebuilds wrote is what a full `mkdocs build` writes.
    full = tmp_path / "full"
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(full)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert build.returncode == 0, build.stderr[-3000:]
    assert pages(tmp_path / "serve" / "edited") == pages(full)
    assert pages(tmp_path / "serve" / "again") == pages(tmp_path / "serve" / "first")
    assert pages(tmp_path / "serve" / "edited") != pages(tmp_path / "serve" / "first")
    assert any(b"Edited in preview." in html for html in pages(full).values())


def test_templates_are_compiled_once_and_again_when_edited(tmp_path):
    """preview.TemplateCode: a second environment reuses the first one's code, an edited template
    is compiled again, and environments whose compile options differ never share code."""
    import jinja2

    from certkb.preview import TemplateCode

    (tmp_path / "page.j2").write_text("{% if x %}first {{ x }}{% endif %}\n", encoding="utf-8")
    cache = TemplateCode()
    compiled = []

    class Counting(jinja2.Environment):
        def _compile(self, source, filename):
            compiled.append(filename)
            return super()._compile(source, filename)

    def env(**options):
        return Counting(loader=jinja2.FileSystemLoader(str(tmp_path)), bytecode_cache=cache, **options)

    assert env().get_template("page.j2").render(x=1) == "first 1"
    assert env().get_template("page.j2").render(x=1) == "first 1"
    assert len(compiled) == 1, "the second environment compiled the template again"
    (tmp_path / "page.j2").write_text("{% if x %}second {{ x }}{% endif %}\n", encoding="utf-8")
    assert env().get_template("page.j2").render(x=1) == "second 1"
    assert len(compiled) == 2
    # Other options, other code: with keep_trailing_newline the same source renders its last newline.
    assert env(keep_trailing_newline=True).get_template("page.j2").render(x=1) == "second 1\n"
    assert len(compiled) == 3
