"""Small helpers tests use to break a fixture on purpose, one cell at a time."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path


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


def count_reads(monkeypatch, log: Path) -> Callable[[], list[str]]:
    """The input files (paths under data/) that validation reads from here on, rather than from its
    cache, in order. Each is written to ``log`` as it is read: a publish validates in its worker process."""
    import scripts.ingest.load

    def logged(read: Callable, name: Callable[..., str]) -> Callable:
        def logged_read(*arguments):
            with log.open("a", encoding="utf-8") as handle:
                handle.write(name(*arguments) + "\n")
            return read(*arguments)

        return logged_read

    monkeypatch.setattr(scripts.ingest.load, "read_table", logged(scripts.ingest.load.read_table, lambda path, file: file))
    monkeypatch.setattr(scripts.ingest.load, "read_communes", logged(scripts.ingest.load.read_communes, lambda path: scripts.ingest.load.COMMUNES_FILE))
    return lambda: log.read_text(encoding="utf-8").splitlines() if log.exists() else []
