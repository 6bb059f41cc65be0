"""Tokens and features for the sequence model.

A token is a run of letters, marks and digits, or one other non-space character.  A Bengali word
that ends in a case ending from ``resources/gazetteer/suffixes.tsv`` is cut into stem + ending
(কাজাখস্তান + ের), so a name that ends before its case ending — the convention of the gold sets
and of the window — is a whole number of tokens; the model learns from the ending's own features
when an ending belongs to the name (কুমার) and when it does not.

Features (one list of strings per token): the word folded, its prefixes and suffixes, script,
shape, the Bengali stem/ending split, membership in the knowledge base (the word starts / is in a
known alias, of which type), the word lists (stop word, title, month, year word, event keyword,
organisation head, kind-of-place word), the baseline detector's BIO tag and source for the token
(stacking: the model learns when to trust the rules and the gazetteer), and the same few
features of the neighbours (±1, ±2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Sequence

import regex

from desktop.language.lexicon import lexicon
from desktop.language.fold import fold

_TOKEN = regex.compile(r"[\p{L}\p{M}\p{N}\u200c\u200d]+|\S")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    ending: bool = False    # a Bengali case ending cut off the word before it


@lru_cache(maxsize=1)
def _bn_endings() -> tuple[str, ...]:
    return tuple(sorted(lexicon().suffixes.get("bn", ()), key=len, reverse=True))


def _bengali(ch: str) -> bool:
    return "\u0980" <= ch <= "\u09ff"


@lru_cache(maxsize=131072)
def _split_ending(word: str) -> int:
    """Length of the case ending to cut off ``word`` (0 for none): the longest known ending that
    leaves a stem of at least two characters."""
    if not word or not _bengali(word[-1]):
        return 0
    for e in _bn_endings():
        n = len(e)
        if len(word) >= n + 2 and fold(word[-n:]) == e:
            return n
    return 0


def tokenize(text: str) -> list[Token]:
    out: list[Token] = []
    for m in _TOKEN.finditer(text):
        s, e = m.span()
        w = m.group()
        n = _split_ending(w) if len(w) > 2 else 0
        if n:
            out.append(Token(s, e - n, w[:-n]))
            out.append(Token(e - n, e, w[-n:], True))
        else:
            out.append(Token(s, e, w))
    return out


def script(word: str) -> str:
    ch = word[:1]
    if not ch:
        return "none"
    if _bengali(ch):
        return "bn"
    if "\u0900" <= ch <= "\u097f":
        return "hi"
    if ch.isascii() and ch.isalpha() or "\u00c0" <= ch <= "\u024f":
        return "lat"
    if ch.isdigit():
        return "digit"
    return "punct"


def shape(word: str) -> str:
    out = []
    for ch in word[:6]:
        c = "d" if ch.isdigit() else "X" if ch.isupper() else "x" if ch.isalpha() else "m" \
            if ch.isalnum() or regex.match(r"\p{M}", ch) else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


@dataclass(frozen=True)
class Knowledge:
    """What the features look up: KB words by type, and the word lists (all folded)."""

    first: dict[str, frozenset[str]]    # word -> types of aliases it starts
    inner: dict[str, frozenset[str]]    # word -> types of aliases it is in
    lists: dict[str, frozenset[str]]    # list name -> words
    cache: dict = field(default_factory=dict, compare=False, repr=False)   # word -> its features

    @classmethod
    def build(cls, aliases: Iterable[tuple[str, str]]) -> "Knowledge":
        first: dict[str, set[str]] = {}
        inner: dict[str, set[str]] = {}
        for text, typ in aliases:
            words = [t.text for t in tokenize(fold(text)) if not t.ending]
            if not words:
                continue
            first.setdefault(words[0], set()).add(typ)
            for w in words[1:]:
                inner.setdefault(w, set()).add(typ)
        return cls({k: frozenset(v) for k, v in first.items()}, {k: frozenset(v) for k, v in inner.items()},
                   _lists())


@lru_cache(maxsize=1)
def _lists() -> dict[str, frozenset[str]]:
    from desktop.detection.rules.english_common import words

    lex = lexicon()
    w = words(lex)
    return {
        "stop": lex.stopwords | w.stop, "title": lex.titles, "month": frozenset(lex.months),
        "year": lex.year_words, "event": lex.event_keywords | w.event_head, "org": lex.org_keywords | w.org_head,
        "place": w.place_word | w.indic_place_word, "place_org": lex.place_org_words,
    }


def _word_features(text: str, ending: bool, k: "Knowledge") -> tuple[str, ...]:
    w = fold(text)
    f = [f"w={w}", f"sc={script(text)}", f"sh={shape(text)}"]
    if ending:
        f.append(f"end={w}")
        return tuple(f)
    if len(w) > 2:
        f += [f"p3={w[:3]}", f"s3={w[-3:]}"]
    f.append(f"s1={w[-1:]}")
    for name, words in k.lists.items():
        if w in words:
            f.append(f"L={name}")
    for t in k.first.get(w, ()):
        f.append(f"kb0={t}")
    for t in k.inner.get(w, ()):
        f.append(f"kb1={t}")
    return tuple(f)


_NEIGHBOUR_KEPT = ("L=", "kb0=", "sh=", "sc=")


def _word(tok: Token, k: "Knowledge") -> tuple[tuple[str, ...], dict[int, tuple[str, ...]]]:
    """A word's own features and what it gives each neighbour position (cached per Knowledge)."""
    key = (tok.text, tok.ending)
    got = k.cache.get(key)
    if got is None:
        base = _word_features(tok.text, tok.ending, k)
        w = fold(tok.text)
        kept = [x for x in base if x.startswith(_NEIGHBOUR_KEPT)]
        nb = {off: (f"{off}:w={w}",) + (tuple(f"{off}:{x}" for x in kept) if abs(off) == 1 else ())
              for off in (-2, -1, 1, 2)}
        got = (base, nb)
        if len(k.cache) < 200_000:
            k.cache[key] = got
    return got


