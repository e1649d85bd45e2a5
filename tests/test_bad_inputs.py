"""The files staff will really hand in: each is read as meant, or refused at its cell, never guessed.

REFUSED: one broken input per case, with the problem it must produce (code, file, row, column)
and proof that nothing was published: a live site is in place and stays exactly as it was.
ACCEPTED: the encodings, separators, number and date forms Excel produces are read to the same
data as the canonical UTF-8 CSV, and the report says what was detected.
"""

from __future__ import annotations

import codecs
import shutil
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from scripts.ingest.load import load
from scripts.publish import pipeline as publish
from scripts.validate.rules import ValidationFailed, validate
from tests.helpers import append_row, drop_column, read_rows, rename_column, set_cell, write_rows
from tests.legacy_fonts import to_vni

TEAMS = "allocations/2025/teams/01273.csv"
TEAMS_XLSX = "allocations/2025/teams/01273.xlsx"
PAYMENTS = "allocations/2025/payments/01273.csv"
PROVINCE = "allocations/2025/province.csv"
YEAR_TOML = "allocations/2025/year.toml"
PROVINCE_TOML = "reference/province.toml"
POLICY_TOML = "policy/policy.toml"
SECRET = "root:x:0:0:secret-outside-data"  # a file outside data/ that a link points at
CONTACTS = "reference/contacts.csv"  # row 2: the province's channel; row 3: 01273, the first commune
TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: precomposed base letters, combining tone marks."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONES)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES)) + tones)
    return "".join(out).encode("cp1258")


def text(d: Path, relative: str = TEAMS) -> str:
    return (d / relative).read_text(encoding="utf-8")


def recode(relative: str, encode):
    return lambda d: (d / relative).write_bytes(encode(text(d, relative)))


def replace(old: str, new: str, relative: str = TEAMS):
    return lambda d: (d / relative).write_text(text(d, relative).replace(old, new, 1), encoding="utf-8")


def to_xlsx(d: Path, relative: str = TEAMS, keep_csv: bool = False, edit=None) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for record in read_rows(d / relative):
        sheet.append([int(cell) if cell.isdigit() and not cell.startswith("0") else cell for cell in record])
    if edit:
        edit(sheet)
    book.save(d / relative.replace(".csv", ".xlsx"))
    if not keep_csv:
        (d / relative).unlink()


def cell(row: int, column: str, value: str):
    return lambda d: set_cell(d / TEAMS, row, column, value)


def link_outside(relative: str):
    """Replace a data file by a symbolic link to a file outside data/."""
    def breaks(d: Path) -> None:
        outside = d.parent / "outside.csv"
        outside.write_text(f"{SECRET}\n", encoding="utf-8")
        (d / relative).unlink()
        (d / relative).symlink_to(outside)
    return breaks


def copy_year(name: str):
    return lambda d: shutil.copytree(d / "allocations/2025", d / "allocations" / name)


def rename(relative: str, new_name: str):
    return lambda d: (d / relative).rename((d / relative).with_name(new_name))


def contact(row: int, column: str, value: str):
    return lambda d: set_cell(d / CONTACTS, row, column, value)


def drop_row(relative: str, row: int):
    return lambda d: write_rows(d / relative, [cells for number, cells in enumerate(read_rows(d / relative), start=1) if number != row])


