"""HTTP response headers for the built site, written as server configuration by the build.

A meta tag can carry most of a page's Content Security Policy, but not what
protects it most: ``frame-ancestors``, ``X-Content-Type-Options``,
``Referrer-Policy`` and ``Permissions-Policy`` work only as HTTP headers, and
the checker needs the server to send ``.mjs`` as JavaScript and ``.wasm`` as
``application/wasm``. So the build writes, next to the pages in ``site/``:

``nginx-include.conf`` (:data:`NGINX_FILE`)
    An nginx include for a ``server`` block: one ``location`` for the site's
    path (``site_url``'s path, or ``/``) with the MIME types of every file the
    build wrote, ``GET``/``HEAD`` only, the site's ``404.html`` for unknown
    paths, and every header on every response; a nested exact ``location`` for
    each page whose policy differs from the most common one (the checker pages,
    which alone may compile WebAssembly). nginx drops a level's ``add_header``
    lines as soon as a nested level has its own, so each location repeats all
    of them.
``_headers`` (:data:`HEADERS_FILE`)
    The same headers in the syntax of the static hosts that read this file
    (Netlify, Cloudflare Pages): the common headers for every path, and each
    page's policy on the address it is linked by.

One source: the plugin computes each page's policy once (:meth:`Policies.apply`),
puts it in the page's meta tag and keeps it here for the headers, which add
only what a meta tag cannot say (:data:`certkb.csp.HEADER_ONLY`).
Plain functions, callable without a build (tests/test_headers.py).
"""

from __future__ import annotations

import mimetypes
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from . import csp, walk

NGINX_FILE = "nginx-include.conf"
HEADERS_FILE = "_headers"
CSP_HEADER = "Content-Security-Policy"

# Browser features the site never uses, refused to it and to anything it could embed.
# Only features Chromium knows: an unknown name is logged as an error on every page.
DENIED_FEATURES = (
    "accelerometer",
    "camera",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
)

# Sent with every response, whatever it is.
COMMON = (
    ("X-Content-Type-Options", "nosniff"),  # a file runs or styles only if its type says so
    ("Referrer-Policy", "no-referrer"),  # a link to a state portal does not say which page it came from
    ("Permissions-Policy", ", ".join(f"{name}=()" for name in DENIED_FEATURES)),
)

# The types the site depends on, stated rather than left to the server's defaults (Debian's
# nginx knows no .mjs; with nosniff, a module script of the wrong type does not run).
# Other extensions in the build take Python's built-in table (not the system's, so the
# output does not depend on the machine); one that neither knows is reported.
MIME_TYPES = {
    "html": "text/html",
    "css": "text/css",
    "js": "text/javascript",
    "mjs": "text/javascript",
    "wasm": "application/wasm",
    "json": "application/json",
    "map": "application/json",
    "py": "text/x-python",
    "mpy": "application/octet-stream",  # MicroPython bytecode, fetched by PyScript
    "xml": "application/xml",
    "gz": "application/gzip",
    "txt": "text/plain",
    "conf": "text/plain",  # NGINX_FILE itself
    "svg": "image/svg+xml",
    "png": "image/png",
    "ico": "image/x-icon",
    "woff2": "font/woff2",
}
DEFAULT_TYPE = "application/octet-stream"
# Text types nginx labels with charset=utf-8 (HTML always is).
CHARSET_TYPES = (
    "text/css",
    "text/javascript",
    "text/plain",
    "text/x-python",
    "application/json",
    "application/xml",
    "image/svg+xml",
)


def base_path(site_url: str | None) -> str:
    """The URL path the site is served under: ``site_url``'s path, or ``/`` when it is unset."""
    path = urlsplit(site_url or "").path or "/"
    return path if path.endswith("/") else path + "/"


def page_address(dest_uri: str) -> str:
    """The address a built file is linked by, under the site's path: 'a/index.html' -> 'a/'."""
    if dest_uri == "index.html":
        return ""
    if dest_uri.endswith("/index.html"):
        return dest_uri[: -len("index.html")]
    return dest_uri


@dataclass
class Policies:
    """Each page's policy, computed once: for its meta tag and for the server's header."""

    by_page: dict[str, str] = field(default_factory=dict)  # site-relative file ('a/index.html') -> policy

    def apply(self, page_html: str, dest_uri: str) -> str:
        """The page with its policy in a meta tag; the same policy is kept for the headers."""
        page_policy = csp.policy(page_html)
        self.by_page[dest_uri] = page_policy
        return csp.apply(page_html, page_policy)

    def default(self) -> str:
        """The policy most pages share (the one sent for every other file), or the base policy."""
        if not self.by_page:
            return csp.policy("")
        counts = Counter(self.by_page.values())
        return min(counts, key=lambda p: (-counts[p], p))

    def exceptions(self) -> dict[str, str]:
        """Pages whose policy is not the default one, in file order."""
        default = self.default()
        return {uri: p for uri, p in sorted(self.by_page.items()) if p != default}

    def headers(self, page_policy: str) -> list[tuple[str, str]]:
        return [(CSP_HEADER, csp.header_policy(page_policy)), *COMMON]


