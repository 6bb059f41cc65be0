"""File → Import takes the annotation formats, through the same core import."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from sqlmodel import select

from desktop.models import Mention
from desktop.ui import import_options

from ui_support import make_window  # noqa: E402

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]

DOCCANO = Path(__file__).parent / "fixtures" / "formats" / "doccano.jsonl"


def _click_later(label: str) -> None:
    def click():
        box = QApplication.activeModalWidget()
        for b in box.buttons():
            if b.text() == label:
                b.click()
    QTimer.singleShot(50, click)


def test_dialog_filter_lists_the_formats():
    f = import_options.dialog_filter()
    for ext in ("*.jsonl", "*.json", "*.ann", "*.conll"):
        assert ext in f


def test_import_files_as_suggestions_from_the_window(qtbot, db, tmp_path, monkeypatch):
    w = make_window(qtbot, db, tmp_path / "s.ini")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(DOCCANO)], ""))
    _click_later("As suggestions")
    w.jobs.ask_import_files()
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=60000)
    job = w.jobs.last_job
    assert job.error is None and job.result.imported == 2 and job.result.mentions == 5
    with db.session() as s:
        imported = [m for m in s.exec(select(Mention)) if m.source == "import"]
    assert len(imported) == 5 and {m.status for m in imported} == {"suggested"}


def test_plain_files_are_not_asked_about(qtbot, db, tmp_path):
    w = make_window(qtbot, db, tmp_path / "s.ini")
    assert import_options.ask_annotation_mode(w, [str(tmp_path / "a.txt")]) == {}


def test_failure_report_offers_import_again_in_an_encoding(qtbot, db, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    f = tmp_path / "latin.txt"
    f.write_bytes("café crème brûlée à Paris".encode("cp1252"))
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.jobs.import_paths([str(f)])
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=60000)
    assert w.jobs.last_job.result.imported == 0
    box = next(b for b in w.findChildren(QMessageBox) if b.isVisible())
    again = next(b for b in box.buttons() if b.text() == "Import again as…")
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("cp1252", True))
    again.click()
    qtbot.waitUntil(lambda: not w.runner.busy and w.jobs.last_job.result is not None and w.jobs.last_job.result.imported,
                    timeout=60000)
    assert "café crème" in w.text_pane.toPlainText()
