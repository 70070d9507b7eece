"""`make bench-widget`: how soon the checker page paints and is ready, against a plain guide page.

Builds the site (strict) and serves it under /kb/ on 127.0.0.1 as a host
would (gzip, long cache for URLs that name their content: benchmarks/serve.py).
With ``--baseline SITE`` (a site built from another commit, e.g. main) it serves
both and measures them in the same run, page loads interleaved, so the
"before" and "after" figures share the machine's noise.

In Debian's Chromium (the tests' launch flags), for each profile:

* ``desktop``: no throttling;
* ``phone``: 4x CPU slowdown, 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency
  (Lighthouse's mobile figures), through the DevTools protocol
  (``Emulation.setCPUThrottlingRate``, ``Network.emulateNetworkConditions``);

and for each round (default 9), in an order that alternates between rounds:
a cold load of the guide and of the checker page (a fresh browser context:
nothing cached), then a warm one of each (the same context, second visit: the
HTTP cache holds what the first visit kept). Each load records first paint,
first contentful paint, largest contentful paint, the load event, for the
checker the moment the widget's root carries ``data-checker-ready`` (a
MutationObserver installed before any page script), and the bytes received
until then. Checker loads also record a start-up trace: the runtime's fetches
(Resource Timing; from the first runtime file boot.js asks for), WebAssembly
compile (``WebAssembly.instantiateStreaming``, wrapped before any page
script), MicroPython's start (to the ``checker:interpreter-ready`` mark boot.js
writes from PyScript's ``onReady`` hook), PyScript's own Python (to our
``start.py``: PyScript writes and imports its package), our import
(``checker:import`` to ``checker:imported`` marks, written by start.py) and
the first evaluation (to ready).

Then Lighthouse 12 (node_modules, mobile preset) runs against a guide page and
a checker page of each site (``--lighthouse-runs``, median). Prints medians and
spread (min-max), the ratios the issue asks for, and writes a JSON record
under benchmarks/results/. It asserts nothing: figures, not a timed test.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.serve import HostServer, sizes  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, build_site, launch_chromium  # noqa: E402


def defaults() -> tuple[str, str]:
    """The content's first upgrade guide's checker, and the guide itself (no page is named here)."""
    from certkb.loader import load_content

    content = load_content(ROOT / "content")
    gid, guide = next((gid, g) for gid, g in content.guides.items() if g.pathway)
    return f"checker/{guide.pathway}/", content.guide_page(gid).removesuffix(".md") + "/"


CHECKER, PLAIN = defaults()
RESULTS = ROOT / "benchmarks" / "results"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"

PROFILES = {
    "desktop": None,
    # Lighthouse's mobile throttling ("slow 4G", mid-range phone).
    "phone": {"cpu": 4, "latency": 150, "download": 1.6e6 / 8, "upload": 750e3 / 8},
}

# Installed before any page script: paints, ready, and the WebAssembly compile.
PROBE = """
(() => {
  const t = window.__bench = {ready: null, lcp: null, wasm: null};
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) t.lcp = e.startTime;
  }).observe({type: 'largest-contentful-paint', buffered: true});
  new MutationObserver((records, observer) => {
    if (document.querySelector('[data-checker-ready]')) {
      t.ready = performance.now();
      observer.disconnect();
    }
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-checker-ready']});
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const original = WebAssembly[name];
    WebAssembly[name] = function (...args) {
      const start = performance.now();
      return original.apply(this, args).then((result) => {
        t.wasm = t.wasm || {how: name, start, end: performance.now()};
        return result;
      });
    };
  }
})();
"""

COLLECT = """
() => {
  const t = window.__bench;
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
  const mark = (name) => (performance.getEntriesByName(name, 'mark')[0] || {}).startTime ?? null;
  const runtime = performance.getEntriesByType('resource')
    .filter((r) => r.name.includes('/assets/checker/'))
    .map((r) => ({name: r.name.split('/assets/checker/')[1], start: r.startTime, end: r.responseEnd,
                  transfer: r.transferSize, encoded: r.encodedBodySize, decoded: r.decodedBodySize}));
  const until = t.ready ?? nav.loadEventEnd;
  const urls = [nav.name, ...performance.getEntriesByType('resource')
    .filter((r) => r.responseEnd <= until).map((r) => r.name)];
  return {urls, fp: paint['first-paint'] ?? null, fcp: paint['first-contentful-paint'] ?? null, lcp: t.lcp,
          load: nav.loadEventEnd || null, ready: t.ready, wasm: t.wasm,
          interpreter: mark('checker:interpreter-ready'),
          imported: [mark('checker:import'), mark('checker:imported')], runtime};
}
"""


class Network:
    """Bytes received by one page (CDP Network events), and the page's throttling."""

    def __init__(self, context, page, profile):
        self.total = 0
        self.session = context.new_cdp_session(page)
        self.session.on("Network.loadingFinished", self._finished)
        self.session.send("Network.enable")
        if profile:
            self.session.send("Emulation.setCPUThrottlingRate", {"rate": profile["cpu"]})
            self.session.send(
                "Network.emulateNetworkConditions",
                {
                    "offline": False,
                    "latency": profile["latency"],
                    "downloadThroughput": profile["download"],
                    "uploadThroughput": profile["upload"],
                },
            )

    def _finished(self, event):
        self.total += int(event.get("encodedDataLength") or 0)


