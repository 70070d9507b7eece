"""A strict Content Security Policy for every built page, delivered in a meta tag.

The site is static, so the policy travels with each page as
``<meta http-equiv="Content-Security-Policy" content="...">``, inserted before
anything that loads or runs (a meta policy only governs what comes after it).
It is computed per page: Material's inline ``<script>`` blocks are allowed by
their SHA-256 hashes, never by ``'unsafe-inline'``, so a script that somehow
got into a page without being in the template does not run.

Plain functions, callable without a build: :func:`policy` returns the policy
for one page's HTML and :func:`apply` returns the page with the meta tag in
place. The MkDocs plugin calls :func:`apply` on every page and error page.

What each directive allows, and why (the strictest that the site works with;
``tests/test_csp.py`` loads every built page, checker pages included, in
Chromium and records every violation):

``default-src 'self'``
    Anything not named below: this origin only.
``script-src 'self' 'sha256-...'``
    Scripts from the site's own files, plus Material's inline blocks by hash
    (the ``__md_scope`` helpers, the palette restore and the tab-from-hash
    snippet). ``<script type="application/json">`` (Material's ``__config``)
    and PyScript's ``<script type="mpy">`` are data for other code and are
    never executed by the browser, so they need no hash; Chromium does not
    check them against ``script-src``.
``'wasm-unsafe-eval'`` (checker pages only)
    PyScript compiles MicroPython's WebAssembly; without it
    ``WebAssembly.compile``/``instantiate`` is refused. It allows compiling
    WebAssembly only, not JavaScript ``eval``/``new Function``.

    Measured against PyScript 0.7.31 with MicroPython 1.28.0-6 on the real
    checker pages (tests/test_csp.py), that is all they need: no
    ``'unsafe-eval'`` (the one ``Function()`` PyScript builds, a hook for
    workers, is dropped by docs/assets/checker/boot.js before it is built; the
    checker runs on the main thread), no ``blob:`` workers, no inline styles
    (PyScript's and the widget's styling goes through stylesheets and the CSSOM).
``style-src 'self'``
    Stylesheets from the site only. Material and PyScript change styles
    through the CSSOM (``element.style.x = ...``), which CSP does not govern.
``img-src 'self' data:``
    Material's icons (admonitions, lists, the search and clipboard icons) are
    SVG ``data:`` URIs inside its stylesheet. ``data:`` URIs are not requests:
    nothing leaves the browser.
``font-src 'self'``
    The theme is built with ``font: false`` (system fonts); no web fonts from
    anywhere else.
``connect-src 'self'``
    Material's search index (``search/search_index.json``); on checker pages
    PyScript fetching MicroPython's ``.wasm`` and the engine's ``.py`` files.
``worker-src 'self'``
    Material's search worker, a file of this site.
``object-src 'none'``, ``base-uri 'none'``
    No plugins; no ``<base>`` element may re-point the page's relative links.
``form-action 'none'``
    No form on the site is ever submitted: the checker evaluates in the page
    and keeps answers in the URL fragment, Material's search and palette forms
    are handled by script. An accidental submission (Enter in a field of a
    form without a handler) would put the answers in a query string sent to
    the server; this refuses it.

Not settable from a meta tag (they need HTTP headers from the host):
``frame-ancestors``, ``report-uri``/``report-to`` and ``sandbox``. The build
also writes each page's policy as server configuration (:mod:`certkb.headers`):
the same policy plus :data:`HEADER_ONLY`, so the meta tag and the header cannot drift.

``frame-ancestors 'none'`` (header only)
    No page of the site may be shown in a frame, on any origin (clickjacking:
    a checker under someone else's page).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import types
from collections.abc import Mapping
from html.parser import HTMLParser

from .htmlsafe import escape, insert_at_head_top

META_NAME = "Content-Security-Policy"

# Script types the browser executes (https://html.spec.whatwg.org/#prepare-the-script-element):
# no type, an empty type, a JavaScript MIME type, or "module". Anything else is a data block.
_JS_TYPES = {
    "",
    "module",
    "text/javascript",
    "application/javascript",
    "application/ecmascript",
    "application/x-ecmascript",
    "application/x-javascript",
    "text/ecmascript",
    "text/javascript1.0",
    "text/javascript1.1",
    "text/javascript1.2",
    "text/javascript1.3",
    "text/javascript1.4",
    "text/javascript1.5",
    "text/jscript",
    "text/livescript",
    "text/x-ecmascript",
    "text/x-javascript",
}
# PyScript marks the Python it runs with these script types and custom elements.
_PYSCRIPT_TYPES = {"py", "mpy", "pyodide", "micropython"}
_PYSCRIPT_TAGS = {"py-script", "mpy-script", "py-config", "mpy-config"}

_EXISTING_RE = re.compile(r"<meta\s+http-equiv\s*=\s*[\"']?content-security-policy", re.IGNORECASE)


def _executes(attrs: Mapping[str, str | None]) -> bool:
    kind = (attrs.get("type") or "").strip().lower()
    return kind in _JS_TYPES


class _StartTag(HTMLParser):
    """Reads the attributes of one start tag, the way a browser does."""

    def __init__(self, tag: str) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: dict[str, str | None] = {}
        self.feed(tag)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs = dict(attrs)


@functools.lru_cache(maxsize=1024)
def _script_attrs(inside: str) -> types.MappingProxyType[str, str | None]:
    """The attributes of the start tag ``<script{inside}>``, read-only: every page carries the
    theme's same few script tags, read once each instead of once per page."""
    return types.MappingProxyType(_StartTag(f"<script{inside}>").attrs)


