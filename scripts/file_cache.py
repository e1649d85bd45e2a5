"""Each input file read and typed once for its bytes, not again on every publish.

A one-cell correction changes one of the ~230 files of a province; reading and typing every cell
of the others again was most of its validation. What ``load`` read from a file (header, rows,
problems) and what ``validate.typed_rows`` made of it (problems, typed rows) are kept in
``build/validation-cache.pickle``, each under a key: the SHA-256 of the code that reads and
types files, the file's path under data/ (problems name it) and its bytes. Every rule across
files (totals, duplicates, payments against allocations) still runs on every publish.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from scripts import load, parse, personal, problems, read, schema
from scripts.load import RawTable
from scripts.reuse import read_cache, write_cache

FILE = "validation-cache.pickle"
# typed_rows lives in validate.py, which imports this module: its file is hashed by path.
CODE = hashlib.sha256(
    b"".join(Path(module.__file__).read_bytes() for module in (load, parse, personal, problems, read, schema))
    + (Path(__file__).parent / "validate.py").read_bytes()
).hexdigest()
TABLE_FIELDS = ("header", "rows", "problems", "row_numbers", "detected", "typed")


class FileCache:
    """One file for all entries: read once and written once per run, not one file per input file
    (at national size, ~400 small files per province to write on a full publish and to read back)."""

    def __init__(self, build_dir: Path):
        self.path = Path(build_dir) / FILE
        self.stored: dict[str, tuple] = read_cache(self.path)
        # Each table read this run, its key, and what validation had typed it as when found (None: not found)
        self.read_tables: list[tuple[RawTable, str, frozenset[str] | None]] = []

    def read(self, path: Path, relative: str) -> RawTable:
        """``load.read_file``, or what it gave for the same bytes at the same path before."""
        key = hashlib.sha256(f"{CODE}\0{relative}\0".encode() + path.read_bytes()).hexdigest()
        if key in self.stored:
            table = RawTable(path, relative, **dict(zip(TABLE_FIELDS, self.stored[key])))
            found = frozenset(table.typed)
        else:
            table, found = load.read_file(path, relative), None
        self.read_tables.append((table, key, found))
        return table

    def save(self) -> None:
        """Keep the entries of the files read this run, with what validation added; drop the others."""
        entries = {key: tuple(getattr(table, name) for name in TABLE_FIELDS) for table, key, _ in self.read_tables}
        unchanged = all(found == frozenset(table.typed) for table, _, found in self.read_tables)
        if not (unchanged and entries.keys() == self.stored.keys()):
            write_cache(self.path, entries)
