"""Releases that never erase the past: a numbered release for every change of the published data.

The history is committed with the data, in data/releases/:
- index.json: one entry per release: version, date, kind, fiscal years, bytes and sha256 of each file;
- <version>/: the canonical CSVs exactly as that release published them.

A build compares the canonical CSVs it is about to publish with the latest release. Identical: the
build is that release. Different: it is the next one (MINOR when a fiscal year appears, PATCH for a
correction), and ``record`` adds it to the archive only after publish has passed every check. So the
same input gives the same site before and after recording, and invalid data never makes a release.
Change logs are recomputed from the archived files, which are checked against their hashes.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
import os
import shutil
from pathlib import Path

from scripts.csv_cells import restore

FOLDER = "phien-ban"  # site folder of every release's files: du-lieu/phien-ban/<version>/
INDEX = "index.json"
FIRST_VERSION = "1.0.0"
INDEX_KEYS = ("version", "date", "kind", "years", "files")


class ArchiveDamaged(Exception):
    pass


def load_index(archive_dir: Path) -> list[dict]:
    path = archive_dir / INDEX
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def digest(files: dict[str, bytes]) -> dict[str, dict]:
    return {name: {"bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()} for name, content in sorted(files.items())}


def release_date(dataset: dict) -> str:
    """SOURCE_DATE_EPOCH when set, else the latest publication date in the data: never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date().isoformat()
    dates = [year["published_on"] for year in dataset["years"]]
    dates += [year["payments_published_on"] for year in dataset["years"] if year.get("payments_published_on")]
    return max(dates)


def bump(version: str, kind: str) -> str:
    major, minor, patch = (int(part) for part in version.split("."))
    return f"{major}.{minor + 1}.0" if kind == "minor" else f"{major}.{minor}.{patch + 1}"


def plan(archive_dir: Path, files: dict[str, bytes], dataset: dict) -> list[dict]:
    """The release history as this build publishes it; the last entry is this build's release."""
    history = load_index(archive_dir)
    files_digest = digest(files)
    if history and history[-1]["files"] == files_digest:
        return history
    years = sorted(year["fiscal_year"] for year in dataset["years"])
    if history:
        previous = history[-1]
        kind = "minor" if set(years) - set(previous["years"]) else "patch"
        version, date = bump(previous["version"], kind), max(release_date(dataset), previous["date"])
    else:
        kind, version, date = "initial", FIRST_VERSION, release_date(dataset)
    return [*history, {"version": version, "date": date, "kind": kind, "years": years, "files": files_digest}]


def snapshot(archive_dir: Path, release: dict, current: dict[str, bytes]) -> dict[str, bytes]:
    """A release's files: this build's own when they are the same, else the archived ones, checked."""
    if release["files"] == digest(current):
        return current
    folder = archive_dir / release["version"]
    files = {name: (folder / name).read_bytes() for name in release["files"]}
    if digest(files) != release["files"]:
        raise ArchiveDamaged(f"Tệp của phiên bản {release['version']} trong {folder} không khớp mã băm đã ghi.")
    return files


def read_table(files: dict[str, bytes], name: str) -> list[dict]:
    """The rows of one file of a release; shared between callers, so read-only."""
    return parse_table(files[name]) if name in files else []


# Memoised by content: describing the history reads each release's tables several times.
@functools.lru_cache(maxsize=32)
def parse_table(content: bytes) -> list[dict]:
    rows = csv.DictReader(io.StringIO(content.decode("utf-8"), newline=""))
    return [{key: restore(value) for key, value in row.items()} for row in rows]


def team_totals(files: dict[str, bytes], name: str) -> dict[tuple[int, str], dict]:
    """(year, team id) → team name, commune and the sum of amount_vnd over the rows of ``name``; read-only."""
    return totals_of(files.get("to.csv", b""), files.get(name, b""))


@functools.lru_cache(maxsize=32)
def totals_of(teams_table: bytes, amounts_table: bytes) -> dict[tuple[int, str], dict]:
    teams = {(int(r["fiscal_year"]), r["team_id"]): r for r in parse_table(teams_table)}
    totals: dict[tuple[int, str], dict] = {}
    for row in parse_table(amounts_table):
        key = (int(row["fiscal_year"]), row["team_id"])
        team = teams.get(key, row)
        total = totals.setdefault(key, {"name": team["team_name"], "commune_code": team["commune_code"], "amount_vnd": 0})
        total["amount_vnd"] += int(row["amount_vnd"])
    return totals


def commune_amounts(files: dict[str, bytes]) -> dict[tuple[int, str], int]:
    return {(int(r["fiscal_year"]), r["commune_code"]): int(r["amount_vnd"]) for r in read_table(files, "du-toan-xa.csv")}


def years_of(files: dict[str, bytes]) -> set[int]:
    return {fiscal_year for fiscal_year, _ in commune_amounts(files)}


