"""A citizen on a phone, in headless Chromium against the published sample site: no page scrolls
sideways, a team's amounts are on screen, the first screen holds the title and the search box, no
table caption is cut off, and axe's best-practice rules pass too. Fixtures come from tests/browser/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
YEAR = max(int(p.name) for p in (ROOT / "data" / "allocations").iterdir() if p.name.isdigit())
PHONE_WIDTHS = (320, 360, 390)

PAGES = {
    "home": "",
    "year": f"nam/{YEAR - 1}/",
    "commune": f"xa/01786/{YEAR}/",
    "team": "to/01786-001/",
    "checks": "kiem-tra/",
    "finding": "kiem-tra/to-duoi-muc-toi-thieu/",
    "search": "tim-kiem/?q=dong+khe",
    "downloads": "du-lieu/",
    "policy": "chinh-sach/",
    "about": "ve-du-lieu/",
    "dictionary": "tu-dien-du-lieu/",
    "changelog": "thay-doi/",
    "notice": f"xa/01786/{YEAR}/thong-bao/",
    "province map": f"ban-do/tinh-{YEAR}.html",
    "commune map": f"ban-do/xa-01786-{YEAR}.html",
}
# The first team's allocated and paid amounts: the figures a citizen opens the page for.
# WCAG 2.1 AA plus best practice ("region": no content outside a landmark; "landmark-unique").
AXE_RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}
FIRST_TEAM_AMOUNTS = {
    "commune": "table[data-sortable] tbody tr:first-child td.amount",
    "team": "#bang-kinh-phi >> xpath=.. >> tbody tr:first-child td.amount",
}


@pytest.fixture
def phone(browser_page):
    def open_at(width: int, path: str, height: int = 640):
        page = browser_page.page
        page.set_viewport_size({"width": width, "height": height})
        page.goto(path)
        page.wait_for_load_state("load")
        return page

    return open_at


@pytest.mark.parametrize("width", PHONE_WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(phone, site_url, name, width):
    page = phone(width, site_url + PAGES[name])
    assert page.evaluate("document.documentElement.scrollWidth") == width


@pytest.mark.parametrize("width", PHONE_WIDTHS)
@pytest.mark.parametrize("name", FIRST_TEAM_AMOUNTS)
def test_the_first_teams_allocated_and_paid_amounts_are_on_screen(phone, site_url, name, width):
    page = phone(width, site_url + PAGES[name])
    cells = page.locator(FIRST_TEAM_AMOUNTS[name])
    labels = [cells.nth(i).get_attribute("data-label") for i in range(cells.count())]
    assert labels[:2] == ["Kinh phí", "Đã chi"]
    for i in range(2):
        box = cells.nth(i).bounding_box()
        assert box is not None and box["width"] > 0
        assert 0 <= box["x"] and box["x"] + box["width"] <= width, (labels[i], box)


@pytest.mark.parametrize("name", ["home", "commune", "team"])
def test_the_first_screen_shows_the_title_and_the_search_box(phone, site_url, name):
    page = phone(360, site_url + PAGES[name])
    for selector in ("h1", "#o-tim-kiem"):
        box = page.locator(selector).bounding_box()
        assert box["y"] >= 0 and box["y"] + min(box["height"], 40) <= 640, selector
    notice = page.locator(".sample-notice .wrap")
    line = float(notice.evaluate("element => parseFloat(getComputedStyle(element).lineHeight)"))
    assert notice.bounding_box()["height"] <= 3 * line + 1
    assert notice.get_by_role("link").count() == 1


@pytest.mark.parametrize("width", [360, 1366])
@pytest.mark.parametrize("name", ["home", "commune", "team", "checks", "policy", "about", "dictionary", "downloads", "changelog"])
def test_no_table_caption_is_cut_off(phone, site_url, name, width):
    page = phone(width, site_url + PAGES[name], height=768)
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('.table-scroll caption')].filter(caption =>
             caption.getBoundingClientRect().right > caption.closest('.table-scroll').getBoundingClientRect().right + 1
           ).map(caption => caption.id)"""
    )
    assert clipped == []


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations_with_best_practice_rules_on_a_phone(phone, site_url, name):
    page = phone(360, site_url + PAGES[name])
    if name == "search":
        page.wait_for_selector(".search-result-link")
    if "map" in name:
        page.wait_for_selector("path.leaflet-interactive")
    results = Axe().run(page, options=AXE_RULES)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("width", (*PHONE_WIDTHS, 1280))
def test_a_team_code_never_breaks_across_lines(phone, site_url, width):
    """A citizen reads the code off the screen to quote or search it: "01786-" on one line and "001" on
    the next reads as two things. Each code's text takes one line, on a phone and on a desktop."""
    one_line_each = """cells => cells.map(cell => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        return new Set(Array.from(range.getClientRects(), rect => Math.round(rect.top))).size;
    })"""
    for path, codes in [
        (PAGES["commune"], "table[data-sortable] tbody td[data-label='Mã tổ']"),
        (PAGES["team"], "main p code"),
        (PAGES["finding"], ".finding-list .identifier"),
    ]:
        lines = phone(width, site_url + path).locator(codes).evaluate_all(one_line_each)
        assert lines and set(lines) == {1}, (path, lines)


# Between a phone and a desktop: a phone held sideways (640–932 px), a tablet (768–1024 px), a small laptop.
IN_BETWEEN_WIDTHS = (640, 740, 820, 900, 1000, 1024)


@pytest.mark.parametrize("width", IN_BETWEEN_WIDTHS)
def test_no_table_hides_columns_to_the_side_between_a_phone_and_a_desktop(phone, site_url, width):
    """A table too wide for its box scrolls sideways inside it, and the amounts are its last columns: on a
    phone held sideways or a tablet they were out of sight. Every table fits its box at these widths."""
    for name in ("home", "year", "commune", "team", "checks", "policy", "about", "dictionary", "downloads", "changelog"):
        page = phone(width, site_url + PAGES[name])
        wider = page.evaluate(
            """() => [...document.querySelectorAll('.table-scroll')].filter(box => box.scrollWidth > box.clientWidth + 1)
                 .map(box => box.getAttribute('aria-labelledby'))"""
        )
        assert wider == [], (name, wider)
