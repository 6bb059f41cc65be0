"""The folding ladder: three keys, from strict to loose, each for one job.

1. :func:`match_key` — *same text*: NFC (which also unifies nukta forms such as U+0958 / क+़),
   joiners removed, dash and quote variants unified, whitespace collapsed, case folded.  The key
   stored with every alias in the database; equal keys are the same alias, so it must never
   merge two spellings a curator would keep apart.
2. :func:`fold` / :class:`NormView` — *detection*: ``match_key``'s changes plus the spelling
   variants the press uses interchangeably in names: long and short i/u (ইউনূস/ইউনুস,
   व्लादिमीर/व्लादिमिर), Devanagari candrabindu/anusvara and a half nasal before a consonant
   as anusvara (ताशकन्द/ताशकंद), nukta letters decomposed.  The detector matches aliases
   exactly on this key over every word of every article, where a false meeting is a wrong
   suggestion, so it folds only these variants; the looser ones (candra o/e, khanda ta, Bengali
   chandrabindu) are left to level 3.  Every change but the nasal and the joiners is one
   character for one, so most texts keep their length and offsets map back for free.
3. :func:`desktop.language.keys.norm_key` and ``phonetic_key`` — *linking*: for a span already
   found, which entity is it?  Looser is safe there: only names of the mention's type are
   compared, and a false meeting is a lower-ranked candidate, not a new suggestion: nukta dropped, candra o/e and khanda ta folded, chandrabindu dropped
   (Bengali), Latin accents and separators removed; the phonetic key romanises and keeps a
   consonant skeleton to compare across scripts.

The detection fold in detail: dash and quote variants unified, long and short i/u vowels (and
Devanagari candrabindu/anusvara, and a half nasal before a consonant / anusvara) made one,
joiners (ZWJ/ZWNJ/ZWSP) removed, nukta letters decomposed (क़ → क + ़, য় → য + ়), every
whitespace character a plain space, and case folded.  The same folding makes the keys of the
aliases (:func:`fold`), so an alias matches whatever variant the article uses.

Most texts fold to the same length (every change is one character for one character); then
offsets are the same in both and no map is built.  Otherwise ``src[i]`` is the stored-text
offset of folded character ``i`` (one extra entry at the end for ``len(text)``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import regex

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SQUOTES = "\u2018\u2019\u201a\u201b\u2032\u00b4`"
_DQUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
_SPACES = "\t\n\r\x0b\x0c\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"

#: long and short vowels (i/ī, u/ū) spelled either way in names (ইউনূস/ইউনুস, व्लादिमीर/व्लादिमिर),
#: and candrabindu/anusvara in Devanagari (ँ/ं): folded to one form
_VOWEL_LENGTH = {
    "\u09c0": "\u09bf", "\u09c2": "\u09c1", "\u0988": "\u0987", "\u098a": "\u0989",
    "\u0940": "\u093f", "\u0942": "\u0941", "\u0908": "\u0907", "\u090a": "\u0909",
    "\u0901": "\u0902",
}

#: one character for one character
_ONE_TO_ONE = {
    **{ord(k): v for k, v in _VOWEL_LENGTH.items()},
    **dict.fromkeys(map(ord, _DASHES), "-"),
    **dict.fromkeys(map(ord, _SQUOTES), "'"),
    **dict.fromkeys(map(ord, _DQUOTES), '"'),
    **dict.fromkeys(map(ord, _SPACES), " "),
}
#: characters that disappear or expand
_JOINERS = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_NUKTA_LETTERS = "\u0958\u0959\u095a\u095b\u095c\u095d\u095e\u095f\u09dc\u09dd\u09df\u0a33\u0a36\u0a59\u0a5a\u0a5b\u0a5e"
_SPECIAL = re.compile(f"[{_JOINERS}{_NUKTA_LETTERS}]")


def _fold_char(ch: str) -> str:
    if ch in _JOINERS:
        return ""
    if ch in _NUKTA_LETTERS:
        return unicodedata.normalize("NFD", ch)
    return ch.translate(_ONE_TO_ONE).lower()


#: Devanagari writes a nasal before a consonant either as a half letter or as anusvara
#: (ताशकन्द / ताशकंद, हिन्दी / हिंदी): the half nasal (nasal + virama before a consonant) folds to ं
_NASAL = re.compile("[\u0919\u091e\u0923\u0928\u092e]\u094d(?=[\u0915-\u0939])")


def _fold_nasals(norm: str, src: "list[int] | None", n: int) -> "tuple[str, list[int] | None]":
    if "\u094d" not in norm or not _NASAL.search(norm):
        return norm, src
    if src is None:
        src = list(range(n + 1))
    parts: list[str] = []
    out_src: list[int] = []
    pos = 0
    for m in _NASAL.finditer(norm):
        parts.append(norm[pos:m.start()])
        out_src.extend(src[pos:m.start()])
        parts.append("\u0902")
        out_src.append(src[m.start()])
        pos = m.end()
    parts.append(norm[pos:])
    out_src.extend(src[pos:])  # includes the final len(text) entry
    return "".join(parts), out_src


class NormView:
    """``norm`` is the folded text; :meth:`start` / :meth:`end` map spans back."""

    __slots__ = ("text", "norm", "src")

    def __init__(self, text: str):
        self.text = text
        quick = text.translate(_ONE_TO_ONE).lower()
        if len(quick) == len(text) and not _SPECIAL.search(text):
            self.norm, self.src = _fold_nasals(quick, None, len(text))
            return
        parts: list[str] = []
        src: list[int] = []
        for i, ch in enumerate(text):
            f = _fold_char(ch)
            if f:
                parts.append(f)
                src.extend([i] * len(f))
        src.append(len(text))
        self.norm, self.src = _fold_nasals("".join(parts), src, len(text))

    def start(self, i: int) -> int:
        """Stored-text offset of the span starting at folded offset ``i``."""
        return i if self.src is None else self.src[i]

    def end(self, j: int) -> int:
        """Stored-text offset (exclusive) of the span ending at folded offset ``j``."""
        if self.src is None:
            return j
        if j <= 0:
            return 0
        return self.src[j - 1] + 1


#: the whole folding as one table, for strings whose offsets nobody needs (alias keys)
_FULL = {**_ONE_TO_ONE, **dict.fromkeys(map(ord, _JOINERS)),
         **{ord(c): unicodedata.normalize("NFD", c) for c in _NUKTA_LETTERS}}


def _fold_plain(text: str) -> str:
    out = text.translate(_FULL).lower()
    if "\u094d" in out:
        out = _NASAL.sub("\u0902", out)
    return out


def fold(text: str) -> str:
    """The folded form of a short string (alias keys); whitespace runs collapse to one space.
    The same characters as :class:`NormView` produces for it."""
    return " ".join(_fold_plain(unicodedata.normalize("NFC", text)).split())


def fold_many(texts: list[str]) -> list[str]:
    """``[fold(t) for t in texts]``, folding them as one string (building a detector folds
    every alias of the knowledge base)."""
    if not texts:
        return []
    nfc = unicodedata.normalize
    joined = "\x00".join(nfc("NFC", t).replace("\x00", " ") for t in texts)
    return [" ".join(part.split()) for part in _fold_plain(joined).split("\x00")]


# -- level 1: the alias key stored in the database -------------------------------------------------

_KEY_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad"), "-")
_KEY_QUOTES = {
    **dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032\u00b4`"), "'"),
    **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"), '"'),
}
_KEY_JOINERS = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_KEY_TABLE = {**_KEY_DASHES, **_KEY_QUOTES, **_KEY_JOINERS}
_KEY_SPACES = regex.compile(r"\s+")


@lru_cache(maxsize=65536)
def match_key(text: str) -> str:
    """The normalised key used to compare surfaces and aliases: NFC (which also unifies nukta
    forms such as U+0958 / क+़ and U+09DF / য+়), joiners removed, dash and quote variants
    unified, whitespace collapsed, case folded."""
    text = unicodedata.normalize("NFC", text).translate(_KEY_TABLE)
    text = _KEY_SPACES.sub(" ", text).strip()
    return text.casefold()
