"""Reads build/dataset.json and data/releases/; writes the downloads, their data package and manifest under build/downloads/.

The files journalists download. Runs before Pelican, so that pages can show each file's format and
size: ``run`` writes every file under build/downloads/files/ (laid out as in the site), manifest.json
(bytes and sha256 of every file, and the release history from ``scripts.outputs.releases``) and this
release's summary for ``releases.record``; after Pelican, ``install`` links the files into the site.
Data flows one way: nothing here reads what Pelican writes.

Columns come from scripts.model.schema and only public ones are written, so personal data cannot get
here. Same dataset and release archive → the same bytes (fixed zip times, fixed order).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import itertools
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from scripts.common.files import write_anew
from scripts.common.formatting import ascii_fold, mid_sentence
from scripts.model.dataset import Dataset, Year
from scripts.model.schema import (
    COMMUNE_SUMMARY,
    COMMUNE_TEAM_FIGURES,
    COMMUNES,
    FISCAL_YEAR,
    LICENSE,
    PAYMENTS,
    PROVINCE_ALLOCATIONS,
    TEAM_ALLOCATIONS,
    Column,
    Table,
)
from scripts.model.urls import (
    DATA_PACKAGE,
    DATABASE,
    DATABASE_METADATA,
    DOWNLOADS_DIR,
    RELEASES_DIR,
    SCHEMAS_DIR,
    bundle_file,
    commune_table_file,
    commune_url,
    public_url,
    release_dir,
    schema_path,
    table_file,
    year_url,
)
from scripts.outputs import database, releases, xlsx
from scripts.outputs.archives import fixed_zip
from scripts.outputs.csv_cells import neutralise
from scripts.site.open_data import data_versions
from scripts.site.pages import SiteData, read_dataset

PACKAGE_NAME = "kinh-phi-to-chuyen-doi-so-cong-dong"  # and the province's name: package_name()
PACKAGE_TITLE = "Kinh phí hỗ trợ Tổ chuyển đổi số cộng đồng"
SAMPLE_NOTE = "Dữ liệu mẫu, không phải số liệu thật."
INTRO_SHEET = "Giới thiệu"  # every workbook's first sheet: what it is, where from, and its columns
PROVINCE_KINDS = ("tỉnh ", "thành phố ")  # the two kinds of province-level unit, left out of the package's name
PACKAGE_LICENSE = {key: LICENSE[key] for key in ("name", "path", "title")}  # a Data Package's licence fields
FIELD_TYPES = {"code": "string", "text": "string", "integer": "integer", "month": "integer", "date": "date", "number": "number", "boolean": "boolean"}
FORMATS = {"csv": "CSV", "xlsx": "XLSX", "json": "JSON", "zip": "ZIP", "db": "SQLite"}
MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "zip": "application/zip",
    "db": "application/vnd.sqlite3",
}


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    """One published table: its columns (a schema Table), file slug, keys and where its rows come from."""

    table: Table
    slug: str
    rows: Callable[[SiteData], list[dict]]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    per_year: bool = True
    per_commune: bool = False  # published only as one file per commune and year
    canonical: bool = True  # its all-years CSV is one of the files a release is made of; False: computed from those

    @functools.cached_property
    def columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.table.columns if column.public)

    @functools.cached_property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def canonical_name(self) -> str:
        """Its all-years CSV, one of the files a release is made of (``releases.SUMMARISED`` names some)."""
        return table_file(self.slug)

    @functools.cached_property
    def xlsx_styles(self) -> tuple[int, ...]:
        """Codes are formatted as text in a spreadsheet, so an edit keeps their leading zeros; dates as
        dates; amounts with thousands separators; percentages with one decimal."""
        return tuple(
            xlsx.TEXT_STYLE if column.type == "code"
            else xlsx.DATE_STYLE if column.type == "date"
            else xlsx.AMOUNT_STYLE if column.unit == "đồng"
            else xlsx.DECIMAL_STYLE if column.unit == "%"
            else 0
            for column in self.columns
        )


def with_year(table: Table, columns: tuple[Column, ...] | None = None, **changes) -> Table:
    """The published form of a per-year table: the year (a folder name in data/) becomes a column."""
    fields = dict(name=table.name, title=table.title, description=table.description, path_pattern=table.path_pattern)
    return Table(**{**fields, **changes}, columns=(FISCAL_YEAR, *(columns or table.columns)))


def per_year(site: SiteData, records: Callable[[Year], list]) -> list[dict]:
    """Every year's ``records``, oldest year first, each with its year."""
    return [{"fiscal_year": year["fiscal_year"], **record} for year in site.years for record in records(year)]


