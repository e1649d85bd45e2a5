"""Read one table file as Excel on Windows leaves it, and say what was detected.

Accepts CSV in UTF-8 (with or without BOM), UTF-16 (with BOM, or without one when the NUL bytes
make the byte order certain) or Windows-1258 (combining tone marks composed to NFC), separated by ``,``, ``;`` or tabs, and XLSX
(the template's data sheet, else the first). Any other encoding is refused rather than decoded into mojibake.
Every text value is normalised (see ``normalise_text``); types are left to ``scripts.ingest.parse``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from scripts.common.formatting import filesize, number
from scripts.ingest.parse import describe_character
from scripts.model import problems as P
from scripts.model.schema import DATA_SHEET

HEADER_ROW = 1  # spreadsheet row numbers: the header is row 1, the first data row is row 2
SUFFIXES = (".csv", ".xlsx")
SEPARATORS = {",": "dấu phẩy", ";": "dấu chấm phẩy", "\t": "dấu tab"}
CANONICAL = "UTF-8, dấu phẩy"  # the form the README asks for: nothing worth telling staff
# The largest table read at all. The sample's biggest is 8 KB; a commune has at most 999 teams of 12 periods.
# Anything past these is an export of the wrong thing, refused at once rather than validated for minutes.
MAX_TABLE_BYTES = 20 * 1024**2
MAX_TABLE_ROWS = 120_000  # data rows, header not counted
TITLE_LINES_LOOKED_AT = 10  # above the header, for a title block staff left in
# The csv module's own default. Its limit is process-wide, and a library (frictionless) raises it when
# imported: set for each read, so that what is refused does not depend on what was imported before.
MAX_CSV_FIELD = 131_072

# Invisible characters copy-pasting from the web leaves behind; they carry no meaning in a name.
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
TONES = "\u0300\u0301\u0303\u0309\u0323"
# Tone marks placed the new way (hoà, thuỷ) → the way official documents place them (hòa, thủy: "Ủy ban
# nhân dân", "CỘNG HÒA" in the forms of Nghị định 30/2020), which most of the commune reference follows too.
# Only a syllable ending in exactly "oa", "oe" or "uy" moves its mark (not "quý", "hoàng", "ngoài").
NEW_STYLE_TONE = re.compile(
    rf"(?<![aeiouyAEIOUYqQ\u0300-\u036f])([oO][aAeE]|[uU][yY])([{TONES}])(?![\w\u0300-\u036f])"
)


def place_tone_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    moved = NEW_STYLE_TONE.sub(lambda m: m.group(1)[0] + m.group(2) + m.group(1)[1], decomposed)
    return unicodedata.normalize("NFC", moved)


@functools.lru_cache(maxsize=1 << 16)  # codes, names and figures repeat across thousands of rows
def normalise_text(value: str) -> str:
    """NFC, no zero-width characters, single spaces, trimmed, one tone-mark placement."""
    text = unicodedata.normalize("NFC", value).translate(ZERO_WIDTH)
    return place_tone_marks(" ".join(text.split()))


class Unreadable(Exception):
    """The file as a whole cannot be read; carries the problem that says why."""

    def __init__(self, problem: P.Problem):
        self.problem = problem
        super().__init__(problem.message)


@dataclass
class Table:
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (spreadsheet row, cells)
    detected: str = ""
    problems: list[P.Problem] = field(default_factory=list)


def decode(data: bytes, file: str) -> tuple[str, str]:
    """The file's text and a Vietnamese description of its encoding."""
    for bom, codec, label in (
        (codecs.BOM_UTF8, "utf-8", "UTF-8 có BOM"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE có BOM"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE có BOM"),
    ):
        if data.startswith(bom):
            return _strict(data[len(bom) :], codec, label, file), label
    sample = data[:4096]
    if sample.count(b"\x00") * 4 > len(sample):
        # Text with NUL on every other byte is UTF-16 without a BOM; the NULs' side gives the order.
        codec = "utf-16-le" if sample[1::2].count(b"\x00") > sample[0::2].count(b"\x00") else "utf-16-be"
        label = f"UTF-16 {codec[-2:].upper()} không có BOM"
        return _strict(data, codec, label, file), label
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    return windows_1258(data, file), WINDOWS_1258


