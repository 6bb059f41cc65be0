"""Learned surfaces: what the curator confirmed is suggested again, wherever it occurs.

* **Every article, every inflected form.**  A confirmed surface is looked for with the
  detector's own automaton (:class:`desktop.detection.gazetteer.Index`), which accepts a Bengali
  case ending glued on (কাজাখস্তানের finds the learned কাজাখস্তান, the span ends before the ending);
  a learned surface that itself carries a case ending is learned as its stem.
* **Other scripts.**  Every learned surface is also indexed by the per-word cross-script keys of
  the linker (:func:`desktop.language.keys.phonetic_key`: romanised, reduced to a consonant
  skeleton), so confirming সাকিব আল হাসান suggests साकिब अल हसन and Shakib Al Hasan; a generic word
  of a name is keyed by its meaning (``glosses.tsv`` of the language packs), so confirming Joint
  Rivers Commission suggests যৌথ নদী কমিশন and संयुक्त नदी आयोग, word for word.  In a name of two
  words or more one word may be a letter off (বাংলাদেশ ~ बांग्लादेश, আউয়াল ~ Awal).  Only words of
  another script are compared (the same script is found exactly), a Latin word must start with
  a capital, and a key must have three letters or more.
* **Numbered events.**  A learned EVENT name followed by a year or number (X-2019, X – 2019,
  X 2019, in any script's digits) is one EVENT; a confirmed ``X 2019`` teaches ``X`` too.
* **Confidence from the labels.**  Each folded surface counts the types the curator gave it;
  the suggestion takes the most frequent type with confidence = its share (2× PERSON, 1× ORG →
  PERSON 0.67), capped at 0.95; and the entity it was linked to most often.
* **Rejections.**  A span rejected in an article is never suggested there again
  (:mod:`desktop.detection.service`); a surface rejected in a context (after the same word, or before the same word) is not
  suggested in that context anywhere.  A surface rejected more often than confirmed is not learned.
  A rejected surface around a learned one is a corrected boundary (Cyclone Remal rejected, Remal
  confirmed): where both are found again, the learned one is kept (:mod:`.suggester`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

import regex

from desktop.detection.detector import Candidate
from desktop.detection.gazetteer import GazetteerEntry, Index
from desktop.language.lexicon import lexicon
from desktop.language.fold import NormView, fold
from desktop.detection.learning.tokens import _split_ending, script

#: a year or number joined to an event name: "-2019", " – 2019", " 2019", "-২০১৯"
_NUMBER_AFTER = regex.compile(r"(?:\s*[-‐-―]\s*|\s)(\p{Nd}{1,4})(?!\p{Nd})")
_WORD_GOES_ON = regex.compile(r"\p{L}|\p{M}")
_NUMBER_TAIL = regex.compile(r"^(.*?\S)(?:\s*[-‐-―]\s*|\s)\p{Nd}{1,4}$")
_MIN_KEY = 3
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}\u200c\u200d]+")


@lru_cache(maxsize=1)
def glosses() -> dict[str, str]:
    """Folded word -> "=concept" from the packs' ``glosses.tsv`` (কমিশন, आयोग, Commission ->
    "=commission"): generic words of names, translated rather than transliterated."""
    from desktop.language.data import read_rows
    from desktop.paths import resource

    out: dict[str, str] = {}
    for path in sorted(resource("languages").glob("*/glosses.tsv")):
        for row in read_rows(path):
            if len(row) >= 2 and row[0] and row[1]:
                out.setdefault(fold(row[1]), "=" + row[0])
    return out


@lru_cache(maxsize=65536)
def word_key(word: str) -> str:
    """A word's cross-script key: its gloss concept when it has one, else the linker's
    phonetic key (a romanised consonant skeleton)."""
    from desktop.language.keys import phonetic_key

    return glosses().get(fold(word)) or phonetic_key(word)


@dataclass
class Label:
    """What the curator said about one folded surface."""

    surface: str
    types: Counter = field(default_factory=Counter)
    entities: Counter = field(default_factory=Counter)   # (type, entity id) -> count
    rejected: int = 0

    def best(self) -> tuple[str, float, int | None]:
        typ, n = self.types.most_common(1)[0]
        conf = min(0.95, n / sum(self.types.values()))
        ents = [(c, e) for (t, e), c in self.entities.items() if t == typ]
        eid = max(ents)[1] if ents else None
        return typ, round(conf, 2), eid


def context_key(text: str, start: int, end: int) -> tuple[str, str, str]:
    """(word before, surface, word after), folded: where a rejection holds."""
    before = regex.search(r"(\S+)\s*$", text[max(0, start - 40):start])
    after = regex.match(r"\s*(\S+)", text[end:end + 40])
    return (fold(before.group(1)) if before else "", fold(text[start:end]),
            fold(after.group(1)) if after else "")


class RejectedContexts:
    """Where the curator rejected a surface: (word before, surface) and (surface, word after)."""

    def __init__(self):
        self.before: set[tuple[str, str]] = set()
        self.after: set[tuple[str, str]] = set()

    def add(self, ctx: tuple[str, str, str]) -> None:
        before, surface, after = ctx
        if before:
            self.before.add((before, surface))
        if after:
            self.after.add((surface, after))

    def __bool__(self) -> bool:
        return bool(self.before or self.after)

    def __contains__(self, ctx: tuple[str, str, str]) -> bool:
        before, surface, after = ctx
        return (before, surface) in self.before or (surface, after) in self.after


def _near(a: str, b: str) -> bool:
    """Two phonetic keys one letter apart (an insertion, deletion or substitution), the longer of
    three letters or more: transliterations differ that much (বাংলাদেশ bnlds ~ बांग्लादेश bnglds,
    আউয়াল al ~ Awal abl).  Gloss concepts (``=…``) must match exactly."""
    if a == b or a.startswith("=") or b.startswith("=") or abs(len(a) - len(b)) > 1 or max(len(a), len(b)) < 3:
        return a == b
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    if len(a) > len(b):
        a, b = b, a
    return any(b[:i] + b[i + 1:] == a for i in range(len(b)))


class SurfaceLearner:
    """Built from the curator's decisions; :meth:`suggest` gives candidates for an article."""

    def __init__(self, confirmed: Iterable[tuple[str, str, int | None]],
                 rejected: Iterable[tuple[str, tuple[str, str, str]]] = ()):
        """``confirmed``: (surface, type, entity id) of every confirmed mention (repeats count);
        ``rejected``: (surface, context key) of every rejected mention."""
        from desktop.detection.service import _stem

        labels: dict[str, Label] = {}

        def label(surface: str) -> Label:
            k = fold(surface)
            lab = labels.get(k)
            if lab is None:
                lab = labels[k] = Label(surface)
            return lab

        for surface, typ, eid in confirmed:
            surface = surface.strip()
            if not surface:
                continue
            forms = [surface]
            stem = _stem(surface)
            if stem:
                forms = [stem]
            if typ == "EVENT" and (m := _NUMBER_TAIL.match(forms[0])):
                forms.append(m.group(1))
            for f in forms:
                lab = label(f)
                lab.types[typ] += 1
                if eid is not None:
                    lab.entities[(typ, eid)] += 1
        self.rejected_contexts = RejectedContexts()
        #: folded surfaces the curator rejected and never confirmed (how often)
        self.rejected_only: Counter = Counter()
        for surface, ctx in rejected:
            self.rejected_contexts.add(ctx)
            k = fold(surface)
            if k in labels:
                labels[k].rejected += 1
            else:
                self.rejected_only[k] += 1
        self.labels = {k: lab for k, lab in labels.items() if sum(lab.types.values()) > lab.rejected}
        entries = []
        self.best: dict[str, tuple[str, float, int | None]] = {}
        for k, lab in self.labels.items():
            typ, conf, eid = lab.best()
            self.best[k] = (typ, conf, eid)
            entries.append(GazetteerEntry(lab.surface, typ, eid, "learned"))
        self.index = Index(entries, {})
        self._cross = self._cross_index()

    def __len__(self) -> int:
        return len(self.labels)

    # -- cross-script ------------------------------------------------------------------------

    def _cross_index(self) -> dict[str, list[tuple[tuple[str, ...], str, str]]]:
        """first word's key -> [(all words' keys, script of the surface, folded surface)]."""
        out: dict[str, list] = defaultdict(list)
        for k, lab in self.labels.items():
            words = [w for w in _WORD.findall(lab.surface) if any(ch.isalpha() for ch in w)]
            if not words or len(words) > 6:
                continue
            keys = tuple(word_key(w) for w in words)
            if not all(keys) or len("".join(keys)) < _MIN_KEY:
                continue
            if len(keys) == 1 and keys[0].startswith("="):
                continue  # one generic word (Police ~ পুলিশ) names nothing by itself
            out[keys[0]].append((keys, script(words[0]), k))
            if len(keys) >= 2:   # the first word may be spelled a little differently (see _near)
                out["\x00" + keys[1]].append((keys, script(words[0]), k))
        return out

    def _cross_hits(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, learned key) where a run of words of another script has the same keys;
        a Bengali word may carry a case ending (the span ends before it)."""
        if not self._cross:
            return []
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text) if any(ch.isalpha() for ch in m.group())]
        memo: dict[int, tuple[str, ...]] = {}

        def keys(i: int) -> tuple[str, ...]:
            got = memo.get(i)
            if got is None:
                w = words[i][2]
                n = _split_ending(w)
                got = memo[i] = (word_key(w),) + ((word_key(w[:-n]),) if n else ())
            return got

        out = []
        for i, (start, _end, w) in enumerate(words):
            sc = script(w)
            if sc == "lat" and not w[:1].isupper():
                continue
            looked = [k for k0 in keys(i) for k in self._cross.get(k0, ())]
            if i + 1 < len(words):
                looked += [k for k1 in keys(i + 1) for k in self._cross.get("\x00" + k1, ())]
            for wkeys, src_script, surface in dict.fromkeys(looked):
                if src_script == sc or i + len(wkeys) > len(words):
                    continue
                end = self._match(words, i, wkeys, sc, keys)
                if end is not None:
                    out.append((start, end, surface))
        return out

    @staticmethod
    def _match(words, i: int, wkeys: tuple[str, ...], sc: str, keys) -> int | None:
        """End offset when words[i:] continue with ``wkeys``.  In a name of two words or more, one
        word's key may be one letter off (:func:`_near`) when the others match exactly."""
        end = None
        fuzzy = len(wkeys) < 2
        exact_len = 0
        for j, want in enumerate(wkeys):
            s, e, w = words[i + j]
            if j and (script(w) != sc or (sc == "lat" and not w[:1].isupper()) or s - words[i + j - 1][1] > 2):
                return None
            ks = keys(i + j)
            if len(ks) > 1 and want == ks[1]:   # the stem first: a vowel ending leaves the key as it is
                end = e - _split_ending(w)
            elif want == ks[0]:
                end = e
            elif not fuzzy and len(ks) > 1 and _near(want, ks[1]):
                fuzzy, end = True, e - _split_ending(w)
                continue
            elif not fuzzy and _near(want, ks[0]):
                fuzzy, end = True, e
                continue
            else:
                return None
            exact_len += len(want)
        return end if exact_len >= _MIN_KEY else None

    # -- suggestions -------------------------------------------------------------------------

    @staticmethod
    def _number_ends(text: str, e: int) -> bool:
        """The number ends a word there, or only a case ending follows (সংলাপ ২০২৪ে)."""
        from desktop.detection.gazetteer import ends_before_suffix

        return not _WORD_GOES_ON.match(text, e) or ends_before_suffix(text, e, lexicon())

    def suggest(self, text: str) -> list[Candidate]:
        """Learned candidates in ``text`` (may overlap each other; the caller resolves)."""
        if not self.labels:
            return []
        view = NormView(text)
        norm = view.norm
        found: list[tuple[int, int, str]] = []
        for s, e, info in self.index.scan(norm, text, view, lexicon()):
            if info.hits:
                a, b = view.start(s), view.end(e)
                found.append((a, b, norm[s:e]))
        found += self._cross_hits(text)
        out = []
        seen: set[tuple[int, int, str]] = set()
        for a, b, key in dict.fromkeys(found):
            typ, conf, eid = self.best[key]
            if typ == "EVENT" and (m := _NUMBER_AFTER.match(text, b)) and self._number_ends(text, m.end()):
                b = m.end()
            if context_key(text, a, b) in self.rejected_contexts or (a, b, typ) in seen:
                continue
            seen.add((a, b, typ))
            out.append(Candidate(a, b, text[a:b], typ, "learned", conf, None, eid))
        return out
