"""Reads the published tables; writes du-lieu/kinh-phi-cdscd.db (SQLite, Datasette's home format) and its metadata.json.

Every published table (``downloads.RESOURCES``, handed in: this module is below downloads) with its
primary and foreign keys and an index on each code; two views that sum a team's and a commune's year
(allocated, paid, remaining, per member, share paid, teams under the minimum); full-text search (FTS5)
on team and village names. Datasette's metadata.json says the title, description, licence, source and
unit of every table, view and column, from scripts/model/schema.py.

Same dataset → same bytes (with the same SQLite library): built in memory with a fixed page size, rows
inserted in key order, no clock anywhere, then written out whole by ``VACUUM INTO``.
"""

from __future__ import annotations

import json
import operator
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scripts.model.schema import (
    COMMUNE_NAME,
    COMMUNE_SUMMARY,
    COMMUNES,
    FISCAL_YEAR,
    LICENSE,
    PAID,
    PAID_SHARE,
    PER_MEMBER,
    PROVINCE_ALLOCATIONS,
    REMAINING,
    TEAM_ALLOCATIONS,
    Column,
)

PAGE_SIZE = 4096
SQL_TYPES = {"code": "TEXT", "text": "TEXT", "date": "TEXT", "integer": "INTEGER", "month": "INTEGER", "number": "REAL", "boolean": "INTEGER"}
FTS_TABLE = "teams_fts"  # Datasette finds it by name and offers a search box on the teams table
# Datasette renders a column with a unit through Pint: money gets a unit of its own; counts have none.
CUSTOM_UNITS = ["VND = [currency]"]
DATASETTE_UNITS = {"đồng": "VND", "km²": "km**2"}


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def amount(name: str, title: str, description: str) -> Column:
    return Column(name, "integer", title, description, unit="đồng")


def count(name: str, title: str, description: str, unit: str) -> Column:
    return Column(name, "integer", title, description, unit=unit)


TEAM_ID, TEAM_NAME, VILLAGE = (TEAM_ALLOCATIONS.column(name) for name in ("team_id", "team_name", "village"))
COMMUNE_CODE = TEAM_ALLOCATIONS.column("commune_code")


@dataclass(frozen=True)
class View:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    sql: str  # {minimum}: the policy's minimum number of members


TEAM_TOTALS = View(
    "team_totals",
    "Tổng hợp theo tổ",
    "Một dòng cho mỗi tổ trong mỗi năm: số đã phân bổ, đã chi, còn lại, bình quân mỗi thành viên, tỷ lệ đã chi, "
    "và tổ có ít thành viên hơn mức tối thiểu hay không.",
    (
        FISCAL_YEAR,
        TEAM_ID,
        TEAM_NAME,
        VILLAGE,
        COMMUNE_CODE,
        COMMUNE_NAME,
        count("member_count", "Số thành viên", "Số thành viên theo đợt phân bổ cuối cùng trong năm.", "người"),
        count("months", "Số tháng được hỗ trợ", "Tổng số tháng của các đợt phân bổ trong năm.", "tháng"),
        amount("allocated_vnd", "Đã phân bổ", "Tổng kinh phí xã/phường phân bổ cho tổ trong năm, đồng chẵn."),
        PAID,
        REMAINING,
        PER_MEMBER,
        PAID_SHARE,
        Column("below_minimum", "integer", "Dưới mức tối thiểu", "1 khi tổ có ít thành viên hơn mức tối thiểu của chính sách, 0 khi không."),
    ),
    # The member count is the last period's: with exactly one max() in a group, SQLite takes the bare
    # column member_count from the row holding that maximum.
    """
    WITH periods AS (
        SELECT fiscal_year, team_id, MAX(month_from) AS last_month_from, member_count,
               SUM(month_to - month_from + 1) AS months, SUM(amount_vnd) AS allocated_vnd
        FROM team_allocations GROUP BY fiscal_year, team_id
    ), paid AS (
        SELECT fiscal_year, team_id, SUM(amount_vnd) AS paid_vnd FROM payments GROUP BY fiscal_year, team_id
    )
    SELECT t.fiscal_year, t.team_id, t.team_name, t.village, t.commune_code, c.full_name AS commune_name,
           p.member_count, p.months, p.allocated_vnd, COALESCE(d.paid_vnd, 0) AS paid_vnd,
           p.allocated_vnd - COALESCE(d.paid_vnd, 0) AS remaining_vnd,
           CASE WHEN p.member_count > 0 THEN (2 * p.allocated_vnd + p.member_count) / (2 * p.member_count) END AS amount_per_member_vnd,
           CASE WHEN p.allocated_vnd > 0 THEN (2000 * COALESCE(d.paid_vnd, 0) + p.allocated_vnd) / (2 * p.allocated_vnd) / 10.0 END AS paid_share_pct,
           p.member_count < {minimum} AS below_minimum
    FROM teams t
    JOIN communes c ON c.code = t.commune_code
    JOIN periods p ON p.fiscal_year = t.fiscal_year AND p.team_id = t.team_id
    LEFT JOIN paid d ON d.fiscal_year = t.fiscal_year AND d.team_id = t.team_id
    ORDER BY t.fiscal_year, t.team_id
    """,
)

