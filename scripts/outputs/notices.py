"""Reads build/dataset.json; writes the public notice of each commune and year, an A4 PDF, into the release.

Communes post their allocations at the office for at least 30 days: the notice (Thông báo công khai)
is the sheet they print. ``notice_content`` holds everything the notice says, as the strings it
prints; ``render`` lays them out with ReportLab's canvas in a Vietnamese subset of DejaVu Sans
(fonts/), parsed once per process: about 10 ms a notice on one core with ReportLab's C accelerator
(fpdf2 took 80 ms, most of it re-subsetting the fonts with fontTools for every file). The web page of
the same notice is theme/templates/notice.html; tests/test_notice.py holds the two in step, field by
field.

Missing PDFs are rendered in the publish's background pool, and only when their inputs change: each
is kept in build/cache/notices/ under ``cache.key`` of its content (the key covers all the code, the
fonts among it) and hard-linked into every release: without it, a one-cell republish would wait for
all 112 notices of the sample, over a second of one core. Output is byte-identical for the same input.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from concurrent.futures import Executor
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

import qrcode
from markupsafe import Markup
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from scripts.common import cache, system
from scripts.common.formatting import date_short, date_vi, mid_sentence, number, vnd
from scripts.model.dataset import Contact
from scripts.model.urls import commune_url, notice_pdf, public_url
from scripts.site.pages import SiteData, site_data

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = FONTS / "DejaVuSans-vi.ttf", FONTS / "DejaVuSans-Bold-vi.ttf"
COLUMNS = ("STT", "Tên tổ", "Thôn/xóm, tổ dân phố", "Số thành viên", "Số tháng", "Kinh phí (₫)", "Đã chi (₫)", "Lần chi gần nhất")
WIDTHS = (8, 38, 32, 13, 11, 23.5, 23.5, 21)  # millimetres; 170 mm between A4 margins
TEXT_COLUMNS = (1, 2)  # left-aligned; the others are figures, right-aligned
TABLE_SIZE = 8.5  # points: a team's name, its village, an amount and a date each fit their column on one line
LINE = 4.5
KEEP_WITH_END = 3  # the table's last rows go over to a new page with the closing and signature, never those alone
PAGE_WIDTH, PAGE_HEIGHT = 210, 297  # A4; every length here is in millimetres from the top left corner
LEFT, TOP, BOTTOM = 20, 15, PAGE_HEIGHT - 15  # nothing but the page number goes below BOTTOM
FOOTER = PAGE_HEIGHT - 12  # top of the page number's line
CONTENT = PAGE_WIDTH - 2 * LEFT
COLUMN_EDGES = tuple(accumulate(WIDTHS, initial=LEFT))
PAD = 1  # between a cell's or paragraph's edge and its text
POINT = 25.4 / 72
# Any of the 8 masks makes a valid code; qrcode's search for the lowest penalty score drew each code
# 8 times. 2 is the one it picks most often for the commune addresses.
QR_MASK = 2

# Binary streams as they are: ASCII85 makes them a quarter larger and costs a millisecond a notice.
rl_config.useA85 = 0
# Parsed once per process (forked workers inherit them); each PDF embeds the glyphs it uses, and
# asciiReadable=0 keeps ReportLab from adding all of ASCII to them: PDFs a third larger otherwise.
REGULAR_NAME, BOLD_NAME = "DejaVuSans-vi", "DejaVuSans-Bold-vi"
pdfmetrics.registerFont(TTFont(REGULAR_NAME, REGULAR, asciiReadable=0))
pdfmetrics.registerFont(TTFont(BOLD_NAME, BOLD, asciiReadable=0))


@lru_cache(maxsize=4096)
def qr_runs(text: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """A QR code as (size, ((x, y, length) of each horizontal run of dark modules)), for PDF and SVG
    alike; memoised, as a commune's notice page and its PDF draw the same address."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=QR_MASK)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append((start, y, x - start))
            x += 1
    return len(matrix), tuple(runs)


