"""Small dialogs: export (format, status filter, folder) and the keyboard cheat-sheet."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Optional

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QTextBrowser, QVBoxLayout, QWidget,
)

FORMATS = (("csv", "CSV (articles, mentions, entities, relations; opens in Excel)"),
           ("jsonl", "JSONL (one article a line; doccano / spaCy)"),
           ("conll", "CoNLL (token and BIO tag)"))
STATUSES = (("confirmed", "Confirmed mentions"), ("all", "All mentions"),
            ("suggested", "Suggestions only"), ("rejected", "Rejected only"))


class ExportDialog(QDialog):
    def __init__(self, parent: Optional[QWidget] = None, folder: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Export annotations")
        self.format_combo = QComboBox(self)
        for key, label in FORMATS:
            self.format_combo.addItem(label, key)
        self.status_combo = QComboBox(self)
        for key, label in STATUSES:
            self.status_combo.addItem(label, key)
        self.folder_edit = QLineEdit(folder, self)
        self.folder_edit.setPlaceholderText("Folder to write the files to")
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Format", self.format_combo)
        form.addRow("Mentions", self.status_combo)
        form.addRow("Folder", row)
        self.note = QLabel("Files are written to temporary names and moved into place together, "
                           "so a failed export changes nothing.", self)
        self.note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.note)
        lay.addWidget(self.buttons)
        self._update_ok()
        self.folder_edit.textChanged.connect(self._update_ok)

    def _browse(self) -> None:
        d = QFileDialog.getExistingDirectory(self, "Export to folder", self.folder_edit.text() or str(Path.home()))
        if d:
            self.folder_edit.setText(d)

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.folder_edit.text().strip()))

    def _accept(self) -> None:
        if self.folder_edit.text().strip():
            self.accept()

    def values(self) -> tuple[str, str, str]:
        """(format, status, folder)"""
        return self.format_combo.currentData(), self.status_combo.currentData(), self.folder_edit.text().strip()


class CheatSheet(QDialog):
    def __init__(self, groups: list[tuple[str, list[tuple[str, str]]]], parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard cheat-sheet")
        self.resize(560, 640)
        parts = ["<p>Click a highlight to select it; select text and press a number key to add a mention "
                 "(the selection snaps to whole characters and drops spaces and punctuation). "
                 "Every action is saved at once and can be undone.</p>"]
        for group, rows in groups:
            parts.append(f"<h3>{html.escape(group)}</h3><table cellspacing='0' cellpadding='3'>")
            for keys, what in rows:
                parts.append(f"<tr><td style='padding-right:16px'><b>{html.escape(keys)}</b></td>"
                             f"<td>{html.escape(what)}</td></tr>")
            parts.append("</table>")
        self.browser = QTextBrowser(self)
        self.browser.setHtml("".join(parts))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.browser)
        lay.addWidget(buttons)
        self.text = self.browser.toPlainText()
