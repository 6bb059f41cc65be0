"""Spelling variants of names the knowledge base already knows (a cheap "skeleton" matcher).

The alias automaton finds only exact (folded) aliases; news spells transliterated names many ways
(an unaspirated for an aspirated consonant, a dental for a retroflex, আ for the inherent vowel, a
dropped h or a doubled letter in English).  Every alias of four or more characters gets a
*skeleton* per word (``resources/languages/<code>/skeleton.tsv``: fold consonant pairs and sibilants,
drop or unify vowel marks; for Latin keep the first letter and drop vowels, h, w, y; collapse
doubled letters).  A word of the article that no exact alias covers and whose skeleton is an
alias's skeleton is proposed with that alias's type (linked when one entity has the skeleton),
source ``gazetteer``, confidence 0.6.  Multi-word aliases match consecutive words.

Precision guards: a Latin word must be capitalised; stop words, titles, month names, cue words
and words that are themselves exact aliases are never variants; a skeleton shared with a stop
word or by several types is dropped; skeletons must be long enough (``_MIN_SKELETON``).

Cost: the article is split on spaces once (C), the set of distinct tokens is diffed against the
tokens already judged (a per-detector cache), so each new token is folded once per detector; only
tokens known to match are looked for again in the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from desktop.detection.gazetteer import GazetteerEntry
from desktop.detection.suggest import Raw
from desktop.language.fold import NormView, fold
from desktop.language.lexicon import Lexicon, lexicon
from desktop.language.scripts import WORD, is_word_char, script_name

CONFIDENCE = 0.6
#: shortest skeleton of a one-word alias, of a multi-word alias (without spaces) and of the first
#: word of a multi-word alias (that word is looked up alone), per script
_MIN_SKELETON = {"latin": (5, 8, 5), "bengali": (3, 5, 4), "devanagari": (3, 5, 4)}
_MIN_ALIAS_CHARS = 4
_CACHE_LIMIT = 200_000
_WORD = WORD
_DOUBLE = re.compile(r"(.)\1+")
_CONFLICT = ("", None)   # several types share a skeleton: never proposed


def _script(word: str) -> str | None:
    """The script of a word's first letter (a key of ``_MIN_SKELETON``), or None."""
    return script_name(word[:1]) or None


@dataclass(frozen=True)
class _Fold:
    seqs: tuple[tuple[str, str], ...]   # sequences replaced first (all scripts; disjoint ranges)
    inner: tuple[str, ...]              # letters whose rule is not for the first letter of a word
    table: dict[int, str]               # then one character for zero or more (all scripts)


@lru_cache(maxsize=8)
def _fold_table(lex: Lexicon) -> _Fold:
    seqs: dict[str, str] = {}
    table: dict[int, str] = {}
    inner = []
    for row in lex.skeleton_rows:
        script = row[0]
        src = row[1].lower() if script == "latin" else fold(row[1])
        dst = row[2] if len(row) > 2 else ""
        if len(src) > 1:
            seqs[src] = dst
        else:
            table[ord(src)] = dst
            if row[3:4] == ("inner",):
                inner.append(src)
    return _Fold(tuple(sorted(seqs.items(), key=lambda kv: -len(kv[0]))), tuple(inner), table)


def skeletons(words: list[str], lex: Lexicon | None = None) -> list[str]:
    """The skeletons of folded (lower-case) words, one word each, computed in one pass: the words
    are joined by newlines and every step runs in C over the whole string.  A first letter with
    an "inner" rule is upper-cased so that the table leaves it alone, then lower-cased again."""
    if not words:
        return []
    f = _fold_table(lex or lexicon())
    joined = "\n" + "\n".join(words)
    for src, dst in f.seqs:
        if src in joined:
            joined = joined.replace(src, dst)
    for c in f.inner:
        joined = joined.replace("\n" + c, "\n" + c.upper())
    joined = _DOUBLE.sub(r"\1", joined.translate(f.table).lower())
    return joined[1:].split("\n")


def skeleton(word: str, lex: Lexicon | None = None) -> str:
    """The skeleton of one folded word (the packs' ``skeleton.tsv`` rules)."""
    return skeletons([word], lex)[0] if word else ""


