"""The dialog the link panel offers after a link: link the same surface in other articles, all of
them or the ones ticked (:func:`desktop.kb.apply_link_to_surface` does it, through the panel's
one path of actions)."""

from __future__ import annotations

from html import escape
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableView, QVBoxLayout,
)

from desktop import queries

#: characters of context shown on each side of a mention
CONTEXT_CHARS = 30


def _html(s: str) -> str:
    return escape(s, quote=False)


class ApplyLinkDialog(QDialog):
    """Offer to link the same surface in other articles: all of them, or the ones ticked."""

    def __init__(self, db, mention_id: int, pairs: list[tuple[int, int]], parent=None):
        super().__init__(parent)
        self.db = db
        self.mention_id = mention_id
        m = queries.mention(db, mention_id)
        ent = queries.entity(db, m.entity_id) if m and m.entity_id else None
        surface, name = (m.text if m else "?"), (ent.name if ent else "?")
        n_articles = len({a for _m, a in pairs})
        self.setWindowTitle("Link the same surface elsewhere")
        self.label = QLabel(f"‘{_html(surface)}’ is linked to <b>{_html(name)}</b>. {len(pairs)} unlinked mention(s) "
                            f"with the same surface in {n_articles} other article(s):")
        self.label.setWordWrap(True)
        self.model = QStandardItemModel(0, 2, self)
        self.model.setHorizontalHeaderLabels(["Article", "Context"])
        texts: dict[int, str] = {}
        for mid, aid in pairs:
            if aid not in texts:
                art = queries.article(db, aid)
                texts[aid] = (art.title or f"article {aid}", art.text) if art else (f"article {aid}", "")
            title, text = texts[aid]
            om = queries.mention(db, mid)
            ctx = ""
            if om is not None and text:
                ctx = (text[max(0, om.start - CONTEXT_CHARS):om.start] + "[" + text[om.start:om.end] + "]"
                       + text[om.end:om.end + CONTEXT_CHARS]).replace("\n", " ")
            item = QStandardItem(title)
            item.setCheckable(True)
            item.setCheckState(Qt.CheckState.Checked)
            item.setEditable(False)
            item.setData(mid, Qt.ItemDataRole.UserRole)
            citem = QStandardItem(ctx)
            citem.setEditable(False)
            self.model.appendRow([item, citem])
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.buttons = QDialogButtonBox()
        self.all_button = self.buttons.addButton(f"Link all {len(pairs)}", QDialogButtonBox.ButtonRole.AcceptRole)
        self.checked_button = self.buttons.addButton("Link ticked", QDialogButtonBox.ButtonRole.AcceptRole)
        self.skip_button = self.buttons.addButton("Not now", QDialogButtonBox.ButtonRole.RejectRole)
        self.all_button.setDefault(True)
        self._choice: Optional[list[int]] = None
        self.all_button.clicked.connect(lambda: self._accept(self.all_ids()))
        self.checked_button.clicked.connect(lambda: self._accept(self.checked_ids()))
        self.skip_button.clicked.connect(self.reject)
        self.model.itemChanged.connect(lambda _i: self.checked_button.setText(
            f"Link ticked ({len(self.checked_ids())})"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)
        self.checked_button.setText(f"Link ticked ({len(pairs)})")
        self.resize(640, 360)

    def all_ids(self) -> list[int]:
        return [self.model.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(self.model.rowCount())]

    def checked_ids(self) -> list[int]:
        return [self.model.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(self.model.rowCount())
                if self.model.item(r, 0).checkState() == Qt.CheckState.Checked]

    def set_checked(self, mention_ids) -> None:
        wanted = set(mention_ids)
        for r in range(self.model.rowCount()):
            it = self.model.item(r, 0)
            it.setCheckState(Qt.CheckState.Checked if it.data(Qt.ItemDataRole.UserRole) in wanted
                             else Qt.CheckState.Unchecked)

    def _accept(self, ids: list[int]) -> None:
        self._choice = ids
        self.accept()

    def chosen_ids(self) -> list[int]:
        """The mentions to link (after accept)."""
        return list(self._choice or [])