def visit(page, net: Network, url: str, checker: bool) -> dict:
    before = net.total
    page.goto(url, wait_until="load")
    if checker:
        page.wait_for_selector("[data-checker-ready]", state="attached", timeout=120_000)
    bytes_until = net.total - before
    # LCP is final once the page has been painted after load; one more frame to be sure.
    page.evaluate("new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))")
    out = page.evaluate(COLLECT)
    out["bytes"] = bytes_until
    if checker:
        out["status"] = page.get_attribute("[data-checker-status]", "data-checker-status")
        out["trace"] = trace(out)
    page.wait_for_load_state("networkidle")  # let the search index finish before leaving
    return out


def trace(m: dict) -> dict:
    """The checker's start-up in steps (ms): each ends where the next begins."""
    runtime = [
        r for r in m["runtime"] if not r["name"].startswith("boot.")
    ]  # boot.js (a file before it was inline) starts it
    first = min((r["start"] for r in runtime), default=None)
    wasm = next((r for r in runtime if r["name"].endswith(".wasm")), None)
    fetched = max((r["end"] for r in runtime if not r["name"].endswith(".wasm")), default=None)
    imp, imported = m["imported"]
    if first is None or wasm is None or m["wasm"] is None or imp is None or imported is None:
        return {}
    compiled = m["wasm"]["end"]
    return {
        "until runtime asked for": first,
        "fetch (until the .wasm has arrived)": wasm["end"] - first,
        "WebAssembly compile (after its last byte)": max(0.0, compiled - wasm["end"]),
        "MicroPython start (to the interpreter ready)": (m["interpreter"] - compiled) if m["interpreter"] else None,
        "PyScript's own Python (to our start.py)": (imp - m["interpreter"]) if m["interpreter"] else None,
        "PyScript bootstrap (to our start.py, both above)": imp - compiled,
        "our import (widget, engine)": imported - imp,
        "first evaluation (to ready)": m["ready"] - imported,
        "other runtime files arrived at": fetched,
        "compile API": m["wasm"]["how"],
    }


