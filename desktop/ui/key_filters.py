"""Key filters for the panels: an event filter that claims keys in one view before the window's
shortcuts see them (:class:`KeyCatcher`), and one that keeps a line edit's Enter for the edit
(:class:`ClaimKeys`)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget


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
