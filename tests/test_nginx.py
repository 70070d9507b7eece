"""Publishing: the built site served by the real nginx with the configuration the build writes.

The site is built as a host would build it (``site_url`` names the path it is served
under, SUB_PATH) and served by Debian's nginx through the generated
``nginx-include.conf`` (tests/nginx_support.py). Over HTTP: every file carries the
security headers and its MIME type, each page's header policy is its meta policy plus
``frame-ancestors``, unknown paths get the site's 404 page with status 404, and no
method writes anything. In Chromium: every page loads with zero CSP violations, the
checkers become ready, and a page framed from another origin is refused.

Negative controls: broken copies of the generated include (a header missing or wrong,
a wrong MIME type, no 404 page, writes allowed, the checker's policy changed) make the
same checks fail, so none of them passes by construction.
"""

from __future__ import annotations

import shutil
import socket
import subprocess

import pytest

from certkb import headers

from .conftest import SUB_PATH, StaticServer, build_site, copy_project
from .nginx_support import (
    NGINX,
    Nginx,
    header_problems,
    mutated_copy,
    served_problems,
    world_readable_dir,
)
from .quality_support import READY_TIMEOUT_MS, Recorder, built_pages, checker_pages, url_path, visit_many

# One pytest-xdist worker runs this module (the nginx build and server are made once).
pytestmark = pytest.mark.xdist_group("nginx")

SITE = SUB_PATH.strip("/")


@pytest.fixture(scope="session")
def nginx_www(tmp_path_factory):
    """A folder holding the site at SUB_PATH, built with site_url naming that path."""
    project = copy_project(tmp_path_factory.mktemp("nginx-project"))
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + f"\nsite_url: http://127.0.0.1{SUB_PATH}\n", encoding="utf-8"
    )
    www = world_readable_dir("certkb-nginx-www-")
    try:
        proc = build_site(www / SITE, cwd=project)
        assert proc.returncode == 0, f"strict build failed:\n{proc.stdout}\n{proc.stderr}"
        yield www
    finally:
        shutil.rmtree(www, ignore_errors=True)


@pytest.fixture(scope="session")
def nginx_site(nginx_www):
    return nginx_www / SITE


@pytest.fixture(scope="session")
def state_dirs():
    made = []

    def make():
        made.append(world_readable_dir("certkb-nginx-state-"))
        return made[-1]

    yield make
    for path in made:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def nginx(nginx_www, nginx_site, state_dirs):
    with Nginx(nginx_www, nginx_site / headers.NGINX_FILE, state_dirs()) as server:
        yield server


# --- over HTTP --------------------------------------------------------------------------------


def test_the_generated_configuration_serves_the_site_correctly(nginx, nginx_site):
    problems = served_problems(nginx, nginx_site)
    assert not problems, "\n".join(problems)
    assert "[emerg]" not in nginx.error_log() and "[alert]" not in nginx.error_log()


