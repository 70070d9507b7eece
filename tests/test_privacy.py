"""No third-party requests, nothing stored, nothing an educator types leaves the page.

Two views of the same promise:

* statically, the built HTML and CSS reference no script, stylesheet, font,
  image, frame or other resource on another origin;
* dynamically, every built page loaded in Chromium (checker pages until their
  widget is ready) asks nothing of any origin but the local server, under the
  site's sub-path.

``data:`` URIs are allowed in CSS only: Material's icons are inline SVG
``data:`` images in its stylesheet (no request is made for them). ``blob:`` is
not needed by anything on the site and is not allowed.

Storage at load: Material's palette component saves the active palette
(``{"index": 0, "color": {"media": "(prefers-color-scheme)", ...}}``) in
localStorage under ``<site path>.__palette`` on every page load, before the
user touches the light/dark toggle; it is how the toggle's choice persists. It
holds the colour scheme only, never leaves the browser, and is the one key
allowed. No cookies, no sessionStorage, no Cache Storage, and no IndexedDB data:
PyScript's core.js creates one empty database, ``IDBMap/@pyscript.fs``, when
it loads (for ``pyscript.fs.mount``, which the checker does not use); it must
stay empty.
"""

from __future__ import annotations

import json
import re
import urllib.parse

import pytest

from .checker_visits import CHECKER_VISITS, content_checker_visits
from .quality_support import (
    SITE_VISITS,
    Recorder,
    built_pages,
    checker_pages,
    is_off_site,
    parse_page,
    settle,
    url_path,
    visit_every_page,
    wait_ready,
)

# PyScript's core.js opens (and so creates) this IndexedDB database when it is imported, for its
# optional local-folder feature (pyscript.fs.mount), which the checker never uses. It stays empty;
# the tests allow it only with zero records.
PYSCRIPT_FS_DB = "IDBMap/@pyscript.fs"

