"""Vietnamese typed in a legacy font (TCVN3 “.VnTime”, VNI “VNI-Times”) and saved as Unicode.

Such fonts drew Vietnamese letters at the code points of Windows' Latin letters and signs, so the
text reaches us as Latin-1 look-alikes: TCVN3 writes “Tổ dân phố” as “Tæ d©n phè”, VNI writes “Thôn
mẫu” as “Thoân maãu”. Text is legacy-font text when its words are not Vietnamese as they stand but
become Vietnamese syllables once read through one font's table; punctuation (« » · °) and real
Vietnamese never do both.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# TCVN3 (TCVN 5712:1993, VN3): one code point per lower-case letter, the capitals drawn by the
# “H” fonts at the same points; then the seven capitals with their own points.
TCVN3 = dict(
    zip(
        "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\u00adõøö÷ùúýûüþ¡¢§£¤¥¦",
        "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ",
    )
)
# VNI Windows: a base letter followed by a sign carrying its diacritic and tone (“aá” is ấ), plus a
# few letters of their own. Signs as combining marks, lower and upper case alike.
CIRCUMFLEX, BREVE = "\u0302", "\u0306"
ACUTE, GRAVE, HOOK, TILDE, DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
VNI_SIGNS = {
    sign: marks
    for lower, marks in {
        "â": CIRCUMFLEX, "ê": BREVE, "ù": ACUTE, "ø": GRAVE, "û": HOOK, "õ": TILDE, "ï": DOT,
        "á": CIRCUMFLEX + ACUTE, "à": CIRCUMFLEX + GRAVE, "å": CIRCUMFLEX + HOOK, "ã": CIRCUMFLEX + TILDE, "ä": CIRCUMFLEX + DOT,
        "é": BREVE + ACUTE, "è": BREVE + GRAVE, "ú": BREVE + HOOK, "ü": BREVE + TILDE, "ë": BREVE + DOT,
    }.items()
    for sign in (lower, lower.upper())
}
VNI_LETTERS = {
    legacy: letter
    for lower, vietnamese in {"ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}.items()
    for legacy, letter in ((lower, vietnamese), (lower.upper(), vietnamese.upper()))
}
LEGACY = set(TCVN3) | set(VNI_SIGNS) | set(VNI_LETTERS)
HAS_LEGACY = re.compile("[" + re.escape("".join(sorted(LEGACY))) + "]")
# A word as a legacy font has it: letters, and the signs that are letters in the font.
WORD = re.compile(r"(?:[^\W\d_]|" + HAS_LEGACY.pattern + ")+")

TONES = frozenset((ACUTE, GRAVE, HOOK, TILDE, DOT))
ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx]"
NUCLEUS = (
    "iêu|yêu|oai|oao|oay|oeo|uây|uôi|uya|uyê|uyu|ươi|ươu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ưu|ươ|yê|"
    "[aăâeêioôơuưy]"
)
SYLLABLE = re.compile(f"(?:{ONSET})?(?P<nucleus>{NUCLEUS})(?P<coda>ch|nh|ng|[cmnpt])?")
# ai, ao, âu, eo, ôi, ươu… (not uy, oo): no final consonant follows, and the tone never sits on the glide.
GLIDE_FINAL = re.compile("(?!uy$|oo$)[aăâeêoôơuư]+[iyou]")
CHECKED = ("c", "ch", "p", "t")  # a syllable ending so takes only the rising or the heavy tone (sắc, nặng)


@functools.lru_cache(maxsize=1 << 14)
def is_vietnamese_syllable(word: str) -> bool:
    """A Vietnamese syllable: onset, vowels, final consonant, and at most one tone mark, where it can sit."""
    letters = unicodedata.normalize("NFC", word.lower())
    tones = [(index, mark) for index, char in enumerate(letters) for mark in unicodedata.normalize("NFD", char) if mark in TONES]
    if len(tones) > 1:
        return False
    toneless = "".join(unicodedata.normalize("NFC", "".join(m for m in unicodedata.normalize("NFD", c) if m not in TONES)) for c in letters)
    syllable = SYLLABLE.fullmatch(toneless)
    if syllable is None:
        return False
    glide_final = GLIDE_FINAL.fullmatch(syllable["nucleus"]) is not None
    if glide_final and syllable["coda"]:
        return False
    if not tones:
        return True
    (position, tone), = tones
    if syllable["coda"] in CHECKED and tone not in (ACUTE, DOT):
        return False
    return not (glide_final and position == syllable.end("nucleus") - 1)


def from_tcvn3(word: str) -> str:
    return "".join(TCVN3.get(char, char) for char in word)


def from_vni(word: str) -> str:
    return unicodedata.normalize("NFC", "".join(VNI_LETTERS.get(char, VNI_SIGNS.get(char, char)) for char in word))


def looks_like_legacy_font(text: str) -> bool:
    """Whether ``text`` reads as Vietnamese only through the TCVN3 or the VNI table."""
    if not HAS_LEGACY.search(text):
        return False
    if any(ord(char) > 0xFF and char.isalpha() for char in text):
        return False  # a letter no legacy font can produce (ả, ố, đ): the text is Unicode Vietnamese
    suspects = [word for word in WORD.findall(text) if HAS_LEGACY.search(word)]
    if all(is_vietnamese_syllable(word) for word in suspects):
        return False
    return any(all(is_vietnamese_syllable(read(word)) for word in suspects) for read in (from_tcvn3, from_vni))