def allocation_rows(year: Year) -> list[dict]:
    return [{**team, **period} for team in year["teams"] for period in team["periods"]]


def commune_summary_rows(site: SiteData) -> list[dict]:
    """One row per commune and year with the figures its page shows (scripts/site/pages.py, SiteData)."""
    return [
        {**row, "fiscal_year": fiscal_year, "commune_code": row["code"], "commune_name": row["full_name"], "below_minimum_count": row["below_minimum"]}
        for fiscal_year, rows in sorted(site.commune_rows.items())
        for row in rows
    ]


def commune_team_rows(site: SiteData) -> list[dict]:
    """One row per team and allocation period, with what was paid and remains, as the commune's page shows them."""
    return [
        {**team, **period, "fiscal_year": year["fiscal_year"], "commune_name": site.communes[team["commune_code"]]["full_name"]}
        for year in site.years
        for team in (site.team_figures(year["fiscal_year"], team) for team in year["teams"])
        for period in team["periods"]
    ]


TEAMS = with_year(
    TEAM_ALLOCATIONS,
    tuple(TEAM_ALLOCATIONS.column(name) for name in ("team_id", "team_name", "village", "commune_code")),
    name="teams",
    title="Danh sách tổ",
    description=(
        "Một dòng cho mỗi tổ trong mỗi năm ngân sách: mã, tên, thôn/xóm và xã/phường của tổ. "
        "Bảng phân bổ và bảng chi trả nối với bảng này qua năm và mã tổ."
    ),
    path_pattern="allocations/<năm>/teams/<mã xã>.csv",
)
TEAM_OF_YEAR = ForeignKey(("fiscal_year", "team_id"), "to", ("fiscal_year", "team_id"))
COMMUNE = ForeignKey(("commune_code",), "xa-phuong", ("code",))

RESOURCES = (
    Resource(COMMUNES, "xa-phuong", lambda site: site.dataset["communes"], ("code",), per_year=False),
    Resource(
        with_year(PROVINCE_ALLOCATIONS),
        "du-toan-xa",
        lambda site: per_year(site, lambda year: year["communes"]),
        ("fiscal_year", "commune_code"),
        (COMMUNE,),
    ),
    Resource(TEAMS, "to", lambda site: per_year(site, lambda year: year["teams"]), ("fiscal_year", "team_id"), (COMMUNE,)),
    Resource(
        with_year(TEAM_ALLOCATIONS),
        "phan-bo-to",
        lambda site: per_year(site, allocation_rows),
        ("fiscal_year", "team_id", "month_from"),
        (TEAM_OF_YEAR, COMMUNE),
    ),
    Resource(
        with_year(PAYMENTS),
        "chi-tra",
        lambda site: per_year(site, lambda year: year["payments"]),
        (),
        (TEAM_OF_YEAR, COMMUNE),
    ),
    Resource(with_year(COMMUNE_SUMMARY), "tong-hop-xa", commune_summary_rows, ("fiscal_year", "commune_code"), (COMMUNE,), canonical=False),
)
TEAM_ALLOCATION_RESOURCE = next(resource for resource in RESOURCES if resource.slug == "phan-bo-to")
# Each commune's teams with their payments, one CSV and one XLSX per commune and year (no whole-table file).
COMMUNE_TEAMS_RESOURCE = Resource(
    with_year(COMMUNE_TEAM_FIGURES), "kinh-phi-to", commune_team_rows, ("fiscal_year", "team_id", "month_from"), per_commune=True, canonical=False
)
DICTIONARY_RESOURCES = (*RESOURCES, COMMUNE_TEAMS_RESOURCE)  # every published table, for the data dictionary


