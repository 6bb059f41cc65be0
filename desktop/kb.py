"""The knowledge base: finding, editing entities and aliases, merging, splitting, deleting, and
applying a link to the same surface elsewhere.  Its files (CSV, JSON, Wikidata) are
:mod:`desktop.kb_files`.

Every edit is one transaction with one history row holding its inverse
(:func:`desktop.history.action`), so it can be undone and redone like any curation action.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional, Sequence

from sqlmodel import Session, func, or_, select

from desktop import text as textmod
from desktop.changes import Changes
from desktop.db import Database
from desktop.errors import CurateError
from desktop.curation import check_type, expect_all, require
from desktop.formats import validate_qid  # noqa: F401 (validate_qid re-exported)
from desktop.history import Tracker
from desktop.language import keys
from desktop.language.packs import codes as language_codes
from desktop.models import Alias, Article, Entity, EntityType, Mention, utcnow

QID = re.compile(r"^Q[1-9]\d*$")
_LANGUAGES = language_codes()  # alias groups by language, then "other"
_UNSET = object()
_SHOWN = "the knowledge base"  # what the window re-reads when an edit is refused as stale


_short = textmod.short


# -- validation ----------------------------------------------------------------------------------


def _aliases(s: Session, entity_id: int) -> list[Alias]:
    return list(s.exec(select(Alias).where(Alias.entity_id == entity_id).order_by(Alias.id)))


def _new_alias(t: Tracker, entity_id: int, text: str, source: str, language: Optional[str] = None) -> Optional[Alias]:
    """Insert an alias unless the entity has one with the same key already."""
    text = textmod.clean_text(text)
    key = textmod.match_key(text)
    if not key:
        return None
    if t.session.exec(select(Alias).where(Alias.entity_id == entity_id, Alias.key == key)).first():
        return None
    return t.insert(Alias(entity_id=entity_id, text=text, key=key,  # type: ignore[return-value]
                          language=language or textmod.script_of(text), source=source))


def _expect(t: Tracker, model: type, row_id: int, seen_version: Optional[int]) -> None:
    """Refuse when the row changed (or was deleted) since the curator saw it at ``seen_version``."""
    expect_all(t, model, None if seen_version is None else {row_id: seen_version}, _SHOWN)


# -- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityRow:
    id: int
    name: str
    type: str
    external_id: Optional[str]
    description: str
    alias_count: int
    mention_count: int
    #: the row version read (an edit given it is refused if a colleague changed the entity since)
    version: int = 0


@dataclass(frozen=True)
class EntityMention:
    mention_id: int
    article_id: int
    article_title: str
    start: int
    end: int
    text: str
    status: str
    context: str = ""  # the words around it in its article


def _context(text: str, start: int, end: int, chars: int = 30) -> str:
    left, right = max(0, start - chars), min(len(text), end + chars)
    body = text[left:start] + "[" + text[start:end] + "]" + text[end:right]
    return ("…" if left else "") + " ".join(body.split()) + ("…" if right < len(text) else "")


def _rows(s: Session, ids: Sequence[int]) -> list[EntityRow]:
    if not ids:
        return []
    ents = {e.id: e for e in s.exec(select(Entity).where(Entity.id.in_(ids)))}  # type: ignore[union-attr]
    ac = dict(s.exec(select(Alias.entity_id, func.count(Alias.id)).where(Alias.entity_id.in_(ids))  # type: ignore[attr-defined]
                     .group_by(Alias.entity_id)).all())
    mc = dict(s.exec(select(Mention.entity_id, func.count(Mention.id))
                     .where(Mention.entity_id.in_(ids), Mention.status != "rejected")  # type: ignore[union-attr]
                     .group_by(Mention.entity_id)).all())
    return [EntityRow(e.id, e.name, e.type, e.external_id, e.description, ac.get(e.id, 0), mc.get(e.id, 0),
                      e.version or 0)
            for i in ids if (e := ents.get(i)) is not None]


def find_entities(db: Database, text: str = "", type: Optional[str] = None, limit: int = 2000) -> list[EntityRow]:
    """Entities whose name or an alias contains ``text`` (any script, case-insensitive), then
    entities whose aliases match it across scripts or spellings; all entities when ``text`` is
    empty.  ``type`` restricts to one entity type."""
    from desktop.linking.candidates import rank

    key = textmod.match_key(text or "")
    with db.session() as s:
        q = select(Entity.id).order_by(Entity.name, Entity.id)
        if type:
            q = q.where(Entity.type == type)
        if key:
            # the text is literal: %, _ and \ are escaped with one explicit escape character, since
            # PostgreSQL's LIKE treats a backslash as an escape by default and SQLite's does not
            literal = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            like = f"%{literal}%"
            sub = select(Alias.entity_id).where(Alias.key.like(like, escape="\\"))  # type: ignore[attr-defined]
            q = q.where(or_(func.lower(Entity.name).like(like, escape="\\"),  # type: ignore[union-attr]
                            Entity.id.in_(sub)))  # type: ignore[union-attr]
        ids = list(s.exec(q.limit(limit)))
        if key:
            types = [type] if type else [t.name for t in s.exec(select(EntityType).order_by(EntityType.position))]
            seen = set(ids)
            for tname in types:
                for c in rank(s, text, tname, limit=20):
                    if c.entity_id not in seen and c.score >= 0.7:
                        seen.add(c.entity_id)
                        ids.append(c.entity_id)
        return _rows(s, ids[:limit])


#: the reason of a search hit that matched by name or alias text only (it has no score)
CONTAINS = "name or alias contains it"


def search_candidates(db: Database, text: str, prefer_type: Optional[str] = None, limit: int = 50) -> list:
    """Entities of every type for a typed search, as :class:`desktop.linking.candidates.LinkCandidate`:
    first those the ranker scores (across scripts and spellings: "sultan" finds সুলতান কামাল),
    then those whose name or an alias merely contains the text (reason :data:`CONTAINS`, no
    score).  Entities of ``prefer_type`` come before the others."""
    from desktop.linking.candidates import LinkCandidate, rank

    text = (text or "").strip()
    if not textmod.match_key(text):
        return []
    with db.session() as s:
        types = [t.name for t in s.exec(select(EntityType).order_by(EntityType.position))]
    best: dict[int, LinkCandidate] = {}
    for t in types:
        for c in rank(db, text, t, limit=20):
            if c.entity_id not in best or c.score > best[c.entity_id].score:
                best[c.entity_id] = c
    scored = sorted(best.values(), key=lambda c: (c.type != prefer_type, -c.score, c.name))
    rest = [LinkCandidate(r.id, r.name, r.type, r.external_id, 0.0, CONTAINS)
            for r in find_entities(db, text, limit=limit) if r.id not in best]
    rest.sort(key=lambda c: (c.type != prefer_type, c.name))
    return (scored + rest)[:limit]


def entity_row(db: Database, entity_id: int) -> Optional[EntityRow]:
    with db.session() as s:
        rows = _rows(s, [entity_id])
        return rows[0] if rows else None


def aliases(db: Database, entity_id: int) -> list[Alias]:
    with db.session() as s:
        return _aliases(s, entity_id)


def aliases_by_script(db: Database, entity_id: int) -> dict[str, list[Alias]]:
    """The entity's aliases grouped by script: ``bn``, ``hi``, ``en`` and ``other``."""
    out: dict[str, list[Alias]] = defaultdict(list)
    for a in aliases(db, entity_id):
        lang = a.language if a.language in _LANGUAGES else (textmod.script_of(a.text) or "other")
        out[lang if lang in _LANGUAGES else "other"].append(a)
    return dict(out)


