"""The charts drawn without JavaScript (scripts/site/charts.py, _progress_chart.html) and the "% đã chi" and
per-member columns: what the SVG draws equals its table, and both equal the CSVs, recomputed here."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from bs4 import BeautifulSoup

from scripts.model.figures import per_member, share_of
from scripts.site.charts import payment_progress
from tests.test_site_html import DATA, YEARS, csv_rows, digits, soup

COMMUNE = "01786"


def percent_text(text: str) -> Decimal:
    """'47,3%' → Decimal('47.3')."""
    return Decimal(text.strip().rstrip("%").replace(".", "").replace(",", "."))


def half_up(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def commune_figures(year: int, code: str) -> dict:
    """A commune's amount allocated to its teams, members and payments, straight from its CSVs."""
    teams = csv_rows(DATA / str(year) / "teams" / f"{code}.csv")
    members = {row["team_id"]: int(row["member_count"]) for row in sorted(teams, key=lambda r: int(r["month_from"]))}
    payments_file = DATA / str(year) / "payments" / f"{code}.csv"
    payments = csv_rows(payments_file) if payments_file.exists() else []
    return {
        "teams_amount": sum(int(row["amount_vnd"]) for row in teams),
        "members": sum(members.values()),
        "payments": payments,
        "paid": sum(int(row["amount_vnd"]) for row in payments),
    }


def test_shares_and_averages_round_half_up():
    assert share_of(1, 3) == 33.3 and share_of(2, 3) == 66.7 and share_of(1, 2000) == 0.1 and share_of(1, 2001) == 0.0
    assert share_of(5, 0) is None
    assert per_member(5, 2) == 3 and per_member(4, 3) == 1 and per_member(5, 0) is None


def test_payments_outside_the_year_get_rows_of_their_own():
    payments = [
        {"payment_date": "2024-12-30", "amount_vnd": 10},
        {"payment_date": "2025-03-05", "amount_vnd": 20},
        {"payment_date": "2025-03-25", "amount_vnd": 5},
        {"payment_date": "2026-01-10", "amount_vnd": 15},
    ]
    progress = payment_progress(payments, 100, 2025, "2026-01-15")
    labels = [step["label"] for step in progress["steps"]]
    assert labels == ["Trước năm 2025", *(f"Tháng {m}" for m in range(1, 13)), "Sau năm 2025"]
    assert [step["paid_vnd"] for step in progress["steps"]][:5] == [10, 0, 0, 25, 0]
    assert progress["steps"][-1]["cumulative_vnd"] == progress["paid_vnd"] == 50 and progress["share"] == 50.0
    assert len(progress["svg"]["ticks"]) == 13 and len(progress["svg"]["points"]) == 13
    # Months after the payments were published are not drawn as if nothing had been paid in them.
    assert len(payment_progress(payments[1:3], 100, 2025, "2025-07-20")["steps"]) == 7
    assert payment_progress(payments, 100, 2025, None) is None
    # A payment dated after the payments' publication date (a finding) is still drawn and counted.
    assert payment_progress(payments[1:2], 100, 2025, "2025-01-31")["steps"][-1] == {
        "slot": 3, "label": "Tháng 3", "paid_vnd": 20, "cumulative_vnd": 20, "share": 20.0
    }


def path_vertices(d: str) -> list[tuple[float, float]]:
    """The corners of an SVG path made of M, H and V commands."""
    vertices = []
    for command, args in re.findall(r"([MHV])([-\d. ]+)", d):
        numbers = [float(n) for n in args.split()]
        if command == "M":
            vertices.append((numbers[0], numbers[1]))
        elif command == "H":
            vertices.append((numbers[0], vertices[-1][1]))
        else:
            vertices.append((vertices[-1][0], numbers[0]))
    return vertices


def chart_and_table(page: BeautifulSoup) -> tuple[list[tuple[float, float]], list[dict], dict]:
    """What the chart draws, read back into amounts with its own axis, beside the rows of its table."""
    chart = page.select_one(".chart")
    figure = chart.figure
    svg = figure.svg
    assert svg["role"] == "img" and figure.select_one(f"#{svg['aria-labelledby']}").name == "figcaption"
    baseline = float(svg.select_one("line.chart-baseline")["y1"])
    allocation_y = float(svg.select_one("line.chart-allocation")["y1"])
    caption = figure.figcaption
    figures = {item["data-figure"]: item.get_text() for item in caption.select("[data-figure]")}
    allocated = digits(figures["allocated"])
    drawn = [
        (float(c["cx"]), allocated * (baseline - float(c["cy"])) / (baseline - allocation_y)) for c in svg.select("circle.chart-point")
    ]
    rows = [
        {
            "label": row.th.get_text(strip=True),
            "paid": digits(row.select("td")[0].get_text()),
            "cumulative": digits(row.select("td")[1].get_text()),
            "share": percent_text(row.select("td")[2].get_text()),
        }
        for row in chart.select("details table tbody tr")
    ]
    tolerance = allocated * 0.11 / (baseline - allocation_y)  # coordinates are rounded to 0.1
    return drawn, rows, {"allocated": allocated, "paid": digits(figures["paid"]), "share": percent_text(figures["share"]),
                         "tolerance": tolerance, "path": path_vertices(svg.select_one("path.chart-paid")["d"])}


