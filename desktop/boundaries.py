"""Moving one edge of a mention by a letter or a word (Qt-free; the window's Shift/Alt+arrow keys).

A letter is a grapheme cluster (an akshara in Bengali and Devanagari), so a move never splits one.
A span never starts or ends with whitespace or punctuation: a move that would land there goes on
to the next letter.  A word is a run of letters between spaces and punctuation (the danda too),
so the word-wise moves treat কাজাখস্তানের as one word."""

from __future__ import annotations

import bisect
import unicodedata
from typing import Sequence

EDGES = ("start", "end")


def is_word_char(c: str) -> bool:
    return not c.isspace() and not unicodedata.category(c).startswith(("P", "Z", "C"))


def _step(bounds: Sequence[int], pos: int, forward: bool) -> int:
    i = bisect.bisect_left(bounds, pos)
    if forward:
        j = i + 1 if i < len(bounds) and bounds[i] == pos else i
        return bounds[min(j, len(bounds) - 1)]
    return bounds[max(i - 1, 0)]


def _letter_after(text: str, pos: int) -> bool:
    return pos < len(text) and is_word_char(text[pos])


def _letter_before(text: str, pos: int) -> bool:
    return pos > 0 and is_word_char(text[pos - 1])


def move_edge(text: str, bounds: Sequence[int], start: int, end: int, edge: str, forward: bool,
              *, word: bool = False) -> tuple[int, int]:
    """The span after moving its ``edge`` one letter (or ``word``) forward or back; the span
    unchanged when the move is impossible (it would become empty or leave the text)."""
    if edge not in EDGES:
        raise ValueError(f"edge must be one of {EDGES}")
    pos = start if edge == "start" else end
    # the edge must end next to a letter inside the span: a start before one, an end after one
    ok = _letter_after if edge == "start" else _letter_before
    new = pos
    while True:
        nxt = _step(bounds, new, forward)
        if nxt == new:
            return start, end
        new = nxt
        if word:
            # a word edge: a letter on the inner side and none on the outer side
            outer = _letter_before(text, new) if edge == "start" else _letter_after(text, new)
            if ok(text, new) and not outer:
                break
        elif ok(text, new):
            break
    s, e = (new, end) if edge == "start" else (start, new)
    return (s, e) if s < e else (start, end)


__all__ = ["move_edge", "is_word_char"]