def qr_svg(text: str) -> Markup:
    """Jinja filter: an inline SVG QR code of ``text``, with a quiet zone of 4 modules."""
    size, runs = qr_runs(text)
    path = "".join(f"M{x + 4} {y + 4}h{length}v1h-{length}z" for x, y, length in runs)
    side = size + 8
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" class="qr" role="img" aria-label="Mã QR dẫn tới {text}">'
        '<rect width="{side}" height="{side}" fill="#fff"/><path d="{path}" fill="#000"/></svg>'
    ).format(side=side, text=text, path=path)


def notice_content(site: SiteData, fiscal_year: int, row: dict, base_url: str) -> dict:
    """Everything one notice prints, in order, as the strings it prints: ``render`` only lays them out.
    Plain JSON-able values, as they are the cache key too. theme/templates/notice.html prints the same
    notice as a web page; tests/test_notice.py holds the two in step, field by field."""
    year = site.year(fiscal_year)
    commune, province = row["full_name"], year["province_decision"]
    teams = [
        site.team_figures(fiscal_year, team)
        for team in sorted(site.teams_by_commune[fiscal_year, row["code"]], key=lambda team: team["team_id"])
    ]
    # Dated when its latest figures were published: the payments come out after the allocations.
    dated = max(year["published_on"], year["payments_published_on"] or "")
    contacts = site.dataset["contacts"]
    commune_decisions = "; ".join(f"số {d['number']} {date_vi(d['date'])}" for d in row["decisions"])
    return {
        "title": f"Thông báo công khai kinh phí Tổ chuyển đổi số cộng đồng – {commune} – năm {fiscal_year}",
        "author": f"Ủy ban nhân dân {commune}",
        "subject": f"Kinh phí hỗ trợ Tổ chuyển đổi số cộng đồng năm {fiscal_year}",
        "published_on": dated,
        "issuer": ["ỦY BAN NHÂN DÂN", commune.upper()],
        "motto": ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập – Tự do – Hạnh phúc"],
        "place_and_date": f"{commune}, {date_vi(dated)}",
        "sample": "DỮ LIỆU MẪU – số liệu từng tổ do máy sinh ra để thử nghiệm, không phải số liệu thật." if year["sample"] else "",
        "heading": "THÔNG BÁO CÔNG KHAI",
        "subheading": f"Kinh phí hỗ trợ Tổ chuyển đổi số cộng đồng năm {fiscal_year}",
        "grounds": [
            (
                f"Căn cứ Quyết định số {province['number']} {date_vi(province['date'])} của Ủy ban nhân dân {mid_sentence(site.province)} "
                f"giao dự toán kinh phí hỗ trợ Tổ chuyển đổi số cộng đồng năm {fiscal_year};"
            ),
            f"Căn cứ Quyết định {commune_decisions} của Ủy ban nhân dân {commune} phân bổ kinh phí cho các tổ;",
            (
                f"Ủy ban nhân dân {commune} thông báo công khai kinh phí hỗ trợ {number(len(teams))} "
                f"Tổ chuyển đổi số cộng đồng năm {fiscal_year} như sau:"
            ),
        ],
        "columns": list(COLUMNS),
        "rows": [
            [
                str(index), team["team_name"], team["village"], number(team["member_count"]), str(team["months"]),
                number(team["amount_vnd"]), number(team["paid_vnd"]), latest_payment(team["payments"]),
            ]
            for index, team in enumerate(teams, start=1)
        ],
        "total": ["", "Tổng cộng", "", number(row["member_count"]), "", number(row["teams_amount_vnd"]), number(row["paid_vnd"]), ""],
        "closing": [
            (
                f"Dự toán tỉnh giao: {vnd(row['allocated_vnd'])}. Đã phân bổ cho các tổ: {vnd(row['teams_amount_vnd'])}. "
                f"Chưa phân bổ: {vnd(row['unallocated_vnd'])}."
            ),
            (
                f"Đã chi cho các tổ: {vnd(row['paid_vnd'])}; còn {vnd(row['remaining_vnd'])} chưa chi"
                + (f", theo kết quả chi trả công bố {date_vi(year['payments_published_on'])}." if year["payments_published_on"] else ".")
            ),
            (
                f"Ngày công bố kinh phí phân bổ: {date_vi(year['published_on'])}. Thông báo này được niêm yết tại trụ sở Ủy ban nhân dân "
                f"{commune} ít nhất 30 ngày kể từ ngày thông báo."
            ),
        ],
        "contacts_heading": "Nếu thấy số liệu chưa đúng, xin phản ánh tới:",
        "contacts": [contact_line(contacts["communes"][row["code"]]), contact_line(contacts["province"])],
        "signature": ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "(Ký, ghi rõ họ tên và đóng dấu)"],
        "qr_caption": "Quét mã QR hoặc truy cập địa chỉ dưới đây để xem số liệu chi tiết và tải dữ liệu:",
        "url": public_url(base_url, commune_url(row["code"], fiscal_year)),
    }


