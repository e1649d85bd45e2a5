"""Page models: reads build/dataset.json; gives the pages stage one model per data page (year, commune, team).

A page model is where the page is saved, which template renders it and the figures it shows.
Tables are rendered by templates straight from these figures rather than through Markdown,
which is ~20× faster for big tables (GUIDE §3); Markdown is kept for prose pages in content/.
URLs come from stable codes (year, commune code, team id), never from names.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import orjson

from scripts.common.formatting import ascii_fold, months, number, vnd
from scripts.model import problems
from scripts.model.dataset import Commune, Contacts, Dataset, Finding, Payment, Period, Team, Year
from scripts.model.figures import below_minimum, comparison_figures
from scripts.model.urls import (
    checks_url,
    commune_map_path,
    commune_url,
    findings_url,
    former_findings_url,
    notice_pdf,
    notice_url,
    payment_file,
    province_file,
    province_map_path,
    team_file,
    team_url,
    year_url,
)
from scripts.site.charts import payment_progress


@dataclass
class PageModel:
    save_as: str
    template: str
    context: dict = field(default_factory=dict)


@lru_cache(maxsize=4096)  # a few decisions, cited by every page of their commune and its teams
def timeliness(decision_date: str, published_on: str, deadline_days: int) -> dict:
    """Days from signing a decision to publishing it, against the legal deadline."""
    days = (dt.date.fromisoformat(published_on) - dt.date.fromisoformat(decision_date)).days
    return {"days": days, "late": days > deadline_days, "before_decision": days < 0}


SOURCE_KINDS = {"teams": "Phân bổ kinh phí cho các tổ", "payments": "Kết quả chi trả cho các tổ"}


def source_label(path: str, communes: dict[str, Commune]) -> str:
    """A source file as a citizen reads it, "Phân bổ kinh phí cho các tổ của Xã Đông Khê năm 2025",
    not as the repository stores it (allocations/2025/teams/01786.csv: for staff only)."""
    parts = path.split("/")
    fiscal_year = parts[1]
    if len(parts) == 4 and parts[2] in SOURCE_KINDS and (code := parts[3].rsplit(".", 1)[0]) in communes:
        return f"{SOURCE_KINDS[parts[2]]} của {communes[code]['full_name']} năm {fiscal_year}"
    return f"Quyết định giao dự toán của tỉnh năm {fiscal_year}"


def source_of(year: Year, decisions: list[dict], files: list[str], deadline_days: int, communes: dict[str, Commune]) -> dict:
    """What a page cites: the decisions behind its figures (with how long publication took),
    the source files by what they hold, with hashes, and when allocations and payments were published."""
    cited = [path for path in files if path in year["sources"]]
    return {
        "decisions": [{**d, **timeliness(d["date"], year["published_on"], deadline_days)} for d in decisions],
        "deadline_days": deadline_days,
        "files": [{"label": source_label(path, communes), **year["sources"][path]} for path in cited],
        "published_on": year["published_on"],
        "payments_published_on": year["payments_published_on"] if any("/payments/" in path for path in cited) else None,
    }


def year_heading(year: Year) -> dict:
    """A year as a page shows it: without the year's rows, so each page's context holds only its own
    figures and a republish re-renders only the pages whose figures changed (scripts/site/reuse.py)."""
    return {key: value for key, value in year.items() if key not in ("teams", "communes", "payments", "sources")}


@dataclass(frozen=True)
class DataVersions:
    """Which data release each commune's figures are in: the latest release that changed them
    (scripts/site/open_data.py reads it from the release history). Not the release being built: a page
    naming that would change with every correction anywhere, and no commune's pages could be reused."""

    everyone: str | None = None  # the latest release that changed every commune (the first, or a year added)
    communes: dict[str, str] = field(default_factory=dict)  # communes changed since

    def of(self, code: str) -> str | None:
        return self.communes.get(code, self.everyone)


