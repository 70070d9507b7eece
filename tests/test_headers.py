"""certkb/headers.py: the server configuration the build writes from each page's policy.

Plain functions first, then the real build's files: every page's policy in ``_headers``
is its meta tag's policy plus ``frame-ancestors``, and the nginx include states it.
tests/test_nginx.py serves the include through the real nginx.
"""

from __future__ import annotations

import html
import re

import pytest

from certkb import csp, headers

from .conftest import build_site, copy_project
from .quality_support import built_pages, checker_pages, url_path

META_RE = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')

PLAIN = "<html><head><meta charset='utf-8'></head><body><script>var a = 1;</script></body></html>"
CHECKER = "<html><head><meta charset='utf-8'></head><body><script type='mpy'>print(1)</script></body></html>"


def parse_headers_file(text: str) -> dict[str, dict[str, str]]:
    """Netlify/Cloudflare _headers: a path on its own line, then indented 'Name: value' lines."""
    rules: dict[str, dict[str, str]] = {}
    current = None
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line[0].isspace():
            assert line not in rules, f"{line} has two rules: a host would join their policies"
            current = rules[line] = {}
        else:
            name, _, value = line.strip().partition(": ")
            assert current is not None and name not in current, line
            current[name] = value
    return rules


# --- plain functions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "site_url, expected",
    [
        (None, "/"),
        ("", "/"),
        ("http://127.0.0.1/kb", "/kb/"),
        ("http://127.0.0.1/kb/", "/kb/"),
        ("http://127.0.0.1", "/"),
    ],
)
def test_base_path_is_site_urls_path(site_url, expected):
    assert headers.base_path(site_url) == expected


def test_one_policy_per_page_feeds_the_meta_tag_and_the_headers():
    policies = headers.Policies()
    out = policies.apply(PLAIN, "a/index.html")
    assert html.unescape(META_RE.search(out).group(1)) == policies.by_page["a/index.html"] == csp.policy(PLAIN)
    header = dict(policies.headers(policies.by_page["a/index.html"]))[headers.CSP_HEADER]
    assert header == csp.policy(PLAIN) + "; frame-ancestors 'none'"


def test_the_nginx_include_repeats_every_header_in_every_location(tmp_path):
    policies = headers.Policies()
    for uri in ("index.html", "a/index.html", "b/index.html"):
        policies.apply(PLAIN, uri)
    policies.apply(CHECKER, "checker/x/index.html")
    (tmp_path / "x.mjs").write_text("")
    types, unknown = headers.mime_types(tmp_path)
    text = headers.nginx_include(policies, "/kb/", types)
    assert text.count("location ") == 2  # the site, and the one page whose policy differs
    assert "location ^~ /kb/ {" in text and "    location = /kb/checker/x/index.html {" in text
    blocks = text.split("    location = ")
    assert "wasm-unsafe-eval" not in blocks[0] and "wasm-unsafe-eval" in blocks[1]
    for block in blocks:  # nginx drops the outer add_header lines in a location that has its own
        for name in (headers.CSP_HEADER, *(n for n, _ in headers.COMMON)):
            assert f"add_header {name} " in block
        assert "limit_except GET { deny all; }" in block
    assert "text/javascript js mjs;" in text and "application/wasm wasm;" in text
    assert "error_page 404 /kb/404.html;" in text
    assert not unknown


def test_a_file_type_no_table_knows_is_reported(tmp_path):
    (tmp_path / "data.zzqx").write_text("")
    (tmp_path / "page.html").write_text("")
    types, unknown = headers.mime_types(tmp_path)
    assert unknown == ["zzqx"] and types["html"] == "text/html"


def test_a_value_nginx_would_expand_is_refused():
    with pytest.raises(ValueError):
        headers._nginx_value("default-src $host")


def test_an_unknown_file_type_fails_the_strict_build(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "docs" / "download.zzqx").write_text("data", encoding="utf-8")
    proc = build_site(tmp_path / "site", cwd=project)
    assert proc.returncode != 0
    assert "site files ending in .zzqx have no known MIME type" in proc.stderr


# --- the real build ------------------------------------------------------------------------------


def test_every_pages_header_policy_is_its_meta_policy(built_site):
    rules = parse_headers_file((built_site / headers.HEADERS_FILE).read_text(encoding="utf-8"))
    include = (built_site / headers.NGINX_FILE).read_text(encoding="utf-8")
    problems = []
    pages = built_pages(built_site)
    for rel in pages:
        meta = html.unescape(META_RE.search((built_site / rel).read_text(encoding="utf-8")).group(1))
        expected = f"{meta}; frame-ancestors 'none'"
        rule = rules.get("/" + url_path(rel), {})
        if rule.get("Content-Security-Policy") != expected:
            problems.append(f"_headers: {rel}: {rule.get('Content-Security-Policy')!r} != {expected!r}")
        if f'add_header Content-Security-Policy "{expected}" always;' not in include:
            problems.append(f"{headers.NGINX_FILE}: no location sends {rel}'s policy")
    assert not problems, "\n".join(problems)
    common = rules["/*"]
    assert common["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" not in common
    assert len(rules) == len(pages) + 1


def test_only_checker_pages_may_compile_webassembly_in_the_headers(built_site):
    rules = parse_headers_file((built_site / headers.HEADERS_FILE).read_text(encoding="utf-8"))
    checkers = {"/" + url_path(rel) for rel in checker_pages(built_site).values()}
    allowed = {path for path, rule in rules.items() if "'wasm-unsafe-eval'" in rule.get("Content-Security-Policy", "")}
    assert allowed == checkers
