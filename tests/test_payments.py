"""Payments: every rule has a bad fixture asserting its cell, and only public columns reach the dataset.

Same pattern as tests/test_validate.py: each case breaks one thing in the tiny dataset, whose
payments file holds one partial payment (01273-001: months 1–6, 3,000,000 of 6,000,000 allocated).
"""

from __future__ import annotations

import json

import pytest

from scripts.ingest.load import load
from scripts.model.schema import PAYMENTS as PAYMENT_TABLE
from scripts.validate.rules import run, validate
from tests.helpers import append_row, set_cell
from tests.test_validate import YEAR, problems_of, rewrite

PAYMENTS = f"{YEAR}/payments/01273.csv"
TEAMS = f"{YEAR}/teams/01273.csv"

PAYMENT_CASES = {
    "payment-unknown-team": (
        lambda d: set_cell(d / PAYMENTS, 2, "team_id", "01273-099"),
        ("payment-unknown-team", PAYMENTS, 2, "team_id"),
    ),
    # 01273-002 is funded in two periods (1–6 and 7–12): one payment may not straddle both.
    "payment-outside-allocation": (
        lambda d: append_row(d / PAYMENTS, {"team_id": "01273-002", "month_from": "4", "month_to": "9"}),
        ("payment-outside-allocation", PAYMENTS, 3, "month_from"),
    ),
    "payment-exceeds-allocation": (
        lambda d: set_cell(d / PAYMENTS, 2, "amount_vnd", "6000001"),
        ("payment-exceeds-allocation", PAYMENTS, 2, "amount_vnd"),
    ),
    # Each payment fits its period; the second one takes the total over 6,000,000.
    "payment-exceeds-allocation-in-total": (
        lambda d: append_row(d / PAYMENTS, {"month_from": "7", "month_to": "12", "amount_vnd": "3000001"}),
        ("payment-exceeds-allocation", PAYMENTS, 3, "amount_vnd"),
    ),
    "type-error-payment-date": (
        lambda d: set_cell(d / PAYMENTS, 2, "payment_date", "2025-07-32"),
        ("type-error", PAYMENTS, 2, "payment_date"),
    ),
    "negative-amount-payment": (
        lambda d: set_cell(d / PAYMENTS, 2, "amount_vnd", "-3000000"),
        ("negative-amount", PAYMENTS, 2, "amount_vnd"),
    ),
    "missing-value-document": (
        lambda d: set_cell(d / PAYMENTS, 2, "document_number", ""),
        ("missing-value", PAYMENTS, 2, "document_number"),
    ),
    "wrong-commune-payment": (
        lambda d: set_cell(d / PAYMENTS, 2, "team_id", "01786-001"),
        ("wrong-commune", PAYMENTS, 2, "team_id"),
    ),
    "month-range-reversed-payment": (
        lambda d: (set_cell(d / PAYMENTS, 2, "month_from", "6"), set_cell(d / PAYMENTS, 2, "month_to", "1")),
        ("month-range-reversed", PAYMENTS, 2, "month_from"),
    ),
    # Plausibility warnings: published as findings, never blocking.
    "paid-before-decision": (
        lambda d: set_cell(d / PAYMENTS, 2, "payment_date", "2025-01-15"),  # its period was decided on 2025-01-30
        ("paid-before-decision", PAYMENTS, 2, "payment_date"),
    ),
    "paid-outside-fiscal-year": (
        lambda d: set_cell(d / PAYMENTS, 2, "payment_date", "2019-07-10"),
        ("paid-outside-fiscal-year", PAYMENTS, 2, "payment_date"),
    ),
    "metadata-missing-payments-published-on": (
        lambda d: rewrite(d, f"{YEAR}/year.toml", "payments_published_on = 2025-07-20\n", ""),
        ("metadata-missing", f"{YEAR}/year.toml", None, "payments_published_on"),
    ),
    "dated-after-publication-payment": (
        lambda d: set_cell(d / PAYMENTS, 2, "payment_date", "2025-07-21"),
        ("dated-after-publication", PAYMENTS, 2, "payment_date"),
    ),
}


@pytest.mark.parametrize("case", sorted(PAYMENT_CASES))
def test_bad_payment_is_reported_at_its_cell(tiny_data, case):
    breaks, expected = PAYMENT_CASES[case]
    breaks(tiny_data)
    assert expected in problems_of(tiny_data)