def latest_payment(payments: list[dict]) -> str:
    return date_short(max(p["payment_date"] for p in payments)) if payments else "Chưa chi"


def contact_line(contact: Contact) -> str:
    """One office where citizens report a problem, as the notice prints it (theme/templates/notice.html too)."""
    line = f"{contact['office']}: điện thoại {contact['phone']}, thư điện tử {contact['email']}, địa chỉ {contact['address']}"
    return line + (" (thông tin liên hệ mẫu)." if contact["sample"] else ".")


def baseline(top: float, height: float, size: float) -> float:
    """Where text of ``size`` points sits in a band of ``height``: a little below the middle."""
    return top + height / 2 + 0.3 * size * POINT


class NumberedCanvas(Canvas):
    """Keeps every page until save(), so each footer can say 'Trang n/N' (ReportLab's usual recipe)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pages: list[dict] = []

    def showPage(self):
        self.pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        for number_of_page, page in enumerate(self.pages, start=1):
            self.__dict__.update(page)
            self.setFont(REGULAR_NAME, 8)
            page_number = f"Trang {number_of_page}/{len(self.pages)}"
            self.drawCentredString(PAGE_WIDTH / 2 * mm, (PAGE_HEIGHT - baseline(FOOTER, 5, 8)) * mm, page_number)
            super().showPage()
        super().save()


class Sheet:
    """A cursor going down the page in millimetres from the top edge, as the layout is written."""

    def __init__(self, canvas: Canvas):
        self.canvas = canvas
        self.name, self.size = REGULAR_NAME, 10
        self.start_page()

    def start_page(self) -> None:
        """A new page starts from the default graphics state: set what the layout relies on."""
        self.canvas.setLineWidth(0.2 * mm)
        self.canvas.setLineCap(2)  # square ends, so a grid's rules close its outer corners
        self.canvas.setFont(self.name, self.size)
        self.y = TOP

    def font(self, bold: bool, size: float) -> None:
        self.name, self.size = (BOLD_NAME if bold else REGULAR_NAME), size
        self.canvas.setFont(self.name, size)

    def width(self, text: str) -> float:
        return stringWidth(text, self.name, self.size) / mm

    def baseline(self, top: float, height: float) -> float:
        return baseline(top, height, self.size)

    def text(self, x: float, y: float, text: str, word_space: float = 0) -> None:
        """``text`` with its baseline at (x, y)."""
        self.canvas.drawString(x * mm, (PAGE_HEIGHT - y) * mm, text, wordSpace=word_space)

    def texts(self, lines: list[tuple[float, float, str, float]]) -> None:
        """Strings with their baselines at (x, y), each at a size in points, in one text object and the
        current font: drawString() makes and formats a whole text object for each."""
        text = self.canvas.beginText()
        text.setFont(self.name, self.size)
        for x, y, line, size in lines:
            if size != self.size:
                text.setFont(self.name, size)
            text.setTextOrigin(x * mm, (PAGE_HEIGHT - y) * mm)
            text.textOut(line)
            if size != self.size:
                text.setFont(self.name, self.size)
        self.canvas.drawText(text)

    def new_page(self) -> None:
        self.canvas.showPage()
        self.start_page()

    def wrap(self, text: str, width: float) -> list[str]:
        """Greedy line breaking at plain spaces only: simpleSplit also breaks at the no-break space
        that keeps '₫' with its amount. A word wider than the line overflows it."""
        space = self.width(" ")
        lines, line, used = [], "", 0.0
        for word in text.split(" "):
            size = self.width(word)
            if line and used + space + size > width:
                lines.append(line)
                line, used = word, size
            else:
                line, used = (f"{line} {word}", used + space + size) if line else (word, size)
        lines.append(line)
        return lines

    def line(self, text: str, height: float, align: str = "left") -> None:
        """One line of text across the content width; the cursor goes below it."""
        free = CONTENT - 2 * PAD - self.width(text)
        offset = {"left": 0, "center": free / 2, "right": free}[align]
        self.text(LEFT + PAD + offset, self.baseline(self.y, height), text)
        self.y += height

    def paragraph(self, text: str, height: float, x: float = LEFT, width: float = CONTENT, align: str = "justify", border: bool = False) -> None:
        """Wrapped text, one paragraph per line of ``text``; justified lines but each paragraph's last."""
        inner = width - 2 * PAD
        lines = []
        for paragraph in text.split("\n"):
            wrapped = self.wrap(paragraph, inner)
            lines += [(line, index == len(wrapped) - 1) for index, line in enumerate(wrapped)]
        if border:
            self.canvas.rect(x * mm, (PAGE_HEIGHT - self.y - height * len(lines)) * mm, width * mm, height * len(lines) * mm)
        for line, last in lines:
            if self.y + height > BOTTOM:
                self.new_page()
            free = inner - self.width(line)
            gaps = line.count(" ") + line.count("\xa0")  # ReportLab draws the no-break space as a space, so it stretches too
            if align == "center":
                self.text(x + PAD + free / 2, self.baseline(self.y, height), line)
            elif align == "justify" and not last and gaps:
                self.text(x + PAD, self.baseline(self.y, height), line, word_space=free * mm / gaps)
            else:
                self.text(x + PAD, self.baseline(self.y, height), line)
            self.y += height


