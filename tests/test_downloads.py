"""Downloads journalists can trust: they equal the validated input, hashes hold, the package validates."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from frictionless import validate as frictionless_validate

from scripts.common.formatting import filesize
from scripts.model.schema import FISCAL_YEAR, TEAM_ALLOCATIONS, Column, Table
from scripts.outputs import downloads
from scripts.outputs.archives import ZIP_TIME, fixed_zip
from scripts.validate import rules as validate

BASE_URL = "https://example.invalid"


def input_rows(data: Path, folder: str) -> pd.DataFrame:
    """Every staff CSV of one kind (teams or payments), as text, with its year: the validated input."""
    frames = [
        pd.read_csv(path, dtype=str, keep_default_na=False).assign(fiscal_year=path.parent.parent.name)
        for path in sorted(data.glob(f"allocations/*/{folder}/*.csv"))
    ]
    return pd.concat(frames, ignore_index=True)


def published(site: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(site / "du-lieu" / name, dtype=str, keep_default_na=False)


def same_rows(left: pd.DataFrame, right: pd.DataFrame, key: list[str]) -> None:
    columns = sorted(left.columns)
    assert sorted(right.columns) == columns
    ordered = [frame[columns].sort_values(key).reset_index(drop=True) for frame in (left, right)]
    pd.testing.assert_frame_equal(*ordered)


@pytest.mark.slow
def test_csv_downloads_round_trip_to_the_validated_input(sample_paths):
    site, data = sample_paths.output, sample_paths.data
    same_rows(published(site, "phan-bo-to.csv"), input_rows(data, "teams"), ["fiscal_year", "team_id", "month_from"])
    same_rows(published(site, "chi-tra.csv"), input_rows(data, "payments"), ["fiscal_year", "team_id", "month_from", "payment_date"])
    province = pd.concat(
        pd.read_csv(path, dtype=str, keep_default_na=False).assign(fiscal_year=path.parent.name)
        for path in sorted(data.glob("allocations/*/province.csv"))
    )
    same_rows(published(site, "du-toan-xa.csv"), province, ["fiscal_year", "commune_code"])
    assert published(site, "xa-phuong.csv")["code"].str.fullmatch(r"\d{5}").all()


@pytest.mark.slow
def test_xlsx_and_json_carry_codes_as_text_and_amounts_as_numbers(sample_paths):
    site = sample_paths.output / "du-lieu"
    csv_rows = published(sample_paths.output, "phan-bo-to.csv")
    sheet = pd.read_excel(site / "tat-ca.xlsx", sheet_name="phan-bo-to", dtype=object)
    assert sheet["commune_code"].map(type).eq(str).all() and sheet["commune_code"].eq(csv_rows["commune_code"]).all()
    assert sheet["amount_vnd"].map(type).eq(int).all()
    assert sheet["amount_vnd"].astype(str).tolist() == csv_rows["amount_vnd"].tolist()
    rows = json.loads((site / "tat-ca.json").read_text(encoding="utf-8"))["resources"]["phan-bo-to"]
    assert [row["team_id"] for row in rows] == csv_rows["team_id"].tolist()
    assert all(isinstance(row["amount_vnd"], int) and row["commune_code"].startswith("0") for row in rows)


def test_csv_is_utf8_without_bom_and_commune_files_hold_only_their_commune(tiny_site):
    folder = tiny_site / "du-lieu"
    for path in folder.rglob("*.csv"):
        assert not path.read_bytes().startswith(b"\xef\xbb\xbf"), path
    commune = published(tiny_site, "xa/phan-bo-to-01273-2025.csv")
    assert set(commune["commune_code"]) == {"01273"} and len(commune) == 3


def test_formula_injection_is_neutralised_in_text_cells_only():
    table = Table(
        "t",
        "",
        "",
        "",
        (
            Column("name", "text", "", ""),
            Column("code", "code", "", ""),
            Column("amount", "integer", "", ""),
            Column("secret", "text", "", "", public=False),
        ),
    )
    resource = downloads.Resource(table, "t", lambda dataset: [])
    rows = [{"name": payload, "code": "01273", "amount": -5, "secret": "x"} for payload in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "an toàn")]
    lines = list(csv.reader(io.StringIO(downloads.csv_bytes(resource, downloads.encode(resource, rows)).decode("utf-8"), newline="")))
    assert lines[0] == ["name", "code", "amount"]  # the non-public column never leaves
    assert [line[0] for line in lines[1:]] == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "an toàn"]
    assert {line[2] for line in lines[1:]} == {"-5"}  # numbers are never touched


def test_xlsx_never_stores_text_as_a_formula(tmp_path):
    from openpyxl import load_workbook

    resource = downloads.Resource(Table("t", "", "", "", (Column("name", "text", "", ""), Column("code", "code", "", ""))), "t", lambda d: [])
    rows = downloads.encode(
        resource,
        [{"name": "=HYPERLINK(\"http://x\")", "code": "01273"}, {"name": "<b>Tổ & \x0bbản</b>", "code": None}],
    )
    intro = downloads.Intro({"version": "1.0.0", "date": "2025-01-01"}, [], "https://example.invalid/", False).sheet("Sổ thử", [resource])
    content = downloads.xlsx_bytes([(resource, rows)], intro, downloads.dt.datetime(2025, 1, 1), "Sổ thử")
    (tmp_path / "t.xlsx").write_bytes(content)
    sheet = load_workbook(tmp_path / "t.xlsx")["t"]
    name, code = sheet[2]
    assert (name.value, name.data_type) == ('=HYPERLINK("http://x")', "s")
    assert (code.value, code.number_format) == ("01273", "@")
    # Markup is text; a character XML cannot carry is dropped rather than breaking the whole file.
    assert [cell.value for cell in sheet[3]] == ["<b>Tổ & bản</b>", None]


def test_downloads_are_byte_identical_across_runs(tiny_data, tmp_path):
    dataset = validate.run(tiny_data, tmp_path / "build")
    first = downloads.run(dataset, tiny_data / "releases", tmp_path / "a", BASE_URL).parent
    second = downloads.run(dataset, tiny_data / "releases", tmp_path / "b", BASE_URL).parent
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / p).read_bytes() == (second / p).read_bytes() for p in files)
    with zipfile.ZipFile(first / "files/du-lieu/tat-ca.zip") as bundle:
        assert bundle.testzip() is None  # every member's CRC holds
        assert {info.date_time for info in bundle.infolist()} == {ZIP_TIME}
        assert all(bundle.read(name) == (first / "files/du-lieu" / name).read_bytes() for name in bundle.namelist())
        assert "datapackage.json" in bundle.namelist() and "tat-ca.xlsx" in bundle.namelist()
    with zipfile.ZipFile(first / "files/du-lieu/tat-ca.xlsx") as workbook:
        assert {info.date_time for info in workbook.infolist()} == {ZIP_TIME}
        release_date = json.loads((first / "manifest.json").read_text(encoding="utf-8"))["date"]
        assert f">{release_date}T00:00:00Z</dcterms:modified>" in workbook.read("docProps/core.xml").decode()


def test_every_published_hash_and_size_holds(tiny_site):
    folder = tiny_site / "du-lieu"
    page = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "lxml")
    listed = {row.th.a["href"]: row.code.text for row in page.select("table.file-table tbody tr")}
    assert len(listed) > 10
    for href, sha256 in listed.items():
        assert hashlib.sha256((folder / href).read_bytes()).hexdigest() == sha256, href
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        content = (folder / resource["path"]).read_bytes()
        assert resource["bytes"] == len(content) and resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()


def test_download_links_show_format_and_vietnamese_size(tiny_site):
    page = tiny_site / "xa/01273/2025/index.html"
    links = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").select("ul.downloads li")
    assert len(links) == 3  # the allocations CSV, and the teams with their payments as CSV and XLSX
    for link in links:
        target = (page.parent / link.a["href"]).resolve()
        assert link.select_one(".file-meta").text == f"({target.suffix[1:].upper()}, {filesize(target.stat().st_size)})"
    home = BeautifulSoup((tiny_site / "index.html").read_text(encoding="utf-8"), "lxml")
    metas = [li.select_one(".file-meta").text for li in home.select("ul.downloads li")]
    assert {re.match(r"\((\w+), ", meta).group(1) for meta in metas} == {"CSV", "XLSX", "JSON"}
    assert filesize(42_000) == "41 KB" and filesize(1_250_000) == "1,2 MB"


def test_the_downloads_page_links_each_communes_files_from_its_row_by_format_and_size(tiny_site):
    """A row per commune and year, not per file: every commune file of the data package is linked once, from
    the row of its commune and year, by its format, with its size beside it."""
    page_path = tiny_site / "du-lieu/index.html"
    page = BeautifulSoup(page_path.read_text(encoding="utf-8"), "lxml")
    package = json.loads((tiny_site / "du-lieu/datapackage.json").read_text(encoding="utf-8"))
    titles = {resource["path"]: resource["title"] for resource in package["resources"] if resource["path"].startswith("xa/")}
    linked = []
    for row in page.select_one("#bang-theo-xa").find_parent("table").select("tbody tr"):
        name, year = row.th.get_text(strip=True), row.select_one("td.num").get_text(strip=True)
        for link in row.select("td.file-links a"):
            target = (page_path.parent / link["href"]).resolve()
            path = target.relative_to((tiny_site / "du-lieu").resolve()).as_posix()
            assert titles[path].endswith(f"{name}, năm {year}"), (path, name, year)
            assert link.contents[0].strip() == target.suffix[1:].upper()
            assert link.find_next_sibling("span", class_="file-meta").text == f"({filesize(target.stat().st_size)})"
            linked.append(path)
    assert sorted(linked) == sorted(titles)


def test_published_columns_are_the_public_schema_columns(tiny_site):
    for resource in downloads.RESOURCES:  # the per-commune table: tests/test_commune_downloads.py
        header = (tiny_site / "du-lieu" / f"{resource.slug}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == [column.name for column in resource.columns if column.public]
    assert downloads.TEAM_ALLOCATION_RESOURCE.columns == (FISCAL_YEAR, *TEAM_ALLOCATIONS.columns)


@pytest.mark.slow
def test_the_published_data_package_is_valid_frictionless(sample_site):
    report = frictionless_validate(sample_site / "du-lieu" / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])[:10]


def test_frictionless_catches_a_broken_foreign_key_and_a_wrong_hash(tiny_site, tmp_path):
    """The package check can fail: a team unknown to the teams table and edited bytes are both caught."""
    folder = shutil.copytree(tiny_site / "du-lieu", tmp_path / "du-lieu")
    payments = folder / "chi-tra.csv"
    payments.write_text(payments.read_text(encoding="utf-8").replace("01273-001", "01273-999"), encoding="utf-8")
    report = frictionless_validate(folder / "datapackage.json")
    errors = {error_type for error_type, in report.flatten(["type"])}
    assert {"foreign-key", "hash-count"} <= errors


def test_a_tiny_package_validates(tiny_site):
    report = frictionless_validate(tiny_site / "du-lieu" / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])[:10]


def test_a_zip_gives_back_every_member_byte_for_byte_under_its_utf8_name():
    members = [("xa/phân-bổ.csv", "mã,tên\r\n01273,Tổ “A”\r\n".encode() * 500), ("rỗng.txt", b""), ("a.json", b"{}")]
    with zipfile.ZipFile(io.BytesIO(fixed_zip(members))) as archive:
        assert archive.testzip() is None
        assert [(info.filename, archive.read(info)) for info in archive.infolist()] == members
        assert {(info.date_time, info.external_attr >> 16) for info in archive.infolist()} == {(ZIP_TIME, 0o100644)}


def test_unchanged_downloads_are_kept_and_a_run_cut_short_leaves_nothing_stale(tiny_data, tmp_path):
    """Files are compared by the hashes the last complete run wrote in its manifest, not read again;
    a run killed while writing leaves no manifest, so the next one writes every file."""
    dataset = validate.run(tiny_data, tmp_path / "build")
    manifest = downloads.run(dataset, tiny_data / "releases", tmp_path / "d", BASE_URL)
    files = manifest.parent / "files"
    inodes = {path: path.stat().st_ino for path in files.rglob("*") if path.is_file()}
    expected = {path: path.read_bytes() for path in inodes}
    downloads.run(dataset, tiny_data / "releases", tmp_path / "d", BASE_URL)
    assert {path: path.stat().st_ino for path in files.rglob("*") if path.is_file()} == inodes
    damaged = next(path for path in inodes if path.name == "phan-bo-to.csv")
    damaged.write_bytes(b"half written")  # as a run killed in the middle leaves it, with no manifest:
    manifest.unlink()
    downloads.run(dataset, tiny_data / "releases", tmp_path / "d", BASE_URL)
    assert {path: path.read_bytes() for path in files.rglob("*") if path.is_file()} == expected
