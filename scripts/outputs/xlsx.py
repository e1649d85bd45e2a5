"""Rows of cells → the bytes of an XLSX workbook: a minimal, streaming Office Open XML writer for plain tables.

openpyxl and XlsxWriter build a Python object per cell: writing the sample's ~56,000 rows took them
4.0 s and 2.9 s (measured, see scripts/outputs/downloads.py). Our tables need none of what that buys
(formulas, shared strings, charts), so sheets are written straight as XML text: ~7× faster, and
no clock in the bytes. Every string is an inline string, which a spreadsheet never reads as a
formula; text cells can also carry the text format "@" so that a user's edit keeps leading zeros.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from scripts.outputs.archives import fixed_zip

TEXT_STYLE, HEADER_STYLE = 1, 2  # indexes into cellXfs below; 0 is the default
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
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a bold, frozen header row, then rows, each given as its cells' XML (``column_cells``),
    so that a row shown in several workbooks is encoded once."""

    name: str
    header: tuple[str, ...]
    rows: Iterable[str]


def xml_text(value: str) -> str:
    return escape(ILLEGAL_XML.sub("", value))


def column_cells(values: list, style: int = 0) -> list[str]:
    """One column's cells from str, int, float or None (an empty cell); ``style`` for its text cells.
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
        else f"<c><v>{value!r}</v></c>"
        for value in values
    ]


def sheet_xml(sheet: Sheet) -> bytes:
    parts = [
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        '<sheetData><row r="1">',
        *column_cells(list(sheet.header), HEADER_STYLE),
        "</row>",
    ]
    parts += [f'<row r="{number}">{cells}</row>' for number, cells in enumerate(sheet.rows, start=2)]
    parts.append("</sheetData></worksheet>")
    return "".join(parts).encode("utf-8")


def workbook_bytes(sheets: list[Sheet], created: dt.datetime, title: str = "") -> bytes:
    """The .xlsx file; the same sheets and date always give the same bytes."""
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    sheet_entries = "".join(
        f'<sheet name={quoteattr(xml_text(sheet.name))} sheetId="{index}" r:id="rId{index}"/>' for index, sheet in enumerate(sheets, start=1)
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
        ("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>{sheet_entries}</sheets></workbook>'),
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
    worksheets = [(f"xl/worksheets/sheet{index}.xml", sheet_xml(sheet)) for index, sheet in enumerate(sheets, start=1)]
    return fixed_zip([(name, content.encode("utf-8")) for name, content in members] + worksheets)
