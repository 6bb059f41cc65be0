"""Learned surfaces: what the curator confirmed is suggested again, wherever it occurs.

* **Every article, every inflected form.**  A confirmed surface is looked for with the
  detector's own automaton (:class:`desktop.detection.gazetteer.Index`), which accepts a Bengali
  case ending glued on (কাজাখস্তানের finds the learned কাজাখস্তান, the span ends before the ending);
  a learned surface that itself carries a case ending is learned as its stem.
* **Other scripts.**  Every learned surface is also indexed by the per-word cross-script keys of
  the linker (:func:`desktop.linking.keys.phonetic_key`: romanised, reduced to a consonant
  skeleton), so confirming সাকিব আল হাসান suggests साकिब अल हसन and Shakib Al Hasan.  Only words of
  another script are compared (the same script is found exactly), a Latin word must start with
  a capital, and a key must have three letters or more.
* **Numbered events.**  A learned EVENT name followed by a year or number (X-2019, X – 2019,
  X 2019, in any script's digits) is one EVENT; a confirmed ``X 2019`` teaches ``X`` too.
* **Confidence from the labels.**  Each folded surface counts the types the curator gave it;
  the suggestion takes the most frequent type with confidence = its share (2× PERSON, 1× ORG →
  PERSON 0.67), capped at 0.95; and the entity it was linked to most often.
* **Rejections.**  A surface rejected in an article is never suggested in that article again;
  a surface rejected in a context (the word before and the word after) is not suggested in the
  same context anywhere.  A surface rejected more often than confirmed is not learned.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

import regex

from desktop.detection.detector import Candidate
from desktop.detection.gazetteer import GazetteerEntry, Index
from desktop.detection.lexicon import lexicon
from desktop.detection.normalize import NormView, fold
from desktop.learning.tokens import Token, script, tokenize

#: a year or number joined to an event name: "-2019", " – 2019", " 2019", "-২০১৯"
_NUMBER_AFTER = regex.compile(r"(?:\s*[-‐-―]\s*|\s)(\p{Nd}{1,4})(?!\p{L}|\p{M}|\p{Nd})")
_NUMBER_TAIL = regex.compile(r"^(.*?\S)(?:\s*[-‐-―]\s*|\s)\p{Nd}{1,4}$")
_MIN_KEY = 3


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
        self.rejected_contexts: set[tuple[str, str, str]] = set()
        for surface, ctx in rejected:
            self.rejected_contexts.add(ctx)
            k = fold(surface)
            if k in labels:
                labels[k].rejected += 1
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
        from desktop.linking.keys import phonetic_key

        out: dict[str, list] = defaultdict(list)
        for k, lab in self.labels.items():
            words = [t.text for t in tokenize(lab.surface) if not t.ending and any(ch.isalpha() for ch in t.text)]
            if not words or len(words) > 6:
                continue
            keys = tuple(phonetic_key(w) for w in words)
            if not all(keys) or len("".join(keys)) < _MIN_KEY:
                continue
            out[keys[0]].append((keys, script(words[0]), k))
        return out

    def _cross_hits(self, text: str) -> list[tuple[int, int, str]]:
        from desktop.linking.keys import phonetic_key

        if not self._cross:
            return []
        toks: list[Token] = [t for t in tokenize(text) if not t.ending and any(ch.isalpha() for ch in t.text)]
        keys: list[str | None] = [None] * len(toks)
        out = []
        for i, t in enumerate(toks):
            sc = script(t.text)
            if sc == "lat" and not t.text[:1].isupper():
                continue
            k0 = keys[i] = keys[i] or phonetic_key(t.text)
            for wkeys, src_script, surface in self._cross.get(k0, ()):
                if src_script == sc:
                    continue
                n = len(wkeys)
                if i + n > len(toks):
                    continue
                ok = True
                for j in range(1, n):
                    tj = toks[i + j]
                    if script(tj.text) != sc or (sc == "lat" and not tj.text[:1].isupper()) or \
                            tj.start - toks[i + j - 1].end > 2:
                        ok = False
                        break
                    if keys[i + j] is None:
                        keys[i + j] = phonetic_key(tj.text)
                    if keys[i + j] != wkeys[j]:
                        ok = False
                        break
                if ok:
                    out.append((t.start, toks[i + n - 1].end, surface))
        return out

    # -- suggestions -------------------------------------------------------------------------

    def suggest(self, text: str, rejected_here: Iterable[str] = ()) -> list[Candidate]:
        """Learned candidates in ``text`` (may overlap each other; the caller resolves).
        ``rejected_here``: folded surfaces rejected in this article."""
        if not self.labels:
            return []
        blocked = set(rejected_here)
        view = NormView(text)
        norm = view.norm
        found: list[tuple[int, int, str]] = []
        for s, e, info in self.index.scan(norm, text, view, lexicon()):
            if info.hits:
                a, b = view.start(s), view.end(e)
                found.append((a, b, norm[s:e]))
        found += self._cross_hits(text)
        out = []
        for a, b, key in found:
            if key in blocked or fold(text[a:b]) in blocked:
                continue
            typ, conf, eid = self.best[key]
            if typ == "EVENT" and (m := _NUMBER_AFTER.match(text, b)):
                b = m.end()
            if context_key(text, a, b) in self.rejected_contexts:
                continue
            out.append(Candidate(a, b, text[a:b], typ, "learned", conf, None, eid))
        return out
