"""How numbers, money and dates read in Vietnamese: Jinja filters shared by pages and maps.

The OS has no vi_VN locale, so Babel does the formatting (see GUIDE §3).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from functools import lru_cache

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

LOCALE = "vi_VN"
# Babel parses its pattern on every call, which was most of a page's render time; values repeat a lot.
cached = lru_cache(maxsize=1 << 16, typed=True)


@cached
def vnd(amount: int) -> str:
    """1234567 → '1.234.567 ₫' (with a no-break space, so the symbol never wraps alone)."""
    return format_currency(amount, "VND", locale=LOCALE)


@cached
def number(value: int | float) -> str:
    return format_decimal(value, locale=LOCALE)


@cached
def percent(value: float) -> str:
    """72.3 → '72,3%' (a share already rounded to one decimal, scripts/site/charts.py)."""
    return format_decimal(value, format="#,##0.0", locale=LOCALE) + "%"


def as_date(value: str | dt.date) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


@cached
def date_vi(value: str | dt.date) -> str:
    """'2025-03-05' → 'ngày 5 tháng 3 năm 2025'."""
    return format_date(as_date(value), "'ngày' d 'tháng' M 'năm' y", locale=LOCALE)


@cached
def date_short(value: str | dt.date) -> str:
    """'2025-03-05' → '05/03/2025', the form used on Vietnamese documents and in tables."""
    return format_date(as_date(value), "dd/MM/y", locale=LOCALE)


def months(month_from: int, month_to: int) -> str:
    """1, 12 → 'tháng 1–12'; 3, 3 → 'tháng 3'."""
    if month_from == month_to:
        return f"tháng {month_from}"
    return f"tháng {month_from}–{month_to}"


def filesize(size: int) -> str:
    """42000 → '41 KB', 1250000 → '1,2 MB': the size next to a download link."""
    for unit, scale in (("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            value = size / scale
            return f"{format_decimal(value, format='#,##0' if value >= 10 else '#,##0.#', locale=LOCALE)} {unit}"
    return f"{size} byte"


def ascii_fold(text: str) -> str:
    """'Đông Khê' → 'Dong Khe': lets people who type without diacritics find a name."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def mid_sentence(name: str) -> str:
    """'Tỉnh Cao Bằng' → 'tỉnh Cao Bằng': an administrative name inside a sentence."""
    return name[:1].lower() + name[1:]


JINJA_FILTERS = {
    "mid_sentence": mid_sentence,
    "vnd": vnd,
    "number": number,
    "percent": percent,
    "date_vi": date_vi,
    "date_short": date_short,
    "ascii_fold": ascii_fold,
    "filesize": filesize,
    "months": months,
}
