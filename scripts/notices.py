"""Stage 4b: the public notice (Thông báo công khai) of each commune and year, as an A4 PDF.

Communes post their allocations at the office for at least 30 days; this is the sheet they print.
fpdf2 (pure Python) with a Vietnamese subset of DejaVu Sans (scripts/fonts/) writes one in about
0.1 s on one core (half of it embedding the fonts), so missing ones are rendered on every core, and
only when their inputs change: each is kept in a cache named by the hash of its content, this module
and the fonts, and copied into every release. Output is byte-identical for the same input.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import qrcode
from fpdf import FPDF
from markupsafe import Markup

from scripts.formatting import date_vi, number, vnd
from scripts.pages import SiteData, commune_url, notice_pdf

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = FONTS / "DejaVuSans-vi.ttf", FONTS / "DejaVuSans-Bold-vi.ttf"
COLUMNS = ("STT", "Tên tổ", "Thôn/xóm, tổ dân phố", "Số thành viên", "Số tháng", "Kinh phí (₫)")
WIDTHS = (10, 52, 46, 20, 14, 28)  # millimetres; 170 mm between A4 margins
LINE = 4.5


def public_url(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}/{path}"


def qr_runs(text: str) -> tuple[int, list[tuple[int, int, int]]]:
    """A QR code as (size, [(x, y, length) of each horizontal run of dark modules]), for PDF and SVG alike."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
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
    return len(matrix), runs


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
    """Everything one notice prints, as plain JSON-able values (also the cache key)."""
    year = site.year(fiscal_year)
    teams = sorted(site.teams_by_commune[fiscal_year, row["code"]], key=lambda team: team["team_id"])
    return {
        "commune": row["full_name"],
        "fiscal_year": fiscal_year,
        "sample": year["sample"],
        "province_decision": year["province_decision"],
        "decisions": row["decisions"],
        "teams": [[t["team_name"], t["village"], t["member_count"], t["months"], t["amount_vnd"]] for t in teams],
        "member_count": row["member_count"],
        "allocated_vnd": row["allocated_vnd"],
        "teams_amount_vnd": row["teams_amount_vnd"],
        "unallocated_vnd": row["unallocated_vnd"],
        "published_on": year["published_on"],
        "url": public_url(base_url, commune_url(row["code"], fiscal_year)),
    }


class NoticePDF(FPDF):
    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.cell(0, 5, f"Trang {self.page_no()}/{{nb}}", align="C")