def entity_mentions(db: Database, entity_id: int) -> list[EntityMention]:
    """Every mention linked to the entity, across articles, in article order."""
    with db.session() as s:
        q = (select(Mention, Article.title, Article.text).join(Article, Article.id == Mention.article_id)
             .where(Mention.entity_id == entity_id).order_by(Mention.article_id, Mention.start))
        return [EntityMention(m.id, m.article_id, title, m.start, m.end, m.text, m.status,
                              _context(text, m.start, m.end))
                for m, title, text in s.exec(q)]


# -- editing -------------------------------------------------------------------------------------


def edit_entity(db: Database, entity_id: int, *, name: Optional[str] = None, type: Optional[str] = None,
                description: Optional[str] = None, external_id=_UNSET,
                seen_version: Optional[int] = None) -> Changes[Entity]:
    """Change an entity's name, type, description or external id (``None``/'' clears it).
    A new name is also kept as an alias (an alias that differs from it only in case takes the new
    spelling: ‘GENEVA’ renamed ‘Geneva’ no longer matches in capitals only); a new type is given
    to the mentions linked to it, so links keep agreeing with types.  ``seen_version``: the
    entity's version as the curator saw it; refused (StaleError, nothing saved) if a colleague
    changed it since (None: no check)."""
    with db.transaction() as s:
        t = Tracker(s)
        _expect(t, Entity, entity_id, seen_version)
        ent = require(s, Entity, entity_id)
        fields: dict = {}
        if name is not None:
            name = textmod.clean_text(name)
            if not name:
                raise CurateError("an entity needs a name")
            fields["name"] = name
        if type is not None and type != ent.type:
            check_type(s, type)
            fields["type"] = type
        if description is not None:
            fields["description"] = description.strip()
        if external_id is not _UNSET:
            fields["external_id"] = validate_qid(external_id)
        old_name = ent.name
        t.update(ent, **fields)
        if "name" in fields:
            _name_alias(t, ent.id, fields["name"])
        if "type" in fields:
            for m in s.exec(select(Mention).where(Mention.entity_id == ent.id)):
                t.update(m, type=fields["type"])
        what = "Rename" if set(fields) == {"name"} else "Edit"
        entry = t.record("kb_edit", f"{what} entity ‘{_short(old_name)}’"
                         + (f" → ‘{_short(ent.name)}’" if what == "Rename" else ""))
        return Changes.from_tracker(t, value=ent, entry=entry)


