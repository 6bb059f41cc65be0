"""Small dialogs: export (format, status filter, folder), preferences and the keyboard cheat-sheet."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Optional

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QPushButton, QSpinBox, QTextBrowser, QVBoxLayout, QWidget,
)

from .settings import (MAX_FONT_SIZE, MAX_THRESHOLD, MAX_TRAIN_EVERY, MIN_FONT_SIZE, MIN_THRESHOLD, MIN_TRAIN_EVERY,
                       Settings)

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


class PreferencesDialog(QDialog):
    """Edit → Preferences…: the options a curator may want to change.  The dialog only edits
    values; :meth:`MainWindow.do_preferences` stores and applies them."""

    def __init__(self, settings: Settings, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.threshold = QDoubleSpinBox(self)
        self.threshold.setObjectName("prefThreshold")
        self.threshold.setRange(MIN_THRESHOLD, MAX_THRESHOLD)
        self.threshold.setDecimals(2)
        self.threshold.setSingleStep(0.01)
        self.threshold.setValue(settings.autolink_threshold)
        self.threshold.setToolTip("A suggestion is linked automatically when its best candidate scores at least "
                                  "this much and clearly beats the second; otherwise it waits for you")
        self.font_size = QSpinBox(self)
        self.font_size.setObjectName("prefFontSize")
        self.font_size.setRange(MIN_FONT_SIZE, MAX_FONT_SIZE)
        self.font_size.setSuffix(" pt")
        self.font_size.setValue(settings.font_size)
        self.show_rejected = QCheckBox("Show rejected mentions (struck through)", self)
        self.show_rejected.setObjectName("prefShowRejected")
        self.show_rejected.setChecked(settings.show_rejected)
        self.max_file_size = QSpinBox(self)
        self.max_file_size.setObjectName("prefMaxFileSize")
        self.max_file_size.setRange(1, 100_000)
        self.max_file_size.setSuffix(" MB")
        self.max_file_size.setValue(settings.max_file_size_mb)
        self.max_file_size.setToolTip("Import skips larger files with one failure line (the command line: --max-file-size)")
        self.train_every = QSpinBox(self)
        self.train_every.setObjectName("prefTrainEvery")
        self.train_every.setRange(MIN_TRAIN_EVERY, MAX_TRAIN_EVERY)
        self.train_every.setSuffix(" confirmations")
        self.train_every.setValue(settings.train_every)
        self.train_every.setToolTip("Train the model in the background after this many new confirmations")
        form = QFormLayout()
        form.addRow("&Auto-link threshold", self.threshold)
        form.addRow("&Train after every", self.train_every)
        form.addRow("Text &font size", self.font_size)
        form.addRow("&Rejected", self.show_rejected)
        form.addRow("Largest &import file", self.max_file_size)
        note = QLabel("Lower thresholds link more suggestions automatically (and get more of them wrong). "
                      "The threshold applies to detection run from now on.", self)
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.RestoreDefaults, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(self.buttons)

    def restore_defaults(self) -> None:
        from .settings import DEFAULT_FONT_SIZE, default_threshold

        self.threshold.setValue(default_threshold())
        self.font_size.setValue(DEFAULT_FONT_SIZE)
        self.show_rejected.setChecked(False)
        self.max_file_size.setValue(50)
        from desktop.detection.learning.store import EVERY

        self.train_every.setValue(EVERY)

    def values(self) -> dict:
        return {"autolink_threshold": round(self.threshold.value(), 2), "font_size": self.font_size.value(),
                "show_rejected": self.show_rejected.isChecked(), "max_file_size_mb": self.max_file_size.value(),
                "train_every": self.train_every.value()}


class CheatSheet(QDialog):
    def __init__(self, groups: list[tuple[str, list[tuple[str, str]]]], parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard cheat-sheet")
        self.resize(560, 640)
        parts = ["<p>J and K move between suggestions (or click a highlight); Enter confirms, Delete rejects, "
                 "a number key sets the type. To add a missed mention, select its text — with the mouse, or "
                 "with the keyboard in caret mode (F7: arrows move, Shift+arrows select) — and press a number "
                 "key. The selection snaps to whole characters (never half an akshara) and drops spaces and "
                 "punctuation. In caret mode Shift+arrows select text; outside it they move the selected "
                 "mention's end. Every action is saved at once and can be undone.</p>"]
        # one table for every section, so the key column lines up from the first to the last
        parts.append("<table cellspacing='0' cellpadding='3' width='100%'>")
        for group, rows in groups:
            parts.append(f"<tr><td colspan='2'><h3>{html.escape(group)}</h3></td></tr>")
            for keys, what in rows:
                parts.append(f"<tr><td width='38%'><b>{html.escape(keys)}</b></td><td>{html.escape(what)}</td></tr>")
        parts.append("</table>")
        self.browser = QTextBrowser(self)
        self.browser.setHtml("".join(parts))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.browser)
        lay.addWidget(buttons)
        self.text = self.browser.toPlainText()
