"""Detection against the database: the knowledge base feeds the detector; suggestions are written
without duplicating one, bringing back a rejected one, or touching curated mentions.

Rules for :func:`detect_articles` (issue 2):

* idempotent — a candidate whose span and type exist already (any status) is not added;
* a span the curator rejected in an article is never suggested there again (whatever the type);
* the detector's original span of a mention the curator edited (``origin_start/origin_end``) is
  never suggested again;
* no suggestion overlaps a confirmed mention, or a suggestion already there;
* a surface rejected in ``REJECT_LIMIT`` or more articles and never confirmed is no longer
  suggested anywhere;
* confirmed mentions teach: their aliases (``desktop.curation`` adds them) and, for mentions
  without an entity, their surface + type, become "learned" entries.

Suggestions are not curation actions: they are written directly, without history rows.  Work is
committed in batches of whole articles (one transaction per batch, ``BATCH`` articles or about
``BATCH_CHARS`` characters); ``should_cancel`` is checked between articles and cancelling commits
the articles already finished.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Optional

from sqlalchemy import func, insert
from sqlmodel import select

from desktop.db import Database
from desktop.detection.detector import Candidate, Detector
from desktop.detection.gazetteer import GazetteerEntry
from desktop.detection.gazetteer import is_word_char
from desktop.detection.lexicon import lexicon, rows
from desktop.detection.normalize import fold
from desktop.models import Alias, Article, Entity, Mention, utcnow
from desktop.text import match_key, script_of

#: a surface rejected in at least this many articles, and never confirmed, is no longer suggested
REJECT_LIMIT = 3
BATCH = 200
BATCH_CHARS = 2_000_000
#: bundled entity files (id, type, qid, language, alias)
ENTITY_FILES = ("countries.tsv", "places.tsv", "geonames.tsv", "regions.tsv", "organisations.tsv", "people.tsv")


@dataclass
class DetectReport:
    articles: int = 0
    added: int = 0
    linked: int = 0  # suggestions linked afterwards by desktop.linking (cross-script, fuzzy, short forms)
    cancelled: bool = False


# -- the starter knowledge base -------------------------------------------------------------------


def bundled_entities() -> dict[str, dict]:
    """Starter entities from ``resources/gazetteer``: id -> {type, qid, name, aliases}."""
    out: dict[str, dict] = {}
    for name in ENTITY_FILES:
        for row in rows(name):
            if len(row) < 5 or not row[4]:
                continue
            ident, typ, qid, lang, alias = row[:5]
            ent = out.setdefault(ident, {"type": typ, "qid": qid or None, "name": None, "aliases": []})
            if lang == "en" and ent["name"] is None:
                ent["name"] = alias
            if alias not in ent["aliases"]:
                ent["aliases"].append(alias)
    for ent in out.values():
        ent["name"] = ent["name"] or ent["aliases"][0]
    return out


def seed_knowledge_base(db: Database) -> int:
    """Load the bundled starter gazetteer into the KB as Entity + Alias(source="gazetteer").
    Idempotent: an entity is found again by its QID, else by name and type; only missing aliases
    are added.  Returns the number of entities created."""
    created = 0
    with db.transaction() as s:
        by_qid = {e.external_id: e for e in s.exec(select(Entity).where(Entity.external_id.is_not(None)))}
        by_name = {(e.name, e.type): e for e in s.exec(select(Entity))}
        keys: dict[int, set[str]] = defaultdict(set)
        for a in s.exec(select(Alias)):
            keys[a.entity_id].add(a.key)
        new_aliases = []
        for ident, spec in bundled_entities().items():
            ent = (by_qid.get(spec["qid"]) if spec["qid"] else None) or by_name.get((spec["name"], spec["type"]))
            if ent is None:
                ent = Entity(name=spec["name"], type=spec["type"], external_id=spec["qid"],
                             description=f"starter gazetteer ({ident})")
                s.add(ent)
                s.flush()
                created += 1
                by_name[(ent.name, ent.type)] = ent
            for alias in spec["aliases"]:
                k = match_key(alias)
                if k not in keys[ent.id]:
                    keys[ent.id].add(k)
                    new_aliases.append(dict(entity_id=ent.id, text=alias, key=k, language=script_of(alias),
                                            source="gazetteer"))
        if new_aliases:
            s.execute(insert(Alias), new_aliases)
    _CACHE.clear()
    return created


# -- the detector, built from the knowledge base and cached -----------------------------------------

_CACHE: dict[str, tuple[tuple, Detector]] = {}
_LOCK = threading.Lock()


def _signature(s) -> tuple:
    """Changes whenever the KB or the curated mentions the detector learns from change."""
    a = s.exec(select(func.count(Alias.id), func.max(Alias.id))).one()
    e = s.exec(select(func.count(Entity.id), func.max(Entity.updated_at))).one()
    m = s.exec(select(func.count(Mention.id), func.max(Mention.updated_at))
               .where(Mention.status.in_(("confirmed", "rejected")))).one()
    return tuple(a) + tuple(e) + tuple(m)


@lru_cache(maxsize=65536)
def _stem(surface: str) -> str | None:
    """A learned Bengali surface ending in a case ending that starts with a vowel sign
    (মানেকশ সেন্টারে): a curator's selection is widened to whole grapheme clusters, which pulls
    the vowel sign in; the stem (মানেকশ সেন্টার) is what to look for in later articles."""
    if not surface or not "\u0980" <= surface[-1] <= "\u09ff":
        return None
    endings = lexicon().suffixes.get("bn", frozenset())
    for n in (3, 2, 1):
        tail = surface[-n:]
        if len(surface) > n + 1 and fold(tail) in endings and unicodedata.category(tail[0]) in ("Mc", "Mn") \
                and is_word_char(surface[-n - 1]):
            return surface[:-n]
    return None


def _entries(s) -> tuple[list[GazetteerEntry], set[str]]:
    conn = s.connection()  # Core rows: the ORM's per-row work would double the cost of 30,000 aliases
    q = select(Alias.text, Alias.entity_id, Alias.source, Alias.language, Entity.type).join(
        Entity, Entity.id == Alias.entity_id)
    entries = [
        GazetteerEntry(text, typ, eid, "gazetteer" if source == "gazetteer" else "learned", lang)
        for text, eid, source, lang, typ in conn.execute(q).all()
    ]
    # confirmed mentions without an entity: their surface + type is a learned pattern
    for text, typ in s.exec(select(Mention.text, Mention.type)
                            .where(Mention.status == "confirmed", Mention.entity_id.is_(None)).distinct()):
        entries.append(GazetteerEntry(text, typ, None, "learned"))
    entries = [GazetteerEntry(stem, e.type, e.entity_id, e.source, e.language)
               if e.source == "learned" and (stem := _stem(e.text)) else e for e in entries]
    confirmed = {fold(t) for t in s.exec(select(Mention.text).where(Mention.status == "confirmed").distinct())}
    rejected_in: dict[str, set[int]] = defaultdict(set)
    for text, art in s.exec(select(Mention.text, Mention.article_id).where(Mention.status == "rejected")):
        rejected_in[fold(text)].add(art)
    suppressed = {k for k, arts in rejected_in.items() if len(arts) >= REJECT_LIMIT and k not in confirmed}
    return entries, suppressed


@contextlib.contextmanager
def _no_gc():
    """The cycle collector paused while a detector is built: the build makes ~100,000 small
    objects and no cycles, and each generation-2 pass it triggers walks the whole heap."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def build_detector(db: Database) -> Detector:
    """A detector over every alias in the KB (+ learned surfaces); rebuilt only when they change."""
    from desktop.detection.suggest import REGISTERED
    from desktop.learning import store as learning  # learned surfaces and the model, one more suggester

    with db.session() as s:
        sig = _signature(s) + (learning.model_version(s),)
        with _LOCK:
            hit = _CACHE.get(db.path)
            if hit and hit[0] == sig:
                return hit[1]
        with _no_gc():
            entries, suppressed = _entries(s)
    learned = learning.suggester(db)
    with _no_gc():
        det = Detector(entries, suppressed_keys=suppressed, suggesters=[*REGISTERED, learned])
    with _LOCK:
        _CACHE[db.path] = (sig, det)
    return det


