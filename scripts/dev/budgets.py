"""Performance budgets of a built site, as benchmark figures (``invoke bench``), never as timed tests.

- Page weight: the gzipped bytes of a page's HTML plus the CSS and JS it loads (maps and the search
  index excluded), for the home page, the commune page with the most teams and the team page with the
  most rows. Budget: 30 KB each.
- First search: the extra bytes the search page loads to answer its first query, recorded in headless
  Chromium (pagefind, its WebAssembly, index chunks, result fragments, team codes). Budget: 150 KB.
- Map page: everything the province map page transfers, tiles excluded (Leaflet, the shared geometry,
  the year's figures, the page). Budget: 150 KB.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

from scripts.dev import system_packages
from scripts.dev.local_server import serve
from scripts.model.urls import MAPS_DIR, SEARCH_URL
from scripts.publish.checks import resolve

PAGE_BUDGET = 30 * 1024
SEARCH_BUDGET = 150 * 1024
MAP_PAGE_BUDGET = 150 * 1024
SEARCH_QUERY = "dong khe"


def gzipped(path: Path) -> int:
    data = path.read_bytes()
    # pagefind's index and WebAssembly are gzip files already: served as they are.
    return len(data) if data[:2] == b"\x1f\x8b" else len(gzip.compress(data, 9, mtime=0))


def page_weight(site: Path, page: str) -> dict[str, int]:
    """Gzipped bytes of the page's HTML and of each stylesheet and script it loads."""
    path = site / page
    tree = lxml.html.fromstring(path.read_bytes())
    weights = {page: gzipped(path)}
    for reference in tree.xpath("//link[@rel='stylesheet']/@href | //script/@src"):
        target = resolve(page, reference, set())  # stylesheets and scripts are files, never directories
        if target is not None and not target.startswith("pagefind/"):
            weights[target] = gzipped(site / target)
    return weights


def heaviest(site: Path, pattern: str) -> str:
    """The page matching ``pattern`` with the largest HTML: the worst case of its kind."""
    return max(site.glob(pattern), key=lambda path: path.stat().st_size).relative_to(site).as_posix()


def transferred(site: Path, address: str, ready: str) -> dict[str, int]:
    """Gzipped bytes of every site file headless Chromium fetches to show ``address`` until ``ready`` appears.

    Requests leaving localhost (map tiles) are refused: they are outside every budget.
    """
    from playwright.sync_api import sync_playwright

    server, base = serve(site)
    requested: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(system_packages.CHROMIUM), args=system_packages.CHROMIUM_ARGS)
            page = browser.new_page()
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
            page.on("requestfinished", lambda request: requested.append(unquote(urlsplit(request.url).path)))
            page.goto(base + address)
            page.wait_for_selector(ready, timeout=15000)
            page.wait_for_load_state("networkidle")
            browser.close()
    finally:
        server.shutdown()
    files = {path.lstrip("/") or "index.html" for path in requested}
    files = {name + "index.html" if name.endswith("/") else name for name in files}
    return {name: gzipped(site / name) for name in sorted(files) if (site / name).is_file()}


def first_search_bytes(site: Path, query: str = SEARCH_QUERY) -> dict[str, int]:
    """Files the search page fetches for its first query beyond the page's own HTML, CSS and JS."""
    own = page_weight(site, f"{SEARCH_URL}index.html")
    fetched = transferred(site, f"{SEARCH_URL}?q={query}", ".search-result-link")
    return {name: size for name, size in fetched.items() if name not in own}


def map_page_bytes(site: Path) -> dict[str, int]:
    """Everything the latest province map page transfers, tiles excluded: Leaflet, geometry, figures, page."""
    latest = max((site / MAPS_DIR).glob("tinh-*.html")).relative_to(site).as_posix()
    return transferred(site, latest, "path.leaflet-interactive")


def measure(site: Path) -> dict:
    """All budget figures for the built site in ``site``, in bytes, with the budgets beside them."""
    site = Path(site)
    pages = {
        "home": "index.html",
        "commune": heaviest(site, "xa/*/*/index.html"),
        "team": heaviest(site, "to/*/index.html"),
    }
    figures = {kind: {"page": page, "bytes": sum(page_weight(site, page).values())} for kind, page in pages.items()}
    search = first_search_bytes(site)
    figures["first_search"] = {"files": len(search), "bytes": sum(search.values())}
    map_page = map_page_bytes(site)
    figures["map_page"] = {"files": len(map_page), "bytes": sum(map_page.values())}
    figures["budgets"] = {"page": PAGE_BUDGET, "first_search": SEARCH_BUDGET, "map_page": MAP_PAGE_BUDGET}
    return figures



if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(measure(Path(sys.argv[1] if len(sys.argv) > 1 else "output")), ensure_ascii=False, indent=2))
