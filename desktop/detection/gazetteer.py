"""Alias matching with one Aho-Corasick automaton (pyahocorasick) over the folded text.

The same automaton also holds the *cue* words the rules start from (titles, month names, year
words, event keywords), so an article is scanned once.  A hit counts only at word boundaries;
in a language with case endings (Bengali) a hit may also end where one of its pack's
``suffixes.tsv`` starts (কাজাখস্তানের →
কাজাখস্তান), never inside another word (ভারতীয় is not ভারত).
"""

from __future__ import annotations

from typing import Iterable, NamedTuple

import ahocorasick
import regex

from desktop.language.lexicon import Lexicon
from desktop.language.scripts import WORD_CHAR
from desktop.language.fold import fold, fold_many


class GazetteerEntry(NamedTuple):
    """One surface the detector should find: an alias of a KB entity, a bundled starter name,
    or a surface the curator confirmed.  (A named tuple: a detector is built from every alias.)"""

    text: str
    type: str
    entity_id: int | None = None
    source: str = "gazetteer"          # "gazetteer" or "learned"
    language: str = ""


def ends_before_suffix(norm: str, e: int, lex: Lexicon) -> bool:
    """True when a word continues at ``e`` with nothing but a case ending of its language
    (কাজাখস্তান|ের): only scripts whose pack lists endings (:meth:`Lexicon.inflects`)."""
    endings = lex.case_endings
    if not endings or not lex.inflects(norm[e - 1]):
        return False
    n = len(norm)
    j = e
    wc = WORD_CHAR
    while j < n and j - e < 6 and wc[norm[j]]:
        j += 1
    return not (j < n and wc[norm[j]]) and norm[e:j] in endings


def whole_word(norm: str, s: int, e: int, lex: Lexicon) -> bool:
    return not (s > 0 and WORD_CHAR[norm[s - 1]]) and \
        not (e < len(norm) and WORD_CHAR[norm[e]] and not ends_before_suffix(norm, e, lex))


class _Key:
    """Everything stored under one folded key."""

    __slots__ = ("length", "cues", "need_cap", "need_upper", "hits")

    def __init__(self, length: int):
        self.length = length
        self.cues: set[str] = set()
        self.need_cap = True
        self.need_upper = True
        self.hits: tuple = ()   # (type, source, confidence, entity id or None), filled by Index


_NON_LATIN_LETTER = regex.compile(r"[^\p{Latin}\P{L}]")
_NOT_ASCII_LETTER = regex.compile(r"[^A-Za-z]+")


#: types whose names in capitals are mostly ordinary words (a dateline's GENEVA), not acronyms
_WORD_NAME_TYPES = frozenset({"LOC", "PERSON"})


def _looks_like_word(letters: str) -> bool:
    """GENEVA, DHAKA: four letters or more with a vowel (UN, USA, NATO-like ORG acronyms aside)."""
    return len(letters) >= 4 and any(c in "AEIOUY" for c in letters.upper())


def _latin_flags(surface: str, type_: str = "") -> tuple[bool, bool]:
    """(must start with a capital, must be all capitals) for a Latin-script alias.  Up to six
    capitals are an acronym and match only in capitals, except a place's or person's name that
    reads as a word: GENEVA matches Geneva too."""
    cap, upper = _latin_flags_of(surface)
    if upper and type_ in _WORD_NAME_TYPES and _looks_like_word(_NOT_ASCII_LETTER.sub("", surface)):
        return True, False
    return cap, upper


def _latin_flags_of(surface: str) -> tuple[bool, bool]:
    if surface.isascii():
        letters = _NOT_ASCII_LETTER.sub("", surface)
    elif _NON_LATIN_LETTER.search(surface):
        return False, False
    else:
        letters = "".join(c for c in surface if c.isalpha())
    if not letters:
        return False, False
    return letters[0].isupper(), len(letters) <= 6 and letters.isupper()


class Index:
    """The automaton: aliases (with types and entity ids) and cue words (with their kinds)."""

    def __init__(self, entries: Iterable[GazetteerEntry], cues: dict[str, Iterable[str]], *,
                 suppressed_keys: Iterable[str] = ()):
        entries = list(entries)
        suppressed = {fold(k) for k in suppressed_keys}
        groups: dict[str, list[GazetteerEntry]] = {}
        for e, k in zip(entries, fold_many([e.text for e in entries])):
            if not k or k in suppressed:
                continue
            group = groups.get(k)
            if group is None:
                groups[k] = [e]
            else:
                group.append(e)
        keys: dict[str, _Key] = {}
        for k, group in groups.items():
            info = keys[k] = _Key(len(k))
            if len(group) == 1:  # most keys: one alias of one entity
                e = group[0]
                info.need_cap, info.need_upper = _latin_flags(e.text, e.type)
                info.hits = ((e.type, "gazetteer" if e.source == "gazetteer" else "learned",
                              0.9 if e.source == "gazetteer" else 0.95, e.entity_id),)
                continue
            types: dict[str, list] = {}   # type -> [entity ids, source]
            for e in group:
                slot = types.setdefault(e.type, [set(), "gazetteer"])
                if e.entity_id is not None:
                    slot[0].add(e.entity_id)
                if e.source != "gazetteer":
                    slot[1] = "learned"
                cap, upper = _latin_flags(e.text, e.type)
                info.need_cap &= cap
                info.need_upper &= upper
            hits = []
            for typ, (ids, source) in types.items():
                eid = next(iter(ids)) if len(ids) == 1 else None
                conf = (0.95 if source == "learned" else 0.9) if len(types) == 1 else 0.6
                if eid is None and ids:
                    conf -= 0.15  # the alias names several entities: not linked
                hits.append((typ, source, round(conf, 2), eid))
            info.hits = tuple(hits)
        for kind, words in cues.items():
            for w in words:
                k = fold(w)
                if not k:
                    continue
                info = keys.get(k)
                if info is None:
                    info = keys[k] = _Key(len(k))
                    info.need_cap = info.need_upper = False
                info.cues.add(kind)
        self.size = len(keys)
        self.automaton = ahocorasick.Automaton()
        for k, info in keys.items():
            self.automaton.add_word(k, info)
        if keys:
            self.automaton.make_automaton()

    def scan(self, norm: str, text: str, view, lex: Lexicon):
        """Yield (start, end, info) in folded offsets for every whole-word hit."""
        if not self.size:
            return
        n = len(norm)
        wc = WORD_CHAR
        for last, info in self.automaton.iter(norm):
            s = last - info.length + 1
            if s > 0 and wc[norm[s - 1]]:
                continue
            e = last + 1
            if e < n and wc[norm[e]] and not ends_before_suffix(norm, e, lex):
                continue
            if info.need_cap or info.need_upper:
                src = text[view.start(s):view.end(e)]
                if info.need_upper and not src.isupper():
                    continue
                if info.need_cap and not src[:1].isupper():
                    continue
            yield s, e, info