def _name_alias(t: Tracker, entity_id: int, name: str) -> None:
    """The entity's (new) name as a curator alias, in the curator's spelling."""
    key = textmod.match_key(name)
    same = t.session.exec(select(Alias).where(Alias.entity_id == entity_id, Alias.key == key)).first()
    if same is None:
        _new_alias(t, entity_id, name, "curator")
    elif same.text != name:
        t.update(same, text=name, source="curator", language=textmod.script_of(name))


def rename_entity(db: Database, entity_id: int, name: str, *, seen_version: Optional[int] = None) -> Changes[Entity]:
    return edit_entity(db, entity_id, name=name, seen_version=seen_version)


def add_alias(db: Database, entity_id: int, text: str, language: Optional[str] = None) -> Changes[Alias]:
    with db.transaction() as s:
        ent = require(s, Entity, entity_id)
        t = Tracker(s)
        a = _new_alias(t, entity_id, text, "curator", language)
        if a is None:
            raise CurateError(f"‘{_short(ent.name)}’ already has the alias ‘{_short(text)}’" if text.strip()
                              else "an alias cannot be empty")
        entry = t.record("kb_alias", f"Add alias ‘{_short(a.text)}’ to ‘{_short(ent.name)}’")
        return Changes.from_tracker(t, value=a, entry=entry)


def remove_alias(db: Database, alias_id: int, *, seen_version: Optional[int] = None) -> Changes[Alias]:
    """Remove an alias; ``seen_version`` (the alias's, as shown) refuses it if a colleague
    changed the alias since (moved it by a split or merge, retyped its spelling)."""
    with db.transaction() as s:
        t = Tracker(s)
        _expect(t, Alias, alias_id, seen_version)
        a = s.get(Alias, alias_id)
        if a is None:
            raise CurateError(f"alias {alias_id} does not exist")
        ent = require(s, Entity, a.entity_id)
        t.delete(a)
        entry = t.record("kb_alias", f"Remove alias ‘{_short(a.text)}’ from ‘{_short(ent.name)}’")
        return Changes.from_tracker(t, value=a, entry=entry)


