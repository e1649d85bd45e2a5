"""The public notice says the same on the web (theme/templates/notice.html) and on paper (the PDF of
scripts/outputs/notices.py), field by field; and its PDF cache never serves a notice made by other code."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bs4 import BeautifulSoup
from pypdf import PdfReader

from scripts.common import cache
from scripts.outputs import notices
from scripts.site.pages import SiteData, notice_pdf
from scripts.validate import rules as validate

BASE_URL = "https://kinhphi-cdscd.caobang.gov.vn"
# In both, in this order; the PDF adds the sample banner (the web page has the site's own) and page numbers.
FIELDS = (
    "issuer", "motto", "place_and_date", "heading", "subheading", "grounds", "columns", "rows", "total", "closing",
    "contacts_heading", "contacts", "qr_caption", "url", "signature",
)


def text(element) -> str:
    """Text as a reader sees it: runs of spaces and line breaks made one space; no-break spaces kept."""
    return re.sub(r"[ \t\r\n]+", " ", element if isinstance(element, str) else element.get_text()).strip()


def lines(element) -> list[str]:
    """The lines of an element broken by <br>."""
    return [text(piece) for piece in element.get_text("\n").split("\n") if piece.strip()]


def web_notice(page: Path) -> dict:
    sheet = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").select_one("article.notice-sheet")
    issuer, motto = sheet.select(".notice-head p")
    table = sheet.select_one(".table-scroll")
    caption, address = lines(sheet.select_one(".notice-qr p"))
    return {
        "issuer": lines(issuer),
        "motto": lines(motto),
        "place_and_date": text(sheet.select_one(".notice-date")),
        "heading": text(sheet.h1.find(string=True, recursive=False)),
        "subheading": text(sheet.h1.select_one(".subtitle")),
        "grounds": [text(p) for p in reversed(table.find_previous_siblings("p")) if "notice-date" not in p.get("class", [])],
        "columns": [text(cell) for cell in table.select("thead th")],
        "rows": [[text(cell) for cell in row.find_all(["td", "th"])] for row in table.select("tbody tr")],
        "total": [text(cell) for cell in table.select("tfoot tr > *") if text(cell)],
        "closing": [text(p) for p in table.find_next_siblings("p")],
        "contacts_heading": text(sheet.select_one(".notice-contacts p")),
        "contacts": [text(item) for item in sheet.select(".notice-contacts li")],
        "qr_caption": caption,
        "url": address,
        "signature": lines(sheet.select_one(".notice-signature")),
    }


def printed(notice: dict) -> dict:
    """``notices.notice_content``'s fields that the web page prints too."""
    fields = {field: notice[field] for field in FIELDS}
    return {**fields, "total": [cell for cell in notice["total"] if cell]}


def pdf_text(path: Path, columns: list[str]) -> str:
    """The PDF's text, without the page numbers and the table headings repeated on a new page; the
    PDF draws a no-break space as a space, which is what pypdf reads back."""
    pages = PdfReader(path).pages
    kept = []
    for number, page in enumerate(pages, start=1):
        page_text = text(page.extract_text()).removesuffix(f"Trang {number}/{len(pages)}").strip()
        if number > 1:
            page_text = page_text.removeprefix(" ".join(columns)).strip()
        kept.append(page_text)
    return text(" ".join(kept).replace("\xa0", " "))


def in_order(notice: dict) -> str:
    """Every string the PDF prints, in the order it prints them."""
    strings = [*notice["issuer"], *notice["motto"], notice["place_and_date"], notice["sample"], notice["heading"], notice["subheading"]]
    strings += [*notice["grounds"], *notice["columns"], *(cell for row in notice["rows"] for cell in row)]
    strings += [*notice["total"], *notice["closing"], notice["contacts_heading"], *(f"– {line}" for line in notice["contacts"])]
    strings += [notice["qr_caption"], notice["url"], *notice["signature"]]
    return text(" ".join(strings).replace("\xa0", " "))


def compare_notices(site_dir: Path, longest_only: bool = False) -> int:
    """Compare each commune's notice of each year, or only each year's longest one; return how many."""
    site = SiteData(json.loads((site_dir.parent / "build" / "dataset.json").read_text(encoding="utf-8")))
    compared = 0
    for year in site.year_numbers:
        rows = site.commune_rows[year]
        for row in [max(rows, key=lambda row: row["team_count"])] if longest_only else rows:
            notice = notices.notice_content(site, year, row, BASE_URL)
            pdf = site_dir / notice_pdf(row["code"], year)
            assert web_notice(pdf.parent / "index.html") == printed(notice), pdf
            # Nothing on paper that the content does not hold, and all of it, in order.
            assert pdf_text(pdf, notice["columns"]) == in_order(notice), pdf
            compared += 1
    return compared


def test_the_web_notice_and_the_pdf_print_the_same_fields(tiny_site):
    """With every hostile string the tiny dataset holds."""
    assert compare_notices(tiny_site) == 2


def test_a_notice_over_two_pages_prints_the_same_on_the_web_and_on_paper(sample_site):
    """Each year's longest notice of the sample: its table goes on over a second page."""
    assert compare_notices(sample_site, longest_only=True) == 2


def test_a_change_to_the_code_is_never_served_from_the_cache(tiny_data, tmp_path, monkeypatch):
    """The PDF cache's key once listed notices.py and the fonts, not the formatter: after a change to
    formatting.vnd all 112 notices of the sample kept the old money format. It keys through
    common/cache.key now, on all of the code."""
    dataset = validate.run(tiny_data, tmp_path / "work")
    build = tmp_path / "build"
    assert notices.run(dataset, tmp_path / "before", BASE_URL, build) == {"rendered": 2, "cached": 0}
    # Code that draws the same content differently: every notice is drawn again.
    monkeypatch.setattr(cache, "code_digest", lambda: "other code")
    assert notices.run(dataset, tmp_path / "redrawn", BASE_URL, build) == {"rendered": 2, "cached": 0}
    # The money format of the bug, changed: the republished notices equal a clean build's.
    monkeypatch.setattr(notices, "vnd", lambda amount: f"{amount:,} đồng")
    notices.run(dataset, tmp_path / "after", BASE_URL, build)
    notices.run(dataset, tmp_path / "clean", BASE_URL, tmp_path / "clean-build")
    after = sorted((tmp_path / "after").rglob("*.pdf"))
    assert len(after) == 2
    for path in after:
        assert path.read_bytes() == (tmp_path / "clean" / path.relative_to(tmp_path / "after")).read_bytes()
        assert "đồng" in text(PdfReader(path).pages[0].extract_text())


def test_no_notice_pdf_ends_on_a_page_that_holds_only_its_ending(sample_site):
    """A notice's second page once held a single sentence and the QR code: now the table's last rows go over
    with the ending, so the last page of every multi-page notice holds them, the contacts and the signature."""
    site = SiteData(json.loads((sample_site.parent / "build" / "dataset.json").read_text(encoding="utf-8")))
    multi_page = 0
    for year in site.year_numbers:
        for row in site.commune_rows[year]:
            pages = PdfReader(sample_site / notice_pdf(row["code"], year)).pages
            if len(pages) == 1:
                continue
            multi_page += 1
            last = text(pages[-1].extract_text())
            teams = sorted(site.teams_by_commune[year, row["code"]], key=lambda team: team["team_id"])
            for team in teams[-notices.KEEP_WITH_END:]:
                assert team["team_name"] in last, (row["code"], year)
            assert "Tổng cộng" in last and "Nếu thấy số liệu chưa đúng" in last and "CHỦ TỊCH" in last
    assert multi_page > 0
