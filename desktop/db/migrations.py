"""The schema's history: :data:`MIGRATIONS` and its steps, and the default types every new
database is seeded with.  :meth:`desktop.db.Database._migrate` runs them, in one write
transaction, to bring a database up to :data:`desktop.schema.SCHEMA_VERSION`.

``MIGRATIONS[n]`` takes a connection inside a transaction at version n-1 to version n.
Version 1 was the first released schema (articles, types, mentions, entities, aliases, history,
FTS).  Version 2 added relations, the detector's original span on mentions and the source of
each alias.  Version 3 dropped two mention indexes (see ``_to_v3``).  Each step is portable DDL
where it can be; a step that must differ by backend asks :func:`is_server`.
"""

from __future__ import annotations

import regex
from sqlalchemy import inspect as sa_inspect
from sqlmodel import select

from desktop import models
from desktop.db.base import DatabaseError
from desktop.db.linkkeys import kb_texts, store_link_keys
from desktop.db.search import _create_fts


def columns(c, table: str) -> set[str]:
    """Column names of ``table`` (either backend): for migrations that add a column."""
    return {col["name"] for col in sa_inspect(c).get_columns(table)}


def is_server(c) -> bool:
    """For a migration that must differ by backend (most need not: portable DDL runs on both)."""
    return c.dialect.name == "postgresql"


def _to_v2(c) -> None:
    cols = columns(c, "mention")
    if "origin_start" not in cols:
        c.exec_driver_sql("ALTER TABLE mention ADD COLUMN origin_start INTEGER")
    if "origin_end" not in cols:
        c.exec_driver_sql("ALTER TABLE mention ADD COLUMN origin_end INTEGER")
    cols = columns(c, "alias")
    if "source" not in cols:
        c.exec_driver_sql("ALTER TABLE alias ADD COLUMN source VARCHAR NOT NULL DEFAULT 'curator'")
    models.RelationType.__table__.create(c, checkfirst=True)
    models.Relation.__table__.create(c, checkfirst=True)
    _create_fts(c)
    _seed_defaults(c)


def _to_v3(c) -> None:
    """Two mention indexes that cost every write and helped no read: article_id alone
    (ix_mention_article_span starts with it) and type (five values)."""
    c.exec_driver_sql("DROP INDEX IF EXISTS ix_mention_article_id")
    c.exec_driver_sql("DROP INDEX IF EXISTS ix_mention_type")


#: Tables whose ids are never reused (an undo record names rows by id).
NEVER_REUSED = ("entity", "alias", "mention", "relation")
#: Tables with a row version (``version``), bumped by every tracked change (no lost update).
VERSIONED = ("article", "entity", "alias", "mention", "relation")


def _to_v4(c) -> None:
    """Team mode.  Row versions on the curated tables (an action checks that a row is still as
    the curator saw it), and ids that are never reused: on SQLite the four tables are rebuilt
    with AUTOINCREMENT (foreign keys are off while migrating, see Database._migrate); on
    PostgreSQL ``SERIAL`` ids come from sequences, which never go back."""
    for table in VERSIONED:
        if "version" not in columns(c, table):
            c.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
    if "assigned_to" not in columns(c, "article"):
        c.exec_driver_sql("ALTER TABLE article ADD COLUMN assigned_to VARCHAR")
        c.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_article_assigned_to ON article (assigned_to)")
    models.ArticleLock.__table__.create(c, checkfirst=True)
    if is_server(c):
        return
    for table in NEVER_REUSED:
        _sqlite_autoincrement(c, table)


