"""The knowledge base's table models: entities (:class:`EntityTableModel`, what the dock and the
merge picker list) and one entity's mentions across articles (:class:`EntityMentionModel`), and
:func:`table_view`, the read-only row-selecting table both are shown in."""

from __future__ import annotations

from typing import Optional, Sequence

from PySide6.QtCore import QAbstractTableModel, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from desktop import kb
from desktop.ui.rowmodel import RowTableModel


class EntityTableModel(RowTableModel):
    """Rows of :class:`desktop.kb.EntityRow` (what :func:`desktop.kb.find_entities` returns)."""

    HEADERS = ("Name", "Type", "Wikidata", "Aliases", "Mentions")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[kb.EntityRow] = []
        self._sort: Optional[tuple[int, Qt.SortOrder]] = None

    def set_rows(self, rows: Sequence[kb.EntityRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if self._sort is not None:
            self._sort_rows(*self._sort)
        self.endResetModel()

    def rows(self) -> list[kb.EntityRow]:
        return list(self._rows)

    def entity_at(self, row: int) -> Optional[kb.EntityRow]:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, entity_id: int) -> int:
        for i, r in enumerate(self._rows):
            if r.id == entity_id:
                return i
        return -1

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (r.name, r.type, r.external_id or "", r.alias_count, r.mention_count)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.description or r.name
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        return None

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        keyf = [lambda r: r.name.casefold(), lambda r: r.type, lambda r: r.external_id or "",
                lambda r: r.alias_count, lambda r: r.mention_count][column]
        self._rows.sort(key=lambda r: (keyf(r), r.id), reverse=order == Qt.SortOrder.DescendingOrder)

    def sort(self, column, order=Qt.SortOrder.AscendingOrder):
        if not (0 <= column < len(self.HEADERS)):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._sort_rows(column, order)
        self.layoutChanged.emit()


class EntityMentionModel(RowTableModel):
    """Rows of :class:`desktop.kb.EntityMention`: every mention linked to one entity."""

    HEADERS = ("Article", "Mention", "Context", "Status")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[kb.EntityMention] = []

    def mention_at(self, row: int) -> Optional[kb.EntityMention]:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        m = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (m.article_title or f"article {m.article_id}", m.text, m.context, m.status)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{m.article_title} · {m.text} ({m.status}, at {m.start}) — double-click to open"
        if role == Qt.ItemDataRole.FontRole and m.status == "rejected":
            f = QFont()
            f.setStrikeOut(True)
            return f
        return None


def table_view(model: QAbstractTableModel, parent=None, *, multi: bool = False) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                          else QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(False)
    view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for col in range(1, model.columnCount()):
        view.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
    view.setWordWrap(False)
    return view
