"""The live preview makes a page's Markdown again only when something it read changed (certkb/memo.py),
and a page it keeps is always the page a full render makes.

For the content under test and for the fixture, each edit below (a text field of every
content file, a guide removed or added, a template changed) is rendered twice: through the
memo, which has seen the content before the edit, and from scratch. The two must be the same,
page for page. The negative control keeps every page whatever changed, and the same
comparison catches it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from certkb import memo as memo_module
from certkb.errors import ContentErrors
from certkb.loader import load_content
from certkb.memo import PageMemo, Recorder, templates_key
from certkb.render import make_env, pages

from .conftest import CONTENT_DIR, FIXTURE_DIR, ROOT

TEMPLATES = ROOT / "overrides" / "kb"
# A text field on one line, plain (not quoted, not a block): where an edit can append a word.
TEXT_LINE = re.compile(
    r"^(\s*(?:-\s+)?(?:title|summary|value|definition|name|label|heading|agency|text):\s+)"
    r"([^'\"|>&*!#\s].*)$"
)
PER_FILE = 2  # text lines edited per content file


def rendered(content, templates: Path, memo: PageMemo | None = None) -> dict[str, str]:
    return {page: markdown for page, markdown, _ in pages(content, make_env([templates]), memo)}


def text_edits(content_dir: Path) -> list[tuple[str, int]]:
    """(file relative to the content folder, line number): the first text lines of every YAML file."""
    out = []
    for path in sorted(content_dir.rglob("*.yml")):
        lines = path.read_text(encoding="utf-8").split("\n")
        found = [i for i, line in enumerate(lines) if TEXT_LINE.match(line) and not line.rstrip().endswith(":")]
        out += [(path.relative_to(content_dir).as_posix(), i) for i in found[:PER_FILE]]
    return out


def edit_line(path: Path, index: int) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    match = TEXT_LINE.match(lines[index])
    value = match.group(2)
    # A trailing comment: the edit goes before it.
    value = value.replace(" #", " edited #", 1) if " #" in value else value + " edited"
    lines[index] = match.group(1) + value
    path.write_text("\n".join(lines), encoding="utf-8")


class Preview:
    """What the plugin does under `mkdocs serve`: one parse cache and one memo across rebuilds."""

    def __init__(self, content_dir: Path, templates: Path) -> None:
        self.content_dir, self.templates = content_dir, templates
        self.cache: dict = {}
        self.memo = PageMemo()

    def rebuild(self) -> tuple[dict[str, str], dict[str, str]]:
        """(through the memo, from scratch) for the content as it is now (ContentErrors if it is wrong)."""
        content = load_content(self.content_dir, cache=self.cache)
        self.memo.start(content, templates_key([self.templates]))
        through_memo = rendered(content, self.templates, self.memo)
        self.memo.finish()
        return through_memo, rendered(load_content(self.content_dir), self.templates)


def project(tmp_path: Path, content_dir: Path) -> tuple[Path, Path]:
    shutil.copytree(content_dir, tmp_path / "content")
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    return tmp_path / "content", tmp_path / "templates"


CONTENTS = {"content": CONTENT_DIR, "fixture": FIXTURE_DIR}


@pytest.mark.parametrize("name", CONTENTS)
def test_every_text_edit_gives_the_pages_a_full_render_gives(tmp_path, name):
    content_dir, templates = project(tmp_path, CONTENTS[name])
    preview = Preview(content_dir, templates)
    first, fresh = preview.rebuild()
    assert first == fresh
    edits = text_edits(content_dir)
    if name == "fixture":
        assert len(edits) >= 5, "too few text lines found to edit"
    kept_some = False
    for file, index in edits:
        before = (content_dir / file).read_text(encoding="utf-8")
        edit_line(content_dir / file, index)
        try:
            through_memo, fresh = preview.rebuild()
        except ContentErrors:  # the edit broke a rule of the content (a length, an id): not a page edit
            (content_dir / file).write_text(before, encoding="utf-8")
            continue
        assert through_memo == fresh, f"{file}:{index + 1}: the memo kept a stale page"
        kept_some = kept_some or preview.memo.kept > 0
    if name == "fixture":  # content of a few pages may have every page read every file
        assert kept_some, "no edit kept any page: the memo does nothing"


@pytest.mark.parametrize("name", CONTENTS)
def test_guides_removed_and_added_and_a_template_edited(tmp_path, name):
    content_dir, templates = project(tmp_path, CONTENTS[name])
    preview = Preview(content_dir, templates)
    preview.rebuild()
    guides = sorted((content_dir / "guides").rglob("*.yml"))
    if not guides:
        pytest.skip("no guides in this content")
    # A copy of the first guide under a new id, title and file: a page that no build has seen.
    text = guides[0].read_text(encoding="utf-8")
    ident = re.search(r"^id:\s*(\S+)", text, re.M).group(1)
    text = re.sub(r"^title:\s*(.*)$", lambda m: f"title: Added {m.group(1)}", text, count=1, flags=re.M)
    copy = guides[0].with_name("memo-added-guide.yml")
    copy.write_text(text.replace(f"id: {ident}", "id: memo-added-guide", 1), encoding="utf-8")
    through_memo, fresh = preview.rebuild()
    assert through_memo == fresh
    assert any(p.endswith("memo-added-guide.md") for p in preview.memo.rendered)
    copy.unlink()
    through_memo, fresh = preview.rebuild()
    assert through_memo == fresh
    assert not any(p.endswith("memo-added-guide.md") for p in preview.memo.entries)
    # Every template edit makes every page again.
    guide_template = templates / "guide.md.j2"
    guide_template.write_text(guide_template.read_text(encoding="utf-8") + "\nEdited template.\n", encoding="utf-8")
    through_memo, fresh = preview.rebuild()
    assert through_memo == fresh
    assert preview.memo.kept == 0
    assert all(
        through_memo[content_page].endswith("Edited template.\n")
        for content_page in through_memo
        if content_page.count("/") == 1 and not content_page.endswith("index.md")
    )


def test_a_guide_edit_makes_again_only_the_pages_that_read_the_guide(tmp_path):
    content_dir, templates = project(tmp_path, FIXTURE_DIR)
    preview = Preview(content_dir, templates)
    preview.rebuild()
    content = load_content(content_dir)
    guide = next(iter(content.guides.values()))
    path = content_dir / content.files[("guide", guide.id)]
    path.write_text(
        path.read_text(encoding="utf-8").replace(f"summary: {guide.summary}", f"summary: {guide.summary} Edited.", 1),
        encoding="utf-8",
    )
    through_memo, fresh = preview.rebuild()
    assert through_memo == fresh
    made = set(preview.memo.rendered)
    assert content.guide_page(guide.id) in made
    assert f"{guide.jurisdiction}/index.md" in made  # it lists the guide's summary
    # A guide page that neither links to the edited guide nor lists guides is kept.
    linking = {p for p, markdown in fresh.items() if content.guide_page(guide.id).rsplit("/", 1)[1] in markdown}
    others = {content.guide_page(g) for g in content.guides} - made - linking
    assert others, "the fixture should have a guide page that does not read the edited guide"
    assert preview.memo.kept >= len(others)


def test_negative_control_a_memo_that_trusts_every_page_serves_stale_pages(tmp_path, monkeypatch):
    content_dir, templates = project(tmp_path, FIXTURE_DIR)
    monkeypatch.setattr(memo_module, "_same", lambda old, new: True)
    preview = Preview(content_dir, templates)
    preview.rebuild()
    stale = 0
    for file, index in text_edits(content_dir):
        before = (content_dir / file).read_text(encoding="utf-8")
        edit_line(content_dir / file, index)
        try:
            through_memo, fresh = preview.rebuild()
        except ContentErrors:
            (content_dir / file).write_text(before, encoding="utf-8")
            continue
        stale += through_memo != fresh
    assert stale > 0


def test_what_the_recorder_notes(tmp_path):
    content = load_content(FIXTURE_DIR)
    reads: dict = {}
    recorder = Recorder(content, reads)
    guide_id = next(iter(content.guides))
    assert recorder.guides[guide_id] is content.guides[guide_id]
    assert "no-such-guide" not in recorder.guides
    assert recorder.guides.get("no-such-guide", 1) == 1
    assert recorder.guide_page(guide_id) == content.guide_page(guide_id)  # a method reads through the recorder
    assert [g.id for g in recorder.guides.values()] == list(content.guides)
    noted = {(where, key if isinstance(key, (str, tuple)) else "ALL") for (where, key) in reads}
    assert (("items", "guide"), guide_id) in noted
    assert (("items", "guide"), "no-such-guide") in noted
    assert (("files",), ("guide", guide_id)) in noted
    assert (("items", "guide"), "ALL") in noted
    with pytest.raises(KeyError):
        recorder.guides["no-such-guide"]
