"""Search on a phone, in headless Chromium against the published sample site: a team code finds its team
first, results are titled with the commune and show the latest allocation, no result shows the hidden
unaccented copy, the results start on the first screen and nothing shifts as they arrive.
Fixtures come from tests/browser/conftest.py; the index itself is tested in tests/test_search.py."""

from __future__ import annotations

import csv
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

import pytest
from bs4 import BeautifulSoup

from scripts.common.formatting import vnd

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
YEAR = max(int(p.name) for p in (ROOT / "data" / "allocations").iterdir() if p.name.isdigit())
RESULTS = "#ket-qua > li"
TEAM = "01786-007"
# Records layout shifts from the start, as Lighthouse counts them (CLS: shifts without recent input).
LAYOUT_SHIFTS = """
window.__shifts = 0;
new PerformanceObserver(list => list.getEntries().forEach(shift => {
  if (!shift.hadRecentInput) window.__shifts += shift.value;
})).observe({type: "layout-shift", buffered: true});
"""


def communes() -> dict[str, str]:
    with (ROOT / "data" / "reference" / "communes.csv").open(encoding="utf-8") as handle:
        return {row["code"]: row["full_name_sapnhap"] for row in csv.DictReader(handle)}


def latest_allocation(team_id: str) -> int:
    path = ROOT / "data" / "allocations" / str(YEAR) / "teams" / f"{team_id[:5]}.csv"
    with path.open(encoding="utf-8") as handle:
        return sum(int(row["amount_vnd"]) for row in csv.DictReader(handle) if row["team_id"] == team_id)


def search(page, site_url: str, query: str):
    page.goto(f"{site_url}tim-kiem/?q={quote_plus(query)}")
    page.locator(RESULTS).first.wait_for()
    page.wait_for_load_state("networkidle")  # every result of the first page in
    return page.locator(RESULTS)


@pytest.mark.parametrize("query", [TEAM, TEAM.replace("-", ""), TEAM.replace("-", " "), f" {TEAM} "])
def test_a_team_code_with_or_without_its_hyphen_finds_that_team_first(browser_page, site_url, query):
    results = search(browser_page.page, site_url, query)
    link = results.first.get_by_role("link")
    assert urlsplit(link.get_attribute("href")).path.endswith(f"/to/{TEAM}/")
    assert link.inner_text() == f"Tổ CĐSCĐ thôn mẫu 07 — {communes()[TEAM[:5]]}"
    assert f"Mã tổ {TEAM}" in results.first.inner_text()
    assert browser_page.console_errors == []


def test_the_index_alone_finds_a_team_by_its_code(browser_page, site_url):
    """Where the team codes files cannot answer (they did not load), pagefind finds the code too."""
    page = browser_page.page
    page.goto(site_url + "tim-kiem/")
    first = page.evaluate(
        """async code => {
             const pagefind = await import(new URL("../pagefind/pagefind.js", location.href).href);
             await pagefind.options({noWorker: true});
             const found = await pagefind.search(code);
             return (await found.results[0].data()).url;
           }""",
        TEAM.replace("-", ""),
    )
    assert first.endswith(f"/to/{TEAM}/")


def test_team_results_are_titled_with_their_commune_and_show_the_latest_allocation(browser_page, site_url):
    results = search(browser_page.page, site_url, "thon mau 07")
    names = communes()
    assert results.count() >= 5
    for index in range(results.count()):
        result = results.nth(index)
        team_id = urlsplit(result.get_by_role("link").get_attribute("href")).path.split("/")[-2]
        assert result.get_by_role("link").inner_text().endswith(f" — {names[team_id[:5]]}")
        line = result.inner_text().replace("\xa0", " ")
        assert f"Kinh phí năm {YEAR}: {vnd(latest_allocation(team_id))}".replace("\xa0", " ") in line


@pytest.mark.parametrize("query", ["thon mau 07", "dong khe", "Đông Khê", "thuc phan", "chinh sach", "01786"])
def test_no_result_shows_the_hidden_copy_of_its_page(browser_page, site_url, built_site, query):
    results = search(browser_page.page, site_url, query)
    assert results.count() > 0
    for index in range(results.count()):
        text = results.nth(index).inner_text()
        path = urlsplit(results.nth(index).get_by_role("link").get_attribute("href")).path.lstrip("/")
        page = BeautifulSoup((built_site / path / "index.html").read_text(encoding="utf-8"), "lxml")
        for hidden in page.select("[data-pagefind-body] [hidden]"):
            copy = hidden.get_text(" ", strip=True)
            assert copy not in text and copy.split()[0] + " " + copy.split()[1] not in text, (query, path)
        assert "Mã tổ: ." not in text


def test_results_start_on_the_first_screen_and_nothing_shifts(browser_page, site_url):
    page = browser_page.page
    page.set_viewport_size({"width": 360, "height": 640})
    page.add_init_script(LAYOUT_SHIFTS)
    results = search(page, site_url, "thon mau 07")
    box = results.first.bounding_box()
    assert box["y"] + box["height"] <= 640
    page.wait_for_timeout(500)  # shifts are reported after the frame they happen in
    assert page.evaluate("window.__shifts") < 0.1


def test_the_search_page_has_one_search_landmark(browser_page, site_url):
    page = browser_page.page
    page.goto(site_url + "tim-kiem/")
    assert page.get_by_role("search").count() == 1


def test_typing_a_code_on_the_search_page_finds_the_team(browser_page, site_url):
    page = browser_page.page
    page.goto(site_url + "tim-kiem/")
    page.locator("#tu-khoa").press_sequentially(TEAM.replace("-", ""))
    page.locator(RESULTS).first.wait_for()
    assert page.locator(RESULTS).first.get_by_role("link").get_attribute("href").endswith(f"to/{TEAM}/")
    assert page.url.endswith("?q=" + TEAM.replace("-", ""))


def test_a_citizen_whose_scripts_never_arrived_still_reaches_their_commune_from_the_search_page(browser_page, site_url):
    """On a weak network a page's HTML can arrive and its scripts not: the search box then answers
    nothing, and the communes listed under it are the way on, on a phone."""
    page = browser_page.page
    page.set_viewport_size({"width": 360, "height": 640})
    page.route("**/*.js", lambda route: route.abort())
    page.goto(f"{site_url}tim-kiem/?q=dong+khe")
    assert page.locator(RESULTS).count() == 0
    name = communes()["01786"]
    page.get_by_role("link", name=name, exact=True).click()
    assert page.url.endswith(f"xa/01786/{YEAR}/")
    assert name in page.locator("h1").inner_text()
