"""The right panel: the article's mentions in a sortable table (click one to jump to it in the
text) above a slot the link panel and the relations panel fill."""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QSplitter, QTableView, QTabWidget, QVBoxLayout, QWidget

from desktop.queries import plural
from .text_pane import Span

COLUMNS = (("Mention", "text"), ("Type", "type"), ("Status", "status"), ("Source", "source"),
           ("Conf.", "confidence"), ("Entity", "entity"), ("Start", "start"))

Index = QModelIndex | QPersistentModelIndex


class MentionModel(QAbstractTableModel):
    IdRole = Qt.ItemDataRole.UserRole + 1
    SortRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent=None):
        super().__init__(parent)
        self.spans: list[Span] = []
        self.colours: dict[str, str] = {}

    def set_spans(self, spans: list[Span], colours: dict[str, str]) -> None:
        self.beginResetModel()
        self.spans = list(spans)
        self.colours = dict(colours)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.spans)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.spans)):
            return None
        s = self.spans[index.row()]
        attr = COLUMNS[index.column()][1]
        value = getattr(s, attr)
        if role == self.IdRole:
            return s.id
        if role == self.SortRole:
            return value if not isinstance(value, str) else value.casefold()
        if role == Qt.ItemDataRole.DisplayRole:
            if attr == "confidence":
                return f"{value:.2f}"
            return value
        if role == Qt.ItemDataRole.DecorationRole and attr == "type":
            return QColor(self.colours.get(s.type, "#888888"))
        if role == Qt.ItemDataRole.FontRole and s.status == "rejected":
            from PySide6.QtGui import QFont
            f = QFont()
            f.setStrikeOut(True)
            return f
        if role == Qt.ItemDataRole.ForegroundRole and s.status == "rejected":
            return QBrush(QColor("#888888"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{s.text}\n{s.type} · {s.status} · {s.source} · {s.confidence:.2f}\n{s.entity or 'not linked'}"
        return None

    def row_of(self, mention_id: int) -> Optional[int]:
        for i, s in enumerate(self.spans):
            if s.id == mention_id:
                return i
        return None


#: rows of the mention table that always show
MIN_ROWS = 5


class MentionPanel(QWidget):
    #: the curator picked a mention in the table
    mention_activated = Signal(int)

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.model = MentionModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(MentionModel.SortRole)
        self.table = QTableView(self)
        self.table.setObjectName("mentionTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(len(COLUMNS) - 1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        # compact rows, like the article list: more of an article's mentions fit above the link panel
        self.table.verticalHeader().setDefaultSectionSize(max(20, self.table.fontMetrics().height() + 6))
        # every column fits the panel (no sideways scrolling at 1280×720): the mention text stretches,
        # the short columns are as narrow as their header and text allow, long values elide
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(24)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        em = self.table.fontMetrics().horizontalAdvance("M")
        for col, width in zip(range(1, len(COLUMNS)), (5, 6, 5, 3.5, 6, 3.5)):
            header.resizeSection(col, int(width * em))
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.table.setWordWrap(False)
        # at least MIN_ROWS rows show, whatever the screen (the link panel below gives way first)
        rows_h = self.table.verticalHeader().defaultSectionSize() * MIN_ROWS
        scrollbar = self.table.style().pixelMetric(self.table.style().PixelMetric.PM_ScrollBarExtent)
        self.table.setMinimumHeight(rows_h + self.table.horizontalHeader().sizeHint().height()
                                    + 2 * self.table.frameWidth() + scrollbar + 2)
        self.table.clicked.connect(self._clicked)
        self.table.activated.connect(self._clicked)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._clicked(cur))
        self.summary = QLabel("", self)
        self.summary.setObjectName("mentionSummary")
        self.summary.setWordWrap(True)
        self.tabs = QTabWidget(self)  # link panel and relations panel go here
        self.tabs.setDocumentMode(True)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        top = QWidget(self)
        lay = QVBoxLayout(top)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.summary)
        lay.addWidget(self.table)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.tabs)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.splitter)
        self._syncing = False

    def add_tab(self, widget: QWidget, title: str) -> None:
        self.tabs.addTab(widget, title)

    def replace_tab(self, old: QWidget, new: QWidget, title: str) -> None:
        """Put ``new`` where ``old`` was (same place, still current if it was); ``old`` is deleted."""
        i = self.tabs.indexOf(old)
        current = self.tabs.currentWidget() is old
        if i < 0:
            self.tabs.addTab(new, title)
        else:
            self.tabs.removeTab(i)
            self.tabs.insertTab(i, new, title)
        if current:
            self.tabs.setCurrentWidget(new)
        old.setParent(None)
        old.deleteLater()

    def set_spans(self, spans: list[Span], colours: dict[str, str]) -> None:
        self._syncing = True
        try:
            self.model.set_spans(spans, colours)
        finally:
            self._syncing = False
        n = {k: sum(1 for s in spans if s.status == k) for k in ("suggested", "confirmed", "rejected")}
        self.summary.setText(f"{plural(len(spans), 'mention')} — {n['suggested']} suggested, "
                             f"{n['confirmed']} confirmed, {n['rejected']} rejected")

    def select(self, mention_id: Optional[int]) -> None:
        """Show a mention as current without emitting mention_activated."""
        self._syncing = True
        try:
            row = self.model.row_of(mention_id) if mention_id is not None else None
            if row is None:
                self.table.clearSelection()
                return
            idx = self.proxy.mapFromSource(self.model.index(row, 0))
            self.table.setCurrentIndex(idx)
            self.table.scrollTo(idx)
        finally:
            self._syncing = False

    def _clicked(self, index: QModelIndex) -> None:
        if self._syncing or not index.isValid():
            return
        mid = self.proxy.data(index, MentionModel.IdRole)
        if mid is not None:
            self.mention_activated.emit(int(mid))
