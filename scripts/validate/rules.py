"""Reads the tables ingest read from data/; writes build/dataset.json and the staff's reports, or stops on any error.

Every rule is checked and every problem collected before the run stops. Output files (in the build directory):
- ``dataset.json``: the typed, allow-listed data every later stage reads (scripts/model/dataset.py declares its records). Per year: ``communes``
  (province decision rows), ``teams`` (one record per team with its allocation ``periods``),
  ``payments`` (public columns of schema.PAYMENTS plus source_file/source_row; every payment lies
  within one period of its team), ``published_on``, ``payments_published_on`` (None without
  payments) and ``sources`` (path → sha256, bytes of every input file);
- ``validation.csv``: every problem as a row (code, severity, file, row, column, value, message).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from scripts.common.files import write_if_changed
from scripts.common.formatting import months, number
from scripts.ingest import parse, personal
from scripts.ingest.load import (
    POLICY_FILE,
    PROVINCE_FILE,
    RawInput,
    RawTable,
    YearInput,
    load,
)
from scripts.model import problems as P
from scripts.model.dataset import Contact, Contacts, Dataset, Payment, Policy, Province, Rate, Team, Year
from scripts.model.schema import (
    CONTACTS,
    FISCAL_YEAR,
    MAX_AMOUNT,
    MAX_COUNT,
    PAYMENTS,
    PROVINCE_CONTACT,
    PROVINCE_ALLOCATIONS,
    TEAM_ALLOCATIONS,
    Column,
    Table,
)
from scripts.validate import quality_report



class ValidationFailed(Exception):
    def __init__(self, report: "Report"):
        self.report = report
        super().__init__(f"{len(report.errors)} lỗi dữ liệu")

    def __reduce__(self):
        # Raised in a province's own process (scripts/publish/nation.py) and read back in the parent: by its
        # report, not by its message, or the parent gets only "a process ... terminated abruptly".
        return ValidationFailed, (self.report,)


LISTED_PER_KIND = 20  # errors or notices of one kind listed per file; a 384,000-row file made 384,246


@dataclass
class Report:
    problems: list[P.Problem] = field(default_factory=list)
    counted: dict[tuple[str, str], P.Problem] = field(default_factory=dict)  # (code, file) → its "and N more"
    seen: Counter = field(default_factory=Counter)
    reading: str = ""  # the file the rules are at: where an unexpected failure is reported

    def add(self, problem: P.Problem) -> None:
        """Every finding is kept (the site publishes them); of one kind of error or notice in one file,
        the first ``LISTED_PER_KIND`` and then one line that counts the rest."""
        key = (problem.code, problem.file)
        self.seen[key] += 1
        if problem.severity == P.WARNING or self.seen[key] <= LISTED_PER_KIND:
            self.problems.append(problem)
        elif key in self.counted:
            self.counted[key].params["count"] += 1
        else:
            kind = P.MoreProblems if problem.severity == P.ERROR else P.MoreNotices
            self.counted[key] = kind(file=problem.file, value=problem.code, params={"count": 1, "title": problem.title})
            self.problems.append(self.counted[key])

    @property
    def errors(self) -> list[P.Problem]:
        return [p for p in self.problems if p.severity == P.ERROR]

    @property
    def warnings(self) -> list[P.Problem]:
        return [p for p in self.problems if p.severity == P.WARNING]

    def rows(self) -> list[dict]:
        return [problem.as_row() for problem in self.problems]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cell_location(column: Column, text: str, table: RawTable, row: int) -> dict:
    return dict(file=table.relative_path, row=row, column=column.name, value=text)


def parse_cell(column: Column, text: str, table: RawTable, row: int, report: Report):
    """Return the typed value, or None after reporting why the cell is unusable. The cell's location
    is built only for a problem: most cells have none."""
    if text == "":
        if column.required:
            report.add(P.MissingValue(**cell_location(column, text, table, row)))
        return None
    try:
        value, restored = parse.parse_value(column, text)
    except parse.Invalid as invalid:
        report.add(invalid.kind(**cell_location(column, text, table, row), params=invalid.params))
        return None
    if restored:
        report.add(P.CodeRestored(**cell_location(column, text, table, row), params={"restored": restored}))
    return value


def typed_rows(table: RawTable, schema: Table, report: Report) -> list[dict]:
    """Check the header and every cell; return rows whose cells all parsed (with their row number)."""
    report.reading = table.relative_path
    for problem in table.problems:
        report.add(problem)
    if not table.header:
        return []
    expected = ", ".join(schema.column_names)
    meant = {name: column for name in table.header if name not in schema.column_names and (column := schema.column_meant_by(name))}
    renamed = {column.name for column in meant.values()}
    for name in schema.column_names:
        if name not in table.header and name not in renamed:
            report.add(P.MissingColumn(file=table.relative_path, row=1, column=name))
    for name in table.header:
        if name in schema.column_names:
            continue
        if what := personal.column_kind(name):
            report.add(P.PersonalDataColumn(file=table.relative_path, row=1, column=name, params={"what": what}))
        elif name in meant:
            report.add(P.MisnamedColumn(file=table.relative_path, row=1, column=name, params={"expected": meant[name].name, "title": meant[name].title}))
        else:
            report.add(P.UnknownColumn(file=table.relative_path, row=1, column=name, params={"expected": expected}))
    present = [column for column in schema.columns if column.name in table.header]
    data_rows = len(table.rows) - trailing_notes(table, schema)
    if data_rows < len(table.rows):
        notes = range(data_rows, len(table.rows))
        first = next(cell for index in notes for cell in table.rows[index].values() if cell)
        rows = ", ".join(str(table.row_number(index)) for index in notes)
        report.add(P.NotADataRow(file=table.relative_path, row=table.row_number(data_rows), params={"rows": rows, "first": first[:80]}))
    result = []
    for index, raw in enumerate(table.rows[:data_rows]):
        row_number = table.row_number(index)
        typed = {"_file": table.relative_path, "_row": row_number}
        complete = len(present) == len(schema.columns)
        for column in present:
            value = parse_cell(column, raw[column.name], table, row_number, report)
            complete = complete and value is not None
            typed[column.name] = value
        if complete:
            result.append(typed)
    return result


def trailing_notes(table: RawTable, schema: Table) -> int:
    """How many rows at the end hold less than half of the required cells: a total, a signature or a note,
    as official spreadsheets close. 0 when no row above them is fuller."""
    required = [column.name for column in schema.columns if column.required and column.name in table.header]
    for count, raw in enumerate(reversed(table.rows)):
        if 2 * sum(1 for name in required if raw[name]) >= len(required):
            return count
    return 0


def misnamed_file(table: RawTable, rows: list[dict], known: dict[str, str], folder: list[RawTable]) -> P.Problem | None:
    """One problem for a file named otherwise than the one commune all its rows name (its name, "01273 -
    Thục Phán", another code): each row would otherwise be a wrong-commune of its own. When that
    commune's own file is in the same ``folder`` too, this one is a second copy ("01273 (1).csv", as a
    browser names a file downloaded again): to keep one, not to take the other's name."""
    path = Path(table.relative_path)
    codes = {row["commune_code"] for row in rows}
    if len(codes) != 1 or path.stem in codes or not codes <= known.keys():
        return None  # mixed or unknown codes: each row is told where it is
    (code,) = codes
    if own := [other.path.name for other in folder if other.path.stem == code]:
        return P.DuplicateSource(file=table.relative_path, value=path.name, params={"other": own[0]})
    named = f"{path.stem} là mã của {known[path.stem]}" if path.stem in known else "tên tệp không phải mã xã, phường"
    params = {"name": path.name, "named": named, "code": code, "commune": known[code], "expected": code + path.suffix}
    return P.MisnamedFile(file=table.relative_path, params=params)


