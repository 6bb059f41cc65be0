"""Long work started from the main window: import (menu and drag and drop), detection and export
run as :class:`desktop.ui.worker.Job` on a worker thread, with the progress bar and the Cancel
button in the status bar; the window is refreshed when a job ends.

A mixin of :class:`desktop.ui.main_window.MainWindow`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable, Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop.changes import EVERYTHING
from desktop.errors import CurateError

from .dialogs import ExportDialog
from .errors import show_error
from .worker import Job

log = logging.getLogger(__name__)

#: actions that start a job (disabled while one runs)
JOB_ACTIONS = ("import_files", "import_folder", "export", "detect_article", "detect_all")


class BackgroundWork:

    def start_job(self, name: str, fn, on_done: Optional[Callable[[Any], None]] = None) -> Optional[Job]:
        if self.runner.busy:
            self.show_message("Another job is running; wait for it or cancel it", error=True)
            return None
        job = Job(name, self.db.path, fn)
        job.signals.progress.connect(self._job_progress)
        job.signals.finished.connect(lambda result, j=job: self._job_finished(j, result, on_done))
        job.signals.failed.connect(lambda exc, tb, j=job: self._job_failed(j, exc, tb))
        self.last_job = job
        return self.runner.start(job)

    def _job_started(self, job: Job) -> None:
        self.progress.setRange(0, 0)
        self.progress.setFormat(f"{job.name}… %p%")
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.actions["cancel_job"].setEnabled(True)
        for name in JOB_ACTIONS:
            self.actions[name].setEnabled(False)
        self.show_message(f"{job.name.capitalize()}…", timeout=0)

    def _job_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _job_ended(self, job: Job) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.actions["cancel_job"].setEnabled(False)
        for name in JOB_ACTIONS:
            self.actions[name].setEnabled(True)

    def _job_finished(self, job: Job, result: Any, on_done) -> None:
        if on_done is not None:
            on_done(result)

    def _job_failed(self, job: Job, exc: BaseException, tb: str) -> None:
        if isinstance(exc, CurateError):
            self.show_message(f"{job.name.capitalize()}: {exc}", error=True)
        else:
            log.error("job %s failed\n%s", job.name, tb)
            self.show_message(f"{job.name.capitalize()} failed: {exc}", error=True)
            show_error(self, "Curate — job failed", f"{job.name.capitalize()} failed: {exc}", tb)

    def do_cancel_job(self) -> None:
        if self.runner.busy:
            self.runner.cancel()
            self.cancel_button.setEnabled(False)
            self.show_message("Cancelling…", timeout=0)

    def _after_data_change(self) -> None:
        """A job may have changed anything: every panel hears it through the one Changes path."""
        self.ops.publish(EVERYTHING)
        self._update_stats()
        if self.article_id is None and self.article_model.rowCount():
            self.open_article(self.article_model.ids[0])

    def import_paths(self, paths: list[str]) -> Optional[Job]:
        from desktop.importing import import_paths

        paths = [str(p) for p in paths]
        max_bytes = self.settings.max_file_size_mb * 1024 * 1024

        def work(db, progress, should_cancel):
            return import_paths(db, paths, detect=True, progress=progress, should_cancel=should_cancel,
                                max_file_bytes=max_bytes)

        def done(report) -> None:
            self._after_data_change()
            msg = ("Import cancelled: " if report.cancelled else "") + report.summary()
            if report.detected:
                msg += f", {report.detected} suggestions"
            self.show_message(msg, error=bool(report.failed or report.stopped))
            if report.stopped:  # disk full, locked: one dialog, what was saved and what was not
                msg += "\n\n" + report.stopped
            if report.failed or report.stopped:
                details = "\n".join(str(f) for f in report.failed)
                box = QMessageBox(QMessageBox.Icon.Warning, "Import", msg, QMessageBox.StandardButton.Ok, self)
                box.setDetailedText(details)
                box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                box.setModal(False)
                box.show()
            if report.article_ids and not report.cancelled:
                self.open_article(report.article_ids[0])

        return self.start_job("import", work, done)

    def do_import_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Import articles", self.settings.last_folder or str(Path.home()),
            "Articles (*.txt *.md *.html *.htm *.jsonl *.csv);;All files (*)")
        if files:
            self.settings.last_folder = str(Path(files[0]).parent)
            self.import_paths(files)

    def do_import_folder(self) -> None:
        d = QFileDialog.getExistingDirectory(self, "Import a folder", self.settings.last_folder or str(Path.home()))
        if d:
            self.settings.last_folder = d
            self.import_paths([d])

    def detect(self, article_ids: Optional[list[int]]) -> Optional[Job]:
        from desktop.detection.service import detect_articles

        def work(db, progress, should_cancel):
            return detect_articles(db, article_ids, progress=progress, should_cancel=should_cancel)

        def done(report) -> None:
            self._after_data_change()
            self.show_message(("Detection cancelled: " if report.cancelled else "Detection: ") +
                              f"{report.added} new suggestions in {report.articles} articles"
                              + (f", {report.linked} linked" if getattr(report, "linked", 0) else ""))

        return self.start_job("detection", work, done)

    def do_detect_article(self) -> None:
        if self.article_id is not None:
            self.detect([self.article_id])

    def do_detect_all(self) -> None:
        self.detect(None)

    def export_to(self, folder: str, fmt: str, status: str) -> Optional[Job]:
        from desktop.exporting import export

        def work(db, progress, should_cancel):
            return export(db, folder, fmt=fmt, status=status, progress=progress, should_cancel=should_cancel)

        def done(files) -> None:
            self.show_message(f"Exported {len(files)} file{'s' if len(files) != 1 else ''} to {folder}")

        return self.start_job("export", work, done)

    def do_export(self) -> None:
        dlg = ExportDialog(self, self.settings.last_folder)
        if dlg.exec():
            fmt, status, folder = dlg.values()
            self.settings.last_folder = folder
            self.export_to(folder, fmt, status)

    # -- drag and drop, closing ------------------------------------------------------------------

    @staticmethod
    def _local_paths(event) -> list[str]:
        md = event.mimeData()
        if not md.hasUrls():
            return []
        return [u.toLocalFile() for u in md.urls() if u.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._local_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if self._local_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._local_paths(event)
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)
