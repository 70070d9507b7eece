"""Content Security Policy: every built page carries a strict policy in a meta tag,
before anything that loads or runs, and works under it in Chromium with zero
violations (checker pages included: they must become ready and evaluate).

The policy itself is built by certkb/csp.py; its module docstring explains each directive.
"""

from __future__ import annotations

import re

import pytest

from certkb import csp

from .checker_visits import CHECKER_VISITS, content_checker_visits
from .quality_support import (
    SITE_VISITS,
    Recorder,
    built_pages,
    checker_pages,
    parse_page,
    pathway_cases,
    visit,
    visit_every_page,
)

META_RE = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
FORBIDDEN_SOURCES = (
    "'unsafe-inline'",
    "'unsafe-eval'",
    "'unsafe-hashes'",
    "*",
    "http:",
    "https:",
    "blob:",
    "'strict-dynamic'",
)


def directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


# --- the policy in the built HTML -------------------------------------------------------------


def test_every_page_carries_one_strict_policy_before_anything_loads(built_site):
    import html as htmllib

    problems = []
    pages = built_pages(built_site)
    for rel in pages:
        markup = (built_site / rel).read_text(encoding="utf-8")
        found = META_RE.findall(markup)
        if len(found) != 1:
            problems.append(f"{rel}: {len(found)} CSP meta tags")
            continue
        policy = htmllib.unescape(found[0])
        head = markup[: markup.find("</head>")]
        first_meta = head.find('<meta http-equiv="Content-Security-Policy"')
        for tag in ("<script", "<link", "<style", "<base", "<img"):
            at = head.find(tag)
            if 0 <= at < first_meta:
                problems.append(f"{rel}: {tag}> comes before the policy, which only governs what follows it")
        d = directives(policy)
        if d.get("default-src") != ["'self'"]:
            problems.append(f"{rel}: default-src is {d.get('default-src')}")
        for name, values in d.items():
            bad = [v for v in values if v in FORBIDDEN_SOURCES or v.startswith(("http", "//"))]
            if bad:
                problems.append(f"{rel}: {name} allows {bad}")
        for name in ("object-src", "base-uri", "form-action"):
            if d.get(name) != ["'none'"]:
                problems.append(f"{rel}: {name} is {d.get(name)}, expected 'none'")
        # Every executable inline script is allowed by its own hash, and nothing else is hashed.
        page = parse_page(markup)
        inline = [text for attrs, text in page.scripts if "src" not in attrs and csp._executes(attrs)]
        hashes = sorted(v for v in d.get("script-src", []) if v.startswith("'sha256-"))
        if hashes != sorted(set(csp.script_hash(t) for t in inline)):
            problems.append(f"{rel}: script-src hashes do not match the page's {len(inline)} inline scripts")
        # WebAssembly compilation only where PyScript runs.
        runs_python = csp.scan(markup).pyscript
        if ("'wasm-unsafe-eval'" in d.get("script-src", [])) != runs_python:
            problems.append(
                f"{rel}: 'wasm-unsafe-eval' {'missing' if runs_python else 'allowed'} "
                f"on a page that {'runs' if runs_python else 'does not run'} PyScript"
            )
        if page.event_handlers:
            problems.append(f"{rel}: inline event handler attributes {page.event_handlers[:3]} (CSP blocks them)")
    print(f"\nCSP meta checked on {len(pages)} pages")
    assert not problems, "\n".join(problems)


def test_checker_pages_are_the_only_pages_allowed_to_compile_webassembly(built_site):
    checkers = set(checker_pages(built_site).values())
    for rel in built_pages(built_site):
        policy = META_RE.search((built_site / rel).read_text(encoding="utf-8")).group(1)
        assert ("'wasm-unsafe-eval'" in policy) == (rel in checkers), rel


