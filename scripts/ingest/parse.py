"""One cell's text → its typed value, or the problem that says why it is unusable.

Numbers and dates are read the ways Vietnamese spreadsheets write them; whatever could mean two
things (``1.500``, ``1,5``, ``03/25/2025``) is refused, never guessed. Text cells published on the
site must not carry formulas, hidden control characters or personal data.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

from scripts.common.formatting import number
from scripts.ingest import personal
from scripts.ingest.legacy_font import looks_like_legacy_font
from scripts.model import problems as P
from scripts.model.schema import Column

CURRENCY = re.compile(r"\s*(?:đồng|đ|₫|vnđ|vnd)\.?$", re.IGNORECASE)
DIGITS = re.compile(r"^\d+$")
# Thousands groups with one separator throughout (1.500.000, 1,500,000, 1 500 000), then maybe a fraction.
NUMBER = re.compile(
    r"^(?P<whole>\d{1,3}(?:(?P<sep>[., ])\d{3})(?:(?P=sep)\d{3})*|\d+)(?:(?P<point>[.,])(?P<fraction>\d+))?$"
)
NEGATIVE = re.compile(r"^(?:-\s*\d|\(\s*\d.*\)$)")
YEAR_FIRST = re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})$")
DAY_FIRST = re.compile(r"^(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})$")
SHORT_YEAR = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$")
# A date Excel wrote as its day number (a column formatted "General"), for the years 2000–2099.
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_DAYS = range((dt.date(2000, 1, 1) - EXCEL_EPOCH).days, (dt.date(2100, 1, 1) - EXCEL_EPOCH).days)
PHONE = re.compile(r"^(?:\+84|0)(?:[ .]?\d){9,10}$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
BOOLEANS = {"true": True, "false": False}

# Characters that change how text displays without being visible: C0/C1 controls and bidi controls.
HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What a code or an id may hold once NFKC has made full-width and other look-alike digits plain.
CODE_CHARACTERS = re.compile("[A-Za-z0-9-]*")

class Invalid(Exception):
    """The cell cannot be used; ``kind`` and ``params`` become the reported problem."""

    def __init__(self, kind: type[P.Problem], **params):
        self.kind = kind
        self.params = params
        super().__init__(kind.code)


def parse_integer(text: str, money: bool) -> int:
    """'1.500.000 đ' → 1500000; '1.500' (thousands or decimals?) and '1,5' are refused, not guessed."""
    if money:
        text = CURRENCY.sub("", text)
    if NEGATIVE.match(text):
        raise Invalid(P.NegativeAmount)
    number = NUMBER.match(text)
    if number is None or (number["point"] and number["point"] == number["sep"]):
        raise Invalid(P.TypeError_, expected="cần một số nguyên, chỉ gồm chữ số (ví dụ 1500000 hoặc 1.500.000)")
    whole, sep, fraction = number["whole"], number["sep"], number["fraction"] or ""
    if (sep in (".", ",") and whole.count(sep) == 1 and not fraction) or len(fraction) == 3:
        raise Invalid(P.AmbiguousNumber, reason="một dấu chấm hoặc phẩy có thể là phân cách hàng nghìn hoặc phần thập phân")
    if fraction.strip("0"):
        if number["point"] == ",":
            raise Invalid(P.AmbiguousNumber, reason="dấu phẩy có thể là phần thập phân hoặc phân cách hàng nghìn gõ thiếu")
        raise Invalid(P.NonIntegerAmount if money else P.TypeError_, expected="cần một số nguyên")
    return int(re.sub(r"[., ]", "", whole))


def parse_date(text: str) -> dt.date:
    """2025-03-15, 15/03/2025 or 5/3/2025 (day first, as on Vietnamese documents); never a guess."""
    if SHORT_YEAR.match(text):
        raise Invalid(P.AmbiguousDate, reason="năm chỉ có hai chữ số")
    if text.isascii() and text.isdigit() and int(text) in EXCEL_DAYS:
        shown = EXCEL_EPOCH + dt.timedelta(days=int(text))
        raise Invalid(P.AmbiguousDate, reason=f"có vẻ là ngày {shown:%d/%m/%Y} Excel ghi thành số, khi cột chưa được định dạng là ngày")
    match = YEAR_FIRST.match(text) or DAY_FIRST.match(text)
    if match and match.re is DAY_FIRST and int(match["m"]) > 12 and int(match["d"]) <= 12:
        raise Invalid(P.AmbiguousDate, reason="có vẻ viết tháng trước ngày theo kiểu Mỹ")
    try:
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except (TypeError, ValueError):
        raise Invalid(P.TypeError_, expected="cần ngày có thật, dạng YYYY-MM-DD hoặc DD/MM/YYYY, ví dụ 2025-03-15")


def restore_code(text: str, pattern: str) -> str:
    """'1273' → '01273' for a fixed-width numeric code: the only thing Excel drops is leading zeros."""
    width = re.fullmatch(r"\^\\d\{(\d+)\}\$", pattern)
    if width and DIGITS.match(text) and len(text) < int(width[1]):
        return text.zfill(int(width[1]))
    return text


def describe_character(char: str) -> str:
    """A character as staff can find it even when it is invisible: “²” U+00B2 SUPERSCRIPT TWO."""
    shown = f"“{char}” " if char.isprintable() and not char.isspace() else ""
    return f"{shown}U+{ord(char):04X} {unicodedata.name(char, '')}".strip()


def canonical_code(text: str) -> str:
    """A code or id as one spelling: NFKC turns full-width and other compatibility digits into ASCII."""
    return unicodedata.normalize("NFKC", text)


def check_code(text: str) -> None:
    """Refuse a code holding anything but ASCII letters, digits and hyphens, naming the first such character."""
    wrong = text[CODE_CHARACTERS.match(text).end() :]
    if wrong:
        raise Invalid(P.CodeCharacter, character=describe_character(wrong[0]))


def check_text(column: Column, text: str) -> None:
    """Refuse what must not reach a public page as the text of a cell."""
    if len(text) > column.max_length:
        raise Invalid(P.CellTooLong, length=len(text), limit=column.max_length)
    hidden = HIDDEN.search(text)
    if hidden:
        raise Invalid(P.ControlCharacter, character=describe_character(hidden[0]))
    if looks_like_legacy_font(text):
        raise Invalid(P.LegacyFontText)
    # Text only: a phone or e-mail column holds official offices' contacts, published on purpose.
    if column.public and column.type == "text" and (found := personal_data(column, text)):
        raise Invalid(P.PersonalDataValue, what=found[0], match=found[1])


def personal_data(column: Column, text: str) -> tuple[str, str] | None:
    """Names and villages get every pattern; codes, numbers and dates have their own shape to match."""
    return personal.document_kind(text) if column.document else personal.value_kind(text)


@functools.lru_cache(maxsize=1 << 16)  # dates, counts and amounts repeat across thousands of rows
def parse_value(column: Column, text: str) -> tuple[object, str | None]:
    """(typed value, the restored text when a code was repaired); raises ``Invalid``."""
    if text.startswith("=") and len(text) > 1:
        raise Invalid(P.FormulaInCell)
    check_text(column, text)
    restored = None
    if column.type in ("integer", "month"):
        value = parse_integer(text, money=column.unit == "đồng")
        if (column.minimum is not None and value < column.minimum) or (
            column.maximum is not None and value > column.maximum
        ):
            bounds = f"{number(column.minimum)}–{number(column.maximum)}" if column.maximum is not None else f"≥ {column.minimum}"
            raise Invalid(P.OutOfRange, bounds=bounds)
        return value, None
    if column.type == "date":
        return parse_date(text), None
    if column.type == "phone" and not PHONE.match(text):
        raise Invalid(P.InvalidPhone)
    if column.type == "email" and not EMAIL.match(text):
        raise Invalid(P.InvalidEmail)
    if column.type == "boolean":
        if text.lower() not in BOOLEANS:
            raise Invalid(P.TypeError_, expected="cần true hoặc false")
        return BOOLEANS[text.lower()], None
    if column.type == "code" and column.pattern:
        canonical = canonical_code(text)
        check_code(canonical)
        value = restore_code(canonical, column.pattern)
        if not re.match(column.pattern, value):
            raise Invalid(P.TypeError_, expected=column.pattern_words)
        restored = value if value != canonical else None
        return value, restored
    return text, restored
