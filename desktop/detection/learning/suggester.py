"""The learned suggester: the detector's candidates, plus and corrected by what was learned.

:meth:`LearnedSuggester.apply` takes an article's text and the detector's candidates and returns
the suggestions, in this order of work:

1. **Common words are not places** (:mod:`.common_words`): a gazetteer place whose alias is an
   ordinary Bengali or Hindi word (মানুষ, वर्ष) is kept only with a second signal — a kind-of-place
   word next to it, or a KB link the curator confirmed before (then it is a learned alias, not
   a gazetteer one).
2. **Learned surfaces** (:mod:`.surfaces`) are added; where the detector found the same span as a
   learned one, the learned label (most frequent type, its share as confidence) replaces it.
3. **The model** (:mod:`.crf`), when one is active (it beat the rules-and-gazetteer detector on
   held-out confirmed articles): its spans of the types on which it beat the detector held out,
   with a marginal probability of at least ``MODEL_MIN``, are added with source ``model`` and
   that probability as confidence; a gazetteer or rule candidate that the model is confident is not
   a name (P(O) ≥ ``VETO`` on all its tokens) is dropped.
4. Rejections: a candidate in a context where the curator rejected the same surface is dropped,
   and so is one the curator only ever rejected that holds a learned surface (a corrected
   boundary: Cyclone Remal rejected, Remal confirmed).  A surface rejected in an article is not
   suggested anywhere in that article again (:mod:`desktop.detection.service`).
5. The detector resolves overlaps once for all (:func:`desktop.detection.resolve_overlaps`): the
   longer span, then learned > gazetteer > rule > model (an unknown source ranks lowest), then
   the higher confidence.  :mod:`desktop.detection.service` then keeps every suggestion off the
   curator's confirmed and rejected mentions, so nothing learned overrides a curator's decision.
"""

from __future__ import annotations

import bisect
from typing import Optional, Sequence

from desktop.detection.detector import Candidate, resolve_overlaps
from desktop.detection.learning.common_words import CommonWordFilter
from desktop.detection.learning.crf import Baseline, Tagger
from desktop.detection.learning.surfaces import SurfaceLearner, context_key
from desktop.detection.learning.tokens import Knowledge
from desktop.language.fold import fold

#: the model's spans below this marginal probability are not suggested (0.6 let through as
#: many wrong spans as right ones on articles of a topic the rules and learned surfaces already
#: cover: benchmarks/learning_curve.py, docs/learning.md)
MODEL_MIN = 0.85
#: a gazetteer/rule candidate is dropped when the model gives every token P(outside) ≥ this
VETO = 0.9


class LearnedSuggester:
    def __init__(self, surfaces: Optional[SurfaceLearner] = None, *, tagger: Optional[Tagger] = None,
                 knowledge: Optional[Knowledge] = None, baseline: Optional[Baseline] = None,
                 common: Optional[CommonWordFilter] = None, veto: bool = True,
                 model_types: Optional[frozenset[str]] = None):
        self.surfaces = surfaces
        self.tagger = tagger if (tagger is not None and knowledge is not None and baseline is not None) else None
        self.knowledge = knowledge
        self.baseline = baseline
        self.common = common
        self.veto = veto
        self.model_types = model_types    # None: every type

    # -- the detector's suggester interface (desktop.detection.suggest) --------------------------

    name = "learned"

    def suggest(self, ctx, lex) -> list:
        """Run inside :meth:`desktop.detection.Detector.detect`, after the rules: drops from
        ``ctx.raws`` what the filters above drop (common words, learned labels, rejected
        contexts, the model's vetoes) and returns the learned and the model's candidates, all
        in folded offsets; the detector then resolves overlaps once for everything."""
        from desktop.detection.suggest import Raw

        text, view = ctx.text, ctx.view
        if self.tagger is None and (self.surfaces is None or not len(self.surfaces)):
            # nothing learned yet: only the common-word filter applies, and only to gazetteer
            # places, so the other raws need no candidate built (the same result as combine)
            common = self.common
            if common is not None:
                keep = []
                for r in ctx.raws:
                    if r.type == "LOC" and r.source == "gazetteer":
                        a, b = view.start(r.start), view.end(r.end)
                        c = Candidate(a, b, text[a:b], r.type, r.source, r.confidence, r.value, r.entity_id)
                        if common.needs_signal(c) and not common.has_signal(text, c):
                            continue
                    keep.append(r)
                ctx.raws[:] = keep
            return []
        cands = []
        for r in ctx.raws:
            a, b = view.start(r.start), view.end(r.end)
            cands.append(Candidate(a, b, text[a:b], r.type, r.source, r.confidence, r.value, r.entity_id))
        kept, added = self.combine(text, cands)
        keep = {id(c) for c in kept}
        ctx.raws[:] = [r for r, c in zip(ctx.raws, cands) if id(c) in keep]
        return [Raw(ctx.to_norm(c.start), ctx.to_norm(c.end), c.type, c.source, c.confidence, c.value, c.entity_id)
                for c in added]

    # -- the work --------------------------------------------------------------------------

    def apply(self, text: str, cands: Sequence[Candidate]) -> list[Candidate]:
        """The detector's final candidates of ``text`` corrected and completed (for use outside
        a detector: benchmarks, tests)."""
        kept, added = self.combine(text, list(cands))
        if not added:
            return kept
        return resolve_overlaps(kept + added)

    def combine(self, text: str, cands: list[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
        """(the candidates kept, the candidates added)."""
        if self.common is not None:
            cands = self.common.filter(text, cands)
        learned: list[Candidate] = []
        if self.surfaces is not None and len(self.surfaces):
            learned = self.surfaces.suggest(text)
            spans = {(c.start, c.end) for c in learned}
            cands = [c for c in cands if not (c.source == "learned" and (c.start, c.end) in spans)]
            ctx = self.surfaces.rejected_contexts
            if ctx:
                cands = [c for c in cands if context_key(text, c.start, c.end) not in ctx]
            if learned and self.surfaces.rejected_only:
                cands = self._corrected_boundaries(cands, learned)
        model: list[Candidate] = []
        if self.tagger is not None:
            found, toks, p_out = self.tagger.tag_with_outside(text, self.knowledge, self.baseline)
            model = [c for c in found
                     if c.confidence >= MODEL_MIN and (self.model_types is None or c.type in self.model_types)]
            if self.common is not None and model:
                model = self.common.filter(text, model)
            if self.veto:
                cands = self._veto(cands, toks, p_out)
        return cands, learned + model

    def _corrected_boundaries(self, cands: list[Candidate], learned: list[Candidate]) -> list[Candidate]:
        """Drop a candidate the curator only ever rejected that holds a learned surface: the
        curator corrected its boundary to the learned one (Cyclone Remal -> Remal), and the
        longer span would otherwise win the overlap."""
        rejected = self.surfaces.rejected_only
        out = []
        for c in cands:
            if fold(c.text) in rejected and any(c.start <= x.start and x.end <= c.end and (x.start, x.end) != (c.start, c.end)
                                                for x in learned):
                continue
            out.append(c)
        return out

    @staticmethod
    def _veto(cands: list[Candidate], toks, p_out: list[float]) -> list[Candidate]:
        if not toks:
            return cands
        starts = [t.start for t in toks]
        out = []
        for c in cands:
            if c.source not in ("gazetteer", "rule"):
                out.append(c)
                continue
            i = bisect.bisect_left(starts, c.start)
            j = i
            while j < len(toks) and toks[j].end <= c.end:
                j += 1
            if j > i and min(p_out[i:j]) >= VETO:
                continue
            out.append(c)
        return out
