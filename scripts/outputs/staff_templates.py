"""Staff templates: reads the schema and the communes; writes the Excel workbooks staff fill in, data/templates/, on ``invoke template``.

Each workbook's first sheet is the table itself (``DATA_SHEET``, the one ``scripts.ingest.read`` reads
wherever staff move it): a locked header row of the schema's column names, unlocked data cells, and Excel's data validation
on every column the schema constrains (commune codes from a drop-down, whole numbers, months 1–12, real
dates). A second sheet explains each column in Vietnamese; a third lists the communes with their names.
Bytes are deterministic: openpyxl's clock times are replaced and the zip is rewritten with fixed times.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from scripts.common.files import write_if_changed
from scripts.model.schema import DATA_SHEET, PAYMENTS, PROVINCE_ALLOCATIONS, TEAM_ALLOCATIONS, TYPE_LABELS, Column, Table
from scripts.outputs.archives import fixed_zip

TEMPLATES = {
    "quyet-dinh-tinh.xlsx": PROVINCE_ALLOCATIONS,
    "phan-bo-to.xlsx": TEAM_ALLOCATIONS,
    "chi-tra.xlsx": PAYMENTS,
}
HELP_SHEET, COMMUNES_SHEET = "Hướng dẫn", "Danh mục xã"
ROWS = 2000  # data rows carrying the validation: a commune's teams and their periods fit many times over
FIXED_TIME = "2025-01-01T00:00:00Z"
FIRST_DATE, LAST_DATE = "DATE(2000,1,1)", "DATE(2100,12,31)"
SAVE_AS = {
    PROVINCE_ALLOCATIONS.name: "data/allocations/<năm>/province.xlsx",
    TEAM_ALLOCATIONS.name: "data/allocations/<năm>/teams/<mã xã>.xlsx (ví dụ 01273.xlsx)",
    PAYMENTS.name: "data/allocations/<năm>/payments/<mã xã>.xlsx (ví dụ 01273.xlsx)",
}


def validation(column: Column, communes: int):
    """Excel's rule for one column, or None for free text; the error message says the rule in words."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if column.name == "commune_code":
        rule = DataValidation(type="list", formula1=f"'{COMMUNES_SHEET}'!$A$2:$A${communes + 1}")
        words = f"Chọn mã xã trong danh sách; tên xã của từng mã ở trang “{COMMUNES_SHEET}”."
    elif column.type in ("integer", "month"):
        low, high = column.minimum or 0, column.maximum
        rule = DataValidation(type="whole", operator="between" if high else "greaterThanOrEqual", formula1=str(low), formula2=str(high) if high else None)
        words = f"Nhập số nguyên từ {low} đến {high}." if high else f"Nhập số nguyên không âm (từ {low} trở lên), không có dấu phân cách."
    elif column.type == "date":
        rule = DataValidation(type="date", operator="between", formula1=FIRST_DATE, formula2=LAST_DATE)
        words = "Nhập một ngày có thật, ví dụ 2025-03-15."
    elif column.pattern_words:
        rule = DataValidation(type="textLength", operator="equal", formula1=str(len(column.pattern_words.rsplit(" ", 1)[-1])))
        words = column.pattern_words[0].upper() + column.pattern_words[1:] + "."
    else:
        return None
    rule.error, rule.errorTitle, rule.showErrorMessage = words, column.title, True
    rule.prompt, rule.promptTitle, rule.showInputMessage = words, column.title, True
    return rule


def data_sheet(sheet, table: Table, communes: int) -> None:
    from openpyxl.styles import Font, Protection
    from openpyxl.utils import get_column_letter

    sheet.title = DATA_SHEET
    sheet.append(list(table.column_names))
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(14, len(column.name) + 4)
        dimension.protection = Protection(locked=False)  # data cells: everything below the locked header
        dimension.number_format = "@" if column.type in ("code", "text") else "yyyy-mm-dd" if column.type == "date" else "0"
        if rule := validation(column, communes):
            rule.add(f"{letter}2:{letter}{ROWS + 1}")
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"
    # The header is the schema: locked, with no password (the lock stops slips, not people).
    sheet.protection.sheet = True
    for allowed in ("formatColumns", "formatRows", "insertRows", "deleteRows", "sort", "autoFilter"):
        setattr(sheet.protection, allowed, False)


def help_sheet(sheet, table: Table) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.title = HELP_SHEET
    lines = [
        [table.title],
        [table.description],
        [],
        ["Cách dùng: điền từ dòng 2 của trang “Dữ liệu”, mỗi dòng một bản ghi; không sửa, không đổi thứ tự dòng tiêu đề."],
        [f"Lưu dạng Excel (.xlsx) và đặt tệp vào {SAVE_AS[table.name]}; trang “Dữ liệu” phải là trang đầu tiên."],
        ["Rồi chạy “invoke validate”: mọi lỗi được chỉ ra đến từng ô."],
        [],
        ["Cột", "Tên", "Kiểu", "Ý nghĩa"],
    ]
    for column in table.columns:
        kind = ", ".join(filter(None, (TYPE_LABELS[column.type], column.unit, "" if column.required else "không bắt buộc")))
        lines.append([column.name, column.title, kind, column.description + (f" Quy tắc: {column.pattern_words}." if column.pattern_words else "")])
    for line in lines:
        sheet.append(line)
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[8]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (18, 22, 24, 90)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=9):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")


def communes_sheet(sheet, communes: list[dict[str, str]]) -> None:
    from openpyxl.styles import Font

    sheet.title = COMMUNES_SHEET
    sheet.append(["Mã xã/phường", "Tên đầy đủ"])
    for commune in communes:
        sheet.append([commune["code"], commune["full_name"]])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].number_format = "@"
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 14, 32
    sheet.protection.sheet = True  # the reference is read, not edited here


def workbook(table: Table, communes: list[dict[str, str]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    data_sheet(book.active, table, len(communes))
    help_sheet(book.create_sheet(), table)
    communes_sheet(book.create_sheet(), communes)
    buffer = io.BytesIO()
    book.save(buffer)
    return without_clock(buffer.getvalue())


def without_clock(content: bytes) -> bytes:
    """The same workbook with its creation and save times fixed and the zip's own times too."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        members = [(name, archive.read(name)) for name in archive.namelist()]
    stamp = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
    return fixed_zip([(name, stamp.sub(rb"\g<1>" + FIXED_TIME.encode() + rb"\g<3>", data) if name == "docProps/core.xml" else data) for name, data in members])


def write(folder: Path, communes: list[dict[str, str]]) -> list[Path]:
    """Write every template; return those whose bytes changed."""
    folder.mkdir(parents=True, exist_ok=True)
    return [folder / name for name, table in TEMPLATES.items() if write_if_changed(folder / name, workbook(table, communes))]
