"""Rows of cells → the bytes of an XLSX workbook: a minimal, streaming Office Open XML writer for plain tables.

openpyxl and XlsxWriter build a Python object per cell: writing the sample's ~56,000 rows took them
4.0 s and 2.9 s (measured, see scripts/outputs/downloads.py). Our tables need none of what that buys
(formulas, shared strings, charts), so sheets are written straight as XML text: ~7× faster, and
no clock in the bytes. Every string is an inline string, which a spreadsheet never reads as a
formula; text cells can also carry the text format "@" so that a user's edit keeps leading zeros.
Dates are day numbers with a date format and amounts carry "#,##0", so a spreadsheet sorts, filters and
sums them; every sheet has an autofilter on its columns and a frozen header row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from scripts.outputs.archives import fixed_zip

TEXT_STYLE, HEADER_STYLE, DATE_STYLE, AMOUNT_STYLE, DECIMAL_STYLE = 1, 2, 3, 4, 5  # indexes into cellXfs below; 0 is the default
DAY_ZERO = dt.date(1899, 12, 30)  # day 0 of a workbook's dates (the 1900 date system, past its 1900 leap-year bug)
# Characters XML 1.0 cannot carry at all (a spreadsheet would refuse the whole file).
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
NOT_VERBATIM = re.compile("[&<>" + ILLEGAL_XML.pattern[1:])  # what ``xml_text`` escapes or drops

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
SPREADSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
STYLES = (
    f'<styleSheet xmlns="{MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="0.0"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a bold, frozen header row with an autofilter, then rows, each given as its cells'
    XML (``column_cells``), so that a row shown in several workbooks is encoded once. ``widths``: of the
    first columns, in characters (the others keep the spreadsheet's default)."""

    name: str
    header: tuple[str, ...]
    rows: Iterable[str]
    widths: tuple[int, ...] = ()


def xml_text(value: str) -> str:
    return escape(ILLEGAL_XML.sub("", value))


def column_cells(values: list, style: int = 0) -> list[str]:
    """One column's cells from str, int, float, bool or None (an empty cell), each with ``style``.
    This runs for every cell of every table, and most columns hold nothing to escape or drop, which
    one search over the whole column tells."""
    styled = f' s="{style}"' if style else ""
    texts = "".join(value for value in values if value.__class__ is str)
    text = xml_text if NOT_VERBATIM.search(texts) else str
    return [
        "<c/>"
        if value is None
        else f'<c t="inlineStr"{styled}><is><t xml:space="preserve">{text(value)}</t></is></c>'
        if value.__class__ is str
        else f'<c t="b"{styled}><v>{value:d}</v></c>'
        if value.__class__ is bool
        else f"<c{styled}><v>{value!r}</v></c>"
        for value in values
    ]


def date_serials(values: list) -> list:
    """ISO dates (YYYY-MM-DD) → the day numbers a workbook stores dates as; None stays empty."""
    return [None if value is None else (dt.date.fromisoformat(value) - DAY_ZERO).days for value in values]


def column_letter(number: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def filter_range(sheet: Sheet, row_count: int) -> str:
    return f"$A$1:${column_letter(len(sheet.header))}${row_count + 1}"


def sheet_xml(sheet: Sheet) -> tuple[bytes, int]:
    """The worksheet's XML, and how many rows it has below its header."""
    widths = "".join(f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>' for n, width in enumerate(sheet.widths, start=1))
    rows = [f'<row r="{number}">{cells}</row>' for number, cells in enumerate(sheet.rows, start=2)]
    parts = [
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        + (f"<cols>{widths}</cols>" if widths else "")
        + '<sheetData><row r="1">',
        *column_cells(list(sheet.header), HEADER_STYLE),
        "</row>",
        *rows,
        f'</sheetData><autoFilter ref="{filter_range(sheet, len(rows)).replace("$", "")}"/></worksheet>',
    ]
    return "".join(parts).encode("utf-8"), len(rows)


def workbook_bytes(sheets: list[Sheet], created: dt.datetime, title: str = "") -> bytes:
    """The .xlsx file; the same sheets and date always give the same bytes."""
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    sheet_entries = "".join(
        f'<sheet name={quoteattr(xml_text(sheet.name))} sheetId="{index}" r:id="rId{index}"/>' for index, sheet in enumerate(sheets, start=1)
    )
    worksheets = [sheet_xml(sheet) for sheet in sheets]
    # Excel and LibreOffice take a sheet's filter range from this hidden name.
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">{xml_text(quoted_sheet(sheet.name))}!{filter_range(sheet, row_count)}</definedName>'
        for index, (sheet, (_, row_count)) in enumerate(zip(sheets, worksheets))
    )
    members = [
        (
            "[Content_Types].xml",
            f'<Types xmlns="{CONTENT_TYPES}"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{SPREADSHEET_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{SPREADSHEET_TYPE}.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{index}.xml" ContentType="{SPREADSHEET_TYPE}.worksheet+xml"/>'
                for index in range(1, len(sheets) + 1)
            )
            + "</Types>",
        ),
        (
            "_rels/.rels",
            f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            "</Relationships>",
        ),
        (
            "docProps/core.xml",
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{xml_text(title)}</dc:title><dc:language>vi</dc:language>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>',
        ),
        ("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>{sheet_entries}</sheets><definedNames>{filters}</definedNames></workbook>'),
        (
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            + "".join(
                f'<Relationship Id="rId{index}" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet{index}.xml"/>'
                for index in range(1, len(sheets) + 1)
            )
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/></Relationships>',
        ),
        ("xl/styles.xml", STYLES),
    ]
    parts = [(f"xl/worksheets/sheet{index}.xml", content) for index, (content, _) in enumerate(worksheets, start=1)]
    return fixed_zip([(name, content.encode("utf-8")) for name, content in members] + parts)


def quoted_sheet(name: str) -> str:
    """A sheet's name as a formula refers to it: 'Giới thiệu'."""
    return "'" + name.replace("'", "''") + "'"
