"""Linking suggestions automatically, after detection.

``autolink_article(db, article_id)`` links the article's *suggested*, unlinked mentions:

1. **Clearly best candidate** — the top candidate from :func:`~desktop.linking.candidates.rank`
   scores at least ``SETTINGS.threshold`` and beats the second by ``SETTINGS.margin``.
2. **Short forms** — a mention whose name words (titles such as General / জেনারেল left out)
   are all among the words of an earlier linked mention of the same type takes that link
   (General Rao → Anil Kumar Rao, জেনারেল রায় → অনিল কুমার রায়); when earlier mentions
   of different entities fit, nothing is linked.
3. **Acronyms** — an acronym (Latin capitals, or Latin letters spelled out in Bengali or
   Devanagari: এসসিও) takes the link of a same-type mention whose word initials spell it,
   and the expansion takes the acronym's link when only the acronym is linked.

Auto-links are suggestions: they are written without a history entry, never create entities
and never touch a confirmed or rejected mention (the curator confirms, which records history).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from sqlalchemy import update
from sqlmodel import select

from desktop.db import Database, read_link_keys, save_link_keys
from desktop.language import keys
from desktop.linking.candidates import ARTICLE_BONUS, index_for, initials, name_tokens, rank_in_index
from desktop.linking.index import alias_keys
from desktop.language.packs import pack_rows
from desktop.models import Mention
from desktop.text import match_key


@dataclass
class LinkSettings:
    """Auto-linking settings; the window may change them (``SETTINGS.threshold = 0.9``)."""

    threshold: float = 0.80  # minimum score of the best candidate
    margin: float = 0.05     # the best must beat the second by this much


SETTINGS = LinkSettings()


# -- acronyms ------------------------------------------------------------------------------------

_LATIN_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.]{1,9}$")


def _letter_names() -> dict[str, list[tuple[str, str]]]:
    """First character -> (letter name as written in Bengali/Devanagari, Latin letter), longest
    names first."""
    out: dict[str, list[tuple[str, str]]] = {}
    for r in pack_rows("letters.tsv"):
        if len(r) >= 3 and (name := match_key(r[1])):
            out.setdefault(name[0], []).append((name, r[2].upper()))
    for names in out.values():
        names.sort(key=lambda p: -len(p[0]))
    return out


_LETTERS: Optional[dict[str, list[tuple[str, str]]]] = None


@lru_cache(maxsize=65536)
def spell_out(word: str) -> Optional[str]:
    """Latin letters of an acronym: ``SCO`` for SCO, S.C.O. or এসসিও; None if not an acronym."""
    global _LETTERS
    w = word.strip()
    if _LATIN_ACRONYM.match(w):
        letters = w.replace(".", "").replace("&", "")
        return letters if letters.isalpha() and len(letters) >= 2 else None
    if _LETTERS is None:
        _LETTERS = _letter_names()
    k = match_key(w).replace(" ", "").replace("-", "")
    out = []
    i = 0
    while i < len(k):
        for name, letter in _LETTERS.get(k[i], ()):
            if k.startswith(name, i):
                out.append(letter)
                i += len(name)
                break
        else:
            return None
    return "".join(out) if len(out) >= 2 else None


# -- the article pass ----------------------------------------------------------------------------


def autolink_article(db: Database, article_id: int, *, threshold: Optional[float] = None) -> int:
    """Link the article's unlinked suggestions where the answer is clear; returns how many."""
    return autolink_articles(db, [article_id], threshold=threshold)


#: types whose mentions are values, not entities of the knowledge base
UNLINKED_TYPES = frozenset({"DATE"})
BATCH = 200
#: rankings remembered per (surface, type) in one run of linking, at most
MEMO_MAX = 100_000


class _Row:
    """The columns of a mention that linking reads (ORM objects cost ~30 µs each to load)."""

    __slots__ = ("id", "article_id", "start", "end", "text", "type", "status", "entity_id")

    def __init__(self, row):
        (self.id, self.article_id, self.start, self.end, self.text, self.type, self.status,
         self.entity_id) = row


