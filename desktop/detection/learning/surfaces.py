"""Learned surfaces: what the curator confirmed is suggested again, wherever it occurs.

* **Every article, every inflected form.**  A confirmed surface is looked for with the
  detector's own automaton (:class:`desktop.detection.gazetteer.Index`), which accepts a Bengali
  case ending glued on (কাজাখস্তানের finds the learned কাজাখস্তান, the span ends before the ending);
  a learned surface that itself carries a case ending is learned as its stem.
* **Other scripts.**  Every learned surface is also indexed by the per-word cross-script keys of
  the linker (:func:`desktop.language.keys.phonetic_key`: romanised, reduced to a consonant
  skeleton), so confirming সাকিব আল হাসান suggests साकिब अल हसन and Shakib Al Hasan.  Only words of
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
from typing import Iterable

import regex

from desktop.detection.detector import Candidate
from desktop.detection.gazetteer import GazetteerEntry, Index
from desktop.language.lexicon import lexicon
from desktop.language.fold import NormView, fold
from desktop.detection.learning.tokens import _split_ending, script

#: a year or number joined to an event name: "-2019", " – 2019", " 2019", "-২০১৯"
_NUMBER_AFTER = regex.compile(r"(?:\s*[-‐-―]\s*|\s)(\p{Nd}{1,4})(?!\p{L}|\p{M}|\p{Nd})")
_NUMBER_TAIL = regex.compile(r"^(.*?\S)(?:\s*[-‐-―]\s*|\s)\p{Nd}{1,4}$")
_MIN_KEY = 3
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}\u200c\u200d]+")


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
        from desktop.language.keys import phonetic_key

        out: dict[str, list] = defaultdict(list)
        for k, lab in self.labels.items():
            words = [w for w in _WORD.findall(lab.surface) if any(ch.isalpha() for ch in w)]
            if not words or len(words) > 6:
                continue
            keys = tuple(phonetic_key(w) for w in words)
            if not all(keys) or len("".join(keys)) < _MIN_KEY:
                continue
            out[keys[0]].append((keys, script(words[0]), k))
        return out

    def _cross_hits(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, learned key) where a run of words of another script has the same keys;
        a Bengali word may carry a case ending (the span ends before it)."""
        from desktop.language.keys import phonetic_key

        if not self._cross:
            return []
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text) if any(ch.isalpha() for ch in m.group())]
        memo: dict[int, tuple[str, ...]] = {}

        def keys(i: int) -> tuple[str, ...]:
            got = memo.get(i)
            if got is None:
                w = words[i][2]
                n = _split_ending(w)
                got = memo[i] = (phonetic_key(w),) + ((phonetic_key(w[:-n]),) if n else ())
            return got

        out = []
        for i, (start, _end, w) in enumerate(words):
            sc = script(w)
            if sc == "lat" and not w[:1].isupper():
                continue
            for k0 in keys(i):
                for wkeys, src_script, surface in self._cross.get(k0, ()):
                    if src_script == sc or i + len(wkeys) > len(words):
                        continue
                    end = self._match(words, i, wkeys, sc, keys)
                    if end is not None:
                        out.append((start, end, surface))
        return out

    @staticmethod
    def _match(words, i: int, wkeys: tuple[str, ...], sc: str, keys) -> int | None:
        """End offset when words[i:] continue with ``wkeys`` (the first already matched)."""
        end = None
        for j, want in enumerate(wkeys):
            s, e, w = words[i + j]
            if j and (script(w) != sc or (sc == "lat" and not w[:1].isupper()) or s - words[i + j - 1][1] > 2):
                return None
            ks = keys(i + j)
            if len(ks) > 1 and want == ks[1]:   # the stem first: a vowel ending leaves the key as it is
                end = e - _split_ending(w)
            elif want == ks[0]:
                end = e
            else:
                return None
        return end

    # -- suggestions -------------------------------------------------------------------------

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
        for a, b, key in dict.fromkeys(found):
            typ, conf, eid = self.best[key]
            if typ == "EVENT" and (m := _NUMBER_AFTER.match(text, b)):
                b = m.end()
            if context_key(text, a, b) in self.rejected_contexts:
                continue
            out.append(Candidate(a, b, text[a:b], typ, "learned", conf, None, eid))
        return out
