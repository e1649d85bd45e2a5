"""Every validation rule has a deliberately bad fixture that asserts its code and its cell.

Each case breaks one thing in the tiny dataset and names the problem it must produce:
(code, file, row, column). Rows are spreadsheet rows (header = 1), as staff see them in Excel.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from scripts.ingest.load import load
from scripts.model import problems
from scripts.model.schema import CONTACTS, INPUT_TABLES, header_key
from scripts.validate.rules import ValidationFailed, run, validate
from tests.helpers import append_row, drop_column, rename_column, set_cell

YEAR = "allocations/2025"
PROVINCE = f"{YEAR}/province.csv"
TEAMS = f"{YEAR}/teams/01273.csv"
OTHER_TEAMS = f"{YEAR}/teams/01786.csv"


def problems_of(data: Path) -> list[tuple]:
    _, report = validate(load(data))
    return [(p.code, p.file, p.row, p.column) for p in report.problems]


def rewrite(data: Path, relative: str, old: str, new: str) -> None:
    path = data / relative
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


BAD_INPUT_CASES = {
    "missing-column": (lambda d: drop_column(d / TEAMS, "village"), ("missing-column", TEAMS, 1, "village")),
    "unknown-column": (lambda d: rename_column(d / TEAMS, "village", "thon"), ("unknown-column", TEAMS, 1, "thon")),
    "misnamed-column": (lambda d: rename_column(d / TEAMS, "village", "Thôn/xóm, tổ dân phố"), ("misnamed-column", TEAMS, 1, "thôn/xóm, tổ dân phố")),
    "type-error": (lambda d: set_cell(d / TEAMS, 2, "member_count", "mười"), ("type-error", TEAMS, 2, "member_count")),
    "type-error-date": (
        lambda d: set_cell(d / TEAMS, 3, "decision_date", "2025-02-30"),
        ("type-error", TEAMS, 3, "decision_date"),
    ),
    "type-error-code": (lambda d: set_cell(d / TEAMS, 2, "team_id", "01273-1"), ("type-error", TEAMS, 2, "team_id")),
    "negative-amount": (
        lambda d: set_cell(d / TEAMS, 2, "amount_vnd", "-6000000"),
        ("negative-amount", TEAMS, 2, "amount_vnd"),
    ),
    "non-integer-amount": (
        lambda d: set_cell(d / TEAMS, 2, "amount_vnd", "6000000.5"),
        ("non-integer-amount", TEAMS, 2, "amount_vnd"),
    ),
    "missing-value": (lambda d: set_cell(d / TEAMS, 2, "team_name", ""), ("missing-value", TEAMS, 2, "team_name")),
    "out-of-range": (lambda d: set_cell(d / TEAMS, 2, "month_to", "13"), ("out-of-range", TEAMS, 2, "month_to")),
    "month-range-reversed": (
        lambda d: (set_cell(d / TEAMS, 2, "month_from", "12"), set_cell(d / TEAMS, 2, "month_to", "1")),
        ("month-range-reversed", TEAMS, 2, "month_from"),
    ),
    "duplicate-team-id": (
        lambda d: append_row(d / TEAMS, {"team_id": "01273-001", "team_name": "Tổ khác", "month_from": "1", "month_to": "12"}),
        ("duplicate-team-id", TEAMS, 5, "team_id"),
    ),
    "unknown-commune": (
        lambda d: set_cell(d / PROVINCE, 3, "commune_code", "99999"),
        ("unknown-commune", PROVINCE, 3, "commune_code"),
    ),
    "unknown-commune-team": (
        lambda d: set_cell(d / TEAMS, 2, "commune_code", "99999"),
        ("unknown-commune", TEAMS, 2, "commune_code"),
    ),
    "wrong-commune": (
        lambda d: set_cell(d / TEAMS, 2, "commune_code", "01786"),
        ("wrong-commune", TEAMS, 2, "commune_code"),
    ),
    "wrong-commune-team-id": (
        lambda d: set_cell(d / TEAMS, 2, "team_id", "01786-009"),
        ("wrong-commune", TEAMS, 2, "team_id"),
    ),
    "overlapping-funding": (
        lambda d: set_cell(d / TEAMS, 4, "month_from", "6"),
        ("overlapping-funding", TEAMS, 4, "team_id"),
    ),
    "duplicate-commune": (
        lambda d: append_row(d / PROVINCE, {"commune_code": "01273", "amount_vnd": "0"}),
        ("duplicate-commune", PROVINCE, 4, "commune_code"),
    ),
    "decision-mismatch": (
        lambda d: set_cell(d / PROVINCE, 2, "decision_number", "02/QĐ-UBND"),
        ("decision-mismatch", PROVINCE, 2, "decision_number"),
    ),
    "commune-not-allocated": (
        lambda d: (d / f"{YEAR}/teams/01290.csv").write_text(
            (d / OTHER_TEAMS).read_text(encoding="utf-8").replace("01786", "01290"), encoding="utf-8"
        ),
        ("commune-not-allocated", f"{YEAR}/teams/01290.csv", None, "commune_code"),
    ),
    "commune-overallocated": (
        lambda d: set_cell(d / TEAMS, 2, "amount_vnd", "9000000"),
        ("commune-overallocated", TEAMS, None, "amount_vnd"),
    ),
    "province-total-mismatch": (
        lambda d: set_cell(d / PROVINCE, 2, "amount_vnd", "13000000"),
        ("province-total-mismatch", PROVINCE, None, "amount_vnd"),
    ),
    "file-missing": (lambda d: (d / PROVINCE).unlink(), ("file-missing", PROVINCE, None, None)),
    "empty-file": (lambda d: (d / OTHER_TEAMS).write_bytes(b""), ("empty-file", OTHER_TEAMS, None, None)),
    "parse-error": (
        lambda d: (d / OTHER_TEAMS).write_text(
            (d / OTHER_TEAMS).read_text(encoding="utf-8") + '01786-002,"Tổ chưa đóng ngoặc,Thôn,01786,10\n',
            encoding="utf-8",
        ),
        ("parse-error", OTHER_TEAMS, 3, None),
    ),
    "encoding-error": (
        # Latin-1 with a letter Vietnamese lacks (ö): a Windows-1258 file would hold only Vietnamese letters.
        lambda d: (d / OTHER_TEAMS).write_bytes((d / OTHER_TEAMS).read_text(encoding="utf-8").replace("thôn", "thön").encode("latin-1", errors="replace")),
        ("encoding-error", OTHER_TEAMS, None, None),
    ),
    "metadata-missing": (
        lambda d: rewrite(d, f"{YEAR}/year.toml", "published_on = 2025-02-14\n", ""),
        ("metadata-missing", f"{YEAR}/year.toml", None, "published_on"),
    ),
    "policy-invalid": (
        lambda d: rewrite(d, "policy/policy.toml", "minimum_members = 10\n", ""),
        ("policy-invalid", "policy/policy.toml", None, "minimum_members"),
    ),
    "policy-invalid-rate": (
        lambda d: rewrite(d, "policy/policy.toml", "amount_vnd = 500000", 'amount_vnd = "năm trăm nghìn"'),
        ("policy-invalid", "policy/policy.toml", None, "rates[1].amount_vnd"),
    ),
    "team-above-maximum": (
        lambda d: set_cell(d / TEAMS, 2, "member_count", "500"),
        ("team-above-maximum", TEAMS, 2, "member_count"),
    ),
    "policy-no-rate": (
        lambda d: rewrite(d, "policy/policy.toml", "from_year = 2025", "from_year = 2026"),
        ("policy-no-rate", "policy/policy.toml", None, "rates"),
    ),
    "province-missing": (
        lambda d: rewrite(d, "reference/province.toml", 'name = "Tỉnh Cao Bằng"', 'name = ""'),
        ("province-missing", "reference/province.toml", None, "name"),
    ),
    "province-missing-file": (
        lambda d: (d / "reference" / "province.toml").unlink(),
        ("province-missing", "reference/province.toml", None, "name"),
    ),
    "province-missing-boundaries": (
        lambda d: rewrite(d, "reference/province.toml", 'boundaries_source = "NXB', 'boundaries_source = " "\nx = "'),
        ("province-missing", "reference/province.toml", None, "boundaries_source"),
    ),
    "province-missing-sample-note": (
        lambda d: rewrite(d, "reference/province.toml", 'sample_note = "', 'sample_note = 1\nx = "'),
        ("province-missing", "reference/province.toml", None, "sample_note"),
    ),
    "team-count-differs": (
        lambda d: set_cell(d / PROVINCE, 2, "team_count", "3"),
        ("team-count-differs", PROVINCE, 2, "team_count"),
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT_CASES))
def test_bad_input_is_reported_at_its_cell(tiny_data, case):
    breaks, expected = BAD_INPUT_CASES[case]
    breaks(tiny_data)
    assert expected in problems_of(tiny_data)


def test_the_tiny_fixture_is_valid_and_its_findings_are_known(tiny_data):
    found = problems_of(tiny_data)
    assert sorted(found) == sorted(
        [
            ("team-below-minimum", TEAMS, 3, "member_count"),
            ("team-below-minimum", TEAMS, 4, "member_count"),
            ("amount-differs-from-rate", OTHER_TEAMS, 2, "amount_vnd"),
            ("commune-unallocated-balance", OTHER_TEAMS, None, "amount_vnd"),
            ("dated-after-publication", TEAMS, 4, "decision_date"),
        ]
    )


def test_every_problem_is_collected_in_one_pass(tiny_data):
    cases = ("type-error", "unknown-commune", "decision-mismatch", "metadata-missing", "policy-invalid-rate")
    for case in cases:
        BAD_INPUT_CASES[case][0](tiny_data)
    found = problems_of(tiny_data)
    for case in cases:
        assert BAD_INPUT_CASES[case][1] in found


def test_errors_stop_the_run_but_the_report_is_written(tiny_data, tmp_path):
    set_cell(tiny_data / TEAMS, 2, "amount_vnd", "-1")
    with pytest.raises(ValidationFailed) as failure:
        run(tiny_data, tmp_path / "build")
    assert [p.code for p in failure.value.report.errors] == ["negative-amount"]
    assert "negative-amount" in (tmp_path / "build" / "validation.csv").read_text(encoding="utf-8")
    assert not (tmp_path / "build" / "dataset.json").exists()


def test_messages_are_vietnamese_and_name_the_value(tiny_data):
    set_cell(tiny_data / TEAMS, 2, "amount_vnd", "6000000.5")
    _, report = validate(load(tiny_data))
    (problem,) = report.errors
    assert "6000000.5" in problem.message and "đồng chẵn" in problem.message


def test_sums_of_money_in_messages_read_as_on_the_pages(tiny_data):
    """A finding is published: its sums read "5.500.000 đồng", as the pages write them, and a year stays 2025."""
    set_cell(tiny_data / TEAMS, 2, "amount_vnd", "5500000")
    _, report = validate(load(tiny_data))
    (differs,) = [p for p in report.problems if p.code == "amount-differs-from-rate" and p.value == "5500000"]
    assert re.search(r"Số tiền 5\.500\.000 đồng khác định mức × số tháng = \d{1,3}(\.\d{3})+ đồng \(chênh -?\d{1,3}(\.\d{3})* đồng\)", differs.message)
    assert differs.value == "5500000"  # the cell as typed, in the staff's report
    unknown = problems.PaymentUnknownTeam(file="f", value="01273-999", params={"fiscal_year": 2025})
    assert "năm 2025:" in unknown.message


def test_every_problem_kind_has_a_bad_fixture_somewhere_in_the_tests():
    test_sources = "\n".join(path.read_text(encoding="utf-8") for path in Path(__file__).parent.rglob("test_*.py"))
    quoted = set(re.findall(r"\"([a-z]+(?:-[a-z]+)+)\"", test_sources))
    untested = sorted(kind.code for kind in problems.ALL_KINDS if kind.code not in quoted)
    assert untested == []


def test_only_public_columns_reach_the_dataset(tiny_data, tmp_path):
    import json

    from scripts.model.schema import TEAM_ALLOCATIONS

    dataset = json.loads(run(tiny_data, tmp_path).read_text(encoding="utf-8"))
    public = set(TEAM_ALLOCATIONS.column_names) | {"months", "periods", "source_file", "source_row"}
    for year in dataset["years"]:
        for team in year["teams"]:
            assert set(team) <= public


@pytest.mark.parametrize("header", ["Tên tổ", "TEN TO", "Team name", "team-name"])
def test_a_header_written_as_the_columns_title_names_the_column_to_write_instead(tiny_data, header):
    """Staff who type their own header in Vietnamese, or the name in another case, are told the name to
    write, once: not that team_name is missing and that their column is unknown."""
    rename_column(tiny_data / TEAMS, "team_name", header)
    _, report = validate(load(tiny_data))
    about = [p for p in report.problems if p.file == TEAMS and p.row == 1]
    assert [(p.code, p.params["expected"]) for p in about] == [("misnamed-column", "team_name")]
    assert "hãy đổi" in about[0].message and about[0].message.endswith("thành team_name.")


@pytest.mark.parametrize("table", [*INPUT_TABLES, CONTACTS], ids=lambda table: table.name)
def test_no_header_could_mean_two_columns_of_a_table(table):
    meanings = defaultdict(set)
    for column in table.columns:
        for text in (column.name, column.title):
            meanings[header_key(text)].add(column.name)
    assert {key: names for key, names in meanings.items() if len(names) > 1} == {}
