"""Releases never erase the past: a correction is a PATCH with an exact change log, a new year a MINOR,
old files stay downloadable, old permalinks keep a page, and invalid data makes no release."""

from __future__ import annotations

import hashlib
import json
import shutil
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from jsonschema import Draft202012Validator

from scripts.outputs import downloads, releases
from scripts.publish import pipeline as publish
from scripts.site.pages import SiteData
from scripts.validate.rules import ValidationFailed
from tests.helpers import set_cell

ATOM = "{http://www.w3.org/2005/Atom}"


def index(paths: publish.Paths) -> list[tuple[str, str]]:
    return [(entry["version"], entry["kind"]) for entry in releases.load_index(paths.archive)]


def correct(data) -> None:
    """The second fixture dataset: one amount corrected, one team replaced by another."""
    teams = data / "allocations/2025/teams"
    set_cell(teams / "01273.csv", 2, "amount_vnd", "5000000")
    set_cell(teams / "01786.csv", 2, "team_id", "01786-002")
    set_cell(teams / "01786.csv", 2, "team_name", "Tổ CĐSCĐ thôn mẫu 02")


def change_rows(site) -> list[list[str]]:
    page = BeautifulSoup((site / "thay-doi/index.html").read_text(encoding="utf-8"), "lxml")
    section = page.find("h2", id="phien-ban-1-0-1").parent
    return [[" ".join(cell.get_text(" ").split()) for cell in row.find_all(["th", "td"])] for row in section.select("table")[0].tbody.find_all("tr")]


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory):
    from tests.conftest import FIXTURES, assemble_data

    root = tmp_path_factory.mktemp("releases")
    paths = publish.Paths(root, assemble_data(FIXTURES / "tiny", root / "data"))
    first = publish.publish(paths)
    kept = root / "first"
    shutil.copytree(first, kept)
    correct(paths.data)
    publish.publish(paths)
    return paths, kept


def test_the_publish_command_tells_staff_which_data_release_to_commit(tiny_data, tmp_path, monkeypatch, capsys):
    """README step 4: staff commit data/ with the release the publish recorded; the command says when there is one."""
    import tasks
    from invoke import Context

    monkeypatch.setattr(tasks, "PATHS", publish.Paths(tmp_path / "root", tiny_data))
    tasks.publish(Context())
    assert f"Phiên bản dữ liệu mới 1.0.0, ngày 2025-07-20, đã ghi vào {tiny_data / 'releases'}/1.0.0/: hãy commit thư mục data/" in capsys.readouterr().err
    tasks.publish(Context())
    assert "Dữ liệu không đổi: vẫn là phiên bản 1.0.0, ngày 2025-07-20." in capsys.readouterr().err
    correct(tiny_data)
    tasks.publish(Context())
    assert "Phiên bản dữ liệu mới 1.0.1" in capsys.readouterr().err


def test_a_correction_is_a_patch_release_with_the_exact_change_log(two_releases):
    paths, _ = two_releases
    assert index(paths) == [("1.0.0", "initial"), ("1.0.1", "patch")]
    assert change_rows(paths.output) == [
        ["2025", "Sửa kinh phí phân bổ cho tổ", "Tổ CĐSCĐ tổ dân phố mẫu 01 (01273-001, Phường Thục Phán)", "6.000.000 ₫", "5.000.000 ₫"],
        ["2025", "Bỏ tổ", "Tổ CĐSCĐ thôn mẫu 01 (01786-001, Xã Đông Khê)", "4.000.000 ₫", "–"],
        ["2025", "Thêm tổ", "Tổ CĐSCĐ thôn mẫu 02 (01786-002, Xã Đông Khê)", "–", "4.000.000 ₫"],
    ]


