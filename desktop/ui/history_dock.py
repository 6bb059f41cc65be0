"""The History dock: the audit log of curation actions (who, when, what), newest first.

Undone actions are shown struck through; a double-click opens the action's article.  Read-only:
undo and redo stay on Ctrl+Z / Ctrl+Shift+Z, which follow the same log."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDockWidget, QListWidget, QListWidgetItem, QWidget

from desktop import history
from desktop.db import Database

LIMIT = 300


class HistoryDock(QDockWidget):
    #: the curator wants to see the article of an action
    open_article = Signal(int)

    def __init__(self, db: Database, parent: Optional[QWidget] = None, ops=None):
        super().__init__("History", parent)
        self.setObjectName("HistoryDock")
        self.db = db
        self.list = QListWidget(self)
        self.list.setObjectName("historyList")
        self.list.setUniformItemSizes(True)  # one height for every row, whatever its script
        if ops is not None:
            ops.changed.connect(lambda changes, _who: changes.history and self.refresh())
        self.list.itemActivated.connect(self._activated)
        self.setWidget(self.list)
        self.visibilityChanged.connect(lambda visible: visible and self.refresh())

    def set_database(self, db: Database) -> None:
        self.db = db
        self.list.clear()
        self.refresh()

    def refresh(self) -> None:
        """Re-read the log (only while the dock is shown: nothing to pay for when hidden)."""
        if not self.isVisible():
            return
        self.list.clear()
        for h in history.entries(self.db, limit=LIMIT):
            if h.kind != "action":
                continue
            when = h.at.astimezone().strftime("%Y-%m-%d %H:%M") if h.at else ""
            mark = "" if h.state == "done" else f" ({h.state})"
            item = QListWidgetItem(f"{when}  {h.summary}{mark}  — {h.user}")
            item.setData(Qt.ItemDataRole.UserRole, h.article_id)
            item.setToolTip(f"#{h.id} {h.action} · article {h.article_id or '—'} · {h.user}")
            if h.state != "done":
                f = QFont(self.list.font())
                f.setStrikeOut(True)
                item.setFont(f)
            self.list.addItem(item)

    def _activated(self, item: QListWidgetItem) -> None:
        aid = item.data(Qt.ItemDataRole.UserRole)
        if aid:
            self.open_article.emit(int(aid))
