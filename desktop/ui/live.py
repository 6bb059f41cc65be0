"""The live view: colleagues' changes appear in the window without a reload (team mode; also a
command-line run on the same SQLite file).

A :class:`LiveView` polls :class:`desktop.team.Watcher` once a second on the UI thread (each
poll is one cheap query or a look at the notification socket, it never waits) and delivers what
changed through the window's one operation path (``window.ops.publish``), exactly as the
window's own actions are delivered.  When the database cannot be reached, a banner says so, the
window keeps showing the last state, and the next polls reconnect by themselves.
"""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from desktop import queries, team
from desktop.changes import Changes
from desktop.errors import CurateError
from desktop.team import Watcher

POLL_MS = 1000
BANNER = "Connection to the database lost — showing the last state; reconnecting…"


class LiveView(QObject):
    def __init__(self, window: Any):
        super().__init__(window)
        self.window = window
        self.watcher: Optional[Watcher] = None
        self.db = None
        self.banner = QLabel(BANNER, window)
        self.banner.setObjectName("connectionBanner")
        self.banner.setStyleSheet("QLabel { background: #c62828; color: white; padding: 2px 8px; }")
        self.banner.hide()
        window.statusBar().addPermanentWidget(self.banner)
        from desktop.history import current_user

        self.user_label = QLabel(f"Curator: {current_user()}", window)  # recorded on every history row
        self.user_label.setObjectName("curatorLabel")
        window.statusBar().addPermanentWidget(self.user_label)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self.locked: Optional[int] = None  # the article whose soft lock this window holds
        self.lock_db = None
        self.beat = 0.0
        self.lock_note = ""
        self.seen_aid: Optional[int] = None
        self.mark: Optional[queries.Mark] = None  # where the data stood at the last change seen
        try:  # from now on: what changes after the window has read its state
            self.db, self.watcher = window.db, Watcher(window.db)
            self.mark = queries.mark(window.db)
        except Exception:  # noqa: BLE001 - unreachable now: the first tick shows the banner
            self.watcher = None

    @property
    def lost(self) -> bool:
        return self.banner.isVisibleTo(self.window)

    def tick(self) -> None:
        db = self.window.db
        try:
            if self.watcher is None or self.db is not db:  # first tick, or another database opened
                self.close_watcher()
                self.db, self.watcher = db, Watcher(db)
                self.mark = queries.mark(db)
            changes = self.watcher.poll(0)
            if changes is not None:
                changes = self._precise(db, changes)
        except (CurateError, OSError, Exception) as exc:  # noqa: BLE001 - any failure: the server is away
            self._set_lost(True, str(exc))
            self.close_watcher()
            return
        self._set_lost(False)
        self._soft_lock(db)
        if changes is not None:
            self.window.ops.publish(changes, self)
            if changes.summary:
                self.window.show_message(changes.summary)

    def _precise(self, db, changes: Changes) -> Changes:
        """A colleague's import or detection run writes no history, so the watcher can only say
        "everything"; what it added since the last change seen is read instead (new articles,
        their mentions, new entities), so only those are re-read here too."""
        before, self.mark = self.mark, queries.mark(db)
        if not changes.everything or before is None:
            return changes
        rows = queries.changed_since(db, before)
        if rows.everything:
            return changes
        return Changes(articles=rows.articles, mentions=rows.mentions, entities=rows.entities,
                       aliases=rows.aliases, relations=rows.relations, entity_types=rows.entity_types,
                       relation_types=rows.relation_types, summary=changes.summary)

    def _soft_lock(self, db) -> None:
        """Hold a soft lock on the open article (renewed every HEARTBEAT_S) and say when a
        colleague holds it ("alice is curating this article"); viewing is never refused."""
        import time

        aid = self.window.article_id
        if db.read_only:
            return
        if aid == self.locked and self.lock_db is db and time.monotonic() - self.beat < team.HEARTBEAT_S:
            return
        if aid == self.seen_aid and self.lock_db is db and time.monotonic() - self.beat < team.HEARTBEAT_S:
            return  # a colleague's lock, already said
        if self.locked is not None and (aid != self.locked or self.lock_db is not db):
            self._release()
        self.beat = time.monotonic()
        self.seen_aid = aid
        if aid is None:
            return
        try:
            other = team.open_article(db, aid)
        except CurateError:  # e.g. a read-only role: no lock, viewing goes on
            self.locked = None
            return
        self.locked, self.lock_db = (None, db) if other else (aid, db)
        note = f"{other} is curating this article" if other else ""
        if note and note != self.lock_note:
            self.window.show_message(note, timeout=15000)
        self.lock_note = note

    def _release(self) -> None:
        if self.locked is not None and self.lock_db is not None:
            try:
                team.close_article(self.lock_db, self.locked)
            except Exception:  # noqa: BLE001 - the server is away: the lock times out by itself
                pass
        self.locked = None

    def _set_lost(self, lost: bool, why: str = "") -> None:
        if lost and not self.banner.isVisible():
            self.banner.setToolTip(why)
            self.banner.show()
        elif not lost and self.banner.isVisible():
            self.banner.hide()
            self.window.ops.publish(_everything(), self)  # what was missed while away
            self.window.show_message("Reconnected to the database")

    def close_watcher(self) -> None:
        if self.watcher is not None:
            try:
                self.watcher.close()
            except Exception:  # noqa: BLE001 - closing a dead connection
                pass
        self.watcher = None

    def stop(self) -> None:
        self.timer.stop()
        self._release()
        self.close_watcher()


def _everything():
    from desktop.changes import Changes

    return Changes(everything=True)


def attach(window: Any) -> LiveView:
    """Start the live view of ``window`` (a MainWindow); kept as ``window.live``."""
    window.live = LiveView(window)
    return window.live
