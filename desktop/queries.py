"""Read-side queries used by the command line and the window (Qt-free).

The article list is fetched in pages of light rows (no article text), with per-status mention
counts, so a window over 100,000 articles only ever reads what it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

from sqlalchemy import case, func
from sqlmodel import select

from desktop.db import Database
from desktop.models import Alias, Article, Entity, EntityType, History, Mention

SORT_COLUMNS = ("id", "title", "language", "status", "suggested", "confirmed", "imported_at")
_IN_CHUNK = 900  # ids per IN (...) list: under SQLite's variable limit


@dataclass(frozen=True)
class ArticleRow:
    id: int
    title: str
    source: str
    language: str
    status: str
    imported_at: str
    suggested: int
    confirmed: int
    rejected: int
    assigned_to: Optional[str] = None  # the curator it was given to (team mode)


@dataclass(frozen=True)
class ArticleFilter:
    status: Optional[str] = None
    language: Optional[str] = None
    search: Optional[str] = None  # full-text query (see Database.search)
    assigned_to: Optional[str] = None  # only the articles given to this curator ("Mine")


def _filtered_ids_stmt(db: Database, flt: ArticleFilter):
    stmt = select(Article.id)
    if flt.status:
        stmt = stmt.where(Article.status == flt.status)
    if flt.language:
        stmt = stmt.where(Article.language == flt.language)
    if flt.assigned_to:
        stmt = stmt.where(Article.assigned_to == flt.assigned_to)
    if flt.search and flt.search.strip():
        ids = db.search_ids(flt.search)
        stmt = stmt.where(Article.id.in_(ids))  # type: ignore[union-attr]
    return stmt


def _counts_subquery(ids: Optional[list[int]] = None):
    stmt = select(
        Mention.article_id.label("aid"),  # type: ignore[attr-defined]
        func.sum(case((Mention.status == "suggested", 1), else_=0)).label("suggested"),
        func.sum(case((Mention.status == "confirmed", 1), else_=0)).label("confirmed"),
        func.sum(case((Mention.status == "rejected", 1), else_=0)).label("rejected"),
    )
    if ids is not None:  # a page of rows: count only its mentions (uses the article_id index)
        stmt = stmt.where(Mention.article_id.in_(ids))  # type: ignore[attr-defined]
    return stmt.group_by(Mention.article_id).subquery()


def article_ids(db: Database, flt: ArticleFilter = ArticleFilter(), sort: str = "id", descending: bool = False) -> list[int]:
    """Ids of the articles matching the filter, in display order (cheap: ids only)."""
    if sort not in SORT_COLUMNS:
        raise ValueError(f"unknown sort column {sort!r}")
    counts = _counts_subquery()
    if sort in ("suggested", "confirmed"):
        key = func.coalesce(getattr(counts.c, sort), 0)
    else:
        key = getattr(Article, sort)
    base = _filtered_ids_stmt(db, flt).outerjoin(counts, counts.c.aid == Article.id) if sort in ("suggested", "confirmed") else _filtered_ids_stmt(db, flt)
    order = [key.desc() if descending else key.asc(), Article.id.asc()]  # type: ignore[union-attr]
    with db.session() as s:
        return list(s.exec(base.order_by(*order)))


def matching(db: Database, flt: ArticleFilter, ids) -> set[int]:
    """Which of ``ids`` the filter lets through (e.g. whether new articles belong in a list)."""
    ids = sorted(set(ids))
    out: set[int] = set()
    with db.session() as s:
        for i in range(0, len(ids), _IN_CHUNK):
            out.update(s.exec(_filtered_ids_stmt(db, flt).where(Article.id.in_(ids[i:i + _IN_CHUNK]))))  # type: ignore[union-attr]
    return out


def article_rows(db: Database, ids: list[int]) -> list[ArticleRow]:
    """Light rows (no text) for the given ids, in the same order."""
    if not ids:
        return []
    counts = _counts_subquery(ids)
    stmt = (
        select(
            Article.id, Article.title, Article.source, Article.language, Article.status, Article.imported_at,
            func.coalesce(counts.c.suggested, 0), func.coalesce(counts.c.confirmed, 0),
            func.coalesce(counts.c.rejected, 0), Article.assigned_to,
        )
        .outerjoin(counts, counts.c.aid == Article.id)
        .where(Article.id.in_(ids))  # type: ignore[union-attr]
    )
    with db.session() as s:
        rows = {r[0]: ArticleRow(r[0], r[1], r[2], r[3], r[4], r[5].isoformat(timespec="seconds") if r[5] else "",
                                 int(r[6]), int(r[7]), int(r[8]), r[9]) for r in s.exec(stmt)}
    return [rows[i] for i in ids if i in rows]


def list_articles(db: Database, flt: ArticleFilter = ArticleFilter()) -> list[ArticleRow]:
    return article_rows(db, article_ids(db, flt))


def curators(db: Database) -> list[str]:
    """Everyone who has curated or been given articles here (names for "Assign to…")."""
    with db.session() as s:
        names = set(s.exec(select(History.user).distinct()).all())
        names |= set(s.exec(select(Article.assigned_to).distinct()).all())
    return sorted(n for n in names if n)


def article(db: Database, article_id: int) -> Optional[Article]:
    with db.session() as s:
        return s.get(Article, article_id)


def mentions(db: Database, article_id: int, include_rejected: bool = True) -> list[Mention]:
    with db.session() as s:
        stmt = select(Mention).where(Mention.article_id == article_id)
        if not include_rejected:
            stmt = stmt.where(Mention.status != "rejected")
        return list(s.exec(stmt.order_by(Mention.start, Mention.end)))


def mention(db: Database, mention_id: int) -> Optional[Mention]:
    with db.session() as s:
        return s.get(Mention, mention_id)


def entity(db: Database, entity_id: int) -> Optional[Entity]:
    with db.session() as s:
        return s.get(Entity, entity_id)


def entity_names(db: Database, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    with db.session() as s:
        return {e.id: e.name for e in s.exec(select(Entity).where(Entity.id.in_(ids)))}  # type: ignore[union-attr]


def entity_types(db: Database) -> list[EntityType]:
    with db.session() as s:
        return list(s.exec(select(EntityType).order_by(EntityType.position, EntityType.id)))


def stats(db: Database) -> dict:
    """Totals for `curate stats` and the status bar."""
    with db.session() as s:
        art_by_status = dict(s.exec(select(Article.status, func.count()).group_by(Article.status)).all())
        art_by_lang = dict(s.exec(select(Article.language, func.count()).group_by(Article.language)).all())
        men_by_status = dict(s.exec(select(Mention.status, func.count()).group_by(Mention.status)).all())
        men_by_type = dict(s.exec(select(Mention.type, func.count()).group_by(Mention.type)).all())
        men_by_source = dict(s.exec(select(Mention.source, func.count()).group_by(Mention.source)).all())
        linked = s.exec(select(func.count()).select_from(Mention).where(Mention.entity_id.is_not(None))).one()  # type: ignore[union-attr]
        entities = s.exec(select(func.count()).select_from(Entity)).one()
        actions = s.exec(select(func.count()).select_from(History).where(History.kind == "action")).one()
    return {
        "articles": sum(art_by_status.values()),
        "articles_by_status": art_by_status,
        "articles_by_language": art_by_lang,
        "mentions": sum(men_by_status.values()),
        "mentions_by_status": men_by_status,
        "mentions_by_type": men_by_type,
        "mentions_by_source": men_by_source,
        "mentions_linked": int(linked),
        "entities": int(entities),
        "history_actions": int(actions),
    }


def next_unfinished(db: Database, flt: ArticleFilter, order: list[int], after: Optional[int]) -> Optional[int]:
    """The first article after ``after`` in ``order`` (the list as shown, wrapping around) that
    matches ``flt`` and is not done; None when every one is done."""
    if flt.status == "done":
        return None
    statuses = [flt.status] if flt.status else ["new", "in_progress"]
    todo: set[int] = set()
    for st in statuses:
        todo |= set(article_ids(db, replace(flt, status=st)))
    todo.discard(after)  # type: ignore[arg-type]
    if not todo:
        return None
    try:
        start = order.index(after) + 1 if after is not None else 0
    except ValueError:
        start = 0
    return next((i for i in order[start:] + order[:start] if i in todo), None)


def suggestion_count(db: Database, article_id: int) -> int:
    """How many suggestions of the article nobody has decided yet."""
    with db.session() as s:
        return int(s.exec(select(func.count()).select_from(Mention).where(
            Mention.article_id == article_id, Mention.status == "suggested")).one())


def status_line(db: Database) -> str:
    """The status bar's totals: '5 articles (1 done) · 40 suggested · 12 confirmed'."""
    st = stats(db)
    ms = st["mentions_by_status"]
    n, done = st["articles"], st["articles_by_status"].get("done", 0)
    return (f"{plural(n, 'article')} ({done:,} done) · {ms.get('suggested', 0):,} suggested · "
            f"{ms.get('confirmed', 0):,} confirmed")