def render(notice: dict) -> bytes:
    published = dt.date.fromisoformat(notice["published_on"])
    pdf = NoticePDF(format="A4")
    pdf.set_margins(20, 15, 20)
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_creation_date(dt.datetime(published.year, published.month, published.day, tzinfo=dt.timezone.utc))
    pdf.set_producer("fpdf2")
    pdf.set_lang("vi")
    pdf.set_title(f"Thông báo công khai kinh phí Tổ chuyển đổi số cộng đồng – {notice['commune']} – năm {notice['fiscal_year']}")
    pdf.add_font("DejaVu", "", REGULAR)
    pdf.add_font("DejaVu", "B", BOLD)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 10)
    half = pdf.epw / 2
    top = pdf.get_y()
    pdf.multi_cell(half, 5, f"ỦY BAN NHÂN DÂN\n{notice['commune'].upper()}", align="C")
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.multi_cell(half, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập – Tự do – Hạnh phúc", align="C")
    pdf.set_font("DejaVu", "", 10)
    pdf.ln(2)
    pdf.cell(0, 6, f"{notice['commune']}, {date_vi(notice['published_on'])}", align="R", new_x="LMARGIN", new_y="NEXT")
    if notice["sample"]:
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(0, 6, "DỮ LIỆU MẪU – số liệu từng tổ do máy sinh ra để thử nghiệm, không phải số liệu thật.", border=1, align="C")
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(0, 8, "THÔNG BÁO CÔNG KHAI", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(0, 6, f"Kinh phí hỗ trợ Tổ chuyển đổi số cộng đồng năm {notice['fiscal_year']}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 10)
    province = notice["province_decision"]
    commune_decisions = "; ".join(f"số {d['number']} {date_vi(d['date'])}" for d in notice["decisions"])
    pdf.multi_cell(
        0,
        5,
        f"Căn cứ Quyết định số {province['number']} {date_vi(province['date'])} của Ủy ban nhân dân tỉnh Cao Bằng "
        f"giao dự toán kinh phí hỗ trợ Tổ chuyển đổi số cộng đồng năm {notice['fiscal_year']};\n"
        f"Căn cứ Quyết định {commune_decisions} của Ủy ban nhân dân {notice['commune']} phân bổ kinh phí cho các tổ;\n"
        f"Ủy ban nhân dân {notice['commune']} thông báo công khai kinh phí hỗ trợ {number(len(notice['teams']))} "
        f"Tổ chuyển đổi số cộng đồng năm {notice['fiscal_year']} như sau:",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    draw_table(pdf, notice)
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(
        0,
        5,
        f"Dự toán tỉnh giao: {vnd(notice['allocated_vnd'])}. Đã phân bổ cho các tổ: {vnd(notice['teams_amount_vnd'])}. "
        f"Chưa phân bổ: {vnd(notice['unallocated_vnd'])}.\n"
        f"Ngày công bố: {date_vi(notice['published_on'])}. Thông báo này được niêm yết tại trụ sở Ủy ban nhân dân "
        f"{notice['commune']} ít nhất 30 ngày kể từ ngày công bố.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    draw_qr(pdf, notice["url"])
    return bytes(pdf.output())


def draw_table(pdf: FPDF, notice: dict) -> None:
    rows = [
        (str(index), name, village, number(members), str(months), vnd(amount))
        for index, (name, village, members, months, amount) in enumerate(notice["teams"], start=1)
    ]
    pdf.set_font("DejaVu", "B", 9)
    draw_row(pdf, COLUMNS, heading=True)
    pdf.set_font("DejaVu", "", 9)
    for row in rows:
        draw_row(pdf, row)
    pdf.set_font("DejaVu", "B", 9)
    draw_row(pdf, ("", "Tổng cộng", "", number(notice["member_count"]), "", vnd(notice["teams_amount_vnd"])))


def draw_row(pdf: FPDF, cells: tuple[str, ...], heading: bool = False) -> None:
    """One bordered table row; wraps only cells that overflow (fpdf2's table() is ~10× slower)."""
    lines = [
        [text] if pdf.get_string_width(text) <= width - 2 else pdf.multi_cell(width, LINE, text, dry_run=True, output="LINES")
        for text, width in zip(cells, WIDTHS)
    ]
    height = LINE * max(len(cell) for cell in lines) + 1
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
        if not heading:
            style = pdf.font_style
            pdf.set_font("DejaVu", "B", 9)
            draw_row(pdf, COLUMNS, heading=True)
            pdf.set_font("DejaVu", style, 9)
    x, y = pdf.l_margin, pdf.get_y()
    for index, (cell, width) in enumerate(zip(lines, WIDTHS)):
        pdf.rect(x, y, width, height)
        for number_of_line, text in enumerate(cell):
            # pdf.text() skips cell()'s line-breaking machinery: half the time of a notice
            free = width - 2 - pdf.get_string_width(text)
            offset = free / 2 if heading else (0 if index in (1, 2) else free)
            pdf.text(x + 1 + offset, y + 0.5 + (number_of_line + 0.78) * LINE, text)
        x += width
    pdf.set_xy(pdf.l_margin, y + height)


def draw_qr(pdf: FPDF, url: str, side: float = 30) -> None:
    """The QR code to the commune page, with the address in words beside it for those without a phone."""
    size, runs = qr_runs(url)
    if pdf.get_y() + side + 8 > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(4)
    left, top, module = pdf.l_margin, pdf.get_y(), side / size
    pdf.set_fill_color(0)
    for x, y, length in runs:
        pdf.rect(left + x * module, top + y * module, length * module, module, style="F")
    pdf.set_xy(left + side + 5, top)
    pdf.multi_cell(pdf.epw - side - 5, 5, f"Quét mã QR hoặc truy cập địa chỉ dưới đây để xem số liệu chi tiết và tải dữ liệu:\n{url}")


def fingerprint(notice: dict) -> str:
    digest = hashlib.sha256(json.dumps(notice, ensure_ascii=False, sort_keys=True).encode())
    for path in (Path(__file__), REGULAR, BOLD):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run(dataset_path: Path, release: Path, base_url: str, cache: Path) -> dict[str, int]:
    """Write every commune's notice PDF into ``release``; return {'rendered': n, 'cached': n}.

    Missing PDFs are rendered on every core: fonts are subset per file, ~0.1 s each.
    """
    site = SiteData(json.loads(Path(dataset_path).read_text(encoding="utf-8")))
    cache.mkdir(parents=True, exist_ok=True)
    targets: dict[str, list[str]] = {}
    missing: dict[str, dict] = {}
    for fiscal_year in site.year_numbers:
        for row in site.commune_rows[fiscal_year]:
            notice = notice_content(site, fiscal_year, row, base_url)
            name = f"{fingerprint(notice)}.pdf"
            targets.setdefault(name, []).append(notice_pdf(row["code"], fiscal_year))
            if not (cache / name).exists():
                missing[name] = notice
    if missing:
        with ProcessPoolExecutor(max_workers=min(len(missing), os.cpu_count() or 1)) as pool:
            for name, content in zip(missing, pool.map(render, missing.values(), chunksize=8)):
                partial = cache / f"{name}.tmp"
                partial.write_bytes(content)
                partial.replace(cache / name)
    for name, paths in targets.items():
        for path in paths:
            (release / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cache / name, release / path)
    for stale in cache.glob("*.pdf"):
        if stale.name not in targets:
            stale.unlink()
    return {"rendered": len(missing), "cached": sum(map(len, targets.values())) - len(missing)}
