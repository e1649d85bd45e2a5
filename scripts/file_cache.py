"""Each input file read and typed once for its bytes, not again on every publish.

A one-cell correction changes one of the ~230 files of a province; reading and typing every cell
of the others again was most of its validation. What ``load`` read from a file (header, rows,
problems) and what ``validate.typed_rows`` made of it (problems, typed rows) are kept in
``build/validation-cache/<key>.pickle``, the key being the SHA-256 of the code that reads and
types files, the file's path under data/ (problems name it) and its bytes. Every rule across
files (totals, duplicates, payments against allocations) still runs on every publish.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from scripts import load, parse, personal, problems, read, schema
from scripts.load import RawTable
from scripts.reuse import write_new

FOLDER = "validation-cache"
# typed_rows lives in validate.py, which imports this module: its file is hashed by path.
CODE = hashlib.sha256(
    b"".join(Path(module.__file__).read_bytes() for module in (load, parse, personal, problems, read, schema))
    + (Path(__file__).parent / "validate.py").read_bytes()
).hexdigest()
TABLE_FIELDS = ("header", "rows", "problems", "row_numbers", "detected", "typed")


class FileCache:
    def __init__(self, build_dir: Path):
        self.folder = Path(build_dir) / FOLDER
        # id of each table read this run → the table, its key, and what validation had typed it as when found
        self.read_tables: dict[int, tuple[RawTable, str, frozenset[str] | None]] = {}

    def read(self, path: Path, relative: str) -> RawTable:
        """``load.read_file``, or what it gave for the same bytes at the same path before."""
        key = hashlib.sha256(f"{CODE}\0{relative}\0".encode() + path.read_bytes()).hexdigest()
        try:
            stored = pickle.loads((self.folder / f"{key}.pickle").read_bytes())
            table = RawTable(path, relative, **dict(zip(TABLE_FIELDS, stored)))
            found = frozenset(table.typed)
        except (OSError, pickle.UnpicklingError, EOFError, TypeError):  # absent, or cut short by a killed run
            table, found = load.read_file(path, relative), None
        self.read_tables[id(table)] = (table, key, found)
        return table

    def save(self) -> None:
        """Write the entries that are new or that validation typed further; remove those no file had this run."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for table, key, found in self.read_tables.values():
            if found != frozenset(table.typed):
                write_new(self.folder / f"{key}.pickle", pickle.dumps(tuple(getattr(table, name) for name in TABLE_FIELDS), protocol=5))
        kept = {f"{key}.pickle" for _, key, _ in self.read_tables.values()}
        for name in set(os.listdir(self.folder)) - kept:
            os.unlink(self.folder / name)
