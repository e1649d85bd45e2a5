"""The built site keeps the product's promises, asserted on parsed HTML (not raw strings)."""

from __future__ import annotations

import csv
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from selectolax.lexbor import LexborHTMLParser

from scripts.common.formatting import date_vi, months
from scripts.ingest.read import place_tone_marks
from scripts.model.problems import KINDS_BY_CODE
from scripts.model.urls import findings_url

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "allocations"
YEARS = sorted(int(p.name) for p in DATA.iterdir() if p.name.isdigit())


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def digits(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def csv_totals(year: int) -> dict:
    """Totals computed straight from the CSVs, independently of the pipeline."""
    teams = [row for path in sorted((DATA / str(year) / "teams").glob("*.csv")) for row in csv_rows(path)]
    latest_members = {}
    for row in sorted(teams, key=lambda r: int(r["month_from"])):
        latest_members[row["team_id"]] = int(row["member_count"])
    return {
        "allocated": sum(int(row["amount_vnd"]) for row in csv_rows(DATA / str(year) / "province.csv")),
        "teams_amount": sum(int(row["amount_vnd"]) for row in teams),
        "teams": len(latest_members),
        "members": sum(latest_members.values()),
        "team_ids": sorted(latest_members),
    }


def totals_on_page(page: BeautifulSoup) -> dict[str, int]:
    return {item.dt.get_text(strip=True): digits(item.dd.get_text()) for item in page.select("dl.totals > div")}


@pytest.mark.parametrize("year", YEARS)
def test_year_totals_equal_the_sums_of_the_csvs(sample_site, year):
    expected = csv_totals(year)
    shown = totals_on_page(soup(sample_site / "nam" / str(year) / "index.html"))
    assert shown["Dự toán tỉnh giao"] == expected["allocated"]
    assert shown["Đã phân bổ cho tổ"] == expected["teams_amount"]
    assert shown["Số tổ"] == expected["teams"]
    assert shown["Số thành viên"] == expected["members"]


def test_first_year_has_the_province_published_figures(sample_site):
    shown = totals_on_page(soup(sample_site / "nam" / str(YEARS[0]) / "index.html"))
    assert (shown["Số tổ"], shown["Số thành viên"]) == (1431, 12151)


def test_home_page_shows_the_latest_year_with_a_year_switcher(sample_site):
    home = soup(sample_site / "index.html")
    assert str(YEARS[-1]) in home.h1.get_text()
    switcher = home.select("nav.year-switcher a")
    assert [a.get_text(strip=True) for a in switcher] == [str(year) for year in YEARS]
    assert len(home.select("table[data-sortable] tbody tr")) == 56


@pytest.mark.parametrize("year", YEARS)
def test_there_is_a_page_for_each_of_the_56_communes(sample_site, year):
    pages = sorted((sample_site / "xa").glob(f"*/{year}/index.html"))
    assert len(pages) == 56
    reference = csv_rows(ROOT / "data" / "reference" / "communes.csv")
    assert sorted(p.parent.parent.name for p in pages) == sorted(row["code"] for row in reference)


@pytest.mark.parametrize("year", YEARS)
def test_every_team_appears_exactly_once_in_its_year(sample_site, year):
    seen = Counter()
    for page in (sample_site / "xa").glob(f"*/{year}/index.html"):
        for row in soup(page).select("table[data-sortable] tbody tr"):
            seen[row.td.get_text(strip=True)] += 1
    assert sorted(seen) == csv_totals(year)["team_ids"]
    assert set(seen.values()) == {1}


def test_every_team_has_one_permalink_page(sample_site):
    team_ids = sorted({team_id for year in YEARS for team_id in csv_totals(year)["team_ids"]})
    pages = sorted(p.parent.name for p in (sample_site / "to").glob("*/index.html"))
    assert pages == team_ids


def test_every_page_is_vietnamese_and_carries_the_sample_notice(sample_site):
    pages = [p for p in sample_site.rglob("*.html") if "ban-do" not in p.parts and "pagefind" not in p.parts]
    assert len(pages) > 1500
    for path in pages:  # lexbor: BeautifulSoup took 27 s over these 1,800 pages
        page = LexborHTMLParser(path.read_bytes())
        assert page.root.attributes.get("lang") == "vi", path
        notice = page.css_first(".sample-notice")
        assert notice is not None and "Dữ liệu mẫu" in notice.text(), path


def test_every_page_places_tone_marks_the_one_way_the_data_is_read(sample_site):
    """The reader turns staff's “Uỷ”, “Hoà” into the official “Ủy”, “Hòa” (scripts/ingest/read.py): the site's
    own words follow suit, or a commune page says “Uỷ ban” beside the data's “Ủy ban”."""
    other = Counter()
    for path in sample_site.rglob("*.html"):
        text = LexborHTMLParser(path.read_bytes()).text(separator=" ")
        other.update(f"{word} ({path.relative_to(sample_site)})" for word in set(re.findall(r"\w+", text)) if place_tone_marks(word) != word)
    assert not other, other.most_common(10)


def test_money_tables_follow_public_sector_rules(sample_site):
    page = soup(sample_site / "xa" / "01273" / str(YEARS[0]) / "index.html")
    table = page.select_one("table.data-table")
    caption = table.caption.get_text(" ", strip=True)
    assert "Phường Thục Phán" in caption and str(YEARS[0]) in caption and "Nguồn" in caption
    assert all(th.get("scope") == "col" for th in table.thead.select("th"))
    assert all(th.get("scope") == "row" for th in table.tbody.select("th"))
    scroll = table.find_parent("div")
    assert scroll["tabindex"] == "0" and "table-scroll" in scroll["class"]
    money = table.tbody.select("td[data-value]")
    assert money and all("num" in td["class"] and re.fullmatch(r"[\d.]+\xa0₫", td.get_text()) for td in money)


def test_every_data_page_names_its_decision_and_source_file(sample_site):
    for path in [
        sample_site / "index.html",
        sample_site / "xa" / "01273" / str(YEARS[0]) / "index.html",
        sample_site / "to" / "01273-001" / "index.html",
    ]:
        source = soup(path).select_one("section.source")
        text = source.get_text(" ", strip=True)
        assert "Quyết định" in text and "Ngày công bố" in text, path
        # the source files by what they hold, not by their place in the staff's folder
        assert "Quyết định giao dự toán của tỉnh năm" in text or "Phân bổ kinh phí cho các tổ của" in text, path
        assert "allocations/" not in text, path
        assert re.search(r"[0-9a-f]{12}…", text), path


def test_data_text_is_shown_as_text_never_as_markup(tiny_site):
    page = soup(tiny_site / "xa" / "01273" / "2025" / "index.html")
    names = [a.get_text() for a in page.select("table.data-table tbody th a")]
    assert "<script>alert(1)</script>" in names
    assert not [s for s in page.find_all("script") if "alert" in s.get_text()]
    assert not page.select('a[href^="javascript:"]')
    team = soup(tiny_site / "to" / "01273-002" / "index.html")
    assert team.h1.get_text() == "<script>alert(1)</script>"
    assert "[mẫu](javascript:alert(2))" in team.select_one(".lead").get_text()


def test_findings_are_published_not_hidden(tiny_site):
    page = soup(tiny_site / "xa" / "01786" / "2025" / "index.html")
    kinds = {a.get_text(): a["href"] for a in page.select("section.findings li > a:first-child")}
    for code in ("amount-differs-from-rate", "commune-unallocated-balance"):
        assert kinds[KINDS_BY_CODE[code].title].endswith(findings_url(code))
    assert "-" not in "".join(kinds)  # no problem codes, only titles


def payment_rows(year: int, code: str) -> list[dict]:
    path = DATA / str(year) / "payments" / f"{code}.csv"
    return csv_rows(path) if path.exists() else []


def answer_on(page: BeautifulSoup, starts: str, allocations: list[dict], payments: list[dict]) -> str:
    """The answer-first sentence (the first paragraph after the title) states the CSVs' allocation,
    what was paid (how often, the latest date) and what remains; returns its text for further checks."""
    sentence = page.h1.find_next("p", hidden=False)
    assert "answer" in sentence.get("class", []), sentence
    text = sentence.get_text(" ", strip=True)
    figures = {item["data-figure"]: digits(item.get_text()) for item in sentence.select("[data-figure]")}
    allocated, paid = (sum(int(row["amount_vnd"]) for row in rows) for rows in (allocations, payments))
    assert text.startswith(starts)
    assert figures == {"allocated": allocated, "paid": paid, "remaining": allocated - paid}
    assert f"qua {len(payments)} lần chi" in text and date_vi(max(row["payment_date"] for row in payments)) in text
    return text


@pytest.mark.parametrize("team_id", ["01786-001", "01786-002", "01273-005"])
def test_a_team_page_opens_with_its_allocation_payments_and_balance(sample_site, team_id):
    code, year = team_id.split("-")[0], YEARS[-1]
    rows = [row for row in csv_rows(DATA / str(year) / "teams" / f"{code}.csv") if row["team_id"] == team_id]
    paid = [row for row in payment_rows(year, code) if row["team_id"] == team_id]
    page = soup(sample_site / "to" / team_id / "index.html")
    text = answer_on(page, f"Năm {year}, {rows[0]['team_name']}", rows, paid)
    assert all(months(int(row["month_from"]), int(row["month_to"])) in text for row in rows)


@pytest.mark.parametrize("year", YEARS)
def test_a_commune_page_opens_with_its_allocation_payments_and_balance(sample_site, year):
    teams = csv_rows(DATA / str(year) / "teams" / "01786.csv")
    page = soup(sample_site / "xa" / "01786" / str(year) / "index.html")
    text = answer_on(page, f"Năm {year}, Xã Đông Khê", teams, payment_rows(year, "01786"))
    assert f"cho {len({row['team_id'] for row in teams})} tổ" in text


def test_an_unpaid_team_says_so(tiny_site):
    text = soup(tiny_site / "to" / "01786-001" / "index.html").select_one("p.answer").get_text(" ", strip=True)
    assert "chưa có lần chi nào" in text and "lần gần nhất" not in text


def test_the_sample_notice_says_which_year_is_real(sample_site):
    notice = soup(sample_site / "index.html").select_one(".sample-notice").get_text(" ", strip=True)
    assert "năm 2025" in notice and "1.431 tổ" in notice and "12.151 thành viên" in notice
    assert soup(sample_site / "index.html").select_one(".sample-notice a")["href"].endswith("ve-du-lieu/#du-lieu-mau")


@pytest.mark.parametrize("year", YEARS)
def test_the_totals_are_headed_by_their_year(sample_site, year):
    page = soup(sample_site / "nam" / str(year) / "index.html")
    assert page.select_one("dl.totals").find_previous("h2").get_text(strip=True) == f"Tổng hợp năm {year}"


def test_every_cell_of_a_stacking_table_is_labelled(sample_site):
    """On a phone a stacked row shows each cell as "label: value"; the label comes from data-label."""
    for path in [sample_site / "index.html", sample_site / "xa" / "01786" / str(YEARS[-1]) / "index.html", sample_site / "to" / "01786-001" / "index.html"]:
        for table in soup(path).select("table.stack"):
            cells = [td for td in table.select("tbody td, tfoot td") if td.get_text(strip=True)]
            assert cells and all(td.get("data-label") for td in cells), path
            assert table.select("tbody td.amount"), path


@pytest.mark.parametrize("year", YEARS)
def test_a_commune_table_says_what_its_bold_member_counts_mean(sample_site, year):
    """Bold alone tells a sighted reader nothing: the caption of every commune table with a team
    below the minimum says what bold means, and the bold counts are exactly those teams'."""
    minimum = tomllib.loads((ROOT / "data" / "policy" / "policy.toml").read_text(encoding="utf-8"))["minimum_members"]
    explained = 0
    for path in sorted((DATA / str(year) / "teams").glob("*.csv")):
        latest = {}
        for row in sorted(csv_rows(path), key=lambda r: int(r["month_from"])):
            latest[row["team_id"]] = int(row["member_count"])
        page = LexborHTMLParser((sample_site / "xa" / path.stem / str(year) / "index.html").read_text(encoding="utf-8"))
        table = page.css_first("table.data-table[data-filterable]")
        bold = {row.css_first("td").text(strip=True) for row in table.css("tbody tr") if row.css_first("td.below-minimum")}
        assert bold == {team for team, members in latest.items() if members < minimum}, path.stem
        legend = f"Số thành viên in đậm: tổ chưa đủ {minimum} thành viên theo quy định."
        assert (legend in table.css_first("caption").text(separator="")) == bool(bold), path.stem
        explained += bool(bold)
    assert explained  # the sample has such teams, so the legend is exercised


def published_with_teams_of(tiny_data, tmp_path, communes_with_teams: set[str]) -> Path:
    """The tiny data published as early in a year: the province has decided, and only ``communes_with_teams``
    have published their allocation to each team."""
    from scripts.publish import pipeline as publish
    from tests.conftest import TEST_OVERRIDES

    for kind in ("teams", "payments"):
        for path in (tiny_data / "allocations/2025" / kind).glob("*.csv"):
            if path.stem not in communes_with_teams:
                path.unlink()
    paths = publish.Paths(tmp_path / "root", tiny_data)
    publish.publish(paths, overrides=TEST_OVERRIDES)
    return paths.output


def test_a_commune_that_has_not_yet_allocated_to_its_teams_says_so_not_zero_teams(tiny_data, tmp_path):
    site = published_with_teams_of(tiny_data, tmp_path, {"01273"})
    commune = soup(site / "xa/01786/2025/index.html")
    answer = " ".join(commune.select_one("p.answer").get_text().split())
    assert answer == "Năm 2025, Xã Đông Khê được tỉnh giao 9.000.000 ₫ để hỗ trợ 1 tổ; quyết định phân bổ cho từng tổ chưa được công bố."
    assert commune.select_one("#bang-to") is None and "chưa công bố quyết định phân bổ kinh phí năm 2025" in commune.get_text()
    year = " ".join(soup(site / "nam/2025/index.html").get_text().split())
    assert "1 xã, phường chưa công bố quyết định phân bổ kinh phí cho từng tổ" in year


def test_a_year_no_commune_has_yet_allocated_to_teams_gives_the_teams_the_province_decided(tiny_data, tmp_path):
    year = soup(published_with_teams_of(tiny_data, tmp_path, set()) / "nam/2025/index.html")
    lead = " ".join(year.select_one("p.lead").get_text().split())
    assert lead == (
        "Năm 2025, Ủy ban nhân dân tỉnh giao dự toán 21.000.000 ₫ cho 2 xã, phường để hỗ trợ 3 tổ. "
        "Các xã, phường chưa công bố quyết định phân bổ kinh phí cho từng tổ."
    )
    assert "thành viên một tổ" not in year.get_text()  # no average over no team