def render(notice: dict, qr: tuple | None = None) -> bytes:
    """The PDF of ``notice_content``; ``qr``, ``qr_runs`` of its address, when the caller has it already."""
    published = dt.date.fromisoformat(notice["published_on"])
    out = io.BytesIO()
    # invariant: no clock and a fixed document ID, so the same notice gives the same bytes. Without
    # an initial font, every page would refer to Helvetica, which nothing here uses.
    canvas = NumberedCanvas(out, pagesize=A4, invariant=1, pageCompression=1, lang="vi", initialFontName=REGULAR_NAME, initialFontSize=10)
    canvas.setDateFormatter(lambda *_: f"D:{published:%Y%m%d}000000+00'00'")
    canvas.setTitle(notice["title"])
    canvas.setAuthor(notice["author"])
    canvas.setSubject(notice["subject"])
    canvas.setCreator("scripts/outputs/notices.py")
    sheet = Sheet(canvas)
    sheet.font(True, 10)
    half = CONTENT / 2
    sheet.paragraph("\n".join(notice["issuer"]), 5, width=half, align="center")
    left_end, sheet.y = sheet.y, TOP
    sheet.paragraph("\n".join(notice["motto"]), 5, x=LEFT + half, width=half, align="center")
    sheet.y = max(sheet.y, left_end) + 2
    sheet.font(False, 10)
    sheet.line(notice["place_and_date"], 6, align="right")
    if notice["sample"]:
        sheet.font(True, 10)
        sheet.paragraph(notice["sample"], 6, align="center", border=True)
    sheet.y += 3
    sheet.font(True, 14)
    sheet.line(notice["heading"], 8, align="center")
    sheet.font(True, 11)
    sheet.line(notice["subheading"], 6, align="center")
    sheet.y += 3
    sheet.font(False, 10)
    sheet.paragraph("\n".join(notice["grounds"]), 5)
    sheet.y += 2
    qr = qr or qr_runs(notice["url"])
    draw_table(sheet, notice, end_height(notice, qr))
    draw_end(sheet, notice, qr)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def draw_end(sheet: Sheet, notice: dict, qr: tuple) -> None:
    """What follows the table: the totals in words, where to report a problem, the QR code and the signature."""
    sheet.y += 3
    sheet.font(False, 10)
    sheet.paragraph("\n".join(notice["closing"]), 5)
    sheet.y += 2
    sheet.font(True, 10)
    sheet.paragraph(notice["contacts_heading"], 5)
    sheet.font(False, 9)
    sheet.paragraph("\n".join(f"– {line}" for line in notice["contacts"]), 4.5)
    draw_qr_and_signature(sheet, notice, qr)


