"""Shared fixtures: the project root, a strict build of the real site (of the content under
test: ``content/``, or the folder in ``CERTKB_CONTENT``) and of the fixture content, a local
static server for each (under a sub-path, on 127.0.0.1 and a free port), and Debian's Chromium
driven by Playwright.

Two rules are enforced here rather than trusted:

* No clock: every Hypothesis test runs with ``deadline=None`` (the profile below), and its
  example database lives under .pytest_cache/, never in the repository.
* A test that launches Chromium is marked ``browser`` and a test marked ``browser`` uses it
  (``make test-fast`` leaves the browser tests out by that mark, so the mark must be true).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = Path(os.environ.get("CERTKB_CONTENT") or ROOT / "content").resolve()
FIXTURE_DIR = ROOT / "tests" / "fixtures" / "content"

settings.register_profile(
    "certkb",
    deadline=None,  # nothing in a test is timed; speed lives in benchmarks/
    suppress_health_check=[HealthCheck.too_slow],
    database=DirectoryBasedExampleDatabase(str(ROOT / ".pytest_cache" / "hypothesis")),
)
settings.load_profile("certkb")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SUB_PATH = "/kb/"  # the site is served under a sub-path, as an agency might host it
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def build_site(dest: Path, config: Path | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run a strict MkDocs build into ``dest``; returns the finished process."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(dest)]
    if config is not None:
        cmd += ["--config-file", str(config)]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)


def build_with_content(content_dir: Path, workdir: Path) -> Path:
    """A strict build of a copy of the project whose content/ is ``content_dir``; returns the site."""
    project = copy_project(workdir / "project", content=content_dir)
    dest = workdir / "site"
    proc = build_site(dest, cwd=project)
    assert proc.returncode == 0, f"strict build failed:\n{proc.stdout}\n{proc.stderr}"
    return dest


def session_dir(tmp_path_factory) -> Path:
    """A folder all of this test session's processes share: under pytest-xdist each worker has a
    base temporary folder of its own (``popen-gw0``...) inside the session's; without it, the
    session's own."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(tmp_path_factory, name: str, build) -> Path:
    """``build(folder)``'s result, made once per test session whatever the number of workers:
    the first worker to get the lock builds into ``folder``, the others wait and reuse it."""
    from filelock import FileLock

    folder = session_dir(tmp_path_factory) / name
    with FileLock(str(folder) + ".lock"):
        done = folder / ".built"
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a failed attempt's leftovers
            folder.mkdir(parents=True)
            result = build(folder)
            (folder / ".built").write_text(str(result.relative_to(folder)), encoding="utf-8")
        return folder / done.read_text(encoding="utf-8")


def _build_real_site(folder: Path) -> Path:
    if CONTENT_DIR != ROOT / "content":
        return build_with_content(CONTENT_DIR, folder)
    dest = folder / "site"
    proc = build_site(dest)
    assert proc.returncode == 0, f"strict build failed:\n{proc.stdout}\n{proc.stderr}"
    return dest


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site of the content under test, built once per test session with --strict."""
    return built_once(tmp_path_factory, "content-site", _build_real_site)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The site of tests/fixtures/content (frozen pathways the widget's tests use by name)."""
    return built_once(tmp_path_factory, "fixture-site", lambda folder: build_with_content(FIXTURE_DIR, folder))


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".json": "application/json",
    }

    def translate_path(self, path: str) -> str:
        # Only the sub-path exists; everything else is a 404 (a link that escapes it is a bug).
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if not clean.startswith(SUB_PATH):
            return str(Path(self.directory) / "__outside_sub_path__")
        return super().translate_path("/" + clean[len(SUB_PATH) :])

    def log_message(self, format, *args):  # keep test output quiet
        pass


class StaticServer:
    """A static file server on 127.0.0.1, a free port, serving ``directory`` under SUB_PATH."""

    def __init__(self, directory: Path):
        handler = functools.partial(_Handler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{SUB_PATH}"

    def url(self, page: str = "") -> str:
        return self.base + page.lstrip("/")

    def __enter__(self) -> StaticServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def site_server(built_site):
    with StaticServer(built_site) as server:
        yield server


@pytest.fixture(scope="session")
def fixture_server(fixture_site):
    with StaticServer(fixture_site) as server:
        yield server


# --- the browser mark, enforced ------------------------------------------------------------------

BROWSER_FIXTURES = {"browser", "page"}
_running: list[pytest.Item] = []  # the test being set up or run, for launch_chromium to check


def uses_chromium(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    params = set(callspec.params) if callspec else set()  # a parameter named "page" is not the fixture
    return bool(BROWSER_FIXTURES & (set(getattr(item, "fixturenames", ())) - params))


def pytest_collection_modifyitems(config, items):
    """A test that asks for Chromium (the browser or page fixture) must be marked browser, and a
    test marked browser must ask for it or launch it itself (launch_chromium checks the launch)."""
    wrong = []
    for item in items:
        marked = item.get_closest_marker("browser") is not None
        if uses_chromium(item) and not marked:
            wrong.append(f"{item.nodeid}: launches Chromium but is not marked @pytest.mark.browser")
        if marked and not uses_chromium(item) and not getattr(item.function, "launches_chromium", False):
            wrong.append(
                f"{item.nodeid}: is marked browser but never launches Chromium "
                "(use the page or browser fixture, or decorate it with @launches_chromium)"
            )
    if wrong:
        raise pytest.UsageError("\n".join(wrong))


def launches_chromium(test):
    """For a browser test that calls launch_chromium itself instead of using the fixtures."""
    test.launches_chromium = True
    return test


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    _running.append(item)
    try:
        return (yield)
    finally:
        _running.pop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    _running.append(item)
    try:
        return (yield)
    finally:
        _running.pop()


def launch_chromium(playwright):
    for item in _running:
        if item.get_closest_marker("browser") is None:
            pytest.fail(f"{item.nodeid} launches Chromium but is not marked @pytest.mark.browser")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    """A fresh context and page; fails the test on any console error."""
    context = browser.new_context()
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.console_errors = errors  # type: ignore[attr-defined]
    yield pg
    context.close()


def copy_project(dest: Path, content: Path | None = None) -> Path:
    """A copy of the project's site sources (for tests that edit content), with the content
    under test or the folder ``content``."""
    for name in ("content", "docs", "overrides", "checker", "schemas", "mkdocs.yml"):
        src = ROOT / name
        if name == "content":
            src = CONTENT_DIR if content is None else content
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy2(src, dest / name)
    guide = dest / "content" / "README.md"
    if not guide.exists():  # the staff guide the site's staff page includes (content without one: the fixtures)
        shutil.copy2(ROOT / "content" / "README.md", guide)
    nm = ROOT / "node_modules"
    if nm.exists():
        (dest / "node_modules").symlink_to(nm)
    return dest


def pytest_addoption(parser):
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite golden files from the current output (review the diff before committing)",
    )


@pytest.fixture
def update_goldens(request) -> bool:
    return bool(request.config.getoption("--update-goldens"))


def check_golden(path: Path, actual: str, update: bool) -> None:
    """Compare ``actual`` with the golden file at ``path`` (or rewrite it on purpose)."""
    if update or not path.exists():
        if not update:
            pytest.fail(f"golden file {path.relative_to(ROOT)} is missing; run pytest --update-goldens and review it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"output differs from {path.relative_to(ROOT)}; if the change is intended, run pytest --update-goldens"
    )