WINDOWS_1258 = "Windows-1258 (bảng mã tiếng Việt cũ của Windows)"
# What Vietnamese text decomposes to (NFD): ASCII, đ, and the marks of ă â ê ô ơ ư and of the five tones.
VIETNAMESE_MARKS = set("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")
VIETNAMESE_SIGNS = set("đĐ«»·°–—‘’“”…€\u00a0")


def windows_1258(data: bytes, file: str) -> str:
    """Text Windows wrote in its Vietnamese code page (tone marks as combining characters), composed to NFC.

    Windows-1258 gives almost every byte a meaning, so the text must also read as Vietnamese: a letter
    Vietnamese does not have (ö, ß, þ) means another encoding, refused where it first occurs."""
    neither = "tệp không phải UTF-8, cũng không phải Windows-1258 tiếng Việt"
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:  # one of the few bytes Windows-1258 leaves undefined
        raise Unreadable(P.EncodingError(file=file, params={"detail": neither})) from None
    for line, content in enumerate(text.splitlines(), start=1):
        foreign = next((char for char in content if not vietnamese(char)), None)
        if foreign is not None:
            detail = f"{neither}: dòng {line} có ký tự {describe_character(foreign)}"
            raise Unreadable(P.EncodingError(file=file, params={"detail": detail}))
    return text


@functools.lru_cache(maxsize=1024)
def vietnamese(char: str) -> bool:
    if char.isascii() or char in VIETNAMESE_SIGNS:
        return True
    base, *marks = unicodedata.normalize("NFD", char)
    return base.isascii() and base.isalpha() and bool(marks) and all(mark in VIETNAMESE_MARKS for mark in marks)