def _sqlite_autoincrement(c, table: str) -> None:
    """Rebuild ``table`` with ``id INTEGER PRIMARY KEY AUTOINCREMENT`` (the 12-step recipe of
    SQLite's ALTER TABLE page), keeping its columns, rows, ids and indexes."""
    (ddl,) = c.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type='table' AND name=?", (table,)).one()
    if "AUTOINCREMENT" in ddl.upper():
        return
    indexes = [r[0] for r in c.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name=? AND sql IS NOT NULL", (table,))]
    inline = regex.compile(r"\bid\s+INTEGER\s+(?:NOT\s+NULL\s+)?PRIMARY\s+KEY\b", regex.I)
    if inline.search(ddl):  # written by hand (schema 1): id INTEGER PRIMARY KEY
        new = inline.sub("id INTEGER PRIMARY KEY AUTOINCREMENT", ddl, count=1)
    else:  # written by SQLAlchemy: id INTEGER NOT NULL, ..., PRIMARY KEY (id)
        new = regex.sub(r"\bid INTEGER NOT NULL\s*,", "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,", ddl, count=1)
        new = regex.sub(r",\s*PRIMARY KEY \(id\)", "", new, count=1)
    if new == ddl or "AUTOINCREMENT" not in new:
        raise DatabaseError(f"cannot upgrade table {table}: unexpected definition")
    tmp = f"_{table}_v4"
    c.exec_driver_sql(regex.sub(r"^CREATE TABLE\s+\"?\w+\"?", f"CREATE TABLE {tmp}", new, count=1))
    c.exec_driver_sql(f"INSERT INTO {tmp} SELECT * FROM {table}")
    c.exec_driver_sql(f"DROP TABLE {table}")
    c.exec_driver_sql(f"ALTER TABLE {tmp} RENAME TO {table}")
    for sql in indexes:
        c.exec_driver_sql(sql)


def _to_v5(c) -> None:
    """The stored linking keys (``link_key``, see :mod:`desktop.linking.index`), filled for every
    alias and entity name already there, so the first linking after the upgrade loads them."""
    models.LinkKey.__table__.create(c, checkfirst=True)
    store_link_keys(c, kb_texts(c))


def _to_v6(c) -> None:
    """The learned model table (desktop.detection.learning): portable DDL from the table's metadata."""
    models.SQLModel.metadata.create_all(c, tables=[models.LearnedModel.__table__])


def _to_v7(c) -> None:
    """The "detection not yet finished" mark on articles (an import killed before its detection
    is made up by the next import, ``detect`` or window start)."""
    from sqlalchemy import inspect

    cols = {col["name"] for col in inspect(c).get_columns("article")}
    if "detect_pending" not in cols:
        c.exec_driver_sql("ALTER TABLE article ADD COLUMN detect_pending BOOLEAN NOT NULL DEFAULT FALSE")


def _to_v8(c) -> None:
    """One mention per (article, start, end, type): duplicates left by earlier concurrent
    detection runs are merged first, keeping the curated one (any status but "suggested"), else
    the lowest id; relations that named a dropped duplicate are pointed at the kept one."""
    m = models.Mention.__table__
    rel = models.Relation.__table__
    rows = c.execute(select(m.c.id, m.c.article_id, m.c.start, m.c.end, m.c.type, m.c.status)
                     .order_by(m.c.id)).all()
    groups: dict[tuple, list] = {}
    for r in rows:
        groups.setdefault((r.article_id, r.start, r.end, r.type), []).append(r)
    for group in groups.values():
        if len(group) < 2:
            continue
        keep = min(group, key=lambda r: (r.status == "suggested", r.id))
        drop = [r.id for r in group if r.id != keep.id]
        group_ids = drop + [keep.id]
        c.execute(rel.delete().where(  # would join the kept mention to itself
            rel.c.head_mention_id.in_(group_ids), rel.c.tail_mention_id.in_(group_ids)))
        for col in (rel.c.head_mention_id, rel.c.tail_mention_id):
            c.execute(rel.update().where(col.in_(drop)).values({col.name: keep.id}))
        c.execute(m.delete().where(m.c.id.in_(drop)))
    for ix in m.indexes:
        if ix.name == "uq_mention_article_span_type":
            ix.create(c, checkfirst=True)


def _to_v9(c) -> None:
    """The mention index on (article_id, start, end) goes: uq_mention_article_span_type (schema 8)
    starts with the same columns, so it serves every read the other served (by article, by span)
    and the other only cost each mention written."""
    c.exec_driver_sql("DROP INDEX IF EXISTS ix_mention_article_span")


def _to_v10(c) -> None:
    """Proposed new entities: the proposal key of an unlinked suggestion (NULL for every other
    mention, so the index is partial and existing rows need no rewrite)."""
    if "proposal" not in columns(c, "mention"):
        c.exec_driver_sql("ALTER TABLE mention ADD COLUMN proposal VARCHAR")
    for ix in models.Mention.__table__.indexes:
        if ix.name == "ix_mention_proposal":
            ix.create(c, checkfirst=True)


MIGRATIONS = {2: _to_v2, 3: _to_v3, 4: _to_v4, 5: _to_v5, 6: _to_v6, 7: _to_v7, 8: _to_v8, 9: _to_v9,
              10: _to_v10}


def _seed_defaults(c) -> None:
    """The default entity and relation types that are missing (portable: runs in the schema
    transaction, so nobody else inserts meanwhile)."""
    et, rt = models.EntityType.__table__, models.RelationType.__table__
    have = set(c.execute(select(et.c.name)).scalars())
    rows = [dict(name=n, colour=col, shortcut=k, position=pos)
            for pos, (n, col, k) in enumerate(models.DEFAULT_ENTITY_TYPES) if n not in have]
    if rows:
        c.execute(et.insert(), rows)
    have = set(c.execute(select(rt.c.name)).scalars())
    rows = [dict(name=n, description=d) for n, d in models.DEFAULT_RELATION_TYPES if n not in have]
    if rows:
        c.execute(rt.insert(), rows)