@pytest.mark.parametrize(("paid_on", "warned"), [("2026-03-31", False), ("2026-04-01", True), ("2024-12-31", True)])
def test_a_payment_may_fall_in_the_first_quarter_after_its_fiscal_year(tiny_data, paid_on, warned):
    rewrite(tiny_data, f"{YEAR}/year.toml", "payments_published_on = 2025-07-20", "payments_published_on = 2026-06-30")
    set_cell(tiny_data / PAYMENTS, 2, "payment_date", paid_on)
    assert (("paid-outside-fiscal-year", PAYMENTS, 2, "payment_date") in problems_of(tiny_data)) == warned


def test_payments_within_the_allocation_raise_nothing(tiny_data):
    # The rest of 01273-001's period, and both periods of 01273-002 paid in full.
    append_row(tiny_data / PAYMENTS, {"month_from": "7", "month_to": "12", "amount_vnd": "3000000"})
    for months in (("1", "6"), ("7", "12")):
        append_row(tiny_data / PAYMENTS, {"team_id": "01273-002", "month_from": months[0], "month_to": months[1]})
    assert not [problem for problem in problems_of(tiny_data) if problem[1] == PAYMENTS]


def test_a_mistyped_payment_is_one_error_for_its_period_not_one_per_later_payment(tiny_data):
    """5,000,000 typed for a month's 500,000: the period's total goes over at the next payment, and every
    payment after it would go over too. One error, where it went over, with the period's total and rows."""
    set_cell(tiny_data / PAYMENTS, 2, "amount_vnd", "5000000")
    for months in (("7", "9"), ("10", "12")):
        append_row(tiny_data / PAYMENTS, {"month_from": months[0], "month_to": months[1], "amount_vnd": "1500000"})
    _, report = validate(load(tiny_data))
    (over,) = [p for p in report.problems if p.code == "payment-exceeds-allocation"]
    assert (over.file, over.row, over.column) == (PAYMENTS, 3, "amount_vnd")
    assert (over.params["paid"], over.params["excess"]) == (8_000_000, 2_000_000)
    assert "8.000.000 đồng" in over.message and over.message.endswith("Các lần chi của đợt ở dòng 2, 3, 4.")


def test_payments_are_optional(tiny_data):
    (tiny_data / PAYMENTS).unlink()
    rewrite(tiny_data, f"{YEAR}/year.toml", "payments_published_on = 2025-07-20\n", "")
    assert not [problem for problem in problems_of(tiny_data) if problem[0].startswith(("payment", "metadata"))]


def test_only_public_payment_columns_reach_the_dataset(tiny_data, tmp_path):
    dataset = json.loads(run(tiny_data, tmp_path).read_text(encoding="utf-8"))
    (year,) = dataset["years"]
    public = {column.name for column in PAYMENT_TABLE.columns if column.public}
    assert year["payments"] == [
        {
            "team_id": "01273-001",
            "commune_code": "01273",
            "month_from": 1,
            "month_to": 6,
            "amount_vnd": 3000000,
            "payment_date": "2025-07-10",
            "document_number": "01/UNC-2025",
            "source_file": PAYMENTS,
            "source_row": 2,
        }
    ]
    assert set(year["payments"][0]) == public | {"source_file", "source_row"}
    assert year["payments_published_on"] == "2025-07-20"
    assert PAYMENTS in year["sources"]


def test_plausibility_warnings_are_published_on_the_checks_page(tiny_data, tmp_path):
    from bs4 import BeautifulSoup

    from scripts.model.problems import KINDS_BY_CODE
    from scripts.publish import pipeline as publish
    from tests.conftest import TEST_OVERRIDES

    set_cell(tiny_data / PAYMENTS, 2, "payment_date", "2019-07-10")
    set_cell(tiny_data / TEAMS, 2, "member_count", "500")
    paths = publish.Paths(tmp_path / "root", tiny_data)
    publish.publish(paths, overrides=TEST_OVERRIDES)
    checks = BeautifulSoup((paths.output / "kiem-tra" / "index.html").read_text(encoding="utf-8"), "html.parser")
    listed = checks.get_text(" ", strip=True)
    for code in ("paid-before-decision", "paid-outside-fiscal-year", "team-above-maximum"):
        assert KINDS_BY_CODE[code].title in listed