COMMUNE_TOTALS = View(
    "commune_totals",
    "Tổng hợp theo xã, phường",
    "Một dòng cho mỗi xã/phường trong mỗi năm: dự toán tỉnh giao, số đã phân bổ cho các tổ, đã chi, còn lại, "
    "bình quân mỗi thành viên, tỷ lệ đã chi và số tổ dưới mức tối thiểu.",
    (
        FISCAL_YEAR,
        COMMUNE_CODE,
        COMMUNE_NAME,
        count("decided_team_count", "Số tổ theo quyết định của tỉnh", PROVINCE_ALLOCATIONS.column("team_count").description, "tổ"),
        amount("allocated_vnd", "Dự toán tỉnh giao", PROVINCE_ALLOCATIONS.column("amount_vnd").description),
        count("team_count", "Số tổ được phân bổ", "Số tổ mà xã/phường phân bổ kinh phí trong năm.", "tổ"),
        COMMUNE_SUMMARY.column("teams_amount_vnd"),
        amount("unallocated_vnd", "Chưa phân bổ", "Dự toán tỉnh giao trừ số đã phân bổ cho các tổ."),
        PAID,
        REMAINING,
        count("member_count", "Số thành viên", "Tổng số thành viên của các tổ.", "người"),
        PER_MEMBER,
        PAID_SHARE,
        count("below_minimum", "Số tổ dưới mức tối thiểu", "Số tổ có ít thành viên hơn mức tối thiểu của chính sách.", "tổ"),
    ),
    """
    SELECT a.fiscal_year, a.commune_code, c.full_name AS commune_name,
           a.team_count AS decided_team_count, a.amount_vnd AS allocated_vnd,
           COUNT(s.team_id) AS team_count, COALESCE(SUM(s.allocated_vnd), 0) AS teams_amount_vnd,
           a.amount_vnd - COALESCE(SUM(s.allocated_vnd), 0) AS unallocated_vnd,
           COALESCE(SUM(s.paid_vnd), 0) AS paid_vnd, COALESCE(SUM(s.remaining_vnd), 0) AS remaining_vnd,
           COALESCE(SUM(s.member_count), 0) AS member_count,
           CASE WHEN SUM(s.member_count) > 0 THEN (2 * SUM(s.allocated_vnd) + SUM(s.member_count)) / (2 * SUM(s.member_count)) END AS amount_per_member_vnd,
           CASE WHEN SUM(s.allocated_vnd) > 0 THEN (2000 * SUM(s.paid_vnd) + SUM(s.allocated_vnd)) / (2 * SUM(s.allocated_vnd)) / 10.0 END AS paid_share_pct,
           COALESCE(SUM(s.below_minimum), 0) AS below_minimum
    FROM province_allocations a
    JOIN communes c ON c.code = a.commune_code
    LEFT JOIN team_totals s ON s.fiscal_year = a.fiscal_year AND s.commune_code = a.commune_code
    GROUP BY a.fiscal_year, a.commune_code
    ORDER BY a.fiscal_year, a.commune_code
    """,
)
VIEWS = (TEAM_TOTALS, COMMUNE_TOTALS)


def sql_name(resource) -> str:
    """A table's name in SQL: the schema's English name (``teams``), not the file slug (``phan-bo-to``)."""
    return resource.table.name


def create_table(resource, names: dict[str, str]) -> str:
    """CREATE TABLE with the published columns, NOT NULL where required, and the resource's keys."""
    lines = [f"{quoted(c.name)} {SQL_TYPES[c.type]}{' NOT NULL' if c.required else ''}" for c in resource.columns]
    if resource.primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(map(quoted, resource.primary_key))})")
    for key in resource.foreign_keys:
        reference = f"{quoted(names[key.resource])} ({', '.join(map(quoted, key.reference))})"
        lines.append(f"FOREIGN KEY ({', '.join(map(quoted, key.fields))}) REFERENCES {reference}")
    return f"CREATE TABLE {quoted(sql_name(resource))} (\n  " + ",\n  ".join(lines) + "\n)"