PAGES = [("nam/{year}/index.html", None), ("xa/" + COMMUNE + "/{year}/index.html", COMMUNE)]


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize(("path", "code"), PAGES)
def test_a_charts_numbers_equal_its_table_and_the_payment_csvs(sample_site, year, path, code):
    page = soup(sample_site / path.format(year=year))
    drawn, rows, chart = chart_and_table(page)
    totals = {item.dt.get_text(strip=True): digits(item.dd.get_text()) for item in page.select("dl.totals > div")}
    assert chart["allocated"] == totals["Đã phân bổ cho tổ"] and chart["paid"] == totals["Đã chi cho tổ"]

    # The chart: one point per month (and per "after the year" row), at the table's running total.
    month_rows = [row for row in rows if not row["label"].startswith("Trước")]
    assert len(drawn) == len(month_rows) and [x for x, _ in drawn] == sorted(x for x, _ in drawn)
    for (_, amount), row in zip(drawn, month_rows, strict=True):
        assert abs(amount - row["cumulative"]) <= chart["tolerance"], row
    assert chart["path"][-1] == (drawn[-1][0], chart["path"][-1][1])
    # The step line rises exactly where the running total does, and ends at the last point.
    levels = [y for _, y in chart["path"]]
    assert len({*levels}) == len({row["cumulative"] for row in rows} | {0})

    # The table: monthly sums of the payment CSVs, their running total, and its share of the allocation.
    codes = [code] if code else sorted(p.stem for p in (DATA / str(year) / "teams").glob("*.csv"))
    by_month = defaultdict(int)
    allocated = 0
    for commune in codes:
        figures = commune_figures(year, commune)
        allocated += figures["teams_amount"]
        for payment in figures["payments"]:
            assert payment["payment_date"].startswith(str(year))  # the sample pays within the year
            by_month[f"Tháng {int(payment['payment_date'][5:7])}"] += int(payment["amount_vnd"])
    assert allocated == chart["allocated"]
    running = 0
    for row in rows:
        paid = by_month.pop(row["label"], 0)
        running += paid
        assert (row["paid"], row["cumulative"]) == (paid, running), row
        assert row["share"] == half_up(Decimal(running * 100) / allocated, "0.1"), row
    assert not by_month, "a month with payments is missing from the table"
    assert rows[-1]["cumulative"] == chart["paid"] and rows[-1]["share"] == chart["share"]


@pytest.mark.parametrize("year", YEARS)
def test_share_paid_and_per_member_equal_the_csvs(sample_site, year):
    table = soup(sample_site / "nam" / str(year) / "index.html").select_one("table[data-sortable]")
    headers = [th.get_text(" ", strip=True) for th in table.thead.select("th")]
    share_column, member_column = headers.index("% đã chi"), headers.index("Bình quân/ thành viên (₫)")
    rows = table.tbody.select("tr")
    assert len(rows) == len(list((DATA / str(year) / "teams").glob("*.csv")))
    for row in rows:
        code = row.select_one("td").get_text(strip=True)
        cells = row.select("th, td")
        figures = commune_figures(year, code)
        share = half_up(Decimal(figures["paid"] * 100) / figures["teams_amount"], "0.1")
        share_cell = cells[share_column]
        assert percent_text(share_cell.get_text()) == share and Decimal(share_cell["data-value"]) == share, code
        bar = share_cell.svg
        assert bar["aria-hidden"] == "true" and Decimal(bar.rect["width"]) == min(share, 100), code
        per_member_vnd = half_up(Decimal(figures["teams_amount"]) / figures["members"], "1")
        assert digits(cells[member_column].get_text()) == per_member_vnd == int(cells[member_column]["data-value"]), code


def test_a_year_without_published_payments_says_so(tiny_data, tmp_path):
    """No chart of months nobody reported on: a year without payment files says there are none yet."""
    from scripts.publish import pipeline as publish
    from tests.conftest import TEST_OVERRIDES

    for path in (tiny_data / "allocations" / "2025" / "payments").glob("*.csv"):
        path.unlink()
    year_file = tiny_data / "allocations" / "2025" / "year.toml"
    year_file.write_text(re.sub(r"(?m)^payments_published_on.*\n", "", year_file.read_text(encoding="utf-8")), encoding="utf-8")
    paths = publish.Paths(tmp_path / "site", tiny_data)
    publish.publish(paths, overrides=TEST_OVERRIDES)
    page = soup(paths.output / "xa" / COMMUNE / "2025" / "index.html")
    assert page.select_one(".chart") is None
    assert "Chưa có kết quả chi trả nào được công bố cho năm 2025" in page.select_one("#tien-do").find_next("p").get_text()