def csv_column(column: Column, values: list) -> list:
    """One column's CSV cells: text cells spreadsheet-safe (scripts/outputs/csv_cells.py), booleans as
    true/false; any other value as the CSV writer writes it (``str``, an absent value empty)."""
    if column.type == "text":
        return [None if value is None else neutralise(value) for value in values]
    if column.type == "boolean":
        return [None if value is None else "true" if value else "false" for value in values]
    return values


def typed_column(column: Column, values: list) -> list:
    """One column's values as JSON carries them: numbers as numbers, booleans as booleans, everything else as text."""
    if column.type in ("integer", "month", "boolean"):
        return values
    if column.type == "number":
        return [None if value is None else float(value) for value in values]
    return [None if value is None else str(value) for value in values]


@dataclass(slots=True)
class Chunk:
    """Consecutive rows of one table with the same year and commune, in every format. Every file is
    made of whole chunks (a table, a year's slice, a commune's year), each row encoded once."""

    fiscal_year: int | None
    commune_code: str | None
    values: list[dict]  # the rows as the dataset holds them
    csv: str  # their CSV lines
    xlsx: list[str]  # each row's cells
    json: bytes  # their JSON records, comma-separated; none for a per-commune table, which no JSON file holds


def runs(rows: list[dict]) -> list[list[dict]]:
    """``rows`` cut where the year or the commune changes."""
    found, last = [], object()
    for row in rows:
        where = (row.get("fiscal_year"), row.get("commune_code"))
        if where != last:
            found.append([])
            last = where
        found[-1].append(row)
    return found


def encode(resource: Resource, rows: list[dict]) -> list[Chunk]:
    """``rows`` as chunks, every row encoded in every format."""
    chunks = runs(rows)
    return [Chunk(chunk[0].get("fiscal_year"), chunk[0].get("commune_code"), chunk, *encoded) for chunk, encoded in zip(chunks, encode_runs(resource, chunks))]


def encode_runs(resource: Resource, chunks: list[list[dict]]) -> list[tuple[str, list[str], bytes]]:
    """Every row of ``chunks`` in every format, computed a column at a time: one comprehension per
    column and format rather than a function call per cell, which took most of this stage."""
    rows, names = [row for chunk in chunks for row in chunk], resource.column_names
    columns = [[row.get(name) for row in rows] for name in names]
    typed_columns = [typed_column(column, values) for column, values in zip(resource.columns, columns)]
    texts = csv_texts(zip(*[csv_column(column, values) for column, values in zip(resource.columns, columns)]), map(len, chunks))
    sheet_columns = [xlsx.date_serials(typed) if column.type == "date" else typed for column, typed in zip(resource.columns, typed_columns)]
    cells = list(map("".join, zip(*[xlsx.column_cells(values, style) for values, style in zip(sheet_columns, resource.xlsx_styles)])))
    records = [] if resource.per_commune else [dict(zip(names, typed)) for typed in zip(*typed_columns)]
    encoded, start = [], 0
    for chunk, text in zip(chunks, texts):
        end = start + len(chunk)
        encoded.append((text, cells[start:end], orjson.dumps(records[start:end])[1:-1] if records else b""))
        start = end
    return encoded


def csv_writer(buffer: io.StringIO):
    """RFC 4180 in UTF-8 without BOM (the canonical file; Excel users get the XLSX). CRLF line ends
    also make the writer quote a CR inside a cell, which it would not with LF."""
    return csv.writer(buffer, lineterminator="\r\n")