class VariantIndex:
    """Skeleton keys of the aliases, built once per :class:`~desktop.detection.Detector`."""

    def __init__(self, entries: list[GazetteerEntry], lex: Lexicon, suppressed: frozenset[str] = frozenset()):
        self.lex = lex
        suffixes = sorted(lex.case_endings, key=len, reverse=True)
        self.suffixes = tuple(suffixes)
        self.suffix_set = frozenset(suffixes)
        self.max_suffix = max(map(len, suffixes), default=0)
        never = set(lex.stopwords | lex.titles | frozenset(lex.months) | lex.org_keywords
                    | lex.event_keywords | frozenset(lex.letters) | _stop_latin(lex))
        # skeleton (or tuple of skeletons) -> (type, entity id or None when several), or _CONFLICT
        # when several types share it; plain tuples keep the build cheap (no container per key)
        single: dict[str, tuple] = {}
        multi: dict[tuple, tuple] = {}
        keys = _fold_many([e.text for e in entries])
        alias_words = set(" ".join(keys).split())
        uniq = list(alias_words)
        sk_of = dict(zip(uniq, skeletons(uniq, lex)))
        limits = dict(_MIN_SKELETON)
        for e, key in zip(entries, keys):
            if len(key) < _MIN_ALIAS_CHARS or key in suppressed:
                continue
            limit = limits.get(_script(key))
            if limit is None:  # a script without spelling-variant rules
                continue
            lo1, lon, lo_first = limit
            if " " not in key:
                sk = sk_of[key]
                if len(sk) < lo1:
                    continue
                table = single
            else:
                parts = key.split()
                sk = tuple(sk_of[w] for w in parts)
                if len(key) - len(parts) + 1 < _MIN_ALIAS_CHARS or len(sk[0]) < lo_first \
                        or min(map(len, sk)) < 2 or sum(map(len, sk)) < lon:
                    continue
                table = multi
            cur = table.get(sk)
            if cur is None:
                table[sk] = (e.type, e.entity_id)
            elif cur is not _CONFLICT:
                if cur[0] != e.type:
                    table[sk] = _CONFLICT
                elif cur[1] != e.entity_id:
                    table[sk] = (e.type, None)
        banned = set(skeletons([w for w in never if " " not in w], lex))
        #: words never judged: stop words, titles, cue words, every word of a known alias
        self.skip = frozenset(never | alias_words)
        self.single = {k: v for k, v in single.items() if v is not _CONFLICT and k not in banned}
        self.multi: dict[str, list[tuple[tuple, tuple]]] = {}
        for sks, v in multi.items():
            if v is not _CONFLICT:
                self.multi.setdefault(sks[0], []).append((sks, v))
        for lst in self.multi.values():
            lst.sort(key=lambda x: -len(x[0]))
        #: words and pieces already judged (a cache per detector); the words never judged are in
        #: it from the start, so most of an article's words drop out at the first set difference
        self.judged: set[str] = set(self.skip)
        self._sk_cache: dict[str, str] = {}
        self.hit_pieces: set[str] = set()    # pieces with punctuation holding a word that may be a variant
        self.hit_words: dict[str, tuple] = {}   # word -> (stem length, single hit or None, multi list)

    def __bool__(self) -> bool:
        return bool(self.single or self.multi)

    # -- judging the words of new pieces (once per detector) -----------------------------------------

    def _judge(self, todo: set[str]) -> None:
        """Judge new words once: is each the variant of an alias (with a Bengali case ending)?"""
        todo -= self.skip
        ws = [w for w in todo if len(w) >= _MIN_ALIAS_CHARS and not w[0].isdigit()]
        if not ws:
            return
        single, multi, hits = self.single, self.multi, self.hit_words
        done: set[str] = set()
        # Bengali: every stem left by a case ending (পুটিনের -> পুটিনে, পুটিন); a word whose stem is
        # a known alias or a common word is left alone (the automaton handles known names + ending)
        sufs, skip = self.suffix_set, self.skip
        cut: list[tuple[str, str]] = []
        for w in ws:
            if self.lex.inflects(w[0]):
                stems = [w[:-k] for k in range(1, self.max_suffix + 1)
                         if len(w) - k >= _MIN_ALIAS_CHARS and w[-k:] in sufs]
                if any(st in skip for st in stems):
                    done.add(w)
                else:
                    cut += [(w, st) for st in stems]
        sks = skeletons(ws + [st for _, st in cut], self.lex)
        for (w, st), sk in zip(cut, sks[len(ws):]):
            if w not in done and sk in single:
                hits[w] = (len(st), single[sk], ())
                done.add(w)
        for w, sk in zip(ws, sks):
            if w not in done:
                hit, mult = single.get(sk), multi.get(sk)
                if hit or mult:
                    hits[w] = (len(w), hit, mult or ())

    def _refresh(self, pieces: set[str]) -> None:
        """Judge the words of pieces never seen before (the cache is per detector)."""
        new = pieces - self.judged
        if not new:
            return
        if len(self.judged) > len(self.skip) + _CACHE_LIMIT:
            self.judged = set(self.skip)
        glued = [p for p in new if not p.isidentifier()]   # punctuation, hyphens, digits first
        words = new.difference(glued)
        if glued:
            words.update(_WORD.findall(" ".join(glued)))
        todo = words - self.judged
        self.judged.update(new, todo)
        if todo:
            self._judge(todo)
        # dict_keys.isdisjoint walks the smaller side; set.isdisjoint(dict) walks the whole dict
        if self.hit_words and not self.hit_words.keys().isdisjoint(words):
            for piece in glued:   # with punctuation glued on: "পুটিনের,"
                if any(w in self.hit_words for w in _WORD.findall(piece)):
                    self.hit_pieces.add(piece)

    # -- the article ---------------------------------------------------------------------------------

    def find(self, norm: str, text: str, view, raws: list[Raw], pieces: set[str]) -> list[Raw]:
        """Variant hits in the article; ``pieces`` is ``set(norm.split())``."""
        if not (self.single or self.multi):
            return []
        self._refresh(pieces)
        words = pieces & self.hit_words.keys()
        for p in pieces & self.hit_pieces:
            words.update(w for w in _WORD.findall(p) if w in self.hit_words)
        if not words:
            return []
        covered = None
        out: list[Raw] = []
        for w in words:
            stem_len, hit, multi = self.hit_words[w]
            latin = _script(w) == "latin"
            s = norm.find(w)
            while s >= 0:
                e = s + len(w)
                if not (s > 0 and is_word_char(norm[s - 1])) and not (e < len(norm) and is_word_char(norm[e])) \
                        and (not latin or text[view.start(s)].isupper()):
                    if covered is None:  # where the lists found names: no variant there
                        covered = bytearray(len(norm))
                        for r in raws:
                            if r.source != "rule":
                                covered[r.start:r.end] = b"\1" * (r.end - r.start)
                    if covered.find(1, s, e) >= 0:
                        s = norm.find(w, s + 1)
                        continue
                    r = self._multi(norm, text, view, s, e, multi) if multi else None
                    if r is None and hit is not None:
                        typ, eid = hit
                        r = Raw(s, s + stem_len, typ, "gazetteer", CONFIDENCE, None, eid)
                    if r is not None:
                        out.append(r)
                s = norm.find(w, s + 1)
        return out

    def _skeleton(self, word: str) -> str:
        sk = self._sk_cache.get(word)
        if sk is None:
            if len(self._sk_cache) > _CACHE_LIMIT:
                self._sk_cache.clear()
            sk = self._sk_cache[word] = skeleton(word, self.lex)
        return sk

    def _multi(self, norm, text, view, s, e, multi) -> Raw | None:
        """The longest multi-word alias whose later words follow ``norm[s:e]`` as variants."""
        for sks, (typ, eid) in multi:
            pos, end = e, e
            for k in sks[1:]:
                m = _WORD.match(norm, pos + 1) if pos < len(norm) and norm[pos] == " " else None
                if m is None:
                    break
                w = m.group()
                if _script(w) == "latin" and not text[view.start(m.start())].isupper():
                    break
                if self._skeleton(w) == k:
                    pos = end = m.end()
                    continue
                cut = 0
                if k is sks[-1] and self.lex.inflects(w[:1]):
                    cut = next((len(x) for x in self.suffixes
                                if w.endswith(x) and len(w) > len(x) and self._skeleton(w[:-len(x)]) == k), 0)
                if not cut:
                    break
                pos, end = m.end(), m.end() - cut
            else:
                return Raw(s, end, typ, "gazetteer", CONFIDENCE, None, eid)
        return None


def _fold_many(texts: list[str]) -> list[str]:
    """``fold`` of many short strings at once (one pass over them joined by NUL characters,
    which folding leaves alone)."""
    if not texts:
        return []
    joined = "\x00".join(texts)
    if "\x00" not in joined or joined.count("\x00") == len(texts) - 1:
        parts = NormView(unicodedata.normalize("NFC", joined)).norm.split("\x00")
        if len(parts) == len(texts):
            return [" ".join(p.split()) for p in parts]
    return [fold(t) for t in texts]


@lru_cache(maxsize=8)
def _stop_latin(lex: Lexicon) -> frozenset[str]:
    """Rule words that are never a variant of a name (every word of the packs' ``latin_words.tsv`` and ``place_words.tsv``)."""
    return frozenset(fold(r[1]) for r in lex.latin_words)
