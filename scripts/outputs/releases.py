"""Reads data/releases/ and this build's canonical CSVs; writes the change log's history, and a published release into data/releases/.

A numbered release for every change of the published data, and the past never erased. The history
is committed with the data, in data/releases/:
- index.json: one entry per release: version, date, kind, fiscal years, bytes and sha256 of each file;
- <version>/: the canonical CSVs exactly as that release published them, and ``summary.json``: what
  the change log needs from that release (its team and commune totals, and what it changed from the
  release before), written once when the release is recorded.

A build compares the canonical CSVs it is about to publish with the latest release. Identical: the
build is that release. Different: it is the next one (MINOR when a fiscal year appears, PATCH for a
correction), and ``record`` adds it to the archive only after publish has passed every check. So the
same input gives the same site before and after recording, and invalid data never makes a release.
Archived files are checked against their hashes before they are published again.
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
from dataclasses import dataclass
from pathlib import Path

from scripts.model.urls import release_dir
from scripts.outputs.csv_cells import restore

INDEX = "index.json"
SUMMARY = "summary.json"  # in each release's folder, and staged by the downloads beside their manifest
FIRST_VERSION = "1.0.0"
INDEX_KEYS = ("version", "date", "kind", "years", "files")


class ArchiveDamaged(Exception):
    pass


def load_index(archive_dir: Path) -> list[dict]:
    path = archive_dir / INDEX
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def latest(archive_dir: Path) -> dict | None:
    """The last data release recorded in the archive, if any."""
    index = load_index(archive_dir)
    return index[-1] if index else None


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


class Archive:
    """The committed releases in ``folder``, beside this build's own files ``current``."""

    def __init__(self, folder: Path, current: dict[str, bytes], current_tables: dict[str, list[dict]] | None = None):
        self.folder, self.current, self.current_digest = Path(folder), current, digest(current)
        self.current_tables = current_tables  # the rows ``current`` was encoded from, by file name

    @functools.cached_property
    def current_summary(self) -> Summary:
        """From the rows before encoding when given: parsing this build's own CSVs back gives the same."""
        return Summary.of_tables(self.current_tables) if self.current_tables is not None else Summary.of(self.current)

    def recorded(self, release: dict) -> Recorded:
        """What ``record`` wrote for an archived release, checked to be of its files."""
        path = self.folder / release["version"] / SUMMARY
        try:
            recorded = Recorded.parse(path.read_bytes())
        except (OSError, ValueError, KeyError, TypeError):
            recorded = None
        if recorded is None or recorded.files != release["files"]:
            raise ArchiveDamaged(f"Tệp {path} thiếu, hỏng hoặc không khớp các tệp của phiên bản {release['version']}.")
        return recorded

    def files(self, release: dict) -> dict[str, bytes]:
        """A release's files: this build's own when they are the same, else the archived ones, checked."""
        if release["files"] == self.current_digest:
            return self.current
        folder = self.folder / release["version"]
        files = {name: (folder / name).read_bytes() for name in release["files"]}
        if digest(files) != release["files"]:
            raise ArchiveDamaged(f"Tệp của phiên bản {release['version']} trong {folder} không khớp mã băm đã ghi.")
        return files


def parse_table(content: bytes) -> list[dict]:
    rows = csv.DictReader(io.StringIO(content.decode("utf-8"), newline=""))
    return [{key: restore(value) for key, value in row.items()} for row in rows]


def totals_of(teams: list[dict], amounts: list[dict]) -> dict[tuple[int, str], dict]:
    """(year, team id) → team name, commune and the sum of amount_vnd over ``amounts``."""
    by_key = {(int(r["fiscal_year"]), r["team_id"]): r for r in teams}
    totals: dict[tuple[int, str], dict] = {}
    for row in amounts:
        key = (int(row["fiscal_year"]), row["team_id"])
        if (total := totals.get(key)) is None:  # not setdefault: its default would be built for every row
            team = by_key.get(key, row)
            total = totals[key] = {"name": team["team_name"], "commune_code": team["commune_code"], "amount_vnd": 0}
        total["amount_vnd"] += int(row["amount_vnd"])
    return totals