def csv_texts(rows: Iterator[tuple], sizes: Iterable[int]) -> list[str]:
    """The CSV lines of each run of ``sizes`` consecutive ``rows``, all written by one writer."""
    buffer = io.StringIO()
    writer, ends = csv_writer(buffer), []
    for size in sizes:
        writer.writerows(itertools.islice(rows, size))
        ends.append(buffer.tell())
    text = buffer.getvalue()
    return [text[start:end] for start, end in zip([0, *ends], ends)]


def csv_bytes(resource: Resource, chunks: list[Chunk]) -> bytes:
    buffer = io.StringIO()
    csv_writer(buffer).writerow(resource.column_names)
    return (buffer.getvalue() + "".join(chunk.csv for chunk in chunks)).encode("utf-8")


def package_title(dataset: Dataset) -> str:
    return f"{PACKAGE_TITLE} {mid_sentence(dataset['province']['name'])}"


def package_name(dataset: Dataset) -> str:
    """'Tỉnh Cao Bằng' → 'kinh-phi-to-chuyen-doi-so-cong-dong-cao-bang'."""
    province = dataset["province"]["name"].lower()
    province = next((province.removeprefix(kind) for kind in PROVINCE_KINDS if province.startswith(kind)), province)
    return "-".join([PACKAGE_NAME, *ascii_fold(province).split()])


def xlsx_bytes(sheets: list[tuple[Resource, list[Chunk]]], intro: xlsx.Sheet, created: dt.datetime, title: str) -> bytes:
    """``intro`` first, then one sheet per table: numbers as numbers, dates as dates, codes and text as text cells formatted as text."""
    return xlsx.workbook_bytes(
        [intro, *(xlsx.Sheet(resource.slug, resource.column_names, [cells for chunk in chunks for cells in chunk.xlsx]) for resource, chunks in sheets)],
        created,
        title,
    )


def column_meaning(column: Column) -> str:
    return f"{column.title}{f' ({column.unit})' if column.unit else ''}: {column.description}"


@dataclass(frozen=True)
class Intro:
    """What the "Giới thiệu" sheet of a scope's workbooks says besides the meaning of each column."""

    release: dict
    sources: list[dict]  # the datapackage's sources (``sources``)
    link: str  # the page of the figures on the site
    sample: bool

    def sheet(self, title: str, resources: list[Resource]) -> xlsx.Sheet:
        rows = [
            ("Tiêu đề", title),
            ("Phiên bản", f"{self.release['version']}, công bố ngày {self.release['date']}"),
            ("Giấy phép", f"{LICENSE['title']} ({LICENSE['name']}): {LICENSE['path']}"),
            ("Trang web", self.link),
            *(("Nguồn", f"{source['title']}: {source['path']}") for source in self.sources),
            *([("Lưu ý", SAMPLE_NOTE)] if self.sample else []),
            *((f"{resource.slug} › {column.name}", column_meaning(column)) for resource in resources for column in resource.columns),
        ]
        labels, texts = (list(values) for values in zip(*rows))
        return xlsx.Sheet(INTRO_SHEET, ("Mục", "Nội dung"), list(map("".join, zip(xlsx.column_cells(labels), xlsx.column_cells(texts)))), (32, 110))


def json_bytes(version: str, sheets: list[tuple[Resource, list[Chunk]]]) -> bytes:
    """``{"version": …, "resources": {slug: [record, …]}}`` in compact UTF-8, as
    json.dumps(ensure_ascii=False, separators=(",", ":")) writes it, put together from the chunks."""
    tables = b",".join(orjson.dumps(resource.slug) + b":[" + b",".join(chunk.json for chunk in chunks) + b"]" for resource, chunks in sheets)
    return b'{"version":' + orjson.dumps(version) + b',"resources":{' + tables + b"}}\n"