def mime_types(site_dir: Path) -> tuple[dict[str, str], list[str]]:
    """{extension: type} for :data:`MIME_TYPES` and every extension in the build; and the
    extensions no table knows (served as :data:`DEFAULT_TYPE`)."""
    builtin = mimetypes.MimeTypes().types_map[True]  # Python's own table, not /etc/mime.types
    types = dict(MIME_TYPES)
    unknown = []
    for ext in sorted(_extensions(site_dir)):
        if ext in types:
            continue
        if f".{ext}" in builtin:
            types[ext] = builtin[f".{ext}"]
        else:
            unknown.append(ext)
    return types, unknown


def _extensions(site_dir: Path) -> set[str]:
    """The extensions (lower case, without the dot) of the files under ``site_dir``.

    What ``{p.suffix[1:].lower() for p in site_dir.rglob("*") if p.is_file() and p.suffix}`` gives
    (symbolic links to folders not followed, Path.suffix's rule for the extension), listed by
    :func:`certkb.walk.files_under`: on every build and rebuild, without a Path or a stat call
    for each of the site's pages.
    """
    return {_extension(os.path.basename(path)) for path in walk.files_under(site_dir, _extension)}


def _extension(name: str) -> str:
    """Path.suffix's extension of a file name, lower case, without the dot ('' for none)."""
    dot = name.rfind(".")
    return name[dot + 1 :].lower() if 0 < dot < len(name) - 1 else ""


def _nginx_value(value: str) -> str:
    if "$" in value or '"' in value or "\\" in value:  # nginx would read $ as a variable
        raise ValueError(f"header value cannot be written for nginx: {value!r}")
    return f'"{value}"'


def _nginx_headers(headers: list[tuple[str, str]], indent: str) -> list[str]:
    # 'always': error responses (the 404 page) carry them too.
    return [f"{indent}add_header {name} {_nginx_value(value)} always;" for name, value in headers]


def nginx_include(policies: Policies, base: str, types: dict[str, str]) -> str:
    by_type: dict[str, list[str]] = {}
    for ext, kind in sorted(types.items()):
        by_type.setdefault(kind, []).append(ext)
    lines = [
        "# Generated by the certkb MkDocs plugin when the site was built; build again, do not edit.",
        "# Every page's Content Security Policy is the one in its meta tag, plus frame-ancestors.",
        f"# Include it in a server block whose root holds the site at {base}, for example:",
        f"#     server {{ listen 443 ssl; root /var/www; include /var/www{base}{NGINX_FILE}; }}",
        f"location ^~ {base} {{",
        "    types {",
        *(f"        {kind} {' '.join(exts)};" for kind, exts in sorted(by_type.items())),
        "    }",
        f"    default_type {DEFAULT_TYPE};",
        "    charset utf-8;",
        f"    charset_types {' '.join(CHARSET_TYPES)};",
        "    index index.html;",
        "    absolute_redirect off;",
        "    server_tokens off;",
        f"    error_page 404 {base}404.html;",
        "    # A static site: reading only. Nothing under it can be written through the server.",
        "    limit_except GET { deny all; }",
        *_nginx_headers(policies.headers(policies.default()), "    "),
    ]
    for uri, page_policy in policies.exceptions().items():
        lines += [
            f"    location = {base}{uri} {{",
            "        limit_except GET { deny all; }",
            *_nginx_headers(policies.headers(page_policy), "        "),
            "    }",
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"


def static_host_headers(policies: Policies, base: str) -> str:
    lines = [
        "# Generated by the certkb MkDocs plugin when the site was built; build again, do not edit.",
        "# Response headers for static hosts that read _headers (Netlify, Cloudflare Pages).",
        f"{base}*",
        *(f"  {name}: {value}" for name, value in COMMON),
    ]
    # Each page's policy on the address it is linked by, once: a host that merges the rules
    # matching a path would join two policies, and the browser would enforce both.
    for uri, page_policy in sorted(policies.by_page.items()):
        lines += [f"{base}{page_address(uri)}", f"  {CSP_HEADER}: {csp.header_policy(page_policy)}"]
    return "\n".join(lines) + "\n"


def write(site_dir: Path, policies: Policies, base: str) -> list[str]:
    """Write both files into the built site; returns problems to report (unknown file types)."""
    types, unknown = mime_types(site_dir)
    (site_dir / NGINX_FILE).write_text(nginx_include(policies, base, types), encoding="utf-8")
    (site_dir / HEADERS_FILE).write_text(static_host_headers(policies, base), encoding="utf-8")
    return [
        f"site files ending in .{ext} have no known MIME type: add it to MIME_TYPES in certkb/headers.py"
        for ext in unknown
    ]
