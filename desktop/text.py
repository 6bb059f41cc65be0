"""Text utilities shared by the whole core: cleaning, script/language detection, grapheme
clusters, matching keys and the code-point <-> UTF-16 conversion used at the Qt boundary.

Everything in the core counts Python code points.  Qt counts UTF-16 code units; the window
converts with :class:`Utf16Map` and nowhere else.  What a script or a language is (Unicode
ranges, packs) lives in :mod:`desktop.language`.
"""

from __future__ import annotations

import bisect
import re as _re
import unicodedata
from functools import lru_cache

import regex

from desktop.language import fold as _fold
from desktop.language.data import read_rows
from desktop.language import packs as _packs
from desktop.language.scripts import SCRIPTS
from desktop.paths import resource

# -- cleaning -------------------------------------------------------------------------------------

_NEWLINES = regex.compile(r"\r\n|\r|\u2028|\u2029|\x85")
_CONTROL = _re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Text as stored: BOM removed, `\\n` newlines, NFC, other control characters dropped,
    trailing whitespace of the whole text trimmed."""
    text = text.lstrip("\ufeff")
    text = _NEWLINES.sub("\n", text)
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", text)
    return text.strip()


def short(s: str, n: int = 40) -> str:
    """A one-line label of at most ``n`` characters (history summaries, combo boxes)."""
    s = s.replace("\n", " ")
    return s if len(s) <= n else s[: n - 1] + "…"


def first_line(text: str, limit: int = 200) -> str:
    for line in text.split("\n"):
        line = line.strip()
        if line:
            return line[:limit]
    return ""


_CRUMB_SPLIT = _re.compile(r"\s+(?:/|>|»|›|\|)\s+")
_TRAILING = _re.compile(r"[\s.:।॥|\-–—]+$")


def _boilerplate() -> tuple[frozenset[str], tuple[str, ...]]:
    """(whole lines, line prefixes) from ``resources/import/boilerplate.tsv``."""
    global _BOILERPLATE
    if _BOILERPLATE is None:
        whole, prefixes = set(), []
        for row in read_rows(resource("import", "boilerplate.tsv")):
            pattern = row[-1].casefold()
            if pattern.endswith("*"):
                prefixes.append(pattern[:-1].strip())
            elif pattern:
                whole.add(pattern)
        _BOILERPLATE = (frozenset(whole), tuple(prefixes))
    return _BOILERPLATE


_BOILERPLATE: tuple[frozenset[str], tuple[str, ...]] | None = None


def title_line(text: str, limit: int = 200) -> str:
    """The headline of a text without one: the first line that is not web boilerplate.

    A breadcrumb (``Home / National / Headline``) gives its last part; a photo caption or
    credit (``প্রতিনিধি চিত্র।``, ``File photo``; ``resources/import/boilerplate.tsv``) is
    skipped. Falls back to the first non-empty line."""
    whole, prefixes = _boilerplate()
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        parts = _CRUMB_SPLIT.split(line)
        if len(parts) >= 2 and parts[0].strip().casefold() in whole | {"home"}:
            line = parts[-1].strip()
        key = _TRAILING.sub("", line).casefold()
        if not key or key in whole or any(key.startswith(p) for p in prefixes if p) and len(key.split()) <= 6:
            continue
        return line[:limit]
    return first_line(text, limit)


# -- scripts and language -------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _script_langs() -> tuple[tuple["_re.Pattern[str]", str], ...]:
    """(letters of a script, language code) per pack; a script shared by two packs counts for
    the first (in menu order)."""
    out, seen = [], set()
    for pack in _packs.available():
        if pack.script not in seen:
            seen.add(pack.script)
            out.append((SCRIPTS[pack.script].letters, pack.code))
    return tuple(out)


def script_counts(text: str) -> dict[str, int]:
    return {lang: sum(map(len, rx.findall(text))) for rx, lang in _script_langs()}


def detect_language(text: str, dominance: float = 0.8) -> str:
    """A pack's code (`bn`, `hi`, `en`) when its script holds at least `dominance` of the
    letters of the packs' scripts, else `mixed`.  Latin boilerplate in an Indic article ("Home / National",
    "(India-Russia)") does not make it mixed."""
    counts = script_counts(text)
    total = sum(counts.values())
    if total == 0:
        return "en"
    lang, best = max(counts.items(), key=lambda kv: kv[1])
    return lang if best / total >= dominance else _packs.MIXED


def script_of(text: str) -> str:
    """Language code of the dominant script of a short string (alias language)."""
    counts = script_counts(text)
    if not any(counts.values()):
        return ""
    return max(counts.items(), key=lambda kv: kv[1])[0]


# -- grapheme clusters ----------------------------------------------------------------------------

_GRAPHEME = regex.compile(r"\X")


def grapheme_boundaries(text: str) -> list[int]:
    """All code-point offsets that are grapheme-cluster boundaries (0 and len(text) included).

    Uses `regex`'s extended grapheme clusters; in addition a virama (halant) followed by a
    consonant, or a ZWJ/ZWNJ, never ends a cluster, so an Indic conjunct (akshara) stays whole."""
    bounds = [0]
    for m in _GRAPHEME.finditer(text):
        bounds.append(m.end())
    # merge across virama + consonant (conjuncts) and joiners
    merged = [0]
    for b in bounds[1:]:
        prev = text[b - 1] if b > 0 else ""
        if b < len(text) and (
            unicodedata.category(prev) == "Mn" and unicodedata.combining(prev) == 9  # virama
            or prev in "\u200c\u200d"
            or text[b] in "\u200c\u200d"
        ):
            continue
        merged.append(b)
    if merged[-1] != len(text):
        merged.append(len(text))
    return merged


def snap_to_graphemes(text: str, start: int, end: int, bounds: list[int] | None = None) -> tuple[int, int]:
    """Widen [start, end) to whole grapheme clusters."""
    if bounds is None:
        bounds = grapheme_boundaries(text)
    start = max(0, min(start, len(text)))
    end = max(0, min(end, len(text)))
    i = bisect.bisect_right(bounds, start) - 1
    j = bisect.bisect_left(bounds, end)
    return bounds[max(i, 0)], bounds[min(j, len(bounds) - 1)]


_TRIM = regex.compile(r"[\p{Z}\s\p{P}\p{S}--[\p{Sc}%]]", flags=regex.V1)


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past leading/trailing whitespace and punctuation."""
    while start < end and _TRIM.fullmatch(text[start]):
        start += 1
    while end > start and _TRIM.fullmatch(text[end - 1]):
        end -= 1
    return start, end


