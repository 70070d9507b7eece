"""The shortcuts taken for speed give what the plain way gives (certkb/yamlpos.py, certkb/csp.py,
certkb/headers.py, certkb/templating.py, certkb/loader.py, certkb/preview.py): each is compared with
the straightforward computation."""

from __future__ import annotations

import datetime as _dt
import os
import random
import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from certkb import csp, headers, loader, preview, templating, yamlpos

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"

SCALARS = """\
bools: [true, True, FALSE, yes, no, on, off, y]
ints: [0, 12, -3, +4, 0o17, 017, 0x1F, 0b101, 1_000]
floats: [1.5, -0.5, .inf, -.Inf, .nan, 6.02e+23]
nulls: [~, null, Null, ]
dates:
  - 2026-01-02
  - 2026-01-02 10:00:00
strings:
  - '12'
  - "true"
  - !!str 12
  - plain text
  - 12:30
  - 1:20:30
  - "<<"
tagged: [!!int '12', !!float '2', !!binary aGVsbG8=]
anchored: &a {k: v}
alias: *a
"""


def test_yaml_values_are_what_ruamels_safe_loader_gives():
    # The C path (CSafeLoader, plain strings handed back as they are) against ruamel's own safe load.
    # (Merge keys, values it cannot construct and bad dates are where the walker means to differ.)
    expected = YAML(typ="safe", pure=False).load(SCALARS)
    doc = yamlpos.load_located(SCALARS, "x.yml")
    assert not doc.errors
    assert repr(doc.data) == repr(expected)  # repr: .nan is not equal to itself
    assert isinstance(doc.data["dates"][0], _dt.date)
    assert doc.data["tagged"][2] == b"hello"


def test_csp_scan_finds_what_finditer_finds():
    rnd = random.Random(7)
    parts = [
        "<script>",
        "</script>",
        "<SCRIPT type='module'>",
        "<script src=x>",
        "</script >",
        "<py-script>",
        "<MPY-CONFIG/",
        "<py-scripts",
        '<script type="mpy">',
        "<scripts>",
        "'",
        '"',
        "<script",
        "</scrip",
        "x",
        "\n",
        "<script data-x='>'>",
        "alert(1)",
        "</script/",
    ]
    for _ in range(3000):
        html = "".join(rnd.choice(parts) for _ in range(rnd.randint(0, 12)))
        found = csp.scan(html)
        pyscript = bool(csp._PYSCRIPT_TAG_RE.search(html))
        inline = []
        for match in csp._SCRIPT_RE.finditer(html):
            attrs = csp._StartTag(f"<script{match.group(1)}>").attrs
            pyscript |= (attrs.get("type") or "").strip().lower() in csp._PYSCRIPT_TYPES
            if "src" not in attrs and csp._executes(attrs):
                inline.append(match.group(2))
        assert (found.inline, found.pyscript) == (inline, pyscript), html