def report_problem(contacts: Contacts, code: str, subject: str, body: list[str]) -> dict:
    """Where to report a figure of a commune's page or its team's, and the e-mail prefilled with what the page shows
    (the template adds the page's address and the data version): theme/templates/_report_problem.html."""
    return {"commune": contacts["communes"][code], "province": contacts["province"], "subject": subject, "body": body}


def figures_line(figures: dict, allocated: int) -> str:
    return f"được phân bổ {vnd(allocated)}, đã chi {vnd(figures['paid_vnd'])}, còn {vnd(figures['remaining_vnd'])} chưa chi"


def period_payments(period: Period, payments: list[Payment]) -> list[Payment]:
    """Validation puts every payment inside exactly one period of its team."""
    return [p for p in payments if period["month_from"] <= p["month_from"] <= period["month_to"]]


def finding_commune(finding: Finding) -> tuple[int, str] | None:
    """(year, commune code) a finding is about, read from its file path: allocations/<year>/…"""
    parts = finding["file"].split("/")
    if len(parts) < 3 or parts[0] != "allocations" or not parts[1].isdigit():
        return None
    if parts[2] == "teams":
        return int(parts[1]), parts[3].rsplit(".", 1)[0]  # its stem: pathlib cost more than the rest, per finding
    return int(parts[1]), finding["value"]


def read_dataset(path: Path) -> Dataset:
    """build/dataset.json (scripts/validate/rules.py), read by every later stage: orjson parses it 2.5× as fast as json."""
    return orjson.loads(Path(path).read_bytes())


def site_data(path: Path) -> SiteData:
    """The dataset in ``path``, indexed: the notices, pages, maps and checks of one build share one (read-only)."""
    return indexed_dataset(Path(path).read_bytes())


@lru_cache(maxsize=1)  # by content, not by path or mtime: a file rewritten within one clock tick still counts as new
def indexed_dataset(content: bytes) -> SiteData:
    return SiteData(orjson.loads(content))


