"""Every team page, commune page and notice says where to report a figure believed wrong: the commune's
People's Committee and the province's channel from data/reference/contacts.csv, and an e-mail prefilled
with the team or commune, the figures shown and the data version they are in."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from scripts.common.formatting import number, vnd
from scripts.ingest.read import normalise_text
from scripts.model.urls import commune_url, mailto, notice_url, team_url
from scripts.site.open_data import data_versions
from tests.helpers import read_rows


def contacts(data: Path) -> dict[str, dict[str, str]]:
    """contacts.csv's rows by code, their text as the reader normalises it (tone marks: "Uỷ" → "Ủy")."""
    header, *rows = read_rows(data / "reference" / "contacts.csv")
    return {row[0]: {name: normalise_text(cell) for name, cell in zip(header, row)} for row in rows}


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "lxml")


def report_section(soup: BeautifulSoup):
    section = soup.select_one("section.report-problem")
    assert section is not None
    return section


def prefilled(section) -> tuple[str, str, str]:
    """(address, subject, body) of the section's prefilled e-mail, as a mail program reads them."""
    link = urlsplit(section.select_one(".report-mail a")["href"])
    assert link.scheme == "mailto"
    query = parse_qs(link.query, strict_parsing=True)
    assert set(query) == {"subject", "body"}
    return unquote(link.path), query["subject"][0], query["body"][0]


@pytest.fixture(scope="module")
def version(tiny_site) -> str:
    return json.loads((tiny_site.parent / "build" / "downloads" / "manifest.json").read_text(encoding="utf-8"))["version"]


def test_a_team_page_names_the_commune_and_province_contacts_and_prefills_an_e_mail(tiny_site, version):
    dataset = json.loads((tiny_site.parent / "build" / "dataset.json").read_text(encoding="utf-8"))
    team = next(team for team in dataset["years"][-1]["teams"] if team["team_id"] == "01273-002")
    expected = contacts(tiny_site.parent / "data")
    section = report_section(page(tiny_site, team_url(team["team_id"])))
    text = section.get_text(" ")
    for code in ("01273", "tinh"):
        assert expected[code]["phone"] in text and expected[code]["email"] in text and expected[code]["address"] in text
    assert "(thông tin liên hệ mẫu)" in text  # the sample's placeholders say so
    assert {a["href"] for a in section.select(".contacts a")} >= {"tel:0000000001", "mailto:ubnd-01273@mau.example"}
    address, subject, body = prefilled(section)
    assert address == expected["01273"]["email"]
    assert team["team_id"] in subject
    assert f"{team['team_name']} (mã {team['team_id']})" in body  # a hostile name travels as text
    assert vnd(team["amount_vnd"]) in body
    assert f"Phiên bản dữ liệu: {version}" in body.splitlines()
    assert f"https://kinhphi-cdscd.caobang.gov.vn/{team_url(team['team_id'])}" in body
    assert "\r\n" in body and "\n" not in body.replace("\r\n", "")  # RFC 6068 line breaks


def test_a_commune_page_and_its_notice_prefill_the_commune_figures(tiny_site, version):
    for url in (commune_url("01786", 2025), notice_url("01786", 2025)):
        address, subject, body = prefilled(report_section(page(tiny_site, url)))
        assert address == "ubnd-01786@mau.example"
        assert "01786" in subject and "2025" in subject
        assert f"Phiên bản dữ liệu: {version}" in body


def test_the_mailto_link_percent_encodes_everything_reserved():
    link = mailto("a@b.example", "Tổ & co? #1", "dòng 1\ndòng 2 = 100%")
    address, query = link.removeprefix("mailto:").split("?")
    assert address == "a@b.example"
    names_and_values = [part.split("=") for part in query.split("&")]
    assert [name for name, _ in names_and_values] == ["subject", "body"]
    assert all(re.fullmatch(r"(?:[A-Za-z0-9._~-]|%[0-9A-F]{2})*", value) for _, value in names_and_values)
    assert parse_qs(query) == {"subject": ["Tổ & co? #1"], "body": ["dòng 1\r\ndòng 2 = 100%"]}


def release(version: str, kind: str, changes: list[tuple[str, str]]) -> dict:
    return {"version": version, "kind": kind, "changes": [{"kind": change, "commune_code": code} for change, code in changes]}


def test_a_commune_keeps_the_version_its_figures_last_changed_in():
    """A correction in one commune is a new release; the other communes' figures, and pages, stay as they were."""
    history = {
        "releases": [
            release("1.0.0", "initial", []),
            release("1.0.1", "patch", [("team_amount", "01273"), ("team_paid", "01273")]),
            release("1.1.0", "minor", [("year_added", "")]),
            release("1.1.1", "patch", [("commune_amount", "01786")]),
        ]
    }
    versions = data_versions(history)
    assert versions.of("01786") == "1.1.1"
    assert versions.of("01273") == versions.of("01290") == "1.1.0"
    assert data_versions({"releases": history["releases"][:2]}).of("01290") == "1.0.0"
    assert data_versions({"releases": history["releases"][:2]}).of("01273") == "1.0.1"


def test_the_notice_pdf_lists_each_team_s_payments_and_the_contacts(tiny_site):
    from tests.test_notice import pdf_text
    from scripts.outputs import notices
    from scripts.site.pages import SiteData

    site = SiteData(json.loads((tiny_site.parent / "build" / "dataset.json").read_text(encoding="utf-8")))
    expected = contacts(tiny_site.parent / "data")
    for row in site.commune_rows[2025]:
        pdf = tiny_site / notices.notice_pdf(row["code"], 2025)
        printed = pdf_text(pdf, list(notices.COLUMNS))
        for team in site.teams_by_commune[2025, row["code"]]:
            figures = site.team_figures(2025, team)
            latest = max((p["payment_date"] for p in figures["payments"]), default=None)
            cells = f"{number(figures['amount_vnd'])} {number(figures['paid_vnd'])} "
            cells += "Chưa chi" if latest is None else "/".join(reversed(latest.split("-")))
            assert cells in printed, team["team_id"]
        for code in (row["code"], "tinh"):
            assert expected[code]["phone"] in printed and expected[code]["email"] in printed
        assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in printed
