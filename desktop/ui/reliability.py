"""The window's part in keeping work safe: automatic backups (on close, every 30 minutes while
there are changes), Help → Restore from Backup…, the read-only banner, and finishing the articles
an interrupted import left undetected.  Installed by :class:`MainWindow` with one call; the core
work is in :mod:`desktop.backups` and :mod:`desktop.importing`."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QMessageBox,
                               QToolBar, QVBoxLayout, QWidget)

from desktop import backups
from desktop.errors import CurateError

log = logging.getLogger(__name__)

BANNER_STYLE = "QLabel { background: #fff3cd; color: #664d03; padding: 6px; }"


class RestoreDialog(QDialog):
    """The backups of the open database, newest first, with their dates and counts."""

    def __init__(self, db_path: str, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWindowTitle("Restore from Backup")
        self.resize(560, 360)
        self.list = QListWidget(self)
        self.list.setObjectName("backupList")
        for b in backups.list_backups(db_path):
            counts = (f"{b.articles} articles, {b.mentions} mentions" if b.problem is None
                      else f"unreadable ({b.problem})")
            item = QListWidgetItem(f"{b.at:%Y-%m-%d %H:%M:%S} — {counts}")
            item.setData(Qt.ItemDataRole.UserRole, str(b.path))
            item.setToolTip(str(b.path))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        note = QLabel("The database is replaced by the chosen backup. What it holds now is saved as a "
                      "backup first, so this can be undone by restoring that one.", self)
        note.setWordWrap(True)
        empty = QLabel(f"No backups yet (they are kept in {backups.backup_dir(db_path)}).", self)
        empty.setVisible(self.list.count() == 0)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Restore")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.list.count() > 0)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.list)
        lay.addWidget(empty)
        lay.addWidget(note)
        lay.addWidget(self.buttons)

    def chosen(self) -> Optional[str]:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None


class Reliability(QObject):
    """Hooks into the window: call :meth:`database_changed` after switching databases."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.restore_action = QAction("&Restore from Backup…", window)
        self.restore_action.setObjectName("restoreFromBackup")
        self.restore_action.triggered.connect(self.do_restore)
        window.menus["Help"].addSeparator()
        window.menus["Help"].addAction(self.restore_action)
        self.banner = QLabel(window)
        self.banner.setObjectName("readOnlyBanner")
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setWordWrap(True)
        self.bar = QToolBar("Read-only", window)
        self.bar.setObjectName("readOnlyBar")
        self.bar.setMovable(False)
        self.bar.addWidget(self.banner)
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.bar)
        self.timer = QTimer(self)
        self.timer.setInterval(int(backups.AUTO_INTERVAL_S * 1000))
        self.timer.timeout.connect(self.backup_in_background)
        self.timer.start()
        self._thread: Optional[threading.Thread] = None
        window.installEventFilter(self)
        self.database_changed()

    # -- the open database --------------------------------------------------------------------------

    def database_changed(self) -> None:
        db = self.window.db
        self.bar.setVisible(bool(db.read_only))
        if db.read_only:
            self.banner.setText("Read-only: " + (db.read_only_reason or f"{db.path} was opened read-only"))
        self.restore_action.setEnabled(not db.read_only or getattr(db, "damaged", False))
        QTimer.singleShot(0, self.finish_pending_detection)

    def finish_pending_detection(self) -> None:
        """Articles an interrupted import left undetected are detected now (in the background)."""
        db = self.window.db
        if db.read_only:
            return
        from desktop.importing import pending_detection

        try:
            ids = pending_detection(db)
        except CurateError:
            return
        if ids and not self.window.runner.busy:
            log.info("finishing detection of %d articles left by an interrupted import", len(ids))
            self.window.jobs.detect(ids)

    # -- backups ------------------------------------------------------------------------------------

    def backup_in_background(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        db = self.window.db

        def run() -> None:
            try:
                backups.auto_backup(db)
            except CurateError as exc:
                log.warning("automatic backup: %s", exc)

        self._thread = threading.Thread(target=run, name="curate-backup", daemon=True)
        self._thread.start()

    def backup_now(self) -> Optional[Path]:
        if self._thread is not None:
            self._thread.join(60)
        try:
            return backups.auto_backup(self.window.db, min_interval_s=0)
        except CurateError as exc:
            log.warning("backup on close: %s", exc)
            return None

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        if obj is self.window and event.type() == QEvent.Type.Close:
            self.backup_now()
        return False

    # -- restore ------------------------------------------------------------------------------------

    def do_restore(self) -> Optional[str]:
        w = self.window
        if w.runner.busy:
            w.show_message("Wait for the running job to finish (or cancel it) before restoring", error=True)
            return None
        dlg = RestoreDialog(w.db.path, w)
        self.dialog = dlg
        if dlg.exec() != QDialog.DialogCode.Accepted or not dlg.chosen():
            return None
        return self.restore(dlg.chosen())

    def restore(self, backup_path: str) -> Optional[str]:
        w = self.window
        try:
            safety = backups.restore(w.db, backup_path)
        except CurateError as exc:
            QMessageBox.warning(w, "Cannot restore", str(exc))
            return None
        from desktop.db import Database

        w.set_database(Database(w.db.path))  # reopened: the restored content, healthy again
        w.show_message(f"Restored {Path(backup_path).name}; the previous content is saved as {Path(safety).name}")
        return str(safety)


def install(window) -> Reliability:
    return Reliability(window)
