"""What staff read in the terminal: reads the validation problems and the stages' times; writes them to the terminal, and a crash's traceback to build/loi-chuong-trinh.txt."""

from __future__ import annotations

import dataclasses
import json
import re
import sys
import traceback
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scripts.validate.quality_report import REPORT_NAME, shorten

console = Console(stderr=True, highlight=False)


def print_console(report) -> None:
    """A table on a terminal; in a log, a pipe or CI, one unwrapped ``path:row:column: code: message`` line each."""
    errors = report.errors
    title = f"{len(errors)} lỗi phải sửa trước khi công bố"
    if console.is_terminal:
        table = Table(title=title, show_lines=False, expand=True)
        for header in ("Mã lỗi", "Tệp", "Dòng", "Cột", "Nội dung"):
            table.add_column(header, overflow="fold")
        for problem in errors:
            table.add_row(*map(terminal_safe, (problem.code, f"data/{problem.file}", str(problem.row or ""), problem.column or "", shown_message(problem))))
        console.print(table)
    else:
        console.file.write(title + ":\n" + "".join(compiler_line(problem) + "\n" for problem in errors))
    console.print(f"Ngoài ra có {len(report.warnings)} cảnh báo (sẽ được công bố như phát hiện).", soft_wrap=True)
    print_report_path()


def shown_message(problem) -> str:
    return dataclasses.replace(problem, value=shorten(problem.value)).message


def compiler_line(problem) -> str:
    """The compiler convention editors and grep understand; the path whole, on the line's start."""
    location = ":".join([f"data/{problem.file}", *([str(problem.row)] if problem.row else []), *([problem.column] if problem.column else [])])
    return printable(f"{location}: {problem.code}: {shown_message(problem)}")


def printable(text: str) -> str:
    """No escape sequences, line breaks or bidi controls from the data reach the terminal or log."""
    return "".join(char if char.isprintable() else f"<U+{ord(char):04X}>" for char in text)


def terminal_safe(text: str) -> str:
    """Data text as inert terminal text: no Rich markup, no escape sequences or bidi controls."""
    return escape(printable(text))


def print_json(report) -> None:
    """Every problem (errors, warnings, notices) as JSON on stdout, for scripts."""
    rows = [{**problem.as_row(), "value": shorten(problem.value)} for problem in report.problems]
    sys.stdout.write(json.dumps({"passed": not report.errors, "problems": rows}, ensure_ascii=False, indent=1) + "\n")


def print_report_path() -> None:
    console.print(f"Báo cáo đầy đủ (mở bằng trình duyệt): build/{REPORT_NAME}; dạng bảng: build/validation.csv", soft_wrap=True)


CRASH_LOG = "loi-chuong-trinh.txt"
VIETNAMESE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")


def failure_message(failure: Exception, build_dir: Path) -> str:
    """What staff read when a stage fails: the project's own Vietnamese message, never Python's English
    (“Integer exceeds 64-bit range”); the traceback goes to a file for whoever maintains the site."""
    text = str(failure)
    if VIETNAMESE.search(text) and not isinstance(failure, OSError):
        return text
    build_dir.mkdir(parents=True, exist_ok=True)
    (build_dir / CRASH_LOG).write_text("".join(traceback.format_exception(failure)), encoding="utf-8")
    return (
        "chương trình gặp lỗi không lường trước (không phải lỗi của dữ liệu đã kiểm tra). "
        f"Hãy gửi tệp build/{CRASH_LOG} cho người bảo trì trang."
    )


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


def print_data_release(latest: dict, before: dict | None, archive_dir: Path) -> None:
    """After a publish: the data release the site now shows and, when the publish recorded it, that staff
    commit it (README, step 4): the archive is what keeps earlier releases downloadable."""
    if before is not None and before["version"] == latest["version"]:
        console.print(f"Dữ liệu không đổi: vẫn là phiên bản {latest['version']}, ngày {latest['date']}.", soft_wrap=True)
        return
    try:
        folder = archive_dir.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        folder = str(archive_dir)
    console.print(
        f"Phiên bản dữ liệu mới {latest['version']}, ngày {latest['date']}, đã ghi vào {folder}/{latest['version']}/: "
        "hãy commit thư mục data/ cùng với nó.",
        soft_wrap=True,  # a path broken across lines cannot be copied
    )
