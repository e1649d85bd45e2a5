"""What personal data looks like, so that none of it is ever published.

Two guards share these patterns: an input column whose header names personal data is refused
(``column_kind``), and a published name or village that contains it is an error (``value_kind``).
Document and decision numbers are long digit runs by nature (``UNC 202503180001``, ``PC 0000153289``):
they get the looser ``document_kind``.
"""

from __future__ import annotations

import re

from scripts.common.formatting import ascii_fold

# Header words, ASCII-folded with separators made "_": "Họ tên" → "ho_ten", "SĐT" → "sdt".
PERSONAL_COLUMNS = (
    ("họ tên của người", re.compile(r"(^|_)(ho_?(va_?)?ten|full_?name|member_?name|ten_?thanh_?vien|thanh_?vien_?ten)(_|$)")),
    ("số điện thoại", re.compile(r"(^|_)(dien_?thoai|so_?dt|sdt|phone|mobile|tel)(_|$)")),
    ("số căn cước, chứng minh nhân dân", re.compile(r"(^|_)(cccd|cmnd|can_?cuoc|chung_?minh|so_?dinh_?danh|id_?card)(_|$)")),
    ("thư điện tử", re.compile(r"(^|_)(e_?mail|thu_?dien_?tu)(_|$)")),
    ("ngày sinh", re.compile(r"(^|_)(ngay_?sinh|nam_?sinh|birth_?date|date_?of_?birth|dob)(_|$)")),
)
PERSONAL_VALUES = (
    # Mobile (0 or +84, then 9 digits) and landline (02xx + 7–8 digits), with optional separators.
    ("số điện thoại", re.compile(r"(?<![\d+])(?:\+84|84|0)(?:[\s.-]?\d){9,10}(?!\d)")),
    ("số căn cước công dân", re.compile(r"(?<!\d)\d{12}(?!\d)")),
    ("địa chỉ thư điện tử", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
)
# In a document number only what cannot be a serial: a mobile number (+84 or 0, a mobile prefix 3/5/7/8/9,
# then 8 digits) or a 12-digit citizen id standing alone; a run after a capital prefix ("UNC 2025…") is a serial.
NOT_AFTER_PREFIX = r"(?<![\w+])(?<![A-ZĐ][\s.:-])(?<![A-ZĐ][\s.:-]{2})"
PERSONAL_IN_DOCUMENTS = (
    ("số điện thoại", re.compile(r"(?<!\w)(?:S?ĐT|DĐ|Tel|Phone)[\s.:]*(?:\+84|0)(?:[\s.-]?\d){9,10}(?!\d)", re.IGNORECASE)),
    ("số điện thoại", re.compile(NOT_AFTER_PREFIX + r"(?:\+84[\s.-]?|0)[35789](?:[\s.-]?\d){8}(?![\d])")),
    ("số căn cước công dân", re.compile(NOT_AFTER_PREFIX + r"\d{12}(?!\d)")),
    PERSONAL_VALUES[-1],
)


def column_kind(header: str) -> str | None:
    """The kind of personal data a column header names, in Vietnamese, or None."""
    folded = re.sub(r"[^a-z0-9]+", "_", ascii_fold(header).lower()).strip("_")
    return next((what for what, pattern in PERSONAL_COLUMNS if pattern.search(folded)), None)


def _first(patterns, text: str) -> tuple[str, str] | None:
    for what, pattern in patterns:
        found = pattern.search(text)
        if found:
            return what, found[0]
    return None


def value_kind(text: str) -> tuple[str, str] | None:
    """(kind, the matching text) when a name or village contains a phone number, a citizen id or an e-mail."""
    return _first(PERSONAL_VALUES, text)


def document_kind(text: str) -> tuple[str, str] | None:
    """``value_kind`` for a document or decision number: its serial digits are not a phone or an id."""
    return _first(PERSONAL_IN_DOCUMENTS, text)
