"""Ingest: reads every file under data/; gives validation plain tables of normalised text, writing nothing.

Nothing is interpreted here beyond text normalisation (``scripts.ingest.read``: encodings, separators,
XLSX); types are checked by ``validate`` so that every problem can be reported with its file,
row and column.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from scripts.ingest.parse import describe_character
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
    problems: list[P.Problem] = field(default_factory=list)  # files under data/ not read as data, and why
    contacts: RawTable | None = None  # reference/contacts.csv: where citizens report a problem

    @property
    def tables(self) -> list[RawTable]:
        return [table for year in self.years for table in (year.province, *year.teams, *year.payments)]


PROVINCE_FILE = "reference/province.toml"
COMMUNES_FILE = "reference/communes.csv"
CONTACTS_STEM = "contacts"  # reference/contacts.csv (or .xlsx)
POLICY_FILE = "policy/policy.toml"


# Left by Excel (~$, an open workbook), LibreOffice (.~lock.…#), macOS (._, .DS_Store) and Windows (Thumbs.db).
SCRATCH = re.compile(r"~\$.*|\._.*|\.~lock\..*#|Thumbs\.db|\.DS_Store")
YEAR_FOLDER = re.compile("[0-9]{4}")
TABLE_NAME = re.compile(r"[^.~][^/]*\.(?:csv|xlsx)")  # the suffix in lower case, as SUFFIXES spells it
YEAR_ENTRIES = ("year.toml", *(f"province{suffix}" for suffix in SUFFIXES), "teams", "payments")


def relative_to_data(path: Path, data_dir: Path) -> str:
    return path.relative_to(data_dir).as_posix()


def inside_data(path: Path, data_dir: Path) -> bool:
    """A regular file or folder of data/ itself: not a link, and not leading out of data/ by any route."""
    return not path.is_symlink() and path.resolve().is_relative_to(data_dir.resolve())


def entries(folder: Path, data_dir: Path, problems: list[P.Problem]) -> list[Path]:
    """The folder's files and folders that may be read, in name order; every other one is reported:
    scratch files as ignored, links and anything leading out of data/ as refused (never read)."""
    if not inside_data(folder, data_dir) or not folder.is_dir():
        return []
    kept = []
    for path in sorted(folder.iterdir()):
        relative = relative_to_data(path, data_dir)
        if SCRATCH.fullmatch(path.name):
            problems.append(P.ScratchFileIgnored(file=relative, value=path.name))
        elif not inside_data(path, data_dir):
            problems.append(P.UnsafePath(file=relative, value=relative))
        else:
            kept.append(path)
    return kept


def unexpected(path: Path, data_dir: Path, expected: str) -> P.Problem:
    """A file or folder where only ``expected`` belongs, named, with what it seems to be."""
    kind = "một thư mục" if path.is_dir() else (f"tệp đuôi {path.suffix}" if path.suffix else "tệp không có đuôi")
    return P.UnexpectedFile(file=relative_to_data(path, data_dir), value=path.name, params={"expected": expected, "kind": kind})


def read_file(path: Path, relative: str) -> RawTable:
    try:
        table = read_table(path, relative)
    except Exception as error:  # noqa: BLE001 - reported with the file, never as a raw traceback
        return RawTable(path, relative, [], [], [P.UnexpectedError(file=relative, params={"error": type(error).__name__})])
    return RawTable(
        path, relative, table.header, [cells for _, cells in table.rows], table.problems,
        [row for row, _ in table.rows], table.detected,
    )


def read_named(found: list[Path], folder: Path, stem: str, data_dir: Path) -> RawTable:
    """``<stem>.csv`` or ``<stem>.xlsx`` among the files ``found`` in ``folder``; both at once is refused
    rather than one picked silently."""
    found = [path for path in found if path.name in {f"{stem}{suffix}" for suffix in SUFFIXES}]
    path = found[0] if found else folder / f"{stem}{SUFFIXES[0]}"
    relative = relative_to_data(path, data_dir)
    if len(found) > 1:
        duplicate = P.DuplicateSource(file=relative, value=found[0].name, params={"other": found[1].name})
        return RawTable(path, relative, [], [], [duplicate])
    if not found:
        return RawTable(path, relative, [], [], [P.FileMissing(file=relative)])
    return read_file(path, relative)


def read_folder(folder: Path, data_dir: Path, problems: list[P.Problem]) -> list[RawTable]:
    """One table per commune file; any other file here is reported, never skipped without a word."""
    tables = []
    for path in entries(folder, data_dir, problems):
        if path.is_file() and TABLE_NAME.fullmatch(path.name):
            tables.append(path)
        else:
            problems.append(unexpected(path, data_dir, "một tệp <mã xã>.csv hoặc <mã xã>.xlsx"))
    stems = sorted({path.stem for path in tables})
    return [read_named(tables, folder, stem, data_dir) for stem in stems]


def toml_error_row(error: Exception) -> int | None:
    found = re.search(r"at line (\d+)", str(error))
    return int(found[1]) if found else None


def read_toml(path: Path, problems: list[P.Problem] | None = None, relative: str = "") -> dict:
    """A missing file reads as empty (``validate`` reports what it lacks); an unreadable one too, after
    its line is added to ``problems``."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        if problems is not None:
            row = toml_error_row(error)
            detail = f"sai cú pháp ở dòng {row}" if row else ("tệp không phải UTF-8" if isinstance(error, UnicodeDecodeError) else "sai cú pháp")
            problems.append(P.TomlSyntax(file=relative, row=row, params={"detail": detail}))
        return {}


