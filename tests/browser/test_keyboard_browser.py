"""Keyboard and screen-reader paths, in headless Chromium against the published sample site: the embedded
map costs a keyboard user at most three Tab presses (its shapes are not stops; the table is the keyboard
path), the map opened on its own stays fully keyboard-operable, sort buttons are named by their header's
words and announce each sort, and an old address of a findings page leads to its new one.
Fixtures come from tests/browser/conftest.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from scripts.model.urls import commune_map_path, findings_url, former_findings_url

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
YEAR = max(int(p.name) for p in (ROOT / "data" / "allocations").iterdir() if p.name.isdigit())
MAP_PAGES = {"home": "", "commune": f"xa/01786/{YEAR}/"}
MOST_MAP_TAB_STOPS = 3
ARROWS = re.compile(r"[↕↑↓▲▼]")


def map_tab_stops(page) -> tuple[int, int]:
    """(Tab presses that keep focus in the map's figure, how many of them were inside its iframe), walking
    from a stop placed just before the figure until focus leaves it."""
    page.locator("figure.map").scroll_into_view_if_needed()
    page.frame_locator("figure.map iframe").locator("path.leaflet-interactive").first.wait_for()
    page.evaluate("() => { const mark = document.createElement('button'); mark.id = 'before-map'; document.querySelector('figure.map').before(mark); }")
    page.focus("#before-map")
    stops, in_frame = 0, 0
    for _ in range(100):
        page.keyboard.press("Tab")
        where = page.evaluate("() => document.activeElement.closest('figure.map') ? document.activeElement.tagName : ''")
        if not where:
            return stops, in_frame
        stops += 1
        in_frame += where == "IFRAME"
    raise AssertionError("focus never left the map")


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("name", MAP_PAGES)
def test_the_map_adds_at_most_three_tab_stops(browser_page, site_url, name, width):
    page = browser_page.page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site_url + MAP_PAGES[name])
    stops, in_frame = map_tab_stops(page)
    assert 1 <= stops <= MOST_MAP_TAB_STOPS
    frame = page.frame_locator("figure.map iframe")
    # Chromium makes a shape with focus listeners (each one that opens a tooltip) a tab stop unless its
    # tabindex is negative; on a commune's map, the commune itself has a permanent label and no listeners.
    shapes = frame.locator("path.leaflet-interactive").count()
    assert frame.locator("path.leaflet-interactive[tabindex='-1']").count() >= shapes - 1 > 1
    assert frame.locator("path[tabindex]:not([tabindex='-1']), .leaflet-container[tabindex], .leaflet-control-zoom a:not([tabindex='-1'])").count() == 0
    if name == "home" and width > 600:  # the legend is open: the counter does see inside the frame
        assert in_frame == 2


def test_the_map_opened_on_its_own_is_keyboard_operable(browser_page, site_url):
    page = browser_page.page
    page.goto(site_url + commune_map_path("01786", YEAR))
    page.locator("path.leaflet-interactive[tabindex='0'][role=link]").first.wait_for()
    assert page.locator(".leaflet-container").get_attribute("tabindex") == "0"
    assert page.get_by_role("main").get_by_role("heading", level=1).count() == 1


def test_sort_buttons_are_named_without_arrows_and_each_sort_is_announced(browser_page, site_url):
    page = browser_page.page
    page.goto(site_url + MAP_PAGES["commune"])
    table = page.locator("table[data-sortable]")
    buttons = table.locator("thead th button.sort")
    assert buttons.count() >= 5
    status = page.locator(".sort-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_text("")
    for i in range(buttons.count()):
        expect(buttons.nth(i)).not_to_have_accessible_name(ARROWS)
    header = table.locator("thead th").nth(5)
    words = re.sub(r"\s+", " ", header.inner_text()).strip()
    button = header.get_by_role("button")
    button.click()
    expect(status).to_have_text(f"Đã sắp xếp theo {words} tăng dần")
    expect(button).to_have_accessible_name(words)
    arrow = header.locator(".sort-arrow").evaluate("span => getComputedStyle(span, '::after').content")
    assert "↑" in arrow  # still drawn, only hidden from the accessibility tree
    button.click()
    expect(status).to_have_text(f"Đã sắp xếp theo {words} giảm dần")
    expect(button).to_have_accessible_name(words)


def test_a_findings_former_address_leads_to_its_vietnamese_one(browser_page, site_url):
    page = browser_page.page
    page.goto(site_url + former_findings_url("team-below-minimum"))
    page.wait_for_url(site_url + findings_url("team-below-minimum"))
    assert page.locator("ul.finding-list > li").count() > 0