def setting(settings: dict, key: str):
    """A settings file's value by its dotted key ("province_decision.date"), or None."""
    value = settings
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def check_settings_text(file: str, key: str, text: str, report: Report) -> None:
    """The free text of a settings file gets the checks a published CSV text cell gets."""
    try:
        parse.parse_value(Column(key, "text", key, "", max_length=SETTINGS_TEXT_LENGTH), text)
    except parse.Invalid as invalid:
        report.add(invalid.kind(file=file, column=key, value=text, params=invalid.params))


def check_settings(settings: dict, file: str, keys: tuple, report: Report, kind: type[P.Problem]) -> list[str]:
    """Report each of ``keys`` (key, expected, valid) that is missing or of the wrong type, as ``kind``, and
    check each text; return the keys found wrong."""
    wrong = []
    for key, expected, valid in keys:
        value = setting(settings, key)
        if not valid(value):
            wrong.append(key)
            report.add(kind(file=file, column=key, params={"expected": expected}))
        elif isinstance(value, str):
            check_settings_text(file, key, value, report)
    return wrong


def check_year_metadata(year: YearInput, report: Report) -> bool:
    """Report every missing or mistyped entry of year.toml; return whether all are usable."""
    file = f"allocations/{year.fiscal_year}/year.toml"
    report.reading = file
    # Payments, when a year has them, are published on their own date.
    keys = YEAR_KEYS + ((("payments_published_on", DATE, is_date),) if year.payments else ())
    return not check_settings(year.metadata, file, keys, report, P.MetadataMissing)