def test_site_extensions_are_what_path_suffix_gives(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.JS").write_text("")
    (tmp_path / "dir.d").mkdir()
    (tmp_path / "dir.d" / "f.Txt").write_text("")
    for name in (".hidden", "b.", "c.tar.gz", "plain"):
        (tmp_path / name).write_text("")
    (tmp_path / "folder-link").symlink_to(tmp_path / "a")
    (tmp_path / "broken.css").symlink_to(tmp_path / "nowhere")
    (tmp_path / "file-link.svg").symlink_to(tmp_path / "a" / "x.JS")
    expected = {p.suffix[1:].lower() for p in tmp_path.rglob("*") if p.is_file() and p.suffix}
    assert headers._extensions(tmp_path) == expected == {"js", "txt", "gz", "svg"}


def test_loader_relative_path_is_what_relative_to_gives():
    """The loader's text shortcut for a listed file's path inside the content folder."""
    for root in ("content", "/work/project/content", ".", "/", "a/b/", "./content"):
        load = loader._Loader(loader.Path(root))
        for under in ("guides/missouri/g0.yml", "site.yml", "x"):
            path = loader.Path(root) / under
            assert load._relative(path) == str(path.relative_to(loader.Path(root))) == under
        for other in ("/elsewhere/x.yml", "contentx/y.yml", "content", "/work/project/contents/x"):
            try:
                expected = str(loader.Path(other).relative_to(loader.Path(root)))
            except ValueError:
                with pytest.raises(ValueError):
                    load._relative(loader.Path(other))
            else:
                assert load._relative(loader.Path(other)) == expected, (root, other)


def test_a_content_file_that_cannot_be_there_is_skipped_as_before(tmp_path):
    """The loader reads without asking Path.exists() first: what exists() took for "not there"
    (here a symbolic link that points at itself) is still skipped, not an error."""
    shutil.copytree(FIXTURE_CONTENT, tmp_path / "content")
    expected = loader.load_content(tmp_path / "content").guides.keys()
    (tmp_path / "content" / "guides" / "missouri" / "loop.yml").symlink_to("loop.yml")
    assert loader.load_content(tmp_path / "content").guides.keys() == expected


def test_included_files_are_what_rglob_gives(tmp_path):
    """The preview's list of what pages include from the content folder (certkb/preview.py)."""
    for name in (
        "a.yml",
        "b.YAML",
        "c.md",
        ".yml",
        "d.",
        "sub/e.txt",
        "sub/f.yaml",
        "sub/g.b.yml",
        "h",
        "sub/deep/i.csv",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "folder-link").symlink_to(tmp_path / "sub")
    (tmp_path / "file-link.md").symlink_to(tmp_path / "c.md")
    (tmp_path / "broken.md").symlink_to(tmp_path / "nowhere")
    expected = [str(p) for p in sorted(tmp_path.rglob("*")) if p.is_file() and p.suffix not in (".yml", ".yaml")]
    assert preview._included_files(tmp_path) == sorted(expected)
    assert {os.path.relpath(p, tmp_path) for p in expected} == {
        ".yml",
        "b.YAML",
        "c.md",
        "d.",
        "file-link.md",
        "h",
        "sub/e.txt",
        "sub/deep/i.csv",
    }


def test_display_path_is_what_relpath_gives():
    """The loader's shortcut for a tidy path answers as relpath itself does, for every cwd."""
    paths = [
        "content/guides/missouri/g0.yml",
        "content",
        ".",
        "",
        "../content/x.yml",
        "../../x",
        "..",
        "..x/y",
        "a/../b",
        "./content/x.yml",
        "a//b",
        "a/./b",
        "a/b/",
        "/work/project/content/x.yml",
        "/work/projectx/y",
        "/a/b",
        "/",
        "/work/project",
        "/work/project/../project/content/x.yml",
        "/a/b/c/d",
        "a/b/..",
        "/work/project/",
        "/work/project//content/x.yml",
        "/work/project/./x",
        "//work/project/x",
        "/work/projectx",
        "/a/b/c",
    ]
    for cwd in ("/work/project", "/", "/a/b/c", "/work/project/", "/work//project", "/work/./project"):
        for path in paths:
            rel = os.path.relpath(os.path.join(cwd, str(loader.Path(path))), cwd)  # display_path as it was
            slow = str(loader.Path(path)) if rel.startswith("..") else rel
            assert loader.display_path(loader.Path(path), cwd) == slow, (path, cwd)


@pytest.mark.parametrize(
    "text",
    [
        "*a* _b_ [c](d) {#e} |f| \\g `h`",
        "# heading #",
        "1. one",
        "- item",
        "a & b < c > d \"e\" 'f'",
        "!!! note",
        "plain",
    ],
)
def test_plain_twice_is_plain_once(text):
    # plain() keeps its results by text: the same text, the same Markdown, whatever came before.
    assert templating.plain(text) == templating._plain.__wrapped__(text) == templating.plain(text)
