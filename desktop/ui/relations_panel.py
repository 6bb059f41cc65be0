"""The relations panel: typed links between two mentions of the current article.

Lists the article's relations (type, head, tail); creates one from a head and a tail mention
(combo boxes, or "selected mention → head / tail" from the text pane) and a relation type;
deletes the selected one (Delete key or button).  Every change is one undoable core action
(:mod:`desktop.relations`); ``changed`` is emitted after each.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView,
    QVBoxLayout, QWidget,
)

from desktop.ui.rowmodel import RowTableModel

from desktop import queries, relations
from desktop.changes import Changes
from desktop.text import short
from desktop.ui.key_filters import KeyCatcher
from desktop.ui.operations import Ops
from desktop.ui.widgets import message_label, show_message

LABEL_CHARS = 40
#: relations the table shows at least (a 1280×720 screen, the knowledge base open below)
MIN_ROWS = 3


class RelationTableModel(RowTableModel):
    """Rows of :class:`desktop.relations.RelationRow`."""

    HEADERS = ("Head", "Relation", "Tail")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[relations.RelationRow] = []

    def relation_at(self, row: int) -> Optional[relations.RelationRow]:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        r = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (r.head_text, type_label(r.type), r.tail_text)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{r.head_text} ({r.head_type}) — {r.type} — {r.tail_text} ({r.tail_type})"
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        return None


def type_label(name: str) -> str:
    """How a relation type reads in the window: ``member_of`` → ``member of``."""
    return name.replace("_", " ")


def _short(s: str) -> str:
    return short(s, LABEL_CHARS)


class RelationsPanel(QWidget):
    """Relations of one article (see the module doc)."""

    def __init__(self, db, parent=None, ops: Optional[Ops] = None):
        super().__init__(parent)
        self.db = db
        self.ops = ops if ops is not None else Ops(db, self)
        self.ops.failed.connect(lambda text, who: show_message(self.message, text) if who is self else None)
        self.ops.changed.connect(self._on_changes)
        self.article_id: Optional[int] = None
        self.selected_mention_id: Optional[int] = None

        self.model = RelationTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        row_h = max(20, self.table.fontMetrics().height() + 6)
        self.table.verticalHeader().setDefaultSectionSize(row_h)
        self.table.setMinimumHeight(row_h * MIN_ROWS + self.table.horizontalHeader().sizeHint().height() + 4)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.delete_button = QPushButton("Delete relation")

        self.head_combo = QComboBox()
        self.type_combo = QComboBox()
        self.tail_combo = QComboBox()
        for combo in (self.head_combo, self.tail_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self.use_as_head_button = QPushButton("← selected")
        self.use_as_head_button.setToolTip("The mention selected in the text becomes the head")
        self.use_as_tail_button = QPushButton("← selected")
        self.use_as_tail_button.setToolTip("The mention selected in the text becomes the tail")
        self.add_button = QPushButton("Add relation")
        self.message = message_label()

        form = QFormLayout()
        head_row = QHBoxLayout()
        head_row.addWidget(self.head_combo, 1)
        head_row.addWidget(self.use_as_head_button)
        tail_row = QHBoxLayout()
        tail_row.addWidget(self.tail_combo, 1)
        tail_row.addWidget(self.use_as_tail_button)
        for text, buddy, field in (("&Head", self.head_combo, head_row), ("&Relation", self.type_combo, self.type_combo),
                                   ("&Tail", self.tail_combo, tail_row)):
            label = QLabel(text)
            label.setBuddy(buddy)
            form.addRow(label, field)
        form.setVerticalSpacing(2)
        # one row of buttons under the form: the panel shares a short side column with the
        # mention table, so every line it saves is a relation more in view
        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

        KeyCatcher(self.table, {Qt.Key.Key_Delete: self.delete_selected,
                                Qt.Key.Key_Backspace: self.delete_selected})
        self.delete_button.clicked.connect(self.delete_selected)
        self.add_button.clicked.connect(self.add_relation)
        self.use_as_head_button.clicked.connect(lambda: self.use_selected_as("head"))
        self.use_as_tail_button.clicked.connect(lambda: self.use_selected_as("tail"))
        self.table.selectionModel().selectionChanged.connect(lambda _s, _d: self._update_buttons())
        self._load_types()
        self.set_article(None)

    # -- reading

    def _load_types(self) -> None:
        current = self.type_combo.currentData()
        self.type_combo.clear()
        for i, t in enumerate(relations.relation_types(self.db)):
            self.type_combo.addItem(type_label(t.name), t.name)
            self.type_combo.setItemData(i, t.description, Qt.ItemDataRole.ToolTipRole)
        i = self.type_combo.findData(current)
        self.type_combo.setCurrentIndex(max(0, i) if self.type_combo.count() else -1)

    def set_article(self, article_id: Optional[int]) -> None:
        if article_id != self.article_id:
            show_message(self.message, "")
            self.selected_mention_id = None
        self.article_id = article_id
        self.refresh()

    def set_selected_mention(self, mention_id: Optional[int]) -> None:
        """The mention selected in the text pane (for "selected mention → head / tail")."""
        self.selected_mention_id = mention_id
        self._update_buttons()

    def refresh(self) -> None:
        """Reload relations, mentions and relation types (after undo/redo or edits elsewhere)."""
        self._load_types()
        aid = self.article_id
        ms = [m for m in queries.mentions(self.db, aid, include_rejected=False)] if aid is not None else []
        for combo in (self.head_combo, self.tail_combo):
            current = combo.currentData()
            combo.clear()
            for m in ms:
                combo.addItem(f"{_short(m.text)} · {m.type} @{m.start}", m.id)
                combo.setItemData(combo.count() - 1, m.text, Qt.ItemDataRole.ToolTipRole)
            i = combo.findData(current)
            combo.setCurrentIndex(i if i >= 0 else (0 if ms else -1))
        if len(ms) > 1 and self.head_combo.currentData() == self.tail_combo.currentData():
            self.tail_combo.setCurrentIndex(1)
        keep = self.selected_relation_id()
        self.model.set_rows(relations.relations_for_article(self.db, aid) if aid is not None else [])
        for row, r in enumerate(self.model.rows()):
            if r.id == keep:
                self.table.selectRow(row)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_article = self.article_id is not None
        for w in (self.head_combo, self.tail_combo, self.type_combo):
            w.setEnabled(has_article)
        self.add_button.setEnabled(has_article and self.head_combo.count() > 1 and self.type_combo.count() > 0)
        sel = self.selected_mention_id is not None and self.head_combo.findData(self.selected_mention_id) >= 0
        self.use_as_head_button.setEnabled(sel)
        self.use_as_tail_button.setEnabled(sel)
        self.delete_button.setEnabled(self.selected_relation_id() is not None)

    def selected_relation_id(self) -> Optional[int]:
        rows = self.table.selectionModel().selectedRows()
        r = self.model.relation_at(rows[0].row()) if rows else None
        return r.id if r else None

    # -- editing

    def use_selected_as(self, role: str) -> bool:
        combo = self.head_combo if role == "head" else self.tail_combo
        i = combo.findData(self.selected_mention_id) if self.selected_mention_id is not None else -1
        if i < 0:
            show_message(self.message, "Select a mention in the text first.")
            return False
        combo.setCurrentIndex(i)
        show_message(self.message, "")
        return True

    def set_relation_type(self, name: str) -> bool:
        i = self.type_combo.findData(name)
        if i >= 0:
            self.type_combo.setCurrentIndex(i)
        return i >= 0

    def add_relation(self) -> Optional[int]:
        head, tail, typ = self.head_combo.currentData(), self.tail_combo.currentData(), self.type_combo.currentData()
        if head is None or tail is None or typ is None:
            show_message(self.message, "Choose a head mention, a relation type and a tail mention.")
            return None
        rel = self.ops.run(lambda db: relations.add_relation(db, head, tail, typ), initiator=self)
        if rel is None:
            return None
        show_message(self.message, "")
        for row, r in enumerate(self.model.rows()):
            if r.id == rel.id:
                self.table.selectRow(row)
        self._update_buttons()
        return rel.id

    def delete_selected(self) -> bool:
        """Delete the selected relation as the table shows it: refused if a colleague changed it
        since (the article's relations are then re-read)."""
        rows = self.table.selectionModel().selectedRows()
        r = self.model.relation_at(rows[0].row()) if rows else None
        if r is None:
            return False
        rid, seen = r.id, r.version
        stale = Changes(articles=frozenset({r.article_id}), relations=frozenset({rid}))
        if self.ops.run(lambda db: relations.delete_relation(db, rid, seen_version=seen), initiator=self,
                        stale=stale) is None:
            return False
        show_message(self.message, "")
        return True

    def _on_changes(self, changes: Changes, _initiator) -> None:
        if changes.touches_article(self.article_id) or changes.relation_types:
            self.refresh()
