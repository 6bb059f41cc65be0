"""Common words are not places.

Each language pack's ``common_words.txt`` (``resources/languages/bn/``, ``…/hi/``) lists
ordinary words (from the Hunspell dictionaries Debian ships as hunspell-bn and hunspell-hi) that the detector finds as a
place only because they look like a place's name (মানুষ ~ Manaus, আদান in আদান-প্রদান ~ Adana,
वर्ष).  Such a candidate from the starter lists (source ``gazetteer``), or from the model, which
learns from the lists' features, is kept only with a second
signal: a kind-of-place word right after it (জেলা, नदी, district), or a capital in Latin script.
A KB link the curator confirmed makes the word a learned alias, which this filter never drops.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from desktop.detection.detector import Candidate
from desktop.language.lexicon import lexicon
from desktop.language.packs import pack_rows
from desktop.language.fold import fold
from desktop.detection.learning.tokens import _split_ending

_NEXT_WORD = regex.compile(r"[\s\-‐-―]*([\p{L}\p{M}]+)")


class CommonWordFilter:
    def __init__(self, words: frozenset[str], place_words: frozenset[str]):
        self.words = words
        self.place_words = place_words

    def needs_signal(self, c: Candidate) -> bool:
        return c.type == "LOC" and c.source in ("gazetteer", "model") and fold(c.text) in self.words

    def has_signal(self, text: str, c: Candidate) -> bool:
        if c.text[:1].isascii() and c.text[:1].isupper():
            return True
        m = _NEXT_WORD.match(text, c.end)
        if not m:
            return False
        word = m.group(1)
        n = _split_ending(word)
        return fold(word) in self.place_words or bool(n) and fold(word[:-n]) in self.place_words

    def filter(self, text: str, cands: list[Candidate]) -> list[Candidate]:
        return [c for c in cands if not self.needs_signal(c) or self.has_signal(text, c)]


@lru_cache(maxsize=1)
def common_words() -> CommonWordFilter:
    from desktop.detection.rules.english_common import words

    w = words(lexicon())
    return CommonWordFilter(frozenset(fold(r[0]) for r in pack_rows("common_words.txt")),
                            w.place_word | w.indic_place_word)
