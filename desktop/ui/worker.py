"""Long work off the UI thread, one helper for all of it (import, detection, export).

A :class:`Job` runs ``fn(db, progress, should_cancel)`` on a worker thread with its **own**
:class:`~desktop.db.Database` on the same file (one connection pool per thread), reports progress
through a queued signal, and delivers the result or the error on the GUI thread.  Jobs run one at
a time (a single-thread pool), so two writers never race.  Cancel sets a flag the core polls
through ``should_cancel``."""

from __future__ import annotations

import logging
import threading
import traceback
from typing import Any, Callable, Optional

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from desktop.db import Database

log = logging.getLogger(__name__)

Work = Callable[[Database, Callable[[int, int], None], Callable[[], bool]], Any]


class JobSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)        # the function's result
    failed = Signal(object, str)     # the exception, its traceback
    done = Signal()                  # after finished or failed


class Job(QRunnable):
    def __init__(self, name: str, db_path: str, fn: Work):
        super().__init__()
        self.setAutoDelete(False)
        self.name = name
        self.db_path = db_path
        self.fn = fn
        self.signals = JobSignals()
        self._cancel = threading.Event()
        self.result: Any = None
        self.error: Optional[BaseException] = None

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:  # worker thread
        db: Optional[Database] = None
        try:
            db = Database(self.db_path)
            self.result = self.fn(db, self._progress, self._cancel.is_set)
            self.signals.finished.emit(self.result)
        except BaseException as exc:  # delivered to the GUI thread, never lost
            self.error = exc
            tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            log.info("job %s failed: %s", self.name, exc)
            self.signals.failed.emit(exc, tb)
        finally:
            if db is not None:
                db.close()
            self.signals.done.emit()

    def _progress(self, done: int, total: int) -> None:
        self.signals.progress.emit(int(done), int(total))


class JobRunner(QObject):
    """Starts jobs one at a time and tells the window when one starts and ends."""

    started = Signal(object)   # Job
    ended = Signal(object)     # Job

    def __init__(self, parent: Optional[QObject] = None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.current: Optional[Job] = None
        self._jobs: list[Job] = []
        # finished jobs are kept until the pool is idle: the worker thread may still be returning
        # from run() when the GUI thread hears that the job is done
        self._finished: list[Job] = []

    @property
    def busy(self) -> bool:
        return self.current is not None

    def start(self, job: Job) -> Job:
        if self.pool.activeThreadCount() == 0:
            self._finished.clear()
        self._jobs.append(job)
        job.signals.done.connect(lambda j=job: self._done(j))
        self.current = job
        self.started.emit(job)
        self.pool.start(job)
        return job

    def cancel(self) -> None:
        if self.current is not None:
            self.current.cancel()

    def _done(self, job: Job) -> None:
        if job in self._jobs:
            self._jobs.remove(job)
            self._finished.append(job)
        if self.current is job:
            self.current = None
        self.ended.emit(job)

    def wait(self, msecs: int = -1) -> bool:
        return self.pool.waitForDone(msecs)
