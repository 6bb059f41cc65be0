"""The Statistics view of learning (View → Learning statistics): every training of the model
with its held-out evaluation, Train now, J/K least-certain first, and (read-only) the learning
threshold — train after every N new confirmations (default 20), set in Edit → Preferences.

Training runs in a child process (``curate learn --json`` on the same database file, through
:func:`desktop.detection.learning.store.train_in_background`), so neither the window's thread nor its
Python interpreter is ever busy with it; a finished training refreshes this view.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QDockWidget, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton,
                               QVBoxLayout, QWidget)

from desktop.detection.learning import store

KEY_LEAST_CERTAIN = "learning/least_certain_first"


def least_certain_order(spans: list) -> list:
    """Suggestions ordered for J/K when least-certain-first is on: smallest margin first.  The
    margin of a suggestion with confidence p over the alternative (not a name, or the other
    type) is 2p − 1, so the order is that of the confidence; ties in text order."""
    return sorted(spans, key=lambda s: (s.confidence, s.start, s.end, s.id))


def neighbour(spans: list, current_id: Optional[int], direction: int) -> Optional[int]:
    """The next (direction +1) or previous suggestion in least-certain order, wrapping around."""
    order = least_certain_order(spans)
    if not order:
        return None
    ids = [s.id for s in order]
    if current_id not in ids:
        return ids[0] if direction > 0 else ids[-1]
    return ids[(ids.index(current_id) + direction) % len(ids)]


class _Bridge(QObject):
    trained = Signal(object, object)   # report or None, error or None (from the training thread)


class LearningDock(QDockWidget):
    def __init__(self, window):
        super().__init__("Learning statistics", window)
        self.setObjectName("LearningDock")
        self.window_ = window
        self._bridge = _Bridge(self)
        self._bridge.trained.connect(self._trained)
        qs = window.settings.qs
        body = QWidget(self)
        lay = QVBoxLayout(body)
        row = QHBoxLayout()
        self.every = QLabel(body)   # read-only: the setting lives in Edit → Preferences
        self.every.setObjectName("learningEvery")
        self.every.setToolTip("Change it in Edit → Preferences")
        self.show_every()
        row.addWidget(self.every)
        row.addStretch(1)
        self.train_button = QPushButton("&Train now", body)
        self.train_button.clicked.connect(self.train_now)
        row.addWidget(self.train_button)
        lay.addLayout(row)
        self.least_certain = QCheckBox("J / K: least certain suggestion first", body)
        self.least_certain.setChecked(str(qs.value(KEY_LEAST_CERTAIN, "false")).lower() == "true")
        self.least_certain.toggled.connect(lambda on: qs.setValue(KEY_LEAST_CERTAIN, bool(on)))
        lay.addWidget(self.least_certain)
        self.status = QLabel(body)
        lay.addWidget(self.status)
        self.text = QPlainTextEdit(body)
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        font = self.text.font()
        font.setFamily("monospace")
        self.text.setFont(font)
        lay.addWidget(self.text, 1)
        self.setWidget(body)
        self.visibilityChanged.connect(lambda visible: visible and self.refresh())
        self.refresh()

    def show_every(self) -> None:
        self.every.setText(f"Trains after every {self.window_.settings.train_every} new confirmations")

    # -- training ------------------------------------------------------------------------------

    def train_now(self) -> None:
        self._start(force=True)

    def maybe_train(self) -> None:
        """After a curation action: train in the background when N confirmations came in."""
        self._start(force=False)

    def _start(self, *, force: bool) -> None:
        db = self.window_.db
        t = store.train_in_background(db, every=self.window_.settings.train_every, force=force, process=True,
                                      done=lambda rep, err: self._bridge.trained.emit(rep, err))
        if t is not None:
            self.train_button.setEnabled(False)
            self.status.setText("Training in the background…")

    def _trained(self, report, error) -> None:
        self.train_button.setEnabled(True)
        if error is not None:
            self.status.setText(f"Training failed: {error}")
            return
        self.refresh()
        state = "makes suggestions" if report.active else "makes no suggestions (not better than the rules)"
        self.window_.show_message(f"Model {report.version} trained on {report.mentions} mentions: {state}")

    # -- the view ------------------------------------------------------------------------------

    def refresh(self) -> None:
        hist = store.history(self.window_.db)
        if not hist:
            self.status.setText("No model yet: confirm mentions in a few articles, then Train now")
            self.text.setPlainText("")
            return
        cur = hist[0]
        self.status.setText(
            f"Model {cur['version']}: {cur['mentions']} mentions in {cur['articles']} articles, "
            f"{cur['size'] / 1024:.0f} KB, trained in {cur['seconds']:.1f} s — "
            + ("makes suggestions" if cur["active"] else "makes no suggestions (not better than the rules held out)"))
        lines = []
        for h in hist:
            when = h["created_at"].strftime("%Y-%m-%d %H:%M") if h["created_at"] else ""
            lines.append(f"— model {h['version']} ({when}), {h['mentions']} training mentions, "
                         f"{'active' if h['active'] else 'inactive'}")
            lines += ["  " + x for x in store.evaluation_lines(h["evaluation"])]
            lines.append("")
        self.text.setPlainText("\n".join(lines))


def install(window) -> LearningDock:
    """Add the dock (hidden) with its View menu entry, and train after actions when due."""
    dock = LearningDock(window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()
    toggle = dock.toggleViewAction()
    toggle.setText("&Learning statistics")
    window.menus["View"].addAction(toggle)
    window._stats_timer.timeout.connect(dock.maybe_train)   # fires after every curation action
    return dock