def changes(old: dict[str, bytes], new: dict[str, bytes]) -> list[dict]:
    """What a release changed, old → new: fiscal years added or removed (one line each), then within
    the other years teams added and removed, team allocations, payments and commune allocations."""
    old_years, new_years = years_of(old), years_of(new)
    new_teams = team_totals(new, "phan-bo-to.csv")
    result = [
        {"kind": "year_added", "fiscal_year": fiscal_year, "id": "", "name": "", "commune_code": "", "old": None,
         "new": sum(team["amount_vnd"] for (y, _), team in new_teams.items() if y == fiscal_year),
         "teams": sum(1 for y, _ in new_teams if y == fiscal_year)}
        for fiscal_year in sorted(new_years - old_years)
    ]
    result += [
        {"kind": "year_removed", "fiscal_year": fiscal_year, "id": "", "name": "", "commune_code": "", "old": None, "new": None}
        for fiscal_year in sorted(old_years - new_years)
    ]
    compared = old_years & new_years

    def team_changes(name: str, kinds: tuple[str, str, str]) -> None:
        before_all, after_all = team_totals(old, name), team_totals(new, name)
        for key in sorted(before_all.keys() | after_all.keys()):
            if key[0] not in compared:
                continue
            before, after = before_all.get(key), after_all.get(key)
            team = after or before
            change = {"fiscal_year": key[0], "id": key[1], "name": team["name"], "commune_code": team["commune_code"]}
            old_amount = before["amount_vnd"] if before else None
            new_amount = after["amount_vnd"] if after else None
            kind = kinds[0] if before is None else kinds[1] if after is None else kinds[2]
            if old_amount != new_amount:
                result.append({**change, "kind": kind, "old": old_amount, "new": new_amount})

    team_changes("phan-bo-to.csv", ("team_added", "team_removed", "team_amount"))
    team_changes("chi-tra.csv", ("team_paid", "team_paid", "team_paid"))
    old_communes, new_communes = commune_amounts(old), commune_amounts(new)
    for key in sorted(old_communes.keys() | new_communes.keys()):
        before, after = old_communes.get(key), new_communes.get(key)
        if key[0] in compared and before != after:
            result.append({"fiscal_year": key[0], "id": key[1], "name": "", "commune_code": key[1], "kind": "commune_amount", "old": before, "new": after})
    return result


def describe(archive_dir: Path, history: list[dict], current: dict[str, bytes]) -> dict:
    """Every release with its files and changes, and the pages earlier releases had that this one lacks."""
    try:
        return describe_releases(archive_dir, history, current)
    finally:
        # Memoised for one description only: a process that publishes again must not keep old tables.
        parse_table.cache_clear()
        totals_of.cache_clear()


def describe_releases(archive_dir: Path, history: list[dict], current: dict[str, bytes]) -> dict:
    described, previous = [], {}
    seen_teams: dict[str, dict] = {}
    seen_communes: dict[tuple[int, str], str] = {}
    for release in history:
        files = snapshot(archive_dir, release, current)
        described.append(
            {
                **release,
                "changes": changes(previous, files) if previous else [],
                "changed_files": sorted(name for name in files if previous.get(name) != files[name]),
            }
        )
        for (fiscal_year, team_id), team in team_totals(files, "phan-bo-to.csv").items():
            seen_teams[team_id] = {**team, "team_id": team_id, "fiscal_year": fiscal_year, "version": release["version"]}
        for key in commune_amounts(files):
            seen_communes[key] = release["version"]
        previous = files
    now_teams = {team_id for _, team_id in team_totals(current, "phan-bo-to.csv")}
    now_communes = set(commune_amounts(current))
    return {
        "releases": described,
        "gone_teams": [team for team_id, team in sorted(seen_teams.items()) if team_id not in now_teams],
        "gone_communes": [
            {"fiscal_year": fiscal_year, "commune_code": code, "version": version}
            for (fiscal_year, code), version in sorted(seen_communes.items())
            if (fiscal_year, code) not in now_communes
        ],
    }


def record(archive_dir: Path, manifest_path: Path) -> str | None:
    """Add the published release to the archive (after every check passed); return its version if new."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    history = load_index(archive_dir)
    current = manifest["history"]["releases"][-1]
    if any(release["version"] == current["version"] for release in history):
        return None
    source = manifest_path.parent / "files" / manifest["root"] / FOLDER / current["version"]
    folder = archive_dir / current["version"]
    folder.mkdir(parents=True, exist_ok=True)  # left by an interrupted record: the index is written last
    for name in current["files"]:
        shutil.copyfile(source / name, folder / name)
    entries = [*history, {key: current[key] for key in INDEX_KEYS}]
    (archive_dir / INDEX).write_text(json.dumps(entries, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return current["version"]
