"""Small helpers tests use to break a fixture on purpose, one cell at a time."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

from scripts.outputs.api import run as api_run


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell; ``row`` is the spreadsheet row number (header = 1), as in error reports."""
    rows = read_rows(path)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def append_row(path: Path, values: dict[str, str]) -> int:
    """Append a row (missing columns copied from the last row); return its spreadsheet row number."""
    rows = read_rows(path)
    header = rows[0]
    rows.append([values.get(name, rows[-1][index]) for index, name in enumerate(header)])
    write_rows(path, rows)
    return len(rows)


def rename_column(path: Path, old: str, new: str) -> None:
    rows = read_rows(path)
    rows[0][rows[0].index(old)] = new
    write_rows(path, rows)


def drop_column(path: Path, column: str) -> None:
    rows = read_rows(path)
    index = rows[0].index(column)
    write_rows(path, [row[:index] + row[index + 1 :] for row in rows])


def api_run_late(*arguments):
    """``scripts.outputs.api.run`` a second late, as on a busy machine: still linking its files into the
    release when a later stage fails. Module-level, so a process pool can run it."""
    time.sleep(1)
    return api_run(*arguments)
