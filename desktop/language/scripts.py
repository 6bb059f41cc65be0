"""Scripts and word characters: the one place that knows Unicode ranges.

Everything else asks here whether a character or a word is Bengali, Devanagari or Latin, or
whether it belongs inside a word.  A language pack names its script (``script`` in its
``language.toml``); a new script is one entry in :data:`SCRIPTS`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Script:
    name: str
    ranges: str        # a regex character-class body
    indic: bool        # an Indic abugida (vowel signs, virama): endings fuse with the stem

    @property
    def letters(self) -> "re.Pattern[str]":
        return _letters(self.ranges)


@lru_cache(maxsize=None)
def _letters(ranges: str) -> "re.Pattern[str]":
    return re.compile(f"[{ranges}]+")


#: Unicode blocks of the scripts.  Stdlib ``re`` with ranges is ~10x faster than
#: ``\p{Script=...}``, and counting letters per block is all language detection needs.
SCRIPTS: dict[str, Script] = {
    "bengali": Script("bengali", "\u0980-\u09ff", True),
    "devanagari": Script("devanagari", "\u0900-\u097f\ua8e0-\ua8ff", True),
    "latin": Script("latin", "A-Za-z\u00c0-\u024f", False),
}

BENGALI_FIRST, BENGALI_LAST = "\u0980", "\u09ff"
DEVANAGARI_FIRST, DEVANAGARI_LAST = "\u0900", "\u097f"
LATIN_EXTENDED_FIRST, LATIN_EXTENDED_LAST = "\u00c0", "\u024f"

#: a letter of either Indic script (Devanagari and Bengali are adjacent blocks)
INDIC_LETTER = re.compile("[\u0900-\u09ff]")
#: a Latin letter, ASCII or accented
LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")
#: a run of one Indic script, transliterated with one scheme at a time
INDIC_RUN = re.compile("[\u0900-\u097f]+|[\u0980-\u09ff]+")
#: a word of letters and digits in any script, Indic vowel signs and virama included
WORD = re.compile(r"(?:[^\W_]|[\u0900-\u0963\u0966-\u097f\u0980-\u09ff])+")
#: digits of the three scripts, as a character-class body
DIGITS = "0-9\u09e6-\u09ef\u0966-\u096f"
#: letters of the Indic blocks, as a character-class body
INDIC_LETTERS = "\u0900-\u09ff"


def is_bengali(ch: str) -> bool:
    return BENGALI_FIRST <= ch <= BENGALI_LAST


def is_devanagari(ch: str) -> bool:
    return DEVANAGARI_FIRST <= ch <= DEVANAGARI_LAST


def is_latin(ch: str) -> bool:
    """ASCII (letters, digits, punctuation) or an accented Latin letter."""
    return ch.isascii() or LATIN_EXTENDED_FIRST <= ch <= LATIN_EXTENDED_LAST


def is_latin_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum() or LATIN_EXTENDED_FIRST <= ch <= LATIN_EXTENDED_LAST


def is_latin_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha() or LATIN_EXTENDED_FIRST <= ch <= LATIN_EXTENDED_LAST


def word_script(word: str) -> str:
    """``"latin"`` or ``"indic"`` by the first character of a word: the rules treat the two
    Indic scripts alike (no capitals, case endings) and Latin differently (capitals)."""
    return "latin" if is_latin(word[:1]) else "indic"


def script_name(ch: str) -> str:
    """The :data:`SCRIPTS` name of one character, or ``""``."""
    if is_bengali(ch):
        return "bengali"
    if is_devanagari(ch) or "\ua8e0" <= ch <= "\ua8ff":
        return "devanagari"
    if is_latin_letter(ch):
        return "latin"
    return ""


def dominant_script(text: str) -> str:
    """The name of the script with the most letters in ``text`` (Bengali, then Devanagari, then
    Latin on a tie), or ``""`` when it has none of their letters."""
    best, most = "", 0
    for script in SCRIPTS.values():
        n = sum(map(len, script.letters.findall(text)))
        if n > most:
            best, most = script.name, n
    return best


def has_indic(text: str) -> bool:
    """True when the text has a Devanagari or Bengali letter."""
    return INDIC_LETTER.search(text) is not None


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch > "\u02ff" and (ch in "\u200c\u200d" or unicodedata.category(ch)[0] == "M")


class _WordChars(dict):
    """char -> is a word character, filled on first use (a dict lookup is what the hot loops pay)."""

    def __missing__(self, ch: str) -> bool:
        value = self[ch] = _word_char(ch)
        return value


#: letters, digits, combining marks (Indic vowel signs, virama, nukta) and joiners
WORD_CHAR = _WordChars()


def is_word_char(ch: str) -> bool:
    """Letters, digits, combining marks (Indic vowel signs, virama, nukta) and joiners."""
    return WORD_CHAR[ch]