@dataclass
class SiteData:
    """The dataset indexed the ways pages need it, computed once per build."""

    dataset: Dataset
    communes: dict[str, Commune] = field(init=False)
    years: list[Year] = field(init=False)
    commune_rows: dict[int, list[dict]] = field(init=False)
    teams_by_commune: dict[tuple[int, str], list[Team]] = field(init=False)
    findings_by_commune: dict[tuple[int, str], list[Finding]] = field(init=False)
    findings_by_file: dict[str, list[Finding]] = field(init=False)
    payments_by_team: dict[tuple[int, str], list[Payment]] = field(init=False)
    team_of_row: dict[tuple[str, int], Team] = field(init=False)  # (source file, row) → the team of that year
    rows_by_code: dict[int, dict[str, dict]] = field(init=False)
    team_history: dict[str, dict[str, list[tuple[Year, Team]]]] = field(init=False)

    def __post_init__(self):
        self.communes = {c["code"]: c for c in self.dataset["communes"]}
        self.years = sorted(self.dataset["years"], key=lambda y: y["fiscal_year"])
        self.teams_by_commune = defaultdict(list)
        self.payments_by_team = defaultdict(list)
        self.team_of_row = {}
        for year in self.years:
            teams = {}
            for team in year["teams"]:
                teams[team["team_id"]] = team
                self.teams_by_commune[year["fiscal_year"], team["commune_code"]].append(team)
                self.team_of_row.update({(p["source_file"], p["source_row"]): team for p in team["periods"]})
            for payment in year["payments"]:
                self.payments_by_team[year["fiscal_year"], payment["team_id"]].append(payment)
                self.team_of_row[payment["source_file"], payment["source_row"]] = teams[payment["team_id"]]
        self.findings_by_commune = defaultdict(list)
        self.findings_by_file = defaultdict(list)
        for finding in self.dataset["findings"]:
            self.findings_by_file[finding["file"]].append(finding)
            if (key := finding_commune(finding)) is not None:
                self.findings_by_commune[key].append(finding)
        self.commune_rows = {year["fiscal_year"]: self._commune_rows(year) for year in self.years}
        self.rows_by_code = {fiscal_year: {row["code"]: row for row in rows} for fiscal_year, rows in self.commune_rows.items()}
        self.team_history = defaultdict(dict)  # commune code → team id → [(year, team record)], oldest first
        for year in self.years:
            for team in year["teams"]:
                self.team_history[team["commune_code"]].setdefault(team["team_id"], []).append((year, team))

    @property
    def province(self) -> str:
        """Its name as a sentence starts with it: 'Tỉnh Cao Bằng' (data/reference/province.toml)."""
        return self.dataset["province"]["name"]

    @property
    def boundaries_source(self) -> str:
        return self.dataset["province"]["boundaries_source"]

    @property
    def sample_note(self) -> str:
        return self.dataset["province"]["sample_note"]

    @property
    def latest_year(self) -> int:
        return self.years[-1]["fiscal_year"]

    @property
    def year_numbers(self) -> list[int]:
        return [year["fiscal_year"] for year in self.years]

    @property
    def sample(self) -> bool:
        return any(year["sample"] for year in self.years)

    @property
    def deadline_days(self) -> int:
        return self.dataset["policy"]["publication_deadline_days"]

    def source(self, year: Year, decisions: list[dict], files: list[str]) -> dict:
        return source_of(year, decisions, files, self.deadline_days, self.communes)

    def team_figures(self, fiscal_year: int, team: Team) -> dict:
        """A team's record with what was paid and what remains, in total and for each allocation period
        (with its latest payment date and its comparison figures, scripts/model/figures.py)."""
        payments = self.payments_by_team[fiscal_year, team["team_id"]]
        paid = sum(p["amount_vnd"] for p in payments)
        minimum = self.dataset["policy"]["minimum_members"]
        periods = []
        for period in team["periods"]:
            own = period_payments(period, payments)
            period_total = sum(p["amount_vnd"] for p in own)
            periods.append(
                {
                    **period,
                    "paid_vnd": period_total,
                    "last_payment_date": max((p["payment_date"] for p in own), default=None),
                    "remaining_vnd": period["amount_vnd"] - period_total,
                    **comparison_figures(period["amount_vnd"], period_total, period["member_count"]),
                    "below_minimum": below_minimum(period["member_count"], minimum),
                }
            )
        return {**team, "periods": periods, "payments": payments, "paid_vnd": paid, "remaining_vnd": team["amount_vnd"] - paid}

    def _commune_rows(self, year: Year) -> list[dict]:
        fiscal_year = year["fiscal_year"]
        minimum = self.dataset["policy"]["minimum_members"]
        rows = []
        for allocation in year["communes"]:
            code = allocation["commune_code"]
            teams = self.teams_by_commune[fiscal_year, code]
            teams_amount = sum(team["amount_vnd"] for team in teams)
            paid = sum(p["amount_vnd"] for team in teams for p in self.payments_by_team[fiscal_year, team["team_id"]])
            members = sum(team["member_count"] for team in teams)
            rows.append(
                {
                    **self.communes[code],
                    "allocation": allocation,
                    "allocated_vnd": allocation["amount_vnd"],
                    "teams_amount_vnd": teams_amount,
                    "unallocated_vnd": allocation["amount_vnd"] - teams_amount,
                    "paid_vnd": paid,
                    "remaining_vnd": teams_amount - paid,
                    "team_count": len(teams),
                    "decided_team_count": allocation["team_count"],
                    "member_count": members,
                    "members_per_team": members / len(teams) if teams else 0,
                    "below_minimum": sum(below_minimum(team["member_count"], minimum) for team in teams),
                    **comparison_figures(teams_amount, paid, members),
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

    def commune_row(self, fiscal_year: int, code: str) -> dict | None:
        return self.rows_by_code.get(fiscal_year, {}).get(code)

    def year(self, fiscal_year: int) -> Year:
        return next(year for year in self.years if year["fiscal_year"] == fiscal_year)

    def totals(self, fiscal_year: int) -> dict:
        rows = self.commune_rows[fiscal_year]
        teams = sum(row["team_count"] for row in rows)
        members = sum(row["member_count"] for row in rows)
        teams_amount, paid = sum(row["teams_amount_vnd"] for row in rows), sum(row["paid_vnd"] for row in rows)
        return {
            "communes": len(rows),
            # Early in a year the province has decided and some communes not yet: their teams are not in "teams".
            "decided_teams": sum(row["decided_team_count"] for row in rows),
            "communes_without_teams": sum(1 for row in rows if not row["team_count"]),
            "teams": teams,
            "members": members,
            "members_per_team": members / teams if teams else 0,
            "allocated_vnd": sum(row["allocated_vnd"] for row in rows),
            "teams_amount_vnd": teams_amount,
            "unallocated_vnd": sum(row["unallocated_vnd"] for row in rows),
            "paid_vnd": paid,
            "remaining_vnd": sum(row["remaining_vnd"] for row in rows),
            "below_minimum": sum(row["below_minimum"] for row in rows),
            **comparison_figures(teams_amount, paid, members),
        }


def year_pages(site: SiteData) -> list[PageModel]:
    pages = []
    for year in site.years:
        fiscal_year = year["fiscal_year"]
        totals = site.totals(fiscal_year)
        context = {
            "year": year_heading(year),
            "fiscal_year": fiscal_year,
            "communes": site.commune_rows[fiscal_year],
            "totals": totals,
            "progress": payment_progress(year["payments"], totals["teams_amount_vnd"], fiscal_year, year["payments_published_on"]),
            "year_links": [(y, year_url(y)) for y in site.year_numbers],
            "canonical": year_url(fiscal_year),
            "map_src": province_map_path(fiscal_year),
            "source": site.source(year, [year["province_decision"]], [province_file(fiscal_year)]),
        }
        pages.append(PageModel(year_url(fiscal_year) + "index.html", "year.html", context))
        if fiscal_year == site.latest_year:
            pages.append(PageModel("index.html", "year.html", {**context, "is_home": True}))
    return pages


def commune_pages(site: SiteData, code: str, version: str | None) -> list[PageModel]:
    """Each year's page of a commune, its notice, and its latest year's page at the year-less URL."""
    pages = []
    for year in site.years:
        fiscal_year = year["fiscal_year"]
        row = site.commune_row(fiscal_year, code)
        if row is None:
            continue
        teams = [
            site.team_figures(fiscal_year, team)
            for team in sorted(site.teams_by_commune[fiscal_year, code], key=lambda team: team["team_id"])
        ]
        context = {
            "year": year_heading(year),
            "fiscal_year": fiscal_year,
            "commune": row,
            "teams": teams,
            "progress": payment_progress(
                [p for team in teams for p in team["payments"]], row["teams_amount_vnd"], fiscal_year, year["payments_published_on"]
            ),
            "findings": [public_finding(site, finding) for finding in site.findings_by_commune[fiscal_year, code]],
            "year_links": [(y, commune_url(code, y)) for y in site.year_numbers if site.commune_row(y, code)],
            "canonical": commune_url(code, fiscal_year),
            "map_src": commune_map_path(code, fiscal_year),
            "notice_url": notice_url(code, fiscal_year),
            "notice_pdf": notice_pdf(code, fiscal_year),
            "report": report_problem(
                site.dataset["contacts"],
                code,
                f"Phản ánh số liệu kinh phí Tổ CĐSCĐ – {row['full_name']} ({code}) – năm {fiscal_year}",
                [
                    f"Xã/phường: {row['full_name']} (mã {code})",
                    f"Năm {fiscal_year}: tỉnh giao {vnd(row['allocated_vnd'])}; {number(row['team_count'])} tổ {figures_line(row, row['teams_amount_vnd'])}.",
                ],
            ),
            "data_version": version,
            "source": site.source(
                year,
                [year["province_decision"], *row["decisions"]],
                [province_file(fiscal_year), team_file(fiscal_year, code), payment_file(fiscal_year, code)],
            ),
        }
        pages.append(PageModel(commune_url(code, fiscal_year) + "index.html", "commune.html", context))
        pages.append(PageModel(context["notice_url"] + "index.html", "notice.html", {**context, "canonical": context["notice_url"]}))
        if fiscal_year == site.latest_year:
            pages.append(PageModel(commune_url(code) + "index.html", "commune.html", {**context, "is_alias": True}))
    return pages


def team_pages(site: SiteData, code: str, version: str | None) -> list[PageModel]:
    """One page per team of a commune, over every year it was funded (a team id starts with its commune's code)."""
    pages = []
    for team_id, entries in sorted(site.team_history[code].items()):
        latest_year, latest = entries[-1]
        commune = site.communes[latest["commune_code"]]
        findings = []
        for _, team in entries:
            rows = {(p["source_file"], p["source_row"]) for p in team["periods"]}
            for file in dict.fromkeys(p["source_file"] for p in team["periods"]):
                findings += [finding for finding in site.findings_by_file[file] if (file, finding["row"]) in rows]
        years = [
            {
                "year": year_heading(year),
                "team": site.team_figures(year["fiscal_year"], team),
                "source": site.source(
                    year,
                    [{"number": p["decision_number"], "date": p["decision_date"]} for p in team["periods"]],
                    sorted(
                        {p["source_file"] for p in team["periods"]}
                        | {p["source_file"] for p in site.payments_by_team[year["fiscal_year"], team["team_id"]]}
                    ),
                ),
            }
            for year, team in entries
        ]
        figures = years[-1]["team"]
        context = {
            "team": latest,
            "commune": commune,
            "report": report_problem(
                site.dataset["contacts"],
                commune["code"],
                f"Phản ánh số liệu kinh phí {latest['team_name']} (mã {team_id})",
                [
                    f"Tổ: {latest['team_name']} (mã {team_id}), {latest['village']}, {commune['full_name']}",
                    f"Năm {latest_year['fiscal_year']}, "
                    f"{', '.join(months(p['month_from'], p['month_to']) for p in latest['periods'])}: {figures_line(figures, latest['amount_vnd'])}.",
                ],
            ),
            "data_version": version,
            "entries": years,
            "findings": [public_finding(site, finding, about=False) for finding in findings],
            "fiscal_year": latest_year["fiscal_year"],
            "canonical": team_url(team_id),
            "commune_url": commune_url(commune["code"], latest_year["fiscal_year"]),
        }
        pages.append(PageModel(team_url(team_id) + "index.html", "team.html", context))
    return pages


@dataclass
class Block:
    """The pages of one commune: its year pages with their notices, and its teams' pages. They show
    site-wide data (covered by every page's site key, scripts/site/reuse.py) and ``inputs``, this commune's
    own rows, only; when those are unchanged, so is every page of the block, and none needs a model."""

    code: str
    inputs: list
    pages: Callable[[], list[PageModel]]


def block_inputs(site: SiteData, code: str) -> list:
    """Everything of the dataset the commune's and its teams' pages read that is not site-wide."""
    inputs = []
    for year in site.years:
        fiscal_year = year["fiscal_year"]
        teams = site.teams_by_commune.get((fiscal_year, code), [])
        payments = [site.payments_by_team.get((fiscal_year, team["team_id"]), []) for team in teams]
        own_files = {team_file(fiscal_year, code), payment_file(fiscal_year, code)}
        own_files |= {p["source_file"] for team in teams for p in team["periods"]}
        own_files |= {p["source_file"] for paid in payments for p in paid}
        row = site.commune_row(fiscal_year, code)
        inputs.append(
            [
                fiscal_year,
                row and row["allocation"],
                teams,
                payments,
                {path: year["sources"].get(path) for path in sorted(own_files | {province_file(fiscal_year)})},
                site.findings_by_commune.get((fiscal_year, code), []),
                [finding for path in sorted(own_files) for finding in site.findings_by_file.get(path, [])],
            ]
        )
    return inputs


def commune_blocks(site: SiteData, versions: DataVersions) -> list[Block]:
    """Each block's inputs hold its data version: its pages name it."""
    codes = {row["code"] for rows in site.commune_rows.values() for row in rows} | set(site.team_history)
    return [
        Block(
            code,
            [*block_inputs(site, code), versions.of(code)],
            lambda code=code: [*commune_pages(site, code, versions.of(code)), *team_pages(site, code, versions.of(code))],
        )
        for code in sorted(codes)
    ]


def finding_link(site: SiteData, finding: Finding) -> dict | None:
    """The page a finding is about, named as citizens know it: its team (name, commune and code), else its
    commune (name and code), else its year. Never the file and row: those are for staff (the quality report)."""
    if team := site.team_of_row.get((finding["file"], finding["row"])):
        commune = site.communes[team["commune_code"]]["full_name"]
        return {"name": f"{team['team_name']}, {commune}", "code_label": "mã tổ", "code": team["team_id"], "url": team_url(team["team_id"])}
    place = finding_commune(finding)
    if place is None:
        return None
    if commune := commune_of(site, place):
        return {"name": commune["name"], "code_label": "mã", "code": commune["code"], "url": commune["url"]}
    return {"name": f"Năm {place[0]}", "code": None, "url": year_url(place[0])}


def commune_of(site: SiteData, place: tuple[int, str] | None) -> dict | None:
    """The commune of a finding's place (``finding_commune``), with its page for that year; None when it names none."""
    if place is None or place[1] not in site.communes:
        return None
    fiscal_year, code = place
    return {"code": code, "name": site.communes[code]["full_name"], "url": commune_url(code, fiscal_year)}


def public_finding(site: SiteData, finding: Finding, about: bool = True) -> dict:
    """A finding as the public pages show it: its kind (title and page), its message and, with ``about``,
    the team or commune it is about, and its year. Without its file, row and cell, so a row moved within a file
    re-renders nothing."""
    code, place = finding["code"], finding_commune(finding)
    return {
        "code": code,
        "title": problems.KINDS_BY_CODE[code].title,
        "url": findings_url(code),
        "fiscal_year": place and place[0],
        "message": finding["message"],
        "link": finding_link(site, finding) if about else None,
    }


def reconciliation(site: SiteData, year: Year) -> dict:
    """The sums the checks page shows for one year, each beside the figure it must match."""
    fiscal_year = year["fiscal_year"]
    rows = site.commune_rows[fiscal_year]
    totals = site.totals(fiscal_year)
    decision = year["province_decision"]
    periods = [
        period for team in year["teams"] for period in site.team_figures(fiscal_year, team)["periods"]
    ]
    decisions = [{**decision, "url": year_url(fiscal_year)}] + [
        {**d, "url": row["url"], "commune": row["full_name"]} for row in rows for d in row["decisions"]
    ]
    decisions = [{**d, **timeliness(d["date"], year["published_on"], site.deadline_days)} for d in decisions]
    return {
        "year": year_heading(year),
        "fiscal_year": fiscal_year,
        "communes": rows,
        "totals": totals,
        "province_difference": totals["allocated_vnd"] - decision["total_amount_vnd"],
        "short_communes": sum(row["unallocated_vnd"] != 0 for row in rows),
        "periods": len(periods),
        "overpaid_periods": sum(period["remaining_vnd"] < 0 for period in periods),
        "decisions": decisions,
        "late_decisions": sum(d["late"] or d["before_decision"] for d in decisions),
    }


def finding_groups(site: SiteData) -> dict[str, list[dict]]:
    """The published findings by kind (problem code), each with the page it is about and its commune."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for finding in site.dataset["findings"]:
        groups[finding["code"]].append({**public_finding(site, finding), "commune": commune_of(site, finding_commune(finding))})
    return dict(sorted(groups.items()))


def finding_sections(findings: list[dict]) -> list[dict]:
    """One kind's findings by year, newest first, then by commune in code order as the year page lists them,
    so that a citizen finds their commune's among 1,700: those about no commune close their year, and
    those about no year come after every year."""
    by_year: dict[int | None, dict[str | None, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings:
        by_year[finding["fiscal_year"]][finding["commune"] and finding["commune"]["code"]].append(finding)
    return [
        {
            "title": f"Năm {fiscal_year}" if fiscal_year else "Không gắn với năm nào",
            "anchor": f"nam-{fiscal_year}" if fiscal_year else "khong-gan-nam",
            "count": sum(map(len, communes.values())),
            "communes": [
                {"commune": group[0]["commune"], "findings": group}
                for _, group in sorted(communes.items(), key=lambda item: (item[0] is None, item[0] or ""))
            ],
        }
        for fiscal_year, communes in sorted(by_year.items(), key=lambda item: (item[0] is None, -(item[0] or 0)))
    ]


def checks_page(site: SiteData, groups: dict[str, list[dict]]) -> PageModel:
    context = {
        "years": [reconciliation(site, year) for year in reversed(site.years)],
        "finding_groups": [
            {"code": code, "title": problems.KINDS_BY_CODE[code].title, "count": len(findings), "url": findings_url(code)}
            for code, findings in groups.items()
        ],
        "unallocated_url": findings_url("commune-unallocated-balance"),
        "deadline_days": site.deadline_days,
        "deadline_basis": site.dataset["policy"]["publication_deadline_basis"],
        "fiscal_year": site.latest_year,
        "canonical": checks_url(),
    }
    return PageModel(checks_url() + "index.html", "checks.html", context)


def findings_blocks(site: SiteData, groups: dict[str, list[dict]]) -> list[Block]:
    """A page per kind of finding, each a block of its own: the long lists (1,714 teams below the minimum
    in the sample) come back unchanged when an amount is corrected, and are linked whole."""
    return [
        Block(f"phat-hien/{code}", findings, lambda code=code, findings=findings: findings_pages(site, code, findings))
        for code, findings in groups.items()
    ]


def findings_pages(site: SiteData, code: str, findings: list[dict]) -> list[PageModel]:
    """The page of one kind of finding, and a redirect to it from its former English address."""
    title, url = problems.KINDS_BY_CODE[code].title, findings_url(code)
    context = {"title": title, "count": len(findings), "sections": finding_sections(findings), "fiscal_year": site.latest_year, "canonical": url}
    return [
        PageModel(url + "index.html", "findings.html", context),
        PageModel(former_findings_url(code) + "index.html", "moved.html", {"title": title, "canonical": url}),
    ]


def sitemap_entry(page: PageModel) -> tuple[str, str | None] | None:
    """(canonical URL, publication date of its year) of a page at its canonical URL; None for an alias."""
    canonical = page.context.get("canonical")
    if canonical is None or page.save_as != canonical + "index.html":
        return None
    return canonical, page.context["year"]["published_on"] if "year" in page.context else None


def site_page_models(dataset_path: Path, versions: DataVersions = DataVersions()) -> tuple[SiteData, list[PageModel], list[Block]]:
    """The pages that show the whole province (years, checks), and one block per commune and per kind of finding;
    ``versions`` from the release history (without one, as for the Hugo peer, pages name no data version)."""
    site = site_data(dataset_path)
    groups = finding_groups(site)
    return site, [*year_pages(site), checks_page(site, groups)], [*commune_blocks(site, versions), *findings_blocks(site, groups)]


def build_page_models(dataset_path: Path) -> tuple[SiteData, list[PageModel]]:
    """Every data page's model."""
    site, pages, blocks = site_page_models(dataset_path)
    return site, [*pages, *(page for block in blocks for page in block.pages())]
