"""Stage 1: read everything under data/ into plain tables of normalised text.

Nothing is interpreted here beyond text normalisation (``scripts.ingest.read``: encodings, separators,
XLSX); types are checked by ``validate`` so that every problem can be reported with its file,
row and column.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from scripts.ingest.read import SUFFIXES, read_table
from scripts.model import problems as P


@dataclass
class RawTable:
    """A CSV or XLSX file read as text: its header and non-blank rows, normalised.

    ``header`` is empty when the file could not be read at all; ``problems`` says why, and
    also what the reader detected (encoding, separator) when the file is not plain UTF-8 CSV.
    """

    path: Path
    relative_path: str
    header: list[str]
    rows: list[dict[str, str]]
    problems: list[P.Problem] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)  # spreadsheet row of each row (header = 1)
    detected: str = ""

    def row_number(self, index: int) -> int:
        return self.row_numbers[index]

    @property
    def readable(self) -> bool:
        """Read without any error: its rows are the whole file, so its totals mean something."""
        return not any(problem.severity == P.ERROR for problem in self.problems)


@dataclass
class YearInput:
    fiscal_year: int
    directory: Path
    metadata: dict
    province: RawTable
    teams: list[RawTable]
    payments: list[RawTable] = field(default_factory=list)  # optional: results of payment


@dataclass
class RawInput:
    data_dir: Path
    communes: list[dict[str, str]]  # reference/communes.csv, one record per commune
    policy: dict
    years: list[YearInput]
    province: dict = field(default_factory=dict)  # reference/province.toml
    contacts: RawTable | None = None  # reference/contacts.csv: where citizens report a problem

    @property
    def tables(self) -> list[RawTable]:
        return [table for year in self.years for table in (year.province, *year.teams, *year.payments)]


PROVINCE_FILE = "reference/province.toml"
COMMUNES_FILE = "reference/communes.csv"
CONTACTS_STEM = "contacts"  # reference/contacts.csv (or .xlsx)
POLICY_FILE = "policy/policy.toml"


def read_file(path: Path, relative: str) -> RawTable:
    table = read_table(path, relative)
    return RawTable(
        path, relative, table.header, [cells for _, cells in table.rows], table.problems,
        [row for row, _ in table.rows], table.detected,
    )


def read_named(folder: Path, stem: str, data_dir: Path) -> RawTable:
    """``<stem>.csv`` or ``<stem>.xlsx``; both at once is refused rather than one picked silently."""
    found = [folder / f"{stem}{suffix}" for suffix in SUFFIXES if (folder / f"{stem}{suffix}").exists()]
    path = found[0] if found else folder / f"{stem}{SUFFIXES[0]}"
    relative = path.relative_to(data_dir).as_posix()
    if len(found) > 1:
        duplicate = P.DuplicateSource(file=relative, value=found[0].name, params={"other": found[1].name})
        return RawTable(path, relative, [], [], [duplicate])
    if not found:
        return RawTable(path, relative, [], [], [P.FileMissing(file=relative)])
    return read_file(path, relative)


def read_folder(folder: Path, data_dir: Path) -> list[RawTable]:
    stems = sorted({path.stem for suffix in SUFFIXES for path in folder.glob(f"*{suffix}")})
    return [read_named(folder, stem, data_dir) for stem in stems]


def read_toml(path: Path) -> dict:
    """A missing or unreadable file reads as empty: ``validate`` reports what it lacks."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return {}


def read_communes(path: Path) -> list[dict[str, str]]:
    """The reference list of communes, read as every data file is (codes stay text)."""
    table = read_table(path, path.name)
    if not table.header:
        raise ValueError(f"Không đọc được danh sách xã {path}: {table.problems[0].message if table.problems else ''}")
    renamed = {"name_dataset": "name", "full_name_sapnhap": "full_name"}
    return [{renamed.get(column, column): value for column, value in cells.items()} for _, cells in table.rows]


def load_references(data_dir: Path) -> list[dict[str, str]]:
    return read_communes(Path(data_dir) / COMMUNES_FILE)


def load(data_dir: Path, years: list[int] | None = None) -> RawInput:
    data_dir = Path(data_dir)
    year_inputs = []
    for directory in sorted((data_dir / "allocations").iterdir()):
        if not directory.is_dir() or not directory.name.isdigit():
            continue
        if years is not None and int(directory.name) not in years:
            continue
        year_inputs.append(
            YearInput(
                fiscal_year=int(directory.name),
                directory=directory,
                metadata=read_toml(directory / "year.toml"),
                province=read_named(directory, "province", data_dir),
                teams=read_folder(directory / "teams", data_dir),
                payments=read_folder(directory / "payments", data_dir),
            )
        )
    return RawInput(
        data_dir=data_dir,
        communes=read_communes(data_dir / COMMUNES_FILE),
        policy=read_toml(data_dir / POLICY_FILE),
        years=year_inputs,
        province=read_toml(data_dir / PROVINCE_FILE),
        contacts=read_named(data_dir / "reference", CONTACTS_STEM, data_dir),
    )