# <link rel> values that only name a related document (no fetch), as opposed to
# stylesheet, icon, preload, modulepreload, prefetch, preconnect, dns-prefetch, manifest.
NAVIGATIONAL_RELS = {"canonical", "alternate", "prev", "next", "author", "license", "help", "search", "bookmark"}
CSS_URL_RE = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)|@import\s+(?:url\()?\s*['"]?([^'");\s]+)""", re.IGNORECASE)


def resource_refs(markup: str) -> list[tuple[str, str, str, int]]:
    """(tag, attribute, url, line) of everything the browser would fetch, not follow."""
    page = parse_page(markup)
    out = []
    for ref in page.refs:
        if ref.tag == "a" or ref.attr in ("cite", "longdesc"):
            continue  # links are followed by a person, not fetched
        if ref.tag == "link" and ref.rel and set(ref.rel.split()) <= NAVIGATIONAL_RELS:
            continue
        out.append((ref.tag, ref.attr, ref.value, ref.line))
    for style in page.styles:
        for m in CSS_URL_RE.finditer(style):
            out.append(("style", "url()", m.group(2) or m.group(3), 0))
    return out


def test_built_html_references_nothing_on_another_origin(built_site):
    problems = []
    pages = built_pages(built_site)
    checked = 0
    for rel in pages:
        markup = (built_site / rel).read_text(encoding="utf-8")
        if re.search(r"\sping\s*=", markup):
            problems.append(f"{rel}: an <a ping> attribute (it reports clicks to a server)")
        for tag, attr, url, line in resource_refs(markup):
            checked += 1
            if is_off_site(url) or url.lower().startswith(("data:text/html", "javascript:", "blob:")):
                problems.append(f"{rel}:{line}: <{tag} {attr}={url!r}> points off-site")
    print(f"\nprivacy: {checked} resource references in {len(pages)} pages, {len(problems)} off-site")
    assert checked > len(pages) * 3  # the scan saw the stylesheets and scripts it should
    assert not problems, "\n".join(problems)


def test_built_css_imports_nothing_from_another_origin(built_site):
    problems = []
    sheets = sorted(built_site.rglob("*.css"))
    assert sheets
    for sheet in sheets:
        text = sheet.read_text(encoding="utf-8", errors="replace")
        for m in CSS_URL_RE.finditer(text):
            url = (m.group(2) or m.group(3) or "").strip()
            if is_off_site(url):
                problems.append(f"{sheet.relative_to(built_site)}: {m.group(0)[:120]}")
    assert not problems, "\n".join(problems)


@pytest.mark.browser
@pytest.mark.xdist_group(SITE_VISITS)
def test_no_page_asks_anything_of_another_origin(browser, site_server, built_site):
    visits = visit_every_page(browser, site_server, built_site)
    origin = urllib.parse.urlsplit(site_server.base)
    problems = []
    total = 0
    for rel, v in visits.items():
        total += len(v.requests)
        for url in v.requests:
            parts = urllib.parse.urlsplit(url)
            if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
                problems.append(f"{rel}: requested {url[:200]}")
            elif not parts.path.startswith(origin.path):
                problems.append(f"{rel}: requested {url[:200]}, outside the site's sub-path {origin.path}")
    off = len(problems)
    print(f"\nprivacy: {len(visits)} pages loaded, {total} requests, {off} off-origin or outside the sub-path")
    assert total >= len(visits)  # every page was requested and recorded
    assert not problems, "\n".join(problems)


def check_storage(rel: str, storage: dict, scope: str) -> list[str]:
    problems = []
    if storage["cookies"]:
        problems.append(f"{rel}: cookies set: {storage['cookies']!r}")
    if storage["session"]:
        problems.append(f"{rel}: sessionStorage written: {sorted(storage['session'])}")
    for db in storage["indexedDB"]:
        if db["name"] != PYSCRIPT_FS_DB or db["records"] != 0:
            problems.append(f"{rel}: IndexedDB database {db['name']!r} with {db['records']} records")
    if storage["caches"]:
        problems.append(f"{rel}: Cache Storage: {storage['caches']}")
    for key, value in storage["local"].items():
        if key != f"{scope}.__palette":
            problems.append(f"{rel}: localStorage key {key!r} written")
            continue
        palette = json.loads(value)
        if set(palette) - {"index", "color"} or set(palette.get("color", {})) - {
            "media",
            "scheme",
            "primary",
            "accent",
        }:
            problems.append(f"{rel}: Material's palette entry holds more than the colour scheme: {value}")
    return problems


@pytest.mark.browser
@pytest.mark.xdist_group(SITE_VISITS)
def test_nothing_is_stored_at_load_but_materials_palette(browser, site_server, built_site):
    visits = visit_every_page(browser, site_server, built_site)
    scope = urllib.parse.urlsplit(site_server.base).path  # Material's __md_scope: the site root
    problems = []
    for rel, v in visits.items():
        problems += check_storage(rel, v.storage, scope)
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_answering_a_checker_sends_and_stores_nothing(browser, site_server, built_site):
    """Typing answers sends nothing anywhere (no query, no body, no answer in any URL),
    Enter submits nothing, answers stay in the fragment, and no answer is stored."""
    checkers = checker_pages(built_site)
    scope = urllib.parse.urlsplit(site_server.base).path
    problems = []
    canary = "31.4159"  # a number nobody else on the page would produce
    for rel in checkers.values():
        rec = Recorder(browser)
        try:
            rec.page.goto(site_server.url(url_path(rel)), wait_until="load")
            assert wait_ready(rec.page), f"{rel}: the checker never became ready"
            page = rec.page
            start_url = page.url
            rec.reset()
            fields = page.locator(
                "[data-checker-ready] input.checker-input:visible, "
                "[data-checker-ready] input[type=text]:visible, "
                "[data-checker-ready] input[type=number]:visible"
            )
            assert fields.count() > 0, f"{rel}: no text or number fields to answer"
            for i in range(fields.count()):
                field = fields.nth(i)
                field.click()
                page.keyboard.type(canary)
                page.keyboard.press("Enter")  # an implicit form submission would send the answers
            radios = page.locator("[data-checker-ready] input[type=radio]:visible")
            for i in range(radios.count()):
                radios.nth(i).check()
            page.wait_for_timeout(300)
            settle(page)
            if page.url.split("#")[0] != start_url.split("#")[0]:
                problems.append(f"{rel}: answering navigated to {page.url}")
            # Chromium may re-request the favicon when the fragment changes; a static file of the
            # site is fine. What may never happen: a query string, a body, an answer in a URL.
            for method, url, body in rec.sent:
                parts = urllib.parse.urlsplit(url)
                if method != "GET" or body or parts.query or canary in url or not url.startswith(site_server.base):
                    problems.append(f"{rel}: answering sent {method} {url[:200]} {body[:100] if body else ''}")
            after = rec.collect(rel, page.url)
            problems += check_storage(rel, after.storage, scope)
            stored = json.dumps(after.storage)
            if canary in stored:
                problems.append(f"{rel}: an answer was stored: {stored[:300]}")
            if canary not in urllib.parse.unquote(page.url.partition("#")[2]):
                problems.append(f"{rel}: answers are not in the URL fragment ({page.url[:200]})")
            problems += [f"{rel}: CSP: {e}" for e in after.csp]
        finally:
            rec.close()
    assert not problems, "\n".join(problems)


@pytest.mark.browser
@pytest.mark.xdist_group(CHECKER_VISITS)
def test_every_pathway_case_loads_from_the_fragment_without_requests(browser, site_server, built_site):
    """Opening a shared link (#answers) fills the form locally: the answers never appear in a request,
    whether the link is opened cold or followed from the open page (checker_visits does both)."""
    problems = []
    cold = 0
    for pid in checker_pages(built_site):
        visits = content_checker_visits(browser, site_server, pid)
        for v in [visits.first, *visits.cases]:
            cold += v.cold
            if not v.ready:
                problems.append(f"{pid} ({v.name}): the checker never became ready")
            for method, url, body in v.sent:
                parts = urllib.parse.urlsplit(url)
                if method != "GET" or body or parts.query or (v.fragment and v.fragment in url):
                    problems.append(f"{pid} ({v.name}): request carries data: {method} {url[:200]}")
    assert cold >= len(checker_pages(built_site)), "each checker is loaded cold at least once"
    assert not problems, "\n".join(problems)