def check_commune_codes(rows: list[dict], known: dict[str, str], report: Report) -> list[dict]:
    kept = []
    for row in rows:
        if row["commune_code"] in known:
            kept.append(row)
        else:
            report.add(P.UnknownCommune(file=row["_file"], row=row["_row"], column="commune_code", value=row["commune_code"]))
    return kept


def check_province(year: YearInput, known: dict[str, str], report: Report) -> dict[str, dict]:
    rows = check_commune_codes(typed_rows(year.province, PROVINCE_ALLOCATIONS, report), known, report)
    by_commune: dict[str, dict] = {}
    for row in rows:
        first = by_commune.get(row["commune_code"])
        if first:
            report.add(
                P.DuplicateCommune(
                    file=row["_file"], row=row["_row"], column="commune_code", value=row["commune_code"],
                    params={"first_row": first["_row"]},
                )
            )
            continue
        by_commune[row["commune_code"]] = row
    number, total = (setting(year.metadata, f"province_decision.{key}") for key in ("number", "total_amount_vnd"))
    if is_text(number):
        for row in rows:
            if row["decision_number"] != number:
                report.add(
                    P.DecisionMismatch(
                        file=row["_file"], row=row["_row"], column="decision_number", value=row["decision_number"],
                        params={"expected": number},
                    )
                )
    if is_amount(total):
        rows_total = sum(row["amount_vnd"] for row in by_commune.values())
        if year.province.readable and rows_total != total:
            report.add(
                P.ProvinceTotalMismatch(
                    file=year.province.relative_path, column="amount_vnd",
                    params={
                        "rows_total": rows_total,
                        "decision_total": total,
                        "difference": rows_total - total,
                    },
                )
            )
    return by_commune


def check_team_file(table: RawTable, folder: list[RawTable], known: dict[str, str], report: Report, schema: Table = TEAM_ALLOCATIONS) -> list[dict]:
    """Rows of a per-commune file about teams (allocations or payments), one of the files of ``folder``:
    right commune, months in order."""
    file_commune = Path(table.relative_path).stem
    typed = typed_rows(table, schema, report)
    if misnamed := misnamed_file(table, typed, known, folder):
        report.add(misnamed)
        return []
    rows = []
    for row in typed:
        where = dict(file=row["_file"], row=row["_row"])
        if row["commune_code"] not in known:
            report.add(P.UnknownCommune(**where, column="commune_code", value=row["commune_code"]))
            continue
        if row["commune_code"] != file_commune:
            report.add(P.WrongCommune(**where, column="commune_code", value=row["commune_code"], params={"expected": file_commune}))
            continue
        if not row["team_id"].startswith(row["commune_code"] + "-"):
            report.add(P.WrongCommune(**where, column="team_id", value=row["team_id"], params={"expected": file_commune}))
            continue
        if row["month_from"] > row["month_to"]:
            report.add(
                P.MonthRangeReversed(
                    **where, column="month_from", value=str(row["month_from"]),
                    params={"month_from": row["month_from"], "month_to": row["month_to"]},
                )
            )
            continue
        rows.append(row)
    return rows


def check_team_identity(rows: list[dict], report: Report) -> list[dict]:
    """One id means one team, and a team is funded at most once for any month."""
    first_by_id: dict[str, dict] = {}
    periods: dict[str, list[dict]] = defaultdict(list)
    kept = []
    for row in rows:
        team_id = row["team_id"]
        first = first_by_id.setdefault(team_id, row)
        where = dict(file=row["_file"], row=row["_row"], column="team_id", value=team_id)
        other = {"other_file": first["_file"], "other_row": first["_row"]}
        if (first["team_name"], first["village"]) != (row["team_name"], row["village"]):
            report.add(P.DuplicateTeamId(**where, params={**other, "other": first["team_name"]}))
            continue
        clash = next(
            (p for p in periods[team_id] if p["month_from"] <= row["month_to"] and row["month_from"] <= p["month_to"]),
            None,
        )
        if clash:
            months = f"{max(clash['month_from'], row['month_from'])}–{min(clash['month_to'], row['month_to'])}"
            report.add(
                P.OverlappingFunding(
                    **where, params={"months": months, "other_file": clash["_file"], "other_row": clash["_row"]}
                )
            )
            continue
        periods[team_id].append(row)
        kept.append(row)
    return kept


def expected_amount(row: dict, rate: Rate) -> int:
    months = row["month_to"] - row["month_from"] + 1
    per = row["member_count"] if rate["basis"] == "per_member_month" else 1
    return rate["amount_vnd"] * months * per


def rate_for_year(policy: Policy, fiscal_year: int) -> Rate | None:
    """The rate in force in the fiscal year (rates are listed with their effective years)."""
    for rate in policy["rates"]:
        if rate["from_year"] <= fiscal_year <= rate.get("to_year", 9999):
            return rate
    return None