def end_height(notice: dict, qr: tuple) -> float:
    """How tall ``draw_end`` draws, measured by drawing it on a page of its own that is thrown away."""
    sheet = Sheet(Canvas(io.BytesIO(), pagesize=A4, initialFontName=REGULAR_NAME))
    draw_end(sheet, notice, qr)
    return sheet.y - TOP


def draw_table(sheet: Sheet, notice: dict, end: float) -> None:
    """The table; its last rows and total start a new page unless they and the ``end`` (mm) after them fit on this one."""
    edges: list[float] = []  # tops and bottoms of the rows on the current page
    sheet.font(True, TABLE_SIZE)
    draw_row(sheet, notice["columns"], edges)
    sheet.font(False, TABLE_SIZE)
    last = len(notice["rows"]) - KEEP_WITH_END
    for index, row in enumerate(notice["rows"]):
        if index == max(last, 1):  # never before the first row: the headings would stand alone
            tail = sum(row_height(sheet, cells) for cells in notice["rows"][index:]) + row_height(sheet, notice["total"], True)
            if sheet.y + tail + end > BOTTOM:
                next_table_page(sheet, edges, notice["columns"])
        draw_row(sheet, row, edges, notice["columns"])
    sheet.font(True, TABLE_SIZE)
    draw_row(sheet, notice["total"], edges, notice["columns"])
    draw_rules(sheet, edges)


def next_table_page(sheet: Sheet, edges: list[float], columns: list[str] | None) -> None:
    """Close this page's part of the table and go on on a new page, under the ``columns`` headings again
    (none when the row to come is those headings), in the font the rows were in."""
    draw_rules(sheet, edges)
    edges.clear()
    sheet.new_page()
    if columns is not None:
        bold = sheet.name == BOLD_NAME
        sheet.font(True, TABLE_SIZE)
        draw_row(sheet, columns, edges)
        sheet.font(bold, TABLE_SIZE)


def draw_rules(sheet: Sheet, edges: list[float]) -> None:
    """The borders of the table's rows on one page, as one grid: a rectangle per cell was six times
    the drawing operators, each number of which ReportLab formats in Python."""
    if edges:
        sheet.canvas.grid([x * mm for x in COLUMN_EDGES], [(PAGE_HEIGHT - y) * mm for y in edges])


def cell_lines(sheet: Sheet, cells: list[str]) -> list[list[tuple[str, float]]]:
    """Each cell's lines with their widths, in the current font: wrapped only when it overflows its column."""
    lines = []
    for text, width in zip(cells, WIDTHS):
        size = sheet.width(text)
        lines.append([(text, size)] if size <= width - 2 * PAD else [(line, sheet.width(line)) for line in sheet.wrap(text, width - 2 * PAD)])
    return lines


def lines_height(lines: list[list[tuple[str, float]]]) -> float:
    return LINE * max(len(cell) for cell in lines) + 1


def row_height(sheet: Sheet, cells: list[str], bold: bool = False) -> float:
    """The height ``draw_row`` gives ``cells`` in the table's font."""
    current = sheet.name == BOLD_NAME
    sheet.font(bold, TABLE_SIZE)
    height = lines_height(cell_lines(sheet, cells))
    sheet.font(current, TABLE_SIZE)
    return height


def draw_row(sheet: Sheet, cells: list[str], edges: list[float], columns: list[str] | None = None) -> None:
    """One table row; wraps only the cells that overflow. A row that does not fit starts a new page,
    under the ``columns`` headings again; without ``columns``, the row is those headings."""
    heading = columns is None
    lines = cell_lines(sheet, cells)
    height = lines_height(lines)
    if sheet.y + height > BOTTOM:
        next_table_page(sheet, edges, columns)
    y = sheet.y
    if not edges:
        edges.append(y)
    texts = []
    for index, (cell, left, width) in enumerate(zip(lines, COLUMN_EDGES, WIDTHS)):
        for number_of_line, (text, size) in enumerate(cell):
            if not text:
                continue
            # A word wider than its column (no space to break it at) is made smaller to fit, never over the next cell.
            scale = min(1, (width - 2 * PAD) / size)
            free = width - 2 * PAD - size * scale
            offset = free / 2 if heading else (0 if index in TEXT_COLUMNS else free)
            texts.append((left + PAD + offset, sheet.baseline(y + 0.5 + number_of_line * LINE, LINE), text, sheet.size * scale))
    sheet.texts(texts)
    sheet.y = y + height
    edges.append(sheet.y)