def test_the_feed_lists_every_release_newest_first(two_releases):
    paths, _ = two_releases
    feed = ET.parse(paths.output / "thay-doi/atom.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == ["Phiên bản 1.0.1: đính chính số liệu", "Phiên bản 1.0.0"]
    assert entries[0].find(f"{ATOM}id").text.endswith("/thay-doi/#phien-ban-1-0-1")
    assert feed.find(f"{ATOM}updated").text == entries[0].find(f"{ATOM}updated").text


def test_earlier_release_files_stay_downloadable_byte_for_byte(two_releases):
    paths, first = two_releases
    for name in ("phan-bo-to.csv", "du-toan-xa.csv", "chi-tra.csv"):
        old = (paths.output / "du-lieu/phien-ban/1.0.0" / name).read_bytes()
        assert old == (first / "du-lieu" / name).read_bytes()
        assert hashlib.sha256(old).hexdigest() == releases.load_index(paths.archive)[0]["files"][name]["sha256"]
    assert (paths.output / "du-lieu/phien-ban/1.0.1/phan-bo-to.csv").read_bytes() == (paths.output / "du-lieu/phan-bo-to.csv").read_bytes()


def test_permalinks_of_earlier_releases_never_break(two_releases):
    """Every team and commune page of the first release still answers; a removed team says so."""
    paths, first = two_releases
    old_pages = {p.relative_to(first) for p in first.glob("to/*/index.html")} | {p.relative_to(first) for p in first.glob("xa/**/index.html")}
    assert all((paths.output / page).is_file() for page in old_pages)
    gone = BeautifulSoup((paths.output / "to/01786-001/index.html").read_text(encoding="utf-8"), "lxml")
    assert gone.h1.text == "Tổ CĐSCĐ thôn mẫu 01"
    assert "phiên bản 1.0.0" in gone.main.get_text(" ") and gone.find("a", href="../../thay-doi/")


def test_same_data_makes_no_new_release_and_invalid_data_none_at_all(two_releases):
    paths, _ = two_releases
    publish.publish(paths)
    assert index(paths)[-1] == ("1.0.1", "patch") and len(index(paths)) == 2
    set_cell(paths.data / "allocations/2025/teams/01273.csv", 2, "amount_vnd", "năm triệu")
    with pytest.raises(ValidationFailed):
        publish.publish(paths)
    assert len(index(paths)) == 2


def test_a_new_fiscal_year_is_a_minor_release(tiny_data, tmp_path):
    paths = publish.Paths(tmp_path / "site", tiny_data)
    publish.publish(paths)
    shutil.copytree(tiny_data / "allocations/2025", tiny_data / "allocations/2026")
    publish.publish(paths)
    assert index(paths) == [("1.0.0", "initial"), ("1.1.0", "minor")]
    (added,) = releases.recorded_history(releases.Archive(paths.archive, {}), releases.load_index(paths.archive))[1].changes
    assert (added["kind"], added["fiscal_year"], added["teams"], added["new"]) == ("year_added", 2026, 3, 16_000_000)


def test_a_tampered_archive_is_refused(tiny_data, tmp_path):
    paths = publish.Paths(tmp_path / "site", tiny_data)
    publish.publish(paths)
    set_cell(paths.archive / "1.0.0/phan-bo-to.csv", 2, "amount_vnd", "1")
    correct(tiny_data)  # the change log of the next release must read the tampered files
    with pytest.raises(releases.ArchiveDamaged):
        publish.publish(paths)
    assert json.loads((paths.archive / "index.json").read_text(encoding="utf-8"))[-1]["version"] == "1.0.0"


def test_each_release_keeps_its_summary_beside_its_files_and_no_publish_parses_it_again(two_releases, monkeypatch):
    """``record`` writes what the change log needs from a release into its folder, once: a later publish
    reads it there, without parsing the release's CSVs or comparing it with the release before."""
    paths, _ = two_releases
    history, archive = releases.load_index(paths.archive), releases.Archive(paths.archive, {})
    previous = None
    for release in history:
        summary = releases.Summary.of(archive.files(release))
        expected = releases.Recorded(release["files"], summary, releases.changes(previous, summary) if previous else [])
        assert releases.Recorded.parse((paths.archive / release["version"] / releases.SUMMARY).read_bytes()) == expected
        previous = summary
    manifest = json.loads((paths.downloads / "manifest.json").read_text(encoding="utf-8"))
    monkeypatch.setattr(releases, "parse_table", lambda content: pytest.fail("an archived table was parsed again"))
    monkeypatch.setattr(releases, "changes", lambda old, new: pytest.fail("changes between archived releases were found again"))
    recorded = releases.recorded_history(archive, history)
    described = releases.describe(history, recorded, recorded[-1].summary)
    assert json.loads(json.dumps(described)) == manifest["history"]


def test_a_missing_or_foreign_release_summary_is_refused(two_releases, tmp_path):
    paths, _ = two_releases
    archive_dir = shutil.copytree(paths.archive, tmp_path / "releases")
    history, archive = releases.load_index(archive_dir), releases.Archive(archive_dir, {})
    shutil.copyfile(archive_dir / "1.0.0" / releases.SUMMARY, archive_dir / "1.0.1" / releases.SUMMARY)
    with pytest.raises(releases.ArchiveDamaged):
        releases.recorded_history(archive, history)
    (archive_dir / "1.0.1" / releases.SUMMARY).unlink()
    with pytest.raises(releases.ArchiveDamaged):
        releases.recorded_history(archive, history)


def test_the_committed_releases_summaries_are_those_of_their_files():
    """data/releases/ is committed with each release's summary: it must say what the release's files say."""
    from tests.conftest import ROOT

    archive_dir = ROOT / "data" / "releases"
    history, archive = releases.load_index(archive_dir), releases.Archive(archive_dir, {})
    previous = None
    for release, recorded in zip(history, releases.recorded_history(archive, history)):
        summary = releases.Summary.of(archive.files(release))
        assert recorded == releases.Recorded(release["files"], summary, releases.changes(previous, summary) if previous else [])
        previous = summary


def test_publishing_the_bundled_sample_records_no_release_of_its_own(sample_paths):
    """The Quick start publishes the sample as its committed release and leaves a fresh checkout clean. A change
    to how files are read that changes a published table must come with the sample's release recorded again."""
    from tests.conftest import ROOT

    def files(folder):
        return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}

    committed, published = files(ROOT / "data" / "releases"), files(sample_paths.archive)
    assert sorted(published) == sorted(committed)
    assert [name for name in committed if published[name] != committed[name]] == []


