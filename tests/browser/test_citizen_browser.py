"""What a citizen does on a phone, in headless Chromium against the published sample site:
accessibility (axe-core, WCAG 2.1 AA), search without diacritics, sorting and filtering tables,
and tables complete with JavaScript off. Fixtures come from tests/browser/conftest.py.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from scripts.common.formatting import ascii_fold

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
YEAR = max(int(p.name) for p in (ROOT / "data" / "allocations").iterdir() if p.name.isdigit())
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
RESULT = ".search-result-link"
FIRST_RESULT = f"#ket-qua > li:first-child {RESULT}"

PAGES = {
    "home": "",
    "commune": f"xa/01786/{YEAR}/",
    "team": "to/01786-001/",
    "policy": "chinh-sach/",
    "search results": "tim-kiem/?q=dong+khe",
    "notice": f"xa/01786/{YEAR}/thong-bao/",
}


def team_rows(code: str) -> list[dict]:
    with (ROOT / "data" / "allocations" / str(YEAR) / "teams" / f"{code}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations_at_wcag_21_aa(browser_page, site_url, name):
    page = browser_page.page
    page.goto(site_url + PAGES[name])
    if name == "search results":
        page.wait_for_selector(FIRST_RESULT)
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()
    assert browser_page.outside_requests == []


@pytest.mark.parametrize(
    ("query", "title"),
    [("dong khe", "Xã Đông Khê"), ("thuc phan", "Phường Thục Phán"), ("Đông Khê", "Xã Đông Khê")],
)
def test_search_finds_names_typed_with_or_without_diacritics(browser_page, site_url, query, title):
    page = browser_page.page
    page.goto(f"{site_url}tim-kiem/?q={query}")
    first = page.locator(FIRST_RESULT)
    first.wait_for()
    assert first.inner_text().startswith(title)
    assert "/xa/" in first.get_attribute("href")
    assert browser_page.console_errors == []


def test_search_box_on_every_page_sends_the_query_to_the_search_page(browser_page, site_url):
    page = browser_page.page
    page.goto(site_url + "to/01786-001/")
    page.fill("#o-tim-kiem", "dong khe")
    page.press("#o-tim-kiem", "Enter")
    page.wait_for_selector(RESULT)
    assert page.url.endswith("tim-kiem/?q=dong+khe")


def amounts(page) -> list[int]:
    cells = page.locator("table[data-sortable] tbody tr td:nth-child(6)")
    return [int(value) for value in cells.evaluate_all("cells => cells.map(cell => cell.dataset.value)")]


def test_sorting_by_a_column_orders_rows_and_says_so(browser_page, site_url):
    page = browser_page.page
    page.goto(site_url + PAGES["commune"])
    header = page.locator("table[data-sortable] thead th").nth(5)
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert amounts(page) == sorted(amounts(page))
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert amounts(page) == sorted(amounts(page), reverse=True)
    assert len(amounts(page)) == len(team_rows("01786"))


def test_typing_filters_a_communes_teams_without_diacritics(browser_page, site_url):
    page = browser_page.page
    page.goto(site_url + PAGES["commune"])
    village = team_rows("01786")[0]["village"]
    page.get_by_label("Lọc các tổ").fill(ascii_fold(village).lower())
    visible = page.locator("table[data-filterable] tbody tr:visible")
    assert visible.count() >= 1
    assert all(village in text for text in visible.all_inner_texts())
    assert page.locator(".filter-count").inner_text() == f"Hiện {visible.count()} trên {len(team_rows('01786'))} dòng"


def test_typing_filters_the_commune_list_by_name(browser_page, site_url):
    page = browser_page.page
    page.goto(site_url)
    page.get_by_label("Lọc xã, phường").fill("dong khe")
    visible = page.locator("table[data-filterable] tbody tr:visible")
    assert visible.all_inner_texts() and all("Đông Khê" in text for text in visible.all_inner_texts())


def test_tables_are_complete_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(site_url + PAGES["commune"])
        rows = page.locator("table[data-sortable] tbody tr")
        assert rows.count() == len(team_rows("01786"))
        assert page.locator("table[data-sortable] tbody tr:visible").count() == rows.count()
        assert page.locator("th button.sort, .table-filter").count() == 0
        page.goto(site_url)
        assert page.locator("table[data-sortable] tbody tr").count() == 56
    finally:
        context.close()


def test_a_reader_sorts_the_checks_to_find_the_communes_that_did_not_allocate_everything(browser_page, site_url):
    """On a phone the reconciliation is 56 cards a year: sorted by "Chưa phân bổ", largest first, the
    communes behind "N xã, phường chưa phân bổ hết" come first."""
    page = browser_page.page
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(site_url + "kiem-tra/")
    table = page.locator(f"#doi-chieu-{YEAR}").locator("xpath=..")
    claimed = int(page.locator(f"#nam-{YEAR} + ul.check-list li:nth-child(2) strong").inner_text().split()[0])
    header = table.locator("thead th", has_text="Chưa phân bổ")
    header.get_by_role("button").click()
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    unallocated = [int(value) for value in table.locator("tbody td[data-label='Chưa phân bổ']").evaluate_all("cells => cells.map(cell => cell.dataset.value)")]
    assert unallocated == sorted(unallocated, reverse=True) and len(unallocated) == 56
    assert [amount > 0 for amount in unallocated[: claimed + 1]] == [True] * claimed + [False]
    first = table.locator("tbody tr").first
    assert first.is_visible() and first.locator("td[data-label='Chưa phân bổ']").is_visible()


def test_a_reader_finds_one_communes_files_among_all_by_typing_its_name(browser_page, site_url):
    """The downloads page lists every commune's files for every year, a row per commune and year: typing a
    name without diacritics keeps that commune's rows, each file a link on screen with its size beside it."""
    page = browser_page.page
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(site_url + "du-lieu/")
    table = page.locator("#bang-theo-xa").locator("xpath=..")
    every = table.locator("tbody tr").count()
    page.get_by_label("Lọc tệp theo tên xã").fill("co ba")
    visible = table.locator("tbody tr:visible")
    assert visible.count() == 2  # 2025 and 2026
    assert all(text.startswith("Xã Cô Ba") for text in visible.all_inner_texts()) and every > 100
    for link in visible.first.locator("td.file-links a").all():
        box = link.bounding_box()
        assert link.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 360


def test_a_communes_year_of_files_takes_a_few_lines_of_a_phone(browser_page, site_url):
    """A row per commune and year (56 × 2 in the sample): at 360 px each takes under a third of a 640 px
    screen, where a block per file, with its hash, took about 400 px for a commune's year."""
    page = browser_page.page
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(site_url + "du-lieu/")
    table = page.locator("#bang-theo-xa").locator("xpath=..")
    rows = table.locator("tbody tr").count()
    assert rows == 56 * 2 and table.bounding_box()["height"] / rows < 640 / 3