@dataclass(frozen=True)
class Summary:
    """What the change log needs from one release's tables: team totals allocated and paid, and commune allocations."""

    allocations: dict[tuple[int, str], dict]
    payments: dict[tuple[int, str], dict]
    communes: dict[tuple[int, str], int]

    @classmethod
    def of(cls, files: dict[str, bytes]) -> Summary:
        return cls.of_tables({name: parse_table(content) for name, content in files.items() if name in SUMMARISED})

    @classmethod
    def of_tables(cls, tables: dict[str, list[dict]]) -> Summary:
        teams = tables.get("to.csv", [])
        return cls(
            totals_of(teams, tables.get("phan-bo-to.csv", [])),
            totals_of(teams, tables.get("chi-tra.csv", [])),
            {(int(r["fiscal_year"]), r["commune_code"]): int(r["amount_vnd"]) for r in tables.get("du-toan-xa.csv", [])},
        )

    @property
    def years(self) -> set[int]:
        return {fiscal_year for fiscal_year, _ in self.communes}


SUMMARISED = ("to.csv", "phan-bo-to.csv", "chi-tra.csv", "du-toan-xa.csv")


@dataclass(frozen=True)
class Recorded:
    """A release's ``summary.json``: the digest of its files, its ``Summary`` and its ``changes`` from
    the release before. An archived release is never parsed or compared again."""

    files: dict[str, dict]
    summary: Summary
    changes: list[dict]

    def to_json(self) -> bytes:
        """One row per line, so that the committed file reads and diffs by row."""

        encoded = json.JSONEncoder(ensure_ascii=False).encode  # one encoder for every row, not one per json.dumps call

        def rows(name: str, records) -> str:
            return f'"{name}":[\n' + ",\n".join(map(encoded, records)) + "\n]"

        parts = [
            f'"files":{json.dumps(self.files, sort_keys=True)}',
            rows("changes", self.changes),
            rows("allocations", team_rows(self.summary.allocations)),
            rows("payments", team_rows(self.summary.payments)),
            rows("communes", [[*key, amount] for key, amount in self.summary.communes.items()]),
        ]
        return ("{" + ",\n".join(parts) + "}\n").encode("utf-8")

    @classmethod
    def parse(cls, data: bytes) -> Recorded:
        stored = json.loads(data)
        communes = {(year, code): amount for year, code, amount in stored["communes"]}
        return cls(stored["files"], Summary(team_totals(stored["allocations"]), team_totals(stored["payments"]), communes), stored["changes"])


def team_rows(totals: dict[tuple[int, str], dict]) -> list[list]:
    return [[*key, team["name"], team["commune_code"], team["amount_vnd"]] for key, team in totals.items()]


def team_totals(rows: list[list]) -> dict[tuple[int, str], dict]:
    """``team_rows`` read back."""
    return {(year, team_id): {"name": name, "commune_code": code, "amount_vnd": amount} for year, team_id, name, code, amount in rows}