WHOLE_NUMBER, TEXT, DATE = "một số nguyên không âm", "một đoạn chữ trong dấu ngoặc kép", "một ngày viết 2025-03-15, không có ngoặc kép"
BOOLEAN, YEAR = "true hoặc false, không có ngoặc kép", f"một năm từ {FISCAL_YEAR.minimum} đến {FISCAL_YEAR.maximum}"
AMOUNT = f"một số đồng nguyên, từ 0 đến {number(MAX_AMOUNT)}"
SETTINGS_TEXT_LENGTH = 1000  # characters: a legal basis quoted in a sentence or two
BASES = ("per_team_month", "per_member_month")


def whole(low: int, high: int):
    # bool is an int to Python, and `sample = true` is no number; bounds keep 25 digits out of the dataset.
    return lambda v: type(v) is int and low <= v <= high


def is_date(value) -> bool:
    return type(value) is dt.date  # not a string that looks like one, not a date and time


def is_text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


is_amount = whole(0, MAX_AMOUNT)
is_year = whole(FISCAL_YEAR.minimum, FISCAL_YEAR.maximum)

# What year.toml must hold: (key, expected, check).
YEAR_KEYS = (
    ("sample", BOOLEAN, lambda v: type(v) is bool),
    ("published_on", DATE, is_date),
    ("province_decision.number", TEXT, is_text),
    ("province_decision.date", DATE, is_date),
    ("province_decision.title", TEXT, is_text),
    ("province_decision.total_amount_vnd", AMOUNT, is_amount),
)
# What policy.toml must hold, and what each rate of its [[rates]] must.
POLICY_KEYS = (
    ("minimum_members", WHOLE_NUMBER, whole(0, MAX_COUNT)),
    ("maximum_members", "một số nguyên dương, hoặc bỏ trống", lambda v: v is None or whole(1, MAX_COUNT)(v)),
    ("publication_deadline_days", "một số nguyên dương", whole(1, 3650)),
    ("publication_deadline_basis", TEXT, is_text),
    ("rates", "ít nhất một mục [[rates]]", lambda v: isinstance(v, list) and v != [] and all(isinstance(r, dict) for r in v)),
)
RATE_KEYS = (
    ("amount_vnd", "một số đồng nguyên dương", whole(1, MAX_AMOUNT)),
    ("basis", " hoặc ".join(BASES), lambda v: v in BASES),
    ("from_year", YEAR, is_year),
    ("to_year", YEAR + ", hoặc bỏ trống", lambda v: v is None or is_year(v)),
    ("sample", BOOLEAN + ", hoặc bỏ trống", lambda v: v is None or type(v) is bool),
    ("resolution_number", TEXT, lambda v: isinstance(v, str)),
    ("resolution_date", DATE, is_date),
    ("resolution_title", TEXT, lambda v: isinstance(v, str)),
    ("effective_from", DATE, is_date),
    ("effective_to", DATE, is_date),
    ("basis_note", TEXT, lambda v: isinstance(v, str)),
)


def check_policy(policy: dict, report: Report) -> bool:
    """Report every missing or mistyped entry of policy.toml; return whether the years can use it."""
    report.reading = POLICY_FILE
    wrong = check_settings(policy, POLICY_FILE, POLICY_KEYS, report, P.PolicyInvalid)
    if "rates" not in wrong:
        for index, rate in enumerate(policy["rates"], start=1):
            keys = tuple((f"rates[{index}].{key}", expected, valid) for key, expected, valid in RATE_KEYS)
            wrong += check_settings({f"rates[{index}]": rate}, POLICY_FILE, keys, report, P.PolicyInvalid)
    return not wrong


def published_policy(policy: dict) -> Policy:
    """Only the keys the rules know and checked reach the site."""
    known = {key: policy[key] for key, _, _ in POLICY_KEYS if key in policy}
    rate_keys = [key for key, _, _ in RATE_KEYS]
    return known | {"rates": [{key: rate[key] for key in rate_keys if key in rate} for rate in policy["rates"]]}


def check_findings(rows: list[dict], rate: Rate, policy: Policy, report: Report) -> None:
    minimum_members, maximum_members = policy["minimum_members"], policy.get("maximum_members")
    for row in rows:
        where = dict(file=row["_file"], row=row["_row"])
        if row["member_count"] < minimum_members:
            report.add(
                P.TeamBelowMinimum(**where, column="member_count", value=str(row["member_count"]), params={"minimum": minimum_members})
            )
        if maximum_members is not None and row["member_count"] > maximum_members:
            report.add(
                P.TeamAboveMaximum(**where, column="member_count", value=str(row["member_count"]), params={"maximum": maximum_members})
            )
        expected = expected_amount(row, rate)
        if row["amount_vnd"] != expected:
            report.add(
                P.AmountDiffersFromRate(
                    **where, column="amount_vnd", value=str(row["amount_vnd"]),
                    params={"amount": row["amount_vnd"], "expected": expected, "difference": row["amount_vnd"] - expected},
                )
            )


