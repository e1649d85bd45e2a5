"""Stage 1: read everything under data/ into plain tables of normalised text.

Nothing is interpreted here beyond text normalisation; types are checked by ``validate``
so that every problem can be reported with its file, row and column.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

HEADER_ROW = 1  # spreadsheet row numbers: the header is row 1, the first data row is row 2


def normalise_text(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


@dataclass
class RawTable:
    """A CSV read as text: its header and rows exactly as staff wrote them, normalised."""

    path: Path
    relative_path: str
    header: list[str]
    rows: list[dict[str, str]]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (code, detail) found while reading

    def row_number(self, index: int) -> int:
        return index + HEADER_ROW + 1


@dataclass
class YearInput:
    fiscal_year: int
    directory: Path
    metadata: dict
    province: RawTable
    teams: list[RawTable]


@dataclass
class RawInput:
    data_dir: Path
    communes: pd.DataFrame
    policy: dict
    years: list[YearInput]


def read_csv_text(path: Path, data_dir: Path) -> RawTable:
    relative = path.relative_to(data_dir).as_posix()
    if not path.exists():
        return RawTable(path, relative, [], [], [("file-missing", "")])
    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            skipinitialspace=False,
        )
    except pd.errors.EmptyDataError:
        return RawTable(path, relative, [], [], [("empty-file", "")])
    except UnicodeDecodeError as error:
        return RawTable(path, relative, [], [], [("encoding-error", str(error))])
    except pd.errors.ParserError as error:
        return RawTable(path, relative, [], [], [("parse-error", str(error))])
    header = [normalise_text(str(name)) for name in frame.columns]
    frame.columns = header
    rows = [
        {name: normalise_text(value) for name, value in zip(header, record)}
        for record in frame.itertuples(index=False, name=None)
    ]
    return RawTable(path, relative, header, rows)


def read_toml(path: Path) -> dict:
    """A missing or unreadable file reads as empty: ``validate`` reports what it lacks."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return {}


def load_references(data_dir: Path) -> pd.DataFrame:
    communes = pd.read_csv(data_dir / "reference" / "communes.csv", dtype=str, keep_default_na=False)
    communes = communes.map(normalise_text)
    return communes.rename(columns={"name_dataset": "name", "full_name_sapnhap": "full_name"})


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
                province=read_csv_text(directory / "province.csv", data_dir),
                teams=[read_csv_text(path, data_dir) for path in sorted((directory / "teams").glob("*.csv"))],
            )
        )
    return RawInput(
        data_dir=data_dir,
        communes=load_references(data_dir),
        policy=read_toml(data_dir / "policy" / "policy.toml"),
        years=year_inputs,
    )
