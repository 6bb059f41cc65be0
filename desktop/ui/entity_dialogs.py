"""The knowledge base's small dialogs: :class:`EntityPickerDialog` chooses the other entity of a
merge, :class:`NewEntityDialog` asks for a new entity's name and type."""

from __future__ import annotations

from typing import Optional, Sequence

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QVBoxLayout

from desktop import kb
from desktop.ui.kb_models import EntityTableModel, table_view


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
        self.view = table_view(self.model, self)
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
