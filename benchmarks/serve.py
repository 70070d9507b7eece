"""A static server for benchmarks that answers as a real host does: compressed, with cache headers.

The tests' server (tests/conftest.py) sends every file raw and with no cache
policy, which is right for tests and wrong for timing a phone: a host gzips
(or, over HTTPS, brotli-compresses) text and WebAssembly, and lets browsers
keep files whose URL names their content. This one, on 127.0.0.1 and a free
port, under the same /kb/ sub-path:

* ``Content-Encoding: gzip`` when the browser accepts it, for text, JSON,
  JavaScript and WebAssembly (Chromium only offers ``br`` over HTTPS, so over
  this plain-HTTP server the browser gets gzip; :func:`sizes` reports brotli
  beside it, as an HTTPS host would serve it);
* ``Cache-Control: public, max-age=31536000, immutable`` for URLs that name
  their content (a ``?v=`` query, or a file or folder name with a hash:
  Material's ``main.57a0d79d.min.css``, our ``micropython.a73fddffdc/``);
  ``no-cache`` for the rest (the browser revalidates: ``If-Modified-Since``,
  answered ``304``).
"""

from __future__ import annotations

import email.utils
import functools
import gzip
import io
import re
import sys
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import StaticServer, _Handler  # noqa: E402

COMPRESSIBLE = (".html", ".css", ".js", ".mjs", ".json", ".wasm", ".svg", ".xml", ".txt", ".py", ".mpy")
# A URL that names its content: ?v=..., or a hex hash of 8+ digits as a name part, or Material's
# 8-character hashes (lower-case hex), or PyScript's chunk names (name-<8 base64url>.js).
_IMMUTABLE = re.compile(r"[?&]v=[0-9a-f]{6,}|[./-][0-9a-f]{8,}[./]|/[a-z_]+-[A-Za-z0-9_-]{8}\.js$")

_cache: dict[tuple[str, float, str], bytes] = {}


def compress(data: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=6, mtime=0)  # nginx's gzip_comp_level 6 (a common choice)
    return brotli.compress(data, quality=11)  # what a build-time .br (brotli_static) holds


def immutable(url: str) -> bool:
    return bool(_IMMUTABLE.search(url))


class _HostHandler(_Handler):
    def send_head(self):
        path = self.translate_path(self.path)
        target = Path(path)
        if target.is_dir():
            target = target / "index.html"
        accepts = self.headers.get("Accept-Encoding", "")
        if not target.is_file() or not target.name.endswith(COMPRESSIBLE) or "gzip" not in accepts:
            return self._plain_head()
        stat = target.stat()
        since = self.headers.get("If-Modified-Since")
        if since and not immutable(self.path):
            try:
                if email.utils.parsedate_to_datetime(since).timestamp() >= int(stat.st_mtime):
                    self.send_response(304)
                    self._cache_headers()
                    self.end_headers()
                    return None
            except (TypeError, ValueError):
                pass
        key = (str(target), stat.st_mtime, "gzip")
        if key not in _cache:
            _cache[key] = compress(target.read_bytes(), "gzip")
        body = _cache[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(target)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
        self.send_header("Vary", "Accept-Encoding")
        self._cache_headers()
        self.end_headers()
        return io.BytesIO(body)

    def _plain_head(self):
        self._cache_pending = True
        return super().send_head()

    def end_headers(self):
        if getattr(self, "_cache_pending", False):
            self._cache_pending = False
            self._cache_headers()
        super().end_headers()

    def _cache_headers(self):
        value = "public, max-age=31536000, immutable" if immutable(self.path) else "no-cache"
        self.send_header("Cache-Control", value)


class HostServer(StaticServer):
    """The tests' static server with a host's compression and cache headers."""

    def __init__(self, directory: Path):
        super().__init__(directory)
        self.httpd.RequestHandlerClass = lambda *a, **k: _HostHandler(*a, directory=str(directory), **k)


@functools.cache
def _file_sizes(path: Path) -> tuple[int, int, int]:
    data = path.read_bytes()
    if not path.name.endswith(COMPRESSIBLE):
        return len(data), len(data), len(data)
    return len(data), len(compress(data, "gzip")), len(compress(data, "br"))


def sizes(site: Path, urls: list[str]) -> dict[str, int]:
    """Raw, gzip and brotli bytes of the site files behind ``urls`` (paths under the site root)."""
    raw = gz = br = 0
    for url in dict.fromkeys(urls):
        path = site / url.split("?", 1)[0].lstrip("/")
        if path.is_dir() or url.endswith("/"):
            path = path / "index.html"
        if not path.is_file():
            continue
        r, g, b = _file_sizes(path)
        raw, gz, br = raw + r, gz + g, br + b
    return {"raw": raw, "gzip": gz, "brotli": br}
