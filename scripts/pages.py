"""Stage 3a: the validated dataset → one page model per data page (year, commune, team).

A page model is where the page is saved, which template renders it and the figures it shows.
Tables are rendered by templates straight from these figures rather than through Markdown,
which is ~20× faster for big tables (GUIDE §3); Markdown is kept for prose pages in content/.
URLs come from stable codes (year, commune code, team id), never from names.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from scripts.formatting import ascii_fold


@dataclass
class PageModel:
    save_as: str
    template: str
    context: dict = field(default_factory=dict)


def year_url(year: int) -> str:
    return f"nam/{year}/"


def commune_url(code: str, year: int | None = None) -> str:
    return f"xa/{code}/" if year is None else f"xa/{code}/{year}/"


def team_url(team_id: str) -> str:
    return f"to/{team_id}/"


def source_of(year: dict, decisions: list[dict], files: list[str]) -> dict:
    """What a page cites: the decisions behind its figures, the source files with hashes, the publication date."""
    return {
        "decisions": decisions,
        "files": [{"path": path, **year["sources"][path]} for path in files if path in year["sources"]],
        "published_on": year["published_on"],
    }


def province_file(fiscal_year: int) -> str:
    return f"allocations/{fiscal_year}/province.csv"


def team_file(fiscal_year: int, code: str) -> str:
    return f"allocations/{fiscal_year}/teams/{code}.csv"


def finding_commune(finding: dict) -> tuple[int, str] | None:
    """(year, commune code) a finding is about, read from its file path: allocations/<year>/…"""
    parts = finding["file"].split("/")
    if len(parts) < 3 or parts[0] != "allocations" or not parts[1].isdigit():
        return None
    if parts[2] == "teams":
        return int(parts[1]), Path(parts[3]).stem
    return int(parts[1]), finding["value"]


def team_findings(finding: dict, periods: list[dict]) -> bool:
    return any(finding["file"] == p["source_file"] and finding["row"] == p["source_row"] for p in periods)


@dataclass
class SiteData:
    """The dataset indexed the ways pages need it, computed once per build."""

    dataset: dict
    communes: dict[str, dict] = field(init=False)
    years: list[dict] = field(init=False)
    commune_rows: dict[int, list[dict]] = field(init=False)
    teams_by_commune: dict[tuple[int, str], list[dict]] = field(init=False)
    findings_by_commune: dict[tuple[int, str], list[dict]] = field(init=False)

    def __post_init__(self):
        self.communes = {c["code"]: c for c in self.dataset["communes"]}
        self.years = sorted(self.dataset["years"], key=lambda y: y["fiscal_year"])
        self.teams_by_commune = defaultdict(list)
        for year in self.years:
            for team in year["teams"]:
                self.teams_by_commune[year["fiscal_year"], team["commune_code"]].append(team)
        self.findings_by_commune = defaultdict(list)
        for finding in self.dataset["findings"]:
            if (key := finding_commune(finding)) is not None:
                self.findings_by_commune[key].append(finding)
        self.commune_rows = {year["fiscal_year"]: self._commune_rows(year) for year in self.years}

    @property
    def latest_year(self) -> int:
        return self.years[-1]["fiscal_year"]

    @property
    def year_numbers(self) -> list[int]:
        return [year["fiscal_year"] for year in self.years]

    @property
    def sample(self) -> bool:
        return any(year["sample"] for year in self.years)

    def _commune_rows(self, year: dict) -> list[dict]:
        fiscal_year = year["fiscal_year"]
        minimum = self.dataset["policy"]["minimum_members"]
        rows = []
        for allocation in year["communes"]:
            code = allocation["commune_code"]
            teams = self.teams_by_commune[fiscal_year, code]
            teams_amount = sum(team["amount_vnd"] for team in teams)
            members = sum(team["member_count"] for team in teams)
            rows.append(
                {
                    **self.communes[code],
                    "allocation": allocation,
                    "allocated_vnd": allocation["amount_vnd"],
                    "teams_amount_vnd": teams_amount,
                    "unallocated_vnd": allocation["amount_vnd"] - teams_amount,
                    "team_count": len(teams),
                    "decided_team_count": allocation["team_count"],
                    "member_count": members,
                    "members_per_team": members / len(teams) if teams else 0,
                    "below_minimum": sum(team["member_count"] < minimum for team in teams),
                    "decisions": [
                        {"number": number, "date": date}
                        for number, date in sorted(
                            {(p["decision_number"], p["decision_date"]) for team in teams for p in team["periods"]}
                        )
                    ],
                    "url": commune_url(code, fiscal_year),
                    "search_name": ascii_fold(self.communes[code]["full_name"]),
                }
            )
        return sorted(rows, key=lambda row: row["code"])

    def year(self, fiscal_year: int) -> dict:
        return next(year for year in self.years if year["fiscal_year"] == fiscal_year)

    def totals(self, fiscal_year: int) -> dict:
        rows = self.commune_rows[fiscal_year]
        teams = sum(row["team_count"] for row in rows)
        members = sum(row["member_count"] for row in rows)
        return {
            "communes": len(rows),
            "teams": teams,
            "members": members,
            "members_per_team": members / teams if teams else 0,
            "allocated_vnd": sum(row["allocated_vnd"] for row in rows),
            "teams_amount_vnd": sum(row["teams_amount_vnd"] for row in rows),
            "unallocated_vnd": sum(row["unallocated_vnd"] for row in rows),
            "below_minimum": sum(row["below_minimum"] for row in rows),
        }


def year_pages(site: SiteData) -> list[PageModel]:
    pages = []
    for year in site.years:
        fiscal_year = year["fiscal_year"]
        context = {
            "year": year,
            "fiscal_year": fiscal_year,
            "communes": site.commune_rows[fiscal_year],
            "totals": site.totals(fiscal_year),
            "year_links": [(y, year_url(y)) for y in site.year_numbers],
            "canonical": year_url(fiscal_year),
            "source": source_of(year, [year["province_decision"]], [province_file(fiscal_year)]),
        }
        pages.append(PageModel(year_url(fiscal_year) + "index.html", "year.html", context))
        if fiscal_year == site.latest_year:
            pages.append(PageModel("index.html", "year.html", {**context, "is_home": True}))
    return pages


def commune_pages(site: SiteData) -> list[PageModel]:
    pages = []
    for year in site.years:
        fiscal_year = year["fiscal_year"]
        for row in site.commune_rows[fiscal_year]:
            code = row["code"]
            teams = sorted(site.teams_by_commune[fiscal_year, code], key=lambda team: team["team_id"])
            context = {
                "year": year,
                "fiscal_year": fiscal_year,
                "commune": row,
                "teams": teams,
                "findings": site.findings_by_commune[fiscal_year, code],
                "year_links": [
                    (y, commune_url(code, y)) for y in site.year_numbers if any(r["code"] == code for r in site.commune_rows[y])
                ],
                "canonical": commune_url(code, fiscal_year),
                "source": source_of(
                    year,
                    [year["province_decision"], *row["decisions"]],
                    [province_file(fiscal_year), team_file(fiscal_year, code)],
                ),
            }
            pages.append(PageModel(commune_url(code, fiscal_year) + "index.html", "commune.html", context))
            if fiscal_year == site.latest_year:
                pages.append(PageModel(commune_url(code) + "index.html", "commune.html", {**context, "is_alias": True}))
    return pages


def team_pages(site: SiteData) -> list[PageModel]:
    history: dict[str, list[tuple[dict, dict]]] = defaultdict(list)
    for year in site.years:
        for team in year["teams"]:
            history[team["team_id"]].append((year, team))
    findings_by_file = defaultdict(list)
    for finding in site.dataset["findings"]:
        findings_by_file[finding["file"]].append(finding)
    pages = []
    for team_id, entries in sorted(history.items()):
        latest_year, latest = entries[-1]
        commune = site.communes[latest["commune_code"]]
        findings = [
            finding
            for _, team in entries
            for file in {p["source_file"] for p in team["periods"]}
            for finding in findings_by_file[file]
            if team_findings(finding, team["periods"])
        ]
        context = {
            "team": latest,
            "commune": commune,
            "entries": [
                {
                    "year": year,
                    "team": team,
                    "source": source_of(
                        year,
                        [{"number": p["decision_number"], "date": p["decision_date"]} for p in team["periods"]],
                        sorted({p["source_file"] for p in team["periods"]}),
                    ),
                }
                for year, team in entries
            ],
            "findings": findings,
            "fiscal_year": latest_year["fiscal_year"],
            "canonical": team_url(team_id),
            "commune_url": commune_url(commune["code"], latest_year["fiscal_year"]),
        }
        pages.append(PageModel(team_url(team_id) + "index.html", "team.html", context))
    return pages


def build_page_models(dataset_path: Path) -> tuple[SiteData, list[PageModel]]:
    site = SiteData(json.loads(Path(dataset_path).read_text(encoding="utf-8")))
    return site, [*year_pages(site), *commune_pages(site), *team_pages(site)]
