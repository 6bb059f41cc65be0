"""The knowledge-base browser: a dock that lists entities and edits them.

Filter entities by name or alias (any script, across spellings: :func:`desktop.kb.find_entities`)
and by type; for the selected entity, edit its name, type, description and Wikidata id, see its
aliases grouped by script and every mention linked to it across articles (double-click jumps
there, the Mentions tab shows each in its context).  Create an entity, merge two, split aliases
off into a new one, rename, delete after a confirmation.  Every change is one call of a
:mod:`desktop.kb` function run through :class:`desktop.ui.operations.Ops`, so it is undoable,
recorded in the history and seen by the other panels; the widget never touches the database.

The form is :class:`desktop.ui.entity_editor.EntityEditor` (also embedded by
:class:`desktop.ui.link_panel.LinkPanel`), the tables' models live in :mod:`desktop.ui.kb_models`
and the dialogs in :mod:`desktop.ui.entity_dialogs`.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDockWidget, QFrame, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QMessageBox, QScrollArea,
    QSplitter, QTabWidget, QVBoxLayout, QWidget,
)

from desktop import curation, kb, queries
from desktop.changes import Changes
from desktop.ui.entity_dialogs import EntityPickerDialog, NewEntityDialog
from desktop.ui.entity_editor import EntityEditor
from desktop.ui.kb_models import EntityMentionModel, EntityTableModel, table_view
from desktop.ui.key_filters import ClaimKeys, KeyCatcher
from desktop.ui.operations import Ops
from desktop.ui.widgets import message_label, show_message, tool_button

FILTER_DELAY_MS = 150
FIND_LIMIT = 2000  # rows listed; select_entity filters by name to reach one beyond them


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
        self.table = table_view(self.model, multi=True)
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
        self.mention_view = table_view(self.mention_model)
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
            self.editor.reload(keep_typed=True)
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