def merge(db: Database, survivor_id: int, other_id: int, *,
          seen_versions: Optional[Mapping[int, Optional[int]]] = None) -> Changes[Entity]:
    """Merge ``other`` into ``survivor``: its mentions and aliases move (an alias the survivor
    already has is dropped), its name becomes an alias, an external id or description the
    survivor lacks is taken over, and ``other`` is deleted.  ``seen_versions``: entity id ->
    version as the curator saw the two; refused if a colleague changed either since."""
    if survivor_id == other_id:
        raise CurateError("cannot merge an entity with itself")
    with db.transaction() as s:
        expect_all(Tracker(s), Entity, seen_versions, _SHOWN)  # first: "deleted by bob" beats "does not exist"
        keep = require(s, Entity, survivor_id)
        other = require(s, Entity, other_id)
        if keep.type != other.type:
            raise CurateError(f"cannot merge the {other.type} ‘{other.name}’ into the {keep.type} ‘{keep.name}’")
        if keep.external_id and other.external_id and keep.external_id != other.external_id:
            raise CurateError(f"‘{keep.name}’ ({keep.external_id}) and ‘{other.name}’ ({other.external_id}) "
                              "have different external ids; clear one first")
        t = Tracker(s)
        for m in s.exec(select(Mention).where(Mention.entity_id == other.id)):
            t.update(m, entity_id=keep.id)
        have = {a.key for a in _aliases(s, keep.id)}
        for a in _aliases(s, other.id):
            if a.key in have:
                t.delete(a)
            else:
                have.add(a.key)
                t.update(a, entity_id=keep.id)
        _new_alias(t, keep.id, other.name, "curator")
        fields: dict = {}
        if not keep.external_id and other.external_id:
            fields["external_id"] = other.external_id
        if not keep.description and other.description:
            fields["description"] = other.description
        other_name = other.name
        t.delete(other)
        t.update(keep, **fields, updated_at=utcnow())
        entry = t.record("kb_merge", f"Merge ‘{_short(other_name)}’ into ‘{_short(keep.name)}’")
        return Changes.from_tracker(t, value=keep, entry=entry)


def split(db: Database, entity_id: int, alias_ids: Iterable[int], name: Optional[str] = None, *,
          seen_versions: Optional[Mapping[int, Optional[int]]] = None) -> Changes[Entity]:
    """Move the given aliases to a new entity of the same type (named ``name``, else after the
    first of them) with the mentions whose surface matches one of them.  ``seen_versions``:
    alias id -> version as the curator saw the aliases; refused if a colleague changed or
    removed one since."""
    alias_ids = list(dict.fromkeys(alias_ids))
    if not alias_ids:
        raise CurateError("choose the aliases to split off")
    with db.transaction() as s:
        expect_all(Tracker(s), Alias, seen_versions, _SHOWN)
        ent = require(s, Entity, entity_id)
        own = {a.id: a for a in _aliases(s, entity_id)}
        missing = [i for i in alias_ids if i not in own]
        if missing:
            raise CurateError(f"alias {missing[0]} does not belong to ‘{ent.name}’")
        moving = [own[i] for i in alias_ids]
        t = Tracker(s)
        new_name = textmod.clean_text(name or moving[0].text)
        if not new_name:
            raise CurateError("an entity needs a name")
        new = t.insert(Entity(name=new_name, type=ent.type, description=""))
        norm = {keys.norm_key(a.text) for a in moving}
        for a in moving:
            t.update(a, entity_id=new.id)
        _new_alias(t, new.id, new_name, "curator")
        for m in s.exec(select(Mention).where(Mention.entity_id == entity_id)):
            if keys.norm_key(m.text) in norm:
                t.update(m, entity_id=new.id)
        entry = t.record("kb_split", f"Split ‘{_short(new_name)}’ off ‘{_short(ent.name)}’")
        return Changes.from_tracker(t, value=new, entry=entry)


