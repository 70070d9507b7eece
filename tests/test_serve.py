"""Live preview: `mkdocs serve` follows edits to content/ and overrides/, and survives mistakes.

Each test serves its own copy of the project with the fixture content (so edits never touch
the real tree, and staff edits to content/ never change these tests) on 127.0.0.1 and a free
port, edits files as staff would, and polls the served page until the change shows. Nothing is
timed: the poll gives up only after a generous bound, so that a broken server fails the test
instead of hanging it (how fast a rebuild is served is for a benchmark, not a test). The
invalid-content test checks that the file:line:col messages appear in the server's terminal
output, that the server keeps running and answering (its live-reload channel replies; MkDocs
holds page requests until the site builds again), and that fixing the file brings the preview
back.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import FIXTURE_DIR, copy_project

GIVE_UP = 300.0  # seconds: not a speed goal; only so that a server that never rebuilds fails, not hangs
GUIDE = Path("content/guides/missouri/create-account.yml")
GUIDE_URL = "missouri/create-account/"
TITLE = "title: Create an account\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`mkdocs serve` on a copy of the project, with its terminal output collected."""

    def __init__(self, project: Path):
        self.project = project
        self.port = free_port()
        self.lines: list[str] = []
        self._lock = threading.Lock()
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "serve",
                "--dirty",
                "--dev-addr",
                f"127.0.0.1:{self.port}",
                "--livereload",
            ],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._lock:
                self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        with self._lock:
            return "\n".join(self.lines)

    def mark(self) -> int:
        """A position in the output; `output_since` returns what came after it."""
        with self._lock:
            return len(self.lines)

    def output_since(self, mark: int) -> str:
        with self._lock:
            return "\n".join(self.lines[mark:])

    def get(self, path: str = "", timeout: float = 10.0) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=timeout) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, ""

    def wait_for(self, what: str, test) -> None:
        """Poll ``test()`` until true (gives up, failing, only after GIVE_UP seconds)."""
        start = time.monotonic()
        while time.monotonic() - start < GIVE_UP:
            if self.proc.poll() is not None:
                pytest.fail(f"mkdocs serve exited ({self.proc.returncode}) while waiting for {what}:\n{self.output}")
            try:
                if test():
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        pytest.fail(f"gave up waiting for {what}; server output:\n{self.output}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._reader.join(timeout=5)


@pytest.fixture
def server(tmp_path):
    project = copy_project(tmp_path / "project", content=FIXTURE_DIR)
    srv = Server(project)
    try:
        srv.wait_for("first build", lambda: srv.get()[0] == 200)
        yield srv
    finally:
        srv.stop()


def edit(path: Path, old: str, new: str) -> None:
    """Replace one line's text, as an editor would (a fresh write of the whole file)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should appear once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_serves_the_site(server):
    status, home = server.get()
    assert status == 200 and "Educator" in home
    status, guide = server.get(GUIDE_URL)
    assert status == 200 and "Create an account" in guide
    status, review = server.get("staff/review-dates/")
    assert status == 200 and "Review dates" in review


def test_content_edit_is_served(server):
    edit(server.project / GUIDE, TITLE, "title: Register on the portal\n")
    server.wait_for("rebuilt guide", lambda: "Register on the portal" in server.get(GUIDE_URL)[1])
    # Content feeds other pages too: the jurisdiction's index lists the guide by title.
    assert "Register on the portal" in server.get("missouri/")[1]


def test_template_edit_is_served(server):
    template = server.project / "overrides" / "kb" / "guide.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\nTemplate change 7f3a.\n", encoding="utf-8")
    server.wait_for("rebuilt template", lambda: "Template change 7f3a." in server.get(GUIDE_URL)[1])


def test_invalid_content_is_reported_and_the_server_recovers(server):
    path = server.project / GUIDE
    good = path.read_text(encoding="utf-8")
    lines = good.split("\n")
    title_line = next(i for i, line in enumerate(lines) if line.startswith("title:")) + 1
    mark = server.mark()
    # Two mistakes at once: a misspelt field name and a date that does not exist.
    bad = good.replace(TITLE, "titel" + TITLE[len("title") :])
    reviewed_line = next(i for i, line in enumerate(lines) if line.startswith("last_reviewed:")) + 1
    bad = bad.replace(lines[reviewed_line - 1] + "\n", "last_reviewed: 2026-02-30\n")
    path.write_text(bad, encoding="utf-8")

    server.wait_for("error messages", lambda: "problems in the content" in server.output_since(mark))
    out = server.output_since(mark)
    assert (
        f"content/guides/missouri/create-account.yml:{title_line}:1: unknown field 'titel' (did you mean 'title'?)"
        in out
    )
    assert (
        f"content/guides/missouri/create-account.yml:{reviewed_line}:16: "
        "last_reviewed: '2026-02-30' is not a valid date" in out
    )
    assert "Traceback" not in out

    # The server keeps running and answering: its live-reload channel (what an open browser
    # tab listens on) replies at once. MkDocs holds new page requests until the site builds
    # again rather than serve a half-built site, so an open tab keeps showing the last good
    # version, and a page asked for now arrives once the mistake is fixed.
    assert server.proc.poll() is None
    status, epoch = server.get("livereload/0/0", timeout=GIVE_UP)
    assert status == 200 and epoch.strip().isdigit()
    # A page asked for now (the request is on the server's socket before the fix is written)...
    held = socket.create_connection(("127.0.0.1", server.port), timeout=GIVE_UP)
    held.sendall(f"GET /{GUIDE_URL} HTTP/1.0\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())

    # Fixing the file (here: with a new title, so we can see it) brings the preview back.
    fixed_mark = server.mark()
    path.write_text(good.replace(TITLE, "title: Fixed and rebuilt\n"), encoding="utf-8")
    server.wait_for("recovery", lambda: "Fixed and rebuilt" in server.get(GUIDE_URL)[1])
    # ...is answered with the fixed page: it was held, never served from the broken build.
    with held:
        response = b"".join(iter(lambda: held.recv(65536), b"")).decode("utf-8")
    assert response.startswith("HTTP/1.0 200") and "Fixed and rebuilt" in response, response[:300]
    assert "Reloading browsers" in server.output_since(fixed_mark)
