"""Search, on the built tiny site without a browser: what the index holds for a team and a commune, and
the team codes files the search page looks a typed code up in (scripts/outputs/search.py).
In Chromium: tests/browser/test_search_browser.py."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

from bs4 import BeautifulSoup

from scripts.common.formatting import vnd
from scripts.model.urls import team_codes_file
from scripts.site.pages import SiteData

FRAGMENT_PREFIX = b"pagefind_dcd"


def fragments(site: Path) -> dict[str, dict]:
    """Every page pagefind indexed, by URL: its content as results can show it, and its metadata."""
    found = {}
    for path in (site / "pagefind" / "fragment").iterdir():
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(FRAGMENT_PREFIX)
        fragment = json.loads(raw[len(FRAGMENT_PREFIX):])
        found[fragment["url"]] = fragment
    return found


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def dataset(site: Path) -> SiteData:
    return SiteData(json.loads((site.parent / "build" / "dataset.json").read_text(encoding="utf-8")))


def latest_teams(data: SiteData) -> dict[str, tuple[int, dict]]:
    return {team["team_id"]: (year["fiscal_year"], team) for year in data.years for team in year["teams"]}


def test_a_team_is_indexed_under_its_code_and_titled_with_its_commune(tiny_site):
    data = dataset(tiny_site)
    indexed = fragments(tiny_site)
    for team_id, (_, team) in latest_teams(data).items():
        fragment = indexed[f"/to/{team_id}/"]
        commune = data.communes[team["commune_code"]]["full_name"]
        assert fragment["meta"]["title"] == f"{team['team_name']} — {commune}"
        assert fragment["meta"]["team"] == team_id
        # The code as one word: pagefind splits a hyphenated code into two.
        assert team_id.replace("-", "") in words(fragment["content"])


def test_a_commune_is_indexed_with_its_code(tiny_site):
    fragment = fragments(tiny_site)["/xa/01786/2025/"]
    assert fragment["meta"] == {"title": "Xã Đông Khê năm 2025", "commune": "01786"}
    assert "01786" in words(fragment["content"])


def test_each_team_code_file_gives_the_team_its_page_shows(tiny_site):
    data = dataset(tiny_site)
    teams = latest_teams(data)
    listed = {}
    for code in {team_id.split("-")[0] for team_id in teams}:
        listed |= json.loads((tiny_site / team_codes_file(code)).read_text(encoding="utf-8"))
    assert listed.keys() == teams.keys()
    for team_id, entry in listed.items():
        fiscal_year, team = teams[team_id]
        assert team_id.startswith(team["commune_code"])
        page = BeautifulSoup((tiny_site / entry["url"] / "index.html").read_text(encoding="utf-8"), "lxml")
        assert page.h1.get_text(strip=True) == entry["name"] == team["team_name"]
        assert entry["commune"] == data.communes[team["commune_code"]]["full_name"]
        assert entry["year"] == fiscal_year
        assert entry["amount"] == vnd(team["amount_vnd"]) == page.select_one("[data-figure=allocated]").get_text()


def test_the_search_page_has_one_search_form_and_knows_where_the_team_codes_are(tiny_site):
    page = BeautifulSoup((tiny_site / "tim-kiem" / "index.html").read_text(encoding="utf-8"), "lxml")
    forms = page.select("[role=search]")
    assert len(forms) == 1 and forms[0].get("aria-label")
    folder = forms[0]["data-team-codes"]
    assert (tiny_site / "tim-kiem" / folder / "01786.json").resolve() == (tiny_site / team_codes_file("01786")).resolve()