def changes(old: Summary, new: Summary) -> list[dict]:
    """What a release changed, old → new: fiscal years added or removed (one line each), then within
    the other years teams added and removed, team allocations, payments and commune allocations."""
    old_years, new_years = old.years, new.years
    result = [
        {"kind": "year_added", "fiscal_year": fiscal_year, "id": "", "name": "", "commune_code": "", "old": None,
         "new": sum(team["amount_vnd"] for (y, _), team in new.allocations.items() if y == fiscal_year),
         "teams": sum(1 for y, _ in new.allocations if y == fiscal_year)}
        for fiscal_year in sorted(new_years - old_years)
    ]
    result += [
        {"kind": "year_removed", "fiscal_year": fiscal_year, "id": "", "name": "", "commune_code": "", "old": None, "new": None}
        for fiscal_year in sorted(old_years - new_years)
    ]
    compared = old_years & new_years

    def team_changes(before_all: dict, after_all: dict, kinds: tuple[str, str, str]) -> None:
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

    team_changes(old.allocations, new.allocations, ("team_added", "team_removed", "team_amount"))
    team_changes(old.payments, new.payments, ("team_paid", "team_paid", "team_paid"))
    for key in sorted(old.communes.keys() | new.communes.keys()):
        before, after = old.communes.get(key), new.communes.get(key)
        if key[0] in compared and before != after:
            result.append({"fiscal_year": key[0], "id": key[1], "name": "", "commune_code": key[1], "kind": "commune_amount", "old": before, "new": after})
    return result


def recorded_history(archive: Archive, history: list[dict]) -> list[Recorded]:
    """Each release's ``Recorded``: an archived one's as ``record`` wrote it, this build's own made from its rows."""
    found: list[Recorded] = []
    for release in history:
        if release["files"] == archive.current_digest:
            changed = changes(found[-1].summary, archive.current_summary) if found else []
            found.append(Recorded(release["files"], archive.current_summary, changed))
        else:
            found.append(archive.recorded(release))
    return found


def describe(history: list[dict], recorded: list[Recorded], now: Summary) -> dict:
    """Every release with its files and changes, and the pages earlier releases had that ``now`` lacks."""
    described = [
        {
            **release,
            "changes": entry.changes,
            "changed_files": sorted(name for name, file in release["files"].items() if not previous or previous["files"].get(name) != file),
        }
        for previous, release, entry in zip([None, *history], history, recorded)
    ]
    seen_communes: dict[tuple[int, str], str] = {}
    for release, entry in zip(history, recorded):
        for key in entry.summary.communes:
            seen_communes[key] = release["version"]
    now_teams = {team_id for _, team_id in now.allocations}
    # Each team gone from the data as the last release that had it shows it: newest release first.
    gone_teams: dict[str, dict] = {}
    for release, entry in zip(reversed(history), reversed(recorded)):
        for (fiscal_year, team_id), team in reversed(entry.summary.allocations.items()):
            if team_id not in now_teams and team_id not in gone_teams:
                gone_teams[team_id] = {**team, "team_id": team_id, "fiscal_year": fiscal_year, "version": release["version"]}
    return {
        "releases": described,
        "gone_teams": [team for _, team in sorted(gone_teams.items())],
        "gone_communes": [
            {"fiscal_year": fiscal_year, "commune_code": code, "version": version}
            for (fiscal_year, code), version in sorted(seen_communes.items())
            if (fiscal_year, code) not in now.communes
        ],
    }


def record(archive_dir: Path, manifest_path: Path) -> str | None:
    """Add the published release to the archive (after every check passed): its files and summary, then
    its index entry; return its version if new."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    history = load_index(archive_dir)
    current = manifest["history"]["releases"][-1]
    if any(release["version"] == current["version"] for release in history):
        return None
    source = manifest_path.parent / "files" / manifest["root"] / release_dir(current["version"])
    folder = archive_dir / current["version"]
    folder.mkdir(parents=True, exist_ok=True)  # left by an interrupted record: the index is written last
    for name in current["files"]:
        shutil.copyfile(source / name, folder / name)
    summary = (manifest_path.parent / SUMMARY).read_bytes()  # staged by the same run as the manifest
    if Recorded.parse(summary).files != current["files"]:
        raise ArchiveDamaged(f"{manifest_path.parent / SUMMARY} không phải của phiên bản {current['version']}.")
    (folder / SUMMARY).write_bytes(summary)
    entries = [*history, {key: current[key] for key in INDEX_KEYS}]
    (archive_dir / INDEX).write_text(json.dumps(entries, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return current["version"]