# -- writing suggestions ----------------------------------------------------------------------------


#: the columns :func:`_new_suggestions` fills, in order (status and timestamps are constants)
_COLUMNS = ["article_id", "start", "end", "text", "type", "source", "confidence", "value", "entity_id"]


def _new_suggestions(article_id: int, cands: list[Candidate], existing) -> list[tuple]:
    """Rows (in ``_COLUMNS`` order) for the candidates the rules above allow."""
    if not existing:
        return [(article_id, c.start, c.end, c.text, c.type, c.source, c.confidence, c.value, c.entity_id)
                for c in cands]
    same: set[tuple[int, int, str]] = set()
    blocked_spans: set[tuple[int, int]] = set()
    occupied: list[tuple[int, int]] = []
    for start, end, typ, status, o_start, o_end in existing:
        same.add((start, end, typ))
        if status == "rejected":
            blocked_spans.add((start, end))
        else:
            occupied.append((start, end))
        if o_start is not None and o_end is not None:
            blocked_spans.add((o_start, o_end))
    occupied.sort()
    out = []
    for c in cands:
        if (c.start, c.end, c.type) in same or (c.start, c.end) in blocked_spans:
            continue
        if any(s < c.end and c.start < e for s, e in occupied):
            continue
        out.append((article_id, c.start, c.end, c.text, c.type, c.source, c.confidence, c.value, c.entity_id))
    return out


