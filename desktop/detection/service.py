"""Detection against the database: the knowledge base feeds the detector; suggestions are written
without duplicating one, bringing back a rejected one, or touching curated mentions.

Rules for :func:`detect_articles`:

* idempotent — a candidate whose span and type exist already (any status) is not added;
* a span the curator rejected in an article is never suggested there again (whatever the type),
  nor is the same surface anywhere else in that article;
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

from sqlalchemy import func, update
from sqlmodel import select

from desktop.db import Database, save_link_keys
from desktop.detection import cache, parallel, starter
from desktop.detection.starter import ENTITY_FILES, bundled_entities, gazetteer_dir  # noqa: F401 - re-exported
from desktop.detection.detector import Detector
from desktop.detection.gazetteer import GazetteerEntry
from desktop.language.fold import fold
from desktop.language.lexicon import lexicon
from desktop.language.scripts import is_word_char
from desktop.models import Alias, Article, Entity, Mention, utcnow
from desktop.queries import kb_signature

#: a surface rejected in at least this many articles, and never confirmed, is no longer suggested
REJECT_LIMIT = 3
BATCH = 200
BATCH_CHARS = 2_000_000


@dataclass
class DetectReport:
    articles: int = 0
    added: int = 0
    linked: int = 0  # suggestions linked afterwards by desktop.linking (cross-script, fuzzy, short forms)
    cancelled: bool = False


# -- the starter knowledge base (desktop.detection.starter; re-exported: callers import it here) ---


def seed_knowledge_base(db: Database) -> int:
    """:func:`desktop.detection.starter.seed_knowledge_base`, then the detectors built before it
    are forgotten."""
    created = starter.seed_knowledge_base(db)
    _CACHE.clear()
    return created


# -- the detector, built from the knowledge base and cached -----------------------------------------

_CACHE: dict[str, tuple[tuple, Detector]] = {}
_LOCK = threading.Lock()


def _signature(s) -> tuple:
    """Changes whenever the KB or the curated mentions the detector learns from change."""
    m = s.exec(select(func.count(Mention.id), func.max(Mention.updated_at))
               .where(Mention.status.in_(("confirmed", "rejected")))).one()
    return kb_signature(s) + tuple(m)


@lru_cache(maxsize=65536)
def _stem(surface: str) -> str | None:
    """A learned surface ending in a case ending that starts with a vowel sign (Bengali মানেকশ
    সেন্টারে): a curator's selection is widened to whole grapheme clusters, which pulls the
    vowel sign in; the stem (মানেকশ সেন্টার) is what to look for in later articles."""
    lex = lexicon()
    if not surface or not lex.inflects(surface[-1]):
        return None
    endings = lex.case_endings
    for n in (3, 2, 1):
        tail = surface[-n:]
        if len(surface) > n + 1 and fold(tail) in endings and unicodedata.category(tail[0]) in ("Mc", "Mn") \
                and is_word_char(surface[-n - 1]):
            return surface[:-n]
    return None


def _entries(s) -> tuple[list[GazetteerEntry], set[str]]:
    conn = s.connection()  # Core rows: the ORM's per-row work would double the cost of 30,000 aliases
    q = select(Alias.text, Alias.entity_id, Alias.source, Alias.language, Entity.type).join(
        Entity, Entity.id == Alias.entity_id).order_by(Alias.id)
    entries = [
        GazetteerEntry(text, typ, eid, "gazetteer" if source == "gazetteer" else "learned", lang)
        for text, eid, source, lang, typ in conn.execute(q).all()
    ]
    # confirmed mentions without an entity: their surface + type is a learned pattern
    for text, typ in s.exec(select(Mention.text, Mention.type)
                            .where(Mention.status == "confirmed", Mention.entity_id.is_(None)).distinct()
                            .order_by(Mention.text, Mention.type)):
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
    """A detector over every alias in the KB (+ learned surfaces); rebuilt only when they change:
    kept in memory (checked by a cheap signature) and on disk (:mod:`desktop.detection.cache`,
    named by a digest of the entries and the code)."""
    from desktop.detection.learning import store as learning  # learned surfaces and the model, one more suggester

    with db.session() as s:
        sig = _signature(s) + (learning.model_version(s),)
        with _LOCK:
            hit = _CACHE.get(db.path)
            if hit and hit[0] == sig:
                return hit[1]
        # a new process: the detector on disk named for this database in this state, if any
        # (reading every alias to name it by content costs as much as loading it)
        known = cache.named_for(db.path, sig)
        det = None
        if known is not None:
            with _no_gc():
                det = cache.load(known)
        if det is None:
            with _no_gc():
                entries, suppressed = _entries(s)
                key = cache.digest(entries, suppressed)
                det = cache.load_or_build(key, lambda: Detector(entries, suppressed_keys=suppressed))
            cache.name_for(db.path, sig, key)
    learned = learning.suggester(db)
    # the learned suggester belongs to this database and holds the model: it joins after the disk
    # cache (which keeps the detector of the lists and the learned surfaces only)
    from desktop.detection.suggest import REGISTERED

    det.suggesters = [*REGISTERED, learned]
    with _LOCK:
        _CACHE[db.path] = (sig, det)
    return det


# -- writing suggestions ----------------------------------------------------------------------------


#: the columns :func:`_new_suggestions` fills, in order (status and timestamps are constants)
_COLUMNS = ["article_id", "start", "end", "text", "type", "source", "confidence", "value", "entity_id"]


def _new_suggestions(article_id: int, cands: list[tuple], existing) -> list[tuple]:
    """Rows (in ``_COLUMNS`` order) for the candidates (as
    :meth:`Detector.detect_rows` gives them) the rules above allow;
    ``existing`` as :func:`_existing` gives them."""
    if not existing:
        return [(article_id, *c) for c in cands]
    same: set[tuple[int, int, str]] = set()
    blocked_spans: set[tuple[int, int]] = set()
    rejected_surfaces: set[str] = set()
    occupied: list[tuple[int, int]] = []
    for _id, start, end, text, typ, status, _eid, o_start, o_end in existing:
        same.add((start, end, typ))
        if status == "rejected":
            blocked_spans.add((start, end))
            rejected_surfaces.add(fold(text))
        else:
            occupied.append((start, end))
        if o_start is not None and o_end is not None:
            blocked_spans.add((o_start, o_end))
    occupied.sort()
    out = []
    for c in cands:
        start, end, typ = c[0], c[1], c[3]
        if (start, end, typ) in same or (start, end) in blocked_spans:
            continue
        if rejected_surfaces and fold(c[2]) in rejected_surfaces:
            continue  # a surface rejected in this article is not suggested anywhere in it again
        if any(s < end and start < e for s, e in occupied):
            continue
        out.append((article_id, *c))
    return out


def _existing(s, ids: list[int]) -> dict[int, list[tuple]]:
    """article id -> its mentions as (id, start, end, text, type, status, entity_id,
    origin_start, origin_end)."""
    out: dict[int, list[tuple]] = defaultdict(list)
    q = select(Mention.article_id, Mention.id, Mention.start, Mention.end, Mention.text, Mention.type,
               Mention.status, Mention.entity_id, Mention.origin_start, Mention.origin_end
               ).where(Mention.article_id.in_(ids))
    for art, *rest in s.connection().execute(q):
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
    workers: Optional[int] = None,
) -> DetectReport:
    """Detect over the given articles (all when None) and write new suggestions; unless ``link``
    is False, link the unlinked suggestions of the articles that got new ones where one entity
    is clearly best, in the same pass (:class:`desktop.linking.autolink.BatchLinker`: the new
    ones are written with their entity).

    ``workers``: detector processes (:mod:`desktop.detection.parallel`; None chooses by the
    number of articles and cores, 0 or 1 detects in this process).  The result is the same."""
    ids = list(article_ids) if article_ids is not None else _all_ids(db)
    total = len(ids)
    n_workers = parallel.workers_for(total, workers)
    frozen = total >= parallel.MIN_ARTICLES and gc.get_freeze_count() == 0
    report = DetectReport()
    linker = None
    with _no_gc() if frozen else contextlib.nullcontext():
        det = build_detector(db)
        if link:
            from desktop.linking.autolink import BatchLinker

            linker = BatchLinker(db, link_threshold)
            if n_workers:
                linker.prepare(db)  # built (or loaded) before the fork: the workers inherit it
        if frozen:
            # the detector and the index (a million small objects, no cycles) stay out of the
            # cycle collector: re-enabling it would walk them all at the next allocation
            gc.freeze()
    pool = parallel.Pool(PieceJob(det, db, linker), n_workers) if n_workers else None
    try:
        _detect_loop(db, det, ids, report, linker, pool, progress, should_cancel, frozen)
    finally:
        if pool is not None:
            pool.close(cancel=report.cancelled)
        if frozen:
            gc.unfreeze()
    pending = _pending(db, ids)
    if report.cancelled:
        return report
    if linker is not None:  # detected before a kill, not yet linked
        rest = sorted(pending - linker.articles)
        if rest:
            from desktop.linking.autolink import autolink_articles

            report.linked += autolink_articles(db, rest, threshold=link_threshold)
    if pending:
        _clear_pending(db, sorted(pending))
    return report


class PieceJob:
    """What a worker process does with a piece of articles, ``[(id, text, its mentions as
    _existing gives them)]``: detect, keep the candidates those mentions allow
    (:func:`_new_suggestions`), and link the new ones
    (:meth:`~desktop.linking.autolink.BatchLinker.link_rows`; the stored keys of their surfaces
    are read through the worker's own connection).  Returns ``(done, linked, fresh keys)`` with
    ``done`` as :meth:`~desktop.linking.autolink.BatchLinker.link_batch` takes it; the parent
    writes it all, after checking that each article's mentions are still the ones sent."""

    def __init__(self, det: Detector, db: Database, linker=None):
        self.det, self.db, self.linker = det, db, linker

    def in_worker(self) -> None:
        self.db.forked()

    def __call__(self, piece: list[tuple[int, str, list[tuple]]]):
        done = [(aid, [e[:7] for e in old], _new_suggestions(aid, self.det.detect_rows(text), old))
                for aid, text, old in piece]
        if self.linker is None:
            return done, [], {}
        with self.db.session() as s:
            known, fresh = self.linker.keys_for(s.connection(), done)
        linked = self.linker.link_rows(done, known)
        from desktop.linking.proposals import mark

        mark(self.linker, done)  # proposed new entities, ranked with what this process linked with
        return done, linked, fresh


def _next_chunk(db: Database, ids: list[int], start: int) -> tuple[list[int], dict[int, str]]:
    """The next batch from ``start``: ``BATCH`` articles, fewer when their text passes
    ``BATCH_CHARS`` (the article that passes it is the last); with their texts."""
    ids = ids[start:start + BATCH]
    with db.session() as s:
        texts = dict(s.exec(select(Article.id, Article.text).where(Article.id.in_(ids))).all())
    chars = 0
    for n, aid in enumerate(ids, 1):
        chars += len(texts.get(aid) or "")
        if chars >= BATCH_CHARS:
            return ids[:n], texts
    return ids, texts


class _Sent:
    """A batch handed to the workers: what each article's mentions were when it was sent."""

    def __init__(self, pool, db: Database, chunk: list[int], texts: dict[int, str]):
        with db.session() as s:
            existing = _existing(s, chunk)
        self.seen = {aid: sorted(existing.get(aid, ())) for aid in chunk if aid in texts}
        self.pending = pool.submit([(aid, texts[aid], existing.get(aid, [])) for aid in chunk if aid in texts])

    def results(self):
        """{article id: (done item, its link result or None)}, the fresh keys."""
        by_article: dict[int, tuple] = {}
        fresh: dict[str, tuple] = {}
        for done, linked, keys_ in self.pending.get():
            links = {item[0]: item for item in linked}
            for item in done:
                by_article[item[0]] = (item, links.get(item[0]))
            fresh.update(keys_)
        return by_article, fresh


def _detect_loop(db, det, ids, report, linker, pool, progress, should_cancel, freeze: bool = False) -> None:
    total = len(ids)
    i = 0
    chunk, texts = _next_chunk(db, ids, 0) if ids else ([], {})
    sent = _Sent(pool, db, chunk, texts) if pool is not None else None
    while chunk and not report.cancelled:
        if freeze:
            # what exists now (the detector, the linking index, the batches before) stays: kept
            # out of the cycle collector, whose full passes would walk it again and again while
            # a batch makes its 10,000 rows; garbage is still freed by reference counting, and
            # the caller unfreezes at the end
            gc.freeze()
        nxt, nxt_texts = _next_chunk(db, ids, i + len(chunk)) if i + len(chunk) < total else ([], {})
        results, fresh = sent.results() if sent is not None else ({}, {})
        seen = sent.seen if sent is not None else {}
        if pool is not None and nxt:  # the workers detect the next batch while this one is written
            sent = _Sent(pool, db, nxt, nxt_texts)
        with db.transaction() as s:
            present = set(s.exec(select(Article.id).where(Article.id.in_(chunk))).all())
            existing = _existing(s, chunk)
            done: list[tuple[int, list[tuple], list[tuple]]] = []
            linked: list[tuple] = []  # the workers' links, for the articles taken as they were
            redo: list[tuple[int, list[tuple], list[tuple]]] = []  # detected or changed since: done here
            for aid in chunk:
                if should_cancel is not None and should_cancel():
                    report.cancelled = True
                    break
                i += 1
                text = texts.get(aid)
                if text is None or aid not in present:
                    continue
                old = existing.get(aid, ())
                got = results.get(aid)
                if got is not None and seen.get(aid) == sorted(old):
                    done.append(got[0])
                    if got[1] is not None:
                        linked.append(got[1])
                else:  # detected here, or a curator changed the article's mentions meanwhile
                    item = (aid, [e[:7] for e in old], _new_suggestions(aid, det.detect_rows(text), old))
                    done.append(item)
                    redo.append(item)
                report.articles += 1
                if progress:
                    progress(i, total)
            updates: list[dict] = []
            if linker is not None:
                if fresh:
                    save_link_keys(s, fresh)
                report.linked, updates = _add_links(report.linked, linker.record(linked),
                                                    linker.link_batch(s, redo) if redo else (0, []))
            rows_out = [r for _, _, new in done for r in new]
            columns = _COLUMNS
            if linker is not None:  # unlinked ones whose name the KB lacks: a proposed new entity
                from desktop.linking.proposals import attach

                columns = attach(s, linker, columns, rows_out)
            now = utcnow()
            added = db.insert_rows(s, Mention.__table__, columns, rows_out, skip_conflicts=True,
                                   constants={"status": "suggested", "created_at": now, "updated_at": now})
            if updates:
                s.execute(update(Mention), updates)  # bulk UPDATE by primary key
            report.added += added  # another run's same suggestion is skipped, not repeated
        chunk, texts = nxt, nxt_texts


def _add_links(count: int, *parts: tuple[int, list[dict]]) -> tuple[int, list[dict]]:
    updates: list[dict] = []
    for n, ups in parts:
        count += n
        updates += ups
    return count, updates


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
