"""Paid and remaining figures, timeliness and the checks page, asserted on parsed HTML.

Expected values are computed straight from the CSV and TOML files, independently of the pipeline.
"""

from __future__ import annotations

import csv
import datetime as dt
import posixpath
import re
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from babel.numbers import format_decimal

from scripts.model.problems import ALL_KINDS, KINDS_BY_CODE, WARNING
from scripts.model.urls import FINDING_SLUGS, findings_url, former_findings_url, team_url
from tests.test_site_html import DATA, YEARS, csv_rows, digits, soup, totals_on_page

DEADLINE_DAYS = 30


def payment_rows(year: int) -> list[dict]:
    return [row for path in sorted((DATA / str(year) / "payments").glob("*.csv")) for row in csv_rows(path)]


def paid_by(year: int, key: str) -> dict[str, int]:
    sums: dict[str, int] = defaultdict(int)
    for row in payment_rows(year):
        sums[row[key]] += int(row["amount_vnd"])
    return sums


def team_amounts(year: int) -> dict[str, int]:
    sums: dict[str, int] = defaultdict(int)
    for path in (DATA / str(year) / "teams").glob("*.csv"):
        for row in csv_rows(path):
            sums[row["team_id"]] += int(row["amount_vnd"])
    return sums


def column(table, heading: str) -> list[int]:
    """The figures of one body column, found by its header text."""
    index = [th.get_text(strip=True) for th in table.select("thead th")].index(heading)
    return [digits(row.find_all(["th", "td"])[index].get_text()) for row in table.select("tbody tr")]


