"""Dates: a month name (a cue of the alias scan) with a day and/or a year around it, day ranges
and "X থেকে Y" ranges, a year before a year word (২০০১ সালে), and numeric dates.

Month names come from CLDR in every pack (``months.tsv``, ``months_extra.tsv``); the endings a
day may carry (8th, ৮ই, ২৯শে) are the packs' ``ordinal`` words, the range words their
``range`` words.  The value is ISO 8601: ``2024-04-08``, a range ``2015-10-28/2015-10-29``, a
day without a year ``--10-29``, a year ``2001``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from desktop.detection.suggest import Context, Raw
from desktop.language.lexicon import Lexicon

name = "dates"


def suggest(ctx: Context, lex: Lexicon) -> list[Raw]:
    return dates(ctx.norm, sorted(ctx.months), ctx.years, lex) + numeric_dates(ctx.norm)


@lru_cache(maxsize=8)
def _day_patterns(lex: Lexicon) -> "tuple[regex.Pattern, regex.Pattern]":
    """(a day before the month, a day after it), each with an optional ordinal ending."""
    ordinal = "|".join(map(regex.escape, lex.ordinals)) or "(?!)"
    before = regex.compile(rf"(?<!\d)(?P<d1>\d{{1,2}})(?:\s*-\s*(?P<d2>\d{{1,2}}))?(?:{ordinal})?,?\s*$")
    after = regex.compile(rf"\.?\s*(?P<d1>\d{{1,2}})(?:\s*-\s*(?P<d2>\d{{1,2}}))?(?:{ordinal})?(?!\d)")
    return before, after


_YEAR_WORD_BEFORE = regex.compile(r"(?P<y>\d{4})\s*(?P<w>\S+)\s*$")
_YEAR_AFTER = regex.compile(r"\.?,?\s*(?P<y>\d{4})(?!\d)")
_YEAR_BEFORE = regex.compile(r"(?P<y>\d{4})\s*$")


def _int(s: str | None) -> int | None:
    return int(s) if s else None


def _iso(y: int | None, m: int, d: int | None) -> str:
    if y is None:
        return f"--{m:02d}" + (f"-{d:02d}" if d else "")
    return f"{y:04d}-{m:02d}" + (f"-{d:02d}" if d else "")


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
    day_before, day_after = _day_patterns(lex)
    m = day_before.search(before)
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
        m = day_after.match(norm, me, me + 12)
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
