"""A commune page printed from Chromium: the table's header on every page, no sort arrows, no heading
left alone, no map; and the notice page printed on A4 ends with its table's last rows, not alone."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.browser

COMMUNE = "xa/01273/2025/"  # the sample's longest commune of 2025: 43 teams


def printed(browser_page, site_url: str, path: str) -> list[str]:
    """The page as Chromium prints it on A4 (tables.js has run: its sort buttons are in), page by page."""
    page = browser_page.page
    page.goto(site_url + path)
    page.wait_for_selector("button.sort")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    return [re.sub(r"\s+", " ", sheet.extract_text()) for sheet in PdfReader(io.BytesIO(pdf)).pages]


def test_a_printed_commune_page_repeats_its_table_header_and_prints_no_arrows(browser_page, site_url):
    pages = printed(browser_page, site_url, COMMUNE)
    page = browser_page.page
    styles = page.evaluate(
        """() => ({
            thead: getComputedStyle(document.querySelector('#cac-to ~ .table-scroll thead')).display,
            arrow: getComputedStyle(document.querySelector('button.sort .sort-arrow')).display,
            mapHeading: getComputedStyle(document.querySelector('#ban-do')).display,
            map: getComputedStyle(document.querySelector('.map')).display,
            headingBreak: getComputedStyle(document.querySelector('#cac-to')).breakAfter,
        })"""
    )
    assert styles == {"thead": "table-header-group", "arrow": "none", "mapHeading": "none", "map": "none", "headingBreak": "avoid"}
    assert not any(arrow in text for text in pages for arrow in "↕↑↓")
    assert "Vị trí trên bản đồ" not in " ".join(pages)


def test_a_printed_commune_page_has_its_table_header_on_every_page(browser_page, site_url):
    # A row of the teams table: its id, then its name (a finding names the team first, then its id).
    table_pages = [text for text in printed(browser_page, site_url, COMMUNE) if re.search(r"01273- ?\d{3} Tổ CĐSCĐ", text)]
    assert len(table_pages) > 1  # else this proves nothing about a header on every page
    assert all("Mã tổ Tên tổ" in text for text in table_pages)


def test_the_printed_notice_page_ends_with_its_whole_ending_not_the_qr_code_alone(browser_page, site_url):
    """Its last page once held a single sentence and the QR code."""
    page = browser_page.page
    page.goto(site_url + COMMUNE + "thong-bao/")
    page.emulate_media(media="print")
    sheets = [re.sub(r"\s+", " ", sheet.extract_text()) for sheet in PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True))).pages]
    assert len(sheets) > 1
    assert all(part in sheets[-1] for part in ("Dự toán tỉnh giao", "Nếu thấy số liệu chưa đúng", "Quét mã QR", "CHỦ TỊCH"))
