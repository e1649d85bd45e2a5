"""The static JSON API: every file valid against its published JSON Schema, listed in the index, and
the same rows and totals as the CSVs and the SQLite database, year by year."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from jsonschema import Draft202012Validator

from scripts.outputs import api


def load(site: Path, path: str):
    return json.loads((site / path).read_text(encoding="utf-8"))


def schema_errors(site: Path) -> list[str]:
    """Every API file checked against the schema of its kind, as the site publishes the schemas."""
    validators = {}
    for kind in api.KINDS:
        schema = load(site, f"api/v1/schema/{kind}.json")
        Draft202012Validator.check_schema(schema)
        validators[kind] = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    files = [("index", site / "api/v1/index.json")]
    files += [(kind, path) for kind in ("xa", "to") for path in sorted((site / "api/v1" / kind).glob("*.json"))]
    errors = []
    for kind, path in files:
        errors += [f"{path.name}: {error.message}" for error in validators[kind].iter_errors(json.loads(path.read_bytes()))]
    return errors


def test_every_api_file_is_valid_against_its_schema(tiny_site):
    assert schema_errors(tiny_site) == []


def test_a_schema_catches_a_broken_file(tiny_site):
    schema = load(tiny_site, "api/v1/schema/to.json")
    team = load(tiny_site, "api/v1/index.json")["teams"][0]
    record = load(tiny_site, team["api"])
    record["years"][0]["amount_vnd"] = "6.000.000"
    record["years"][0]["periods"][0]["decision"]["date"] = "30/01/2025"
    assert len(list(Draft202012Validator(schema).iter_errors(record))) >= 1


def test_the_index_lists_every_file_and_every_file_names_its_release(tiny_site):
    index = load(tiny_site, "api/v1/index.json")
    version = load(tiny_site, "du-lieu/datapackage.json")["version"]
    listed = {entry["api"] for entry in index["communes"] + index["teams"]}
    on_disk = {path.relative_to(tiny_site).as_posix() for path in (tiny_site / "api/v1").glob("*/*.json")} - set(index["schemas"].values())
    assert listed == on_disk
    assert all(load(tiny_site, path)["release"]["version"] == version for path in listed)
    text = (tiny_site / index["teams"][0]["api"]).read_text(encoding="utf-8")
    assert text.endswith("}\n") and "\\u" not in text  # UTF-8 as written, one line, a final newline


def totals_by_year(site: Path) -> dict[str, Counter]:
    """Rows and amounts per year, as the CSVs, the API and the database each give them."""
    found = {"csv": Counter(), "api": Counter(), "sqlite": Counter()}
    folder = site / "du-lieu"
    for name, key in (("phan-bo-to.csv", "allocated"), ("chi-tra.csv", "paid"), ("to.csv", None), ("du-toan-xa.csv", "province")):
        table = pd.read_csv(folder / name, dtype={"fiscal_year": int, "amount_vnd": int}, usecols=lambda c: c in ("fiscal_year", "amount_vnd"))
        for year, rows in table.groupby("fiscal_year"):
            found["csv"][year, name, "rows"] += len(rows)
            if key:
                found["csv"][year, name, "vnd"] += int(rows["amount_vnd"].sum())
    index = load(site, "api/v1/index.json")
    for entry in index["communes"]:
        for year in load(site, entry["api"])["years"]:
            fiscal_year = year["fiscal_year"]
            found["api"][fiscal_year, "du-toan-xa.csv", "rows"] += 1
            found["api"][fiscal_year, "du-toan-xa.csv", "vnd"] += year["allocation"]["amount_vnd"]
            found["api"][fiscal_year, "to.csv", "rows"] += len(year["teams"])
    for entry in index["teams"]:
        for year in load(site, entry["api"])["years"]:
            fiscal_year = year["fiscal_year"]
            found["api"][fiscal_year, "phan-bo-to.csv", "rows"] += len(year["periods"])
            found["api"][fiscal_year, "phan-bo-to.csv", "vnd"] += sum(period["amount_vnd"] for period in year["periods"])
            found["api"][fiscal_year, "chi-tra.csv", "rows"] += len(year["payments"])
            found["api"][fiscal_year, "chi-tra.csv", "vnd"] += sum(payment["amount_vnd"] for payment in year["payments"])
    with sqlite3.connect(f"file:{folder / 'kinh-phi-cdscd.db'}?mode=ro", uri=True) as connection:
        for table, name, amounts in (("team_allocations", "phan-bo-to.csv", True), ("payments", "chi-tra.csv", True),
                                     ("teams", "to.csv", False), ("province_allocations", "du-toan-xa.csv", True)):
            total = "SUM(amount_vnd)" if amounts else "0"
            for year, rows, vnd in connection.execute(f"SELECT fiscal_year, COUNT(*), {total} FROM {table} GROUP BY fiscal_year"):
                found["sqlite"][year, name, "rows"] += rows
                if amounts:
                    found["sqlite"][year, name, "vnd"] += vnd
        views = connection.execute("SELECT fiscal_year, SUM(teams_amount_vnd), SUM(paid_vnd), SUM(team_count) FROM commune_totals GROUP BY fiscal_year")
        for year, allocated, paid, teams in views:
            assert (allocated, paid, teams) == (
                found["csv"][year, "phan-bo-to.csv", "vnd"], found["csv"][year, "chi-tra.csv", "vnd"], found["csv"][year, "to.csv", "rows"])
    return found


def test_rows_and_totals_agree_across_csv_api_and_sqlite(tiny_site):
    found = totals_by_year(tiny_site)
    assert found["csv"] and found["api"] == found["csv"] == found["sqlite"]


@pytest.mark.slow
def test_the_sample_agrees_across_formats_every_year_and_validates(sample_site):
    found = totals_by_year(sample_site)
    assert len({year for year, _, _ in found["csv"]}) >= 2
    assert found["api"] == found["csv"] == found["sqlite"]
    assert schema_errors(sample_site) == []


def test_two_runs_write_the_same_bytes(tiny_data, tmp_path):
    from scripts.outputs import downloads
    from scripts.validate import rules as validate

    dataset = validate.run(tiny_data, tmp_path / "build")
    manifest = downloads.run(dataset, tiny_data / "releases", tmp_path / "downloads", "https://example.invalid")
    trees = []
    for name in ("a", "b"):
        site = tmp_path / f"site-{name}"
        installed = api.run(dataset, manifest, tmp_path / f"api-{name}", site)
        trees.append({path: (site / path).read_bytes() for path in installed})
    assert trees[0] == trees[1] and "api/v1/index.json" in trees[0]
