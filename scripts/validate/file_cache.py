"""Each input file read and typed once for its bytes, and each year validated once for its inputs,
not again on every publish.

A one-cell correction changes one of the ~230 files of a province; reading and typing every cell
of the others again was most of its validation. What ``load`` read from a file (header, rows,
problems) and what ``validate.typed_rows`` made of it (problems, typed rows) are kept in
``build/validation-cache.pickle``, each under a key: the SHA-256 of the code that reads and
types files, the file's path under data/ (problems name it) and its bytes. The rules across a
year's files (totals, duplicates, payments against allocations) run again for a year whose inputs
changed: what ``validate.validate_year`` found for the others is kept in
``build/validated-years.pickle`` (``ValidatedYears``), under the keys of all their inputs.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path

from scripts.ingest import load
from scripts.ingest import parse
from scripts.ingest import personal
from scripts.model import problems
from scripts.ingest import read
from scripts.model import schema
from scripts.ingest.load import RawTable
from scripts.publish.reuse import TOOLCHAIN, PickledEntries

FILE = "validation-cache.pickle"
YEARS_FILE = "validated-years.pickle"
# typed_rows lives in rules.py, which imports this module: its file is hashed by path.
CODE = hashlib.sha256(
    b"".join(Path(module.__file__).read_bytes() for module in (load, parse, personal, problems, read, schema))
    + (Path(__file__).parent / "rules.py").read_bytes()
    + TOOLCHAIN.encode()  # pandas and openpyxl read the files
).hexdigest()
TABLE_FIELDS = ("header", "rows", "problems", "row_numbers", "detected", "typed")


def content_key(name: str, path: Path) -> str:
    """What was made from ``path`` under ``name`` by the reading code: its key, by the file's bytes."""
    return hashlib.sha256(f"{CODE}\0{name}\0".encode() + path.read_bytes()).hexdigest()


class FileCache:
    """One file for all entries: read once and written once per run, not one file per input file
    (at national size, ~400 small files per province to write on a full publish and to read back).
    Each entry is kept pickled on its own (``PickledEntries``): pickling them all again took
    0.03–0.05 s of a one-cell republish."""

    def __init__(self, build_dir: Path):
        self.entries = PickledEntries(Path(build_dir) / FILE)
        # Each table read this run, its key, and what validation had typed it as when found (None: not found)
        self.read_tables: list[tuple[RawTable, str, frozenset[str] | None]] = []
        self.keys: dict[str, str] = {}  # path under data/ → key, of each table read this run

    def read(self, path: Path, relative: str) -> RawTable:
        """``load.read_file``, or what it gave for the same bytes at the same path before."""
        key = content_key(relative, path)
        values = self.entries.get(key)
        if values is None:
            table, found = load.read_file(path, relative), None
        else:
            table = RawTable(path, relative, **dict(zip(TABLE_FIELDS, values)))
            found = frozenset(table.typed)
        self.read_tables.append((table, key, found))
        self.keys[relative] = key
        return table

    def references(self, path: Path) -> list[dict[str, str]]:
        """``load.read_communes``, or what it gave for the same bytes before."""
        # Tagged apart from the tables' keys: its entry holds records, not a table.
        return self.entries.made(content_key(f"communes\0{load.COMMUNES_FILE}", path), lambda: load.read_communes(path))

    def key(self, table: RawTable) -> str:
        """What ``table`` was read from: its key, or for a file not read (missing, or two files for
        one table), the problems that say so."""
        return self.keys.get(table.relative_path) or repr([problem.as_row() for problem in table.problems])

    def save(self) -> None:
        """Keep the entries of the files read this run, with what validation added; drop the others."""
        for table, key, found in self.read_tables:
            if found == frozenset(table.typed):
                self.entries.keep_stored(key)
            else:
                self.entries.keep(key, tuple(getattr(table, name) for name in TABLE_FIELDS))
        self.entries.save()


class ValidatedYears:
    """What ``validate.validate_year`` returned and reported for each year, under the key of all it
    reads: the code, the year's settings and files, the communes and the policy. A one-cell correction
    changes one year; checking the others again was 0.03–0.06 s of a province's republish."""

    def __init__(self, build_dir: Path, files: FileCache):
        self.entries = PickledEntries(Path(build_dir) / YEARS_FILE)
        self.files = files

    def key(self, year: load.YearInput, known: set[str], policy: dict | None) -> str:
        tables = [self.files.key(table) for table in (year.province, *year.teams, *year.payments)]
        inputs = (year.fiscal_year, year.metadata, sorted(known), policy, tables)
        return hashlib.sha256(CODE.encode() + pickle.dumps(inputs, protocol=5)).hexdigest()

    def validated(self, key: str, validate: Callable[[], tuple[dict | None, list[problems.Problem]]]) -> tuple[dict | None, list[problems.Problem]]:
        """``validate()``'s result, or what it returned for the same key before."""
        return self.entries.made(key, validate)

    def save(self) -> None:
        """Keep the years of this run only."""
        self.entries.save()
