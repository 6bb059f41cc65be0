"""The article list (left): full-text search with a snippet per hit, status and language filters,
and the lazily paged table of articles (:class:`desktop.ui.article_model.ArticleModel`).

It emits ``article_chosen`` when the curator picks a row (mouse, arrows, Home/End); the window
decides what to open.  It follows :class:`~desktop.changes.Changes`: only the rows of the
articles an action touched are re-read."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QTableView, QToolButton, QVBoxLayout,
    QWidget,
)

from desktop import models, queries
from desktop.changes import Changes
from desktop.db import Database
from desktop.errors import CurateError
from desktop.history import current_user
from desktop.language import packs
from desktop.queries import ArticleFilter

from .article_model import ArticleModel
from .key_filters import KeyCatcher

LANGUAGES = (("", "All languages"), *packs.names().items(), (packs.MIXED, "Mixed"))
ARTICLE_STATUSES = (("", "Any status"), *((s, s.replace("_", " ").capitalize()) for s in models.ARTICLE_STATUSES))
SEARCH_DELAY_MS = 250
#: the Title column keeps at least this many average characters
TITLE_CHARS = 14


class ArticleList(QWidget):
    article_chosen = Signal(int)
    failed = Signal(str)

    def __init__(self, db: Database, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.db = db
        self.current_id: Optional[int] = None
        self._selecting = False
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("searchEdit")
        self.search_edit.setPlaceholderText("Search titles and texts (Ctrl+F)")
        self.search_edit.setClearButtonEnabled(True)
        self.status_filter = QComboBox(self)
        for key, label in ARTICLE_STATUSES:
            self.status_filter.addItem(label, key)
        self.language_filter = QComboBox(self)
        for key, label in LANGUAGES:
            self.language_filter.addItem(label, key)
        self.mine = QToolButton(self)
        self.mine.setObjectName("mineFilter")
        self.mine.setText("Mine")
        self.mine.setCheckable(True)
        self.mine.setToolTip("Only the articles given to you (Article → Assign to…)")
        self.model = ArticleModel(db, self)
        v = self.view = QTableView(self)
        v.setObjectName("articleList")
        v.setModel(self.model)
        v.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        v.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        v.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        v.setSortingEnabled(True)
        hh = v.horizontalHeader()
        hh.setSortIndicatorShown(True)
        hh.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        hh.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("0") * 3)
        for c in range(1, self.model.columnCount()):
            hh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        v.verticalHeader().hide()
        v.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        v.setWordWrap(False)
        v.setMinimumWidth(self.fontMetrics().averageCharWidth() * TITLE_CHARS + 150)
        v.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.modelReset.connect(self.reselect)
        self.model.layoutChanged.connect(self.reselect)
        # Home/End go to the first/last article (a row-wise list has no columns to move across)
        KeyCatcher(v, {Qt.Key.Key_Home: lambda: self._go_row(0), Qt.Key.Key_End: lambda: self._go_row(-1)})
        self.count_label = QLabel(self)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_edit.returnPressed.connect(self.apply_filter)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.language_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.mine.toggled.connect(lambda _on: self.apply_filter())
        filters = QHBoxLayout()
        filters.addWidget(self.status_filter, 1)
        filters.addWidget(self.language_filter, 1)
        filters.addWidget(self.mine)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 0, 4)
        lay.addWidget(self.search_edit)
        lay.addLayout(filters)
        lay.addWidget(v, 1)
        lay.addWidget(self.count_label)

    def set_database(self, db: Database) -> None:
        self.db = db
        self.current_id = None
        self.model.set_database(db)

    # -- filtering ---------------------------------------------------------------------------------

    def current_filter(self) -> ArticleFilter:
        return ArticleFilter(status=self.status_filter.currentData() or None,
                             language=self.language_filter.currentData() or None,
                             search=self.search_edit.text().strip() or None,
                             assigned_to=current_user() if self.mine.isChecked() else None)

    def search_terms(self) -> str:
        return self.search_edit.text().strip()

    def apply_filter(self) -> None:
        self._search_timer.stop()
        try:
            self.model.set_filter(self.current_filter())
        except CurateError as exc:
            self.failed.emit(str(exc))
        self._update_count()

    def _update_count(self) -> None:
        self.count_label.setText(queries.plural(self.model.rowCount(), "article"))

    # -- the current row ---------------------------------------------------------------------------

    @property
    def ids(self) -> list[int]:
        return self.model.ids

    def set_current(self, article_id: Optional[int]) -> None:
        self.current_id = article_id
        self.reselect()

    def reselect(self) -> None:
        """After a reload or re-sort the current article stays selected (when it is still listed)."""
        self._update_count()
        if self.current_id is None:
            return
        row = self.model.row_of(self.current_id)
        self._selecting = True
        try:
            sm = self.view.selectionModel()
            if row is None:
                sm.clearSelection()
                sm.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.NoUpdate)
            else:
                idx = self.model.index(row, 0)
                sm.setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                   | QItemSelectionModel.SelectionFlag.Rows)
                self.view.scrollTo(idx)
        finally:
            self._selecting = False

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._selecting or not current.isValid():
            return
        aid = self.model.article_id(current.row())
        if aid is not None and aid != self.current_id:
            self.article_chosen.emit(aid)

    def _go_row(self, row: int) -> None:
        n = self.model.rowCount()
        if n:
            self.view.selectRow(row % n)

    def neighbour(self, step: int) -> tuple[Optional[int], bool]:
        """(the article ``step`` rows away from the current one, whether the list ended)."""
        n = self.model.rowCount()
        if n == 0:
            return None, True
        row = self.model.row_of(self.current_id) if self.current_id is not None else None
        new = 0 if row is None else max(0, min(n - 1, row + step))
        return self.model.ids[new], row is not None and new == row

    def next_unfinished(self, after: int) -> Optional[int]:
        return queries.next_unfinished(self.db, self.current_filter(), self.model.ids, after)

    def is_before(self, a: int, b: int) -> bool:
        ra, rb = self.model.row_of(a), self.model.row_of(b)
        return ra is not None and rb is not None and ra < rb

    # -- following changes -------------------------------------------------------------------------

    def on_changes(self, changes: Changes, _initiator=None) -> None:
        unlisted = [a for a in changes.articles if self.model.row_of(a) is None]
        if changes.everything or (unlisted and queries.matching(self.db, self.model.filter, unlisted)):
            self.model.reload()  # articles the list does not hold yet (imported, or now in its filter)
            return
        for aid in changes.articles:
            self.model.refresh_article(aid)