def plural(n: int, word: str, many: str = "") -> str:
    """'1 article', '2 articles' (``many`` for irregular plurals: 'entities')."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def kb_signature(s) -> tuple:
    """A cheap fingerprint of the knowledge base, for the indexes built from it (the detector's
    automaton, the linker's keys): it changes whenever an entity or an alias is added, removed
    or edited (entity and alias counts and highest ids, the latest entity edit)."""
    a = s.exec(select(func.count(Alias.id), func.max(Alias.id))).one()
    e = s.exec(select(func.count(Entity.id), func.max(Entity.id), func.max(Entity.updated_at))).one()
    return tuple(a) + tuple(e)


# -- what a bulk job changed -------------------------------------------------------------------------

#: past this many articles a bulk job's change is "everything": a full reload is cheaper than
#: refreshing each row, and the id sets would be large
CHANGED_ARTICLES_LIMIT = 2000


@dataclass(frozen=True)
class Mark:
    """Where the data stood before a bulk job (an import, a detection run): the highest id of
    each table, the type tables' sizes and the time.  :func:`changed_since` reads what the job
    added or changed after it."""

    article: int
    mention: int
    entity: int
    alias: int
    relation: int
    entity_types: tuple
    relation_types: tuple
    at: object  # a timezone-aware datetime (models.utcnow)


@dataclass(frozen=True)
class ChangedRows:
    """Ids of the rows a bulk job wrote, by kind (``everything``: too many to list)."""

    articles: frozenset = frozenset()
    mentions: frozenset = frozenset()
    entities: frozenset = frozenset()
    aliases: frozenset = frozenset()
    relations: frozenset = frozenset()
    entity_types: bool = False
    relation_types: bool = False
    everything: bool = False


def mark(db: Database) -> Mark:
    from desktop.models import Relation, RelationType, utcnow

    at = utcnow()
    with db.session() as s:
        def top(model) -> int:
            return int(s.exec(select(func.max(model.id))).one() or 0)

        return Mark(top(Article), top(Mention), top(Entity), top(Alias), top(Relation),
                    tuple(s.exec(select(func.count(EntityType.id), func.max(EntityType.id))).one()),
                    tuple(s.exec(select(func.count(RelationType.id), func.max(RelationType.id))).one()), at)


def changed_since(db: Database, before: Mark, article_ids=()) -> ChangedRows:
    """What was written after ``before``: the articles added, plus ``article_ids`` (those the job
    worked on, e.g. re-detected); the mentions added anywhere (an import can merge annotations
    into an article it already had) or changed in those articles; the entities and aliases
    added; the entities those mentions and aliases belong to; the relations added."""
    from desktop.models import Relation, RelationType

    with db.session() as s:
        articles = set(s.exec(select(Article.id).where(Article.id > before.article)))
        known = articles | set(article_ids)
        if len(known) > CHANGED_ARTICLES_LIMIT:
            return ChangedRows(everything=True, entity_types=True, relation_types=True)
        mentions: dict[int, tuple] = {r[0]: r for r in s.exec(
            select(Mention.id, Mention.article_id, Mention.entity_id).where(Mention.id > before.mention))}
        ids = sorted(known)
        for i in range(0, len(ids), _IN_CHUNK):
            for r in s.exec(select(Mention.id, Mention.article_id, Mention.entity_id).where(
                    Mention.article_id.in_(ids[i:i + _IN_CHUNK]), Mention.updated_at >= before.at)):  # type: ignore[attr-defined]
                mentions[r[0]] = r
        articles |= known | {r[1] for r in mentions.values()}
        if len(articles) > CHANGED_ARTICLES_LIMIT:
            return ChangedRows(everything=True, entity_types=True, relation_types=True)
        entities = set(s.exec(select(Entity.id).where(Entity.id > before.entity)))
        aliases = dict(s.exec(select(Alias.id, Alias.entity_id).where(Alias.id > before.alias)).all())
        entities |= set(aliases.values()) | {r[2] for r in mentions.values() if r[2] is not None}
        relations = dict(s.exec(select(Relation.id, Relation.article_id).where(Relation.id > before.relation)).all())
        articles |= set(relations.values())
        etypes = tuple(s.exec(select(func.count(EntityType.id), func.max(EntityType.id))).one())
        rtypes = tuple(s.exec(select(func.count(RelationType.id), func.max(RelationType.id))).one())
    return ChangedRows(frozenset(articles), frozenset(mentions), frozenset(entities), frozenset(aliases),
                       frozenset(relations), etypes != before.entity_types, rtypes != before.relation_types)