def snap_selection(text: str, start: int, end: int) -> tuple[int, int]:
    """A curator's selection made into a mention span: trimmed, then whole grapheme clusters."""
    if start > end:
        start, end = end, start
    start, end = trim_span(text, start, end)
    if start >= end:
        return start, start
    return snap_to_graphemes(text, start, end)


_WORD_TAIL = _re.compile(r"[^\s\d.,;:!?।॥()\[\]{}\"'‘’“”/\-–—]*")


def is_suffix_boundary(text: str, end: int, suffixes: "frozenset[str] | set[str]", key=None) -> bool:
    """True when ``end`` falls inside a word just before one of ``suffixes`` that makes up the
    rest of that word: a morpheme boundary such as কাজাখস্তান|ের.

    Span boundaries are grapheme-cluster boundaries, with this one exception: Bengali case
    endings that begin with a dependent vowel sign (ের, ে, ায়) fuse with the stem's last
    consonant into one cluster, yet the name ends before the ending, as a curator marks it. Such a span is
    kept as detected; anything else is widened to whole clusters. ``key`` folds the rest of the
    word the way ``suffixes`` were folded."""
    if not 0 < end < len(text) or not suffixes:
        return False
    tail = _WORD_TAIL.match(text, end)
    rest = tail.group(0) if tail else ""
    return bool(rest) and (key(rest) if key else rest) in suffixes


def is_grapheme_aligned(text: str, start: int, end: int) -> bool:
    bounds = grapheme_boundaries(text)
    i = bisect.bisect_left(bounds, start)
    j = bisect.bisect_left(bounds, end)
    return i < len(bounds) and bounds[i] == start and j < len(bounds) and bounds[j] == end


# -- matching keys --------------------------------------------------------------------------------

#: the alias key (level 1 of the folding ladder in :mod:`desktop.language.fold`)
match_key = _fold.match_key


# -- Qt boundary: code points <-> UTF-16 code units ---------------------------------------------


class Utf16Map:
    """Converts offsets of one text between code points and UTF-16 code units in O(log n)."""

    def __init__(self, text: str):
        self.text = text
        # code-point indexes of characters outside the BMP (2 UTF-16 units each)
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        # their UTF-16 positions
        self._astral_u16 = [i + k for k, i in enumerate(self._astral)]

    def to_utf16(self, cp: int) -> int:
        return cp + bisect.bisect_left(self._astral, cp)

    def to_cp(self, u16: int) -> int:
        # number of astral chars whose UTF-16 start is before u16
        k = bisect.bisect_left(self._astral_u16, u16)
        # a position inside a surrogate pair maps to the start of that character
        if k > 0 and self._astral_u16[k - 1] + 1 == u16:
            return self._astral[k - 1]
        return u16 - k

