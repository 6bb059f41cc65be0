"""Tokens for the token-based formats (JSONL ``tokens``, spaCy, CoNLL).

A token is a run of letters, marks, digits and joiners (ZWJ/ZWNJ never split a word), or one
other non-space character; then every token is cut at each mention boundary inside it.  So a
Bengali case ending glued to a name (কাজাখস্তান|ের) becomes its own token, and every span is a
whole number of tokens: a spaCy ``Doc`` built from these words and spaces aligns all of them.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Iterable

import regex

_TOKEN = regex.compile(r"[\p{L}\p{M}\p{N}\u200c\u200d]+|[^\s]")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    ws: bool  # followed by whitespace


def tokenize(text: str, boundaries: Iterable[int] = (), *, space_tokens: bool = False) -> list[Token]:
    """Tokens of ``text`` cut at ``boundaries``.  With ``space_tokens``, whitespace other than one
    space after a token becomes a token of its own (as spaCy's tokenizer does), so the words and
    their ``ws`` flags spell the text exactly and a Doc's character offsets are the article's."""
    cuts = sorted(set(boundaries))
    out: list[Token] = []
    for m in _TOKEN.finditer(text):
        s, e = m.span()
        pieces = [s]
        i = bisect.bisect_right(cuts, s)
        while i < len(cuts) and cuts[i] < e:
            pieces.append(cuts[i])
            i += 1
        pieces.append(e)
        for a, b in zip(pieces, pieces[1:]):
            out.append(Token(text[a:b], a, b, False))
    if not space_tokens:
        return [Token(t.text, t.start, t.end, t.end < len(text) and text[t.end].isspace()) for t in out]
    full: list[Token] = []
    for i, t in enumerate(out):
        nxt = out[i + 1].start if i + 1 < len(out) else len(text)
        gap = text[t.end:nxt]
        if gap == " ":
            full.append(Token(t.text, t.start, t.end, True))
            continue
        full.append(Token(t.text, t.start, t.end, False))
        if gap:
            if gap.endswith(" "):
                full.append(Token(gap[:-1], t.end, nxt - 1, True))
            else:
                full.append(Token(gap, t.end, nxt, False))
    return full


def token_span(tokens: list[Token], start: int, end: int) -> tuple[int, int] | None:
    """(first, last) token index covering exactly [start, end), or None."""
    starts = [t.start for t in tokens]
    i = bisect.bisect_left(starts, start)
    if i >= len(tokens) or tokens[i].start != start:
        return None
    j = i
    while j < len(tokens) and tokens[j].end < end:
        j += 1
    if j >= len(tokens) or tokens[j].end != end:
        return None
    return i, j
