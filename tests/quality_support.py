"""Helpers for the quality gates (accessibility, privacy, CSP, injection, links).

Pages are found by walking the built site, never listed by hand, so every new
page (the checker pages included) is covered as soon as it is built. The
browser helpers record what a page does: every request, every CSP violation
(from a ``securitypolicyviolation`` listener installed before any page script,
and from console messages), dialogs, console errors, storage written.
"""

from __future__ import annotations

import contextlib
import json
import re
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .conftest import ROOT

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHECKER_PAGE_RE = re.compile(r"checker/([^/]+)/index\.html")
READY = "[data-checker-ready]"
READY_TIMEOUT_MS = 45_000  # MicroPython starts in ~1 s; a slow 2-core CI box gets plenty of slack


# --- the built site ----------------------------------------------------------------------


def built_pages(site: Path) -> list[str]:
    """Every HTML file of the build, as site-relative POSIX paths, sorted."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def url_path(rel: str) -> str:
    """The URL path (under the site root) a page is served at: 'a/b/index.html' -> 'a/b/'."""
    if rel == "index.html":
        return ""
    if rel.endswith("/index.html"):
        return rel[: -len("index.html")]
    return rel


def checker_pages(site: Path) -> dict[str, str]:
    """Checker pages in the build: {pathway id: site-relative path}."""
    out = {}
    for rel in built_pages(site):
        m = CHECKER_PAGE_RE.fullmatch(rel)
        if m:
            out[m.group(1)] = rel
    return out


def pathway_ids() -> list[str]:
    """The checkers the content defines, pathways and choosers (each must have a checker page)."""
    from .checker_support import content

    c = content()
    return sorted([*c.pathways, *c.choosers])


# --- parsing built HTML ------------------------------------------------------------------


@dataclass
class Ref:
    tag: str
    attr: str
    value: str
    line: int
    rel: str = ""  # <link rel>, lower-case


@dataclass
class ParsedPage:
    ids: set[str] = field(default_factory=set)
    refs: list[Ref] = field(default_factory=list)
    scripts: list[tuple[dict[str, str | None], str]] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)  # <style> blocks and style="" attributes
    event_handlers: list[tuple[str, str, int]] = field(default_factory=list)  # (tag, attribute, line)
    attr_text: list[str] = field(default_factory=list)  # text shown from attributes: title, alt, aria-label...
    text: str = ""


# Attributes that hold a URL the browser may fetch or follow.
URL_ATTRS = {
    "href",
    "src",
    "poster",
    "data",
    "action",
    "formaction",
    "background",
    "cite",
    "longdesc",
    "xlink:href",
    "manifest",
    "icon",
}


# Attributes whose value people read (tooltips, alternatives, labels).
TEXT_ATTRS = {"title", "alt", "aria-label", "placeholder", "aria-description"}

# Elements that break text apart (the rest are inline: <abbr>, <a>, <strong>...).
_BLOCKS = {
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "td",
    "th",
    "tr",
    "table",
    "br",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "main",
    "aside",
    "form",
    "fieldset",
    "legend",
    "label",
    "blockquote",
    "pre",
    "details",
    "summary",
    "title",
    "option",
    "button",
    "hr",
}


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._script: tuple[dict, list[str]] | None = None
        self._style: list[str] | None = None
        self._text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self._text.append(" ")
        line = self.getpos()[0]
        a = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.page.ids.add(value)
            if name in URL_ATTRS:
                self.page.refs.append(Ref(tag, name, value.strip(), line, (a.get("rel") or "").lower()))
            if name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if url:
                        self.page.refs.append(Ref(tag, name, url, line))
            if name == "style":
                self.page.styles.append(value)
            if name in TEXT_ATTRS or (name == "content" and tag == "meta"):
                self.page.attr_text.append(value)
            if name.startswith("on"):
                self.page.event_handlers.append((tag, name, line))
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            target = (a.get("content") or "").partition("url=")[2]
            if target:
                self.page.refs.append(Ref(tag, "content", target.strip("'\" "), line))
        if tag == "script":
            self._script = (a, [])
        elif tag == "style":
            self._style = []
        if tag in ("script", "style", "template"):
            self._skip += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style", "template"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self._text.append(" ")
        if tag == "script" and self._script is not None:
            self.page.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None
        elif tag == "style" and self._style is not None:
            self.page.styles.append("".join(self._style))
            self._style = None
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)
        elif self._style is not None:
            self._style.append(data)
        elif not self._skip:
            self._text.append(data)

    def close(self):
        super().close()
        self.page.text = " ".join("".join(self._text).split())


def parse_page(markup: str) -> ParsedPage:
    parser = _PageParser()
    parser.feed(markup)
    parser.close()
    return parser.page


def is_off_site(url: str) -> bool:
    """A URL that names another origin (absolute or scheme-relative)."""
    parts = urllib.parse.urlsplit(url.strip())
    return bool(parts.netloc) or (
        parts.scheme not in ("", "data", "blob") and parts.scheme in ("http", "https", "ftp", "ws", "wss")
    )


# --- the browser -------------------------------------------------------------------------

# Installed before any page script runs, in every frame: CSP violations, dialogs, and
# elements created with an event-handler attribute or a script (signs that injected markup ran).
RECORDER_JS = r"""
(() => {
  const rec = window.__quality = {csp: [], created: []};
  document.addEventListener('securitypolicyviolation', (e) => {
    rec.csp.push({directive: e.effectiveDirective || e.violatedDirective, blocked: e.blockedURI,
                  source: e.sourceFile, line: e.lineNumber, sample: e.sample});
  }, true);
  const runs = (el) => el.tagName === 'SCRIPT' &&
    /^(|module|text\/javascript|application\/javascript)$/i.test((el.getAttribute('type') || '').trim());
  const suspicious = (el) => el.nodeType === 1 && (
    runs(el) || /^(IFRAME|OBJECT|EMBED|FRAME)$/.test(el.tagName) ||
    Array.from(el.attributes || []).some((a) => /^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)));
  // Only what scripts add once the parser is done: the served HTML is checked statically.
  // Every element present when parsing ends is remembered, and a suspicious element is
  // reported only if it is not one of them. (Arming the observer at DOMContentLoaded
  // instead was flaky: mutation records for the parser's last nodes can be delivered
  // after that event, and then the theme's own scripts looked "created".)
  // An attribute changed after parsing (say, an onclick set by a script) always counts.
  const parsed = new WeakSet();
  let done = false;
  const observer = new MutationObserver((records) => {
    if (!done) return;
    for (const r of records) {
      const changed = r.type === 'attributes';
      const nodes = changed ? [r.target] : Array.from(r.addedNodes);
      for (const n of nodes) {
        const all = n.nodeType === 1 ? [n, ...n.querySelectorAll('*')] : [];
        for (const el of all) {
          if (suspicious(el) && (changed || !parsed.has(el))) rec.created.push(el.outerHTML.slice(0, 200));
        }
      }
    }
  });
  observer.observe(document, {subtree: true, childList: true, attributes: true});
  document.addEventListener('DOMContentLoaded', () => {
    observer.takeRecords();
    for (const el of document.querySelectorAll('*')) parsed.add(el);
    done = true;
  }, {capture: true});
})();
"""

CONSOLE_CSP_RE = re.compile(
    r"Content Security Policy|Refused to (load|execute|connect|apply|compile|evaluate|create)", re.IGNORECASE
)


@dataclass
class Visit:
    """What one page did when loaded in Chromium."""

    rel: str
    url: str
    requests: list[str] = field(default_factory=list)
    csp: list[dict] = field(default_factory=list)  # from the DOM event
    csp_console: list[str] = field(default_factory=list)  # from console messages
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    storage: dict[str, Any] = field(default_factory=dict)
    ready: bool | None = None  # checker pages: reached data-checker-ready


class Recorder:
    """One browser context that records requests, CSP violations, dialogs and console errors."""

    def __init__(self, browser, **context_options):
        self.context = browser.new_context(**context_options)
        self.context.add_init_script(RECORDER_JS)
        self.requests: list[str] = []
        self.console: list[tuple[str, str]] = []
        self.dialogs: list[str] = []
        self.sent: list[tuple[str, str, bytes | None]] = []  # (method, url, body)

        def on_request(r):
            self.requests.append(r.url)
            self.sent.append((r.method, r.url, r.post_data_buffer))

        self.context.on("request", on_request)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.console.append(("pageerror", str(e))))

        def on_dialog(d):
            self.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        self.page.on("dialog", on_dialog)
        self.page.on("websocket", lambda ws: self.requests.append(ws.url))

    def reset(self) -> None:
        self.requests.clear()
        self.sent.clear()
        self.console.clear()
        self.dialogs.clear()

    def collect(self, rel: str, url: str, ready: bool | None = None, served: str | None = None) -> Visit:
        """What the page did. With ``served`` (the page's HTML as served), an element that
        appears verbatim in it is not counted as created: it came from the server, however
        late its mutation record arrived (Chromium delivered the theme's own scripts after
        DOMContentLoaded in two full runs of the suite)."""
        rec = self.page.evaluate("() => window.__quality || {csp: [], created: []}")
        if served is not None:
            rec["created"] = [c for c in rec["created"] if c not in served]
        storage = read_storage(self.page)
        return Visit(
            rel=rel,
            url=url,
            requests=list(self.requests),
            csp=rec["csp"],
            csp_console=[t for kind, t in self.console if CONSOLE_CSP_RE.search(t)],
            console_errors=[t for kind, t in self.console if kind in ("error", "pageerror")],
            dialogs=list(self.dialogs),
            created=rec["created"],
            storage=storage,
            ready=ready,
        )

    def close(self) -> None:
        self.context.close()


def read_storage(page) -> dict[str, Any]:
    return page.evaluate(
        """async () => ({
            local: Object.fromEntries(Object.entries(localStorage)),
            session: Object.fromEntries(Object.entries(sessionStorage)),
            cookies: document.cookie,
            indexedDB: await Promise.all((indexedDB.databases ? await indexedDB.databases() : []).map(
                (d) => new Promise((resolve) => {
                    // Count the records of every store, without creating anything.
                    const req = indexedDB.open(d.name);
                    req.onerror = () => resolve({name: d.name, records: -1});
                    req.onsuccess = () => {
                        const db = req.result, stores = Array.from(db.objectStoreNames);
                        if (!stores.length) { db.close(); resolve({name: d.name, records: 0}); return; }
                        const tx = db.transaction(stores, 'readonly');
                        let total = 0, left = stores.length;
                        for (const s of stores) {
                            const c = tx.objectStore(s).count();
                            c.onsuccess = () => {
                                total += c.result;
                                if (--left === 0) { db.close(); resolve({name: d.name, records: total}); }
                            };
                            c.onerror = () => { db.close(); resolve({name: d.name, records: -1}); };
                        }
                    };
                }))),
            caches: (self.caches ? await caches.keys() : []),
        })"""
    )


def wait_ready(page, timeout: int = READY_TIMEOUT_MS) -> bool:
    try:
        page.wait_for_selector(READY, state="attached", timeout=timeout)
        return True
    except Exception:  # playwright TimeoutError: reported by the caller as "never became ready"
        return False


def settle(page) -> None:
    """Wait until the page has stopped loading (Material's search worker included)."""
    with contextlib.suppress(Exception):  # Playwright's TimeoutError: a page that never idles is still checked
        page.wait_for_load_state("networkidle", timeout=10_000)


def visit(rec: Recorder, server, rel: str, fragment: str = "") -> Visit:
    """Load one built page, wait for it (and for a checker to be ready), record what it did."""
    rec.reset()
    url = server.url(url_path(rel)) + (f"#{fragment}" if fragment else "")
    rec.page.goto(url, wait_until="load")
    ready = None
    if CHECKER_PAGE_RE.fullmatch(rel):
        ready = wait_ready(rec.page)
    settle(rec.page)
    return rec.collect(rel, url, ready)


def visit_many(browser, server, rels: list[str], prepare=None, batch: int = 6) -> list[tuple[Visit, Any]]:
    """:func:`visit` of each page, each in a context of its own, several at a time.

    Most of a visit is waiting (for the network to be idle, for a checker to start), so pages are
    opened ``batch`` at a time and waited for together. ``prepare(recorder)`` runs before a page
    is opened (to listen to its responses, say); its result is returned beside the visit."""
    out: list[tuple[Visit, Any]] = []
    for first in range(0, len(rels), batch):
        opened = []
        try:
            for rel in rels[first : first + batch]:
                rec = Recorder(browser)
                opened.append((rel, rec, prepare(rec) if prepare else None))
                rec.page.goto(server.url(url_path(rel)), wait_until="commit")
            for rel, rec, prepared in opened:
                rec.page.wait_for_load_state("load")
                ready = wait_ready(rec.page) if CHECKER_PAGE_RE.fullmatch(rel) else None
                settle(rec.page)
                out.append((rec.collect(rel, rec.page.url, ready), prepared))
        finally:
            for _, rec, _ in opened:
                rec.close()
    return out


_VISITS: dict[tuple[int, str], dict[str, Visit]] = {}
# The xdist group of the tests that read visit_every_page (one worker, one memo).
SITE_VISITS = "site-visits"


def visit_every_page(browser, server, site: Path) -> dict[str, Visit]:
    """Every built page loaded once under its real CSP (memoised: the privacy and CSP gates share it)."""
    key = (id(browser), server.base)
    if key not in _VISITS:
        # A fresh context per page: storage is attributed to the page that wrote it.
        _VISITS[key] = {v.rel: v for v, _ in visit_many(browser, server, built_pages(site))}
    return _VISITS[key]


# No finite CSS transition or animation still running.
ANIMATIONS_DONE_JS = """() => document.getAnimations().every(
    (a) => a.playState !== 'running' || a.effect.getComputedTiming().iterations === Infinity)"""


def run_axe(page, include: str | None = None) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page (axe is injected if missing), once the page's
    transitions have ended: a colour caught halfway through a fade (Material's "Back to top" button
    appearing after a scroll) is not a colour anyone reads."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    page.wait_for_function(ANIMATIONS_DONE_JS, timeout=READY_TIMEOUT_MS)
    return page.evaluate(
        """async ([tags, include]) => {
            const r = await axe.run(include ? {include: [include]} : document,
                                    {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({target: n.target.join(' '), summary: n.failureSummary}))}));
        }""",
        [WCAG_TAGS, include],
    )


def describe_violations(where: str, violations: list[dict]) -> list[str]:
    out = []
    for v in violations:
        for n in v["nodes"][:5]:
            summary = " ".join((n["summary"] or "").split())[:240]
            out.append(f"{where}: {v['id']} ({v['impact']}) at {n['target']}: {summary}")
    return out


# --- checker answers ---------------------------------------------------------------------


def fragment(answers: dict[str, Any]) -> str:
    """Answers as the checker's URL fragment (URLSearchParams syntax, booleans as true/false)."""
    flat: list[tuple[str, str]] = []
    for key, value in answers.items():
        if isinstance(value, list):  # repeatable groups: key.0.field=...
            for i, row in enumerate(value):
                for k, v in row.items():
                    flat.append((f"{key}.{i}.{k}", _text(v)))
        else:
            flat.append((key, _text(value)))
    return urllib.parse.urlencode(flat, quote_via=urllib.parse.quote)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def pathway_cases(pathway_id: str, dated: bool = False) -> list[dict]:
    """The test cases staff wrote for a checker: {"name", "answers" (as JSON), "status", "requirements"}.

    A chooser's case has the status its page shows: "recommended" when it expects a
    recommendation, else "incomplete". A case checked for a day of its own (``as_of``) has no
    status or requirements unless ``dated`` (for pages whose clock is set to that day).
    """
    from certkb.pathway import case_answers

    from .checker_support import content

    c = content()
    out = []
    if pathway_id in c.choosers:
        for case in c.choosers[pathway_id].cases:
            if not case.problems:
                out.append(
                    {
                        "name": case.name,
                        "answers": case_answers(case),
                        "requirements": {},
                        "status": "recommended" if case.recommended else "incomplete",
                    }
                )
        return out
    for case in c.pathways[pathway_id].cases:
        # A case checked for a day of its own (as_of) is compared with the page only where the page's
        # clock is set to that day (the pathway gates); these pages run on today's date.
        hidden = case.as_of is not None and not dated
        out.append(
            {
                "name": case.name,
                "answers": case_answers(case),
                "status": None if hidden else case.status,
                "requirements": {} if hidden else dict(case.requirements),
                "problems": list(case.problems),
            }
        )
    return out


def write_report(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def dump(obj: Any) -> str:
    return json.dumps(obj, indent=1, default=str)[:4000]
