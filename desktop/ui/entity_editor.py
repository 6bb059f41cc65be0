"""The entity form: :class:`EntityEditor` edits one entity's name, type, Wikidata id and
description and its aliases grouped by script.  The knowledge-base dock
(:class:`desktop.ui.kb_browser.KbBrowser`) and the link panel
(:class:`desktop.ui.link_panel.LinkPanel`) both embed it."""

from __future__ import annotations

from typing import Optional, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QTreeView,
    QVBoxLayout, QWidget,
)

from desktop import kb, queries
from desktop.changes import Changes
from desktop.errors import CurateError
from desktop.language import packs
from desktop.ui.key_filters import ClaimKeys, KeyCatcher
from desktop.ui.operations import Ops
from desktop.ui.widgets import message_label, show_message

SCRIPT_LABELS = (*packs.names().items(), ("other", "Other scripts"))
ALIAS_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: the alias row's version as shown (an edit is refused if a colleague changed it since)
ALIAS_VERSION_ROLE = Qt.ItemDataRole.UserRole + 2


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

    def reload(self, keep_typed: bool = False) -> None:
        """Show the entity as stored.  ``keep_typed``: a re-read after a change elsewhere (a
        colleague's, or the one a refused save reports): the fields the curator edited and has
        not saved keep what they typed, over the values read now (Revert drops them)."""
        typed = self.pending_changes() if keep_typed else {}
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
        kept = {k: v for k, v in typed.items() if v != self._loaded.get(k)} if ent is not None else {}
        if kept:
            self._apply_typed(kept)
            if not self.message.text():  # a refused save has said why already
                show_message(self.message, "This entity was changed meanwhile; the fields you edited keep what "
                                           "you typed. Save to apply them, Revert to drop them.")

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
            self.reload(keep_typed=True)

    def _apply_typed(self, typed: dict) -> None:
        if "name" in typed:
            self.name_edit.setText(typed["name"])
        if "type" in typed:
            i = self.type_combo.findText(typed["type"])
            if i >= 0:
                self.type_combo.setCurrentIndex(i)
        if "description" in typed:
            self.description_edit.setText(typed["description"])
        if "external_id" in typed:
            self.qid_edit.setText(typed["external_id"])
            self._check_qid()