def _link_one_article(idx, mentions: list, threshold: float, memo: dict, known: Optional[dict] = None) -> list[dict]:
    known = idx.keys_of if known is None else known
    link: dict[int, int] = {m.id: m.entity_id for m in mentions
                            if m.entity_id is not None and m.status != "rejected"}
    open_ = [m for m in mentions if m.status == "suggested" and m.entity_id is None
             and m.type not in UNLINKED_TYPES]
    if not open_:
        return []
    boost = frozenset(link.values())

    for m in open_:  # 1. clearly best candidate
        key = (m.text, m.type)
        base = memo.get(key)
        if base is None:
            # without the fuzzy scan over every alias (its cost grows with the knowledge base);
            # the link panel's ranking has it
            base = memo[key] = rank_in_index(idx, m.text, m.type, limit=3, fuzzy=False, keys=known.get(m.text))
        cands = sorted(((min(1.0, c.score + ARTICLE_BONUS) if c.entity_id in boost else c.score, c.entity_id)
                        for c in base), reverse=True)
        if not cands or cands[0][0] < threshold:
            continue
        if len(cands) > 1 and cands[0][0] - cands[1][0] < SETTINGS.margin:
            continue
        link[m.id] = cands[0][1]

    live = [m for m in mentions if m.status != "rejected"]
    toks: dict[int, frozenset[str]] = {}

    def toks_of(m) -> frozenset[str]:  # name-word keys, from the index when the text is an alias
        t = toks.get(m.id)
        if t is None:
            k = known.get(m.text)
            t = toks[m.id] = frozenset(k[6] if k is not None else name_tokens(m.text))
        return t

    by_type: dict[str, list] = {}
    for e in live:  # in span order
        by_type.setdefault(e.type, []).append(e)
    # 2. short forms take the link of an earlier full name (a linked mention of the same type,
    # starting before, whose name words include all of the short form's).  The linked mentions
    # are looked up by name word instead of walking every earlier mention for each one: same
    # candidates, so the same result; a mention linked here serves the later ones.
    by_word: dict[tuple[str, str], list] = {}

    def index_linked(e) -> None:
        for t in toks_of(e):
            by_word.setdefault((e.type, t), []).append(e)

    last: dict[str, int] = {}  # per type, where the last short form still to link starts
    for m in open_:
        if m.id not in link and toks_of(m):
            last[m.type] = m.start
    if last:  # only linked mentions that start before a short form of their type can serve
        for e in live:
            if e.id in link and e.start < last.get(e.type, -1):
                index_linked(e)
    for m in open_:
        if m.id in link or not toks_of(m):
            continue
        mine = toks_of(m)
        pool = min((by_word.get((m.type, t), ()) for t in mine), key=len)
        found = {link[e.id] for e in pool if e.start < m.start and mine <= toks_of(e)}
        if len(found) == 1:
            link[m.id] = found.pop()
            index_linked(m)

    for m in open_:  # 3. acronyms and expansions
        if m.id in link:
            continue
        found = set()
        mine = spell_out(m.text)
        if not mine and not initials(m.text):
            continue  # neither an acronym nor a name with initials: nothing below can match
        for e in by_type[m.type]:
            if e.id == m.id or e.id not in link:
                continue
            if mine and initials(e.text) == mine:
                found.add(link[e.id])
            elif (theirs := spell_out(e.text)) and initials(m.text) == theirs:
                found.add(link[e.id])
        if mine and not found:  # an entity linked here whose alias the acronym abbreviates
            found = idx.acronyms.get((m.type, mine), set()) & set(link.values())
        if len(found) == 1:
            link[m.id] = found.pop()

    out = []
    for m in open_:
        eid = link.get(m.id)
        if eid is not None and idx.entities.get(eid, ("", m.type))[1] == m.type:
            out.append({"id": m.id, "entity_id": eid, "proposal": None})  # linked: no new entity
    return out


def autolink_articles(db: Database, article_ids, *, threshold: Optional[float] = None) -> int:
    """Auto-link over many articles: one index, one ranking per distinct surface, one
    transaction per batch of articles."""
    threshold = SETTINGS.threshold if threshold is None else threshold
    ids = list(article_ids)
    memo: dict = {}
    n = 0
    idx = None
    for i in range(0, len(ids), BATCH):
        chunk = ids[i:i + BATCH]
        with db.transaction() as s:
            if idx is None:
                idx = index_for(s, str(db.engine.url), persist=True)
            by_article: dict[int, list[_Row]] = {}
            cols = select(Mention.id, Mention.article_id, Mention.start, Mention.end, Mention.text, Mention.type,
                          Mention.status, Mention.entity_id)
            for row in s.exec(cols.where(Mention.article_id.in_(chunk))  # type: ignore[union-attr]
                              .order_by(Mention.article_id, Mention.start, Mention.end)):
                m = _Row(row)
                by_article.setdefault(m.article_id, []).append(m)
            # the surfaces' romanisations, one transliteration call per script for the batch
            keys.prime({m.text for ms in by_article.values() for m in ms
                        if m.status == "suggested" and m.entity_id is None and m.text not in idx.keys_of})
            updates = []
            for mentions in by_article.values():
                updates += _link_one_article(idx, mentions, threshold, memo)
            if updates:
                s.execute(update(Mention), updates)  # bulk UPDATE by primary key
            n += len(updates)
    return n


class _Keys(dict):
    """A batch's surface keys, falling back to the index's (``get`` is all linking asks)."""

    __slots__ = ("base",)

    def __init__(self, base: dict):
        super().__init__()
        self.base = base

    def get(self, text, default=None):
        k = dict.get(self, text)
        return k if k is not None else self.base.get(text, default)


