"""The window's reliability hooks: read-only banner, Help → Restore from Backup…, backup on close,
finishing an interrupted import's detection at start, one dialog when an import stops."""

from __future__ import annotations

import os
import sqlite3

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import backups
from desktop.db import Database
from desktop.importing import pending_detection

from ui_support import add_articles, make_window  # noqa: E402

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


def _articles(path) -> int:
    c = sqlite3.connect(path)
    try:
        return c.execute("SELECT count(*) FROM article").fetchone()[0]
    finally:
        c.close()


def test_read_only_database_shows_a_banner(qtbot, tmp_path):
    path = tmp_path / "ro.db"
    db = Database(path)
    add_articles(db, "Dhaka news.")
    db.close()
    os.chmod(path, 0o444)
    try:
        ro = Database(path)
        w = make_window(qtbot, ro, tmp_path / "s.ini")
        assert w.reliability.bar.isVisible()
        assert "read-only" in w.reliability.banner.text()
        w.close()
    finally:
        os.chmod(path, 0o644)


def test_healthy_database_has_no_banner_and_close_makes_a_backup(qtbot, db, tmp_path):
    add_articles(db, "Dhaka news.")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    assert not w.reliability.bar.isVisible()
    w.close()
    [b] = backups.list_backups(db.path)
    assert b.articles == 1


def test_restore_from_backup_in_the_window(qtbot, db, tmp_path):
    add_articles(db, "Dhaka news.")
    b = backups.make_backup(db)
    add_articles(db, "Delhi news.", "Kolkata news.")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    assert w.reliability.restore_action in w.menus["Help"].actions()
    safety = w.reliability.restore(str(b))
    assert safety and _articles(w.db.path) == 1
    assert w.article_model.rowCount() == 1
    w.close()


def test_window_start_finishes_undetected_articles(qtbot, kb, tmp_path, monkeypatch):
    from desktop.detection import service
    from desktop.importing import import_paths

    (tmp_path / "a.txt").write_text("Sheikh Hasina visited Dhaka.", encoding="utf-8")
    real = service.detect_articles
    monkeypatch.setattr(service, "detect_articles", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        import_paths(kb, [tmp_path / "a.txt"])
    monkeypatch.setattr(service, "detect_articles", real)
    assert len(pending_detection(kb)) == 1
    w = make_window(qtbot, kb, tmp_path / "s.ini")
    qtbot.waitUntil(lambda: not pending_detection(kb) and not w.runner.busy, timeout=30000)
    c = sqlite3.connect(kb.path)
    assert c.execute("SELECT count(*) FROM mention").fetchone()[0] > 0
    c.close()
    w.close()


def test_import_stopped_by_a_full_disk_is_one_dialog(qtbot, db, tmp_path, monkeypatch):
    from desktop import importing

    def full(db, paths, **k):
        rep = importing.ImportReport(imported=3)
        rep.stopped = "not saved: 2 file(s) from b.txt on — the disk is full. Fix that and run the same import again"
        return rep

    monkeypatch.setattr(importing, "import_paths", full)
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.jobs.import_paths([str(tmp_path)])
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=20000)
    boxes = [b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()]
    assert len(boxes) == 1
    assert "imported 3" in boxes[0].text() and "disk is full" in boxes[0].text()
    boxes[0].close()
    w.close()