def year_metadata(year: int) -> dict:
    return tomllib.loads((DATA / str(year) / "year.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("year", YEARS)
def test_year_page_paid_and_remaining_equal_the_payment_csvs(sample_site, year):
    paid = sum(int(row["amount_vnd"]) for row in payment_rows(year))
    shown = totals_on_page(soup(sample_site / "nam" / str(year) / "index.html"))
    assert shown["Đã chi cho tổ"] == paid
    assert shown["Đã phân bổ, chưa chi"] == sum(team_amounts(year).values()) - paid
    assert 0 < paid < sum(team_amounts(year).values())  # the sample is partly paid


@pytest.mark.parametrize("year", YEARS)
def test_every_commune_and_team_row_shows_what_its_csv_paid(sample_site, year):
    by_commune, by_team, allocated = paid_by(year, "commune_code"), paid_by(year, "team_id"), team_amounts(year)
    year_table = soup(sample_site / "nam" / str(year) / "index.html").select_one("table.data-table")
    codes = [row.td.get_text(strip=True) for row in year_table.select("tbody tr")]
    assert column(year_table, "Đã chi (₫)") == [by_commune[code] for code in codes]
    for code in codes:
        table = soup(sample_site / "xa" / code / str(year) / "index.html").select_one("table.data-table")
        team_ids = [row.td.get_text(strip=True) for row in table.select("tbody tr")]
        assert column(table, "Đã chi (₫)") == [by_team[team_id] for team_id in team_ids]
        assert column(table, "Chưa chi (₫)") == [allocated[team_id] - by_team[team_id] for team_id in team_ids]


def test_a_team_page_lists_each_payment_and_the_balance_of_each_period(tiny_site):
    page = soup(tiny_site / "to" / "01273-001" / "index.html")
    periods = page.select_one("#bang-kinh-phi").find_parent("table")
    assert column(periods, "Kinh phí (₫)") == [6_000_000]
    assert column(periods, "Đã chi (₫)") == [3_000_000]
    assert column(periods, "Chưa chi (₫)") == [3_000_000]
    payments = page.select_one("#bang-chi-tra").find_parent("table")
    assert column(payments, "Số tiền (₫)") == [3_000_000]
    assert "01/UNC-2025" in payments.tbody.get_text()
    unpaid = soup(tiny_site / "to" / "01786-001" / "index.html")
    assert unpaid.select_one("#bang-chi-tra") is None
    assert column(unpaid.select_one("#bang-kinh-phi").find_parent("table"), "Đã chi (₫)") == [0]


@pytest.mark.parametrize("year", YEARS)
def test_the_province_decision_shows_its_days_to_publication_and_is_flagged_when_late(sample_site, year):
    metadata = year_metadata(year)
    days = (metadata["published_on"] - metadata["province_decision"]["date"]).days
    source = soup(sample_site / "nam" / str(year) / "index.html").select_one("section.source")
    (item,) = [li for li in source.select("ul.decisions li") if metadata["province_decision"]["number"] in li.get_text()]
    assert f"sau {days} ngày" in item.get_text()
    assert bool(item.select(".late")) == (days > DEADLINE_DAYS)


def test_the_2026_sample_is_late_and_2025_is_on_time():
    lateness = {year: (m["published_on"] - m["province_decision"]["date"]).days for year, m in ((y, year_metadata(y)) for y in YEARS)}
    assert lateness[2026] == 38 and lateness[2025] <= DEADLINE_DAYS


def test_a_decision_dated_after_publication_is_flagged(tiny_site):
    source = soup(tiny_site / "to" / "01273-002" / "index.html").select_one("section.source")
    (item,) = [li for li in source.select("ul.decisions li") if "06/QĐ-UBND" in li.get_text()]
    assert "trước ngày quyết định" in item.select_one(".late").get_text()


def decision_lateness(year: int) -> list[int]:
    """Days to publication of the province decision and of every distinct commune decision."""
    metadata = year_metadata(year)
    decisions = {(metadata["province_decision"]["number"], metadata["province_decision"]["date"])}
    for path in (DATA / str(year) / "teams").glob("*.csv"):
        decisions |= {(row["decision_number"], dt.date.fromisoformat(row["decision_date"])) for row in csv_rows(path)}
    return [(metadata["published_on"] - date).days for _, date in decisions]


@pytest.mark.parametrize("year", YEARS)
def test_checks_page_reconciles_each_year(sample_site, year):
    page = soup(sample_site / "kiem-tra" / "index.html")
    table = page.select_one(f"#doi-chieu-{year}").find_parent("table")
    foot = {row.th.get_text(strip=True): [digits(td.get_text()) if td.get_text(strip=True) else None for td in row.find_all("td")] for row in table.tfoot.find_all("tr")}
    province_rows = csv_rows(DATA / str(year) / "province.csv")
    paid = sum(int(row["amount_vnd"]) for row in payment_rows(year))
    teams_amount = sum(team_amounts(year).values())
    assert column(table, "Dự toán giao (₫)") == [int(row["amount_vnd"]) for row in province_rows]
    assert foot["Cộng các xã, phường"] == [
        sum(int(row["amount_vnd"]) for row in province_rows),
        teams_amount,
        sum(int(row["amount_vnd"]) for row in province_rows) - teams_amount,
        paid,
        teams_amount - paid,
    ]
    assert foot["Quyết định của tỉnh"][0] == year_metadata(year)["province_decision"]["total_amount_vnd"]
    timeliness = page.select_one(f"#bang-thoi-han-{year}").find_parent("table")
    lateness = decision_lateness(year)
    assert sorted(column(timeliness, "Số ngày")) == sorted(lateness)
    assert len(timeliness.select("tbody tr.is-late")) == sum(days > DEADLINE_DAYS for days in lateness)


@pytest.mark.parametrize("year", YEARS)
def test_checks_page_leads_from_a_shortfall_to_the_communes_behind_it(sample_site, year):
    """"N xã, phường chưa phân bổ hết" is a claim a reader wants to check: it links to that year on the page
    listing those communes, and they are the communes whose teams the CSVs give less than their estimate."""
    teams = DATA / str(year) / "teams"
    short = {
        row["commune_code"]
        for row in csv_rows(DATA / str(year) / "province.csv")
        if int(row["amount_vnd"]) != sum(int(team["amount_vnd"]) for team in csv_rows(teams / f"{row['commune_code']}.csv"))
    }
    claim = soup(sample_site / "kiem-tra" / "index.html").select_one(f"#nam-{year}").find_next("ul", class_="check-list").select("li")[1]
    if not short:
        assert claim.strong.get_text() == "Khớp." and claim.a is None
        return
    assert claim.strong.get_text() == f"{len(short)} xã, phường chưa phân bổ hết."
    listing, table = (a["href"] for a in claim.select("a"))
    assert table == f"#doi-chieu-{year}"
    path, anchor = listing.split("#")
    assert anchor == f"nam-{year}"
    heading = soup(Path(posixpath.normpath(sample_site / "kiem-tra" / path)) / "index.html").select_one(f"#{anchor}")
    listed = set()
    for sibling in heading.find_next_siblings(["h2", "h3"]):
        if sibling.name == "h2":
            break
        listed.add(sibling.a["href"].rstrip("/").split("/")[-2])
    assert listed == short


def test_checks_page_lists_every_published_warning_grouped_by_kind(sample_paths):
    with (sample_paths.work / "validation.csv").open(encoding="utf-8") as handle:
        warnings = [row for row in csv.DictReader(handle) if row["severity"] == "warning"]
    page = soup(sample_paths.output / "kiem-tra" / "index.html")
    expected: dict[str, int] = defaultdict(int)
    for warning in warnings:
        expected[warning["code"]] += 1
    kinds = page.select("ul.finding-groups > li")
    assert {kind["id"].removeprefix("phat-hien-") for kind in kinds} == expected.keys()
    for kind in kinds:  # each kind has a page of its own, which the checks page links and counts
        code = kind["id"].removeprefix("phat-hien-")
        assert kind.a["href"].endswith(findings_url(code)) and kind.get_text().endswith(f": {format_decimal(expected[code], locale='vi_VN')}")
        assert kind.a.get_text() == KINDS_BY_CODE[code].title
        listed = soup(sample_paths.output / findings_url(code) / "index.html").select("ul.finding-list > li")
        assert len(listed) == expected[code]
        assert all(li.a is not None for li in listed)  # each one links to its team or commune


@pytest.mark.parametrize("code", ["team-below-minimum", "commune-unallocated-balance"])
def test_a_findings_page_lists_each_finding_under_its_year_then_its_commune(sample_paths, code):
    """1,714 teams below the minimum in one list cannot be read on a phone: each finding sits under its
    year's heading, newest first, then under its commune's, in code order, which links the commune's page."""
    with (sample_paths.work / "validation.csv").open(encoding="utf-8") as handle:
        expected = Counter(
            (int(row["file"].split("/")[1]), row["file"].split("/")[3].removesuffix(".csv") if "/teams/" in row["file"] else row["value"])
            for row in csv.DictReader(handle)
            if row["code"] == code
        )
    page = soup(sample_paths.output / findings_url(code) / "index.html")
    listed, order = Counter(), []
    for heading in page.select("main h2, main h3"):
        if heading.name == "h2":
            year = int(re.search(r"Năm (\d{4})", heading.get_text())[1])
            count = sum(found for (fiscal_year, _), found in expected.items() if fiscal_year == year)
            assert heading.get_text().endswith(f"{format_decimal(count, locale='vi_VN')} phát hiện")
            continue
        commune = heading.a["href"].rstrip("/").split("/")[-2]
        assert heading.a["href"].endswith(f"xa/{commune}/{year}/")
        order.append((-year, commune))
        listed[year, commune] += len(heading.find_next_sibling("ul", class_="finding-list").find_all("li", recursive=False))
    assert listed == expected
    assert order == sorted(order)


def test_every_kind_of_finding_has_a_vietnamese_address_without_diacritics():
    published = {kind.code for kind in ALL_KINDS if kind.severity == WARNING}
    assert FINDING_SLUGS.keys() == published
    assert len(set(FINDING_SLUGS.values())) == len(FINDING_SLUGS)
    for code, slug in FINDING_SLUGS.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) and slug != code


def test_a_finding_names_its_team_by_name_and_code_and_links_its_page(sample_paths):
    teams = {row["team_id"]: row for year in YEARS for path in (DATA / str(year) / "teams").glob("*.csv") for row in csv_rows(path)}
    below = soup(sample_paths.output / findings_url("team-below-minimum") / "index.html").select("ul.finding-list > li")
    assert below
    for item in below:
        team_id = item.a["href"].rstrip("/").rsplit("/", 1)[1]
        assert item.a["href"].endswith(team_url(team_id))
        assert teams[team_id]["team_name"] in item.a.get_text() and team_id in item.a.get_text()
    unallocated = soup(sample_paths.output / findings_url("commune-unallocated-balance") / "index.html").select("ul.finding-list > li")
    for item in unallocated:
        code = item.a["href"].split("xa/", 1)[1].split("/")[0]
        assert code in item.a.get_text() and item.a.get_text().startswith(("Xã ", "Phường "))


def test_no_public_page_names_an_input_file_or_its_rows(sample_paths):
    """Files and rows are for staff, in the quality report; the format pages may describe the folder
    layout (data/allocations/<năm>/…), but no page cites a concrete file: a citizen cannot open one. The
    data dictionary alone names each table's input file, for those who rebuild the site from the data."""
    concrete = re.compile(r"allocations/\d{4}/|data/(policy|reference)/[\w.-]+\.\w+")
    pages = [path for path in sample_paths.output.rglob("*.html") if "ban-do" not in path.parts and path.parts[-2] != "tu-dien-du-lieu"]
    assert len(pages) > 1000
    offending = [path.relative_to(sample_paths.output).as_posix() for path in pages if concrete.search(path.read_text(encoding="utf-8"))]
    assert offending == []
    assert concrete.search((sample_paths.work / "bao-cao-kiem-tra.html").read_text(encoding="utf-8"))  # staff still see them


@pytest.mark.parametrize("code", ["team-below-minimum", "commune-unallocated-balance"])
def test_a_findings_former_english_address_redirects_to_its_vietnamese_one(sample_paths, code):
    old = former_findings_url(code)
    page = soup(sample_paths.output / old / "index.html")
    new = findings_url(code)
    refresh = page.select_one('meta[http-equiv="refresh"]')["content"]
    delay, target = refresh.split("; url=")
    assert delay == "0"
    assert posixpath.normpath(posixpath.join(old, target)) == new.rstrip("/")  # relative, so it works on any host
    assert page.select_one('link[rel="canonical"]')["href"].endswith("/" + new)
    assert page.select_one("main a")["href"] == target
    assert (sample_paths.output / new / "index.html").is_file()
    sitemap = (sample_paths.output / "sitemap.xml").read_text(encoding="utf-8")
    assert old not in sitemap and new in sitemap


def test_every_page_links_to_the_checks_page(tiny_site):
    for path in ("index.html", "to/01273-001/index.html", "chinh-sach/index.html"):
        nav = soup(tiny_site / path).select_one("header nav")
        assert any(a["href"].endswith("kiem-tra/") for a in nav.select("a"))
