"""Help > About: name, version, what Curate is, the versions it runs on, and the licences of
everything it ships, with their full texts (read from `resources/`, see `desktop.licenses`).
Also `app_icon()`, the application icon for windows and dialogs."""

from __future__ import annotations

import platform
from typing import Optional

import PySide6
from PySide6.QtCore import QSize, Qt, qVersion
from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from desktop.licenses import Component, components
from desktop.paths import resource

DESCRIPTION = (
    "Annotate and link persons, organisations, places, dates and events in Bengali, Hindi and "
    "English news articles, offline."
)
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    """The Curate icon from the PNGs in resources/icons (no SVG plugin needed); an empty icon if
    they are missing."""
    icon = QIcon()
    for size in ICON_SIZES:
        path = resource("icons", f"curate-{size}.png")
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    return icon


class AboutDialog(QDialog):
    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About Curate")
        icon = app_icon()
        if not icon.isNull():
            self.setWindowIcon(icon)

        logo = QLabel()
        if not icon.isNull():
            logo.setPixmap(icon.pixmap(QSize(64, 64)))
        logo.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.title_label = QLabel("<h2>Curate</h2>")
        self.version_label = QLabel(f"Version {__version__}")
        self.version_label.setObjectName("version")
        self.version_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        description = QLabel(DESCRIPTION)
        description.setWordWrap(True)
        self.runtime_label = QLabel(
            f"Qt {qVersion()} · PySide6 {PySide6.__version__} · Python {platform.python_version()}")
        self.runtime_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        head_text = QVBoxLayout()
        for w in (self.title_label, self.version_label, description, self.runtime_label):
            head_text.addWidget(w)
        head = QHBoxLayout()
        head.addWidget(logo)
        head.addLayout(head_text, 1)

        self.licence_list = QListWidget()
        self.licence_list.setObjectName("licences")
        self.licence_list.setAccessibleName("Licences")
        for comp in components():
            item = QListWidgetItem(f"{comp.name} — {comp.licence}")
            item.setToolTip(comp.note or comp.name)
            item.setData(Qt.ItemDataRole.UserRole, comp)
            self.licence_list.addItem(item)
        self.licence_text = QPlainTextEdit()
        self.licence_text.setObjectName("licenceText")
        self.licence_text.setAccessibleName("Licence text")
        self.licence_text.setReadOnly(True)
        self.licence_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.licence_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.licence_list.currentItemChanged.connect(self._show_licence)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.licence_list)
        split.addWidget(self.licence_text)
        split.setStretchFactor(1, 1)
        split.setSizes([150, 330])

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(QLabel("Licences (select one to read its text):"))
        layout.addWidget(split, 1)
        layout.addWidget(buttons)
        self.resize(720, 560)
        self.licence_list.setCurrentRow(0)

    def _show_licence(self, item: Optional[QListWidgetItem], _previous=None) -> None:
        comp: Optional[Component] = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self.licence_text.setPlainText(comp.text() if comp else "")
        self.licence_text.moveCursor(self.licence_text.textCursor().MoveOperation.Start)

    def licence_names(self) -> list[str]:
        return [self.licence_list.item(i).text() for i in range(self.licence_list.count())]


def show_about(parent: Optional[QWidget] = None) -> AboutDialog:
    """Open the About dialog (window-modal, not blocking) and return it."""
    dlg = AboutDialog(parent)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.open()
    return dlg
