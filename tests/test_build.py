"""A full strict build of the real site: every guide has its page, and each page
carries its facts, sources and review date. Broken content stops the build
before anything is written."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from certkb.loader import load_content
from certkb.models import REFERENCE_RE
from certkb.render import long_date

from .conftest import CONTENT_DIR, FIXTURE_DIR, build_site, copy_project


@pytest.fixture(scope="module")
def content():
    return load_content(CONTENT_DIR)


def page_html(site: Path, docs_path: str) -> str:
    out = site / docs_path.removesuffix(".md").removesuffix("index")
    out = out / "index.html" if not str(out).endswith(".html") else out
    return (out if out.name == "index.html" else out / "index.html").read_text(encoding="utf-8")


def text_of(markup: str) -> str:
    """Visible text, roughly: tags dropped, entities decoded, whitespace collapsed."""
    inline = re.sub(r"</?(?:abbr|a|strong|em|code|small|span|sup|sub)\b[^>]*>", "", markup)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def test_every_guide_has_a_page_with_its_facts_sources_and_review_date(built_site, content):
    assert len(content.guides) >= 20
    for gid, guide in content.guides.items():
        page = page_html(built_site, content.guide_page(gid))
        text = text_of(page)
        assert guide.title in text, gid
        assert f"Last reviewed {long_date(guide.last_reviewed)}" in text, gid
        for sid in guide.sources:
            assert content.sources[sid].title in text, (gid, sid)
        raw = (CONTENT_DIR / content.files[("guide", gid)]).read_text(encoding="utf-8")
        for kind, ident in REFERENCE_RE.findall(raw):
            if kind == "fact":
                assert content.facts[ident].value in text, (gid, ident)
            elif kind == "guide":
                assert content.guides[ident].title in text, (gid, ident)


def test_jurisdiction_indexes_and_glossary_exist(built_site, content):
    for jid, j in content.jurisdictions.items():
        assert j.name in text_of(page_html(built_site, f"{jid}/index.md"))
    glossary = text_of(page_html(built_site, "glossary.md"))
    for term in content.glossary.values():
        assert term.term in glossary and term.definition in glossary


def test_glossary_terms_are_abbreviation_tooltips(built_site, content):
    """Wherever a guide's text uses a glossary term, the page explains it in a tooltip."""
    shown = 0
    for gid in content.guides:
        page = page_html(built_site, content.guide_page(gid))
        article = text_of(page[page.index("<article") : page.index("</article>")])
        for term in content.glossary.values():
            if re.search(rf"(?<![\w-]){re.escape(term.term)}(?![\w-])", article):
                # The title is double-quoted, so an apostrophe in it may be left as it is.
                shapes = {
                    html.escape(term.definition),
                    html.escape(term.definition, quote=False).replace('"', "&quot;"),
                }
                assert any(f'<abbr title="{t}">{html.escape(term.term)}</abbr>' in page for t in shapes), (
                    gid,
                    term.term,
                )
                shown += 1
    assert shown, "no guide uses a glossary term, so nothing was checked"


def test_search_index_holds_the_guides(built_site, content):
    index = (built_site / "search" / "search_index.json").read_text(encoding="utf-8")
    for guide in content.guides.values():
        assert guide.title.replace('"', '\\"') in index


def test_site_uses_relative_links_only(built_site):
    """Hosted under any sub-path: no root-relative or absolute links to our own pages."""
    for page in built_site.rglob("*.html"):
        for ref in re.findall(r'(?:href|src)="([^"]+)"', page.read_text(encoding="utf-8")):
            assert not ref.startswith("/"), (page, ref)


def test_edit_link_opens_the_yaml_source(tmp_path):
    project = copy_project(tmp_path / "project", content=FIXTURE_DIR)
    (project / "edit.yml").write_text(
        "INHERIT: mkdocs.yml\nrepo_url: https://example.org/agency/kb\nedit_uri: edit/main/docs/\n"
    )
    proc = build_site(tmp_path / "site", config=project / "edit.yml", cwd=project)
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "site" / "missouri" / "create-account" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/agency/kb/edit/main/content/guides/missouri/create-account.yml"' in page


def test_invalid_content_fails_the_build_before_writing_anything(tmp_path):
    project = copy_project(tmp_path / "project", content=FIXTURE_DIR)
    guide = project / "content" / "guides" / "missouri" / "create-account.yml"
    guide.write_text(guide.read_text(encoding="utf-8").replace("steps:", "stpes:", 1), encoding="utf-8")
    facts = project / "content" / "facts.yml"
    facts.write_text(facts.read_text(encoding="utf-8") + "  - id: broken\n", encoding="utf-8")
    site = tmp_path / "site"
    proc = build_site(site, cwd=project)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert (
        "content/guides/missouri/create-account.yml:" in out and "unknown field 'stpes' (did you mean 'steps'?)" in out
    )
    assert re.search(r"content/facts\.yml:\d+:\d+: missing required field 'jurisdiction'", out)
    assert "Traceback" not in out
    assert not site.exists()
