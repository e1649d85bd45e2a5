"""The SQLite download: every table with its keys, views that agree with the site, search, the same bytes
every build, and Datasette serving it with its metadata."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from scripts.outputs import database, downloads
from scripts.site.pages import SiteData, read_dataset
from scripts.validate import rules as validate


def connect(site: Path) -> sqlite3.Connection:
    """Read-only, so that no test can change the published file."""
    return sqlite3.connect(f"file:{site / 'du-lieu/kinh-phi-cdscd.db'}?mode=ro", uri=True)


def test_two_builds_give_the_same_bytes_and_a_sound_database(tiny_data, tmp_path):
    dataset = read_dataset(validate.run(tiny_data, tmp_path / "build"))
    first, second = (database.database_bytes(dataset, {r: r.rows(SiteData(dataset)) for r in downloads.RESOURCES}) for _ in range(2))
    assert first == second and first.startswith(b"SQLite format 3\x00")
    assert int.from_bytes(first[16:18], "big") == database.PAGE_SIZE
    path = tmp_path / "a.db"
    path.write_bytes(first)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


def test_every_published_table_with_its_keys_and_code_indexes(tiny_site):
    with connect(tiny_site) as connection:
        for resource in downloads.RESOURCES:
            table = resource.table.name
            columns = connection.execute(f'PRAGMA table_info("{table}")').fetchall()
            assert [column[1] for column in columns] == list(resource.column_names)
            primary = sorted((column[5], column[1]) for column in columns if column[5])
            assert tuple(name for _, name in primary) == resource.primary_key
            references = {row[2] for row in connection.execute(f'PRAGMA foreign_key_list("{table}")')}
            assert references == {downloads_table(key.resource) for key in resource.foreign_keys}
            indexed = {row[1].removeprefix(f"idx_{table}_") for row in connection.execute(f'PRAGMA index_list("{table}")') if row[3] == "c"}
            codes = {column.name for column in resource.columns if column.type == "code"} - set(resource.primary_key[:1])
            assert indexed == codes
            published = pd.read_csv(tiny_site / "du-lieu" / resource.canonical_name, dtype=str, keep_default_na=False)
            assert connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == len(published)


def downloads_table(slug: str) -> str:
    return next(resource.table.name for resource in downloads.RESOURCES if resource.slug == slug)


def test_the_teams_table_is_searchable_without_tones(tiny_site):
    with connect(tiny_site) as connection:
        (name,) = connection.execute("SELECT team_name FROM teams ORDER BY rowid LIMIT 1").fetchone()
        found = connection.execute(
            "SELECT t.team_name FROM teams_fts JOIN teams t ON t.rowid = teams_fts.rowid WHERE teams_fts MATCH ?", ['"' + name + '"']
        ).fetchall()
        assert (name,) in found
        assert connection.execute("SELECT COUNT(*) FROM teams_fts WHERE teams_fts MATCH 'mau'").fetchone()[0] >= 1  # “mẫu”, typed without tones


def test_metadata_describes_every_table_view_and_column(tiny_site):
    metadata = json.loads((tiny_site / "du-lieu/metadata.json").read_text(encoding="utf-8"))
    assert metadata["license"] == "CC BY 4.0" and metadata["source"] and metadata["title"]
    tables = metadata["databases"]["kinh-phi-cdscd"]["tables"]
    with connect(tiny_site) as connection:
        shown = [name for name, in connection.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'teams_fts%'")]
        for name in shown:
            columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{name}")')]
            assert tables[name]["title"] and tables[name]["description"], name
            assert sorted(tables[name]["columns"]) == sorted(columns), name
            assert all(tables[name]["columns"].values())
    assert tables["teams"]["fts_table"] == "teams_fts"
    assert tables["team_allocations"]["units"]["amount_vnd"] == "VND" and "đồng" in tables["team_allocations"]["columns"]["amount_vnd"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.mark.slow
def test_datasette_serves_the_database_with_its_metadata(tiny_site):
    folder = tiny_site / "du-lieu"
    port = free_port()
    command = [sys.executable, "-m", "datasette", "serve", str(folder / "kinh-phi-cdscd.db"), "-m", str(folder / "metadata.json"),
               "-h", "127.0.0.1", "-p", str(port), "--setting", "default_page_size", "1000"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                fetch_json(f"{base}/-/versions.json")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.1)
        teams = fetch_json(f"{base}/kinh-phi-cdscd/teams.json?_shape=array")
        published = pd.read_csv(folder / "to.csv", dtype=str, keep_default_na=False)
        assert [row["team_id"] for row in teams] == published["team_id"].tolist()
        assert teams[0]["commune_code"].startswith("0")  # a code stays text
        summary = fetch_json(f"{base}/kinh-phi-cdscd/commune_totals.json?_shape=array")
        assert sum(row["teams_amount_vnd"] for row in summary) == int(pd.read_csv(folder / "phan-bo-to.csv")["amount_vnd"].sum())
        served = fetch_json(f"{base}/-/metadata.json")
        assert served["license"] == "CC BY 4.0"
        searched = fetch_json(f"{base}/kinh-phi-cdscd/teams.json?_shape=array&_search=mau")
        assert searched and len(searched) <= len(teams)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_commune_view_equals_the_published_commune_summary(tiny_site):
    """Two routes to one figure: the view sums the tables in SQL, the summary table comes from the site's
    own figures (scripts/model/figures.py). Per member and share paid must agree to the digit."""
    columns = "fiscal_year, commune_code, allocated_vnd, team_count, member_count, teams_amount_vnd, paid_vnd, remaining_vnd, amount_per_member_vnd, paid_share_pct"
    with connect(tiny_site) as connection:
        view = connection.execute(f"SELECT {columns} FROM commune_totals ORDER BY fiscal_year, commune_code").fetchall()
        table = connection.execute(f"SELECT {columns} FROM commune_summary ORDER BY fiscal_year, commune_code").fetchall()
    assert view and view == table
