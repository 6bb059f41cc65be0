"""Long work: import (menu and drag and drop), detection and export run as
:class:`desktop.ui.worker.Job` on the worker thread, with a progress bar and a Cancel button in
the status bar.  When a job that changed data ends, every panel hears it through the one
:class:`~desktop.changes.Changes` path (:meth:`desktop.ui.operations.Ops.publish`)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable, Optional

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressBar, QPushButton, QWidget

from desktop import queries
from desktop.changes import Changes
from desktop.errors import CurateError

from .actions import Actions
from .dialogs import ExportDialog
from .errors import show_error
from .operations import Ops
from .settings import Settings
from .worker import Job, JobRunner

log = logging.getLogger(__name__)

#: actions that start a job (disabled while one runs)
JOB_ACTIONS = ("import_files", "import_folder", "export", "detect_article", "detect_all")


class Jobs(QObject):
    def __init__(self, ops: Ops, runner: JobRunner, settings: Settings, message: Callable[..., None],
                 current_article: Callable[[], Optional[int]], open_article: Callable[[Optional[int]], None],
                 parent: QWidget):
        super().__init__(parent)
        self.ops, self.runner, self.settings, self.message = ops, runner, settings, message
        self.current_article, self.open_article = current_article, open_article
        self.window = parent
        self.actions: Optional[Actions] = None
        self.last_job: Optional[Job] = None
        self.progress = QProgressBar(parent)
        self.progress.setObjectName("jobProgress")
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel", parent)
        self.cancel_button.setObjectName("cancelJob")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        runner.started.connect(self._started)
        runner.ended.connect(self._ended)

    def bind(self, actions: Actions) -> None:
        self.actions = actions
        for name, handler in (("import_files", self.ask_import_files), ("import_folder", self.ask_import_folder),
                              ("export", self.ask_export), ("cancel_job", self.cancel),
                              ("detect_article", self.detect_article), ("detect_all", lambda: self.detect(None))):
            actions.bind(name, handler)
        actions["cancel_job"].setEnabled(False)

    def start(self, name: str, fn, on_done: Optional[Callable[[Any], None]] = None, *,
              left: Optional[Callable[[], Any]] = None) -> Optional[Job]:
        """Run ``fn`` as a job; ``on_done`` gets its result.  ``left`` publishes what a job
        that fails half-way committed before it failed (the batches of an import or a detection
        run that were written), so the panels show it rather than what was there before."""
        if self.runner.busy:
            self.message("Another job is running; wait for it or cancel it", error=True)
            return None
        job = Job(name, self.ops.db.path, fn)
        job.signals.progress.connect(self._progress)
        job.signals.finished.connect(lambda result: on_done(result) if on_done is not None else None)
        job.signals.failed.connect(lambda exc, tb, j=job: self._failed(j, exc, tb, left))
        self.last_job = job
        return self.runner.start(job)

    def _enable(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        if self.actions is not None:
            self.actions["cancel_job"].setEnabled(running)
            for name in JOB_ACTIONS:
                self.actions[name].setEnabled(not running)

    def _started(self, job: Job) -> None:
        self.progress.setRange(0, 0)
        self.progress.setFormat(f"{job.name}… %p%")
        self._enable(True)
        self.message(f"{job.name.capitalize()}…", timeout=0)

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _ended(self, _job: Job) -> None:
        self._enable(False)

    def _failed(self, job: Job, exc: BaseException, tb: str, left: Optional[Callable[[], Any]] = None) -> None:
        if left is not None:
            try:
                left()
            except Exception:  # noqa: BLE001 - the job's own error is the one to show
                log.exception("after the failed %s job, reading what it wrote failed", job.name)
        if isinstance(exc, CurateError):
            self.message(f"{job.name.capitalize()}: {exc}", error=True)
        else:
            log.error("job %s failed\n%s", job.name, tb)
            self.message(f"{job.name.capitalize()} failed: {exc}", error=True)
            show_error(self.window, "Curate — job failed", f"{job.name.capitalize()} failed: {exc}", tb)

    def cancel(self) -> None:
        if self.runner.busy:
            self.runner.cancel()
            self.cancel_button.setEnabled(False)
            self.message("Cancelling…", timeout=0)

    def _data_changed(self, before: queries.Mark, article_ids=(), *, history: bool = False) -> Changes:
        """Tell the panels what the job wrote since ``before`` (the articles it added or worked
        on, their mentions, the entities it created), so only those are re-read."""
        rows = queries.changed_since(self.ops.db, before, article_ids)
        changes = Changes(articles=rows.articles, mentions=rows.mentions, entities=rows.entities,
                          aliases=rows.aliases, relations=rows.relations, entity_types=rows.entity_types,
                          relation_types=rows.relation_types, everything=rows.everything,
                          history=history or rows.everything)
        self.ops.publish(changes)
        if self.current_article() is None:
            self.open_article(None)
        return changes

    # -- import ------------------------------------------------------------------------------------

    def import_paths(self, paths: list[str], **options) -> Optional[Job]:
        from desktop.importing import import_paths

        paths = [str(p) for p in paths]
        max_bytes = self.settings.max_file_size_mb * 1024 * 1024

        def work(db, progress, should_cancel):
            return import_paths(db, paths, detect=True, progress=progress, should_cancel=should_cancel,
                                max_file_bytes=max_bytes, **options)

        before = queries.mark(self.ops.db)

        def done(report) -> None:
            self._data_changed(before, report.article_ids, history=True)  # annotated files are undoable
            msg = ("Import cancelled: " if report.cancelled else "") + report.summary()
            if report.detected:
                msg += f", {queries.plural(report.detected, 'suggestion')}"
            self.message(msg, error=bool(report.failed or report.stopped))
            if report.stopped:  # disk full, locked: one dialog, what was saved and what was not
                msg += "\n\n" + report.stopped
            if report.failed or report.stopped or report.conflicts:
                from desktop.ui.import_options import add_encoding_retry

                box = QMessageBox(QMessageBox.Icon.Warning, "Import", msg, QMessageBox.StandardButton.Ok, self.window)
                box.setDetailedText("\n".join([*report.details(), *(str(f) for f in report.failed)]))
                add_encoding_retry(self.window, box, report, self.import_paths)
                box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                box.setModal(False)
                box.show()
            if report.article_ids and not report.cancelled:
                self.open_article(report.article_ids[0])

        return self.start("import", work, done, left=lambda: self._data_changed(before, (), history=True))

    def ask_import_files(self) -> None:
        from desktop.ui.import_options import ask_annotation_mode, dialog_filter

        files, _ = QFileDialog.getOpenFileNames(
            self.window, "Import articles", self.settings.last_folder or str(Path.home()), dialog_filter())
        if files:
            self.settings.last_folder = str(Path(files[0]).parent)
            options = ask_annotation_mode(self.window, files)
            if options is not None:
                self.import_paths(files, **options)

    def ask_import_folder(self) -> None:
        d = QFileDialog.getExistingDirectory(self.window, "Import a folder", self.settings.last_folder or str(Path.home()))
        if d:
            self.settings.last_folder = d
            self.import_paths([d])

    # -- detection ---------------------------------------------------------------------------------

    def detect(self, article_ids: Optional[list[int]]) -> Optional[Job]:
        from desktop.detection.service import detect_articles

        def work(db, progress, should_cancel):
            return detect_articles(db, article_ids, progress=progress, should_cancel=should_cancel)

        before = queries.mark(self.ops.db)

        def done(report) -> None:
            self._data_changed(before, queries.article_ids(self.ops.db) if article_ids is None else article_ids)
            self.message(("Detection cancelled: " if report.cancelled else "Detection: ")
                         + f"{queries.plural(report.added, 'new suggestion')} in {queries.plural(report.articles, 'article')}"
                         + (f", {report.linked} linked" if report.linked else ""))

        return self.start("detection", work, done, left=lambda: self._data_changed(
            before, queries.article_ids(self.ops.db) if article_ids is None else article_ids))

    def detect_article(self) -> None:
        aid = self.current_article()
        if aid is not None:
            self.detect([aid])

    # -- export ------------------------------------------------------------------------------------

    def export_to(self, folder: str, fmt: str, status: str) -> Optional[Job]:
        from desktop.exporting import export

        left_out = queries.stats(self.ops.db)["mentions_by_status"].get("suggested", 0) if status == "confirmed" else 0

        def work(db, progress, should_cancel):
            return export(db, folder, fmt=fmt, status=status, progress=progress, should_cancel=should_cancel)

        def done(files) -> None:
            note = (f" — {queries.plural(left_out, 'suggestion')} nobody reviewed left out (confirmed only)"
                    if left_out else "")
            self.message(f"Exported {queries.plural(len(files), 'file')} to {folder}{note}", timeout=15000)

        return self.start("export", work, done)

    def ask_export(self) -> None:
        dlg = ExportDialog(self.window, self.settings.last_folder)
        if dlg.exec():
            fmt, status, folder = dlg.values()
            self.settings.last_folder = folder
            self.export_to(folder, fmt, status)


def local_paths(event) -> list[str]:
    """The local files of a drag-and-drop event."""
    md = event.mimeData()
    if not md.hasUrls():
        return []
    return [u.toLocalFile() for u in md.urls() if u.isLocalFile()]