def code_indexes(resource) -> list[str]:
    """An index on every code column that does not already lead the primary key."""
    table = sql_name(resource)
    return [
        f"CREATE INDEX {quoted(f'idx_{table}_{c.name}')} ON {quoted(table)} ({quoted(c.name)})"
        for c in resource.columns
        if c.type == "code" and resource.primary_key[:1] != (c.name,)
    ]


def rows_in_key_order(resource, records: list[dict]) -> list[tuple]:
    """The rows as tuples (itemgetter: a Python call per cell was most of the build), sorted by primary key."""
    rows = list(map(operator.itemgetter(*resource.column_names), records))
    numbers = [index for index, column in enumerate(resource.columns) if column.type == "number"]
    if numbers:  # communes' area_km2 is kept as the reference file writes it, as text
        rows = [tuple(float(v) if i in numbers and v is not None else v for i, v in enumerate(row)) for row in rows]
    if resource.primary_key:
        key = operator.itemgetter(*(resource.column_names.index(name) for name in resource.primary_key))
        rows.sort(key=key)
    return rows


def build(dataset: dict, tables: dict, target: Path) -> None:
    """Write the database of ``tables`` (each published table → its rows, as the downloads made them) to
    ``target`` (which must not exist): one transaction in memory, then VACUUM INTO."""
    names = {resource.slug: sql_name(resource) for resource in tables}
    connection = sqlite3.connect(":memory:", isolation_level=None)
    try:
        connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        connection.execute("BEGIN")
        for resource, records in tables.items():
            connection.execute(create_table(resource, names))
            placeholders = ", ".join("?" * len(resource.columns))
            connection.executemany(f"INSERT INTO {quoted(sql_name(resource))} VALUES ({placeholders})", rows_in_key_order(resource, records))
            for statement in code_indexes(resource):
                connection.execute(statement)
        # External-content FTS5 on the teams table: folds tones (“na puc” finds “Nà Pục”), not đ.
        connection.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(team_name, village, content='teams', content_rowid='rowid', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        connection.execute(f"INSERT INTO {FTS_TABLE} (rowid, team_name, village) SELECT rowid, team_name, village FROM teams ORDER BY rowid")
        minimum = int(dataset["policy"]["minimum_members"])
        for view in VIEWS:
            connection.execute(f"CREATE VIEW {quoted(view.name)} AS {view.sql.format(minimum=minimum).strip()}")
        connection.execute("COMMIT")
        connection.execute("VACUUM INTO ?", (str(target),))
    finally:
        connection.close()


def database_bytes(dataset: dict, tables: dict) -> bytes:
    with tempfile.TemporaryDirectory(prefix="kinh-phi-db-") as folder:
        target = Path(folder) / "database.db"
        build(dataset, tables, target)
        return target.read_bytes()


def table_metadata(title: str, description: str, columns: tuple[Column, ...]) -> dict:
    entry = {"title": title, "description": description, "columns": {c.name: f"{c.title}: {c.described}" for c in columns}}
    units = {c.name: DATASETTE_UNITS[c.unit] for c in columns if c.unit in DATASETTE_UNITS}
    return {**entry, "units": units} if units else entry


def metadata(database_name: str, title: str, description: str, source: str, resources, minimum: int) -> dict:
    """Datasette's metadata.json for the database named ``database_name`` (its file name without .db)."""
    tables = {sql_name(r): table_metadata(r.table.title, r.table.description, r.columns) for r in resources}
    tables["teams"] |= {"fts_table": FTS_TABLE, "fts_pk": "rowid"}
    tables[sql_name(next(r for r in resources if r.table is COMMUNES))]["label_column"] = "full_name"
    for view in VIEWS:
        tables[view.name] = table_metadata(view.title, f"{view.description} Mức tối thiểu: {minimum} thành viên.", view.columns)
    return {
        "title": title,
        "description": description,
        "license": LICENSE["short"],
        "license_url": LICENSE["path"],
        "source": source,
        "custom_units": CUSTOM_UNITS,
        "databases": {database_name: {"title": title, "description": description, "tables": tables}},
    }


def metadata_bytes(*args) -> bytes:
    return (json.dumps(metadata(*args), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
