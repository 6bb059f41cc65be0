"""Small widgets the panels share: the inline message line (red for errors, hidden when
empty) and the compact icon button of their tool rows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QToolButton

from desktop.ui.icons import line_icon

ERROR_STYLE = "color: #d64541;"


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

