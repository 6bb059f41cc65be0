"""Relations: typed links between two mentions of one article (PERSON – member_of – ORG,
EVENT – held_in – LOC ...).  Relation types are a table like entity types.  Every change is one
undoable action recorded in the history."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from sqlmodel import select

from desktop.changes import Changes
from desktop.db import Database
from desktop.errors import CurateError
from desktop.history import Tracker
from desktop.models import Mention, Relation, RelationType
from desktop.text import short
from desktop.vocabulary import EXPORT_STATUSES

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
STATUS_FILTERS = EXPORT_STATUSES


def _short(s: str) -> str:
    return short(s, 30)


@dataclass(frozen=True)
class RelationRow:
    id: int
    article_id: int
    type: str
    head_mention_id: int
    head_text: str
    head_type: str
    tail_mention_id: int
    tail_text: str
    tail_type: str
    #: the row version read (a delete given it is refused if a colleague changed it since)
    version: int = 0


def relation_types(db: Database) -> list[RelationType]:
    with db.session() as s:
        return list(s.exec(select(RelationType).order_by(RelationType.id)))


def add_relation_type(db: Database, name: str, description: str = "") -> Changes[RelationType]:
    """A new relation type; names are lower_snake_case (``member_of``)."""
    name = re.sub(r"[\s\-]+", "_", name.strip().lower())
    if not _NAME.match(name):
        raise CurateError(f"invalid relation type name {name!r} (letters, digits and _)")
    with db.transaction() as s:
        t = Tracker(s)
        if s.exec(select(RelationType).where(RelationType.name == name)).first():
            raise CurateError(f"relation type {name} exists already")
        rt = t.insert(RelationType(name=name, description=description.strip()))
        entry = t.record("add_relation_type", f"Add relation type {name}")
        return Changes.from_tracker(t, value=rt, entry=entry)


def add_relation(db: Database, head_mention_id: int, tail_mention_id: int, type: str) -> Changes[Relation]:
    """Relate two distinct mentions of the same article with a known relation type.  The same
    relation twice is refused."""
    if head_mention_id == tail_mention_id:
        raise CurateError("a relation needs two different mentions")
    with db.transaction() as s:
        t = Tracker(s)
        head = s.get(Mention, head_mention_id)
        tail = s.get(Mention, tail_mention_id)
        if head is None or tail is None:
            raise CurateError(f"mention {head_mention_id if head is None else tail_mention_id} does not exist")
        if head.article_id != tail.article_id:
            raise CurateError("a relation links two mentions of the same article")
        if s.exec(select(RelationType).where(RelationType.name == type)).first() is None:
            raise CurateError(f"unknown relation type {type!r}")
        dup = s.exec(select(Relation).where(Relation.head_mention_id == head.id, Relation.tail_mention_id == tail.id,
                                            Relation.type == type)).first()
        if dup is not None:
            raise CurateError(f"‘{_short(head.text)}’ {type} ‘{_short(tail.text)}’ exists already")
        rel = t.insert(Relation(article_id=head.article_id, type=type, head_mention_id=head.id,
                                tail_mention_id=tail.id))
        entry = t.record("add_relation", f"Relate ‘{_short(head.text)}’ {type} ‘{_short(tail.text)}’", head.article_id)
        return Changes.from_tracker(t, value=rel, entry=entry)


def delete_relation(db: Database, relation_id: int, *, seen_version: Optional[int] = None) -> Changes[Relation]:
    """Delete a relation; ``seen_version`` (as the curator saw it) refuses it if a colleague
    changed it since (None: no check)."""
    with db.transaction() as s:
        t = Tracker(s)
        rel = s.get(Relation, relation_id)
        if rel is None:
            raise CurateError(f"relation {relation_id} does not exist")
        t.expect(rel, seen_version)
        head = s.get(Mention, rel.head_mention_id)
        tail = s.get(Mention, rel.tail_mention_id)
        t.delete(rel)
        label = f"‘{_short(head.text if head else '?')}’ {rel.type} ‘{_short(tail.text if tail else '?')}’"
        entry = t.record("delete_relation", f"Delete relation {label}", rel.article_id)
        return Changes.from_tracker(t, value=rel, entry=entry)


def relations_for_article(db: Database, article_id: int) -> list[RelationRow]:
    with db.session() as s:
        rels = list(s.exec(select(Relation).where(Relation.article_id == article_id).order_by(Relation.id)))
        ids = {r.head_mention_id for r in rels} | {r.tail_mention_id for r in rels}
        ms = {m.id: m for m in s.exec(select(Mention).where(Mention.id.in_(ids)))} if ids else {}  # type: ignore[union-attr]
        out = []
        for r in rels:
            h, t = ms.get(r.head_mention_id), ms.get(r.tail_mention_id)
            out.append(RelationRow(r.id, r.article_id, r.type, r.head_mention_id, h.text if h else "",
                                   h.type if h else "", r.tail_mention_id, t.text if t else "", t.type if t else "",
                                   r.version or 0))
        return out


def relation_rows(db: Database, status: Optional[str] = "all") -> list[dict]:
    """Rows of ``relations.csv``: relation_id, article_id, type, head_mention_id, head_text,
    head_entity_id, tail_mention_id, tail_text, tail_entity_id.  With a mention ``status``
    (``confirmed``, ``suggested``, ``rejected``), only relations whose two mentions both have
    it; ``all`` or None for every relation."""
    if status not in (None, *STATUS_FILTERS):
        raise CurateError(f"unknown status {status!r} (one of {', '.join(STATUS_FILTERS)})")
    with db.session() as s:
        rels = list(s.exec(select(Relation).order_by(Relation.id)))
        ids = {r.head_mention_id for r in rels} | {r.tail_mention_id for r in rels}
        ms = {m.id: m for m in s.exec(select(Mention).where(Mention.id.in_(ids)))} if ids else {}  # type: ignore[union-attr]
    out = []
    for r in rels:
        h, t = ms.get(r.head_mention_id), ms.get(r.tail_mention_id)
        if h is None or t is None:
            continue
        if status not in (None, "all") and not (h.status == status and t.status == status):
            continue
        out.append({
            "relation_id": r.id, "article_id": r.article_id, "type": r.type,
            "head_mention_id": h.id, "head_text": h.text, "head_entity_id": h.entity_id,
            "tail_mention_id": t.id, "tail_text": t.text, "tail_entity_id": t.entity_id,
        })
    return out
