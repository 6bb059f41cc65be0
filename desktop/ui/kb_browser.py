"""The knowledge-base browser: a dock that lists entities and edits them.

Filter entities by name or alias (any script, across spellings: :func:`desktop.kb.find_entities`)
and by type; for the selected entity, edit its name, type, description and Wikidata id, see its
aliases grouped by script and every mention linked to it across articles (double-click jumps
there, the Mentions tab shows each in its context).  Create an entity, merge two, split aliases
off into a new one, rename, delete after a confirmation.  Every change is one call of a
:mod:`desktop.kb` function run through :class:`desktop.ui.operations.Ops`, so it is undoable,
recorded in the history and seen by the other panels; the widget never touches the database.

:class:`EntityEditor` (the form) is also embedded by :class:`desktop.ui.link_panel.LinkPanel`.
"""

from __future__ import annotations

from typing import Optional, Sequence

from PySide6.QtCore import QAbstractTableModel, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QDockWidget, QFormLayout, QHBoxLayout,
    QFrame, QHeaderView, QInputDialog, QLabel, QLineEdit, QMessageBox, QPushButton, QScrollArea, QSplitter, QTableView,
    QTabWidget, QToolButton, QTreeView, QVBoxLayout, QWidget,
)

from desktop.ui.icons import line_icon
from desktop.ui.rowmodel import RowTableModel

from desktop import curation, kb, queries
from desktop.changes import Changes
from desktop.errors import CurateError
from desktop.language import packs
from desktop.ui.operations import Ops

ERROR_STYLE = "color: #d64541;"
SCRIPT_LABELS = (*packs.names().items(), ("other", "Other scripts"))
ALIAS_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: the alias row's version as shown (an edit is refused if a colleague changed it since)
ALIAS_VERSION_ROLE = Qt.ItemDataRole.UserRole + 2
FILTER_DELAY_MS = 150
FIND_LIMIT = 2000  # rows listed; select_entity filters by name to reach one beyond them


