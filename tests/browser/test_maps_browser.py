"""The maps in headless Debian Chromium, served from localhost with tiles off.

Needs the fixtures ``built_site`` (Path of a built site) and ``site_url`` (its http base URL,
ending in "/") from tests/browser/conftest.py. Run with ``pytest -m browser``.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scripts.dev.local_server import serve
from scripts.outputs import maps
from scripts.validate import rules as validate

pytestmark = pytest.mark.browser

ROOT = Path(maps.__file__).resolve().parents[2]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
POLYGON = "path.leaflet-interactive"
FOCUSED = "(e => e.tagName + ' ' + e.getAttribute('class') + ' ' + (e.value || ''))(document.activeElement)"

# A point inside the given SVG path that the path itself receives (neighbours and panels can cover
# the middle of its bounding box), relative to the path's box, as Playwright's position= wants.
INSIDE_POINT = """(path) => {
  const box = path.getBoundingClientRect();
  let best = null;
  for (let i = 1; i < 24; i++) for (let j = 1; j < 24; j++) {
    const x = box.left + box.width * i / 24, y = box.top + box.height * j / 24;
    if (document.elementFromPoint(x, y) !== path) continue;
    const d = (i - 12) ** 2 + (j - 12) ** 2;
    if (!best || d < best.d) best = {x: x - box.left, y: y - box.top, d};
  }
  return best && {x: best.x, y: best.y};
}"""


@pytest.fixture(scope="module")
def chromium(browser):
    """The session's Chromium (tests/browser/conftest.py): one Playwright driver per process."""
    return browser