def test_a_builds_own_summary_is_the_one_its_csvs_give_back(two_releases):
    """The change log summarises this build's tables from their rows, without parsing its own CSVs back."""
    paths, _ = two_releases
    dataset = downloads.read_dataset(paths.work / "dataset.json")
    dataset["years"][0]["teams"][0]["team_name"] = '=HYPERLINK("x")'  # neutralised in the CSV, restored when read
    chunks, files = downloads.table_files(SiteData(dataset))
    from_csv = releases.Summary.of({file.path: file.content for file in files})
    assert any(team["name"] == '=HYPERLINK("x")' for team in from_csv.allocations.values())
    assert releases.Archive(paths.archive, {}, downloads.summary_tables(chunks)).current_summary == from_csv


def test_a_removed_team_keeps_its_api_file_saying_since_when_it_is_gone(two_releases):
    paths, first = two_releases
    old_files = {p.relative_to(first) for p in first.glob("api/v1/*/*.json")}
    assert old_files and all((paths.output / path).is_file() for path in old_files)
    gone = json.loads((paths.output / "api/v1/to/01786-001.json").read_text(encoding="utf-8"))
    assert (gone["status"], gone["years"], gone["release"]["version"]) == ("gone", [], "1.0.1")
    schema = json.loads((paths.output / "api/v1/schema/to.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(gone)
    assert gone["gone"] == {"last_version": "1.0.0", "since_version": "1.0.1", "last_fiscal_year": 2025,
                            "team_name": "Tổ CĐSCĐ thôn mẫu 01", "commune_code": "01786"}
    listed = json.loads((paths.output / "api/v1/index.json").read_text(encoding="utf-8"))["teams"]
    assert {"team_id": "01786-001", "team_name": "Tổ CĐSCĐ thôn mẫu 01", "commune_code": "01786", "status": "gone",
            "api": "api/v1/to/01786-001.json"} in listed
