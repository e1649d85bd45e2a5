"""What staff read in the terminal: every validation problem, and how long each stage took."""

from __future__ import annotations

import dataclasses

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scripts.model.problems import ERROR
from scripts.validate.quality_report import REPORT_NAME, shorten

console = Console(stderr=True, highlight=False)


def print_console(report) -> None:
    errors = report.errors
    table = Table(title=f"{len(errors)} lỗi phải sửa trước khi công bố", show_lines=False, expand=True)
    for header in ("Mã lỗi", "Tệp", "Dòng", "Cột", "Nội dung"):
        table.add_column(header, overflow="fold")
    for problem in report.problems:
        if problem.severity == ERROR:
            message = dataclasses.replace(problem, value=shorten(problem.value)).message
            table.add_row(*map(terminal_safe, (problem.code, f"data/{problem.file}", str(problem.row or ""), problem.column or "", message)))
    console.print(table)
    console.print(f"Ngoài ra có {len(report.warnings)} cảnh báo (sẽ được công bố như phát hiện).")
    print_report_path()


def terminal_safe(text: str) -> str:
    """Data text as inert terminal text: no Rich markup, no escape sequences or bidi controls."""
    return escape("".join(char if char.isprintable() else f"<U+{ord(char):04X}>" for char in text))


def print_report_path() -> None:
    console.print(f"Báo cáo đầy đủ (mở bằng trình duyệt): build/{REPORT_NAME}; dạng bảng: build/validation.csv")


# The stages as staff read them (scripts/publish/pipeline.py names them in English, as the benchmark prints them).
STAGE_LABELS = {
    "validate": "kiểm tra dữ liệu",
    "notices": "thông báo PDF",
    "checks": "kiểm tra trang",
    "maps": "bản đồ",
    "downloads": "tệp tải về",
    "pages": "trang (Pelican)",
    "api": "API JSON",
    "search": "chỉ mục tìm kiếm",
    "links": "kiểm tra liên kết",
}


def print_timings(timer) -> None:
    total = sum(timer.seconds.values())
    parts = ", ".join(f"{STAGE_LABELS[name]} {seconds:.2f} s" for name, seconds in timer.seconds.items())
    console.print(f"Thời gian: {parts}; tổng {total:.2f} s")
