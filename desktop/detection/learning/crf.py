"""The sequence model: a linear-chain CRF (CRFsuite through python-crfsuite), no database.

Trained on whole articles (token sequences, BIO tags of the confirmed mentions); the features
are in :mod:`.tokens`.  L-BFGS with L1 + L2 regularisation; a model is a few hundred KB of bytes
that :class:`Tagger` opens in memory.  A span's confidence is the smallest marginal probability
of its tags; ``margin`` (how far the best labelling of its first token is from the second) orders
least-certain-first navigation.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import pycrfsuite

from desktop.detection.detector import Candidate
from desktop.detection.learning.tokens import Knowledge, Token, bio, features, spans, tokenize

#: CRFsuite training parameters (L-BFGS); measured in benchmarks/learning_curve.py
PARAMS = {"c1": 0.0, "c2": 0.01, "max_iterations": 80, "feature.possible_transitions": True,
          "feature.minfreq": 1}
TYPES = ("PERSON", "ORG", "LOC", "DATE", "EVENT")

Baseline = Callable[[str], Sequence[Candidate]]


@dataclass(frozen=True)
class Doc:
    """An article with its confirmed mentions (start, end, type)."""

    text: str
    spans: tuple[tuple[int, int, str], ...]


def det_tags(tokens: Sequence[Token], cands: Iterable[Candidate]) -> list[str]:
    by_source: dict[str, list] = {}
    for c in cands:
        by_source.setdefault(c.source, []).append((c.start, c.end, c.type))
    tags = ["O"] * len(tokens)
    for source, sp in by_source.items():
        for i, t in enumerate(bio(tokens, sp, "/" + source)):
            if t != "O" and tags[i] == "O":
                tags[i] = t
    return tags


def _sequence(text: str, k: Knowledge, baseline: Baseline, cands=None):
    toks = tokenize(text)
    cands = baseline(text) if cands is None else cands
    return toks, features(toks, k, det_tags(toks, cands))


def train(docs: Sequence[Doc], k: Knowledge, baseline: Baseline, params: dict | None = None) -> bytes:
    """A trained model's bytes (empty when there is nothing to learn from)."""
    trainer = pycrfsuite.Trainer(verbose=False)
    n = 0
    for d in docs:
        toks, feats = _sequence(d.text, k, baseline)
        if not toks:
            continue
        trainer.append(feats, bio(toks, d.spans))
        n += 1
    if not n:
        return b""
    trainer.set_params({**PARAMS, **(params or {})})
    fd, path = tempfile.mkstemp(suffix=".crfsuite")
    os.close(fd)
    try:
        trainer.train(path)
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(path)


class Tagger:
    """A trained model opened in memory."""

    def __init__(self, data: bytes):
        self.data = data
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open_inmemory(data)
        self.labels = self._tagger.labels()

    def tag(self, text: str, k: Knowledge, baseline: Baseline, cands=None) -> list[Candidate]:
        return self.tag_with_outside(text, k, baseline, cands)[0]

    def tag_with_outside(self, text: str, k: Knowledge, baseline: Baseline, cands=None
                         ) -> tuple[list[Candidate], list[Token], list[float]]:
        """The model's spans, the tokens, and for each token the marginal probability that it
        is outside every name."""
        toks, feats = _sequence(text, k, baseline, cands)
        if not toks:
            return [], [], []
        tagger = self._tagger
        tags = tagger.tag(feats)
        out = []
        for s, e, typ, i, j in spans(toks, tags):
            conf = min(tagger.marginal(tags[x], x) for x in range(i, j))
            out.append(Candidate(s, e, text[s:e], typ, "model", round(conf, 3)))
        marginal = tagger.marginal
        p_out = [marginal("O", i) for i in range(len(toks))] if "O" in self.labels else [0.0] * len(toks)
        return out, toks, p_out


# -- scoring -----------------------------------------------------------------------------------


def score(pred: Iterable[tuple[int, int, str]], gold: Iterable[tuple[int, int, str]]) -> dict:
    """Exact span + type: {type: {gold, tp, fp, fn, p, r, f1}} plus "all"."""
    pred, gold = set(pred), set(gold)
    out = {}
    for typ in (*TYPES, "all"):
        p = {x for x in pred if typ == "all" or x[2] == typ}
        g = {x for x in gold if typ == "all" or x[2] == typ}
        tp = len(p & g)
        prec = tp / len(p) if p else 0.0
        rec = tp / len(g) if g else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        if g or p:
            out[typ] = {"gold": len(g), "tp": tp, "fp": len(p) - tp, "fn": len(g) - tp,
                        "p": round(prec, 3), "r": round(rec, 3), "f1": round(f1, 3)}
    return out


def split(docs: Sequence[Doc], folds: int = 5) -> list[tuple[list[Doc], list[Doc]]]:
    """Deterministic folds by article: every ``folds``-th article is held out (80/20 for 5);
    with fewer than ``folds`` articles, leave-one-out."""
    n = len(docs)
    if n < 2:
        return []
    k = min(folds, n)
    return [([d for i, d in enumerate(docs) if i % k != f], [d for i, d in enumerate(docs) if i % k == f])
            for f in range(k)]


#: (tagger, text, the baseline's candidates) -> the suggestions when the model joins the rules
Combine = Callable[["Tagger", str, Sequence[Candidate]], Sequence[Candidate]]


def evaluate(docs: Sequence[Doc], k: Knowledge, baseline: Baseline, *, folds: int = 1,
             combine: Combine | None = None) -> dict:
    """Held-out evaluation: the model trained on the other articles against the baseline detector
    on the same held-out articles.  ``folds=1`` runs one 80/20 split (the first fold of five);
    more runs that many folds and adds their counts.  With ``combine``, also the rules with the
    model joined as detection uses it (its spans added, its vetoes applied): ``"combined"``."""
    model_pred, base_pred, comb_pred, gold = [], [], [], []
    parts = split(docs, 5)[:folds] if folds >= 1 else split(docs, 5)
    for n, (tr, te) in enumerate(parts):
        data = train(tr, k, baseline)
        tagger = Tagger(data) if data else None
        for i, d in enumerate(te):
            key = (n, i)
            base = baseline(d.text)
            base_pred += [(key, c.start, c.end, c.type) for c in base]
            if tagger is not None:
                model_pred += [(key, c.start, c.end, c.type) for c in tagger.tag(d.text, k, baseline, base)]
                if combine is not None:
                    comb_pred += [(key, c.start, c.end, c.type) for c in combine(tagger, d.text, base)]
            elif combine is not None:
                comb_pred += [(key, c.start, c.end, c.type) for c in base]
            gold += [(key, s, e, t) for s, e, t in d.spans]
    flat = lambda xs: [((a, s), e, t) for a, s, e, t in xs]  # noqa: E731  (score's (start, end, type))
    out = {
        "model": score(flat(model_pred), flat(gold)),
        "baseline": score(flat(base_pred), flat(gold)),
        "held_out_mentions": len(gold),
        "held_out_types": dict(Counter(t for *_, t in gold)),
    }
    if combine is not None:
        out["combined"] = score(flat(comb_pred), flat(gold))
    return out
