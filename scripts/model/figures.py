"""The comparison figures every page and download shows beside an amount: written once, so they agree.

Per member: the amount divided by the members it funds, rounded to the đồng. Share paid: what was paid
as a percentage of what was allocated to the teams, to one decimal. Below the minimum: a team with fewer
members than the policy's minimum. A figure with nothing to divide by is None (an empty cell).
"""

from __future__ import annotations


def comparison_figures(amount_vnd: int, paid_vnd: int, member_count: int) -> dict:
    """``amount_per_member_vnd`` and ``paid_share_pct`` of an amount allocated, paid and the members it funds."""
    return {
        "amount_per_member_vnd": round(amount_vnd / member_count) if member_count else None,
        "paid_share_pct": round(100 * paid_vnd / amount_vnd, 1) if amount_vnd else None,
    }


def below_minimum(member_count: int, minimum_members: int) -> bool:
    return member_count < minimum_members