class Visit:
    """A page that refuses every request leaving localhost and keeps what it saw."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1000, "height": 700})
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if url.startswith("data:") or urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


@pytest.fixture
def visit(chromium):
    created = []

    def open_page():
        created.append(Visit(chromium))
        return created[-1]

    yield open_page
    for each in created:
        each.page.close()


@pytest.fixture(scope="module")
def fiscal_year(built_site) -> int:
    return max(int(re.search(r"\d{4}", p.name).group()) for p in (built_site / maps.MAPS_DIR).glob("tinh-*.html"))


@pytest.fixture(scope="module")
def figures(built_site, fiscal_year) -> dict:
    return json.loads((built_site / maps.MAPS_DIR / f"so-lieu-{fiscal_year}.json").read_text(encoding="utf-8"))


# Folium opens the map at a fixed zoom and the script then fits it to the communes, which Leaflet
# animates: a point taken from a polygon mid-animation lands on another commune once it ends (seen
# when the machine was busy). Settled: no zoom animation, and a polygon that stays put for two frames.
SETTLED = """() => new Promise(resolve => {
  if (document.querySelector('.leaflet-zoom-anim')) return resolve(false);
  const box = () => JSON.stringify(document.querySelector('path.leaflet-interactive').getBoundingClientRect());
  const before = box();
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(box() === before)));
})"""


def polygons(scope, count: int = 56):
    scope.locator(POLYGON).nth(count - 1).wait_for()
    scope.wait_for_function(SETTLED)
    return scope.locator(POLYGON)


def pick(scope, start: int):
    """The first commune from index ``start`` on that is not hidden under a panel, and a point inside it."""
    all_polygons = polygons(scope)
    for index in range(start, start + 56):
        polygon = all_polygons.nth(index % 56)
        point = polygon.evaluate(INSIDE_POINT)
        if point:
            return polygon, point
    raise AssertionError("every commune is covered")


def tooltip_text(scope) -> str:
    # The tooltip just left fades out for 200 ms; the newest one is last.
    return scope.locator(".leaflet-tooltip").last.inner_text()


def commune_in_tooltip(scope, figures: dict) -> str:
    text = tooltip_text(scope)
    codes = [code for code, commune in figures["communes"].items() if commune["name"] in text.splitlines()]
    assert len(codes) == 1, text
    return codes[0]


def test_province_map_draws_every_commune_without_leaving_localhost(visit, site_url, fiscal_year):
    v = visit()
    v.page.goto(site_url + maps.province_map_path(fiscal_year))
    assert polygons(v.page).count() == 56
    assert "NXB Tài nguyên Môi trường và Bản đồ Việt Nam" in v.page.locator(".leaflet-control-attribution").inner_text()
    assert v.outside == []
    assert v.errors == []


def test_hovering_a_commune_shows_its_figures(visit, site_url, fiscal_year, figures):
    v = visit()
    v.page.goto(site_url + maps.province_map_path(fiscal_year))
    for start in (0, 27, 50):
        polygon, point = pick(v.page, start)
        polygon.hover(position=point, force=True)
        code = commune_in_tooltip(v.page, figures)
        text = tooltip_text(v.page)
        for value in figures["communes"][code]["text"].values():
            assert value in text
    assert v.errors == []


AT_POINT = "([x, y]) => { const e = document.elementFromPoint(x, y); return e && (e.tagName + ' ' + e.getAttribute('class')); }"


def test_clicking_a_commune_opens_its_page(visit, site_url, fiscal_year, figures):
    v = visit()
    v.page.goto(site_url + maps.province_map_path(fiscal_year), wait_until="networkidle")
    polygon, point = pick(v.page, 10)
    box = polygon.bounding_box()
    x, y = box["x"] + point["x"], box["y"] + point["y"]
    v.page.mouse.move(x, y)
    code = commune_in_tooltip(v.page, figures)
    # What the click will land on, named in the failure if it is not the commune (once, under load,
    # the click opened nothing).
    assert "leaflet-interactive" in v.page.evaluate(AT_POINT, [x, y])
    v.page.mouse.click(x, y)
    v.page.wait_for_url(f"**/xa/{code}/{fiscal_year}/")
    assert v.outside == []


def test_the_switch_recolours_by_teams_and_members(visit, site_url, fiscal_year, figures):
    v = visit()
    v.page.goto(site_url + maps.province_map_path(fiscal_year))
    fills = lambda: polygons(v.page).evaluate_all("paths => paths.map(p => p.getAttribute('fill'))")  # noqa: E731
    by_amount = fills()
    legend = v.page.locator(".ban-do-legend ul")
    assert legend.get_attribute("aria-label") == figures["metrics"][0]["label"]
    v.page.get_by_label(figures["metrics"][1]["label"]).check()
    assert legend.get_attribute("aria-label") == figures["metrics"][1]["label"]
    assert fills() != by_amount
    assert legend.locator("li").first.inner_text() == figures["metrics"][1]["legend"][0]


def test_map_controls_are_reachable_by_keyboard(visit, site_url, fiscal_year, figures):
    v = visit()
    v.page.goto(site_url + maps.province_map_path(fiscal_year))
    polygons(v.page)
    reached = []
    for _ in range(80):
        v.page.keyboard.press("Tab")
        reached.append(v.page.evaluate(FOCUSED))
        if figures["metrics"][0]["key"] in reached[-1]:
            break
    assert "leaflet-container" in reached[0]
    assert any("leaflet-control-zoom-in" in r for r in reached)
    assert figures["metrics"][0]["key"] in reached[-1], reached
    v.page.keyboard.press("ArrowDown")  # the radio group: next metric
    assert v.page.locator(".ban-do-legend ul").get_attribute("aria-label") == figures["metrics"][1]["label"]


def test_a_commune_focused_by_keyboard_shows_its_figures_and_enter_opens_it(visit, site_url, fiscal_year, figures):
    v = visit()
    v.page.goto(site_url + maps.province_map_path(fiscal_year))
    polygons(v.page)
    v.page.keyboard.press("Tab")  # the map
    v.page.keyboard.press("Tab")  # the first commune
    assert v.page.evaluate("document.activeElement.getAttribute('role')") == "link"
    code = commune_in_tooltip(v.page, figures)
    v.page.keyboard.press("Enter")
    v.page.wait_for_url(f"**/xa/{code}/{fiscal_year}/")


def test_commune_map_highlights_it_and_links_back(visit, site_url, fiscal_year, figures):
    code = sorted(figures["communes"])[0]
    v = visit()
    v.page.goto(site_url + maps.commune_map_path(code, fiscal_year))
    assert polygons(v.page).count() == 56
    assert v.page.locator(".ban-do-label").inner_text() == figures["communes"][code]["name"]
    back = v.page.locator(".ban-do-panel a")
    assert back.get_attribute("target") == "_top"
    back.click()
    v.page.wait_for_url(f"**/nam/{fiscal_year}/")
    assert v.outside == []
    assert v.errors == []


def test_home_page_embeds_the_province_map_in_a_lazy_titled_iframe(visit, site_url, figures):
    v = visit()
    v.page.goto(site_url)
    frame_element = v.page.locator(f"iframe[src*='{maps.MAPS_DIR}/tinh-']")
    assert frame_element.get_attribute("loading") == "lazy"
    assert frame_element.get_attribute("title")
    frame_element.scroll_into_view_if_needed()  # lazy: it loads when the reader reaches it, below the table
    frame = frame_element.element_handle().content_frame()
    polygon, point = pick(frame, 20)
    polygon.hover(position=point, force=True)
    code = commune_in_tooltip(frame, figures)
    polygon.click(position=point, force=True)
    # The commune page replaces the whole page, not just the iframe.
    v.page.wait_for_url(f"**/xa/{code}/*/")
    assert v.outside == []
    assert v.errors == []


def test_on_touch_the_first_tap_shows_figures_and_the_second_opens(chromium, site_url, fiscal_year, figures):
    context = chromium.new_context(has_touch=True, is_mobile=True, viewport={"width": 360, "height": 460})
    page = context.new_page()
    try:
        page.goto(site_url + maps.province_map_path(fiscal_year))
        polygon, point = pick(page, 30)
        polygon.tap(position=point, force=True)
        code = commune_in_tooltip(page, figures)
        assert figures["communes"][code]["text"]["allocated_vnd"] in tooltip_text(page)
        assert page.url.endswith(maps.province_map_path(fiscal_year))
        polygon.tap(position=point, force=True)
        page.wait_for_url(f"**/xa/{code}/{fiscal_year}/")
    finally:
        context.close()


@pytest.fixture(scope="module")
def tiled_site_url(built_site, tmp_path_factory):
    """The built site with maps re-made with the default (OpenStreetMap) tiles, served on localhost."""
    root = tmp_path_factory.mktemp("tiled")
    shutil.copytree(built_site, root / "site")
    maps.run(validate.run(ROOT / "data", root / "build"), root / "site", {}, root / "build")
    server, url = serve(root / "site")
    yield url
    server.shutdown()


def test_map_works_when_tiles_are_unreachable(visit, tiled_site_url, fiscal_year):
    v = visit()
    v.page.goto(tiled_site_url + maps.province_map_path(fiscal_year))
    polygon, point = pick(v.page, 5)
    polygon.hover(position=point, force=True)
    assert tooltip_text(v.page)
    assert v.outside and all(urlsplit(u).hostname == "tile.openstreetmap.org" for u in v.outside)
    assert "OpenStreetMap" in v.page.locator(".leaflet-control-attribution").inner_text()