# --- the policy in Chromium -------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.xdist_group(SITE_VISITS)
def test_no_page_violates_its_policy(browser, site_server, built_site):
    visits = visit_every_page(browser, site_server, built_site)
    problems = []
    for rel, v in visits.items():
        for e in v.csp:
            problems.append(
                f"{rel}: {e['directive']} blocked {e['blocked'] or e['sample']!r} ({e['source']}:{e['line']})"
            )
        for text in v.csp_console:
            problems.append(f"{rel}: console: {text[:300]}")
        if v.ready is False:
            problems.append(f"{rel}: the checker never became ready under the policy (no data-checker-ready)")
    print(
        f"\nCSP: {len(visits)} pages loaded in Chromium, "
        f"{sum(len(v.csp) + len(v.csp_console) for v in visits.values())} violations"
    )
    assert not problems, "\n".join(problems)


@pytest.mark.browser
@pytest.mark.xdist_group(CHECKER_VISITS)
def test_checkers_evaluate_answers_under_the_policy(browser, site_server, built_site):
    """Not just loaded: each checker evaluates every YAML case with the policy in force (the
    shared visits: checker_visits.py), each case for its own day."""
    problems = []
    tried = 0
    for pid, rel in checker_pages(built_site).items():
        declared = {case["name"]: case["status"] for case in pathway_cases(pid, dated=True)}
        visits = content_checker_visits(browser, site_server, pid)
        for v in [visits.first, *visits.cases]:
            tried += 1
            status = v.shown.get("status")  # a chooser's page says "recommended" or "incomplete"
            if not v.ready:
                problems.append(f"{rel} ({v.name}): never became ready")
            elif declared.get(v.name) and status != declared[v.name]:
                problems.append(f"{rel} ({v.name}): status {status!r}, expected {declared[v.name]!r}")
            problems += [f"{rel} ({v.name}): {e['directive']} blocked {e['blocked']!r}" for e in v.csp]
            problems += [f"{rel} ({v.name}): console: {t[:300]}" for t in v.csp_console]
    print(f"\nCSP: {tried} checker evaluations under the policy")
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_the_recorder_sees_a_violation(browser, site_server):
    """Negative control: the gate above can fail. A script the page did not ship is refused
    by the policy and recorded, both by the DOM event and on the console."""
    rec = Recorder(browser)
    try:
        visit(rec, site_server, "index.html")
        rec.page.evaluate("""() => { const s = document.createElement('script');
                                     s.textContent = 'window.__ran = true'; document.body.append(s); }""")
        rec.page.wait_for_timeout(200)
        v = rec.collect("index.html", site_server.url(""))
        assert rec.page.evaluate("() => window.__ran === true") is False
        assert any(e["directive"] == "script-src-elem" for e in v.csp), v.csp
        assert v.csp_console, rec.console
    finally:
        rec.close()


# --- certkb.csp as plain functions ------------------------------------------------------------


def test_policy_hashes_executable_inline_scripts_only():
    page = (
        "<html><head><meta charset='utf-8'><title>t</title></head><body>"
        "<script>var a = 1;</script>"
        "<script type='module'>import './x.js'</script>"
        "<script id='__config' type='application/json'>{\"a\": 1}</script>"
        "<script type='mpy'>print(1)</script>"
        "<script src='x.js'></script></body></html>"
    )
    d = directives(csp.policy(page))
    assert d["script-src"] == [
        "'self'",
        csp.script_hash("var a = 1;"),
        csp.script_hash("import './x.js'"),
        "'wasm-unsafe-eval'",
    ]
    # The known SHA-256 of "var a = 1;", base64, as Chromium computes it.
    import base64
    import hashlib

    assert (
        csp.script_hash("var a = 1;") == f"'sha256-{base64.b64encode(hashlib.sha256(b'var a = 1;').digest()).decode()}'"
    )


def test_apply_puts_the_policy_right_after_the_charset_and_only_once():
    page = (
        '<!doctype html><html><head>\n<meta charset="utf-8">\n'
        '<link rel="stylesheet" href="a.css"></head><body></body></html>'
    )
    out = csp.apply(page)
    assert out.index("Content-Security-Policy") < out.index("<link")
    assert out.index('<meta charset="utf-8">') < out.index("Content-Security-Policy")
    assert csp.apply(out) == out
    assert "wasm-unsafe-eval" not in out
    assert csp.apply("no head here") == "no head here"
