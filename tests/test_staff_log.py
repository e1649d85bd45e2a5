"""Errors a log keeps whole, and a big file refused at once (issue 28).

Outside a terminal every problem is one ``path:row:column: code: message`` line with the path unbroken;
one kind of problem is listed at most 20 times per file; payments that cannot be checked because their
commune's allocations, or a row of them, could not be read are one line, not one per payment; a table past the size limit
is refused before it is read, with a report and a console a person can read.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from invoke import Context, Exit
from rich.console import Console

import tasks
from scripts.ingest import read
from scripts.publish import pipeline as publish
from scripts.validate import console as report
from scripts.validate import quality_report
from scripts.validate.rules import LISTED_PER_KIND, ValidationFailed, run
from tests.helpers import rename_column, set_cell
from tests.test_bad_inputs import TEAMS, live_site, snapshot  # noqa: F401 (live_site is a fixture)

PAYMENTS = "allocations/2025/payments/01273.csv"
HEADER = "team_id,team_name,village,commune_code,member_count,month_from,month_to,amount_vnd,decision_number,decision_date\n"


def write_teams(path, rows: int) -> None:
    """A teams file of ``rows`` rows, as the export of a whole ledger the issue received (ids of 6 digits)."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER)
        for index in range(1, rows + 1):
            handle.write(
                f"01273-{index:06d},Tổ CĐSCĐ tổ dân phố Nà Mạ · Khuổi Ky số {index},Tổ dân phố Nà Mạ số {index},"
                f"1273,12,1,12,6000000,05/QĐ-UBND,2025-01-30\n"
            )


def logged(failure_report) -> list[str]:
    """What ``invoke validate`` prints when its output goes to a file or a pipe (not a terminal), 60 columns wide."""
    buffer = io.StringIO()
    report.console = Console(file=buffer, width=60, highlight=False)
    try:
        report.print_console(failure_report)
    finally:
        report.console = Console(stderr=True, highlight=False)
    return buffer.getvalue().splitlines()


def test_the_384000_row_ledger_is_refused_at_once_with_a_short_report(live_site, tmp_path):  # noqa: F811
    write_teams(live_site.data / TEAMS, 384_000)
    assert (live_site.data / TEAMS).stat().st_size > read.MAX_TABLE_BYTES
    before = snapshot(live_site)
    with pytest.raises(ValidationFailed) as failure:
        publish.publish(live_site)
    errors = failure.value.report.errors
    assert [(p.code, p.file) for p in errors if p.file == TEAMS] == [("table-too-large", TEAMS)]
    assert "20 MB" in errors[0].message
    assert snapshot(live_site) == before
    for name in (quality_report.REPORT_NAME, "validation.csv"):
        assert (live_site.work / name).stat().st_size < 5_000_000
    lines = logged(failure.value.report)
    assert len(lines) < 100
    assert not any("payment-unknown-team" in line for line in lines)  # its payments: one line, below
    assert f"data/{PAYMENTS}: payments-unchecked: " in "\n".join(lines)


