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

The index is rebuilt when the knowledge base changes: a cheap signature (alias and entity
counts, highest ids, latest history row) is compared on every call.
"""

from __future__ import annotations

import gc
import re
from functools import lru_cache
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Optional, Union

from rapidfuzz import fuzz, process
from sqlmodel import Session, func, select

from desktop.db import Database
from desktop.language import keys
from desktop.language.packs import pack_rows
from desktop.queries import kb_signature
from desktop.models import Alias, Entity, History, Mention
from desktop.text import match_key

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


@dataclass
class _Index:
    signature: tuple = ()
    entities: dict[int, tuple[str, str, Optional[str]]] = field(default_factory=dict)  # id -> name, type, qid
    exact: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    norm: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    phon: dict[tuple[str, str], list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    phon_base: dict[tuple[str, str], list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    tokens: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    fuzzy_choices: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    fuzzy_ids: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    acronyms: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    alias_count: int = 0

    def add(self, eid: int, type_: str, text: str) -> None:
        k = alias_keys(text)
        if k is None:
            return
        mk, nk, r, pk, pb, rb, toks, ini = k
        self.alias_count += 1
        self.exact[(type_, mk)].add(eid)
        if nk:
            self.norm[(type_, nk)].add(eid)
        if pk:
            self.phon[(type_, pk)].append((eid, r))
        if pb:
            self.phon_base[(type_, pb)].append((eid, rb))
        for tp in toks:
            self.tokens[(type_, tp)].add(eid)
        if ini:
            self.acronyms[(type_, ini)].add(eid)
        if r:
            self.fuzzy_choices[type_].append(r)
            self.fuzzy_ids[type_].append(eid)


@lru_cache(maxsize=262144)
def alias_keys(text: str):
    """Every key of one alias, computed once per process (an index rebuild after a curation
    action then costs dictionary inserts only): (match key, normalised key, romanisation,
    phonetic key, phonetic key without a number, its romanisation, name-word keys, initials),
    or None for an empty alias."""
    mk = match_key(text)
    if not mk:
        return None
    r = keys.roman(text)
    pk = keys.phonetic_key(text)
    base, num = keys.split_number(text)
    pb = keys.phonetic_key(base) if num else pk
    rb = keys.roman(base) if pb else ""
    ini = initials(text)
    return (mk, keys.norm_key(text), r, pk, pb, rb, name_tokens(text), ini if len(ini) >= 2 else "")


#: words left out of a name's initials (``initials_skip`` in the language packs' words.tsv)
_SMALL_WORDS = frozenset(r[2].lower() for r in pack_rows("words.tsv") if r[0] == "initials_skip" and len(r) > 2)


def initials(surface: str) -> str:
    """Initials of a Latin name of two words or more (small words such as *of* skipped):
    ``SCO`` for Shanghai Cooperation Organisation; '' otherwise."""
    words = [w for w in re.split(r"[\s\-]+", surface) if w]
    if len(words) < 2 or not all(w.isascii() for w in words):
        return ""
    return "".join(w[0].upper() for w in words if w.lower() not in _SMALL_WORDS and w[0].isalpha())


# -- titles (General, জেনারেল, जनरल...) are not part of a name ------------------------------------

_TITLES: Optional[tuple[frozenset[str], frozenset[str]]] = None


def _titles() -> tuple[frozenset[str], frozenset[str]]:
    """(phonetic keys, written words) of the words of titles and ranks
    (``titles.tsv`` of every language pack).  A title word whose phonetic key is one letter (ডঃ,
    डॉ. → "d") is known by its written form only: the key alone would also drop surnames such as
    দে or Dey."""
    global _TITLES
    if _TITLES is None:
        phon, written = set(), set()
        for row in pack_rows("titles.tsv"):
            if len(row) >= 2:
                for tok in keys.tokens(row[1]):
                    pk = keys.phonetic_key(tok)
                    if len(pk) >= 2:
                        phon.add(pk)
                    elif pk:
                        written.add(tok)
        _TITLES = (frozenset(phon), frozenset(written))
    return _TITLES


@lru_cache(maxsize=65536)
def name_tokens(surface: str) -> tuple[str, ...]:
    """Phonetic keys of the words of a surface that are not titles."""
    phon, written = _titles()
    out = []
    for tok in keys.tokens(surface):
        pk = keys.phonetic_key(tok)
        if pk and pk not in phon and tok not in written:
            out.append(pk)
    return tuple(out)


# -- the cached index ------------------------------------------------------------------------------

_CACHE: dict[str, _Index] = {}
_CACHE_SIZE = 4
_LOCK = threading.Lock()


def _signature(s: Session) -> tuple:
    """The knowledge base's fingerprint and the latest history row (every knowledge-base edit,
    such as an alias changed in place, records one)."""
    return kb_signature(s) + (s.exec(select(func.max(History.id))).one(),)


def _build(s: Session, signature: tuple) -> _Index:
    idx = _Index(signature=signature)
    conn = s.connection()  # Core rows: the ORM's per-row work is most of a rebuild with keys cached
    was = gc.isenabled()
    gc.disable()  # ~10 small objects an alias and no cycles: the collector's passes are pure cost
    try:
        entities = conn.execute(select(Entity.id, Entity.name, Entity.type, Entity.external_id)).all()
        aliases = conn.execute(select(Alias.entity_id, Alias.text)).all()
        keys.prime([e[1] for e in entities] + [a[1] for a in aliases])
        for eid, name, type_, qid in entities:
            idx.entities[eid] = (name, type_, qid)
            idx.add(eid, type_, name)
        for eid, text in aliases:
            ent = idx.entities.get(eid)
            if ent is not None:
                idx.add(eid, ent[1], text)
    finally:
        if was:
            gc.enable()
    return idx


def index_for(s: Session, db_key: str) -> _Index:
    sig = _signature(s)
    with _LOCK:
        idx = _CACHE.get(db_key)
        if idx is not None and idx.signature == sig:
            return idx
    idx = _build(s, sig)
    with _LOCK:
        _CACHE.pop(db_key, None)
        _CACHE[db_key] = idx
        while len(_CACHE) > _CACHE_SIZE:  # keep the most recently built (one database in the app)
            _CACHE.pop(next(iter(_CACHE)))
    return idx


def invalidate() -> None:
    """Forget every cached index (the next ranking rebuilds it)."""
    with _LOCK:
        _CACHE.clear()


# -- ranking ---------------------------------------------------------------------------------------


def _similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return fuzz.ratio(a, b) / 100.0


def rank_in_index(idx: _Index, surface: str, type: str, *, boost: frozenset[int] = frozenset(),
                  limit: int = 10, fuzzy: bool = True) -> list[LinkCandidate]:
    """Candidates from the index; ``fuzzy=False`` skips the fuzzy scan over every alias of the
    type (the one step whose cost grows with the knowledge base), for bulk auto-linking."""
    best: dict[int, tuple[float, str]] = {}

    def offer(eid: int, score: float, reason: str) -> None:
        cur = best.get(eid)
        if cur is None or score > cur[0]:
            best[eid] = (score, reason)

    mk = match_key(surface)
    if not mk:
        return []
    for eid in idx.exact.get((type, mk), ()):
        offer(eid, SCORE_ALIAS, "alias")
    nk = keys.norm_key(surface)
    for eid in idx.norm.get((type, nk), ()):
        offer(eid, SCORE_NORMALISED, "normalised")
    r = keys.roman(surface)
    pk = keys.phonetic_key(surface)
    for eid, ar in idx.phon.get((type, pk), ()):
        offer(eid, SCORE_CROSS + 0.14 * _similarity(r, ar), "cross-script")
    base, num = keys.split_number(surface)
    pb = keys.phonetic_key(base) if num else pk
    rb = keys.roman(base) if num else r
    for eid, ar in idx.phon_base.get((type, pb), ()):
        offer(eid, SCORE_CROSS_NUMBER + 0.1 * _similarity(rb, ar), "cross-script, number ignored")
    choices = idx.fuzzy_choices.get(type) if fuzzy else None
    if r and choices:
        ids = idx.fuzzy_ids[type]
        for _choice, sc, i in process.extract(r, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF,
                                              limit=limit * 3):
            offer(ids[i], FUZZY_SCALE * sc / 100.0, f"fuzzy {sc / 100.0:.2f}")
    toks = name_tokens(surface)
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
