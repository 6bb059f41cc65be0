"""What several rules share: words around a position, case endings on unknown names,
acronyms spelled in any script, the organisation head words.  Offsets are into the folded text
(:mod:`desktop.language.fold`)."""

from __future__ import annotations

from functools import lru_cache

import ahocorasick
import regex

from desktop.language.lexicon import Lexicon
from desktop.language.scripts import LATIN_LETTER, is_word_char


_TOKEN = regex.compile(r"[\p{L}\p{M}\p{N}\u200c\u200d]+(?:-[\p{L}\p{M}\p{N}\u200c\u200d]+)*")
_SPACE = regex.compile(r"[ \t]*")
# a day may carry an ordinal ending: 8th, ৮ই, ২৯শে, ১লা, ২রা, ৪ঠা


# -- acronyms -------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def spell_acronym(word: str, letters: Lexicon) -> str | None:
    """The Latin letters of a spelled-out acronym (এসসিও → "SCO"), or None."""
    table = letters.letters
    longest = max(map(len, table), default=0)
    best: list[str | None] = [None] * (len(word) + 1)
    best[0] = ""
    for i in range(len(word)):
        if best[i] is None:
            continue
        for k in range(1, min(longest, len(word) - i) + 1):
            lat = table.get(word[i:i + k])
            if lat is not None and best[i + k] is None:
                best[i + k] = best[i] + lat
    return best[len(word)]


def acronym_letters(word: str, text_surface: str, lex: Lexicon) -> str | None:
    """Latin letters of an acronym written in any of the three scripts, else None."""
    parts = word.split("-")
    if LATIN_LETTER.search(word):
        s = text_surface.replace("&", "").replace("-", "")
        return s if 2 <= len(s) <= 12 and s.isalnum() and s.isupper() else None
    out = ""
    for p in parts:
        lat = spell_acronym(p, lex)
        if lat is None or len(lat.replace("&", "")) < 2:
            return None
        out += lat
    return out.replace("&", "")


# -- helpers shared by the rules ------------------------------------------------------------------


class Words:
    """Tokens of the folded text found lazily around a position."""

    def __init__(self, norm: str):
        self.norm = norm

    def next(self, pos: int):
        """(start, end) of the next token after spaces, or None when punctuation comes first."""
        m = _SPACE.match(self.norm, pos)
        p = m.end()
        t = _TOKEN.match(self.norm, p)
        return (t.start(), t.end()) if t else None

    def prev(self, pos: int):
        p = pos
        while p > 0 and self.norm[p - 1] in " \t":
            p -= 1
        e = p
        while p > 0 and (is_word_char(self.norm[p - 1]) or self.norm[p - 1] == "-" and p - 1 > 0
                         and is_word_char(self.norm[p - 2])):
            p -= 1
        return (p, e) if p < e else None


def strip_unknown_ending(word: str, lex: Lexicon, ambiguous: bool = False) -> int:
    """Length of the Bengali case ending on a name the lists don't know (0 when none): the
    suffixes.tsv endings marked ``unknown`` (genitive -ের, objective -কে, -র only after some vowel
    signs), or with ``ambiguous`` those marked so (-র after া); at least two letters must stay."""
    best = 0
    for ending, after in lex.ambiguous_endings if ambiguous else lex.unknown_endings:
        if word.endswith(ending) and len(word) - len(ending) >= 2 \
                and (not after or word[-len(ending) - 1] in after):
            if is_name_word(word[:-len(ending)], lex):
                return len(ending)  # চট্টোপাধ্যায়|ের, not -য়ের
            best = best or len(ending)
    return best


@lru_cache(maxsize=4)
def org_heads(lex: Lexicon):
    """An automaton of the Indic organisation head words (কমিশন, मंत्रालय), value = length."""
    auto = ahocorasick.Automaton()
    for w in lex.org_keywords:
        if w and not LATIN_LETTER.search(w):
            auto.add_word(w, len(w))
    auto.make_automaton()
    return auto


@lru_cache(maxsize=4)
def not_org_modifiers(lex: Lexicon) -> frozenset[str]:
    """Words that are never inside an Indic organisation's name before its head word: stop words,
    months, ``org_stop`` words, connectors and titles."""
    return lex.stopwords | frozenset(lex.months) | lex.org_stop | lex.connectors | lex.titles


def is_name_word(word: str, lex: Lexicon) -> bool:
    """A name that only looks inflected (কুমার, চট্টোপাধ্যায়, प्रभाकर): name_words.tsv."""
    return word in lex.name_words or word.endswith(lex.name_endings)