def test_a_table_past_the_row_limit_is_refused_while_it_is_read(tiny_data, tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_TABLE_ROWS", 60)
    write_teams(tiny_data / TEAMS, 61)
    with pytest.raises(ValidationFailed) as failure:
        run(tiny_data, tmp_path)
    (problem,) = [p for p in failure.value.report.errors if p.file == TEAMS]
    assert problem.code == "table-too-large" and "60 dòng" in problem.message


@pytest.mark.slow
def test_a_100000_row_file_is_validated_and_each_kind_listed_20_times(tiny_data, tmp_path):
    write_teams(tiny_data / TEAMS, 100_000)
    with pytest.raises(ValidationFailed) as failure:
        run(tiny_data, tmp_path)
    problems = [p for p in failure.value.report.problems if p.file == TEAMS]
    listed = [p for p in problems if p.code == "type-error"]
    assert len(listed) == LISTED_PER_KIND and listed[0].row == 2
    (more,) = [p for p in problems if p.code == "more-problems"]
    assert more.params["count"] == 100_000 - LISTED_PER_KIND and more.value == "type-error"
    (notices,) = [p for p in problems if p.code == "more-notices"]  # code-restored, 1273 → 01273, on every row
    assert notices.value == "code-restored" and notices.severity == "notice"
    assert not any("số điện thoại" in p.message for p in problems)  # 01273-000001 is not a phone number
    assert (tmp_path / quality_report.REPORT_NAME).stat().st_size < 5_000_000
    assert len(logged(failure.value.report)) < 100


def test_an_error_line_in_a_log_names_its_file_whole(tiny_data, tmp_path):
    set_cell(tiny_data / TEAMS, 3, "village", "Th«n mÉu")
    with pytest.raises(ValidationFailed) as failure:
        run(tiny_data, tmp_path)
    lines = logged(failure.value.report)
    (line,) = [line for line in lines if "legacy-font-text" in line]
    assert line.startswith(f"data/{TEAMS}:3:village: legacy-font-text: Giá trị “Th«n mÉu”")
    assert not any("│" in line for line in lines)  # no table: nothing wrapped


def test_messages_use_words_not_regular_expressions(tiny_data, tmp_path):
    set_cell(tiny_data / TEAMS, 2, "team_id", "01273-5")
    with pytest.raises(ValidationFailed) as failure:
        run(tiny_data, tmp_path)
    (problem,) = [p for p in failure.value.report.errors if (p.file, p.row, p.column) == (TEAMS, 2, "team_id")]
    assert "ví dụ 01273-005" in problem.message
    assert not re.search(r"[\^$\\]|\\d", problem.message)


def test_payments_of_an_unreadable_teams_file_are_one_line_naming_it(tiny_data, tmp_path):
    (tiny_data / TEAMS).write_bytes(b"")
    with pytest.raises(ValidationFailed) as failure:
        run(tiny_data, tmp_path)
    codes = [(p.code, p.file) for p in failure.value.report.errors]
    assert ("empty-file", TEAMS) in codes and ("payments-unchecked", PAYMENTS) in codes
    assert not any(code == "payment-unknown-team" for code, _ in codes)
    (unchecked,) = [p for p in failure.value.report.errors if p.code == "payments-unchecked"]
    assert f"data/{TEAMS} không đọc được" in unchecked.message


@pytest.mark.parametrize(
    "slip, written, code",
    [(",Tổ dân phố mẫu 01,", ",Tổ dân phố, mẫu 01,", "ragged-row"), ("01273-001,", "1273-001,", "type-error")],
    ids=["a stray separator", "a team id without its zero"],
)
def test_payments_of_a_team_whose_row_cannot_be_read_are_one_line_naming_the_row(tiny_data, tmp_path, slip, written, code):
    """A slip in a team's row hides which team it is; its payments are not "no such team" each, which would
    tell staff to delete them, but one line sending them back to the row."""
    lines = (tiny_data / TEAMS).read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[1].startswith("01273-001,") and slip in lines[1]
    lines[1] = lines[1].replace(slip, written)
    (tiny_data / TEAMS).write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ValidationFailed) as failure:
        run(tiny_data, tmp_path)
    errors = failure.value.report.errors
    assert [(p.file, p.row) for p in errors if p.code == code] == [(TEAMS, 2)]
    assert not any(p.code == "payment-unknown-team" for p in errors)
    (unchecked,) = [p for p in errors if p.code == "payments-unchecked"]
    assert unchecked.file == PAYMENTS
    assert f"data/{TEAMS} có dòng không đọc được mã tổ (dòng 2)" in unchecked.message
    assert re.match(r"\d+ dòng chi ", unchecked.message)


def test_payments_of_a_teams_file_without_team_ids_are_one_line_saying_so(tiny_data, tmp_path):
    rename_column(tiny_data / TEAMS, "team_id", "Mã tổ")
    with pytest.raises(ValidationFailed) as failure:
        run(tiny_data, tmp_path)
    errors = failure.value.report.errors
    assert [(p.code, p.file, p.row, p.column) for p in errors if p.file == TEAMS] == [("misnamed-column", TEAMS, 1, "mã tổ")]
    (unchecked,) = [p for p in errors if p.file == PAYMENTS]
    assert unchecked.code == "payments-unchecked" and f"data/{TEAMS} không có cột team_id: sửa tệp đó trước" in unchecked.message


def test_validate_format_json_prints_the_problems_for_scripts(tiny_data, tmp_path, monkeypatch, capsys):
    set_cell(tiny_data / TEAMS, 2, "amount_vnd", "-5")
    monkeypatch.setattr(tasks, "PATHS", publish.Paths(tmp_path / "root", tiny_data))
    with pytest.raises(Exit):
        tasks.validate(Context(), format="json")
    printed = json.loads(capsys.readouterr().out)
    assert printed["passed"] is False
    assert any((p["code"], p["file"], p["row"], p["column"]) == ("negative-amount", TEAMS, 2, "amount_vnd") for p in printed["problems"])


def test_a_crash_reaches_staff_in_vietnamese_and_the_traceback_goes_to_a_file(tmp_path):
    try:
        int("9" * 25).to_bytes(8)
    except OverflowError as crash:
        message = report.failure_message(crash, tmp_path)
    assert "int too big" not in message and "build/loi-chuong-trinh.txt" in message
    assert "OverflowError" in (tmp_path / report.CRASH_LOG).read_text(encoding="utf-8")
    assert report.failure_message(RuntimeError("Không có bản phát hành nào trước bản đang chạy."), tmp_path).startswith("Không có")
    assert "Errno" not in report.failure_message(FileExistsError(17, "File exists"), tmp_path)
