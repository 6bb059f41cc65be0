"""The article list: a table model over *ids*, with rows fetched lazily in pages.

Opening the list reads only the ids in display order (``queries.article_ids``); the visible rows
are read a page at a time (``queries.article_rows``, no article text) when the view asks for
them and cached, so 100,000 articles open about as fast as ``SELECT id`` and scroll smoothly."""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from desktop import queries
from desktop.db import Database
from desktop.queries import ArticleFilter, ArticleRow

PAGE = 200

#: (header, row attribute, sort key for queries.article_ids)
COLUMNS = (
    ("Title", "title", "title"),
    ("Lang", "language", "language"),
    ("Status", "status", "status"),
    ("Sugg.", "suggested", "suggested"),
    ("Conf.", "confirmed", "confirmed"),
)
#: the full names, as header tooltips (the short labels leave the title column room in a narrow list)
HEADER_TIPS = ("Title", "Language", "Article status", "Suggested mentions (not yet decided)", "Confirmed mentions")
STATUS_LABELS = {"new": "new", "in_progress": "open", "done": "done"}  # short: the Title column keeps room

Index = QModelIndex | QPersistentModelIndex


#: search hits given a snippet (the best ones, as the search ranks them)
SNIPPET_LIMIT = 500

class ArticleModel(QAbstractTableModel):
    ArticleIdRole = Qt.ItemDataRole.UserRole + 1

    #: emitted after the id list was re-read (filter, sort or refresh)
    reloaded = Signal()

    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        self.db = db
        self.filter = ArticleFilter()
        self.sort_key = "id"
        self.descending = False
        self.ids: list[int] = []
        self._row_of: Optional[dict[int, int]] = None
        self._cache: dict[int, ArticleRow] = {}
        self.snippets: dict[int, str] = {}  # article id -> the search's snippet ("…[Rahim] Uddin met…")
        self.pages_fetched = 0
        self.reload()

    # -- loading ---------------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the ids for the current filter and sort; drop the cached rows."""
        self.beginResetModel()
        self.ids = queries.article_ids(self.db, self.filter, self.sort_key, self.descending)
        self._row_of = None
        self._cache.clear()
        search = (self.filter.search or "").strip()
        self.snippets = {aid: snip for aid, _title, snip in self.db.search(search, limit=SNIPPET_LIMIT)} if search else {}
        self.endResetModel()
        self.reloaded.emit()

    def set_database(self, db: Database) -> None:
        """Show another database's articles (same filter and sort)."""
        self.db = db
        self.reload()

    def set_filter(self, flt: ArticleFilter) -> None:
        if flt != self.filter:
            self.filter = flt
            self.reload()

    def refresh_article(self, article_id: int) -> None:
        """Re-read one row (after an action on that article)."""
        self._cache.pop(article_id, None)
        row = self.row_of(article_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def refresh_all_rows(self) -> None:
        """Forget every cached row (an action may have touched several articles)."""
        self._cache.clear()
        if self.ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.ids) - 1, len(COLUMNS) - 1))

    def row_of(self, article_id: int) -> Optional[int]:
        if self._row_of is None:
            self._row_of = {aid: i for i, aid in enumerate(self.ids)}
        return self._row_of.get(article_id)

    def article_id(self, row: int) -> Optional[int]:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def row_data(self, row: int) -> Optional[ArticleRow]:
        aid = self.article_id(row)
        if aid is None:
            return None
        hit = self._cache.get(aid)
        if hit is None:
            self._fetch_page(row // PAGE)
            hit = self._cache.get(aid)
        return hit

    def _fetch_page(self, page: int) -> None:
        ids = self.ids[page * PAGE:(page + 1) * PAGE]
        if len(self._cache) > 50 * PAGE:  # bound the memory of a long scroll
            self._cache.clear()
        for r in queries.article_rows(self.db, ids):
            self._cache[r.id] = r
        self.pages_fetched += 1

    # -- Qt model interface ----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section][0]
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return HEADER_TIPS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.ids)) or not (0 <= index.column() < len(COLUMNS)):
            return None
        if role == self.ArticleIdRole:
            return self.ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.TextAlignmentRole):
            return None
        col = COLUMNS[index.column()][1]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in ("suggested", "confirmed"):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        row = self.row_data(index.row())
        if row is None:
            return None
        snippet = self.snippets.get(row.id, "")
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{snippet}\n\n" if snippet else "") + \
                f"{row.title}\n{row.source}\nimported {row.imported_at}\nrejected: {row.rejected}" + \
                (f"\nassigned to {row.assigned_to}" if row.assigned_to else "")
        value = getattr(row, col)
        if col == "title" and snippet:  # while searching, each hit says where the words are
            return f"{value} — {snippet}"
        if col == "status":
            return STATUS_LABELS.get(value, value)
        return value

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][2] if 0 <= column < len(COLUMNS) else "id"
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending):
            return
        self.sort_key, self.descending = key, descending
        self.layoutAboutToBeChanged.emit()
        # re-read ids in the new order; persistent indexes follow their article
        old = list(self.ids)
        persistent = self.persistentIndexList()
        self.ids = queries.article_ids(self.db, self.filter, self.sort_key, self.descending)
        self._row_of = None
        new_rows = {aid: i for i, aid in enumerate(self.ids)}
        for idx in persistent:
            aid = old[idx.row()] if 0 <= idx.row() < len(old) else None
            r = new_rows.get(aid) if aid is not None else None
            self.changePersistentIndex(idx, self.index(r, idx.column()) if r is not None else QModelIndex())
        self.layoutChanged.emit()
        self.reloaded.emit()