def summarise_teams(rows: list[dict]) -> list[Team]:
    """Merge a team's periods into one public record per team and year."""
    teams: dict[str, Team] = {}
    for row in sorted(rows, key=lambda r: (r["team_id"], r["month_from"])):
        period = {
            "month_from": row["month_from"],
            "month_to": row["month_to"],
            "member_count": row["member_count"],  # downloads republish each decision row as written
            "amount_vnd": row["amount_vnd"],
            "decision_number": row["decision_number"],
            "decision_date": row["decision_date"].isoformat(),
            "source_file": row["_file"],
            "source_row": row["_row"],
        }
        team = teams.setdefault(
            row["team_id"],
            {
                "team_id": row["team_id"],
                "team_name": row["team_name"],
                "village": row["village"],
                "commune_code": row["commune_code"],
                "member_count": row["member_count"],
                "amount_vnd": 0,
                "months": 0,
                "periods": [],
            },
        )
        team["member_count"] = row["member_count"]  # the latest period's membership
        team["amount_vnd"] += row["amount_vnd"]
        team["months"] += row["month_to"] - row["month_from"] + 1
        team["periods"].append(period)
    return list(teams.values())


def check_commune_balances(
    province: dict[str, dict], teams: list[Team], year: YearInput, report: Report
) -> None:
    funded = defaultdict(lambda: {"amount": 0, "teams": 0})
    for team in teams:
        funded[team["commune_code"]]["amount"] += team["amount_vnd"]
        funded[team["commune_code"]]["teams"] += 1
    team_file = {Path(t.relative_path).stem: t.relative_path for t in year.teams}
    for code, sums in sorted(funded.items()):
        if code not in province:
            report.add(P.CommuneNotAllocated(file=team_file.get(code, ""), column="commune_code", value=code))
    for code, row in sorted(province.items()):
        sums = funded[code]
        file = team_file.get(code, year.province.relative_path)
        allocated = row["amount_vnd"]
        if sums["amount"] > allocated:
            report.add(
                P.CommuneOverallocated(
                    file=file, column="amount_vnd", value=code,
                    params={"teams_total": sums["amount"], "allocated": allocated, "excess": sums["amount"] - allocated},
                )
            )
        elif sums["amount"] < allocated:
            report.add(
                P.CommuneUnallocatedBalance(file=file, column="amount_vnd", value=code, params={"balance": allocated - sums["amount"]})
            )
        if sums["teams"] != row["team_count"]:
            report.add(
                P.TeamCountDiffers(
                    file=row["_file"], row=row["_row"], column="team_count", value=code,
                    params={"decided": row["team_count"], "funded": sums["teams"]},
                )
            )


def check_payments(year: YearInput, allocations: list[dict], known: dict[str, str], report: Report) -> list[dict]:
    """Each payment pays one allocation period of an allocated team; a period's payments never exceed it."""
    periods: dict[str, list[dict]] = defaultdict(list)
    for row in allocations:
        periods[row["team_id"]].append(row)
    written: dict[str, int] = defaultdict(int)  # allocation rows per team as staff wrote them, valid or not
    for table in year.teams:
        for raw in table.rows:
            written[parse.canonical_code(raw.get("team_id", ""))] += 1
    paid: dict[tuple[str, int], int] = defaultdict(int)  # by (team, first month of its period)
    payment_rows: dict[tuple[str, int], list[int]] = defaultdict(list)
    kept = []
    for table in year.payments:
        rows = check_team_file(table, year.payments, known, report, PAYMENTS)
        teams = commune_teams(table, year)
        if rows and (unchecked := payments_unchecked(table, year, teams, len(rows))):
            report.add(unchecked)
            continue
        unknown = []  # payments to a team the allocations do not have
        overpaid: dict[tuple[str, int], tuple[dict, dict]] = {}  # each period once, at the payment that took it over
        for row in rows:
            where = dict(file=row["_file"], row=row["_row"])
            team_id = row["team_id"]
            if written.get(team_id, 0) != len(periods.get(team_id, [])):
                continue  # some of the team's allocation rows were rejected and reported: no second error here
            if team_id not in periods:
                unknown.append(row)
                continue
            period = next(
                (p for p in periods[team_id] if p["month_from"] <= row["month_from"] and row["month_to"] <= p["month_to"]),
                None,
            )
            if period is None:
                listed = ", ".join(
                    months(p["month_from"], p["month_to"]) for p in sorted(periods[team_id], key=lambda p: p["month_from"])
                )
                report.add(
                    P.PaymentOutsideAllocation(
                        **where, column="month_from", value=str(row["month_from"]),
                        params={"team_id": team_id, "months": months(row["month_from"], row["month_to"]), "periods": listed},
                    )
                )
                continue
            check_payment_date(row, period, year.fiscal_year, report)
            key = (team_id, period["month_from"])
            paid[key] += row["amount_vnd"]
            payment_rows[key].append(row["_row"])
            if paid[key] > period["amount_vnd"]:
                overpaid.setdefault(key, (row, period))
                continue
            kept.append(row)
        # One error per period, not one per later payment, each of which would point at a right amount.
        for key, (row, period) in overpaid.items():
            report.add(
                P.PaymentExceedsAllocation(
                    file=row["_file"], row=row["_row"], column="amount_vnd", value=str(row["amount_vnd"]),
                    params={
                        "team_id": key[0],
                        "months": months(period["month_from"], period["month_to"]),
                        "paid": paid[key],
                        "allocated": period["amount_vnd"],
                        "excess": paid[key] - period["amount_vnd"],
                        "rows": row_list(payment_rows[key]),
                    },
                )
            )
        # A payment to a team not found may be to one on a row of the teams file whose team id cannot be read.
        if unknown and (unreadable := rows_without_a_team(teams)):
            reason = f"có dòng không đọc được mã tổ (dòng {row_list(unreadable)})"
            report.add(unchecked_payments(table, teams.relative_path, len(unknown), reason))
        else:
            for row in unknown:
                report.add(
                    P.PaymentUnknownTeam(
                        file=row["_file"], row=row["_row"], column="team_id", value=row["team_id"], params={"fiscal_year": year.fiscal_year}
                    )
                )
    return kept


