"""Debian's nginx, started by the tests with the configuration the build writes.

:class:`Nginx` runs one unprivileged instance (``-p``/``-e``/``-c`` in a temporary
folder, ``daemon off``, listening on 127.0.0.1 and a free port) whose server block
does what certkb/headers.py tells a host to do: a root holding the site at
``SUB_PATH`` and ``include`` of the generated ``nginx-include.conf``. When the
tests run as root, the master drops its workers to ``nobody``, as a packaged nginx
does, so the files served are not the workers' to change.

:func:`served_problems` requests every file of the build through a server and
lists what is wrong with what came back: headers, MIME types, each page's policy
against its meta tag, the 404 page, and any write that got through. The tests
run it against the generated configuration (no problem) and against broken copies
(each expected problem), so every check is shown able to fail.
"""

from __future__ import annotations

import grp
import hashlib
import html
import http.client
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from .conftest import SUB_PATH

NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
META_RE = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
# Independent of certkb/headers.py: what a response must carry, in the words of the specs.
REQUIRED = {
    "x-content-type-options": lambda v: v == "nosniff",
    "referrer-policy": lambda v: v in ("no-referrer", "same-origin", "strict-origin"),
    "permissions-policy": lambda v: all(f"{f}=()" in v for f in ("camera", "microphone", "geolocation")),
    "content-security-policy": lambda v: "frame-ancestors 'none'" in v and "default-src 'self'" in v,
}
# What the checker and the theme need from the server's Content-Type (nosniff enforces it).
EXPECTED_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
}
WRITES = ("PUT", "DELETE", "POST", "PATCH", "MKCOL", "MOVE", "COPY")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def world_readable_dir(prefix: str) -> Path:
    """A temporary folder nginx's workers (``nobody``) can read: pytest's are private to root."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


def server_conf(state: Path, www: Path, include: Path, port: int) -> str:
    user = ""
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        user = f"user {nobody.pw_name} {grp.getgrgid(nobody.pw_gid).gr_name};"
    temp = "\n".join(
        f"    {kind}_temp_path {state}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""daemon off;
worker_processes 1;
pid {state}/nginx.pid;
error_log {state}/error.log warn;
{user}
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;  # as a packaged nginx does; the site's include states its own types
    access_log {state}/access.log;
{temp}
    server {{
        listen 127.0.0.1:{port};
        root {www};
        include {include};
        location / {{ return 404; }}  # only the site's path exists here
    }}
}}
"""


