"""Uncaught exceptions: logged to ``curate.log`` in the user's log folder and shown in a dialog
with the details; the window stays usable (every core action runs in its own transaction, which
the exception has already rolled back)."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import Optional

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.errors import CurateError
from desktop.paths import user_log_dir

log = logging.getLogger("desktop.ui")


def log_file() -> Path:
    return user_log_dir() / "curate.log"


def setup_logging() -> Path:
    """Send the app's log records to a rotating file in the per-user log folder."""
    path = log_file()
    root = logging.getLogger("desktop")
    for h in list(root.handlers):
        if getattr(h, "_curate", False):
            if Path(getattr(h, "baseFilename", "")) == path:
                return path
            root.removeHandler(h)  # the log folder moved (another home): follow it
            h.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return path
    handler._curate = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def show_error(parent: Optional[QWidget], title: str, message: str, details: str = "") -> QMessageBox:
    """A non-blocking message box (so a test or a running job is never stuck behind it)."""
    box = QMessageBox(QMessageBox.Icon.Critical, title, message, QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setDetailedText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setModal(False)
    box.show()
    return box


class _Relay(QObject):
    """Carries an exception raised on any thread to the GUI thread."""

    raised = Signal(str, str)


class ExceptionHook:
    def __init__(self) -> None:
        self.relay = _Relay()
        self.relay.raised.connect(self._show)
        self.previous = sys.excepthook
        self.last_dialog: Optional[QMessageBox] = None
        self.count = 0

    def install(self) -> "ExceptionHook":
        setup_logging()
        sys.excepthook = self
        return self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self.previous

    def __call__(self, etype: type[BaseException], value: BaseException, tb: Optional[TracebackType]) -> None:
        if issubclass(etype, KeyboardInterrupt):
            self.previous(etype, value, tb)
            return
        details = "".join(traceback.format_exception(etype, value, tb))
        self.count += 1
        if isinstance(value, CurateError):
            log.warning("%s", value)
        else:
            log.error("uncaught exception\n%s", details)
        self.relay.raised.emit(str(value) or etype.__name__, details)

    def _show(self, message: str, details: str) -> None:
        parent = QApplication.activeWindow()
        text = (f"Something went wrong: {message}\n\nThe action was not saved; your work so far is safe. "
                f"Details are in {log_file()}.")
        self.last_dialog = show_error(parent, "Curate — unexpected error", text, details)


_hook: Optional[ExceptionHook] = None


def install_excepthook() -> ExceptionHook:
    global _hook
    if _hook is None:
        _hook = ExceptionHook()
    return _hook.install()