def row_list(rows: list[int], shown: int = 12) -> str:
    """Row numbers as a message lists them: "2, 44, 86", the first ``shown`` then "…"."""
    return ", ".join(map(str, rows[:shown])) + (", …" if len(rows) > shown else "")


def commune_teams(payments: RawTable, year: YearInput) -> RawTable | None:
    """The teams file of a payments file's commune, if the year has one."""
    commune = Path(payments.relative_path).stem
    return next((t for t in year.teams if Path(t.relative_path).stem == commune), None)


def rows_without_a_team(teams: RawTable | None) -> list[int]:
    """The rows of a teams file whose team cannot be told: unreadable as a whole (ragged), or whose team id is
    missing or invalid. Each is reported where it is; they only say which payments cannot be matched yet."""
    if teams is None:
        return []
    column = TEAM_ALLOCATIONS.column("team_id")
    rows = [problem.row for problem in teams.problems if problem.code == P.RaggedRow.code]
    for index, raw in enumerate(teams.rows[: len(teams.rows) - trailing_notes(teams, TEAM_ALLOCATIONS)]):
        try:
            parse.parse_value(column, raw.get("team_id") or "")
        except parse.Invalid:
            rows.append(teams.row_number(index))
    return sorted(rows)


def payments_unchecked(table: RawTable, year: YearInput, teams: RawTable | None, count: int) -> P.Problem | None:
    """One problem for a payments file whose commune's allocations are missing, unreadable or without team
    ids: its rows cannot be matched to teams, and a "no such team" for each of them would bury the real error."""
    if teams is None:
        return unchecked_payments(table, f"allocations/{year.fiscal_year}/teams/{Path(table.relative_path).stem}.csv", count, "không có")
    if "team_id" in teams.header:
        return None
    return unchecked_payments(table, teams.relative_path, count, "không có cột team_id" if teams.header else "không đọc được")


def unchecked_payments(table: RawTable, teams_file: str, count: int, reason: str) -> P.Problem:
    return P.PaymentsUnchecked(file=table.relative_path, params={"count": count, "teams_file": f"data/{teams_file}", "reason": reason})


def check_payment_date(row: dict, period: dict, fiscal_year: int, report: Report) -> None:
    """Plausibility: money is paid after the decision that allocated it, within its fiscal year or the
    first quarter after it (when the year's accounts are closed)."""
    where = dict(file=row["_file"], row=row["_row"], column="payment_date", value=row["payment_date"].isoformat())
    if row["payment_date"] < period["decision_date"]:
        report.add(
            P.PaidBeforeDecision(
                **where, params={"decision_date": period["decision_date"].isoformat(), "decision_number": period["decision_number"]}
            )
        )
    if not dt.date(fiscal_year, 1, 1) <= row["payment_date"] <= dt.date(fiscal_year + 1, 3, 31):
        report.add(P.PaidOutsideFiscalYear(**where, params={"fiscal_year": fiscal_year}))