def one_round(browser, server, site_name, page_path, checker, profile, sink):
    """A cold visit (fresh context) then a warm one (same context, second visit)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(PROBE)
        net = Network(context, page, profile)
        url = server.url(f"{site_name}/{page_path}")
        sink["cold"].append(visit(page, net, url, checker))
        page.goto("about:blank")
        sink["warm"].append(visit(page, net, url, checker))
    finally:
        context.close()


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values):
    values = [v for v in values if v is not None]
    return (min(values), max(values)) if values else (None, None)


def lighthouse(url: str, out: Path) -> dict:
    """One Lighthouse run (mobile preset: simulated slow 4G and 4x CPU) in Debian's Chromium."""
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    # The tests' flags; Lighthouse's option parser keeps a quoted value with spaces whole.
    flags = ["--headless=new"] + [
        f'{a.split("=", 1)[0]}="{a.split("=", 1)[1]}"' if " " in a else a for a in CHROMIUM_ARGS
    ]
    cmd = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        "--only-categories=performance,accessibility",
        "--form-factor=mobile",
        f"--chrome-flags={' '.join(flags)}",
    ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(f"lighthouse failed on {url}:\n{proc.stderr[-2000:]}")
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    return {
        "performance": report["categories"]["performance"]["score"],
        "accessibility": report["categories"]["accessibility"]["score"],
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "si": audits["speed-index"]["numericValue"],
        "failed a11y": sorted(
            a["id"]
            for a in audits.values()
            if a.get("score") == 0 and a["id"] in {r["id"] for r in report["categories"]["accessibility"]["auditRefs"]}
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.widget", description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=9, help="rounds per profile (default 9)")
    parser.add_argument("--site", type=Path, help="measure this built site instead of building one")
    parser.add_argument("--baseline", type=Path, help="also measure this built site (e.g. main's), interleaved")
    parser.add_argument("--profiles", nargs="+", default=list(PROFILES), choices=list(PROFILES))
    parser.add_argument("--lighthouse-runs", type=int, default=1, help="Lighthouse runs per page and site (0: none)")
    parser.add_argument("--checker", default=CHECKER, help=f"checker page (default {CHECKER})")
    parser.add_argument("--plain", default=PLAIN, help=f"plain guide page (default {PLAIN})")
    parser.add_argument("--record", type=Path, help="where to write the JSON record (default benchmarks/results/)")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        served = Path(tmp) / "served"
        served.mkdir()
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            proc = build_site(site)
            if proc.returncode != 0:
                print(proc.stdout + proc.stderr, file=sys.stderr)
                return 1
        sites = {"after": site.resolve()}
        if args.baseline:
            sites = {"before": args.baseline.resolve(), **sites}
        for name, path in sites.items():
            (served / name).symlink_to(path)
        pages = {"guide": (args.plain, False), "checker": (args.checker, True)}
        data = {p: {s: {pg: {"cold": [], "warm": []} for pg in pages} for s in sites} for p in args.profiles}
        with HostServer(served) as server, sync_playwright() as pw:
            browser = launch_chromium(pw)
            try:
                for profile in args.profiles:  # one warm-up of each, not counted
                    for s in sites:
                        for path, checker in pages.values():
                            one_round(browser, server, s, path, checker, PROFILES[profile], {"cold": [], "warm": []})
                for r in range(args.rounds):
                    for profile in args.profiles:
                        order = [(s, pg) for s in sites for pg in pages]
                        order = order[r % len(order) :] + order[: r % len(order)]  # rotate: no fixed position
                        for s, pg in order:
                            path, checker = pages[pg]
                            one_round(browser, server, s, path, checker, PROFILES[profile], data[profile][s][pg])
                    print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
            finally:
                browser.close()
            lh = {}
            if args.lighthouse_runs and LIGHTHOUSE.exists():
                for s in sites:
                    for pg, (path, _) in pages.items():
                        runs = [
                            lighthouse(server.url(f"{s}/{path}"), Path(tmp) / f"lh-{s}-{pg}-{i}.json")
                            for i in range(args.lighthouse_runs)
                        ]
                        best = sorted(runs, key=lambda x: x["performance"])[len(runs) // 2]
                        lh.setdefault(s, {})[pg] = {**best, "performance runs": [x["performance"] for x in runs]}
            elif args.lighthouse_runs:
                print(f"{LIGHTHOUSE} is missing: run `npm ci` (make setup does)", file=sys.stderr)

        # Bytes as a host serves them: every file the page asked for until ready (or load), cold.
        prefix = server.url("")
        for s, path in sites.items():
            for profile in args.profiles:
                for pg in pages:
                    for m in data[profile][s][pg]["cold"]:
                        urls = [u[len(prefix) + len(s) + 1 :] for u in m.pop("urls") if u.startswith(prefix + s + "/")]
                        m["sizes"] = sizes(path, urls)
                        m["runtime sizes"] = sizes(path, [u for u in urls if "assets/checker/" in u])
                    for m in data[profile][s][pg]["warm"]:
                        m.pop("urls", None)
    record = report(args, sites, data, lh if args.lighthouse_runs else {})
    out = args.record or RESULTS / f"widget-{_dt.datetime.now(_dt.UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"\nrecord: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


def fmt(v, unit="ms"):
    if v is None:
        return "-"
    return f"{v:.0f}" if unit == "ms" else f"{v / 1024:.0f}"


def report(args, sites, data, lh) -> dict:
    record = {
        "when": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "rounds": args.rounds,
        "pages": {"guide": args.plain, "checker": args.checker},
        "profiles": {},
        "lighthouse": lh,
    }
    print(f"{args.rounds} rounds per profile; cold = fresh context, warm = same context, second visit.")
    print("Each cell: median [min-max] in ms (bytes: KiB received, gzip as served).")
    for profile, by_site in data.items():
        print(f"\n## {profile}")
        print("| site | page | visit | first paint | FCP | LCP | load | ready | KiB |")
        print("|---|---|---|---:|---:|---:|---:|---:|---:|")
        rec = record["profiles"][profile] = {}
        for s, by_page in by_site.items():
            for pg, visits in by_page.items():
                for v, loads in visits.items():
                    row = {}
                    for key in ("fp", "fcp", "lcp", "load", "ready", "bytes"):
                        vals = [m.get(key) for m in loads]
                        row[key] = {"median": med(vals), "min": spread(vals)[0], "max": spread(vals)[1], "runs": vals}
                    rec.setdefault(s, {}).setdefault(pg, {})[v] = row

                    def cell(k, u="ms", row=row):
                        if row[k]["median"] is None:
                            return "-"
                        return f"{fmt(row[k]['median'], u)} [{fmt(row[k]['min'], u)}-{fmt(row[k]['max'], u)}]"

                    print(
                        f"| {s} | {pg} | {v} | {cell('fp')} | {cell('fcp')} | {cell('lcp')} | {cell('load')} "
                        f"| {cell('ready')} | {cell('bytes', 'KiB')} |"
                    )
        print()
        for s in by_site:
            r = rec[s]
            g, c = r["guide"], r["checker"]
            ratios = {
                "checker FP / guide FP (cold)": c["cold"]["fp"]["median"] / g["cold"]["fp"]["median"],
                "checker LCP / guide LCP (cold)": c["cold"]["lcp"]["median"] / g["cold"]["lcp"]["median"],
                "checker ready / guide load (cold)": c["cold"]["ready"]["median"] / g["cold"]["load"]["median"],
                "checker ready / guide load (warm)": c["warm"]["ready"]["median"] / g["warm"]["load"]["median"],
                "checker bytes until ready / guide bytes until load (cold)": c["cold"]["bytes"]["median"]
                / g["cold"]["bytes"]["median"],
            }
            rec[s]["ratios"] = ratios
            print(f"{s}: " + "; ".join(f"{k} {v:.2f}" for k, v in ratios.items()))
            traces = [m["trace"] for m in data[profile][s]["checker"]["cold"] if m.get("trace")]
            if traces:
                steps = {k: med([t[k] for t in traces]) for k in traces[0] if k != "compile API"}
                steps["compile API"] = traces[0]["compile API"]
                rec[s]["checker start-up (cold, median ms)"] = steps
                print(
                    f"  {s} checker start-up, cold (median ms): "
                    + "; ".join(f"{k} {v:.0f}" if isinstance(v, float) else f"{k} {v}" for k, v in steps.items())
                )
            for pg in ("guide", "checker"):
                sz = data[profile][s][pg]["cold"][-1]["sizes"]
                rsz = data[profile][s][pg]["cold"][-1]["runtime sizes"]
                rec[s][pg]["files until ready/load (bytes)"] = {"all": sz, "checker runtime": rsz}
                print(
                    f"  {s} {pg}: files until {'ready' if pg == 'checker' else 'load'}: "
                    f"raw {sz['raw'] / 1024:.0f} KiB, "
                    f"gzip {sz['gzip'] / 1024:.0f} KiB, brotli {sz['brotli'] / 1024:.0f} KiB"
                    + (
                        f" (runtime: raw {rsz['raw'] / 1024:.0f}, gzip {rsz['gzip'] / 1024:.0f}, "
                        f"brotli {rsz['brotli'] / 1024:.0f} KiB)"
                        if rsz["raw"]
                        else ""
                    )
                )
            g_sz = data[profile][s]["guide"]["cold"][-1]["sizes"]
            c_sz = data[profile][s]["checker"]["cold"][-1]["sizes"]
            ratios["compressed bytes until ready / guide's (gzip)"] = c_sz["gzip"] / g_sz["gzip"]
            ratios["compressed bytes until ready / guide's (brotli)"] = c_sz["brotli"] / g_sz["brotli"]
            print(
                f"  {s}: compressed bytes, checker until ready / guide until load: "
                f"gzip {ratios['compressed bytes until ready / guide' + chr(39) + 's (gzip)']:.2f}, "
                f"brotli {ratios['compressed bytes until ready / guide' + chr(39) + 's (brotli)']:.2f}"
            )
            statuses = {m.get("status") for m in data[profile][s]["checker"]["cold"]}
            rec[s]["checker statuses"] = sorted(str(x) for x in statuses)
    if lh:
        print("\n## Lighthouse 12, mobile preset (simulated throttling)")
        print("| site | page | performance | accessibility | FCP | LCP | TBT | failed a11y audits |")
        print("|---|---|---:|---:|---:|---:|---:|---|")
        for s, by_page in lh.items():
            for pg, r in by_page.items():
                print(
                    f"| {s} | {pg} | {r['performance']:.2f} | {r['accessibility']:.2f} | {r['fcp']:.0f} "
                    f"| {r['lcp']:.0f} | {r['tbt']:.0f} | {', '.join(r['failed a11y']) or '-'} |"
                )
    return record


if __name__ == "__main__":
    sys.exit(main())