# A script element: its start tag (attribute values may hold '>') and its text, which in
# HTML runs to the first "</script" followed by a space, '/' or '>'.
_SCRIPT_RE = re.compile(r"<script\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>(.*?)</script[\s/>]", re.IGNORECASE | re.DOTALL)
_PYSCRIPT_TAG = r"(?:{})[\s/>]".format("|".join(sorted(_PYSCRIPT_TAGS)))  # a PyScript tag's name, after its '<'
_PYSCRIPT_TAG_RE = re.compile("<" + _PYSCRIPT_TAG, re.IGNORECASE)
# Where either can start, in one pass over the page's '<'s (a pass over a large page costs about as
# much as reading its scripts): group 1 for _SCRIPT_RE, otherwise a _PYSCRIPT_TAG_RE match.
_EITHER_RE = re.compile(r"<(?=(script\b)|" + _PYSCRIPT_TAG + ")", re.IGNORECASE)


class _Scripts:
    """The text of every inline script on a page, and whether the page runs PyScript.

    Only script elements are read (a regular expression finds them; each start
    tag's attributes are read by html.parser): parsing whole pages, whose
    navigation alone can hold thousands of links, made the policy the
    slowest step of a large build.
    """

    def __init__(self, page_html: str) -> None:
        self.inline: list[str] = []
        self.pyscript = False
        for match in self._script_elements(page_html):
            attrs = _script_attrs(match.group(1))
            if (attrs.get("type") or "").strip().lower() in _PYSCRIPT_TYPES:
                self.pyscript = True
            if "src" not in attrs and _executes(attrs):
                self.inline.append(match.group(2))

    def _script_elements(self, page_html: str):
        """``_SCRIPT_RE.finditer(page_html)``, noting ``_PYSCRIPT_TAG_RE.search(page_html)`` on the way.

        _SCRIPT_RE can match only where _EITHER_RE finds "<script", so trying it there, in order
        and past the end of the last element, finds the same elements as finditer.
        """
        end = 0
        for start in _EITHER_RE.finditer(page_html):
            if start.group(1) is None:
                self.pyscript = True
                continue
            if start.start() < end:
                continue
            match = _SCRIPT_RE.match(page_html, start.start())
            if match is not None:
                end = match.end()
                yield match


def scan(page_html: str) -> _Scripts:
    return _Scripts(page_html)


def script_hash(text: str) -> str:
    """The CSP source expression allowing one inline script: 'sha256-<base64>'."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def policy(page_html: str) -> str:
    """The policy for one page (see the module docstring for each directive)."""
    found = scan(page_html)
    hashes = list(dict.fromkeys(script_hash(text) for text in found.inline))  # unique, in page order
    script_src = ["'self'", *hashes]
    if found.pyscript:
        script_src.append("'wasm-unsafe-eval'")
    directives = [
        ("default-src", ["'self'"]),
        ("script-src", script_src),
        ("style-src", ["'self'"]),
        ("img-src", ["'self'", "data:"]),
        ("font-src", ["'self'"]),
        ("connect-src", ["'self'"]),
        ("worker-src", ["'self'"]),
        ("object-src", ["'none'"]),
        ("base-uri", ["'none'"]),
        ("form-action", ["'none'"]),
    ]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives)


# Directives a browser ignores in a meta tag: sent only as an HTTP header (certkb/headers.py).
HEADER_ONLY = (("frame-ancestors", ("'none'",)),)


def header_policy(page_policy: str) -> str:
    """The policy a server sends with a page: the page's own policy, then :data:`HEADER_ONLY`."""
    return "; ".join([page_policy, *(f"{name} {' '.join(values)}" for name, values in HEADER_ONLY)])


def meta_tag(page_html: str, page_policy: str | None = None) -> str:
    content = escape(policy(page_html) if page_policy is None else page_policy)  # ' kept readable
    return f'<meta http-equiv="{META_NAME}" content="{content}">'


def apply(page_html: str, page_policy: str | None = None) -> str:
    """The page with its policy as the first element of ``<head>`` that could load or run anything.

    Only ``<meta charset>`` stays in front of it: the browser looks for the
    charset in the first 1024 bytes, and a long policy must not push it out.
    Pages without a ``<head>`` (or that already carry a policy) are returned
    unchanged. ``page_policy``, when given, is the page's :func:`policy` computed
    once by the caller (the build also sends it as a header).
    """
    if _EXISTING_RE.search(page_html):
        return page_html
    return insert_at_head_top(page_html, meta_tag(page_html, page_policy))
