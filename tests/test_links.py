"""Integrity: every internal link and anchor on the built site resolves; every guide,
fact, checker and glossary reference in the content resolves on the built pages;
external links (which cannot be checked offline) are listed in a report.

Links are resolved the way a browser does, relative to the page's URL with the
site served under a sub-path, so a link that escapes the sub-path is broken too.
"""

from __future__ import annotations

import html
import posixpath
import re
import urllib.parse
from collections import defaultdict
from pathlib import Path

import pytest

from certkb.loader import load_content
from certkb.models import REFERENCE_RE

from .conftest import CONTENT_DIR, SUB_PATH
from .quality_support import CHECKER_PAGE_RE, built_pages, parse_page, url_path, write_report

BASE = f"https://site.invalid{SUB_PATH}"  # any origin will do: only the path is resolved


class Site:
    """The built site as files: parsed pages by URL path, for resolving links."""

    def __init__(self, root: Path):
        self.root = root
        self.pages = {rel: parse_page((root / rel).read_text(encoding="utf-8")) for rel in built_pages(root)}

    def target(self, path: str) -> str | None:
        """The built file a URL path under the sub-path serves, as a site-relative path (or None)."""
        if not path.startswith(SUB_PATH):
            return None
        rel = urllib.parse.unquote(path[len(SUB_PATH) :])
        if rel.startswith("/") or ".." in rel.split("/"):
            return None
        candidates = [rel + "index.html"] if (rel == "" or rel.endswith("/")) else [rel, rel + "/index.html"]
        for c in candidates:
            if (self.root / c).is_file():
                return c
        return None


def resolve(site: Site, rel: str, href: str) -> tuple[str, str | None, str]:
    """('internal'|'external'|'other', problem or None, absolute URL) for one href on page ``rel``."""
    page_url = urllib.parse.urljoin(BASE, url_path(rel))
    url = urllib.parse.urljoin(page_url, href)
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in ("mailto", "tel"):
        return "external", None, url
    if parts.scheme not in ("http", "https"):
        return "other", f"unsupported link scheme {parts.scheme!r}", url
    if parts.netloc != urllib.parse.urlsplit(BASE).netloc:
        return "external", None, url
    target = site.target(parts.path)
    if target is None:
        return "internal", f"no page at {parts.path!r}", url
    if parts.fragment and target.endswith(".html"):
        anchor = urllib.parse.unquote(parts.fragment)
        if CHECKER_PAGE_RE.fullmatch(target) and "=" in anchor:
            return "internal", None, url  # a checker link carrying answers, not an anchor
        if anchor not in site.pages[target].ids and anchor != "top":
            return "internal", f"no element with id {anchor!r} on {target}", url
    return "internal", None, url


@pytest.fixture(scope="module")
def site(built_site) -> Site:
    return Site(built_site)


def test_every_internal_link_and_anchor_resolves(site, tmp_path_factory):
    broken: list[str] = []
    external: dict[str, set[str]] = defaultdict(set)
    internal = 0
    for rel, page in site.pages.items():
        for ref in page.refs:
            if ref.attr not in ("href", "src", "srcset", "poster", "data", "action", "formaction", "xlink:href"):
                continue
            if ref.tag == "link" and "preconnect" in ref.rel:
                continue
            kind, problem, url = resolve(site, rel, ref.value)
            if kind == "external":
                external[url].add(rel)
                continue
            internal += 1
            if problem:
                broken.append(f"{rel}:{ref.line}: <{ref.tag} {ref.attr}={ref.value!r}>: {problem}")
    report = tmp_path_factory.mktemp("reports") / "external-links.txt"
    lines = [f"# {len(external)} external links on the built site (not checked: the tests run offline)"]
    for url in sorted(external):
        pages = sorted(external[url])
        lines.append(f"{url}\t{len(pages)} page(s): {', '.join(pages[:5])}{' ...' if len(pages) > 5 else ''}")
    write_report(report, lines)
    print(
        f"\nlinks: {internal} internal links and resources checked on {len(site.pages)} pages, "
        f"{len(broken)} broken; {len(external)} external links listed in {report}"
    )
    assert internal > len(site.pages) * 10
    assert not broken, "\n".join(broken)


