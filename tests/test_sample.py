"""The bundled sample is honest: real communes and province totals, synthetic teams, deterministic."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from scripts.dev import sample

ROOT = Path(__file__).resolve().parent.parent


def test_generator_reproduces_the_committed_sample_byte_for_byte(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "reference", data / "reference")
    sample.generate(data)
    generated = sorted(p.relative_to(data) for p in data.rglob("*") if p.is_file() and "reference" not in p.parts)
    assert generated
    for relative in generated:
        assert (data / relative).read_bytes() == (ROOT / "data" / relative).read_bytes(), relative


def test_first_year_has_1431_teams_and_12151_members_in_all_56_communes():
    teams = {}
    communes = set()
    for path in sorted((ROOT / "data/allocations/2025/teams").glob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                teams[row["team_id"]] = int(row["member_count"])
                communes.add(row["commune_code"])
    assert len(teams) == 1431
    assert sum(teams.values()) == 12151
    assert len(communes) == 56
    assert sum(members < 10 for members in teams.values()) > 0  # below the minimum, as in reality


def test_synthetic_names_cannot_pass_for_real_ones():
    for path in (ROOT / "data/allocations").rglob("teams/*.csv"):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                assert "mẫu" in row["team_name"] and "mẫu" in row["village"]
                assert row["decision_number"].startswith("Mẫu")


def test_every_year_is_marked_as_sample():
    for year_file in (ROOT / "data/allocations").glob("*/year.toml"):
        assert "sample = true" in year_file.read_text(encoding="utf-8")
