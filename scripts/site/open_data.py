"""Reads the downloads manifest (files and release history); writes the page models of downloads, change log and old permalinks.

Also the download links of year and commune pages.

Every figure a page shows is in its own context (plain JSON), so scripts/site/reuse.py re-renders a
page exactly when its files, sizes or releases change.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from scripts.model.schema import TEAM_ALLOCATIONS
from scripts.model.urls import (
    CHANGELOG_URL,
    DOWNLOADS_DIR,
    DOWNLOADS_URL,
    RELEASES_DIR,
    SCHEMAS_DIR,
    commune_url,
    release_dir,
    table_file,
    team_url,
)
from scripts.site.pages import DataVersions, PageModel


def read_manifest(path: Path | str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def files_in(manifest: dict, scope: str) -> list[dict]:
    return [entry for entry in manifest["files"] if entry["scope"] == scope]


def commune_files(manifest: dict, code: str) -> list[dict]:
    """Every year's download files of one commune, as its pages list them."""
    return [entry for entry in manifest["files"] if entry["scope"].startswith(f"{code}/")]


def data_versions(history: dict) -> DataVersions:
    """The latest release that changed each commune's figures: the first release and any that added or
    removed a year changed every commune; any other, the communes its changes name. A release that changed
    no amount (a renamed team) leaves the version as it was."""
    versions = DataVersions()
    for release in history["releases"]:
        if release["kind"] == "initial" or any(change["kind"] in ("year_added", "year_removed") for change in release["changes"]):
            versions = DataVersions(release["version"])
        for change in release["changes"]:
            if change["commune_code"]:
                versions.communes[change["commune_code"]] = release["version"]
    return versions


LISTS_FILES = {"year.html", "commune.html"}  # the data pages that link their own downloads
# The file the downloads page's pandas and R snippets read, with its code columns as text (tests/test_downloads.py runs the pandas one).
READING_EXAMPLE = {
    "path": f"{DOWNLOADS_DIR}/{table_file('phan-bo-to')}",
    "text_columns": [column.name for column in TEAM_ALLOCATIONS.columns if column.type == "code"],
}


def attach_downloads(pages: list[PageModel], manifest: dict) -> None:
    """Year pages list that year's files; commune pages the CSV of their teams."""
    for page in pages:
        if page.template == "year.html":
            page.context["downloads"] = files_in(manifest, str(page.context["fiscal_year"]))
        elif page.template == "commune.html":
            page.context["downloads"] = files_in(manifest, f"{page.context['commune']['code']}/{page.context['fiscal_year']}")


def release_files(manifest: dict, release: dict) -> list[dict]:
    prefix = f"{manifest['root']}/{release_dir(release['version'])}"
    return [entry for entry in files_in(manifest, RELEASES_DIR) if entry["path"].startswith(prefix)]


def commune_file_rows(manifest: dict, commune_names: dict[str, str]) -> list[dict]:
    """The downloads page's row for each commune and year, in code order, newest year first: its tables, as
    made, each with its files (a CSV, and an XLSX of the same table)."""
    rows: dict[tuple[str, int], dict[str, list[dict]]] = defaultdict(dict)
    for entry in manifest["files"]:
        if "/" in entry["scope"]:
            code, year = entry["scope"].split("/")
            rows[code, -int(year)].setdefault(entry["label"], []).append(entry)
    return [
        {"name": commune_names[code], "year": -year, "tables": [{"label": label, "files": files} for label, files in tables.items()]}
        for (code, year), tables in sorted(rows.items())
    ]


def page_models(manifest: dict, commune_names: dict[str, str]) -> list[PageModel]:
    history = manifest["history"]
    releases = [
        {**release, "downloads": release_files(manifest, release), "anchor": "phien-ban-" + release["version"].replace(".", "-")}
        for release in reversed(history["releases"])
    ]
    years = sorted({entry["scope"] for entry in manifest["files"] if entry["scope"].isdigit()}, reverse=True)
    feed = CHANGELOG_URL + "atom.xml"
    pages = [
        PageModel(
            DOWNLOADS_URL + "index.html",
            "downloads.html",
            {
                "canonical": DOWNLOADS_URL,
                "version": manifest["version"],
                "release_date": manifest["date"],
                "whole": files_in(manifest, ""),
                "years": [{"year": year, "files": files_in(manifest, year)} for year in years],
                "communes": commune_file_rows(manifest, commune_names),
                "schemas": files_in(manifest, SCHEMAS_DIR),
                "reading": READING_EXAMPLE,
                "feed": feed,
            },
        ),
        PageModel(
            CHANGELOG_URL + "index.html",
            "changelog.html",
            {"canonical": CHANGELOG_URL, "releases": releases, "commune_names": commune_names, "feed": feed},
        ),
        PageModel(feed, "atom.html", {"releases": releases, "updated": manifest["date"]}),
    ]
    for team in history["gone_teams"]:
        pages.append(
            PageModel(
                team_url(team["team_id"]) + "index.html",
                "gone.html",
                {
                    "heading": team["name"],
                    "what": f"Tổ mã {team['team_id']} của {commune_names.get(team['commune_code'], team['commune_code'])}",
                    "last_year": team["fiscal_year"],
                    "version": team["version"],
                },
            )
        )
    for gone in history["gone_communes"]:
        name = commune_names.get(gone["commune_code"], gone["commune_code"])
        pages.append(
            PageModel(
                commune_url(gone["commune_code"], gone["fiscal_year"]) + "index.html",
                "gone.html",
                {
                    "heading": f"{name} năm {gone['fiscal_year']}",
                    "what": f"Số liệu năm {gone['fiscal_year']} của {name}",
                    "last_year": gone["fiscal_year"],
                    "version": gone["version"],
                },
            )
        )
    return pages