def check_publication_dates(rows: list[dict], column: str, published_on: dt.date, report: Report) -> None:
    """A figure cannot have been published before it existed: once per file and date, not per row."""
    seen = set()
    for row in rows:
        if row[column] > published_on and (row["_file"], row[column]) not in seen:
            seen.add((row["_file"], row[column]))
            report.add(
                P.DatedAfterPublication(
                    file=row["_file"], row=row["_row"], column=column, value=row[column].isoformat(),
                    params={"published_on": published_on.isoformat()},
                )
            )


PUBLIC_PAYMENT_COLUMNS = tuple(column.name for column in PAYMENTS.columns if column.public)


def public_payment(row: dict) -> Payment:
    record = {name: row[name] for name in PUBLIC_PAYMENT_COLUMNS}
    record["payment_date"] = row["payment_date"].isoformat()
    return {**record, "source_file": row["_file"], "source_row": row["_row"]}


def validate_year(year: YearInput, known: dict[str, str], policy: Policy | None, report: Report) -> Year | None:
    report.reading = year.directory.relative_to(year.directory.parent.parent).as_posix() + "/"
    complete = check_year_metadata(year, report)
    province = check_province(year, known, report)
    rows = []
    for table in year.teams:
        rows.extend(check_team_file(table, year.teams, known, report))
    rows = check_team_identity(rows, report)
    # Without a usable policy (its problems are reported once, by check_policy), no finding needs it.
    rate = rate_for_year(policy, year.fiscal_year) if policy else None
    if policy and rate is None:
        report.add(P.PolicyNoRate(file=POLICY_FILE, column="rates", value=str(year.fiscal_year)))
    if rate:
        check_findings(rows, rate, policy, report)
    teams = summarise_teams(rows)
    check_commune_balances(province, teams, year, report)
    payments = check_payments(year, rows, known, report)
    if not complete:
        return None
    metadata = year.metadata
    check_publication_dates([*province.values(), *rows], "decision_date", metadata["published_on"], report)
    payments_published_on = metadata["payments_published_on"] if year.payments else None
    if payments_published_on:
        check_publication_dates(payments, "payment_date", payments_published_on, report)
    decision = metadata["province_decision"]
    return {
        "fiscal_year": year.fiscal_year,
        "sample": bool(metadata["sample"]),
        "published_on": metadata["published_on"].isoformat(),
        "province_decision": {
            "number": decision["number"],
            "date": decision["date"].isoformat(),
            "title": decision["title"],
            "total_amount_vnd": decision["total_amount_vnd"],
        },
        "rate": rate,
        "communes": [
            {
                "commune_code": code,
                "team_count": row["team_count"],
                "amount_vnd": row["amount_vnd"],
                "decision_number": row["decision_number"],
                "decision_date": row["decision_date"].isoformat(),
                "source_file": row["_file"],
                "source_row": row["_row"],
            }
            for code, row in sorted(province.items())
        ],
        "teams": teams,
        "payments": [
            public_payment(row)
            for row in sorted(payments, key=lambda r: (r["team_id"], r["month_from"], r["payment_date"], r["_row"]))
        ],
        "payments_published_on": payments_published_on.isoformat() if payments_published_on else None,
        "sources": {
            table.relative_path: {"sha256": sha256_of(table.path), "bytes": table.path.stat().st_size}
            for table in [year.province, *year.teams, *year.payments]
            if table.path.exists()
        },
    }


PROVINCE_KEYS = ("name", "boundaries_source")  # required, not blank; sample_note may be left out


def check_province_file(raw: RawInput, report: Report) -> Province:
    """The province the data belongs to, as pages, notices and the data package name it, and who drew its boundaries."""
    report.reading = PROVINCE_FILE
    province = {key: raw.province.get(key) for key in PROVINCE_KEYS} | {"sample_note": raw.province.get("sample_note", "")}
    for key, value in province.items():
        if not isinstance(value, str) or (key in PROVINCE_KEYS and not value.strip()):
            report.add(P.ProvinceMissing(file=PROVINCE_FILE, column=key))
        else:
            check_settings_text(PROVINCE_FILE, key, value, report)
    return province


CONTACT_FIELDS = tuple(column.name for column in CONTACTS.columns if column.name != "code")  # what pages print of each


