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
from typing import Optional

from sqlalchemy import update
from sqlmodel import select

from desktop.db import Database
from desktop.linking.candidates import ARTICLE_BONUS, index_for, initials, name_tokens, rank_in_index
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


def _letter_names() -> list[tuple[str, str]]:
    """(letter name as written in Bengali/Devanagari, Latin letter), longest names first."""
    out = [(match_key(r[1]), r[2].upper()) for r in pack_rows("letters.tsv") if len(r) >= 3]
    return sorted(out, key=lambda p: -len(p[0]))


_LETTERS: Optional[list[tuple[str, str]]] = None


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
        for name, letter in _LETTERS:
            if name and k.startswith(name, i):
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


class _Row:
    """The columns of a mention that linking reads (ORM objects cost ~30 µs each to load)."""

    __slots__ = ("id", "article_id", "start", "end", "text", "type", "status", "entity_id")

    def __init__(self, row):
        (self.id, self.article_id, self.start, self.end, self.text, self.type, self.status,
         self.entity_id) = row


def _link_one_article(idx, mentions: list, threshold: float, memo: dict) -> list[dict]:
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
            base = memo[key] = rank_in_index(idx, m.text, m.type, limit=3, fuzzy=False)
        cands = sorted(((min(1.0, c.score + ARTICLE_BONUS) if c.entity_id in boost else c.score, c.entity_id)
                        for c in base), reverse=True)
        if not cands or cands[0][0] < threshold:
            continue
        if len(cands) > 1 and cands[0][0] - cands[1][0] < SETTINGS.margin:
            continue
        link[m.id] = cands[0][1]

    live = [m for m in mentions if m.status != "rejected"]
    toks = {m.id: set(name_tokens(m.text)) for m in live}
    for m in open_:  # 2. short forms take the link of an earlier full name
        if m.id in link or not toks[m.id]:
            continue
        found = {link[e.id] for e in live
                 if e.start < m.start and e.type == m.type and e.id in link
                 and toks[m.id] <= toks[e.id]}
        if len(found) == 1:
            link[m.id] = found.pop()

    spelled = {m.id: spell_out(m.text) for m in live}
    for m in open_:  # 3. acronyms and expansions
        if m.id in link:
            continue
        found = set()
        mine = spelled[m.id]
        for e in live:
            if e.id == m.id or e.type != m.type or e.id not in link:
                continue
            if mine and initials(e.text) == mine:
                found.add(link[e.id])
            elif spelled[e.id] and initials(m.text) == spelled[e.id]:
                found.add(link[e.id])
        if mine and not found:  # an entity linked here whose alias the acronym abbreviates
            found = idx.acronyms.get((m.type, mine), set()) & set(link.values())
        if len(found) == 1:
            link[m.id] = found.pop()

    out = []
    for m in open_:
        eid = link.get(m.id)
        if eid is not None and idx.entities.get(eid, ("", m.type))[1] == m.type:
            out.append({"id": m.id, "entity_id": eid})
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
                idx = index_for(s, str(db.engine.url))
            by_article: dict[int, list[_Row]] = {}
            cols = select(Mention.id, Mention.article_id, Mention.start, Mention.end, Mention.text, Mention.type,
                          Mention.status, Mention.entity_id)
            for row in s.exec(cols.where(Mention.article_id.in_(chunk))  # type: ignore[union-attr]
                              .order_by(Mention.article_id, Mention.start, Mention.end)):
                m = _Row(row)
                by_article.setdefault(m.article_id, []).append(m)
            updates = []
            for mentions in by_article.values():
                updates += _link_one_article(idx, mentions, threshold, memo)
            if updates:
                s.execute(update(Mention), updates)  # bulk UPDATE by primary key
            n += len(updates)
    return n


__all__ = ["SETTINGS", "LinkSettings", "autolink_article", "autolink_articles", "spell_out", "initials"]
