"""Rules that find what no list can: dates, persons after titles, acronyms defined in
parentheses, quoted names of exercises and operations.

Every rule starts from a *cue* the automaton already found (a month name, a title, a year word)
or from a cheap ``str.find`` (parentheses, quotes), and looks only at the few words around it,
so rules cost little on long texts.  All offsets here are into the folded text (see
:mod:`desktop.detection.normalize`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import ahocorasick
import regex

from desktop.detection.gazetteer import is_word_char
from desktop.detection.lexicon import Lexicon
from desktop.detection.suggest import Raw


_TOKEN = regex.compile(r"[\p{L}\p{M}\p{N}\u200c\u200d]+(?:-[\p{L}\p{M}\p{N}\u200c\u200d]+)*")
_SPACE = regex.compile(r"[ \t]*")
# a day may carry an ordinal ending: 8th, ৮ই, ২৯শে, ১লা, ২রা, ৪ঠা
_DAY_BEFORE = regex.compile(r"(?<!\d)(?P<d1>\d{1,2})(?:\s*-\s*(?P<d2>\d{1,2}))?(?:st|nd|rd|th|ই|শে|লা|রা|ঠা|তম)?,?\s*$")
_YEAR_WORD_BEFORE = regex.compile(r"(?P<y>\d{4})\s*(?P<w>\S+)\s*$")
_DAY_AFTER = regex.compile(r"\.?\s*(?P<d1>\d{1,2})(?:\s*-\s*(?P<d2>\d{1,2}))?(?:st|nd|rd|th)?(?!\d)")
_YEAR_AFTER = regex.compile(r"\.?,?\s*(?P<y>\d{4})(?!\d)")
_YEAR_BEFORE = regex.compile(r"(?P<y>\d{4})\s*$")
_LATIN = regex.compile(r"[A-Za-z\u00c0-\u024f]")
_INDIC = regex.compile(r"[\u0900-\u09ff]")


def _int(s: str | None) -> int | None:
    return int(s) if s else None


def _iso(y: int | None, m: int, d: int | None) -> str:
    if y is None:
        return f"--{m:02d}" + (f"-{d:02d}" if d else "")
    return f"{y:04d}-{m:02d}" + (f"-{d:02d}" if d else "")


# -- dates --------------------------------------------------------------------------------------


@dataclass
class _Date:
    start: int
    end: int
    month: int
    d1: int | None
    d2: int | None
    year: int | None


def _date_at(norm: str, ms: int, me: int, month: int, lex: Lexicon) -> _Date | None:
    before = norm[max(0, ms - 30):ms]
    start = ms
    d1 = d2 = year = None
    m = _DAY_BEFORE.search(before)
    if m:
        d1, d2 = _int(m["d1"]), _int(m["d2"])
        start = ms - len(before) + m.start()
    else:
        m = _YEAR_WORD_BEFORE.search(before)
        if m and m["w"] in lex.year_words:
            year = int(m["y"])
            start = ms - len(before) + m.start()
    end = me
    if d1 is None:
        m = _DAY_AFTER.match(norm, me, me + 12)
        if m:
            d1, d2 = _int(m["d1"]), _int(m["d2"])
            end = m.end()
    if year is None:
        m = _YEAR_AFTER.match(norm, end, end + 12)
        if m:
            year = int(m["y"])
            end = m.end()
    if d1 is not None and not 1 <= d1 <= 31 or d2 is not None and not (d1 or 0) < d2 <= 31:
        return None
    if year is not None and not 1000 <= year <= 2999:
        return None
    if d1 is None and year is None:
        return None  # a bare month name ("মে", "May") is not a date
    return _Date(start, end, month, d1, d2, year)


def dates(norm: str, month_hits: list[tuple[int, int, int]], year_hits: list[tuple[int, int]],
          lex: Lexicon) -> list[Raw]:
    found = [d for ms, me, mo in month_hits if (d := _date_at(norm, ms, me, mo, lex))]
    # "৩০ অক্টোবর থেকে ১১ নভেম্বর, ২০২৩": two dates joined by a range word become one range
    merged: list[_Date | tuple[_Date, _Date]] = []
    for d in found:
        prev = merged[-1] if merged else None
        if isinstance(prev, _Date) and prev.d1 and d.d1:
            gap = norm[prev.end:d.start].strip(" ,")
            if gap in lex.range_words or gap == "-":
                merged[-1] = (prev, d)
                continue
        merged.append(d)
    out = []
    for item in merged:
        if isinstance(item, tuple):
            a, b = item
            ya = a.year or b.year
            out.append(Raw(a.start, b.end, "DATE", "rule", 0.9,
                           f"{_iso(ya, a.month, a.d1)}/{_iso(b.year or ya, b.month, b.d2 or b.d1)}"))
        elif item.d2:
            out.append(Raw(item.start, item.end, "DATE", "rule", 0.9,
                           f"{_iso(item.year, item.month, item.d1)}/{_iso(item.year, item.month, item.d2)}"))
        else:
            out.append(Raw(item.start, item.end, "DATE", "rule", 0.9, _iso(item.year, item.month, item.d1)))
    covered = [(r.start, r.end) for r in out]
    for ws, _we in year_hits:  # "২০০১ সালে" → the year
        m = _YEAR_BEFORE.search(norm, max(0, ws - 8), ws)
        if m and 1000 <= int(m["y"]) <= 2999 and not any(s <= m.start() < e for s, e in covered):
            out.append(Raw(m.start("y"), m.end("y"), "DATE", "rule", 0.8, f"{int(m['y']):04d}"))
    return out


_NUMERIC_DATE = regex.compile(
    r"(?<![\d.\-/])(?:(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"|(?P<d2>\d{1,2})[/.](?P<m2>\d{1,2})[/.](?P<y2>\d{4}))(?![\d.\-/]\d)")


def numeric_dates(norm: str) -> list[Raw]:
    """ISO dates (2024-04-08) and day-first dates (08/04/2024, 08.04.2024, as in Indian usage),
    in any of the three scripts' digits."""
    out = []
    for m in _NUMERIC_DATE.finditer(norm):
        if m["y"]:
            y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        else:
            y, mo, d = int(m["y2"]), int(m["m2"]), int(m["d2"])
        if 1000 <= y <= 2999 and 1 <= mo <= 12 and 1 <= d <= 31:
            out.append(Raw(m.start(), m.end(), "DATE", "rule", 0.85, _iso(y, mo, d)))
    return out


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
    if _LATIN.search(word):
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


def has_indic(text: str) -> bool:
    """True when the text has a Devanagari or Bengali letter."""
    return _INDIC.search(text) is not None


@lru_cache(maxsize=4)
def org_heads(lex: Lexicon):
    """An automaton of the Indic organisation head words (কমিশন, मंत्रालय), value = length."""
    auto = ahocorasick.Automaton()
    for w in lex.org_keywords:
        if w and not _LATIN.search(w):
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