def features(tokens: Sequence[Token], k: Knowledge, det_tags: Sequence[str]) -> list[list[str]]:
    """The feature lists of a token sequence; ``det_tags`` are the baseline detector's tags
    (``B-LOC/gazetteer``, ``I-ORG/rule``, ``O``), one per token."""
    words = [_word(t, k) for t in tokens]
    short = [t.split("/", 1)[0] for t in det_tags]
    n = len(tokens)
    out = []
    for i, t in enumerate(tokens):
        f = ["bias", *words[i][0], "d=" + det_tags[i], "dt=" + short[i]]
        if i + 1 < n and tokens[i + 1].ending:
            f.append("nextend=" + words[i + 1][0][0][2:])
        if i > 0 and tokens[i - 1].end == t.start and not t.ending:
            f.append("glued")
        for off in (-2, -1, 1, 2):
            j = i + off
            if 0 <= j < n:
                f += words[j][1][off]
                if off in (-1, 1):
                    f.append(f"{off}:dt={short[j]}")
            else:
                f.append(f"{off}:edge")
        out.append(f)
    return out


def bio(tokens: Sequence[Token], spans: Iterable[tuple[int, int, str]], suffix: str = "") -> list[str]:
    """BIO tags of the tokens for the spans (start, end, type); a span covers the tokens inside it."""
    tags = ["O"] * len(tokens)
    starts = {t.start: i for i, t in enumerate(tokens)}
    for s, e, typ in sorted(spans):
        i = starts.get(s)
        if i is None:
            continue
        j = i
        while j < len(tokens) and tokens[j].end <= e:
            j += 1
        if j == i or tokens[j - 1].end != e or any(x != "O" for x in tags[i:j]):
            continue
        tags[i] = f"B-{typ}{suffix}"
        for x in range(i + 1, j):
            tags[x] = f"I-{typ}{suffix}"
    return tags


def spans(tokens: Sequence[Token], tags: Sequence[str]) -> list[tuple[int, int, str, int, int]]:
    """(start, end, type, first token, last token + 1) of the BIO tags."""
    out = []
    i, n = 0, len(tags)
    while i < n:
        tag = tags[i]
        if tag == "O" or tag.startswith("I-"):
            i += 1
            continue
        typ = tag[2:]
        j = i + 1
        while j < n and tags[j] == f"I-{typ}":
            j += 1
        out.append((tokens[i].start, tokens[j - 1].end, typ, i, j))
        i = j
    return out
