"""Figures for charts drawn as inline SVG by the theme (_progress_chart.html): no JavaScript, no chart library.

Everything a chart draws is computed here, once per page model, and the same figures fill the table
printed beside it, so the picture and the table cannot disagree. Shares are scripts.model.figures'.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from scripts.model.dataset import Payment
from scripts.model.figures import share_of

# The SVG's coordinate box: its natural size in CSS pixels. Text is sized in the same units, so the
# chart is drawn narrow (a phone's width) and never scaled up much (site.css caps its width).
WIDTH, HEIGHT = 320, 180
LEFT, RIGHT, TOP, BOTTOM = 38, 8, 18, 150  # the plot area: room for the % labels left, month labels below
PERCENT_TICKS = (0, 25, 50, 75, 100)


def payment_steps(payments: Iterable[Payment], fiscal_year: int, as_of: str) -> list[dict]:
    """What was paid in each month of the fiscal year up to ``as_of`` (when the payments were published),
    and in total by the end of it. Payments dated before the year or after it get a row of their own
    (``slot`` 0 and 13), so the last row's total is every payment."""
    published = dt.date.fromisoformat(as_of)
    last_month = 12 if published.year > fiscal_year else published.month if published.year == fiscal_year else 1
    by_slot = [0] * 14
    this_year = str(fiscal_year)  # ISO dates: their years compare as text
    for payment in payments:
        date = payment["payment_date"]
        slot = int(date[5:7]) if date[:4] == this_year else 0 if date[:4] < this_year else 13
        by_slot[slot] += payment["amount_vnd"]
    # a payment dated after its publication is shown, not dropped
    last_month = max([last_month, *(month for month in range(1, 13) if by_slot[month])])
    labels = {0: f"Trước năm {fiscal_year}", 13: f"Sau năm {fiscal_year}"} | {m: f"Tháng {m}" for m in range(1, 13)}
    slots = [0] * bool(by_slot[0]) + list(range(1, last_month + 1)) + [13] * bool(by_slot[13])
    steps, cumulative = [], 0
    for slot in slots:
        cumulative += by_slot[slot]
        steps.append({"slot": slot, "label": labels[slot], "paid_vnd": by_slot[slot], "cumulative_vnd": cumulative})
    return steps


def payment_progress(payments: Iterable[Payment], allocated_vnd: int, fiscal_year: int, as_of: str | None) -> dict | None:
    """A chart of payments to date by month against the amount allocated to the teams, with its table's
    rows; None for a year without published payments."""
    if as_of is None:
        return None
    steps = payment_steps(payments, fiscal_year, as_of)
    for step in steps:
        step["share"] = share_of(step["cumulative_vnd"], allocated_vnd)
    paid = steps[-1]["cumulative_vnd"]
    return {
        "allocated_vnd": allocated_vnd,
        "paid_vnd": paid,
        "share": share_of(paid, allocated_vnd),
        "as_of": as_of,
        "steps": steps,
        "svg": progress_geometry(steps, allocated_vnd),
    }


def progress_geometry(steps: list[dict], allocated_vnd: int) -> dict:
    """Coordinates of the chart: twelve month slots (a thirteenth for payments dated after the year), the
    paid-to-date step line rising at the end of each month, and the allocation as a horizontal line."""
    slots = 13 if steps[-1]["slot"] == 13 else 12
    width = (WIDTH - RIGHT - LEFT) / slots
    top = max(allocated_vnd, steps[-1]["cumulative_vnd"], 1)

    def y(amount: int) -> float:
        return round(BOTTOM - (BOTTOM - TOP) * amount / top, 1)

    def x(slot: float) -> float:
        return round(LEFT + width * slot, 1)

    start = steps[0]["cumulative_vnd"] if steps[0]["slot"] == 0 else 0
    points = [{"x": x(step["slot"]), "y": y(step["cumulative_vnd"])} for step in steps if step["slot"]]
    line, level, flat = [f"M{x(0)} {y(start)}"], y(start), False
    for point in points:  # a month with no payment extends the level before it: one H, no V
        if flat:
            line.pop()
        line.append(f"H{point['x']}")
        flat = point["y"] == level
        if not flat:
            line.append(f"V{point['y']}")
            level = point["y"]
    ticks = [{"x": x(slot - 0.5), "label": "Sau" if slot == 13 else str(slot)} for slot in range(1, slots + 1)]
    grid = [{"y": y(allocated_vnd * p // 100), "label": f"{p}%"} for p in PERCENT_TICKS] if allocated_vnd else []
    # "Đã chi" beside the line's end: above it, or below when that would cross the allocation's label.
    end = points[-1] if points else {"x": x(0), "y": y(start)}
    below = end["y"] - y(allocated_vnd) < 16 and BOTTOM - end["y"] > 16
    label = {"x": end["x"] - 4 if end["x"] > WIDTH / 2 else end["x"] + 4, "y": round(end["y"] + (13 if below else -6), 1)}
    label["anchor"] = "end" if end["x"] > WIDTH / 2 else "start"
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": BOTTOM,
        "allocation_y": y(allocated_vnd),
        "line": "".join(line),
        "points": points,
        "paid_label": label,
        "ticks": ticks,
        "grid": grid,
    }
