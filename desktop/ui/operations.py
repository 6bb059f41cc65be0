"""One way to run a core action from the window (Anki's ``aqt/operations`` is the model).

A core action (:mod:`desktop.curation`, :mod:`desktop.kb`, :mod:`desktop.relations`, an undo)
returns a :class:`~desktop.changes.Changes`.  :meth:`Ops.run` calls it — on the UI thread when it
is quick, on the worker thread (:mod:`desktop.ui.worker`) when it can be slow — and then:

* on success, emits ``changed(changes, initiator)``: every panel subscribes and refreshes only
  what the record names (a colleague's change in team mode arrives through :meth:`Ops.publish`,
  the same signal);
* on a :class:`~desktop.errors.CurateError`, emits ``failed(message, initiator)``: the window
  shows it in the status bar, and the panel that started the action next to its controls.  No
  caller catches a CurateError itself;
* when the refusal is a :class:`~desktop.history.StaleError` (team mode: a colleague changed the
  rows since the curator read them), it also publishes ``stale`` — what the caller showed, by
  default everything — so the window shows the rows as they are now; the caller's ``stale`` is
  published after any other refusal too (the rows may be gone: a colleague deleted them).

Any other exception is a bug: it reaches the application's exception hook (a dialog and the log).
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from PySide6.QtCore import QObject, Signal

from desktop.changes import EVERYTHING, Changes
from desktop.db import Database
from desktop.errors import CurateError
from desktop.history import StaleError

from .worker import Job, JobRunner

Op = Callable[[Database], Changes]


class Ops(QObject):
    """The operation path of one window (or of a panel used on its own)."""

    changed = Signal(object, object)   # Changes, initiator (the object that ran it, or None)
    failed = Signal(str, object)       # message, initiator

    def __init__(self, db: Database, parent: Optional[QObject] = None, runner: Optional[JobRunner] = None):
        super().__init__(parent)
        self.db = db
        self.runner = runner
        self.last_error = ""

    def set_database(self, db: Database) -> None:
        self.db = db

    def run(self, op: Op, *, initiator: Any = None, success: Optional[Callable[[Changes], None]] = None,
            background: str = "", stale: Optional[Changes] = None) -> Optional[Changes]:
        """Run ``op(db)``.  ``success`` is called with its Changes after the panels refreshed.
        With ``background`` (the job's name) it runs on the worker thread and this returns None;
        without, it returns the Changes (None when the core refused).  ``stale``: what to
        re-read when a colleague changed the rows first (the article the action was on)."""
        if background and self.runner is not None:
            self._run_in_background(op, initiator, success, background, stale)
            return None
        try:
            changes = op(self.db)
        except CurateError as exc:
            self._refused(exc, initiator, stale)
            return None
        self._succeeded(changes, initiator, success)
        return changes

    def _refused(self, exc: CurateError, initiator: Any, stale: Optional[Changes]) -> None:
        self.fail(str(exc), initiator)
        if isinstance(exc, StaleError):
            self.publish(stale if stale is not None else EVERYTHING, None)
        elif stale is not None:  # any refusal re-reads the rows it was on: they may be gone
            self.publish(stale, None)  # (a colleague deleted the mention)

    def _run_in_background(self, op: Op, initiator: Any, success, name: str, stale: Optional[Changes]) -> None:
        if self.runner.busy:
            self.fail("Another job is running; wait for it or cancel it", initiator)
            return
        job = Job(name, self.db.path, lambda db, _progress, _cancel: op(db))
        job.signals.finished.connect(lambda changes: self._succeeded(changes, initiator, success))
        job.signals.failed.connect(lambda exc, tb: self._background_failed(exc, tb, initiator, stale))
        self.runner.start(job)

    def _background_failed(self, exc: BaseException, tb: str, initiator: Any, stale: Optional[Changes]) -> None:
        if isinstance(exc, CurateError):
            self._refused(exc, initiator, stale)
        else:  # a bug on the worker thread: the same dialog as one on the UI thread
            from .errors import show_error

            self.fail(f"failed: {exc}", initiator)
            show_error(None, "Curate — unexpected error", f"Something went wrong: {exc}", tb)

    def _succeeded(self, changes: Optional[Changes], initiator: Any, success) -> None:
        changes = changes if isinstance(changes, Changes) else Changes()
        self.publish(changes, initiator)
        if success is not None:
            success(changes)

    def publish(self, changes: Changes, initiator: Any = None) -> None:
        """Tell every panel what changed (after an action, an import, or a colleague's work)."""
        self.changed.emit(changes, initiator)

    def fail(self, message: str, initiator: Any = None) -> None:
        self.last_error = message
        self.failed.emit(message, initiator)


def run_op(ops: Ops, op: Op, **kw: Any) -> Optional[Changes]:
    """``run_op(ops, lambda db: curation.confirm(db, mid), initiator=self)``."""
    return ops.run(op, **kw)


__all__ = ["Ops", "Op", "run_op"]
