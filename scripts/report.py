"""What staff read in the terminal: every validation problem, and how long each stage took."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from scripts.problems import ERROR

console = Console(stderr=True, highlight=False)


def print_console(report) -> None:
    errors = report.errors
    table = Table(title=f"{len(errors)} lỗi phải sửa trước khi công bố", show_lines=False, expand=True)
    for header in ("Mã lỗi", "Tệp", "Dòng", "Cột", "Nội dung"):
        table.add_column(header, overflow="fold")
    for problem in report.problems:
        if problem.severity == ERROR:
            table.add_row(problem.code, f"data/{problem.file}", str(problem.row or ""), problem.column or "", problem.message)
    console.print(table)
    console.print(f"Ngoài ra có {len(report.warnings)} cảnh báo (sẽ được công bố như phát hiện). Chi tiết: build/validation.csv")


def print_timings(timer) -> None:
    total = sum(timer.seconds.values())
    parts = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in timer.seconds.items())
    console.print(f"Thời gian: {parts}; tổng {total:.2f} s")
