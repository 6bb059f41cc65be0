"""Team mode (Qt-free): giving articles to curators.  Works the same on a SQLite file and on a
PostgreSQL server; every assignment is one undoable action of the current curator."""

from __future__ import annotations

from dataclasses import replace
from typing import Optional, Sequence

from sqlmodel import select

from desktop.db import Database
from desktop.errors import CurateError
from desktop.history import Tracker
from desktop.models import ARTICLE_STATUSES, Article, History

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


# -- live view ------------------------------------------------------------------------------------


class Watcher:
    """What colleagues changed since the last look (Qt-free; the window polls it).

    :meth:`poll` waits up to ``timeout`` seconds for the database's change signal
    (LISTEN/NOTIFY on PostgreSQL, ``PRAGMA data_version`` on SQLite, see
    :meth:`desktop.db.Database.change_signal`), then reads the history rows written since,
    leaving out this process's own, and returns what they changed as one
    :class:`~desktop.changes.Changes`.  A change with no history row (an import, a detection run)
    comes back as ``Changes(everything=True)``.  None: nothing new."""

    FALLBACK_S = 3.0

    def __init__(self, db: Database):
        import time

        self.db = db
        self.signal = db.change_signal()
        self.last_id = self._max_id()
        self._sig = self._signature()
        self._checked = time.monotonic()

    def _signature(self) -> tuple:
        """Articles and mentions in a few numbers: moves with an import or a detection run (no
        history rows), not with a soft lock's heartbeat."""
        from sqlalchemy import func

        from desktop.models import Mention

        with self.db.session() as s:
            a = s.exec(select(func.count(Article.id), func.max(Article.id))).one()
            m = s.exec(select(func.count(Mention.id), func.max(Mention.id), func.max(Mention.updated_at))).one()
        return (*a, *m)

    def _max_id(self) -> int:
        from sqlalchemy import func

        with self.db.session() as s:
            return int(s.exec(select(func.max(History.id))).one() or 0)

    def poll(self, timeout: float = 0.0):
        from desktop.changes import Changes
        from desktop.history import written_here

        import time

        if not self.signal.wait(timeout):
            # a signal can be missed (LISTEN's connection lost while the server restarted):
            # every few seconds, the history itself is asked
            if time.monotonic() - self._checked < self.FALLBACK_S or self._max_id() <= self.last_id:
                return None
        self._checked = time.monotonic()
        with self.db.session() as s:
            rows = list(s.exec(select(History).where(History.id > self.last_id).order_by(History.id)))
        if rows:
            self.last_id = rows[-1].id
        mine = written_here(self.db.engine)
        theirs = [h for h in rows if h.id not in mine]
        if rows and not theirs:
            return None
        if not theirs:
            sig = self._signature()
            if sig == self._sig:  # e.g. a soft lock's heartbeat: nothing to show
                return None
            self._sig = sig
            return Changes(everything=True, summary="changes by an import or detection run")
        out = Changes()
        for h in theirs:
            out = out | Changes.from_history(h)
        who = sorted({h.user for h in theirs if h.user})
        last = theirs[-1]
        return replace(out, value=None, summary=f"{', '.join(who) or 'someone'}: {last.summary}"
                       + (f" (+{len(theirs) - 1} more)" if len(theirs) > 1 else ""))

    def close(self) -> None:
        self.signal.close()


# -- soft locks -----------------------------------------------------------------------------------

#: a lock whose holder has not renewed it for this long is free (their app died)
LOCK_TIMEOUT_S = 90
#: how often an open article's lock is renewed
HEARTBEAT_S = 30


def _now():
    from desktop.models import utcnow

    return utcnow()


def _fresh(lock, now) -> bool:
    at = lock.heartbeat_at
    if at.tzinfo is None:
        import datetime as _dt

        at = at.replace(tzinfo=_dt.timezone.utc)
    return (now - at).total_seconds() < LOCK_TIMEOUT_S


def open_article(db: Database, article_id: int, user: Optional[str] = None) -> Optional[str]:
    """The current curator opens ``article_id``: takes (or renews) its soft lock, unless a
    colleague holds a fresh one.  Returns that colleague's name ("alice is curating this
    article"), or None.  Viewing is never refused."""
    from desktop.history import current_user
    from desktop.models import ArticleLock

    user = user or current_user()
    now = _now()
    with db.transaction() as s:
        lock = s.get(ArticleLock, article_id)
        if lock is not None and lock.user != user and _fresh(lock, now):
            return lock.user
        if s.get(Article, article_id) is None:
            return None
        if lock is None:
            s.add(ArticleLock(article_id=article_id, user=user, heartbeat_at=now))
        else:
            lock.user, lock.heartbeat_at = user, now
            s.add(lock)
    return None


def close_article(db: Database, article_id: int, user: Optional[str] = None) -> None:
    """Free the current curator's lock on ``article_id`` (a colleague's stays)."""
    from desktop.history import current_user
    from desktop.models import ArticleLock

    user = user or current_user()
    with db.transaction() as s:
        lock = s.get(ArticleLock, article_id)
        if lock is not None and lock.user == user:
            s.delete(lock)


def holder(db: Database, article_id: int) -> Optional[str]:
    """Who else is curating ``article_id`` now (a fresh lock of another curator), or None."""
    from desktop.history import current_user
    from desktop.models import ArticleLock

    with db.session() as s:
        lock = s.get(ArticleLock, article_id)
    if lock is None or lock.user == current_user() or not _fresh(lock, _now()):
        return None
    return lock.user
