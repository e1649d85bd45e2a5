"""The comparison figures every page and download shows beside an amount: written once, so they agree.

Per member: the amount divided by the members it funds, in whole đồng. Share paid: what was paid as a
percentage of what was allocated to the teams, to one decimal. Both round half up with integer
arithmetic, so anyone recomputing them from the CSVs gets the same digits, whatever their float
rounding. Below the minimum: a team with fewer members than the policy's minimum. A figure with
nothing to divide by is None (an empty cell).
"""

from __future__ import annotations


def share_of(part: int, whole: int) -> float | None:
    """part / whole in per cent, to one decimal, half up: 1, 3 → 33.3; None when whole is 0."""
    if whole <= 0:
        return None
    return (2000 * part + whole) // (2 * whole) / 10


def per_member(amount: int, members: int) -> int | None:
    """amount / members in whole đồng, half up; None without members."""
    return (2 * amount + members) // (2 * members) if members > 0 else None


def comparison_figures(amount_vnd: int, paid_vnd: int, member_count: int) -> dict:
    """``amount_per_member_vnd`` and ``paid_share_pct`` of an amount allocated, paid and the members it funds."""
    return {"amount_per_member_vnd": per_member(amount_vnd, member_count), "paid_share_pct": share_of(paid_vnd, amount_vnd)}


def below_minimum(member_count: int, minimum_members: int) -> bool:
    return member_count < minimum_members
