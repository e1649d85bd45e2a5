"""The Excel templates in data/templates/: current with the schema, carrying Excel's own checks, and a
template filled in with valid rows and saved as XLSX (the reader takes XLSX as it is) passes ``invoke validate``."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from invoke import Context

import tasks
from scripts.ingest.load import load, load_references
from scripts.model.schema import MAX_AMOUNT, PAYMENTS, PROVINCE_ALLOCATIONS, TEAM_ALLOCATIONS
from scripts.outputs import staff_templates
from scripts.publish import pipeline as publish
from scripts.validate.rules import validate
from tests.conftest import ROOT
from tests.helpers import read_rows
from tests.test_bad_inputs import canonical_teams

TEMPLATES = ROOT / "data" / "templates"
FILLED = {  # template → the tiny fixture's CSV it is filled in from
    "quyet-dinh-tinh.xlsx": "allocations/2025/province.csv",
    "phan-bo-to.xlsx": "allocations/2025/teams/01273.csv",
    "chi-tra.xlsx": "allocations/2025/payments/01273.csv",
}


def test_the_committed_templates_are_current():
    communes = load_references(ROOT / "data")
    for name, table in staff_templates.TEMPLATES.items():
        assert (TEMPLATES / name).read_bytes() == staff_templates.workbook(table, communes), f"run `invoke template` ({name})"


def typed(column, text: str):
    """A cell as staff type it into Excel: numbers as numbers, dates as dates, codes and names as text."""
    if column.type in ("integer", "month"):
        return int(text)
    if column.type == "date":
        return dt.date.fromisoformat(text)
    return text


def fill(template: str, csv_rows: list[list[str]], table, destination) -> None:
    book = openpyxl.load_workbook(TEMPLATES / template)
    sheet = book.worksheets[0]
    assert [cell.value for cell in sheet[1]] == list(table.column_names) == csv_rows[0]
    for record in csv_rows[1:]:
        sheet.append([typed(column, text) for column, text in zip(table.columns, record)])
    book.save(destination)


def test_templates_filled_with_valid_rows_pass_invoke_validate(tiny_data, tmp_path, monkeypatch, capsys):
    reference = canonical_teams(tiny_data)
    for (template, relative), table in zip(FILLED.items(), (PROVINCE_ALLOCATIONS, TEAM_ALLOCATIONS, PAYMENTS)):
        source = tiny_data / relative
        fill(template, read_rows(source), table, source.with_suffix(".xlsx"))
        source.unlink()
    monkeypatch.setattr(tasks, "PATHS", publish.Paths(tmp_path / "root", tiny_data))
    tasks.validate(Context())
    assert "Dữ liệu hợp lệ" in capsys.readouterr().out
    assert canonical_teams(tiny_data) == reference
    _, report = validate(load(tiny_data))
    assert {p.file for p in report.problems if p.code == "file-format-detected"} == {relative.replace(".csv", ".xlsx") for relative in FILLED.values()}


def test_a_filled_template_saved_with_its_help_sheet_first_is_read_from_its_data_sheet(tiny_data):
    """Read from the first sheet, the help's table of columns looked like a header under a title block:
    header-not-first told staff to delete the help's first lines."""
    reference = canonical_teams(tiny_data)
    source = tiny_data / FILLED["phan-bo-to.xlsx"]
    fill("phan-bo-to.xlsx", read_rows(source), TEAM_ALLOCATIONS, source.with_suffix(".xlsx"))
    source.unlink()
    book = openpyxl.load_workbook(source.with_suffix(".xlsx"))
    book.move_sheet("Hướng dẫn", offset=-1)
    book.save(source.with_suffix(".xlsx"))
    _, report = validate(load(tiny_data))
    assert report.errors == []
    assert canonical_teams(tiny_data) == reference
    (detected,) = [p.message for p in report.problems if p.code == "file-format-detected"]
    assert "trang tính “Dữ liệu” (bỏ qua 2 trang khác)" in detected


@pytest.mark.parametrize("name", sorted(staff_templates.TEMPLATES))
def test_a_template_locks_its_header_and_carries_the_data_validation(name):
    book = openpyxl.load_workbook(TEMPLATES / name)
    table = staff_templates.TEMPLATES[name]
    sheet = book.worksheets[0]
    assert book.sheetnames == ["Dữ liệu", "Hướng dẫn", "Danh mục xã"]
    assert sheet.protection.sheet and sheet["A1"].protection.locked
    assert all(sheet.column_dimensions[letter].protection.locked is False for letter in "ABCDE")
    rules = {}
    for rule in sheet.data_validations.dataValidation:
        (column,) = {table.columns[cells.min_col - 1].name for cells in rule.sqref.ranges}
        rules[column] = rule
    assert rules["commune_code"].type == "list" and rules["commune_code"].formula1 == "'Danh mục xã'!$A$2:$A$57"
    amount = rules["amount_vnd"]
    assert (amount.type, amount.operator, amount.formula1, amount.formula2) == ("whole", "between", "0", str(MAX_AMOUNT))
    dated = [column.name for column in table.columns if column.type == "date"]
    assert dated and all(rules[name].type == "date" for name in dated)
    for month in ("month_from", "month_to"):
        if month in table.column_names:
            assert (rules[month].type, rules[month].formula1, rules[month].formula2) == ("whole", "1", "12")
    if "member_count" in table.column_names:
        assert (rules["member_count"].type, rules["member_count"].formula1) == ("whole", "1")
    communes = book["Danh mục xã"]
    assert communes.max_row == 57 and communes["A2"].value == load_references(ROOT / "data")[0]["code"]
    assert communes["B2"].value.startswith(("Phường", "Xã"))
    instructions = " ".join(str(cell.value) for row in book["Hướng dẫn"].iter_rows() for cell in row if cell.value)
    assert "Cách dùng" in instructions and "invoke validate" in instructions and table.title in instructions