def field(column: Column) -> dict:
    constraints = {"required": column.required}
    if column.pattern:
        constraints["pattern"] = column.pattern.removeprefix("^").removesuffix("$")  # Table Schema anchors implicitly
    constraints |= column.bounds
    return {"name": column.name, "type": FIELD_TYPES[column.type], "title": column.title, "description": column.described, "constraints": constraints}


def table_schema(resource: Resource, whole: bool) -> dict:
    """Foreign keys only on the whole-dataset tables: a year's or a commune's file is a slice of one,
    and checking keys per slice would re-read the referenced tables 100 times over."""
    schema = {"fields": [field(column) for column in resource.columns], "missingValues": [""]}
    if resource.primary_key:
        schema["primaryKey"] = list(resource.primary_key)
    if whole and resource.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(key.fields), "reference": {"resource": key.resource, "fields": list(key.reference)}}
            for key in resource.foreign_keys
        ]
    return schema


@dataclass
class Download:
    """One file of the site's du-lieu/ folder (or, with ``root`` "", of the site root), before it is written."""

    path: str  # relative to ``root``
    content: bytes
    title: str
    resource: Resource | None = None  # a table the data package describes with its schema
    scope: str = ""  # which pages list it: "" whole dataset, "2025" a year, "01273/2025" a commune's year
    root: str = DOWNLOADS_DIR
    label: str = ""  # what it holds, where its scope is said already (a row of one commune and year); else its title

    @property
    def site_path(self) -> str:
        return f"{self.root}/{self.path}" if self.root else self.path

    @property
    def extension(self) -> str:
        return self.path.rsplit(".", 1)[1]

    @functools.cached_property
    def entry(self) -> dict:
        """Its line in the manifest; the data package describes it from the same (one hash per file)."""
        return {
            "path": self.site_path,
            "scope": self.scope,
            "title": self.title,
            "label": self.label or self.title,
            "format": FORMATS[self.extension],
            "bytes": len(self.content),
            "sha256": hashlib.sha256(self.content).hexdigest(),
        }


@dataclass(frozen=True, order=True)
class Decision:
    """A decision the published figures come from, and the page of the site that shows what it decided."""

    date: str
    number: str
    fiscal_year: int
    commune_code: str  # "" for the province's decision

    @property
    def page(self) -> str:
        return commune_url(self.commune_code, self.fiscal_year) if self.commune_code else year_url(self.fiscal_year)

    def concerns(self, fiscal_year: int, commune_code: str | None = None) -> bool:
        """Whether a year's (or a commune's year's) figures come from it; a commune's come from the province's decision too."""
        return self.fiscal_year == fiscal_year and (commune_code is None or self.commune_code in ("", commune_code))


def decisions(dataset: Dataset) -> list[Decision]:
    """Every decision the published figures come from, by date."""
    found = set()
    for year in dataset["years"]:
        fiscal_year = year["fiscal_year"]
        found.add((year["province_decision"]["date"], year["province_decision"]["number"], fiscal_year, ""))
        found.update((p["decision_date"], p["decision_number"], fiscal_year, team["commune_code"]) for team in year["teams"] for p in team["periods"])
    return [Decision(*fields) for fields in sorted(found)]


def sources(found: list[Decision], base_url: str) -> list[dict]:
    """The decisions as a data package's sources: a title, and the page of the site that shows them
    (a decision that several communes cite links the first)."""
    listed = {}
    for decision in found:
        listed.setdefault(f"Quyết định số {decision.number} ngày {decision.date}", public_url(base_url, decision.page))
    return [{"title": title, "path": path} for title, path in listed.items()]


def resource_descriptor(download: Download) -> dict:
    entry = download.entry
    stem = download.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    descriptor = {
        "name": stem if download.resource else f"{stem}-{download.extension}",
        "path": download.path,
        "title": download.title,
        "format": download.extension,
        "mediatype": MEDIA_TYPES[download.extension],
        "bytes": entry["bytes"],
        "hash": f"sha256:{entry['sha256']}",
    }
    if download.resource is None:
        return {**descriptor, "type": "file"}
    return {**descriptor, "type": "table", "encoding": "utf-8", "schema": schema_path(download.resource.slug, download.scope == "")}


