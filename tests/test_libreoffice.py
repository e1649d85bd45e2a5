"""A real spreadsheet opens the downloads: LibreOffice Calc, headless, from Debian.

A team name carries a formula-injection payload; validation already refuses a leading =, so it is
put into the validated dataset directly: the downloads must be safe on their own. Opened in Calc, the CSV (imported as UTF-8 with
the code columns as text, as the dictionary says) and the XLSX (as is) must keep Vietnamese text,
leading zeros and the payload as inert text.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from scripts.dev import system_packages
from scripts.outputs import downloads
from scripts.validate import rules as validate
from tests.helpers import set_cell

pytestmark = pytest.mark.slow
PAYLOAD = '=HYPERLINK("http://example.invalid";"Bấm vào đây")'
NAME = "Tổ CĐSCĐ Đồng Ỷ Nghĩa"


def soffice(profile: Path, source: Path, target: str, out: Path, infilter: str | None = None) -> Path:
    command = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless"]
    command += [f"--infilter={infilter}"] if infilter else []
    subprocess.run([*command, "--convert-to", target, "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=120)
    return out / f"{source.stem}.{target.split(':')[0]}"


@pytest.fixture(scope="module")
def opened(tmp_path_factory):
    """The tiny dataset with a hostile and a Vietnamese team name, its downloads, and what Calc made of them."""
    from tests.conftest import FIXTURES, assemble_data

    system_packages.ensure_libreoffice()
    root = tmp_path_factory.mktemp("libreoffice")
    data = assemble_data(FIXTURES / "tiny", root / "data")
    teams = data / "allocations/2025/teams"
    set_cell(teams / "01273.csv", 2, "team_name", NAME)
    dataset_path = validate.run(data, root / "build")
    dataset = json.loads(dataset_path.read_text(encoding="utf-8"))
    (hostile,) = [team for team in dataset["years"][0]["teams"] if team["team_id"] == "01786-001"]
    hostile["team_name"] = PAYLOAD
    dataset_path.write_text(json.dumps(dataset, ensure_ascii=False), encoding="utf-8")
    manifest = downloads.run(dataset_path, data / "releases", root / "downloads", "https://example.invalid")
    files = manifest.parent / "files/du-lieu"
    columns = downloads.TEAM_ALLOCATION_RESOURCE.columns
    # Calc's CSV import options: comma, double quote, UTF-8 (76), from line 1; code columns as Text (2).
    text_columns = "/".join(f"{index}/2" for index, column in enumerate(columns, start=1) if column.type == "code")
    profile = root / "profile"
    from_csv = soffice(profile, files / "phan-bo-to.csv", "xlsx", root / "from-csv", f"CSV:44,34,76,1,{text_columns}")
    from_xlsx = soffice(profile, files / "tat-ca.xlsx", "xlsx", root / "from-xlsx")
    commune = soffice(profile, files / "xa/kinh-phi-to-01273-2025.xlsx", "xlsx", root / "from-commune-xlsx")
    return [column.name for column in columns], load_workbook(from_csv).active, load_workbook(from_xlsx)["phan-bo-to"], load_workbook(commune)


def cells(sheet, header: list[str], team_id: str) -> dict:
    for row in sheet.iter_rows(min_row=2):
        record = dict(zip(header, row))
        if record["team_id"].value == team_id:
            return record
    raise AssertionError(f"{team_id} not found")


@pytest.mark.parametrize("source", ["csv", "xlsx"])
def test_calc_keeps_text_codes_and_an_inert_payload(opened, source):
    header, from_csv, from_xlsx, _ = opened
    sheet = from_csv if source == "csv" else from_xlsx
    assert [cell.value for cell in sheet[1]] == header
    hostile = cells(sheet, header, "01786-001")
    # The CSV carries it as '=…, which Calc keeps as that text; the XLSX as a plain text cell.
    assert hostile["team_name"].data_type == "s"
    assert hostile["team_name"].value == ("'" + PAYLOAD if source == "csv" else PAYLOAD)
    vietnamese = cells(sheet, header, "01273-001")
    assert vietnamese["team_name"].value == NAME and vietnamese["village"].value == "Tổ dân phố mẫu 01"
    assert (vietnamese["commune_code"].value, vietnamese["commune_code"].data_type) == ("01273", "s")
    assert vietnamese["amount_vnd"].value == 6000000 and vietnamese["amount_vnd"].data_type == "n"


def test_calc_keeps_dates_amounts_filters_and_the_intro_sheet(opened):
    """A commune's workbook, opened and saved again by Calc: its dates are still dates, its amounts
    numbers with a thousands separator, and its filters and intro sheet are kept. (A headless Calc has
    no view, so it saves no frozen panes, not even openpyxl's: tests/test_commune_downloads.py checks ours.)"""
    book = opened[3]
    assert book.sheetnames == [downloads.INTRO_SHEET, downloads.COMMUNE_TEAMS_RESOURCE.slug]
    intro = dict(book[downloads.INTRO_SHEET].iter_rows(min_row=2, max_col=2, values_only=True))
    assert intro["Trang web"] == "https://example.invalid/xa/01273/2025/"
    sheet = book[downloads.COMMUNE_TEAMS_RESOURCE.slug]
    header = [cell.value for cell in sheet[1]]
    assert header == list(downloads.COMMUNE_TEAMS_RESOURCE.column_names)
    first = cells(sheet, header, "01273-001")
    assert first["decision_date"].is_date and first["decision_date"].value == dt.datetime(2025, 1, 30)
    assert first["last_payment_date"].is_date and first["last_payment_date"].value == dt.datetime(2025, 7, 10)
    assert first["amount_vnd"].data_type == "n" and first["amount_vnd"].value == 6000000 and "#,##0" in first["amount_vnd"].number_format
    assert (first["commune_code"].value, first["commune_code"].data_type) == ("01273", "s")
    assert [each.auto_filter.ref for each in book] == [f"A1:{each.cell(1, each.max_column).column_letter}{each.max_row}" for each in book]