class BatchLinker:
    """Links suggestions while detection writes them (one pass, no re-reading): for each
    article, the mentions already there and the new suggestions are linked together by the
    rules above, the new ones before they are inserted.  Same result as detecting, then
    :func:`autolink_articles` over the articles that got new unlinked suggestions."""

    def __init__(self, db: Database, threshold: Optional[float] = None):
        self.url = str(db.engine.url)
        self.threshold = SETTINGS.threshold if threshold is None else threshold
        self.memo: dict = {}
        self.idx = None
        self.articles: set[int] = set()  # the articles linked so far
        self.keys: Optional[dict] = None  # the surface keys of the last rows linked

    def prepare(self, db: Database) -> None:
        """Build (or load) the linking index now, e.g. while worker processes detect."""
        if self.idx is None:
            with db.transaction() as s:
                self.idx = index_for(s, self.url, persist=True)

    def keys_for(self, conn, articles: list[tuple[int, list[tuple], list[tuple]]],
                 surface_keys: Optional[dict] = None) -> tuple[dict, dict[str, tuple]]:
        """The linking keys of the new surfaces of ``articles`` (as :meth:`link_batch` takes
        them): ``(keys to look up, keys computed here and not stored yet)``.  Keys are pure
        functions of the text, so those computed by a worker, here, or by an earlier run (read
        from ``conn``) are the same; the index (shared, cached) is left alone."""
        base = self.idx.keys_of
        batch = _Keys(base)
        fresh = {t: k for t, k in (surface_keys or {}).items() if t not in base}
        todo = {r[3] for _, _, new in articles for r in new
                if r[-1] is None and r[4] not in UNLINKED_TYPES and r[3] not in base and r[3] not in fresh}
        if todo:
            batch.update(read_link_keys(conn, sorted(todo)))
            todo = sorted(t for t in todo if t not in batch)
        if todo:
            keys.prime(todo)
            for t in todo:
                k = alias_keys(t)
                if k is not None:
                    fresh[t] = k
        if fresh:
            batch.update(fresh)
        return (batch if batch else base), fresh

    def link_rows(self, articles: list[tuple[int, list[tuple], list[tuple]]],
                  known: dict) -> list[tuple[int, int, list[dict]]]:
        """Link the new rows of ``articles`` (replacing each tuple in its list) and the
        existing suggestions they make clear, with the keys ``known``: for each article that has
        new unlinked rows, ``(article id, how many linked, updates of existing mentions by
        id)``.  Pure given the index: a worker process can run it (the parent writes)."""
        idx = self.idx
        if len(self.memo) > MEMO_MAX:
            self.memo.clear()
        self.keys = known  # read again by desktop.linking.proposals.mark
        out = []
        for aid, existing, new in articles:
            if not any(r[-1] is None for r in new):
                continue
            mentions = [_Row((mid, aid, st, en, text, typ, status, eid))
                        for mid, st, en, text, typ, status, eid in sorted(existing, key=lambda e: (e[1], e[2], e[0]))]
            mentions += [_Row((-1 - i, aid, r[1], r[2], r[3], r[4], "suggested", r[-1])) for i, r in enumerate(new)]
            mentions.sort(key=lambda m: (m.start, m.end))  # stable: existing before new at one span
            n, updates = 0, []
            for u in _link_one_article(idx, mentions, self.threshold, self.memo, known):
                if u["id"] < 0:
                    j = -1 - u["id"]
                    new[j] = new[j][:-1] + (u["entity_id"],)
                else:
                    updates.append(u)
                n += 1
            out.append((aid, n, updates))
        return out

    def link_batch(self, s, articles: list[tuple[int, list[tuple], list[tuple]]],
                   surface_keys: Optional[dict] = None) -> tuple[int, list[dict]]:
        """``articles``: (article id, existing mentions as (id, start, end, text, type, status,
        entity_id), new rows as tuples (article_id, start, end, text, type, ..., entity_id
        last)).  Sets the entity of new rows (replacing the tuple in the list); returns (how many
        linked, updates of existing mentions by id).  ``s`` holds the batch's write transaction;
        the keys of new surfaces computed here are stored, so a later run over the same articles
        only reads them.  ``surface_keys``: keys computed already elsewhere."""
        if self.idx is None:
            self.idx = index_for(s, self.url, persist=True)
        known, fresh = self.keys_for(s.connection(), articles, surface_keys)
        if fresh:
            save_link_keys(s, fresh)
        return self.record(self.link_rows(articles, known))

    def record(self, linked: list[tuple[int, int, list[dict]]]) -> tuple[int, list[dict]]:
        """Note the articles :meth:`link_rows` linked (here or in a worker); returns (how many
        linked, the updates of existing mentions)."""
        n, updates = 0, []
        for aid, k, ups in linked:
            self.articles.add(aid)
            n += k
            updates += ups
        return n, updates


__all__ = ["SETTINGS", "LinkSettings", "BatchLinker", "autolink_article", "autolink_articles", "spell_out", "initials"]