def test_link_checker_finds_broken_links(site):
    """Negative control: the resolver above does report what is broken."""
    rel = "index.html"
    assert resolve(site, rel, "no-such-page/")[1]
    assert resolve(site, rel, "#no-such-anchor")[1]
    assert resolve(site, rel, "../outside-the-sub-path/")[1]
    assert resolve(site, rel, "/assets/stylesheets/")[1]  # root-relative: escapes the sub-path
    assert resolve(site, rel, "javascript:alert(1)")[1]
    assert resolve(site, rel, "https://dese.mo.gov/")[0] == "external"
    assert resolve(site, rel, "./")[1] is None


@pytest.fixture(scope="module")
def content():
    return load_content(CONTENT_DIR)


def _links_from(site: Site, rel: str) -> set[str]:
    out = set()
    for ref in site.pages[rel].refs:
        if ref.tag == "a" and ref.attr == "href":
            kind, problem, url = resolve(site, rel, ref.value)
            if kind == "internal" and not problem:
                out.add(site.target(urllib.parse.urlsplit(url).path))
    return out


def _built(content_page: str) -> str:
    """Docs-relative Markdown path -> site-relative HTML path (use_directory_urls)."""
    stem = content_page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return posixpath.join(stem.removesuffix("index"), "index.html").lstrip("/")
    return f"{stem}/index.html"


def test_every_content_reference_resolves_on_its_built_page(site, content):
    """{fact:}, {guide:} and {checker:} in each guide's YAML: the fact's value is on the built page,
    and the guide or checker it names is linked (to the page that was actually built)."""
    problems = []
    checked = 0
    for gid in content.guides:
        rel = _built(content.guide_page(gid))
        assert rel in site.pages, f"guide {gid} has no built page {rel}"
        raw = (content.root / content.files[("guide", gid)]).read_text(encoding="utf-8")
        text = site.pages[rel].text
        links = _links_from(site, rel)
        for kind, ident in REFERENCE_RE.findall(raw):
            checked += 1
            if kind == "fact":
                if " ".join(content.facts[ident].value.split()) not in text:
                    problems.append(f"{rel}: {{fact:{ident}}} value not on the page")
            elif kind == "guide":
                if _built(content.guide_page(ident)) not in links:
                    problems.append(f"{rel}: {{guide:{ident}}} is not a working link")
            else:
                if _built(content.checker_page(ident)) not in links:
                    problems.append(f"{rel}: {{checker:{ident}}} is not a working link to its checker page")
        for related in content.guides[gid].related:
            checked += 1
            if _built(content.guide_page(related)) not in links:
                problems.append(f"{rel}: related guide {related} is not a working link")
        if content.guides[gid].pathway:
            checked += 1
            if _built(content.checker_page(content.guides[gid].pathway)) not in links:
                problems.append(f"{rel}: no working link to the checker of pathway {content.guides[gid].pathway}")
    print(f"\nreferences: {checked} content references checked on built pages")
    assert checked > 0
    assert not problems, "\n".join(problems)


def test_no_unresolved_reference_or_template_text_on_any_page(site):
    problems = []
    for rel, page in site.pages.items():
        for pattern in (REFERENCE_RE, re.compile(r"\{\{|\{%|\}\}")):
            m = pattern.search(page.text)
            if m and not rel.startswith("staff/"):  # the staff guide explains the {fact:ID} syntax
                problems.append(f"{rel}: {m.group(0)!r} left on the page")
    assert not problems, "\n".join(problems)


def test_every_glossary_abbreviation_resolves(site, content, built_site):
    """Each <abbr> on the site is a glossary term with its definition; the glossary lists every term."""
    problems = []
    abbr_re = re.compile(r'<abbr title="([^"]*)">([^<]*)</abbr>')
    seen = set()
    for rel in site.pages:
        for title, term in abbr_re.findall((built_site / rel).read_text(encoding="utf-8")):
            term, title = html.unescape(term), html.unescape(title)
            seen.add(term)
            if term not in content.glossary:
                problems.append(f"{rel}: <abbr>{term}</abbr> is not a glossary term")
            elif title != content.glossary[term].definition:
                problems.append(
                    f"{rel}: <abbr>{term}</abbr> says {title!r}, the glossary says "
                    f"{content.glossary[term].definition!r}"
                )
    glossary = site.pages.get("glossary/index.html")
    assert glossary is not None, "no glossary page"
    for term in content.glossary:
        if term not in glossary.text:
            problems.append(f"glossary/index.html: term {term} missing")
    assert seen, "no abbreviation tooltips on the site"
    assert not problems, "\n".join(problems)