def data_package(site: SiteData, release: dict, downloads: list[Download], base_url: str) -> bytes:
    dataset = site.dataset
    package = {
        "name": package_name(dataset),
        "title": package_title(dataset),
        "description": (
            "Dự toán tỉnh giao cho từng xã/phường, phân bổ của xã/phường cho từng tổ và kết quả chi trả, "
            "theo các quyết định được nêu trong sources."
            + (f" {SAMPLE_NOTE}" if site.sample else "")
        ),
        "version": release["version"],
        "created": f"{release['date']}T00:00:00+07:00",
        "licenses": [PACKAGE_LICENSE],
        "sources": sources(decisions(dataset), base_url),
        "resources": [resource_descriptor(download) for download in downloads],
    }
    return (json.dumps(package, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def year_title(text: str, fiscal_year: int | None) -> str:
    return text if fiscal_year is None else f"{text}, năm {fiscal_year}"


def table_files(site: SiteData) -> tuple[dict[Resource, list[Chunk]], list[Download]]:
    """Every table's chunks, and the canonical CSVs (all years in one file per table): what a release is made of."""
    chunks = {resource: encode(resource, resource.rows(site)) for resource in RESOURCES}
    files = [Download(r.canonical_name, csv_bytes(r, chunks[r]), r.table.title, r) for r in RESOURCES if r.canonical]
    return chunks, files


def table_rows(chunks: dict[Resource, list[Chunk]], resource: Resource) -> list[dict]:
    """A table's rows as they were before encoding."""
    return [values for chunk in chunks[resource] for values in chunk.values]


def summary_tables(chunks: dict[Resource, list[Chunk]]) -> dict[str, list[dict]]:
    """The canonical tables' rows, by file name (``releases.Archive``)."""
    return {r.canonical_name: table_rows(chunks, r) for r in RESOURCES if r.canonical}


def derived_files(site: SiteData, chunks: dict[Resource, list[Chunk]], history: dict, base_url: str) -> list[Download]:
    """The tables computed from the canonical ones, per-year tables, one workbook and one JSON per scope,
    and each commune's files for each year: its teams' allocations (CSV), and its teams with their
    payments (CSV and XLSX). A commune's workbook names the release that last changed its figures, not
    this one: a correction elsewhere leaves its bytes, its hash and its page as they were."""
    release = history["releases"][-1]
    releases_by_version = {entry["version"]: entry for entry in history["releases"]}
    versions = data_versions(history)
    dataset = site.dataset
    title = package_title(dataset)
    found = decisions(dataset)

    def workbook(sheets: list[tuple[Resource, list[Chunk]]], heading: str, cited: list[Decision], page: str, named: dict = release) -> bytes:
        intro = Intro(named, sources(cited, base_url), public_url(base_url, page), site.sample)
        return xlsx_bytes(sheets, intro.sheet(heading, [resource for resource, _ in sheets]), dt.datetime.fromisoformat(named["date"]), heading)

    files = [
        *(Download(r.canonical_name, csv_bytes(r, chunks[r]), r.table.title, r) for r in RESOURCES if not r.canonical),
        Download(bundle_file("xlsx"), workbook(list(chunks.items()), title, found, ""), "Tất cả các bảng (Excel)"),
        Download(bundle_file("json"), json_bytes(release["version"], list(chunks.items())), "Tất cả các bảng (JSON)"),
    ]
    commune_teams = encode(COMMUNE_TEAMS_RESOURCE, COMMUNE_TEAMS_RESOURCE.rows(site))
    names = {commune["code"]: commune["full_name"] for commune in dataset["communes"]}
    for year in site.years:
        fiscal_year = year["fiscal_year"]
        sheets = [(r, [chunk for chunk in chunks[r] if chunk.fiscal_year == fiscal_year]) for r in RESOURCES if r.per_year]
        scope = str(fiscal_year)
        files += [
            Download(table_file(r.slug, fiscal_year), csv_bytes(r, part), year_title(r.table.title, fiscal_year), r, scope)
            for r, part in sheets
        ]
        cited = [decision for decision in found if decision.concerns(fiscal_year)]
        year_heading = year_title(title, fiscal_year)
        files.append(Download(bundle_file("xlsx", fiscal_year), workbook(sheets, year_heading, cited, year_url(fiscal_year)), year_title("Tất cả các bảng (Excel)", fiscal_year), scope=scope))
        files.append(Download(bundle_file("json", fiscal_year), json_bytes(release["version"], sheets), year_title("Tất cả các bảng (JSON)", fiscal_year), scope=scope))
        allocations = dict(sheets)[TEAM_ALLOCATION_RESOURCE]
        teams = [chunk for chunk in commune_teams if chunk.fiscal_year == fiscal_year]
        for code in sorted({chunk.commune_code for chunk in allocations}):
            where = f"{names[code]}, năm {fiscal_year}"
            commune_scope = f"{code}/{fiscal_year}"
            part = [chunk for chunk in teams if chunk.commune_code == code]
            allocated, figures = "Phân bổ kinh phí cho các tổ", "Kinh phí, chi trả và số còn lại của từng tổ"
            heading = f"{figures}, {where}"
            files += [
                Download(
                    commune_table_file(TEAM_ALLOCATION_RESOURCE.slug, code, fiscal_year),
                    csv_bytes(TEAM_ALLOCATION_RESOURCE, [chunk for chunk in allocations if chunk.commune_code == code]),
                    f"{allocated} của {where}",
                    TEAM_ALLOCATION_RESOURCE,
                    commune_scope,
                    label=allocated,
                ),
                Download(
                    commune_table_file(COMMUNE_TEAMS_RESOURCE.slug, code, fiscal_year),
                    csv_bytes(COMMUNE_TEAMS_RESOURCE, part), heading, COMMUNE_TEAMS_RESOURCE, commune_scope, label=figures,
                ),
                Download(
                    commune_table_file(COMMUNE_TEAMS_RESOURCE.slug, code, fiscal_year, "xlsx"),
                    workbook(
                        [(COMMUNE_TEAMS_RESOURCE, part)], heading, [d for d in cited if d.concerns(fiscal_year, code)],
                        commune_url(code, fiscal_year), releases_by_version[versions.of(code)],
                    ),
                    heading,
                    scope=commune_scope,
                    label=figures,
                ),
            ]
    return files


def database_files(dataset: Dataset, chunks: dict[Resource, list[Chunk]], release: dict) -> list[Download]:
    """The SQLite database of every table (scripts/outputs/database.py), from the rows the other formats
    were made of, and Datasette's metadata.json for it."""
    source = "Quyết định giao dự toán của Ủy ban nhân dân tỉnh và quyết định phân bổ của các xã, phường (datapackage.json, mục sources)."
    description = f"Phiên bản dữ liệu {release['version']}, công bố ngày {release['date']}. Số tiền tính bằng đồng; mã là văn bản."
    metadata = database.metadata_bytes(
        DATABASE.removesuffix(".db"), package_title(dataset), description, source, RESOURCES, dataset["policy"]["minimum_members"]
    )
    return [
        Download(DATABASE, database.database_bytes(dataset, {r: table_rows(chunks, r) for r in RESOURCES}), "Tất cả các bảng (SQLite, mở bằng Datasette hoặc sqlite-utils)"),
        Download(DATABASE_METADATA, metadata, "Mô tả cơ sở dữ liệu SQLite cho Datasette (metadata.json)"),
    ]


def schema_files() -> list[Download]:
    return [
        Download(
            schema_path(r.slug, whole),
            (json.dumps(table_schema(r, whole), ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
            f"Lược đồ bảng: {r.table.title}" + ("" if whole else " (tệp theo năm, theo xã)"),
            scope=SCHEMAS_DIR,
        )
        for whole in (True, False)
        for r in DICTIONARY_RESOURCES
        if (whole and not r.per_commune) or (not whole and r.per_year)
    ]


def run(dataset_path: Path, archive_dir: Path, downloads_dir: Path, base_url: str) -> Path:
    """Write every download and manifest.json into ``downloads_dir``; return the manifest's path.
    ``base_url``: the site's public address, which the data package and the workbooks link."""
    site = SiteData(read_dataset(dataset_path))  # one index of the dataset for every table
    dataset = site.dataset
    chunks, canonical = table_files(site)
    current_files = {f.path: f.content for f in canonical}
    history = releases.plan(archive_dir, current_files, dataset)
    current = history[-1]
    archive = releases.Archive(archive_dir, current_files, summary_tables(chunks))
    recorded = releases.recorded_history(archive, history)
    described = releases.describe(history, recorded, archive.current_summary)
    files = [*canonical, *derived_files(site, chunks, described, base_url), *database_files(dataset, chunks, current)]
    files.append(Download(DATA_PACKAGE, data_package(site, current, files, base_url), "Mô tả gói dữ liệu (Frictionless Data Package)"))
    files += schema_files()
    files.append(Download(bundle_file("zip"), fixed_zip(sorted((f.path, f.content) for f in files)), "Tất cả các tệp trên, trong một tệp nén"))
    for release in history:
        for name, content in sorted(archive.files(release).items()):
            files.append(Download(release_dir(release["version"]) + name, content, name, scope=RELEASES_DIR))
    manifest_path = downloads_dir / "manifest.json"
    # Gone while the files change, so that a manifest always describes the files beside it.
    written = manifest_hashes(manifest_path)
    manifest_path.unlink(missing_ok=True)
    write_tree(downloads_dir / "files", files, written)
    (downloads_dir / releases.SUMMARY).write_bytes(recorded[-1].to_json())  # for ``releases.record``
    manifest = {
        "root": DOWNLOADS_DIR,
        "version": current["version"],
        "date": current["date"],
        "files": [download.entry for download in files],
        "history": described,
    }
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return manifest_path


def manifest_hashes(manifest_path: Path) -> dict[str, str]:
    """Path in the site → sha256 of each file the last complete run wrote; none without its manifest."""
    if not manifest_path.is_file():
        return {}
    return {entry["path"]: entry["sha256"] for entry in json.loads(manifest_path.read_text(encoding="utf-8"))["files"]}


def write_tree(folder: Path, files: list[Download], written: dict[str, str]) -> None:
    """Make ``folder`` hold exactly ``files``. A file whose SHA-256 is the one the last run wrote
    (``written``) is kept without being read (a one-cell correction changes a few of them); the others
    are written under a new inode (``write_anew``: the manifest is gone until all are written)."""
    existing = {path.relative_to(folder).as_posix(): path for path in folder.rglob("*") if path.is_file()}
    for download in files:
        if download.site_path not in existing or written.get(download.site_path) != download.entry["sha256"]:
            write_anew(folder / download.site_path, download.content)
    for relative in existing.keys() - {download.site_path for download in files}:
        existing[relative].unlink()


def install(manifest_path: Path, site_dir: Path) -> list[str]:
    """Hard-link the prepared files into the rendered site; never over a page Pelican wrote. Return
    their paths in the site.

    Linking is safe: ``run`` never writes into a file in place, so never into a file a release holds."""
    source = manifest_path.parent / "files"
    installed = []
    for path in sorted(source.rglob("*")):
        if path.is_file():
            relative = path.relative_to(source)
            target = site_dir / relative
            if target.exists():
                raise FileExistsError(f"{target} đã có trong trang dựng ra; không ghi đè")
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)
            installed.append(relative.as_posix())
    return installed
