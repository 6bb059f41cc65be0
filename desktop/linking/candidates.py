"""Candidate entities for a mention, ranked, each with the reason it matched.

``rank(db, surface, type)`` looks the surface up in an in-memory index of every alias (and
entity name) of the knowledge base, at several levels (see :mod:`desktop.language.keys`):

=====================  =====  ==========================================================
level                  score  reason
=====================  =====  ==========================================================
exact alias key        1.00   ``alias``
normalised key         0.95   ``normalised``
phonetic key           0.80+  ``cross-script`` (+0.14 x similarity of the romanisations)
same, number dropped   0.72+  ``cross-script, number ignored`` (KAZIND-2024 → KAZIND)
fuzzy romanisation     ≤0.85  ``fuzzy 0.87`` (rapidfuzz ratio ≥ 0.80, scaled by 0.9)
all words of an alias  0.60   ``partial`` (a surname alone)
=====================  =====  ==========================================================

Only entities of the mention's type are candidates.  With ``article_id``, entities already
linked in that article get a small bonus (``+ in article``).

The index (:mod:`desktop.linking.index`) is rebuilt when the knowledge base changes: a cheap
signature (alias and entity counts, highest ids, latest history row) is compared on every call;
the keys of each alias are loaded from the database, not recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

from rapidfuzz import fuzz, process
from sqlmodel import Session, select

from desktop.db import Database
from desktop.linking.index import Index, alias_keys, index_for
# read from here by desktop.linking.autolink (initials, name_tokens) and by the index cache test
from desktop.linking.index import _CACHE, _CACHE_SIZE, initials, invalidate, name_tokens
from desktop.models import Mention

__all__ = ["ARTICLE_BONUS", "LinkCandidate", "rank", "rank_in_index",
           "_CACHE", "_CACHE_SIZE", "initials", "invalidate", "name_tokens"]

SCORE_ALIAS = 1.0
SCORE_NORMALISED = 0.95
SCORE_CROSS = 0.80
SCORE_CROSS_NUMBER = 0.72
SCORE_PARTIAL = 0.60
FUZZY_CUTOFF = 80  # rapidfuzz ratio, 0..100
FUZZY_SCALE = 0.9
ARTICLE_BONUS = 0.05


@dataclass(frozen=True)
class LinkCandidate:
    entity_id: int
    name: str
    type: str
    external_id: Optional[str]
    score: float
    reason: str


# -- ranking ---------------------------------------------------------------------------------------


def _similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return fuzz.ratio(a, b) / 100.0


def rank_in_index(idx: Index, surface: str, type: str, *, boost: frozenset[int] = frozenset(),
                  limit: int = 10, fuzzy: bool = True, keys: Optional[tuple] = None) -> list[LinkCandidate]:
    """Candidates from the index; ``fuzzy=False`` skips the fuzzy scan over every alias of the
    type (the one step whose cost grows with the knowledge base), for bulk auto-linking;
    ``keys`` are the surface's :func:`~desktop.linking.index.alias_keys` if known."""
    best: dict[int, tuple[float, str]] = {}

    def offer(eid: int, score: float, reason: str) -> None:
        cur = best.get(eid)
        if cur is None or score > cur[0]:
            best[eid] = (score, reason)

    # ``keys``: the surface's keys computed already; an alias's keys are in the index already
    k = keys or idx.keys_of.get(surface) or alias_keys(surface)
    if k is None:
        return []
    mk, nk, r, pk, pb, rb, toks, _ini = k
    for eid in idx.exact.get((type, mk), ()):
        offer(eid, SCORE_ALIAS, "alias")
    for eid in idx.norm.get((type, nk), ()):
        offer(eid, SCORE_NORMALISED, "normalised")
    for eid, ar in idx.phon.get((type, pk), ()):
        offer(eid, SCORE_CROSS + 0.14 * _similarity(r, ar), "cross-script")
    for eid, ar in idx.phon_base.get((type, pb), ()):
        offer(eid, SCORE_CROSS_NUMBER + 0.1 * _similarity(rb, ar), "cross-script, number ignored")
    choices = idx.fuzzy_choices.get(type) if fuzzy else None
    if r and choices:
        ids = idx.fuzzy_ids[type]
        for _choice, sc, i in process.extract(r, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF,
                                              limit=limit * 3):
            offer(ids[i], FUZZY_SCALE * sc / 100.0, f"fuzzy {sc / 100.0:.2f}")
    if toks:
        sets = [idx.tokens.get((type, t), set()) for t in toks]
        common = set.intersection(*sets) if sets else set()
        for eid in common:
            offer(eid, SCORE_PARTIAL, "partial")
    out = []
    for eid, (score, reason) in best.items():
        if eid in boost:
            score = min(1.0, score + ARTICLE_BONUS)
            reason += " + in article"
        name, type_, qid = idx.entities[eid]
        out.append(LinkCandidate(eid, name, type_, qid, round(score, 4), reason))
    out.sort(key=lambda c: (-c.score, c.name, c.entity_id))
    return out[:limit]


def _linked_in_article(s: Session, article_id: int) -> frozenset[int]:
    rows = s.exec(select(Mention.entity_id).where(Mention.article_id == article_id,
                                                 Mention.entity_id.is_not(None),  # type: ignore[union-attr]
                                                 Mention.status != "rejected").distinct())
    return frozenset(r for r in rows if r is not None)


def rank(db_or_session: Union[Database, Session], surface: str, type: str, *,
         article_id: Optional[int] = None, limit: int = 10) -> list[LinkCandidate]:
    """Candidate entities of ``type`` for ``surface``, best first (see the module doc)."""
    if isinstance(db_or_session, Database):
        with db_or_session.session() as s:
            return _rank(s, str(db_or_session.engine.url), surface, type, article_id, limit)
    s = db_or_session
    return _rank(s, str(s.get_bind().url), surface, type, article_id, limit)


def _rank(s: Session, db_key: str, surface: str, type: str, article_id: Optional[int], limit: int):
    idx = index_for(s, db_key)
    boost = _linked_in_article(s, article_id) if article_id is not None else frozenset()
    return rank_in_index(idx, surface, type, boost=boost, limit=limit)
