"""Team mode (Qt-free): giving articles to curators.  Works the same on a SQLite file and on a
PostgreSQL server; every assignment is one undoable action of the current curator."""

from __future__ import annotations

from typing import Optional, Sequence

from sqlmodel import select

from desktop.db import Database
from desktop.errors import CurateError
from desktop.history import Tracker
from desktop.models import ARTICLE_STATUSES, Article

MAX_COUNT = 100_000


def assign(db: Database, to: str, ids: Sequence[int] = (), *, status: Optional[str] = None,
           count: Optional[int] = None) -> list[int]:
    """Give the articles ``ids`` (or the first ``count`` unassigned articles with ``status``)
    to the curator ``to`` (an empty name takes them back).  Returns the ids assigned."""
    to = (to or "").strip()
    if ids and (status or count):
        raise CurateError("give either article ids or --status/--count, not both")
    if not ids and status is None:
        raise CurateError("give article ids, or --status new|in_progress|done with --count N")
    if status is not None and status not in ARTICLE_STATUSES:
        raise CurateError(f"unknown article status {status!r} (one of {', '.join(ARTICLE_STATUSES)})")
    if count is not None and not 0 < count <= MAX_COUNT:
        raise CurateError(f"--count {count}: must be between 1 and {MAX_COUNT:,}")
    with db.transaction() as s:
        t = Tracker(s)
        if ids:
            rows = []
            for i in dict.fromkeys(ids):
                art = s.get(Article, i)
                if art is None:
                    raise CurateError(f"article {i} does not exist")
                rows.append(art)
        else:
            q = (select(Article).where(Article.status == status, Article.assigned_to.is_(None))  # type: ignore[union-attr]
                 .order_by(Article.id).limit(count or 50))
            rows = list(s.exec(q))
        for art in rows:
            t.update(art, assigned_to=to or None)
        who = to or "nobody"
        t.record("assign", f"Assign {len(rows)} article{'s' if len(rows) != 1 else ''} to {who}",
                 rows[0].id if len(rows) == 1 else None)
        return [a.id for a in rows]  # type: ignore[misc]
