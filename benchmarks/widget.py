"""`make bench-widget`: how long the in-browser checker takes to start, against a plain page.

Builds the site (strict), serves it under the /kb/ sub-path on 127.0.0.1 and,
in Debian's Chromium (the tests' launch flags), makes N cold loads of each
(a fresh browser context every time, so nothing is cached), alternating:

* a checker page: the time from navigation start until the widget's root
  carries ``data-checker-ready`` (recorded in the page by a MutationObserver
  installed before any page script), and the bytes transferred until then;
* a plain guide page: its load time (``loadEventEnd`` of the navigation) and
  the bytes transferred until then;
* on the checker page, once it has loaded: the time of one re-evaluation after an
  answer changes (an ``input`` event on a number field; the widget handles it
  synchronously, so the time around ``dispatchEvent`` is the whole
  re-evaluation: reading the form, the engine, updating the page and the URL
  fragment), and the time until the next frame is drawn.

It prints each series, the medians, and the ratio of checker-ready to plain
page load. It asserts nothing: figures, not a timed test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import StaticServer, build_site, launch_chromium  # noqa: E402



def defaults() -> tuple[str, str, str]:
    """The content's first upgrade guide and its checker, and the checker's first number question."""
    from certkb.checker_page import control_id
    from certkb.loader import load_content

    content = load_content(ROOT / "content")
    gid, guide = next((gid, g) for gid, g in content.guides.items() if g.pathway)
    pathway = content.pathways[guide.pathway]
    number = next(i.name for i in pathway.inputs if i.type == "number")
    return (f"checker/{guide.pathway}/", content.guide_page(gid).removesuffix(".md") + "/", "#" + control_id(number))


CHECKER, PLAIN, FIELD = defaults()

# Records when the widget becomes ready, before any page script runs.
READY_PROBE = """
window.__benchReady = null;
new MutationObserver((records, observer) => {
  if (document.querySelector('[data-checker-ready]')) {
    window.__benchReady = performance.now();
    observer.disconnect();
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-checker-ready']});
"""

# One answer change: the synchronous handling time, and the time until the next frame.
REEVALUATE = """
async ([selector, value]) => {
  const field = document.querySelector(selector);
  field.value = value;
  const start = performance.now();
  field.dispatchEvent(new Event('input', {bubbles: true}));
  const handled = performance.now() - start;
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  return [handled, performance.now() - start];
}
"""


class Bytes:
    """Bytes received over the network by one page (its CDP Network events)."""

    def __init__(self, context, page):
        self.total = 0
        self.session = context.new_cdp_session(page)
        self.session.on("Network.loadingFinished", self._finished)
        self.session.send("Network.enable")

    def _finished(self, event):
        self.total += int(event.get("encodedDataLength") or 0)


def load_checker(browser, url: str, changes: list[str]) -> dict:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(READY_PROBE)
        counter = Bytes(context, page)
        page.goto(url)
        page.wait_for_selector("[data-checker-ready]", state="attached", timeout=60_000)
        ready = page.evaluate("window.__benchReady")
        transferred = counter.total
        status = page.get_attribute("[data-checker-status]", "data-checker-status")
        # Answer changes are timed once the page has finished loading, as a person would type.
        page.wait_for_load_state("load")
        handled, painted = [], []
        for value in changes:
            h, p = page.evaluate(REEVALUATE, [FIELD, value])
            handled.append(h)
            painted.append(p)
        page.wait_for_load_state("networkidle")
        return {"ready": ready, "bytes": transferred, "status": status,
                "reeval": statistics.median(handled), "paint": statistics.median(painted)}
    finally:
        context.close()


def load_plain(browser, url: str) -> dict:
    context = browser.new_context()
    try:
        page = context.new_page()
        counter = Bytes(context, page)
        page.goto(url, wait_until="load")
        load = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        transferred = counter.total
        page.wait_for_load_state("networkidle")  # let the search index finish before the context closes
        return {"load": load, "bytes": transferred}
    finally:
        context.close()


def fmt(values: list[float], unit: str = "ms") -> str:
    return ", ".join(f"{v:.0f}" if unit == "ms" else f"{v / 1024:.0f}" for v in values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.widget", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="cold loads of each page (default 5)")
    parser.add_argument("--site", type=Path, help="serve this built site instead of building one")
    parser.add_argument("--checker", default=CHECKER, help=f"checker page (default {CHECKER})")
    parser.add_argument("--plain", default=PLAIN, help=f"plain guide page (default {PLAIN})")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            proc = build_site(site)
            if proc.returncode != 0:
                print(proc.stdout + proc.stderr, file=sys.stderr)
                return 1
        with StaticServer(site) as server, sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                # One warm-up of each, not counted: the first launch pays for disk caches.
                load_checker(browser, server.url(args.checker), ["1"])
                load_plain(browser, server.url(args.plain))
                checker, plain = [], []
                for i in range(args.runs):
                    changes = [str(v) for v in (3, 4.5, 2, 10, 0.5)]
                    if i % 2:
                        plain.append(load_plain(browser, server.url(args.plain)))
                        checker.append(load_checker(browser, server.url(args.checker), changes))
                    else:
                        checker.append(load_checker(browser, server.url(args.checker), changes))
                        plain.append(load_plain(browser, server.url(args.plain)))
            finally:
                browser.close()

    ready = [c["ready"] for c in checker]
    load = [p["load"] for p in plain]
    reeval = [c["reeval"] for c in checker]
    paint = [c["paint"] for c in checker]
    cbytes = [c["bytes"] for c in checker]
    pbytes = [p["bytes"] for p in plain]
    m_ready, m_load = statistics.median(ready), statistics.median(load)
    print(f"Cold loads: {args.runs} of each, a fresh browser context every time, served under /kb/ on 127.0.0.1")
    print(f"  checker page  {args.checker}")
    print(f"  plain page    {args.plain}")
    print()
    print(f"{'':32}{'median':>10}   runs")
    print(f"{'checker ready (ms)':32}{m_ready:>10.0f}   {fmt(ready)}")
    print(f"{'plain page load (ms)':32}{m_load:>10.0f}   {fmt(load)}")
    print(f"{'checker bytes until ready (KiB)':32}{statistics.median(cbytes) / 1024:>10.0f}   {fmt(cbytes, 'KiB')}")
    print(f"{'plain bytes until load (KiB)':32}{statistics.median(pbytes) / 1024:>10.0f}   {fmt(pbytes, 'KiB')}")
    print(f"{'re-evaluation (ms)':32}{statistics.median(reeval):>10.1f}   "
          + ", ".join(f"{v:.1f}" for v in reeval) + "   (median of 5 answer changes per load)")
    print(f"{'re-evaluation to next frame (ms)':32}{statistics.median(paint):>10.1f}   "
          + ", ".join(f"{v:.1f}" for v in paint))
    print()
    print(f"ratio checker ready / plain page load: {m_ready / m_load:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
