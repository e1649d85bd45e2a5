"""The "% đã chi" column and the payment charts in Chromium on a phone: sorting by the share orders the
communes by the number shown, and an opened chart table never makes a page scroll sideways.
Fixtures come from tests/browser/conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
YEAR = max(int(p.name) for p in (ROOT / "data" / "allocations").iterdir() if p.name.isdigit())


def shares_shown(page) -> list[float]:
    cells = page.locator("table[data-sortable] tbody td.share")
    return [float(text.strip().rstrip("%").replace(".", "").replace(",", ".")) for text in cells.all_inner_texts()]


def test_sorting_by_share_paid_orders_communes_numerically(browser_page, site_url):
    page = browser_page.page
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(site_url)
    header = page.locator("table[data-sortable] thead th", has_text="% đã chi")
    shown = shares_shown(page)
    assert len(set(shown)) > 2, "the sample needs communes paid in different shares"
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert shares_shown(page) == sorted(shown)
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert shares_shown(page) == sorted(shown, reverse=True)
    assert browser_page.console_errors == []


@pytest.mark.parametrize("path", ["", f"xa/01786/{YEAR}/"])
def test_an_opened_chart_table_does_not_widen_the_page_at_360_px(browser_page, site_url, path):
    page = browser_page.page
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(site_url + path)
    page.get_by_text("Xem số liệu dạng bảng").click()
    assert page.locator(".chart details table").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") == 360
    chart = page.locator(".chart svg").bounding_box()
    assert chart["x"] >= 0 and chart["x"] + chart["width"] <= 360