class Nginx:
    """One nginx serving ``www`` (which holds the site at SUB_PATH) with ``include``."""

    def __init__(self, www: Path, include: Path, state: Path):
        if not Path(NGINX).exists():
            pytest.fail(f"{NGINX} is missing: `make test` installs Debian's nginx package")
        self.www, self.include, self.state = www, include, state
        state.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.conf = state / "nginx.conf"
        self.conf.write_text(server_conf(state, www, include, self.port), encoding="utf-8")
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}{SUB_PATH}"

    def url(self, page: str = "") -> str:
        return self.base + page.lstrip("/")

    def __enter__(self) -> Nginx:
        cmd = [NGINX, "-p", str(self.state), "-e", str(self.state / "error.log"), "-c", str(self.conf)]
        check = subprocess.run([*cmd, "-t", "-q"], capture_output=True, text=True)
        if check.returncode != 0:
            pytest.fail(f"nginx rejects the configuration:\n{check.stderr}")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(1000):  # until it listens (or exits); not a timing check
            if self.proc.poll() is not None:
                pytest.fail(f"nginx exited at start:\n{self.proc.stderr.read()}\n{self.error_log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.02)
        self.__exit__()
        pytest.fail("nginx never listened")

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None and self.proc.stderr:
            self.proc.stderr.close()

    def error_log(self) -> str:
        log = self.state / "error.log"
        return log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
        """One request to a path under SUB_PATH: (status, headers with lower-case names, body)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, SUB_PATH + path.lstrip("/"), body=body)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()


def site_files(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


def snapshot(site: Path) -> dict[str, str]:
    """Every file under the site (names and contents), to show nothing was written."""
    out = {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in site.rglob("*")
        if p.is_file()
    }
    out.update({p.relative_to(site).as_posix() + "/": "dir" for p in site.rglob("*") if p.is_dir()})
    return out


def meta_policy(markup: str) -> str | None:
    found = META_RE.search(markup)
    return html.unescape(found.group(1)) if found else None


def header_problems(where: str, headers: dict[str, str]) -> list[str]:
    problems = []
    for name, ok in REQUIRED.items():
        if name not in headers:
            problems.append(f"{where}: no {name} header")
        elif not ok(headers[name]):
            problems.append(f"{where}: {name} is {headers[name]!r}")
    return problems


def served_problems(server: Nginx, site: Path) -> list[str]:
    """What is wrong with the site as ``server`` serves it (an empty list when nothing is)."""
    problems = []
    for rel in site_files(site):
        status, headers, body = server.request("GET", rel)
        if status != 200:
            problems.append(f"{rel}: status {status}")
            continue
        problems += header_problems(rel, headers)
        if headers.get("server") != "nginx":
            problems.append(f"{rel}: Server header {headers.get('server')!r}, expected the real nginx (tokens off)")
        suffix = Path(rel).suffix
        if suffix in EXPECTED_TYPES:
            kind = headers.get("content-type", "").split(";")[0].strip()
            if kind != EXPECTED_TYPES[suffix]:
                problems.append(f"{rel}: Content-Type {kind!r}, expected {EXPECTED_TYPES[suffix]!r}")
        if suffix == ".html":
            meta = meta_policy(body.decode("utf-8"))
            header = headers.get("content-security-policy", "")
            # The header is the meta policy plus what only a header can say, nothing else.
            if meta is None or header.removesuffix("; frame-ancestors 'none'") != meta:
                problems.append(f"{rel}: header policy {header!r} is not the meta policy {meta!r} + frame-ancestors")
    # A page's directory address serves the page with the page's own headers.
    for rel in site_files(site):
        if rel.endswith("/index.html"):
            _, by_dir, _ = server.request("GET", rel[: -len("index.html")])
            _, by_file, _ = server.request("GET", rel)
            if by_dir.get("content-security-policy") != by_file.get("content-security-policy"):
                problems.append(f"{rel[: -len('index.html')]}: policy differs from {rel}'s")
    # Unknown paths: the site's own 404 page, status 404, with the headers.
    not_found = (site / "404.html").read_bytes()
    for path in ("no-such-page/", "checker/no-such-pathway/", "assets/missing.js", "a/b/c/d.html"):
        status, headers, body = server.request("GET", path)
        if status != 404:
            problems.append(f"{path}: status {status}, expected 404")
        if body != not_found:
            problems.append(f"{path}: the body is not the site's 404.html")
        problems += header_problems(f"{path} (404)", headers)
    # Nothing can be written: every method but GET/HEAD refused, every file unchanged.
    before = snapshot(site)
    for method in WRITES:
        for path in ("index.html", "assets/written.txt", "new-folder/written.html", ""):
            status, _, _ = server.request(method, path, body=b"written through the server")
            if status not in (403, 405):
                problems.append(f"{method} {path or '/'}: status {status}, expected 403 or 405")
    after = snapshot(site)
    if after != before:
        changed = sorted(set(before.items()) ^ set(after.items()))
        problems.append(f"files under the site changed through the server: {changed[:5]}")
    return problems


def mutated_copy(include: Path, dest: Path, old: str, new: str) -> Path:
    """A copy of the generated include with ``old`` replaced (which must be there)."""
    text = include.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {include.name}: the negative control would prove nothing"
    dest.write_text(text.replace(old, new), encoding="utf-8")
    return dest


def copy_tree(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, symlinks=False)
    return dest