def draw_qr_and_signature(sheet: Sheet, notice: dict, qr: tuple, side: float = 28) -> None:
    """Side by side: on the left, the QR code to the commune page (``qr_runs``) with its address in words
    under it, for those without a phone; on the right, as on every administrative document, the commune's
    signature and stamp with room to sign."""
    size, runs = qr
    half = CONTENT / 2
    sheet.y += 4
    top = sheet.y
    module = side / size
    canvas = sheet.canvas
    canvas.saveState()
    # In module units, y going down: each run is four small integers written as they are, where a
    # path's rect() would format every number through ReportLab's Python float formatter.
    canvas.transform(module * mm, 0, 0, -module * mm, LEFT * mm, (PAGE_HEIGHT - top) * mm)
    canvas.addLiteral("".join(f"{x} {y} {length} 1 re " for x, y, length in runs) + "f")
    canvas.restoreState()
    sheet.font(False, 8.5)
    sheet.paragraph(notice["qr_caption"], 4.2, x=LEFT + side + 3, width=half - side - 3, align="left")
    sheet.y = max(sheet.y, top + side) + 1
    sheet.paragraph(notice["url"], 4.2, width=half, align="left")
    left_end, sheet.y = sheet.y, top
    title, role, note = notice["signature"]
    sheet.font(True, 10)
    sheet.paragraph(f"{title}\n{role}", 5, x=LEFT + half, width=half, align="center")
    sheet.font(False, 9)
    sheet.paragraph(note, 4.5, x=LEFT + half, width=half, align="center")
    sheet.y = max(sheet.y + 22, left_end)  # room for the signature and the stamp


def cache_key(notice: dict) -> str:
    """The notice's entry in the cache: its content and all the code that draws and formats it."""
    return cache.key(json.dumps(notice, ensure_ascii=False, sort_keys=True))


class Rendering:
    """The notices missing from the cache, rendered in the background while the site is built.

    Started right after validation, in ``pool`` (``render`` needs only the dataset); ``install`` waits
    for the renders.
    """

    def __init__(self, dataset_path: Path, base_url: str, build_dir: Path, pool: Executor):
        site = site_data(dataset_path)
        self.store = cache.Store(build_dir, "notices")
        self.targets: dict[str, list[str]] = {}
        missing: dict[str, dict] = {}
        for fiscal_year in site.year_numbers:
            for row in site.commune_rows[fiscal_year]:
                notice = notice_content(site, fiscal_year, row, base_url)
                key = cache_key(notice)
                self.targets.setdefault(key, []).append(notice_pdf(row["code"], fiscal_year))
                if not (self.store.folder / key).is_file():
                    missing[key] = notice
        # Each QR code is made here, where the notice page's HTML finds it memoised, not a second time in the worker.
        self.pending = {key: pool.submit(render, notice, qr_runs(notice["url"])) for key, notice in missing.items()}

    def install(self, release: Path) -> dict[str, int]:
        """Wait for the renders, then link every notice into ``release``; return {'rendered': n, 'cached': n}.

        Hard links, not copies: the store writes an entry once, by a rename, and never changes it."""
        for key, future in self.pending.items():
            self.store.put(key, future.result())
        for key, paths in self.targets.items():
            for path in paths:
                (release / path).parent.mkdir(parents=True, exist_ok=True)
                os.link(self.store.folder / key, release / path)
        self.store.keep_only(set(self.targets))
        return {"rendered": len(self.pending), "cached": sum(map(len, self.targets.values())) - len(self.pending)}

    def paths(self) -> list[str]:
        """Where ``install`` puts the notices, in the release."""
        return [path for paths in self.targets.values() for path in paths]


def run(dataset_path: Path, release: Path, base_url: str, build_dir: Path) -> dict[str, int]:
    """Write every commune's notice PDF into ``release``; return {'rendered': n, 'cached': n}."""
    with system.process_pool(system.cores()) as pool:
        return Rendering(dataset_path, base_url, build_dir, pool).install(release)
