"""A light read path for command-line reads of a local SQLite database: plain ``sqlite3``, no
SQLAlchemy (importing it and SQLModel is most of what a short command like ``curate list``
costs).

It serves only the ordinary case and answers None for everything else, so the caller takes the
full path (:class:`desktop.db.Database`), which has the one-line explanations: a file that
exists, is not empty, opens read-only (never written: ``mode=ro``, ``query_only``) and is at
exactly the current schema version (an older one is upgraded by the full path first).  The
queries are those of :mod:`desktop.queries` (``list_articles``); a test compares both paths.
"""

from __future__ import annotations

import datetime as _dt
import sqlite3
from pathlib import Path
from typing import Optional
from urllib.parse import quote

from desktop.schema import SCHEMA_VERSION

#: the columns of desktop.queries.ArticleRow, in order
ROW_FIELDS = ("id", "title", "source", "language", "status", "imported_at", "suggested", "confirmed", "rejected",
              "assigned_to")

_LIST = """
SELECT a.id, a.title, a.source, a.language, a.status, a.imported_at,
       coalesce(c.suggested, 0), coalesce(c.confirmed, 0), coalesce(c.rejected, 0), a.assigned_to
FROM article a LEFT OUTER JOIN (
    SELECT article_id AS aid,
           sum(CASE WHEN status = 'suggested' THEN 1 ELSE 0 END) AS suggested,
           sum(CASE WHEN status = 'confirmed' THEN 1 ELSE 0 END) AS confirmed,
           sum(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END) AS rejected
    FROM mention GROUP BY article_id) c ON c.aid = a.id
{where}
ORDER BY a.id
"""


def _connect(path: Path) -> Optional[sqlite3.Connection]:
    if "://" in str(path) or not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        con = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
        con.execute("PRAGMA query_only = ON")
        if con.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            con.close()
            return None
        return con
    except sqlite3.Error:
        return None


def _iso(value) -> str:
    """A stored timestamp as the full path shows it: UTC (stored without an offset), to the second."""
    if not value:
        return ""
    at = _dt.datetime.fromisoformat(str(value))
    at = at.replace(tzinfo=_dt.timezone.utc) if at.utcoffset() is None else at.astimezone(_dt.timezone.utc)
    return at.isoformat(timespec="seconds")


def list_articles(path: Path, status: Optional[str] = None, language: Optional[str] = None) -> Optional[list[tuple]]:
    """The rows of ``desktop.queries.list_articles`` (as tuples in :data:`ROW_FIELDS` order)
    for a filter on status and language, or None when the full path must answer."""
    con = _connect(path)
    if con is None:
        return None
    where, params = [], []
    if status:
        where.append("a.status = ?")
        params.append(status)
    if language:
        where.append("a.language = ?")
        params.append(language)
    sql = _LIST.format(where=("WHERE " + " AND ".join(where)) if where else "")
    try:
        rows = con.execute(sql, params).fetchall()
    except (sqlite3.Error, ValueError):  # not the tables expected, a timestamp not ours: the full path says why
        return None
    finally:
        con.close()
    return [(i, t, src, lang, st, _iso(imp), int(s), int(c), int(r), who)
            for i, t, src, lang, st, imp, s, c, r, who in rows]
