"""The TCVN3/VNI detector: it fires on text typed in those fonts, read through their real tables, and
never on real Vietnamese names or their punctuation."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from scripts.ingest.legacy_font import from_tcvn3, from_vni, looks_like_legacy_font
from scripts.ingest.read import normalise_text
from tests.legacy_fonts import to_tcvn3, to_vni

ROOT = Path(__file__).resolve().parent.parent
COMMUNES = list(csv.DictReader((ROOT / "data/reference/communes.csv").open(encoding="utf-8")))
NAMES = sorted({commune[column] for commune in COMMUNES for column in ("name_dataset", "full_name_sapnhap")})
# Place names as staff write them, with the punctuation of real documents.
PUNCTUATED = [
    "«Bản Giốc»", "Xóm Nà Mạ · Khuổi Ky", "Tổ dân phố 5 (km 25°)", "Thôn Pác Bó – Trường Hà", "Xóm Nà Pò’s",
    "Đội 3 ‘Lũng Rì’", "Bản Khuổi Lừa, xã Quảng Lâm", "TDP số 2 – phường Thục Phán", "Nà Pò", "Pác Bó", "«Na Ma»",
    "Café Noël", "Slam Pé", "Lũng Nặm ½", "Thôn Nà Lẹng §3", "Tổ 7 ±", "Khu ¼ Sông Hiến",
]


def test_the_tables_match_published_conversions():
    # Pairs from Vietnamese conversion tools' documentation, not from this project's tables.
    assert from_tcvn3("B¶o Th¾ng") == "Bảo Thắng"
    assert from_tcvn3("M\u00adêng Kh\u00ad¬ng") == "Mường Khương"
    assert from_vni("Xin chaøo caùc baïn") == "Xin chào các bạn"
    assert to_tcvn3("Bảo Thắng") == "B¶o Th¾ng" and to_vni("Xin chào các bạn") == "Xin chaøo caùc baïn"


@pytest.mark.parametrize("name", NAMES)
def test_every_commune_name_reads_back_through_both_tables(name):
    assert from_tcvn3(to_tcvn3(name)).lower() == name.lower()  # capitals are the same bytes in the “H” fonts
    assert from_vni(to_vni(name)) == name


@pytest.mark.parametrize("name", NAMES + PUNCTUATED)
def test_real_names_and_their_punctuation_are_not_legacy_text(name):
    assert not looks_like_legacy_font(name)
    assert not looks_like_legacy_font(f"Tổ CĐSCĐ thôn {name} 01")


@pytest.mark.parametrize("name", [name for name in NAMES if not name.isascii()])
@pytest.mark.parametrize("encode", [to_tcvn3, to_vni], ids=["TCVN3", "VNI"])
def test_every_commune_name_typed_in_a_legacy_font_is_caught(name, encode):
    # As a cell reaches the detector: normalised (the soft hyphen TCVN3 uses for ư is dropped there).
    assert looks_like_legacy_font(normalise_text(encode(f"Tổ thôn {name}")))