def delete_entity(db: Database, entity_id: int, *, seen_version: Optional[int] = None) -> Changes[Entity]:
    """Delete an entity with its aliases, unlinking its mentions (every row is recorded, so
    undo restores all).  ``count``: how many mentions were unlinked.  ``seen_version``: refused
    if a colleague changed the entity since the curator saw it."""
    with db.transaction() as s:
        t = Tracker(s)
        _expect(t, Entity, entity_id, seen_version)
        ent = require(s, Entity, entity_id)
        n = 0
        for m in s.exec(select(Mention).where(Mention.entity_id == entity_id)):
            t.update(m, entity_id=None)
            n += 1
        for a in _aliases(s, entity_id):
            t.delete(a)
        t.delete(ent)
        entry = t.record("kb_delete", f"Delete entity ‘{_short(ent.name)}’" + (f" ({n} link{'s' if n != 1 else ''})" if n else ""))
        return Changes.from_tracker(t, value=ent, count=n, entry=entry)


# -- applying a link to the same surface elsewhere -------------------------------------------------


def _same_surface(s: Session, m: Mention) -> list[Mention]:
    key = keys.norm_key(m.text)
    q = select(Mention).where(Mention.article_id != m.article_id, Mention.type == m.type,
                              Mention.status != "rejected", Mention.entity_id.is_(None))  # type: ignore[union-attr]
    return [o for o in s.exec(q.order_by(Mention.article_id, Mention.start)) if keys.norm_key(o.text) == key]


def apply_link_to_surface(db: Database, mention_id: int, article_ids: Optional[Iterable[int]] = None, *,
                          mention_ids: Optional[Iterable[int]] = None, dry_run: bool = False) -> Changes[list[tuple[int, int]]]:
    """Link the unlinked mentions with the same surface (same normalised key) and type in other
    articles to the entity of ``mention_id``; they become confirmed.  ``article_ids`` or
    ``mention_ids`` restrict it (the window applies "all" or "one by one"); ``dry_run`` only
    lists them (see also :func:`surface_matches`).  ``value``: the (mention_id, article_id) pairs
    applied (or applicable), ``count`` how many.  One history entry for all."""
    with db.transaction() as s:
        src = s.get(Mention, mention_id)
        if src is None:
            raise CurateError(f"mention {mention_id} does not exist")
        if src.entity_id is None:
            raise CurateError(f"‘{src.text}’ is not linked to an entity")
        targets = _same_surface(s, src)
        if article_ids is not None:
            allowed = set(article_ids)
            targets = [o for o in targets if o.article_id in allowed]
        if mention_ids is not None:
            chosen = set(mention_ids)
            targets = [o for o in targets if o.id in chosen]
        out = [(o.id, o.article_id) for o in targets]
        if dry_run or not targets:
            return Changes(value=out, count=len(out))
        ent = require(s, Entity, src.entity_id)
        t = Tracker(s)
        for o in targets:
            t.update(o, entity_id=ent.id, status="confirmed")
            art = s.get(Article, o.article_id)
            if art is not None and art.status == "new":
                t.update(art, status="in_progress")
        entry = t.record("link_surface", f"Link ‘{_short(src.text)}’ → {ent.name} in {len(out)} more "
                         f"mention{'s' if len(out) != 1 else ''}")
        return Changes.from_tracker(t, value=out, count=len(out), entry=entry)


def surface_matches(db: Database, mention_id: int) -> list[tuple[int, int]]:
    """The (mention_id, article_id) pairs :func:`apply_link_to_surface` would link (a read)."""
    return apply_link_to_surface(db, mention_id, dry_run=True).value or []


__all__ = [
    "EntityRow", "EntityMention", "validate_qid", "find_entities", "entity_row",
    "aliases", "aliases_by_script", "search_candidates", "CONTAINS", "entity_mentions", "edit_entity", "rename_entity",
    "add_alias",
    "remove_alias", "merge", "split", "delete_entity", "apply_link_to_surface", "surface_matches",
]