def check_contacts(raw: RawInput, report: Report) -> Contacts:
    """One contact per commune of the reference list and one for the province's feedback channel: every
    commune page, team page and notice says where to report a figure."""
    rows = typed_rows(raw.contacts, CONTACTS, report) if raw.contacts else []
    names = {record["code"]: record["full_name"] for record in raw.communes}
    found: dict[str, dict] = {}
    for row in rows:
        where = dict(file=row["_file"], row=row["_row"], column="code", value=row["code"])
        if row["code"] != PROVINCE_CONTACT and row["code"] not in names:
            report.add(P.UnknownCommune(**where))
        elif row["code"] in found:
            report.add(P.DuplicateContact(**where, params={"first_row": found[row["code"]]["_row"]}))
        else:
            found[row["code"]] = row
    # Only a file read whole, with its code column, can lack a row; a row with a bad cell is reported at that cell.
    if raw.contacts and raw.contacts.readable and "code" in raw.contacts.header:
        written = {cells["code"] for cells in raw.contacts.rows}
        for code, what in {PROVINCE_CONTACT: "kênh phản ánh của tỉnh", **names}.items():
            if code not in written:
                report.add(P.ContactMissing(file=raw.contacts.relative_path, column="code", value=code, params={"what": what}))
    contacts: dict[str, Contact] = {code: {key: row[key] for key in CONTACT_FIELDS} for code, row in sorted(found.items())}
    return {"province": contacts.pop(PROVINCE_CONTACT, None), "communes": contacts}


def validate(raw: RawInput) -> tuple[Dataset, Report]:
    """Every rule; an unexpected failure of one is reported with the file it was reading, never raised."""
    report = Report(list(raw.problems))
    try:
        return validated(raw, report), report
    except Exception as error:  # noqa: BLE001 - staff get the file and a Vietnamese message, not a traceback
        report.add(P.UnexpectedError(file=report.reading, params={"error": type(error).__name__}))
        return {"province": {}, "policy": {}, "communes": [], "years": [], "findings": []}, report


def validated(raw: RawInput, report: Report) -> Dataset:
    province = check_province_file(raw, report)
    contacts = check_contacts(raw, report)
    policy = published_policy(raw.policy) if check_policy(raw.policy, report) else None
    known = {record["code"]: record["full_name"] for record in raw.communes}
    years = [validate_year(year, known, policy, report) for year in raw.years]
    communes = [
        {key: record[key] for key in ("code", "type", "name", "full_name", "area_km2")}
        for record in raw.communes
    ]
    findings = [problem.as_row() for problem in report.warnings]
    dataset: Dataset = {
        "province": province,
        "contacts": contacts,
        "policy": policy or raw.policy,
        "communes": communes,
        "years": [year for year in years if year is not None],
        "findings": findings,
    }
    return dataset


def write_report(report: Report, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["code", "severity", "file", "row", "column", "value", "message"])
        writer.writeheader()
        writer.writerows(report.rows())


@dataclass
class Validation:
    """What one run found, before anything is written."""

    raw: RawInput
    dataset: Dataset
    report: Report
    build_dir: Path

    def dataset_file(self) -> Path:
        """Write the dataset and return its path; on any error, write the reports and stop instead."""
        if self.report.errors:
            self.staff_reports().write()
            raise ValidationFailed(self.report)
        path = self.build_dir / "dataset.json"
        # For the later stages only: compact, by orjson (13× json's speed on it, and the same bytes; it
        # writes dates as ISO 8601 itself, and refuses any other type it does not know).
        write_if_changed(path, orjson.dumps(self.dataset, option=orjson.OPT_SORT_KEYS))
        return path

    def staff_reports(self) -> StaffReports:
        return StaffReports(self.build_dir, self.report, quality_report.file_rows(self.raw.tables), quality_report.commune_totals(self.dataset))


@dataclass
class StaffReports:
    """What the staff's reports (CSV, HTML) are made of, without the input tables or the dataset: small
    enough for a publish to hand to its worker process, which writes them after the downloads."""

    build_dir: Path
    report: Report
    files: list[dict]  # quality_report.file_rows
    years: list[dict]  # quality_report.commune_totals

    def write(self) -> None:
        write_report(self.report, self.build_dir / "validation.csv")
        quality_report.write(self.build_dir / quality_report.REPORT_NAME, self.report, self.files, self.years)


def check(data_dir: Path, build_dir: Path) -> Validation:
    """load + validate, every rule; nothing written yet."""
    build_dir.mkdir(parents=True, exist_ok=True)
    raw = load(data_dir)
    dataset, report = validate(raw)
    return Validation(raw, dataset, report, build_dir)


def publishable(data_dir: Path, build_dir: Path) -> tuple[Path, StaffReports]:
    """``check``, the dataset written (on any error: the reports written and ValidationFailed raised);
    return the dataset's path and the staff's reports, still to be written. A
    publish runs it in its worker process, so the input tables never reach the main one."""
    validation = check(data_dir, build_dir)
    return validation.dataset_file(), validation.staff_reports()


def run(data_dir: Path, build_dir: Path) -> Path:
    """load + validate; write the reports (CSV, HTML) always, the dataset only when there is no error."""
    dataset, reports = publishable(data_dir, build_dir)
    reports.write()
    return dataset
