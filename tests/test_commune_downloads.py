"""Each commune's complete files, the commune summary, typed workbooks and the reader's help (issue 27).

What a journalist gets: the per-commune CSV and XLSX hold the teams with their payments and add up
to the province's files; every workbook has real dates, formatted amounts, filters, a frozen header and
a "Giới thiệu" sheet; the pandas snippet on the downloads page keeps the codes' leading zeros.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from scripts.model.figures import comparison_figures
from scripts.outputs import downloads

BASE_URL = "https://kinhphi-cdscd.caobang.gov.vn"  # PUBLIC_BASE_URL of pelicanconf.py
CSV_TEXT = {"commune_code": str, "team_id": str, "code": str}


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=CSV_TEXT, keep_default_na=False, na_values=[""])


def sheet_frame(path: Path, sheet: str) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=sheet, dtype=object)


def commune_files(folder: Path, fiscal_year: int, extension: str) -> list[Path]:
    return sorted((folder / "xa").glob(f"{downloads.COMMUNE_TEAMS_RESOURCE.slug}-*-{fiscal_year}.{extension}"))


def years(folder: Path) -> list[int]:
    return sorted(int(path.name.removeprefix("nam-")) for path in folder.glob("nam-*"))


def test_a_commune_file_holds_its_teams_names_payments_and_what_remains(tiny_site):
    folder = tiny_site / "du-lieu"
    rows = read_csv(folder / "xa/kinh-phi-to-01273-2025.csv")
    assert list(rows.columns) == list(downloads.COMMUNE_TEAMS_RESOURCE.column_names)
    assert set(rows["commune_code"]) == {"01273"} and set(rows["commune_name"]) == {"Phường Thục Phán"}
    first = rows.set_index(["team_id", "month_from"]).loc[("01273-001", 1)]
    # 6,000,000 allocated for 12 members, 3,000,000 paid on 2025-07-10 (tests/fixtures/tiny).
    assert (first["amount_vnd"], first["paid_vnd"], first["remaining_vnd"]) == (6_000_000, 3_000_000, 3_000_000)
    assert first["last_payment_date"] == "2025-07-10" and first["decision_number"] == "05/QĐ-UBND"
    assert (first["amount_per_member_vnd"], first["paid_share_pct"], first["below_minimum"]) == (500_000, 50.0, False)
    unpaid = rows[rows["team_id"] == "01273-002"]
    assert len(unpaid) == 2 and unpaid["last_payment_date"].isna().all() and unpaid["paid_share_pct"].eq(0).all()
    assert unpaid["below_minimum"].all()  # 8 members, under the policy's 10
    assert unpaid["team_name"].eq("<script>alert(1)</script>").all()  # text as it is, never markup or a formula


def test_comparison_figures_round_and_leave_nothing_to_divide_empty():
    assert comparison_figures(9_000_000, 3_000_000, 7) == {"amount_per_member_vnd": 1_285_714, "paid_share_pct": 33.3}
    assert comparison_figures(0, 0, 0) == {"amount_per_member_vnd": None, "paid_share_pct": None}


def test_commune_summary_figures_are_the_commune_pages(tiny_site):
    summary = read_csv(tiny_site / "du-lieu/tong-hop-xa.csv").set_index(["fiscal_year", "commune_code"])
    row = summary.loc[(2025, "01273")]
    assert (row["teams_amount_vnd"], row["paid_vnd"], row["member_count"], row["below_minimum_count"]) == (12_000_000, 3_000_000, 20, 1)
    assert (row["amount_per_member_vnd"], row["paid_share_pct"]) == (600_000, 25.0)
    page = BeautifulSoup((tiny_site / "xa/01273/2025/index.html").read_text(encoding="utf-8"), "lxml")
    assert "12.000.000" in page.select_one("main").get_text()


@pytest.mark.slow
def test_commune_files_add_up_to_the_province_files_every_year(sample_site):
    folder = sample_site / "du-lieu"
    for fiscal_year in years(folder):
        allocations = read_csv(folder / f"nam-{fiscal_year}/phan-bo-to-{fiscal_year}.csv")
        payments = read_csv(folder / f"nam-{fiscal_year}/chi-tra-{fiscal_year}.csv")
        summary = read_csv(folder / f"nam-{fiscal_year}/tong-hop-xa-{fiscal_year}.csv")
        communes = pd.concat([read_csv(path) for path in commune_files(folder, fiscal_year, "csv")], ignore_index=True)
        assert len(communes) == len(allocations)
        assert communes["amount_vnd"].sum() == allocations["amount_vnd"].sum() == summary["teams_amount_vnd"].sum()
        assert communes["paid_vnd"].sum() == payments["amount_vnd"].sum() == summary["paid_vnd"].sum()
        assert communes["remaining_vnd"].sum() == summary["remaining_vnd"].sum()
        assert communes.drop_duplicates("team_id")["below_minimum"].sum() == summary["below_minimum_count"].sum()
        assert set(communes["commune_code"]) == set(summary["commune_code"])


@pytest.mark.slow
def test_csv_and_xlsx_hold_the_same_rows_and_totals_every_year(sample_site):
    folder = sample_site / "du-lieu"
    checked = 0
    for fiscal_year in years(folder):
        workbook = folder / f"nam-{fiscal_year}/tat-ca-{fiscal_year}.xlsx"
        for resource in downloads.RESOURCES:
            if not resource.per_year:
                continue
            table = read_csv(folder / f"nam-{fiscal_year}/{resource.slug}-{fiscal_year}.csv")
            sheet = sheet_frame(workbook, resource.slug)
            assert len(sheet) == len(table), (fiscal_year, resource.slug)
            for column in resource.columns:
                if column.unit == "đồng":
                    assert sheet[column.name].dropna().sum() == table[column.name].dropna().sum(), (resource.slug, column.name)
            checked += 1
        for csv_path, xlsx_path in zip(commune_files(folder, fiscal_year, "csv"), commune_files(folder, fiscal_year, "xlsx"), strict=True):
            table, sheet = read_csv(csv_path), sheet_frame(xlsx_path, downloads.COMMUNE_TEAMS_RESOURCE.slug)
            assert len(sheet) == len(table) and sheet["paid_vnd"].sum() == table["paid_vnd"].sum(), csv_path.name
            assert sheet["amount_vnd"].sum() == table["amount_vnd"].sum()
            checked += 1
    assert checked > 100


def test_every_workbook_is_typed_filtered_frozen_and_introduced(tiny_site):
    folder = tiny_site / "du-lieu"
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    workbooks = sorted(folder.rglob("*.xlsx"))
    assert {path.parent.name for path in workbooks} >= {"du-lieu", "nam-2025", "xa"}
    for path in workbooks:
        book = load_workbook(path)
        assert book.sheetnames[0] == downloads.INTRO_SHEET, path.name
        for sheet in book:
            assert sheet.freeze_panes == "A2", (path.name, sheet.title)
            assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}", (path.name, sheet.title)
        intro = dict(book[downloads.INTRO_SHEET].iter_rows(min_row=2, max_col=2, values_only=True))
        assert intro["Phiên bản"].startswith(package["version"]) and "CC-BY-4.0" in intro["Giấy phép"]
        assert intro["Trang web"].startswith(BASE_URL) and intro["Nguồn"].startswith("Quyết định số ")
        for sheet in book.sheetnames[1:]:
            described = {label.split(" › ")[1] for label in intro if label.startswith(f"{sheet} › ")}
            assert described == {cell.value for cell in book[sheet][1]}, (path.name, sheet)
    sheet = load_workbook(folder / "xa/kinh-phi-to-01273-2025.xlsx")[downloads.COMMUNE_TEAMS_RESOURCE.slug]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, sheet[2]))
    assert row["decision_date"].is_date and row["decision_date"].value == dt.datetime(2025, 1, 30)
    assert row["last_payment_date"].is_date and row["last_payment_date"].value == dt.datetime(2025, 7, 10)
    assert (row["amount_vnd"].value, row["amount_vnd"].number_format) == (6_000_000, "#,##0")
    assert row["paid_vnd"].number_format == row["remaining_vnd"].number_format == "#,##0"
    assert (row["commune_code"].value, row["commune_code"].number_format) == ("01273", "@")
    assert row["below_minimum"].value is False


def test_the_pandas_snippet_reads_codes_as_text(tiny_site):
    """The code a journalist copies from the downloads page, run on the published file."""
    page = BeautifulSoup((tiny_site / "du-lieu/index.html").read_text(encoding="utf-8"), "lxml")
    snippet = page.select_one("#doc-pandas").get_text()
    assert f'"{BASE_URL}/du-lieu/' in snippet and "dtype=" in snippet
    local = snippet.replace(BASE_URL, tiny_site.as_uri())
    scope: dict = {}
    exec(compile(local, "snippet", "exec"), scope)  # noqa: S102 (the page's own example)
    frame = scope["phan_bo"]
    assert "01273" in set(frame["commune_code"]) and frame["team_id"].str.fullmatch(r"\d{5}-\d{3}").all()
    # Without the dtype argument the zero is lost: what the snippet is there for.
    assert 1273 in set(pd.read_csv(tiny_site / "du-lieu/phan-bo-to.csv")["commune_code"])
    r_snippet = page.select_one("#doc-r").get_text()
    assert "read_csv(url, col_types = cols(team_id = col_character(), commune_code = col_character()))" in r_snippet


def test_package_sources_link_the_decisions_pages(tiny_site):
    package = json.loads((tiny_site / "du-lieu/datapackage.json").read_text(encoding="utf-8"))
    assert package["sources"], "the decisions are the package's sources"
    for source in package["sources"]:
        assert source["title"].startswith("Quyết định số ") and source["path"].startswith(BASE_URL + "/")
        assert (tiny_site / source["path"].removeprefix(BASE_URL + "/") / "index.html").is_file(), source
    titles = [source["title"] for source in package["sources"]]
    assert "Quyết định số 05/QĐ-UBND ngày 2025-01-30" in titles and len(titles) == len(set(titles))


@pytest.mark.parametrize("column", ["amount_per_member_vnd", "paid_share_pct", "below_minimum_count", "last_payment_date"])
def test_the_data_dictionary_defines_the_new_columns(tiny_site, column):
    page = BeautifulSoup((tiny_site / "tu-dien-du-lieu/index.html").read_text(encoding="utf-8"), "lxml")
    names = {code.get_text() for code in page.select("table.data-table tbody th code")}
    assert column in names


def test_a_correction_changes_only_its_own_communes_workbook(tiny_data, tmp_path):
    """A commune's workbook names the release that last changed its figures: a correction in another
    commune makes a new release but leaves this workbook, its hash and its page as they were."""
    from scripts.publish import pipeline as publish
    from tests.helpers import set_cell

    paths = publish.Paths(tmp_path / "site", tiny_data)
    workbook = "du-lieu/" + downloads.commune_table_file(downloads.COMMUNE_TEAMS_RESOURCE.slug, "{code}", 2025, "xlsx")
    before = publish.publish(paths)
    set_cell(tiny_data / "allocations/2025/teams/01786.csv", 2, "amount_vnd", "5500000")
    after = publish.publish(paths)
    assert (after / workbook.format(code="01273")).read_bytes() == (before / workbook.format(code="01273")).read_bytes()
    changed = load_workbook(after / workbook.format(code="01786"))[downloads.INTRO_SHEET]
    unchanged = load_workbook(after / workbook.format(code="01273"))[downloads.INTRO_SHEET]
    versions = [dict(sheet.iter_rows(values_only=True))["Phiên bản"] for sheet in (changed, unchanged)]
    assert versions[0] != versions[1] and versions[0].startswith(json.loads((after / "du-lieu/datapackage.json").read_text())["version"])
