"""Unicode Vietnamese → the legacy font encodings staff still meet, written from the fonts' code charts
independently of scripts/ingest/legacy_font.py (which reads them back), so each checks the other.

TCVN3 (TCVN 5712:1993 VN3, the “.VnTime” fonts): one byte per lower-case letter; capitals are the same
bytes drawn by the “.VnTimeH” fonts, except seven with bytes of their own. VNI Windows: the base letter,
then one byte carrying its diacritic and tone. Excel saves both as the Latin-1 characters of those bytes.
"""

from __future__ import annotations

import unicodedata

TCVN3_LETTERS = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ"
TCVN3_BYTES = bytes.fromhex(
    "b5b8b6b7b9" "a8bbbebcbdc6" "a9c7cac8c9cb" "ae" "ccd0cecfd1" "aad2d5d3d4d6" "d7ddd8dcde" "dfe3e1e2e4"
    "abe5e8e6e7e9" "aceaedebecee" "eff3f1f2f4" "adf5f8f6f7f9" "fafdfbfcfe" "a1a2a7a3a4a5a6"
)
TCVN3 = dict(zip(TCVN3_LETTERS, TCVN3_BYTES.decode("latin-1")))

ACUTE, GRAVE, HOOK, TILDE, DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
CIRCUMFLEX, BREVE, HORN = "\u0302", "\u0306", "\u031b"
TONE_BYTE = {  # by the vowel's own mark: none or horn, circumflex, breve
    "": {"": "", ACUTE: "ù", GRAVE: "ø", HOOK: "û", TILDE: "õ", DOT: "ï"},
    CIRCUMFLEX: {"": "â", ACUTE: "á", GRAVE: "à", HOOK: "å", TILDE: "ã", DOT: "ä"},
    BREVE: {"": "ê", ACUTE: "é", GRAVE: "è", HOOK: "ú", TILDE: "ü", DOT: "ë"},
}
VNI_I = {"": "i", ACUTE: "í", GRAVE: "ì", HOOK: "æ", TILDE: "ó", DOT: "ò"}


def to_tcvn3(text: str) -> str:
    return "".join(TCVN3.get(char, TCVN3.get(char.lower(), char)) for char in text)


def vni_letter(char: str) -> str:
    base, *marks = unicodedata.normalize("NFD", char)
    upper = base.isupper()
    if char in "đĐ":
        return "Ñ" if upper else "ñ"
    tone = next((mark for mark in marks if mark in (ACUTE, GRAVE, HOOK, TILDE, DOT)), "")
    shape = next((mark for mark in marks if mark in (CIRCUMFLEX, BREVE)), "")
    if base in "iI":
        letter = VNI_I[tone]
    elif base in "yY" and tone == DOT:
        letter = "î"
    elif HORN in marks:
        letter = {"o": "ô", "u": "ö"}[base.lower()] + TONE_BYTE[""][tone]
    else:
        letter = base.lower() + TONE_BYTE[shape][tone]
    return letter.upper() if upper else letter


def to_vni(text: str) -> str:
    return "".join(vni_letter(char) if ord(char) > 0x7F and char.isalpha() else char for char in unicodedata.normalize("NFC", text))
