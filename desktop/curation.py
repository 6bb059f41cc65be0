"""Curation operations: each is one function, one transaction, one history row with its inverse.

The command line and the window call these and nothing else to change mentions, articles and
entities.  Offsets are code points into the article text.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Optional, TypeVar

from sqlmodel import Session, select

from desktop import text as textmod
from desktop.changes import Changes
from desktop.db import Database
from desktop.errors import CurateError
from desktop.history import StaleError, Tracker, last_change
from desktop.models import ARTICLE_STATUSES, MENTION_STATUSES, Alias, Article, Entity, EntityType, Mention



_short = textmod.short


M = TypeVar("M")


def require(s: Session, model: type[M], row_id: int) -> M:
    """The row ``row_id`` of ``model``, or a CurateError naming it ("entity 7 does not exist")."""
    obj = s.get(model, row_id)
    if obj is None:
        raise CurateError(f"{model.__name__.lower()} {row_id} does not exist")
    return obj


def check_type(s: Session, type_name: str) -> None:
    """CurateError unless ``type_name`` is in the entity-type table."""
    if s.exec(select(EntityType).where(EntityType.name == type_name)).first() is None:
        raise CurateError(f"unknown entity type {type_name!r}")


def _touch_article(t: Tracker, article: Article) -> None:
    """An article being curated moves from `new` to `in_progress`."""
    if article.status == "new":
        t.update(article, status="in_progress")


def _learn_alias(t: Tracker, m: Mention) -> None:
    """A confirmed, linked mention teaches: its surface becomes an alias of its entity."""
    if m.status != "confirmed" or m.entity_id is None:
        return
    key = textmod.match_key(m.text)
    exists = t.session.exec(
        select(Alias).where(Alias.entity_id == m.entity_id, Alias.key == key)
    ).first()
    if exists is None:
        t.insert(Alias(entity_id=m.entity_id, text=m.text, key=key, language=textmod.script_of(m.text), source="learned"))


def _no_proposal(when: bool) -> dict:
    """The fields that drop a mention's proposed new entity (desktop.linking.proposals) when it
    is linked, rejected, retyped or re-spanned: the proposal was for an unlinked name as found."""
    return {"proposal": None} if when else {}


def _follow_proposal(t: Tracker, s: Session, m: Mention, entity_id: int) -> int:
    """The curator linked ``m``, which carried a proposed new entity: the other mentions of that
    proposal (the same name elsewhere, in any script; still suggested and unlinked, of the same
    type) are linked to the same entity too, in the same undoable action, and stay suggestions
    to confirm.  Returns how many."""
    key = m.proposal
    if not key:
        return 0
    others = s.exec(select(Mention).where(Mention.proposal == key, Mention.id != m.id, Mention.type == m.type,
                                          Mention.status == "suggested", Mention.entity_id.is_(None))  # type: ignore[union-attr]
                    .order_by(Mention.id)).all()
    for o in others:  # suggestions linked, as accept_proposal does: their articles stay as they were
        t.update(o, entity_id=entity_id, proposal=None)
    return len(others)


def _validate_span(article: Article, start: int, end: int) -> tuple[int, int]:
    if not (0 <= start < end <= len(article.text)):
        raise CurateError(f"span {start}-{end} is outside the article (length {len(article.text)})")
    if not textmod.is_grapheme_aligned(article.text, start, end):
        keep_end = textmod.is_suffix_boundary(article.text, end, _case_endings(), key=_fold)
        new_start, new_end = textmod.snap_to_graphemes(article.text, start, end)
        start, end = new_start, (end if keep_end else new_end)
    return start, end


def _fold(s: str) -> str:
    from desktop.language.fold import fold

    return fold(s)


def _case_endings() -> frozenset[str]:
    """Case endings after which a span may end mid-cluster (see text.is_suffix_boundary)."""
    from desktop.language.lexicon import lexicon

    return frozenset(e for endings in lexicon().suffixes.values() for e in endings)


# -- mentions ---------------------------------------------------------------------------------------


def add_mention(
    db: Database,
    article_id: int,
    start: int,
    end: int,
    type: str,
    *,
    entity_id: Optional[int] = None,
    status: str = "confirmed",
    source: str = "manual",
) -> Changes[Mention]:
    """Add a mention the curator marked (confirmed, source `manual`).  The span is widened to
    whole grapheme clusters; an existing mention with the same span and type is confirmed
    instead of duplicated."""
    with db.transaction() as s:
        art = require(s, Article, article_id)
        check_type(s, type)
        start, end = _validate_span(art, start, end)
        t = Tracker(s)
        same = s.exec(
            select(Mention).where(
                Mention.article_id == article_id, Mention.start == start, Mention.end == end, Mention.type == type
            )
        ).first()
        if same is not None:
            eid = entity_id if entity_id is not None else same.entity_id
            m = t.update(same, status=status, entity_id=eid, **_no_proposal(eid is not None or status == "rejected"))
        else:
            m = t.insert(
                Mention(article_id=article_id, start=start, end=end, text=art.text[start:end], type=type,
                        status=status, source=source, entity_id=entity_id, confidence=1.0)
            )
        _learn_alias(t, m)
        _touch_article(t, art)
        entry = t.record("add", f"Add {type} ‘{_short(m.text)}’", article_id)
        return Changes.from_tracker(t, value=m, entry=entry)


def _refuse_collision(s, m: Mention, start: int, end: int, type: str) -> None:
    """One clear line when an edit would make ``m`` the same as another mention of its article
    (the unique key article, start, end, type; schema 8)."""
    other = s.exec(select(Mention).where(
        Mention.article_id == m.article_id, Mention.start == start, Mention.end == end,
        Mention.type == type, Mention.id != m.id)).first()
    if other is not None:
        raise CurateError(f"there is already a {type} mention ‘{_short(other.text)}’ at {start}–{end} "
                          f"(mention {other.id}, {other.status}); edit or delete that one instead")


def set_status(db: Database, mention_id: int, status: str, *, seen_version: Optional[int] = None) -> Changes[Mention]:
    if status not in MENTION_STATUSES:
        raise CurateError(f"unknown mention status {status!r}")
    verb = {"confirmed": "Confirm", "rejected": "Reject", "suggested": "Reset"}[status]
    with db.transaction() as s:
        m = require(s, Mention, mention_id)
        t = Tracker(s)
        t.expect(m, seen_version)  # team mode: refused when a colleague changed it since it was read
        t.update(m, status=status, **_no_proposal(status == "rejected"))
        _learn_alias(t, m)
        _touch_article(t, require(s, Article, m.article_id))
        entry = t.record(verb.lower(), f"{verb} ‘{_short(m.text)}’", m.article_id)
        return Changes.from_tracker(t, value=m, entry=entry)


def confirm(db: Database, mention_id: int, *, seen_version: Optional[int] = None) -> Changes[Mention]:
    return set_status(db, mention_id, "confirmed", seen_version=seen_version)


def reject(db: Database, mention_id: int, *, seen_version: Optional[int] = None) -> Changes[Mention]:
    return set_status(db, mention_id, "rejected", seen_version=seen_version)


def set_type(db: Database, mention_id: int, type: str, *, seen_version: Optional[int] = None) -> Changes[Mention]:
    """Change a mention's type; the curator has decided, so it is confirmed.  A link to an entity
    of another type is dropped (a link must agree with the type), and the returned notes say so."""
    with db.transaction() as s:
        check_type(s, type)
        m = require(s, Mention, mention_id)
        t = Tracker(s)
        t.expect(m, seen_version)
        if type != m.type:
            _refuse_collision(s, m, m.start, m.end, type)
        entity_id = m.entity_id
        notes = []
        if entity_id is not None:
            ent = s.get(Entity, entity_id)
            if ent is not None and ent.type != type:
                entity_id = None
                notes.append(f"its link to the {ent.type} entity ‘{_short(ent.name)}’ was dropped "
                             f"(a {type} mention links only to a {type} entity)")
        t.update(m, type=type, status="confirmed", entity_id=entity_id, **_no_proposal(type != m.type))
        _touch_article(t, require(s, Article, m.article_id))
        entry = t.record("type", f"Type of ‘{_short(m.text)}’ → {type}", m.article_id)
        return Changes.from_tracker(t, value=m, entry=entry, notes=notes)


def set_span(db: Database, mention_id: int, start: int, end: int, *,
             seen_version: Optional[int] = None) -> Changes[Mention]:
    """Move a mention's boundaries (snapped to grapheme clusters).  The detector's original span
    is kept so re-detection does not propose it again."""
    with db.transaction() as s:
        m = require(s, Mention, mention_id)
        art = require(s, Article, m.article_id)
        start, end = _validate_span(art, start, end)
        t = Tracker(s)
        t.expect(m, seen_version)
        if (start, end) != (m.start, m.end):
            _refuse_collision(s, m, start, end, m.type)
        fields = dict(start=start, end=end, text=art.text[start:end], status="confirmed",
                      **_no_proposal(art.text[start:end] != m.text))
        if m.origin_start is None and m.source not in ("manual",):
            fields.update(origin_start=m.start, origin_end=m.end)
        t.update(m, **fields)
        _touch_article(t, art)
        entry = t.record("span", f"Boundaries of ‘{_short(m.text)}’", m.article_id)
        return Changes.from_tracker(t, value=m, entry=entry)


def delete_mention(db: Database, mention_id: int, *, seen_version: Optional[int] = None) -> Changes[Mention]:
    with db.transaction() as s:
        m = require(s, Mention, mention_id)
        t = Tracker(s)
        t.expect(m, seen_version)
        t.delete(m)
        entry = t.record("delete", f"Delete ‘{_short(m.text)}’", m.article_id)
        return Changes.from_tracker(t, value=m, entry=entry)


def link(db: Database, mention_id: int, entity_id: Optional[int], *,
         seen_version: Optional[int] = None) -> Changes[Mention]:
    """Link a mention to an entity (None unlinks).  The entity's type must match the mention's."""
    with db.transaction() as s:
        m = require(s, Mention, mention_id)
        t = Tracker(s)
        t.expect(m, seen_version)
        if entity_id is not None:
            ent = require(s, Entity, entity_id)
            if ent.type != m.type:
                raise CurateError(f"cannot link a {m.type} mention to the {ent.type} entity ‘{ent.name}’")
            more = _follow_proposal(t, s, m, entity_id)
            t.update(m, entity_id=entity_id, status="confirmed", proposal=None)
            _learn_alias(t, m)
            summary = f"Link ‘{_short(m.text)}’ → {ent.name}" + (
                f" (and {more} other mention{'s' if more != 1 else ''} of the name)" if more else "")
        else:
            t.update(m, entity_id=None)
            summary = f"Unlink ‘{_short(m.text)}’"
        _touch_article(t, require(s, Article, m.article_id))
        entry = t.record("link", summary, m.article_id)
        return Changes.from_tracker(t, value=m, entry=entry)


def expect_all(t: Tracker, model: type, seen_versions: Optional[Mapping[int, Optional[int]]],
               shown: str = "the article") -> None:
    """:meth:`Tracker.expect` for several rows of ``model`` (id -> version the curator saw); a
    row deleted since is refused too, naming who deleted it.  None: no check."""
    for row_id, version in (seen_versions or {}).items():
        obj = t.session.get(model, row_id)
        if obj is None:
            table = model.__tablename__  # type: ignore[attr-defined]
            who = last_change(t.session, table, row_id)
            raise StaleError(f"{table} {row_id} was deleted{who} since you saw it; "
                             f"nothing was saved ({shown} was reloaded)")
        t.expect(obj, version, shown)


def confirm_all(db: Database, article_id: int, *,
                seen_versions: Optional[Mapping[int, Optional[int]]] = None) -> Changes:
    """Confirm every suggestion in the article; ``count`` says how many.

    ``seen_versions`` (mention id -> version, the suggestions the curator saw): if a colleague
    changed or deleted any of them since, the whole action is refused (StaleError) and nothing
    is confirmed — "all" means all of what the curator looked at, so a colleague's retype is
    never confirmed unseen.  Suggestions that appeared since (a colleague's detection run) are
    left suggested and the notes say how many.  None: every current suggestion (the command
    line)."""
    with db.transaction() as s:
        art = require(s, Article, article_id)
        t = Tracker(s)
        expect_all(t, Mention, seen_versions)
        n = 0
        unseen = 0
        for m in s.exec(select(Mention).where(Mention.article_id == article_id, Mention.status == "suggested")
                        .order_by(Mention.start, Mention.id)):
            if seen_versions is not None and m.id not in seen_versions:
                unseen += 1
                continue
            t.update(m, status="confirmed")
            _learn_alias(t, m)
            n += 1
        _touch_article(t, art)
        entry = t.record("confirm_all", f"Confirm all {n} suggestion{'s' if n != 1 else ''}", article_id)
        notes = [f"{unseen} suggestion{'s' if unseen != 1 else ''} added since you opened the article "
                 f"{'were' if unseen != 1 else 'was'} left for you to review"] if unseen else []
        return Changes.from_tracker(t, count=n, entry=entry, notes=notes)


def set_article_status(db: Database, article_id: int, status: str, *,
                       seen_version: Optional[int] = None) -> Changes[Article]:
    if status not in ARTICLE_STATUSES:
        raise CurateError(f"unknown article status {status!r} (one of {', '.join(ARTICLE_STATUSES)})")
    with db.transaction() as s:
        art = require(s, Article, article_id)
        t = Tracker(s)
        t.expect(art, seen_version)
        t.update(art, status=status)
        entry = t.record("article_status", f"Mark ‘{_short(art.title)}’ {status.replace('_', ' ')}", article_id)
        return Changes.from_tracker(t, value=art, entry=entry)


# -- entities and types -------------------------------------------------------------------------------


def create_entity(
    db: Database,
    name: str,
    type: str,
    *,
    aliases: Iterable[str] = (),
    external_id: Optional[str] = None,
    description: str = "",
    link_mention_id: Optional[int] = None,
) -> Changes[Entity]:
    """Create an entity (its name is also an alias); optionally link a mention to it."""
    name = textmod.clean_text(name)
    if not name:
        raise CurateError("an entity needs a name")
    with db.transaction() as s:
        check_type(s, type)
        t = Tracker(s)
        ent = t.insert(Entity(name=name, type=type, external_id=external_id or None, description=description))
        seen = set()
        for a in [name, *aliases]:
            a = textmod.clean_text(a)
            k = textmod.match_key(a)
            if a and k not in seen:
                seen.add(k)
                t.insert(Alias(entity_id=ent.id, text=a, key=k, language=textmod.script_of(a)))
        art_id = None
        if link_mention_id is not None:
            m = require(s, Mention, link_mention_id)
            if m.type != type:
                raise CurateError(f"cannot link a {m.type} mention to a {type} entity")
            more = _follow_proposal(t, s, m, ent.id)
            t.update(m, entity_id=ent.id, status="confirmed", proposal=None)
            _learn_alias(t, m)
            art_id = m.article_id
        else:
            more = 0
        entry = t.record("create_entity", f"Create entity ‘{_short(name)}’" + (
            f" (and link {more} other mention{'s' if more != 1 else ''} of the name)" if more else ""), art_id)
        return Changes.from_tracker(t, value=ent, entry=entry)


def add_entity_type(db: Database, name: str, colour: str = "#888888", shortcut: str = "") -> Changes[EntityType]:
    name = name.strip().upper()
    if not name or not name.replace("_", "").isalnum():
        raise CurateError(f"invalid entity type name {name!r}")
    with db.transaction() as s:
        t = Tracker(s)
        if s.exec(select(EntityType).where(EntityType.name == name)).first():
            raise CurateError(f"entity type {name} exists already")
        pos = len(s.exec(select(EntityType)).all())
        et = t.insert(EntityType(name=name, colour=colour, shortcut=shortcut, position=pos))
        entry = t.record("add_type", f"Add type {name}")
        return Changes.from_tracker(t, value=et, entry=entry)


# -- proposed new entities ------------------------------------------------------------------------------


def accept_proposal(db: Database, key: str, name: Optional[str] = None, *,
                    seen_versions: Optional[Mapping[int, Optional[int]]] = None) -> Changes[Entity]:
    """Create the entity proposed for the unlinked mentions carrying ``key``
    (:mod:`desktop.linking.proposals`) and link every one of them to it.  Its name is ``name``
    or the proposal's (its most frequent surface, an uninflected one first); its type is the
    key's; every distinct surface becomes an alias.  The mentions keep their status: a
    suggestion stays a suggestion for the curator to confirm.  ``count`` is the number linked.

    ``seen_versions`` (mention id -> version, the mentions the curator was shown): a change to
    any of them since refuses the whole action; mentions that got the key since are left as
    they are and the notes say how many.  None: every mention carrying it (the command line)."""
    from desktop.linking import proposals as props

    with db.transaction() as s:
        p = props.proposal(s, key)
        if p is None:
            raise CurateError(f"no open proposal {key!r}: its mentions were linked, rejected or changed since")
        t = Tracker(s)
        expect_all(t, Mention, seen_versions, "the proposal")
        check_type(s, p.type)
        name = textmod.clean_text(name if name is not None else p.name)
        if not name:
            raise CurateError("an entity needs a name")
        from desktop.linking.candidates import rank

        # an entity made since for one of the mentions (by hand): created all the same, as asked,
        # and said, so that the two can be merged if they are one
        known = [c for c in rank(s, name, p.type, limit=3) if c.score >= props.PROPOSE_BELOW]
        ent = t.insert(Entity(name=name, type=p.type))
        seen = set()
        for a in [name, *sorted(p.surfaces, key=lambda x: (-p.surfaces[x], x))]:
            a = textmod.clean_text(a)
            k = textmod.match_key(a)
            if a and k not in seen:
                seen.add(k)
                t.insert(Alias(entity_id=ent.id, text=a, key=k, language=textmod.script_of(a)))
        n, unseen, articles = 0, 0, set()
        for mid, aid, _version in p.mentions:
            if seen_versions is not None and mid not in seen_versions:
                unseen += 1
                continue
            t.update(require(s, Mention, mid), entity_id=ent.id, proposal=None)
            n += 1
            articles.add(aid)
        where = f" in {len(articles)} articles" if len(articles) != 1 else ""
        entry = t.record("accept_proposal", f"Create entity ‘{_short(name)}’ for {n} mention{'s' if n != 1 else ''}"
                         + where, next(iter(articles)) if len(articles) == 1 else None)
        notes = [f"{unseen} mention{'s' if unseen != 1 else ''} proposed since you looked "
                 f"{'were' if unseen != 1 else 'was'} left unlinked"] if unseen else []
        notes += [f"the knowledge base already had the {c.type} entity ‘{_short(c.name)}’ (entity {c.entity_id}, "
                  f"{c.reason}); merge the two if they are one" for c in known]
        return Changes.from_tracker(t, value=ent, count=n, entry=entry, notes=notes)
