"""Text cells in published CSVs: spreadsheet-safe on the way out, readable again on the way in.

A cell starting with = + - @, a tab or CR is run as a formula by spreadsheets (CSV injection);
such text cells get a leading ' that spreadsheets hide and keep as text. Numbers never do.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def restore(text: str) -> str:
    """The text as it was before ``neutralise``."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text
