"""How long a citizen on a weak phone waits for the first search result: a benchmark, never a timed test.

Serves a built site (``output/`` by default) on localhost, gzipping text as a web server would, and opens
its search page in Debian's Chromium at 360×640 with touch, throttled through the DevTools protocol to
the network issue 26 measured on (400 kbps down, 400 ms round trip) and a 4× slower CPU. Each run starts
with an empty cache and measures, for each query:

- typed: the search page loaded, the query typed into its box at four keys a second; from the last key
  to the first result painted;
- from the address: ``tim-kiem/?q=…`` opened, as the search box on every other page sends it; from the
  start of navigation to the first result painted; with the bytes that took and the page's layout shift
  (CLS) once the results are in.

    python3 -m scripts.dev.search_bench [--site output] [--runs 3] [--query 01786-007 --query "thon mau 07"]

Prints the median of each figure as JSON. Target for a team code: first result within 3 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from urllib.parse import quote_plus

from scripts.dev import system_packages
from scripts.dev.local_server import serve
from scripts.model.urls import SEARCH_URL

QUERIES = ("01786-007", "01786007", "thon mau 07")
PHONE = {"viewport": {"width": 360, "height": 640}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2, "locale": "vi-VN"}
NETWORK = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
CPU_SLOWDOWN = 4
TYPING_DELAY_MS = 250  # a thumb on a phone keyboard: four keys a second
RESULT = "#ket-qua li"
# Run in the page before its own scripts: when the first result is painted, and the layout shifts.
WATCH = """
window.__search = {shifts: 0, lastKey: null, shown: null};
new PerformanceObserver(list => list.getEntries().forEach(shift => {
  if (!shift.hadRecentInput) window.__search.shifts += shift.value;
})).observe({type: "layout-shift", buffered: true});
addEventListener("keydown", () => { window.__search.lastKey = performance.now(); }, true);
document.addEventListener("DOMContentLoaded", () => {
  const results = document.getElementById("ket-qua");
  new MutationObserver((_, observer) => {
    if (!results.children.length) return;
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => { window.__search.shown = performance.now(); }));
  }).observe(results, {childList: true});
});
"""


def throttled_page(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.add_init_script(WATCH)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    received: list[int] = []
    cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
    return context, page, received


def shown(page) -> dict:
    page.wait_for_function("window.__search.shown !== null", timeout=60_000)
    return page.evaluate("window.__search")


def typed(browser, base: str, query: str) -> float:
    context, page, _ = throttled_page(browser)
    try:
        page.goto(base + SEARCH_URL, wait_until="load")
        page.tap("#tu-khoa")
        page.keyboard.type(query, delay=TYPING_DELAY_MS)  # no Enter: the page searches as the query is typed
        figures = shown(page)
        return (figures["shown"] - figures["lastKey"]) / 1000
    finally:
        context.close()


def from_address(browser, base: str, query: str) -> dict:
    context, page, received = throttled_page(browser)
    try:
        page.goto(f"{base}{SEARCH_URL}?q={quote_plus(query)}", wait_until="commit")
        figures = shown(page)
        page.wait_for_timeout(1000)  # later shifts count too
        return {"seconds": figures["shown"] / 1000, "bytes": sum(received), "cls": page.evaluate("window.__search.shifts")}
    finally:
        context.close()


def measure(site: Path, queries: tuple[str, ...] = QUERIES, runs: int = 3) -> dict:
    from playwright.sync_api import sync_playwright

    system_packages.ensure_chromium()
    server, base = serve(site.resolve(), compress=True)
    figures = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(system_packages.CHROMIUM), args=system_packages.CHROMIUM_ARGS)
            for query in queries:
                typed_runs = [typed(browser, base, query) for _ in range(runs)]
                address_runs = [from_address(browser, base, query) for _ in range(runs)]
                figures[query] = {
                    "typed_to_first_result_s": round(statistics.median(typed_runs), 2),
                    "address_to_first_result_s": round(statistics.median(run["seconds"] for run in address_runs), 2),
                    "address_bytes": statistics.median(run["bytes"] for run in address_runs),
                    "address_cls": round(max(run["cls"] for run in address_runs), 3),
                }
            browser.close()
    finally:
        server.shutdown()
    return {"network": NETWORK, "cpu_slowdown": CPU_SLOWDOWN, "runs": runs, "queries": figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path("output"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--query", action="append", dest="queries")
    arguments = parser.parse_args()
    print(json.dumps(measure(arguments.site, tuple(arguments.queries or QUERIES), arguments.runs), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