def _existing(s, ids: list[int]) -> dict[int, list[tuple]]:
    out: dict[int, list[tuple]] = defaultdict(list)
    q = select(Mention.article_id, Mention.start, Mention.end, Mention.type, Mention.status,
               Mention.origin_start, Mention.origin_end).where(Mention.article_id.in_(ids))
    for art, *rest in s.exec(q):
        out[art].append(tuple(rest))
    return out


def _all_ids(db: Database) -> list[int]:
    with db.session() as s:
        return list(s.exec(select(Article.id).order_by(Article.id)))


def detect_articles(
    db: Database,
    article_ids: Optional[Iterable[int]] = None,
    *,
    progress: Optional[Callable[[int, int], None]] = None,
    should_cancel: Optional[Callable[[], bool]] = None,
    link: bool = True,
    link_threshold: Optional[float] = None,
) -> DetectReport:
    """Detect over the given articles (all when None) and write new suggestions; then (unless
    ``link`` is False) link the new unlinked suggestions where one entity is clearly best
    (:func:`desktop.linking.autolink.autolink_articles`)."""
    det = build_detector(db)
    ids = list(article_ids) if article_ids is not None else _all_ids(db)
    report = DetectReport()
    to_link: set[int] = set()
    total = len(ids)
    i = 0
    while i < total and not report.cancelled:
        chunk = ids[i:i + BATCH]
        with db.transaction() as s:
            texts = dict(s.exec(select(Article.id, Article.text).where(Article.id.in_(chunk))).all())
            existing = _existing(s, chunk)
            rows_out: list[tuple] = []
            chars = 0
            for aid in chunk:
                if should_cancel is not None and should_cancel():
                    report.cancelled = True
                    break
                i += 1
                text = texts.get(aid)
                if text is None:
                    continue
                rows_out += _new_suggestions(aid, det.detect(text), existing.get(aid, ()))
                report.articles += 1
                chars += len(text)
                if progress:
                    progress(i, total)
                if chars >= BATCH_CHARS:
                    break
            now = utcnow()
            db.insert_rows(s, Mention.__table__, _COLUMNS, rows_out,
                           constants={"status": "suggested", "created_at": now, "updated_at": now})
            report.added += len(rows_out)
            if link:
                to_link.update(r[0] for r in rows_out if r[8] is None)
    pending = _pending(db, ids)
    if link:
        to_link.update(pending)  # detected before a kill, not yet linked
    if to_link and not report.cancelled:
        from desktop.linking.autolink import autolink_articles

        report.linked = autolink_articles(db, sorted(to_link), threshold=link_threshold)
    if pending and not report.cancelled:
        _clear_pending(db, sorted(pending))
    return report


def _pending(db: Database, ids: list[int]) -> set[int]:
    """Of ``ids``, the articles marked "detection not yet finished" (desktop.importing)."""
    out: set[int] = set()
    with db.session() as s:
        for i in range(0, len(ids), 900):
            chunk = ids[i:i + 900]
            out.update(s.exec(select(Article.id).where(Article.id.in_(chunk), Article.detect_pending == True)))  # noqa: E712
    return out


def _clear_pending(db: Database, ids: list[int]) -> None:
    """Detection and auto-linking of these articles are done: drop the mark."""
    from sqlalchemy import update

    for i in range(0, len(ids), 900):
        with db.transaction() as s:
            s.execute(update(Article).where(Article.id.in_(ids[i:i + 900])).values(detect_pending=False))


def detect_article(db: Database, article_id: int) -> int:
    """Re-detect one article (the window calls this); returns how many suggestions were added."""
    return detect_articles(db, [article_id]).added
