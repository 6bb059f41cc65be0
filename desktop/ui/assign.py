"""Article → Assign to…: give the open article, or every article the list shows, to a curator
(team mode; :func:`desktop.team.assign`, one undoable action).  An empty name takes them back."""

from __future__ import annotations

from typing import Optional, Sequence

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QRadioButton, QVBoxLayout, QWidget

from desktop import queries


class AssignDialog(QDialog):
    def __init__(self, names: Sequence[str], current_title: Optional[str], listed: int, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWindowTitle("Assign articles")
        self.name_combo = QComboBox()
        self.name_combo.setEditable(True)
        self.name_combo.addItems(list(names))
        self.name_combo.setCurrentText("")
        self.name_combo.lineEdit().setPlaceholderText("curator's name (empty: nobody)")
        self.this_one = QRadioButton(f"This article: {current_title}" if current_title else "This article")
        self.this_one.setEnabled(current_title is not None)
        self.all_listed = QRadioButton(f"All {queries.plural(listed, 'article')} in the list")
        self.all_listed.setEnabled(listed > 0)
        (self.this_one if current_title is not None else self.all_listed).setChecked(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Give to", self.name_combo)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.this_one)
        lay.addWidget(self.all_listed)
        hint = QLabel("The list's “Mine” filter shows a curator the articles given to them.")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 48)

    def values(self) -> tuple[str, bool]:
        """(the name, whether every listed article is meant)."""
        return self.name_combo.currentText().strip(), self.all_listed.isChecked()


__all__ = ["AssignDialog"]