def read_data_toml(data_dir: Path, relative: str, problems: list[P.Problem]) -> dict:
    """A settings file of data/ (policy, province): refused when it is a link or leads out of data/."""
    path = data_dir / relative
    if path.exists() and not inside_data(path, data_dir):
        problems.append(P.UnsafePath(file=relative, value=relative))
        return {}
    return read_toml(path, problems, relative)


def read_communes(path: Path) -> list[dict[str, str]]:
    """The reference list of communes, read as every data file is (codes stay text)."""
    table = read_table(path, path.name)
    if not table.header:
        raise ValueError(f"Không đọc được danh sách xã {path}: {table.problems[0].message if table.problems else ''}")
    renamed = {"name_dataset": "name", "full_name_sapnhap": "full_name"}
    return [{renamed.get(column, column): value for column, value in cells.items()} for _, cells in table.rows]


def load_references(data_dir: Path) -> list[dict[str, str]]:
    return read_communes(Path(data_dir) / COMMUNES_FILE)


def read_year(directory: Path, data_dir: Path, problems: list[P.Problem]) -> YearInput:
    found = entries(directory, data_dir, problems)
    for path in found:
        if path.name not in YEAR_ENTRIES:
            problems.append(unexpected(path, data_dir, "year.toml, province.csv (hoặc .xlsx), thư mục teams/ và payments/"))
    names = {path.name for path in found}
    year_toml = directory / "year.toml"
    return YearInput(
        fiscal_year=int(directory.name),
        directory=directory,
        metadata=read_toml(year_toml, problems, relative_to_data(year_toml, data_dir)) if "year.toml" in names else {},
        province=read_named(found, directory, "province", data_dir),
        teams=read_folder(directory / "teams", data_dir, problems) if "teams" in names else [],
        payments=read_folder(directory / "payments", data_dir, problems) if "payments" in names else [],
    )


def year_folder_problem(path: Path, data_dir: Path) -> P.Problem:
    """A folder of allocations/ whose name is not a year: which character is wrong, as staff cannot see a space."""
    wrong = next((char for char in path.name if char not in "0123456789"), None)
    detail = f" (tên này có ký tự {describe_character(wrong)})" if wrong else f" (tên này có {len(path.name)} chữ số)"
    return P.YearFolderName(file=relative_to_data(path, data_dir), value=path.name, params={"detail": detail})


def load(data_dir: Path, years: list[int] | None = None) -> RawInput:
    """Every file under data/allocations/ is read or accounted for in ``RawInput.problems``."""
    data_dir = Path(data_dir)
    problems: list[P.Problem] = []
    year_inputs = []
    for directory in entries(data_dir / "allocations", data_dir, problems):
        if not directory.is_dir():
            problems.append(unexpected(directory, data_dir, "các thư mục năm, ví dụ allocations/2026/"))
        elif not YEAR_FOLDER.fullmatch(directory.name):
            problems.append(year_folder_problem(directory, data_dir))
        elif years is None or int(directory.name) in years:
            year_inputs.append(read_year(directory, data_dir, problems))
    return RawInput(
        data_dir=data_dir,
        communes=read_communes(data_dir / COMMUNES_FILE),
        policy=read_data_toml(data_dir, POLICY_FILE, problems),
        years=year_inputs,
        province=read_data_toml(data_dir, PROVINCE_FILE, problems),
        problems=problems,
        contacts=read_named(entries(data_dir / "reference", data_dir, problems), data_dir / "reference", CONTACTS_STEM, data_dir),
    )