def _strict(data: bytes, codec: str, label: str, file: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise Unreadable(P.EncodingError(file=file, params={"detail": f"{label} hỏng ở byte {error.start}"}))


def sniff_separator(text: str, file: str) -> str:
    """The one separator the header line uses; a header using two of them is refused, not guessed."""
    first_line = text.split("\n", 1)[0]
    used = [sep for sep in SEPARATORS if sep in first_line]
    if len(used) > 1:
        detail = "dòng tiêu đề dùng lẫn " + " và ".join(SEPARATORS[sep] for sep in used)
        raise Unreadable(P.ParseError(file=file, row=HEADER_ROW, params={"detail": detail}))
    return used[0] if used else ","


def csv_records(text: str, separator: str, file: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    records = []
    limit = csv.field_size_limit(MAX_CSV_FIELD)
    try:
        for record in reader:
            records.append(record)
            if len(records) > MAX_TABLE_ROWS + HEADER_ROW:
                raise Unreadable(too_many_rows(file))
    except csv.Error as error:
        row = len(records) + HEADER_ROW
        if "field larger than field limit" in str(error):
            raise Unreadable(P.CellTooLong(file=file, row=row, params={"length": f"> {MAX_CSV_FIELD}", "limit": str(MAX_CSV_FIELD)}))
        detail = "dấu ngoặc kép không đóng hoặc đặt sai, hoặc có chữ ngay sau dấu ngoặc kép đóng"
        raise Unreadable(P.ParseError(file=file, row=row, params={"detail": detail}))
    finally:
        csv.field_size_limit(limit)
    return records


def read_csv(path: Path, file: str) -> tuple[list[list[str]], str]:
    text, encoding = decode(path.read_bytes(), file)
    if not text.strip():
        raise Unreadable(P.EmptyFile(file=file))
    separator = sniff_separator(text, file)
    return csv_records(text, separator, file), f"{encoding}, {SEPARATORS[separator]}"


def cell_text(value) -> str:
    """An XLSX cell as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: Path, file: str) -> tuple[list[list[str]], str]:
    # Imported when a workbook arrives, not by every publish: 0.07 s of each command's start.
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        detail = f"không mở được tệp XLSX: tệp hỏng, hoặc là loại tệp khác đặt tên .xlsx ({type(error).__name__})"
        raise Unreadable(P.ParseError(file=file, params={"detail": detail})) from None
    # A filled template may be saved with its help sheet first: the data sheet is found by its name.
    index = values.sheetnames.index(DATA_SHEET) if DATA_SHEET in values.sheetnames else 0
    sheet = values.worksheets[index]
    records = []
    # A formula Excel never calculated has no stored value: keep its text so parse refuses it.
    for shown, written in zip(sheet.iter_rows(values_only=True), formulas.worksheets[index].iter_rows(values_only=True)):
        if len(records) == MAX_TABLE_ROWS + HEADER_ROW:
            raise Unreadable(too_many_rows(file))
        records.append(
            [cell_text(formula if value is None and isinstance(formula, str) else value) for value, formula in zip(shown, written)]
        )
    values.close()
    formulas.close()
    if not any(any(cell.strip() for cell in record) for record in records):
        raise Unreadable(P.EmptyFile(file=file))
    sheets = f", trang tính “{sheet.title}”" + (f" (bỏ qua {len(values.worksheets) - 1} trang khác)" if len(values.worksheets) > 1 else "")
    return records, f"XLSX{sheets}"


def filled(record: list[str]) -> list[str]:
    """A record's cells up to its last non-blank one."""
    cells = [cell.strip() for cell in record]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def header_below_titles(records: list[list[str]]) -> int | None:
    """The index of the header when lines of one cell each (an office's name, a document's title, as
    official spreadsheets open) come above it; None when the first line may be the header."""
    for index, record in enumerate(records[:TITLE_LINES_LOOKED_AT]):
        cells = filled(record)
        if len(cells) > 1:
            return index if index and all(cells) else None
    return None


def tabulate(records: list[list[str]], file: str) -> Table:
    """Header and rows from raw records: trailing empty cells and blank lines (Excel leaves them) dropped."""
    table = Table()
    if below := header_below_titles(records):
        above = [cell for record in records[:below] for cell in filled(record) if cell]
        first = f"“{normalise_text(above[0])[:80]}”" if above else "một dòng trống"
        params = {"count": below, "header_row": below + HEADER_ROW, "first": first}
        table.problems.append(P.HeaderNotFirst(file=file, row=HEADER_ROW, params=params))
        return table
    header = [normalise_text(name).lower() for name in records[0]]
    while header and header[-1] == "" and all(len(r) < len(header) or not r[len(header) - 1].strip() for r in records[1:]):
        header.pop()
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name in seen:
            table.problems.append(
                P.DuplicateColumn(file=file, row=HEADER_ROW, column=name, params={"first": seen[name], "second": position})
            )
        seen.setdefault(name, position)
    if table.problems:
        return table
    for index, record in enumerate(records[1:], start=HEADER_ROW + 1):
        cells = [normalise_text(cell) for cell in record]
        while len(cells) > len(header) and cells[-1] == "":
            cells.pop()
        if not any(cells):
            continue
        if len(cells) != len(header):
            table.problems.append(P.RaggedRow(file=file, row=index, params={"cells": len(cells), "columns": len(header)}))
            continue
        table.rows.append((index, dict(zip(header, cells))))
    table.header = header
    if not table.rows and not table.problems:
        table.problems.append(P.NoRows(file=file, row=HEADER_ROW + 1))
    return table


def too_many_rows(file: str) -> P.Problem:
    return P.TableTooLarge(file=file, params={"size": f"có hơn {number(MAX_TABLE_ROWS)} dòng", "limit": f"{number(MAX_TABLE_ROWS)} dòng"})


def check_size(path: Path, file: str) -> None:
    """Refuse a file too big to be one commune's table before a byte of it is read."""
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        raise Unreadable(P.TableTooLarge(file=file, params={"size": f"nặng {filesize(size)}", "limit": filesize(MAX_TABLE_BYTES)}))


def read_table(path: Path, file: str) -> Table:
    """Read ``path`` (reported as ``file``); a file that cannot be read yields a table without header."""
    try:
        check_size(path, file)
        reader = read_xlsx if path.suffix.lower() == ".xlsx" else read_csv
        records, detected = reader(path, file)
    except Unreadable as failure:
        return Table(problems=[failure.problem])
    table = tabulate(records, file)
    table.detected = detected
    if detected != CANONICAL:
        table.problems.append(P.FileFormatDetected(file=file, params={"detail": detected}))
    return table
