"""The staff's data-quality report (build/bao-cao-kiem-tra.html), the terminal output, and the
text normalisation every value goes through."""

from __future__ import annotations

import io

import lxml.html
import pytest
from rich.console import Console

from scripts.common import progress
from scripts.ingest.read import normalise_text
from scripts.model import problems
from scripts.validate import console as report
from scripts.validate import quality_report
from scripts.validate.rules import ValidationFailed, run
from tests.helpers import set_cell

TEAMS = "allocations/2025/teams/01273.csv"
HOSTILE = '<img src=x onerror=alert(1)>[link=https://x.vn]bấm[/link]\x1b[31m'


def html_report(build) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((build / quality_report.REPORT_NAME).read_bytes())


def test_a_passing_run_reports_the_verdict_and_the_totals_per_commune(tiny_data, tmp_path):
    run(tiny_data, tmp_path)
    page = html_report(tmp_path)
    assert page.get("lang") == "vi" and "ĐẠT" in page.findtext(".//title")
    (table,) = [t for t in page.iter("table") if "Năm 2025" in t.findtext("caption")]
    rows = {row[0].text_content(): [cell.text_content() for cell in row] for row in table.find("tbody")}
    assert rows["01273"][1:4] == ["Phường Thục Phán", "12.000.000", "2"]
    assert table.find("tfoot")[0][1].text_content() == "21.000.000"


def test_a_failing_run_lists_every_problem_by_kind_with_its_cell_and_fix_escaped(tiny_data, tmp_path):
    set_cell(tiny_data / TEAMS, 2, "team_name", HOSTILE)
    set_cell(tiny_data / TEAMS, 3, "amount_vnd", "1.500")
    with pytest.raises(ValidationFailed):
        run(tiny_data, tmp_path)
    page = html_report(tmp_path)
    assert "CHƯA ĐẠT" in page.findtext(".//title")
    assert not page.xpath("//img") and not page.xpath("//*[@onerror]")
    sections = {section.findtext("h3").split(" (")[0]: section for section in page.iter("section")}
    hidden = sections["Lỗi: Ký tự điều khiển ẩn"]
    assert "Xóa ô và gõ lại" in hidden.find("p").text_content()
    cells = [cell.text_content() for cell in hidden.find(".//tbody/tr")]
    assert cells[:4] == [f"data/{TEAMS}", "2", "team_name", HOSTILE]
    assert sections["Lỗi: Số viết không rõ nghĩa"].find(".//tbody/tr")[3].text_content() == "1.500"
    kinds = [section.get("class") for section in page.iter("section")]
    assert kinds == sorted(kinds, key=("error", "warning", "notice").index)


def test_a_failing_report_opens_on_its_errors_not_on_every_file_read(tiny_data, tmp_path):
    """The province has over 200 files: the finance officer reads the errors first, linked from the verdict,
    and the files read and the totals after them."""
    set_cell(tiny_data / TEAMS, 3, "amount_vnd", "1.500")
    with pytest.raises(ValidationFailed):
        run(tiny_data, tmp_path)
    page = html_report(tmp_path)
    verdict = page.find_class("verdict")[0]
    (link,) = verdict.iter("a")
    assert link.text_content() == "1 lỗi phải sửa" and link.get("href") == "#van-de"
    headings = [heading.text_content() for heading in page.iter("h2")]
    assert headings[0] == "Các vấn đề, theo loại" == page.get_element_by_id("van-de").text_content()
    assert headings.index("Các tệp đã đọc") > 0
    first = next(page.iter("section"))
    assert first.get("class") == "error" and "1.500" in first.find(".//tbody").text_content()


def test_every_kind_of_problem_says_how_to_fix_it():
    assert sorted(kind.code for kind in problems.ALL_KINDS if kind.code not in quality_report.FIXES) == []


def test_huge_values_are_shortened_in_the_report_and_the_terminal(tiny_data, tmp_path, monkeypatch):
    set_cell(tiny_data / TEAMS, 2, "village", "Thôn " * 20_000)
    with pytest.raises(ValidationFailed) as failure:
        run(tiny_data, tmp_path)
    assert (tmp_path / quality_report.REPORT_NAME).stat().st_size < 50_000
    buffer = io.StringIO()
    monkeypatch.setattr(report, "console", Console(file=buffer, width=200))
    report.print_console(failure.value.report)
    assert len(buffer.getvalue()) < 5_000


def test_the_terminal_shows_data_as_inert_text(tiny_data, tmp_path, monkeypatch):
    set_cell(tiny_data / TEAMS, 2, "team_name", "=" + HOSTILE)  # a formula: its message quotes the value
    with pytest.raises(ValidationFailed) as failure:
        run(tiny_data, tmp_path)
    buffer = io.StringIO()
    monkeypatch.setattr(report, "console", Console(file=buffer, width=400, force_terminal=True, highlight=False))
    report.print_console(failure.value.report)
    printed = buffer.getvalue()
    assert "[link=https://x.vn]" in printed and "<U+001B>" in printed
    assert "\x1b]8;" not in printed  # Rich did not turn the data into a hyperlink


def test_progress_bars_only_on_a_terminal(monkeypatch):
    monkeypatch.setattr("sys.stderr", io.StringIO())
    items = [1, 2, 3]
    assert list(progress.track(items, "x")) == items
    assert progress.track(items, "x").__class__ is type(iter(items))


@pytest.mark.parametrize(
    "raw, normal",
    [
        ("Hoà An", "Hòa An"),
        ("Xã Đàm Thuỷ", "Xã Đàm Thủy"),
        ("HOÀ, khoẻ; Uỷ ban, hoạ", "HÒA, khỏe; Ủy ban, họa"),
        ("Hoàng ngoài quý thuyền xoáy khuỷu", "Hoàng ngoài quý thuyền xoáy khuỷu"),
        ("  Tổ\u00a0dân\u200b phố\n01 ", "Tổ dân phố 01"),
        ("To\u0302\u0309 NFD", "Tổ NFD"),
    ],
)
def test_text_is_normalised_to_one_form(raw, normal):
    assert normalise_text(raw) == normal


def test_the_reference_names_already_use_the_normal_form():
    """Staff's 'Hoà An' and the reference's 'Hòa An' must be the same string."""
    from scripts.ingest.load import load_references
    from tests.conftest import ROOT

    communes = load_references(ROOT / "data")
    for column in ("name", "full_name"):
        assert all(normalise_text(record[column]) == record[column] for record in communes)
    assert "Xã Đàm Thủy" in {record["full_name"] for record in communes}