REFUSED = {
    # Encodings
    "latin-1 is neither UTF nor Vietnamese Windows": (
        recode(TEAMS, lambda t: t.replace("Tổ", "Tö").encode("latin-1", errors="replace")),
        ("encoding-error", TEAMS, None, None),
    ),
    "UTF-16 cut in the middle of a character": (
        recode(TEAMS, lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le")[:-1]),
        ("encoding-error", TEAMS, None, None),
    ),
    "TCVN3 font text saved as UTF-8": (replace("Tổ CĐSCĐ tổ dân phố mẫu 01", "Tæ d©n phè mÉu 01"), ("legacy-font-text", TEAMS, 2, "team_name")),
    # Structure
    "header mixes separators": (replace("team_id,team_name", "team_id;team_name"), ("parse-error", TEAMS, 1, None)),
    "quote opened and never closed": (replace("Thôn mẫu 01,", '"Thôn mẫu 01,', "allocations/2025/teams/01786.csv"), ("parse-error", "allocations/2025/teams/01786.csv", 2, None)),
    "text after a closing quote": (replace("01273-001,Tổ", '01273-001,"Tổ"x'), ("parse-error", TEAMS, 2, None)),
    "a row with an extra cell": (replace("2025-01-30\n", "2025-01-30,thừa\n"), ("ragged-row", TEAMS, 2, None)),
    "a row with a missing cell": (replace(",12,1,12,", ",12,1,"), ("ragged-row", TEAMS, 2, None)),
    "empty file": (lambda d: (d / TEAMS).write_bytes(b""), ("empty-file", TEAMS, None, None)),
    "only a BOM and blank lines": (lambda d: (d / TEAMS).write_bytes(codecs.BOM_UTF8 + b"\r\n \r\n"), ("empty-file", TEAMS, None, None)),
    "only the header": (lambda d: (d / TEAMS).write_text(text(d).splitlines()[0] + "\n", encoding="utf-8"), ("no-rows", TEAMS, 2, None)),
    "huge cell": (cell(3, "village", "Thôn " * 2000), ("cell-too-long", TEAMS, 3, "village")),
    "cell larger than the CSV reader accepts": (cell(4, "team_name", "x" * 200_000), ("cell-too-long", TEAMS, 4, None)),
    "an office's name and a title above the header": (
        lambda d: (d / TEAMS).write_text("ỦY BAN NHÂN DÂN PHƯỜNG THỤC PHÁN,,\nDanh sách phân bổ kinh phí,,\n" + text(d), encoding="utf-8"),
        ("header-not-first", TEAMS, 1, None),
    ),
    "a merged title row above the header of a workbook": (
        lambda d: to_xlsx(d, edit=lambda sheet: (sheet.insert_rows(1), sheet.cell(row=1, column=1, value="DANH SÁCH TỔ CĐSCĐ"))),
        ("header-not-first", TEAMS_XLSX, 1, None),
    ),
    "a blank line above the header": (lambda d: (d / TEAMS).write_text("\n" + text(d), encoding="utf-8"), ("header-not-first", TEAMS, 1, None)),
    "a total row below the rows": (
        lambda d: (d / TEAMS).write_text(text(d) + "Tổng cộng,,,,,,,12000000,,\n", encoding="utf-8"),
        ("not-a-data-row", TEAMS, 5, None),
    ),
    "a signature block below the payments": (
        lambda d: (d / PAYMENTS).write_text(text(d, PAYMENTS) + ",,,,,,\nNgười lập biểu,,,,Kế toán,,\n,,,,(Ký tên),,\n", encoding="utf-8"),
        ("not-a-data-row", PAYMENTS, 4, None),
    ),
    "a teams file named by its commune's name": (
        lambda d: (d / TEAMS).rename(d / "allocations/2025/teams/Thục Phán.csv"),
        ("misnamed-file", "allocations/2025/teams/Thục Phán.csv", None, None),
    ),
    "a second copy of a commune's file, as a browser names it": (
        lambda d: shutil.copy(d / TEAMS, d / "allocations/2025/teams/01273 (1).csv"),
        ("duplicate-source", "allocations/2025/teams/01273 (1).csv", None, None),
    ),
    "duplicated header": (lambda d: rename_column(d / TEAMS, "team_name", "village"), ("duplicate-column", TEAMS, 1, "village")),
    "missing column": (lambda d: drop_column(d / TEAMS, "decision_date"), ("missing-column", TEAMS, 1, "decision_date")),
    "extra unknown column": (lambda d: rename_column(d / TEAMS, "village", "ghi_chu"), ("unknown-column", TEAMS, 1, "ghi_chu")),
    "both a CSV and an XLSX for one commune": (lambda d: to_xlsx(d, keep_csv=True), ("duplicate-source", TEAMS, None, None)),
    "XLSX that is not a workbook": (
        lambda d: ((d / TEAMS).unlink(), (d / TEAMS_XLSX).write_bytes(b"team_id,team_name\n")),
        ("parse-error", TEAMS_XLSX, None, None),
    ),
    # Personal data
    "column of members' names": (lambda d: rename_column(d / TEAMS, "village", "Họ tên thành viên"), ("personal-data-column", TEAMS, 1, "họ tên thành viên")),
    "column of phone numbers": (lambda d: rename_column(d / TEAMS, "village", "SĐT tổ trưởng"), ("personal-data-column", TEAMS, 1, "sđt tổ trưởng")),
    "column of citizen ids": (lambda d: rename_column(d / TEAMS, "village", "so_cccd"), ("personal-data-column", TEAMS, 1, "so_cccd")),
    "column of e-mails": (lambda d: rename_column(d / TEAMS, "village", "Email"), ("personal-data-column", TEAMS, 1, "email")),
    "mobile number in a team name": (cell(2, "team_name", "Tổ thôn mẫu (tổ trưởng 0912 345 678)"), ("personal-data-value", TEAMS, 2, "team_name")),
    "landline with +84 in a village": (cell(2, "village", "Thôn mẫu, ĐT +84 206 3852 123"), ("personal-data-value", TEAMS, 2, "village")),
    "12-digit citizen id in a village": (cell(2, "village", "Thôn mẫu 001099012345"), ("personal-data-value", TEAMS, 2, "village")),
    "e-mail in a decision number": (cell(2, "decision_number", "05/QĐ-UBND to.truong@example.vn"), ("personal-data-value", TEAMS, 2, "decision_number")),
    # Numbers
    "amount written in words": (cell(2, "amount_vnd", "sáu triệu đồng"), ("type-error", TEAMS, 2, "amount_vnd")),
    "amount with one dot: thousands or decimals?": (cell(2, "amount_vnd", "6.000"), ("ambiguous-number", TEAMS, 2, "amount_vnd")),
    "amount with a decimal comma": (cell(2, "amount_vnd", "1,5"), ("ambiguous-number", TEAMS, 2, "amount_vnd")),
    "amount with a three-digit fraction": (cell(2, "amount_vnd", "6000,000"), ("ambiguous-number", TEAMS, 2, "amount_vnd")),
    "amount with a decimal point": (cell(2, "amount_vnd", "6000000.5 đ"), ("non-integer-amount", TEAMS, 2, "amount_vnd")),
    "accounting negative": (cell(2, "amount_vnd", "(6.000.000)"), ("negative-amount", TEAMS, 2, "amount_vnd")),
    "mixed thousands separators": (cell(2, "amount_vnd", "6.000,000.00"), ("type-error", TEAMS, 2, "amount_vnd")),
    "member count with a unit": (cell(2, "member_count", "12 người"), ("type-error", TEAMS, 2, "member_count")),
    "month out of range": (cell(2, "month_to", "13"), ("out-of-range", TEAMS, 2, "month_to")),
    "empty required cell": (cell(3, "member_count", ""), ("missing-value", TEAMS, 3, "member_count")),
    # Formulas
    "formula left in an amount": (cell(2, "amount_vnd", "=SUM(H3:H4)"), ("formula-in-cell", TEAMS, 2, "amount_vnd")),
    "formula left in a name": (cell(2, "team_name", '=HYPERLINK("http://x.vn","Tổ")'), ("formula-in-cell", TEAMS, 2, "team_name")),
    "XLSX formula Excel never calculated": (
        lambda d: to_xlsx(d, edit=lambda sheet: sheet.cell(row=2, column=8, value="=500000*12")),
        ("formula-in-cell", TEAMS_XLSX, 2, "amount_vnd"),
    ),
    # Dates
    "date that does not exist": (cell(2, "decision_date", "2025-02-30"), ("type-error", TEAMS, 2, "decision_date")),
    "month-first date": (cell(2, "decision_date", "01/30/2025"), ("ambiguous-date", TEAMS, 2, "decision_date")),
    "two-digit year": (cell(2, "decision_date", "30/01/25"), ("ambiguous-date", TEAMS, 2, "decision_date")),
    "a date Excel wrote as its day number": (cell(2, "decision_date", "45687"), ("ambiguous-date", TEAMS, 2, "decision_date")),
    "date in words": (cell(2, "decision_date", "Jan 30 2025"), ("type-error", TEAMS, 2, "decision_date")),
    # Hidden characters
    "right-to-left override in a village": (cell(2, "village", "Thôn \u202emẫu"), ("control-character", TEAMS, 2, "village")),
    "NUL byte in a name": (cell(2, "team_name", "Tổ\x00 mẫu"), ("control-character", TEAMS, 2, "team_name")),
    # Codes and communes
    "team in the wrong commune": (cell(2, "commune_code", "01786"), ("wrong-commune", TEAMS, 2, "commune_code")),
    "team id of another commune": (cell(2, "team_id", "01786-004"), ("wrong-commune", TEAMS, 2, "team_id")),
    "short code restored to an unknown commune": (cell(2, "commune_code", "273"), ("unknown-commune", TEAMS, 2, "commune_code")),
    "team id with a letter": (cell(2, "team_id", "01273-00l"), ("type-error", TEAMS, 2, "team_id")),
    "team id in full-width digits beside its ASCII twin": (cell(3, "team_id", "01273-００１"), ("duplicate-team-id", TEAMS, 3, "team_id")),
    "team id with an Arabic-Indic digit": (cell(2, "team_id", "01273-00\u0661"), ("code-character", TEAMS, 2, "team_id")),
    "25-digit amount": (cell(2, "amount_vnd", "1" * 25), ("out-of-range", TEAMS, 2, "amount_vnd")),
    "amount above a thousand billion": (cell(2, "amount_vnd", "1000000000001"), ("out-of-range", TEAMS, 2, "amount_vnd")),
    "VNI font text saved as UTF-8": (cell(2, "village", to_vni("Thôn mẫu 01")), ("legacy-font-text", TEAMS, 2, "village")),
    # Files under data/
    "teams file linked to a file outside data/": (link_outside(TEAMS), ("unsafe-path", TEAMS, None, None)),
    "year.toml linked to a file outside data/": (link_outside(YEAR_TOML), ("unsafe-path", YEAR_TOML, None, None)),
    "year folder with a trailing space": (copy_year("2026 "), ("year-folder-name", "allocations/2026 ", None, None)),
    "year folder with a superscript digit": (copy_year("2026²"), ("year-folder-name", "allocations/2026²", None, None)),
    "year folder in full-width digits": (copy_year("２０２５"), ("year-folder-name", "allocations/２０２５", None, None)),
    "teams file with an upper-case suffix": (rename(TEAMS, "01273.CSV"), ("unexpected-file", "allocations/2025/teams/01273.CSV", None, None)),
    "teams file saved as .xls": (rename(TEAMS, "01273.xls"), ("unexpected-file", "allocations/2025/teams/01273.xls", None, None)),
    "teams file saved as .ods": (rename(TEAMS, "01273.ods"), ("unexpected-file", "allocations/2025/teams/01273.ods", None, None)),
    "province file with an upper-case suffix": (rename(PROVINCE, "province.CSV"), ("unexpected-file", "allocations/2025/province.CSV", None, None)),
    # Settings (TOML)
    "sample written as a string": (replace("sample = true", 'sample = "false"', YEAR_TOML), ("metadata-missing", YEAR_TOML, None, "sample")),
    "decision date written as a string": (replace("date = 2025-01-20", 'date = "2025-01-20"', YEAR_TOML), ("metadata-missing", YEAR_TOML, None, "province_decision.date")),
    "decision total above a thousand billion": (
        replace("total_amount_vnd = 21000000", "total_amount_vnd = " + "9" * 25, YEAR_TOML),
        ("metadata-missing", YEAR_TOML, None, "province_decision.total_amount_vnd"),
    ),
    "phone number in a decision title": (
        replace('title = "', 'title = "Liên hệ 0912 345 678: ', YEAR_TOML), ("personal-data-value", YEAR_TOML, None, "province_decision.title"),
    ),
    "NUL in a decision title": (replace('title = "', 'title = "\\u0000', YEAR_TOML), ("control-character", YEAR_TOML, None, "province_decision.title")),
    "right-to-left override in a decision title": (
        replace('title = "', 'title = "\\u202E', YEAR_TOML), ("control-character", YEAR_TOML, None, "province_decision.title"),
    ),
    "formula in the province's name": (replace('name = "', 'name = "=HYPERLINK(1)', PROVINCE_TOML), ("formula-in-cell", PROVINCE_TOML, None, "name")),
    "TCVN3 text in a rate's title": (
        replace('resolution_title = "', 'resolution_title = "Tæ d©n phè" # ', POLICY_TOML), ("legacy-font-text", POLICY_TOML, None, "rates[1].resolution_title"),
    ),
    "maximum members written as a string": (
        replace("maximum_members = 50", 'maximum_members = "50"', POLICY_TOML), ("policy-invalid", POLICY_TOML, None, "maximum_members"),
    ),
    "year.toml that is not TOML": (replace("sample = true", "sample = yes", YEAR_TOML), ("toml-syntax", YEAR_TOML, 1, None)),
    # Where citizens report a problem
    "contact for a commune not in the list": (contact(3, "code", "09999"), ("unknown-commune", CONTACTS, 3, "code")),
    "a commune without a contact": (drop_row(CONTACTS, 3), ("contact-missing", CONTACTS, None, "code")),
    "no feedback channel for the province": (drop_row(CONTACTS, 2), ("contact-missing", CONTACTS, None, "code")),
    "two contacts for one commune": (lambda d: append_row(d / CONTACTS, {"code": "01273"}), ("duplicate-contact", CONTACTS, 59, "code")),
    "e-mail without a domain": (contact(3, "email", "ubnd-01273@"), ("invalid-email", CONTACTS, 3, "email")),
    "phone number too short": (contact(3, "phone", "0206 38"), ("invalid-phone", CONTACTS, 3, "phone")),
    "sample flag in words": (contact(3, "sample", "có"), ("type-error", CONTACTS, 3, "sample")),
}


@pytest.fixture
def live_site(tiny_data, tmp_path) -> publish.Paths:
    """A root whose output/ already serves a release, as on the portal before staff publish again."""
    paths = publish.Paths(tmp_path / "root", tiny_data)
    release = paths.releases / "000001"
    release.mkdir(parents=True)
    (release / "index.html").write_text("<!DOCTYPE html><html lang=vi><title>trang đang chạy</title></html>", encoding="utf-8")
    publish.switch_live(paths, release)
    return paths


def snapshot(paths: publish.Paths) -> tuple:
    return (
        paths.output.readlink(),
        sorted(p.relative_to(paths.work).as_posix() for p in paths.releases.rglob("*")),
        (paths.output / "index.html").read_bytes(),
    )


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_bad_input_is_refused_at_its_cell_and_nothing_is_published(live_site, case):
    breaks, expected = REFUSED[case]
    breaks(live_site.data)
    before = snapshot(live_site)
    with pytest.raises(ValidationFailed) as failure:
        publish.publish(live_site)
    found = [(p.code, p.file, p.row, p.column) for p in failure.value.report.errors]
    assert expected in found
    assert snapshot(live_site) == before


def test_a_file_in_neither_encoding_names_the_line_and_the_character_staff_must_find(tiny_data):
    recode(TEAMS, lambda t: t.replace("Tổ", "Tö").encode("latin-1", errors="replace"))(tiny_data)
    _, report = validate(load(tiny_data))
    [problem] = [p for p in report.errors if p.code == "encoding-error"]
    assert "dòng 2 có ký tự “ö” U+00F6 LATIN SMALL LETTER O WITH DIAERESIS" in problem.message


def test_a_title_above_the_header_is_one_error_naming_the_header_row_and_the_title(tiny_data):
    """Official spreadsheets open with the office's name and a title; left in, each blank cell of the title
    line was a duplicated column, and every payment of the commune unchecked. One line says what to delete."""
    REFUSED["an office's name and a title above the header"][0](tiny_data)
    _, report = validate(load(tiny_data))
    (problem,) = [p for p in report.errors if p.file == TEAMS]
    assert "có 2 dòng phía trên dòng tên cột (dòng 3), bắt đầu bằng “ỦY BAN NHÂN DÂN PHƯỜNG THỤC PHÁN”" in problem.message


def test_a_total_and_a_signature_below_the_rows_are_one_error_not_one_per_cell(tiny_data):
    """Official spreadsheets close with a total and signatures; each of their blank cells was a missing
    value, and the words an invalid code or amount. One line names the rows to delete."""
    (tiny_data / TEAMS).write_text(text(tiny_data) + "Tổng cộng,,,,,,,12000000,,\n,,,,,,,,,\nNgười lập biểu,,,,,,,Chủ tịch,,\n", encoding="utf-8")
    _, report = validate(load(tiny_data))
    (problem,) = [p for p in report.errors if p.file == TEAMS]
    assert (problem.code, problem.row) == ("not-a-data-row", 5)
    assert problem.message.startswith("Dòng 5, 7 ở cuối bảng") and "“Tổng cộng”" in problem.message


def test_a_team_with_blank_cells_above_a_full_row_is_still_told_cell_by_cell(tiny_data):
    """Only rows after every fuller row are notes: blanks in a team's row above the last one are that team's."""
    for column in ("team_name", "village", "member_count", "month_from", "month_to", "amount_vnd"):
        set_cell(tiny_data / TEAMS, 2, column, "")
    _, report = validate(load(tiny_data))
    codes = {(p.code, p.row) for p in report.errors if p.file == TEAMS}
    assert ("missing-value", 2) in codes and not any(code == "not-a-data-row" for code, _ in codes)


@pytest.mark.parametrize("name, named", [("Thục Phán.csv", "tên tệp không phải mã xã, phường"), ("01786.csv", "01786 là mã của Xã Đông Khê")])
def test_a_file_named_otherwise_than_its_rows_commune_is_one_error_naming_the_file_to_write(tiny_data, name, named):
    """Every row said wrong-commune; one line says which name the file should have."""
    (tiny_data / "allocations/2025/teams/01786.csv").unlink()
    (tiny_data / TEAMS).rename(tiny_data / "allocations/2025/teams" / name)
    _, report = validate(load(tiny_data))
    (problem,) = [p for p in report.errors if p.file == f"allocations/2025/teams/{name}"]
    assert problem.code == "misnamed-file" and f"({named})" in problem.message
    assert "ghi mã xã 01273 (Phường Thục Phán)" in problem.message and "đổi tên tệp thành 01273.csv" in problem.message


@pytest.mark.parametrize("copy", ["01273 (1).csv", "01273 - Copy.csv", "Thục Phán.xlsx"])
def test_a_second_file_of_a_commune_that_has_its_own_is_one_error_saying_to_keep_one(tiny_data, copy):
    """Renaming the copy to 01273.csv, as misnamed-file would say, would overwrite the commune's file."""
    folder = tiny_data / "allocations/2025/teams"
    if copy.endswith(".xlsx"):
        to_xlsx(tiny_data, keep_csv=True)
        (folder / "01273.xlsx").rename(folder / copy)
    else:
        shutil.copy(folder / "01273.csv", folder / copy)
    _, report = validate(load(tiny_data))
    assert [(p.code, p.file, p.message) for p in report.errors] == [
        ("duplicate-source", f"allocations/2025/teams/{copy}", f"Có cả tệp {copy} và tệp 01273.csv cho cùng một bảng: chỉ giữ lại một tệp, tệp đúng, và xóa hoặc chuyển tệp kia ra khỏi data/.")
    ]


def test_a_date_excel_wrote_as_its_day_number_is_refused_with_the_date_it_seems_to_be(tiny_data):
    """A date column formatted "General" exports 30/01/2025 as 45687: not guessed, but named for staff to check."""
    cell(2, "decision_date", "45687")(tiny_data)
    _, report = validate(load(tiny_data))
    (problem,) = [p for p in report.errors if (p.file, p.row, p.column) == (TEAMS, 2, "decision_date")]
    assert problem.code == "ambiguous-date" and "có vẻ là ngày 30/01/2025 Excel ghi thành số" in problem.message


def test_a_cell_too_large_is_refused_whatever_library_raised_the_csv_limit_before(tiny_data):
    """frictionless raises the csv module's process-wide field limit when imported (the downloads
    import it): what staff see refused must not depend on that."""
    import csv
    import sys

    set_cell(tiny_data / TEAMS, 4, "team_name", "x" * 200_000)
    before = csv.field_size_limit(sys.maxsize)
    try:
        _, report = validate(load(tiny_data))
    finally:
        csv.field_size_limit(before)
    assert ("cell-too-long", TEAMS, 4, None) in [(p.code, p.file, p.row, p.column) for p in report.errors]


@pytest.mark.parametrize("relative", [TEAMS, YEAR_TOML])
def test_a_file_a_link_points_at_is_never_read_into_the_reports(live_site, relative):
    link_outside(relative)(live_site.data)
    with pytest.raises(ValidationFailed):
        publish.publish(live_site)
    for report in ("validation.csv", "bao-cao-kiem-tra.html"):
        written = (live_site.work / report).read_text(encoding="utf-8")
        assert relative in written and SECRET not in written


def test_a_failure_no_rule_expected_names_the_file_it_was_reading(live_site, monkeypatch):
    from scripts.ingest import load as ingest

    read_table = ingest.read_table

    def breaks(path, file):
        if file == TEAMS:
            raise RuntimeError("internal detail staff must not read")
        return read_table(path, file)

    monkeypatch.setattr(ingest, "read_table", breaks)
    with pytest.raises(ValidationFailed) as failure:
        publish.publish(live_site)
    errors = failure.value.report.errors
    assert ("unexpected-error", TEAMS) in {(p.code, p.file) for p in errors}
    assert all("internal detail" not in p.message for p in errors)


def test_a_rule_failing_unexpectedly_is_reported_with_the_file_being_validated(tiny_data, monkeypatch):
    from scripts.validate import rules

    monkeypatch.setattr(rules, "check_payment_date", lambda *args: 1 / 0)
    _, report = validate(load(tiny_data))
    assert [(p.code, p.file, p.params) for p in report.errors] == [
        ("unexpected-error", "allocations/2025/payments/01273.csv", {"error": "ZeroDivisionError"})
    ]


def test_the_library_covers_the_cases_the_issue_lists():
    assert len(REFUSED) + len(ACCEPTED) >= 40
    codes = {expected[0] for _, expected in REFUSED.values()}
    assert {"encoding-error", "parse-error", "empty-file", "no-rows", "cell-too-long", "duplicate-column",
            "missing-column", "unknown-column", "type-error", "formula-in-cell", "ambiguous-date",
            "wrong-commune"} <= codes


def canonical_teams(data: Path) -> list[tuple]:
    dataset, report = validate(load(data))
    assert report.errors == []
    return [
        (t["team_id"], t["team_name"], t["village"], t["member_count"], t["amount_vnd"],
         [(p["month_from"], p["month_to"], p["amount_vnd"], p["decision_date"]) for p in t["periods"]])
        for year in dataset["years"] for t in year["teams"]
    ]


def semicolons(d: Path) -> None:
    rows = read_rows(d / TEAMS)
    (d / TEAMS).write_text("\n".join(";".join(row) for row in rows) + "\n", encoding="utf-8")


def tabs_utf16(d: Path) -> None:
    """Excel's “Unicode Text”: UTF-16 LE with a BOM, tab-separated, CRLF."""
    rows = read_rows(d / TEAMS)
    (d / TEAMS).write_bytes(codecs.BOM_UTF16_LE + "\r\n".join("\t".join(row) for row in rows).encode("utf-16-le"))


def vietnamese_cells(d: Path) -> None:
    """Amounts, dates and codes as a Vietnamese Excel shows them, old-style tone marks, stray spaces."""
    rows = read_rows(d / TEAMS)
    header = rows[0]
    for row, (amount, date) in zip(rows[1:], [("6.000.000 đ", "30/01/2025"), ("3 000 000", "30/1/2025"), ("3.000.000,00", "1/7/2025")]):
        row[header.index("amount_vnd")] = amount
        row[header.index("decision_date")] = date
    write_rows(d / TEAMS, rows)
    set_cell(d / PROVINCE, 2, "commune_code", "1273")
    set_cell(d / TEAMS, 2, "village", "  Tổ dân phố\u00a0mẫu\u200b 01 ")


ACCEPTED = {
    "UTF-8 with a BOM": (recode(TEAMS, lambda t: codecs.BOM_UTF8 + t.encode()), "UTF-8 có BOM, dấu phẩy"),
    "UTF-16 LE with a BOM": (recode(TEAMS, lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le")), "UTF-16 LE có BOM, dấu phẩy"),
    "UTF-16 BE with a BOM": (recode(TEAMS, lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be")), "UTF-16 BE có BOM, dấu phẩy"),
    "UTF-16 LE without a BOM": (recode(TEAMS, lambda t: t.encode("utf-16-le")), "UTF-16 LE không có BOM, dấu phẩy"),
    "Windows-1258": (recode(TEAMS, cp1258), "Windows-1258 (bảng mã tiếng Việt cũ của Windows), dấu phẩy"),
    "semicolons": (semicolons, "UTF-8, dấu chấm phẩy"),
    "Excel Unicode text": (tabs_utf16, "UTF-16 LE có BOM, dấu tab"),
    "XLSX": (to_xlsx, "XLSX, trang tính “Sheet”"),
    "Vietnamese numbers, three date formats, a code Excel shortened": (vietnamese_cells, None),
}


SCRATCH = ("~$01273.xlsx", "._01273.csv", ".~lock.01273.csv#", "Thumbs.db", ".DS_Store")


def test_scratch_files_of_excel_and_the_os_are_ignored_with_a_note(tiny_data):
    reference = canonical_teams(tiny_data)
    for name in SCRATCH:
        (tiny_data / "allocations/2025/teams" / name).write_bytes(b"\x00\x05\x16\x07 not a table")
    _, report = validate(load(tiny_data))
    assert report.errors == []
    notes = {(p.code, p.file) for p in report.problems if p.severity == "notice"}
    assert {("scratch-file-ignored", f"allocations/2025/teams/{name}") for name in SCRATCH} <= notes
    assert canonical_teams(tiny_data) == reference


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_excel_output_is_read_as_meant_and_the_detection_is_reported(tiny_data, tmp_path, case):
    reference = canonical_teams(tiny_data)
    breaks, detected = ACCEPTED[case]
    breaks(tiny_data)
    _, report = validate(load(tiny_data))
    notices = {(p.code, p.file.replace(".xlsx", ".csv"), p.message) for p in report.problems if p.severity == "notice"}
    if detected:
        assert ("file-format-detected", TEAMS, f"Đã đọc tệp: {detected}.") in notices
    else:
        assert {(code, file) for code, file, _ in notices} == {("code-restored", PROVINCE)}
    assert canonical_teams(tiny_data) == reference