def message_label() -> QLabel:
    """An inline message line (errors in red, hidden when empty)."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def tool_button(icon: str, tip: str) -> QToolButton:
    """A compact icon button; its tooltip (and accessible name) says what it does."""
    b = QToolButton()
    b.setIcon(line_icon(icon))
    b.setToolTip(tip)
    b.setAccessibleName(tip.split(" — ")[0])
    b.setAutoRaise(True)
    return b


def show_message(label: QLabel, text: str, error: bool = True) -> None:
    label.setStyleSheet(ERROR_STYLE if error else "")
    label.setText(text)
    label.setVisible(bool(text))


def _plain_key(event: QKeyEvent) -> bool:
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return mods == Qt.KeyboardModifier.NoModifier


class KeyCatcher(QObject):
    """An event filter that claims some keys in one view before window shortcuts see them
    (Delete rejects a mention in the window; in this view it means "delete this row")."""

    def __init__(self, view: QWidget, handlers: dict[int, callable]):  # type: ignore[valid-type]
        super().__init__(view)
        self._handlers = handlers
        view.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        et = event.type()
        if et in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and _plain_key(event):
            handler = self._handlers.get(event.key())
            if handler is not None:
                event.accept()
                if et == QEvent.Type.KeyPress:
                    handler()
                return True
        return False


_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ClaimKeys(QObject):
    """An event filter that keeps some keys for a widget (a line edit's Enter, which saves)
    instead of letting the window's shortcuts (Enter confirms a mention) take them."""

    def __init__(self, widget: QWidget, keys=_ENTER_KEYS):
        super().__init__(widget)
        self._keys = set(keys)
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in self._keys and _plain_key(event):
            event.accept()
            return True
        return False


# -- models --------------------------------------------------------------------------------------


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


def _table(model: QAbstractTableModel, parent=None, *, multi: bool = False) -> QTableView:
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


# -- the entity form -------------------------------------------------------------------------------


class EntityEditor(QWidget):
    """Edit one entity: name, type, Wikidata id (checked for form), description, aliases.

    Saves through :func:`desktop.kb.edit_entity` (only the fields that changed),
    :func:`desktop.kb.add_alias` and :func:`desktop.kb.remove_alias`, each through ``ops``.
    Errors (a malformed QID, an empty name...) show inline."""

    def __init__(self, db, parent=None, ops: Optional[Ops] = None, *, wide: bool = False):
        """``wide``: the form and the aliases side by side (a short, wide dock) rather than
        one above the other (a tall side panel)."""
        super().__init__(parent)
        self.db = db
        self.ops = ops if ops is not None else Ops(db, self)
        self.ops.failed.connect(lambda text, who: show_message(self.message, text) if who is self else None)
        self.ops.changed.connect(self._on_changes)
        self.entity_id: Optional[int] = None
        self._loaded: dict = {}
        #: the entity's version as shown: a save is refused if a colleague changed it since
        self.entity_version: Optional[int] = None

        self.name_edit = QLineEdit()
        self.type_combo = QComboBox()
        self.qid_edit = QLineEdit()
        self.qid_edit.setPlaceholderText("Q… (optional)")
        self.qid_error = message_label()
        self.description_edit = QLineEdit()
        self.save_button = QPushButton("Save")
        self.revert_button = QPushButton("Revert")

        self.alias_model = QStandardItemModel(0, 2, self)
        self.alias_model.setHorizontalHeaderLabels(["Alias", "Source"])
        self.alias_view = QTreeView()
        self.alias_view.setModel(self.alias_model)
        self.alias_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.alias_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.alias_view.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.alias_view.header().setStretchLastSection(False)
        self.new_alias_edit = QLineEdit()
        self.new_alias_edit.setPlaceholderText("New alias (any script)")
        self.add_alias_button = QPushButton("Add alias")
        self.remove_alias_button = QPushButton("Remove alias")
        self.message = message_label()

        form = QFormLayout()
        form.addRow("&Name", self.name_edit)
        form.addRow("&Type", self.type_combo)
        form.addRow("&Wikidata id", self.qid_edit)
        form.addRow("", self.qid_error)
        form.addRow("&Description", self.description_edit)
        buttons = QVBoxLayout() if wide else QHBoxLayout()
        if not wide:
            buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        if wide:
            buttons.addStretch(1)
        alias_row = QHBoxLayout()
        alias_row.addWidget(self.new_alias_edit, 1)
        alias_row.addWidget(self.add_alias_button)
        alias_row.addWidget(self.remove_alias_button)
        aliases = QVBoxLayout()
        if not wide:  # side by side, the tree's own header says what it lists
            aliases.addWidget(QLabel("Aliases by script"))
        aliases.addWidget(self.alias_view, 1)
        aliases.addLayout(alias_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if wide:
            form.setVerticalSpacing(2)
            aliases.setSpacing(2)
            self.alias_model.setHorizontalHeaderLabels(["Aliases by script", "Source"])
            row = QHBoxLayout()
            left = QVBoxLayout()
            left.addLayout(form)
            left.addStretch(1)
            row.addLayout(left, 1)
            row.addLayout(buttons)
            row.addLayout(aliases, 1)
            layout.addLayout(row, 1)
        else:
            layout.addLayout(form)
            layout.addLayout(buttons)
            layout.addLayout(aliases, 1)
        layout.addWidget(self.message)

        self.qid_edit.textChanged.connect(self._check_qid)
        for edit in (self.name_edit, self.qid_edit, self.description_edit):
            edit.returnPressed.connect(self.save)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.reload)
        self.add_alias_button.clicked.connect(self.add_alias)
        self.new_alias_edit.returnPressed.connect(self.add_alias)
        self.remove_alias_button.clicked.connect(self.remove_selected_aliases)
        for edit in (self.name_edit, self.qid_edit, self.description_edit, self.new_alias_edit):
            ClaimKeys(edit)
        KeyCatcher(self.alias_view, {Qt.Key.Key_Delete: self.remove_selected_aliases})
        self.set_entity(None)

    # -- loading

    def _load_types(self, current: str) -> None:
        names = [t.name for t in queries.entity_types(self.db)]
        if current and current not in names:
            names.append(current)
        self.type_combo.blockSignals(True)
        self.type_combo.clear()
        self.type_combo.addItems(names)
        self.type_combo.setCurrentIndex(max(0, names.index(current)) if current in names else -1)
        self.type_combo.blockSignals(False)

    def set_entity(self, entity_id: Optional[int]) -> None:
        if entity_id != self.entity_id:
            show_message(self.message, "")
        self.entity_id = entity_id
        self.reload()

    def reload(self) -> None:
        ent = queries.entity(self.db, self.entity_id) if self.entity_id is not None else None
        if ent is None:
            self.entity_id = None
        self._loaded = ({"name": ent.name, "type": ent.type, "description": ent.description or "",
                         "external_id": ent.external_id or ""} if ent else {})
        self.entity_version = ent.version if ent else None
        self.name_edit.setText(self._loaded.get("name", ""))
        self._load_types(self._loaded.get("type", ""))
        self.qid_edit.setText(self._loaded.get("external_id", ""))
        self.description_edit.setText(self._loaded.get("description", ""))
        self._load_aliases()
        self._check_qid()
        enabled = ent is not None
        for w in (self.name_edit, self.type_combo, self.qid_edit, self.description_edit, self.save_button,
                  self.revert_button, self.alias_view, self.new_alias_edit, self.add_alias_button,
                  self.remove_alias_button):
            w.setEnabled(enabled)

    def _load_aliases(self) -> None:
        self.alias_model.removeRows(0, self.alias_model.rowCount())
        if self.entity_id is None:
            return
        groups = kb.aliases_by_script(self.db, self.entity_id)
        for code, label in SCRIPT_LABELS:
            als = groups.get(code, [])
            if not als:
                continue
            head = QStandardItem(f"{label} ({len(als)})")
            head.setSelectable(False)
            tail = QStandardItem("")
            tail.setSelectable(False)
            for a in als:
                item = QStandardItem(a.text)
                item.setData(a.id, ALIAS_ID_ROLE)
                item.setData(a.version, ALIAS_VERSION_ROLE)
                item.setToolTip(f"{a.text} · {a.language or '?'} · {a.source}")
                src = QStandardItem(a.source)
                src.setData(a.id, ALIAS_ID_ROLE)
                head.appendRow([item, src])
            self.alias_model.appendRow([head, tail])
        self.alias_view.expandAll()

    def alias_items(self) -> dict[str, list[tuple[int, str]]]:
        """What the alias tree shows: script label -> [(alias id, text)]."""
        out: dict[str, list[tuple[int, str]]] = {}
        for r in range(self.alias_model.rowCount()):
            head = self.alias_model.item(r, 0)
            label = head.text().rsplit(" (", 1)[0]
            out[label] = [(head.child(i, 0).data(ALIAS_ID_ROLE), head.child(i, 0).text())
                          for i in range(head.rowCount())]
        return out

    def select_aliases(self, alias_ids: Sequence[int]) -> None:
        sel = self.alias_view.selectionModel()
        sel.clearSelection()
        wanted = set(alias_ids)
        for r in range(self.alias_model.rowCount()):
            head = self.alias_model.item(r, 0)
            for i in range(head.rowCount()):
                child = head.child(i, 0)
                if child.data(ALIAS_ID_ROLE) in wanted:
                    sel.select(child.index(), sel.SelectionFlag.Select | sel.SelectionFlag.Rows)

    def alias_versions(self, alias_ids: Sequence[int]) -> dict[int, Optional[int]]:
        """alias id -> the version the tree shows (for the core's stale check)."""
        out: dict[int, Optional[int]] = {}
        for r in range(self.alias_model.rowCount()):
            head = self.alias_model.item(r, 0)
            for i in range(head.rowCount()):
                child = head.child(i, 0)
                if child.data(ALIAS_ID_ROLE) in alias_ids:
                    out[child.data(ALIAS_ID_ROLE)] = child.data(ALIAS_VERSION_ROLE)
        return out

    def selected_alias_ids(self) -> list[int]:
        ids = []
        for idx in self.alias_view.selectionModel().selectedRows(0):
            aid = idx.data(ALIAS_ID_ROLE)
            if aid is not None and aid not in ids:
                ids.append(aid)
        return ids

    # -- editing

    def _check_qid(self) -> bool:
        try:
            kb.validate_qid(self.qid_edit.text())
        except CurateError as exc:
            show_message(self.qid_error, str(exc))
            return False
        show_message(self.qid_error, "")
        return True

    def pending_changes(self) -> dict:
        if self.entity_id is None:
            return {}
        fields: dict = {}
        name = self.name_edit.text().strip()
        if name != self._loaded["name"]:
            fields["name"] = name
        typ = self.type_combo.currentText()
        if typ and typ != self._loaded["type"]:
            fields["type"] = typ
        desc = self.description_edit.text().strip()
        if desc != self._loaded["description"]:
            fields["description"] = desc
        qid = self.qid_edit.text().strip()
        if qid != self._loaded["external_id"]:
            fields["external_id"] = qid
        return fields

    def save(self) -> bool:
        """Save the changed fields in one undoable edit; False (and an inline error) if refused."""
        if self.entity_id is None:
            return False
        if not self._check_qid():
            self.qid_edit.setFocus()
            return False
        fields = self.pending_changes()
        if not fields:
            return True
        eid, seen = self.entity_id, self.entity_version
        if self.ops.run(lambda db: kb.edit_entity(db, eid, **fields, seen_version=seen), initiator=self) is None:
            return False
        show_message(self.message, "Saved.", error=False)
        return True

    def add_alias(self) -> bool:
        text = self.new_alias_edit.text().strip()
        if self.entity_id is None or not text:
            return False
        eid = self.entity_id
        if self.ops.run(lambda db: kb.add_alias(db, eid, text), initiator=self) is None:
            return False
        self.new_alias_edit.clear()
        show_message(self.message, "")
        return True

    def remove_selected_aliases(self) -> int:
        ids = self.selected_alias_ids()
        if not ids:
            show_message(self.message, "Select the aliases to remove.")
            return 0
        done = 0
        seen = self.alias_versions(ids)
        for aid in ids:
            if self.ops.run(lambda db, aid=aid: kb.remove_alias(db, aid, seen_version=seen.get(aid)),
                            initiator=self) is None:
                break
            done += 1
        return done

    def _on_changes(self, changes: Changes, _initiator) -> None:
        if self.entity_id is not None and (changes.everything or self.entity_id in changes.entities
                                           or changes.entity_types):
            self.reload()


# -- picking the other entity of a merge ----------------------------------------------------------


class EntityPickerDialog(QDialog):
    """Choose one entity of a type (the other side of a merge), filtered by name or alias."""

    def __init__(self, db, type_name: str, exclude_id: Optional[int] = None, text: str = "", parent=None,
                 title: str = "Choose an entity"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.db = db
        self.type_name = type_name
        self.exclude_id = exclude_id
        self.filter_edit = QLineEdit(text)
        self.filter_edit.setPlaceholderText("Filter by name or alias (any script)")
        self.model = EntityTableModel(self)
        self.view = _table(self.model, self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)
        self.filter_edit.textChanged.connect(self.apply_filter)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.view.doubleClicked.connect(lambda _i: self.accept())
        self.resize(480, 360)
        self.apply_filter()

    def apply_filter(self) -> None:
        rows = [r for r in kb.find_entities(self.db, self.filter_edit.text(), type=self.type_name, limit=200)
                if r.id != self.exclude_id]
        self.model.set_rows(rows)
        if rows:
            self.view.selectRow(0)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(rows))

    def chosen_id(self) -> Optional[int]:
        row = self.model.entity_at(self.view.currentIndex().row())
        return row.id if row else None


# -- the dock ----------------------------------------------------------------------------------------


class KbBrowser(QDockWidget):
    """The knowledge-base dock (see the module doc)."""

    jump_to_mention = Signal(int, int)  # article_id, mention_id

    def __init__(self, db, parent=None, ops: Optional[Ops] = None):
        super().__init__("Knowledge base", parent)
        self.setObjectName("KbBrowser")
        self.db = db
        self.ops = ops if ops is not None else Ops(db, self)
        self.ops.failed.connect(lambda text, who: self._error(text) if who is self else None)
        self.ops.changed.connect(self._on_changes)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by name or alias (any script)")
        self.filter_edit.setClearButtonEnabled(True)
        self.type_filter = QComboBox()
        self.model = EntityTableModel(self)
        self.table = _table(self.model, multi=True)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.count_label = QLabel()

        # a compact tool row beside the filter: a bottom dock is short, buttons under the table
        # would fall below its fold on a 1280×720 screen
        self.new_button = tool_button("new", "New entity… — create an entity (name and type; aliases in the form)")
        self.rename_button = tool_button("rename", "Rename… — the old name stays an alias")
        self.merge_button = tool_button("merge", "Merge… — select two entities (the current one survives), "
                                                 "or one and pick the other")
        self.split_button = tool_button("split", "Split aliases… — move the aliases selected in the form "
                                                 "(and their mentions) to a new entity")
        self.delete_button = tool_button("delete", "Delete… — the selected entity, after a confirmation (Delete)")

        self.editor = EntityEditor(db, ops=self.ops, wide=True)
        self.mention_model = EntityMentionModel(self)
        self.mention_view = _table(self.mention_model)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.editor, "Entity")
        self.tabs.addTab(self.mention_view, "Mentions")
        self.message = message_label()

        top = QHBoxLayout()
        top.setSpacing(2)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.type_filter)
        top.addSpacing(4)
        for b in (self.new_button, self.rename_button, self.merge_button, self.split_button, self.delete_button):
            top.addWidget(b)
        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.setSpacing(2)
        ul.addLayout(top)
        ul.addWidget(self.table, 1)
        ul.addWidget(self.count_label)
        splitter = QSplitter(Qt.Orientation.Horizontal)  # side by side: a bottom dock is wide and short
        splitter.addWidget(upper)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        body = QWidget()
        bl = QVBoxLayout(body)
        bl.setContentsMargins(4, 2, 4, 2)
        bl.addWidget(splitter, 1)
        bl.addWidget(self.message)
        # in a scroll area: the dock never forces the window taller than the screen
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.setWidget(scroll)

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(lambda _t: self._filter_timer.start())
        self.filter_edit.returnPressed.connect(self.apply_filter)
        ClaimKeys(self.filter_edit)
        self.type_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self._loading = False
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.selectionModel().selectionChanged.connect(lambda _s, _d: self._update_buttons())
        self.mention_view.doubleClicked.connect(lambda idx: self._jump(idx.row()))
        KeyCatcher(self.mention_view, {Qt.Key.Key_Return: self._jump_current,
                                       Qt.Key.Key_Enter: self._jump_current})
        KeyCatcher(self.table, {Qt.Key.Key_Delete: self.delete_current})
        self.new_button.clicked.connect(self.new_entity)
        self.rename_button.clicked.connect(self.rename_current)
        self.merge_button.clicked.connect(self.merge_selected)
        self.split_button.clicked.connect(self.split_selected_aliases)
        self.delete_button.clicked.connect(self.delete_current)
        self.editor.alias_view.selectionModel().selectionChanged.connect(lambda _s, _d: self._update_buttons())

        self._stale = False
        self._load_type_filter()
        self.apply_filter()

    def set_database(self, db) -> None:
        self.db = self.editor.db = db
        self.editor.set_entity(None)
        self._stale = True
        self.refresh()

    # -- reading

    def _load_type_filter(self) -> None:
        current = self.type_filter.currentData()
        self.type_filter.blockSignals(True)
        self.type_filter.clear()
        self.type_filter.addItem("All types", None)
        for t in queries.entity_types(self.db):
            self.type_filter.addItem(t.name, t.name)
        i = self.type_filter.findData(current)
        self.type_filter.setCurrentIndex(max(0, i))
        self.type_filter.blockSignals(False)

    def set_filter(self, text: str = "", type_name: Optional[str] = None) -> None:
        """Show the entities matching ``text`` (and of ``type_name``) at once."""
        self.filter_edit.blockSignals(True)
        self.filter_edit.setText(text)
        self.filter_edit.blockSignals(False)
        self.type_filter.blockSignals(True)
        self.type_filter.setCurrentIndex(max(0, self.type_filter.findData(type_name)))
        self.type_filter.blockSignals(False)
        self.apply_filter()

    def apply_filter(self, keep_id: Optional[int] = None) -> None:
        self._filter_timer.stop()
        if keep_id is None:
            keep_id = self.current_entity_id()
        rows = kb.find_entities(self.db, self.filter_edit.text(), type=self.type_filter.currentData(),
                                limit=FIND_LIMIT)
        self._loading = True
        try:
            self.model.set_rows(rows)
            n = len(rows)
            self.count_label.setText(f"first {n} entities shown: refine the filter" if n >= FIND_LIMIT
                                     else f"{n} entit{'y' if n == 1 else 'ies'}")
            row = self.model.row_of(keep_id) if keep_id is not None else -1
            if row < 0 and n:
                row = 0
            if row >= 0:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
            else:
                self.table.clearSelection()
        finally:
            self._loading = False
        self._show_current()

    def refresh(self) -> None:
        """Reload everything (after undo/redo or edits elsewhere), keeping the current entity.
        While the dock is hidden this only notes that it must reload when shown."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        self._load_type_filter()
        self.apply_filter()

    def showEvent(self, event):  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def select_entity(self, entity_id: int) -> bool:
        """Make ``entity_id`` current (clearing the filter if it hides it)."""
        row = self.model.row_of(entity_id)
        if row < 0:
            self.set_filter("", None)
            row = self.model.row_of(entity_id)
        if row < 0 and (found := kb.entity_row(self.db, entity_id)) is not None:
            self.set_filter(found.name, None)  # beyond the first FIND_LIMIT: filter by its name
            row = self.model.row_of(entity_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self._show_current()
        return True

    def current_entity_id(self) -> Optional[int]:
        r = self.model.entity_at(self.table.currentIndex().row()) if self.table.currentIndex().isValid() else None
        return r.id if r else None

    def selected_entity_ids(self) -> list[int]:
        """Selected entities, the current one first."""
        ids = [self.model.entity_at(i.row()).id for i in self.table.selectionModel().selectedRows()]
        cur = self.current_entity_id()
        if cur in ids:
            ids.remove(cur)
            ids.insert(0, cur)
        return ids

    def _current_changed(self, _current, _previous) -> None:
        if not self._loading:
            self._show_current()

    def _show_current(self) -> None:
        eid = self.current_entity_id()
        if eid != self.editor.entity_id or eid is None:
            self.editor.set_entity(eid)
        else:
            self.editor.reload()
        ms = kb.entity_mentions(self.db, eid) if eid is not None else []
        self.mention_model.set_rows(ms)
        self.tabs.setTabText(1, f"Mentions ({len(ms)})")
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.current_entity_id() is not None
        self.rename_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        self.merge_button.setEnabled(has and len(self.table.selectionModel().selectedRows()) <= 2)
        self.split_button.setEnabled(has and bool(self.editor.selected_alias_ids()))

    def _jump(self, row: int) -> None:
        m = self.mention_model.mention_at(row)
        if m is not None:
            self.jump_to_mention.emit(m.article_id, m.mention_id)

    def _jump_current(self) -> None:
        self._jump(self.mention_view.currentIndex().row())

    # -- editing

    def _error(self, text: str) -> None:
        show_message(self.message, text)

    def _after_edit(self, keep_id: Optional[int] = None) -> None:
        self._load_type_filter()
        self.apply_filter(keep_id)

    def _on_changes(self, changes: Changes, initiator) -> None:
        """Entities, aliases or types changed (here, in the link panel, by undo, by a colleague)."""
        if initiator is self:
            return  # the action that ran here reloads with the entity it wants current
        if changes.everything or changes.entities or changes.aliases or changes.entity_types:
            self.refresh()

    def new_entity(self, name: str = "", type_name: Optional[str] = None) -> Optional[int]:
        """Create an entity (asks for the name and type when not given) and make it current."""
        if not name:
            types = [t.name for t in queries.entity_types(self.db)]
            dlg = NewEntityDialog(types, self.filter_edit.text().strip(), self.type_filter.currentData(), self)
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return None
            name, type_name = dlg.values()
        typ = type_name or (queries.entity_types(self.db)[0].name)
        ch = self.ops.run(lambda db: curation.create_entity(db, name, typ), initiator=self)
        if ch is None:
            return None
        show_message(self.message, f"Created ‘{ch.value.name}’.", error=False)
        self.set_filter("", None)
        self.select_entity(ch.id)
        self.editor.name_edit.setFocus()
        return ch.id

    def _current_row(self) -> Optional[kb.EntityRow]:
        """The current entity as the table shows it (its ``version`` is what the curator saw)."""
        idx = self.table.currentIndex()
        return self.model.entity_at(idx.row()) if idx.isValid() else None

    def _shown_row(self, entity_id: int) -> Optional[kb.EntityRow]:
        """``entity_id`` as the table shows it, else as it is now (picked in a dialog just now)."""
        row = self.model.row_of(entity_id)
        return self.model.entity_at(row) if row >= 0 else kb.entity_row(self.db, entity_id)

    def rename_current(self) -> bool:
        row = self._current_row()
        if row is None:
            return False
        name, ok = QInputDialog.getText(self, "Rename entity", "New name:", QLineEdit.EchoMode.Normal, row.name)
        if not ok or not name.strip() or name.strip() == row.name:
            return False
        if self.ops.run(lambda db: kb.rename_entity(db, row.id, name, seen_version=row.version),
                        initiator=self) is None:
            return False
        show_message(self.message, "")
        self._after_edit(row.id)
        return True

    def _pick_merge_target(self, row: kb.EntityRow) -> Optional[int]:
        """Ask which entity to merge into ``row`` (a dialog); None when cancelled."""
        dlg = EntityPickerDialog(self.db, row.type, exclude_id=row.id, text=row.name, parent=self,
                                 title=f"Merge into ‘{row.name}’")
        return dlg.chosen_id() if dlg.exec() == QDialog.DialogCode.Accepted else None

    def merge_selected(self) -> bool:
        """Merge: with two entities selected, the other one into the current one; with one,
        the one picked in a dialog into it.  Asks for confirmation first."""
        ids = self.selected_entity_ids()
        if not ids or len(ids) > 2:
            self._error("Select one entity (then pick the other) or two entities to merge.")
            return False
        keep = self._shown_row(ids[0])
        other_id = ids[1] if len(ids) == 2 else (self._pick_merge_target(keep) if keep is not None else None)
        other = self._shown_row(other_id) if other_id is not None else None
        if keep is None or other is None:
            return False
        answer = QMessageBox.question(
            self, "Merge entities",
            f"Merge ‘{other.name}’ ({other.mention_count} mentions, {other.alias_count} aliases) into "
            f"‘{keep.name}’?\n‘{other.name}’ becomes an alias of ‘{keep.name}’ and is removed. Undo restores both.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        seen = {keep.id: keep.version, other.id: other.version}
        if self.ops.run(lambda db: kb.merge(db, keep.id, other.id, seen_versions=seen), initiator=self) is None:
            return False
        show_message(self.message, f"Merged ‘{other.name}’ into ‘{keep.name}’.", error=False)
        self._after_edit(keep.id)
        return True

    def split_selected_aliases(self) -> Optional[int]:
        """Move the aliases selected in the editor to a new entity (its name asked for)."""
        eid = self.current_entity_id()
        alias_ids = self.editor.selected_alias_ids()
        if eid is None or not alias_ids:
            self._error("Select the aliases to split off (in the alias list below).")
            return None
        first = next((t for items in self.editor.alias_items().values() for i, t in items if i == alias_ids[0]), "")
        name, ok = QInputDialog.getText(self, "Split aliases off", "Name of the new entity:",
                                        QLineEdit.EchoMode.Normal, first)
        if not ok:
            return None
        seen = self.editor.alias_versions(alias_ids)
        new = self.ops.run(lambda db: kb.split(db, eid, alias_ids, name.strip() or None, seen_versions=seen),
                           initiator=self)
        if new is None:
            return None
        show_message(self.message, f"Split ‘{new.value.name}’ off.", error=False)
        self._after_edit(eid)
        return new.id

    def delete_current(self) -> bool:
        row = self._current_row()
        if row is None:
            return False
        links = f"{row.mention_count} mention(s) linked to it will be unlinked." if row.mention_count else \
            "No mention is linked to it."
        answer = QMessageBox.question(
            self, "Delete entity",
            f"Delete ‘{row.name}’ ({row.type}) and its {row.alias_count} aliases?\n{links}\nUndo restores it.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        if self.ops.run(lambda db: kb.delete_entity(db, row.id, seen_version=row.version),
                        initiator=self) is None:
            return False
        show_message(self.message, f"Deleted ‘{row.name}’.", error=False)
        self._after_edit()
        return True


class NewEntityDialog(QDialog):
    """Name and type of a new entity."""

    def __init__(self, types: Sequence[str], name: str = "", type_name: Optional[str] = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("New entity")
        self.name_edit = QLineEdit(name)
        self.name_edit.setPlaceholderText("Name (any script)")
        self.type_combo = QComboBox()
        self.type_combo.addItems(list(types))
        if type_name in types:
            self.type_combo.setCurrentText(type_name)
        form = QFormLayout(self)
        form.addRow("&Name", self.name_edit)
        form.addRow("&Type", self.type_combo)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        form.addRow(box)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 50)

    def values(self) -> tuple[str, str]:
        return self.name_edit.text().strip(), self.type_combo.currentText()