def test_it_is_the_real_nginx(nginx):
    version = subprocess.run([NGINX, "-v"], capture_output=True, text=True).stderr
    assert version.startswith("nginx version: nginx/"), version
    assert nginx.proc.poll() is None
    status, got, _ = nginx.request("GET", "")
    assert status == 200 and got["server"] == "nginx"
    # nginx logs a request before it closes the connection, so once the server has closed one
    # (Connection: close, read to the end) its line is in the log: no waiting, no race.
    with socket.create_connection(("127.0.0.1", nginx.port), timeout=30) as conn:
        conn.sendall(f"GET {SUB_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        while conn.recv(65536):
            pass
    assert f"GET {SUB_PATH} HTTP/1.1" in (nginx.state / "access.log").read_text(encoding="utf-8")


# (what to break in a copy of the include, with what, and the problem the checks must then report)
BROKEN = {
    "nosniff missing": (
        '    add_header X-Content-Type-Options "nosniff" always;\n',
        "",
        "no x-content-type-options header",
    ),
    "referrer leaks": (
        'Referrer-Policy "no-referrer"',
        'Referrer-Policy "unsafe-url"',
        "referrer-policy is 'unsafe-url'",
    ),
    "permissions open": ("camera=(), ", "", "permissions-policy is"),
    "frameable": ("; frame-ancestors 'none'", "", "content-security-policy is"),
    "headers only on success": (" always;", ";", "(404): no content-security-policy header"),
    "wasm mistyped": (
        "application/wasm wasm;",
        "application/octet-stream wasm;",
        ".wasm: Content-Type 'application/octet-stream', expected 'application/wasm'",
    ),
    "mjs untyped": (
        "text/javascript js mjs;",
        "text/javascript js;",
        ".mjs: Content-Type 'application/octet-stream', expected 'text/javascript'",
    ),
    "header policy drifts": ("'wasm-unsafe-eval'", "", "is not the meta policy"),
    "no 404 page": (f"error_page 404 {SUB_PATH}404.html;", "", "the body is not the site's 404.html"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_broken_configuration_fails_the_checks(name, nginx_www, nginx_site, state_dirs):
    old, new, expected = BROKEN[name]
    state = state_dirs()
    include = mutated_copy(nginx_site / headers.NGINX_FILE, state / "broken.conf", old, new)
    with Nginx(nginx_www, include, state) as server:
        problems = served_problems(server, nginx_site)
    assert any(expected in p for p in problems), "\n".join(problems[:20]) or "no problem found"


def test_a_server_that_accepts_writes_fails_the_checks(nginx_site, state_dirs):
    """Negative control for the write check: WebDAV on, over a copy the workers may write."""
    www = state_dirs()
    site = shutil.copytree(nginx_site, www / SITE)
    for path in [site, *site.rglob("*")]:
        path.chmod(0o777 if path.is_dir() else 0o666)
    state = state_dirs()
    include = mutated_copy(
        site / headers.NGINX_FILE,
        state / "writable.conf",
        "limit_except GET { deny all; }",
        "dav_methods PUT DELETE MKCOL COPY MOVE; create_full_put_path on;",
    )
    with Nginx(www, include, state) as server:
        problems = served_problems(server, site)
    assert any(p.startswith("PUT assets/written.txt: status 201") for p in problems), "\n".join(problems[:20])
    assert any(p.startswith("files under the site changed through the server") for p in problems)


# --- in Chromium ------------------------------------------------------------------------------


def browser_problems(browser, server: Nginx, site, pages: list[str]) -> tuple[list[str], set[str]]:
    """Load each page through ``server``: CSP violations, console errors, a checker that never
    became ready, and any response without the headers. Also returns the file kinds fetched."""
    problems: list[str] = []
    seen: set[str] = set()

    def listen(rec: Recorder) -> list:
        responses: list = []
        rec.context.on("response", lambda r: responses.append((r.url, r.status, r.all_headers())))
        return responses

    for v, responses in visit_many(browser, server, pages, prepare=listen):
        rel = v.rel
        problems += [f"{rel}: {e['directive']} blocked {e['blocked'] or e['sample']!r}" for e in v.csp]
        problems += [f"{rel}: console: {t[:300]}" for t in v.csp_console + v.console_errors]
        if v.ready is False:
            problems.append(f"{rel}: the checker never became ready")
        for url, status, got in responses:
            if url.startswith(server.base):
                path = url[len(server.base) :].split("?")[0].split("#")[0]
                seen.add(path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else "page")
                problems += header_problems(f"{rel} -> {path or '/'} ({status})", got)
    return problems, seen


@pytest.mark.browser
def test_every_page_works_through_nginx(browser, nginx, nginx_site):
    pages = built_pages(nginx_site)
    problems, seen = browser_problems(browser, nginx, nginx_site, pages)
    print(f"\nnginx: {len(pages)} pages loaded in Chromium; file kinds fetched: {sorted(seen)}")
    assert not problems, "\n".join(problems)
    if checker_pages(nginx_site):
        assert {"mjs", "wasm"} <= seen, "the checker's module and WebAssembly were never fetched"


@pytest.mark.browser
def test_the_checker_fails_under_a_drifted_header_policy(browser, nginx_www, nginx_site, state_dirs):
    """Negative control: a header policy without the checker's 'wasm-unsafe-eval' is enforced
    beside the page's meta policy, and the violation is what the browser check records."""
    checkers = sorted(checker_pages(nginx_site).values())
    if not checkers:
        pytest.skip("the content defines no pathway")
    state = state_dirs()
    include = mutated_copy(nginx_site / headers.NGINX_FILE, state / "drift.conf", "'wasm-unsafe-eval'", "")
    with Nginx(nginx_www, include, state) as server:
        rec = Recorder(browser)
        try:
            rec.page.goto(server.url(url_path(checkers[0])), wait_until="load")
            # Waits for the refusal the broken header causes (it never comes with the right one).
            rec.page.wait_for_function(
                "() => window.__quality && window.__quality.csp.length > 0", timeout=READY_TIMEOUT_MS
            )
            v = rec.collect(checkers[0], server.url(url_path(checkers[0])))
        finally:
            rec.close()
    assert any(e["directive"] == "script-src" and e["blocked"] == "wasm-eval" for e in v.csp), v.csp


def framed(browser, server: Nginx, framer_dir, page: str) -> bool:
    """Whether ``page`` of ``server`` shows inside an iframe on another origin."""
    target = server.url(page)
    (framer_dir / "frame.html").write_text(
        f'<!doctype html><html lang="en"><title>another site</title><iframe src="{target}" title="framed"></iframe>',
        encoding="utf-8",
    )
    with StaticServer(framer_dir) as other:
        assert other.base.split("/kb/")[0] != server.base.split("/kb/")[0]  # another origin: another port
        context = browser.new_context()
        try:
            pg = context.new_page()
            pg.goto(other.url("frame.html"), wait_until="load")
            child = pg.frames[1]
            return child.url == target and child.title() != ""
        finally:
            context.close()


@pytest.mark.browser
def test_a_page_framed_from_another_origin_is_refused(browser, nginx, nginx_www, nginx_site, state_dirs, tmp_path):
    pages = ["", *(rel for rel in sorted(checker_pages(nginx_site).values())[:1])]
    for page in pages:
        assert not framed(browser, nginx, tmp_path, page), f"{page or 'the home page'} was shown in a frame"
    # Negative control: without frame-ancestors the same page is framed, so the check can fail.
    state = state_dirs()
    include = mutated_copy(nginx_site / headers.NGINX_FILE, state / "frameable.conf", "; frame-ancestors 'none'", "")
    with Nginx(nginx_www, include, state) as server:
        assert framed(browser, server, tmp_path, "")
