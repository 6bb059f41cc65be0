"""The article list model, settings, background jobs, errors and the self-test entry point."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication

from desktop import curation, queries
from desktop.errors import CurateError
from desktop.importing import Draft, import_drafts, import_paths
from desktop.queries import ArticleFilter
from desktop.seeds import seed_files

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


def many(db, n):
    langs = ("এটি একটি বাংলা খবর নম্বর", "यह हिंदी समाचार संख्या है", "This is English news number")
    return import_drafts(db, [Draft(text=f"{langs[i % 3]} {i}\n{langs[i % 3]} " + "!" * (i % 7), title=f"{i:05d} {langs[i % 3]}",
                                    source=f"gen{i}") for i in range(n)]).article_ids


def make_window(qtbot, db, settings_path):
    from desktop.ui.main_window import MainWindow
    from desktop.ui.settings import Settings

    w = MainWindow(db, Settings(settings_path))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


# -- the lazy article model ----------------------------------------------------------------------


def test_article_model_passes_the_model_tester_and_fetches_lazily(qtbot, db):
    from desktop.ui.article_model import PAGE, ArticleModel

    ids = many(db, 3 * PAGE + 17)
    curation.add_mention(db, ids[6], 0, 2, "PERSON", status="suggested", source="gazetteer")
    model = ArticleModel(db)
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert model.rowCount() == len(ids)
    # the tester reads some rows; reading the last row fetches only its page
    before = model.pages_fetched
    last = model.index(model.rowCount() - 1, 0)
    assert model.data(last) == queries.article_rows(db, [ids[-1]])[0].title
    assert model.pages_fetched == before + 1
    assert len(model._cache) <= (before + 1) * PAGE
    # counts, filter, sort: still valid for the tester
    assert model.data(model.index(6, 3)) == 1
    model.set_filter(ArticleFilter(language="hi"))
    assert model.rowCount() == len([i for i in range(len(ids)) if i % 3 == 1])
    assert all(model.data(model.index(r, 1)) == "hi" for r in range(0, model.rowCount(), 50))
    model.sort(0, Qt.SortOrder.DescendingOrder)
    titles = [model.data(model.index(r, 0)) for r in range(5)]
    assert titles == sorted(titles, reverse=True)
    model.set_filter(ArticleFilter(search="বাংলা"))
    assert model.rowCount() == len([i for i in range(len(ids)) if i % 3 == 0])
    model.sort(3, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, 3)) == 1
    del tester


def test_current_article_stays_selected_across_refresh_sort_and_filter(qtbot, db, tmp_path):
    ids = many(db, 60)
    w = make_window(qtbot, db, tmp_path / "s.ini")
    target = ids[31]
    w.open_article(target)

    def selected():
        return w.article_model.article_id(w.article_view.selectionModel().currentIndex().row())

    assert selected() == target
    w.article_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert selected() == target and w.article_id == target
    w.articles.language_filter.setCurrentIndex(w.articles.language_filter.findData(queries.article(db, target).language))
    assert selected() == target
    w.article_model.reload()
    assert selected() == target
    curation.set_article_status(db, target, "done")
    w.article_model.refresh_article(target)
    row = w.article_model.row_of(target)
    assert w.article_model.data(w.article_model.index(row, 2)) == "done"


def test_list_filter_by_status_and_search(qtbot, db, tmp_path):
    ids = many(db, 30)
    curation.set_article_status(db, ids[3], "done")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.articles.status_filter.setCurrentIndex(w.articles.status_filter.findData("done"))
    assert w.article_model.ids == [ids[3]]
    assert w.articles.count_label.text() == "1 article"
    w.articles.status_filter.setCurrentIndex(0)
    w.search_edit.setText("हिंदी")
    qtbot.waitUntil(lambda: w.article_model.rowCount() == 10)


# -- settings ------------------------------------------------------------------------------------


def test_settings_are_restored_after_recreating_the_window(qtbot, db, tmp_path):
    many(db, 3)
    path = tmp_path / "settings.ini"
    w = make_window(qtbot, db, path)
    w.resize(w.minimumSizeHint().width() + 11, w.minimumSizeHint().height() + 7)
    geometry = (w.width(), w.height())
    assert geometry != (1400, 900)  # differs from the default size
    w.text_pane.zoom_in()
    w.text_pane.zoom_in()
    size = w.text_pane.font_size
    w.actions["toggle_rejected"].setChecked(True)
    w.splitter.setSizes([150, 300, 200])
    sizes = w.splitter.sizes()
    aid = w.article_model.ids[2]
    w.open_article(aid)
    w.close()

    w2 = make_window(qtbot, db, path)
    assert (w2.width(), w2.height()) == geometry
    assert w2.text_pane.font_size == size
    assert w2.text_pane.font().pointSize() == size
    assert w2.actions["toggle_rejected"].isChecked() and w2.text_pane.show_rejected
    assert w2.splitter.sizes() == sizes
    assert w2.article_id == aid
    assert w2.settings.last_database == str(Path(db.path).resolve())


def test_bad_settings_values_fall_back_to_defaults(tmp_path):
    from desktop.ui.settings import DEFAULT_FONT_SIZE, Settings

    p = tmp_path / "s.ini"
    p.write_text("[options]\nfont_size=huge\nshow_rejected=maybe\n[persist]\nsplitter_main=a,b\n")
    s = Settings(p)
    assert s.font_size == DEFAULT_FONT_SIZE
    assert s.show_rejected is False
    assert s.splitter("main") is None


# -- background work -----------------------------------------------------------------------------


def test_job_reports_progress_and_can_be_cancelled(qtbot, db):
    from desktop.ui.worker import Job, JobRunner

    runner = JobRunner()
    gate = threading.Event()
    seen = []

    def work(job_db, progress, should_cancel):
        assert job_db is not db and job_db.path == db.path  # its own Database on the same file
        for i in range(1000):
            progress(i + 1, 1000)
            if i == 2:
                gate.set()
            if should_cancel():
                return ("cancelled", i)
            gate.wait(1)
            threading.Event().wait(0.002)
        return ("finished", 1000)

    job = Job("test", db.path, work)
    job.signals.progress.connect(lambda d, t: seen.append((d, t)))
    with qtbot.waitSignal(job.signals.finished, timeout=20000) as blocker:
        runner.start(job)
        assert runner.busy
        gate.wait(5)
        runner.cancel()
    assert blocker.args[0][0] == "cancelled"
    qtbot.waitUntil(lambda: not runner.busy)
    assert seen and seen[0] == (1, 1000) and all(t == 1000 for _, t in seen)


def test_job_error_is_delivered_not_lost(qtbot, db):
    from desktop.ui.worker import Job, JobRunner

    def work(_db, _p, _c):
        raise CurateError("nothing to do")

    runner = JobRunner()
    job = Job("failing", db.path, work)
    with qtbot.waitSignal(job.signals.failed, timeout=10000) as blocker:
        runner.start(job)
    assert isinstance(blocker.args[0], CurateError)
    qtbot.waitUntil(lambda: not runner.busy)


def test_window_cancel_button_stops_a_job(qtbot, db, tmp_path):
    many(db, 2)
    w = make_window(qtbot, db, tmp_path / "s.ini")
    started = threading.Event()

    def work(_db, progress, should_cancel):
        progress(1, 10)
        started.set()
        while not should_cancel():
            threading.Event().wait(0.01)
        return "stopped"

    results = []
    job = w.jobs.start("test job", work, results.append)
    assert w.progress.isVisible() and w.cancel_button.isVisible()
    assert not w.actions["import_files"].isEnabled()
    started.wait(5)
    qtbot.mouseClick(w.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: results == ["stopped"], timeout=10000)
    qtbot.waitUntil(lambda: not w.progress.isVisible())
    assert job.cancelled and w.actions["import_files"].isEnabled()


def test_import_detect_and_export_from_the_window(qtbot, db, tmp_path):
    w = make_window(qtbot, db, tmp_path / "s.ini")
    assert w.article_id is None
    job = w.jobs.import_paths([str(p) for p in seed_files()])
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=60000)
    assert job.error is None and job.result.imported == len(seed_files())
    assert w.article_model.rowCount() == len(seed_files())
    assert w.article_id is not None and w.text_pane.highlighted
    # re-detection of one article adds nothing new (idempotent) and the window is refreshed
    n = len(w.text_pane.spans)
    w.jobs.detect_article()
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=60000)
    assert len(w.text_pane.spans) == n
    out = tmp_path / "out"
    w.jobs.export_to(str(out), "jsonl", "all")
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=60000)
    assert (out / "annotations.jsonl").exists()
    assert "Exported 1 file" in w.statusBar().currentMessage()


def test_dropping_files_imports_them(qtbot, db, tmp_path):
    f = tmp_path / "dropped.txt"
    f.write_text("Dropped article\nRahim met Karim in Dhaka.", encoding="utf-8")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f))])
    ev = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    w.dropEvent(ev)
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=30000)
    assert [r.title for r in queries.list_articles(db)] == ["Dropped article"]
    assert w.article_model.rowCount() == 1


# -- errors ----------------------------------------------------------------------------------------


def test_exception_hook_logs_and_shows_a_dialog(qtbot, tmp_path):
    from desktop.ui import errors

    hook = errors.ExceptionHook()
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError as exc:
        hook.setup = errors.setup_logging()
        hook(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: hook.last_dialog is not None and hook.last_dialog.isVisible())
    assert "boom in a slot" in hook.last_dialog.text()
    assert "RuntimeError" in hook.last_dialog.detailedText()
    for h in logging.getLogger("desktop").handlers:
        h.flush()
    assert "boom in a slot" in errors.log_file().read_text(encoding="utf-8")
    hook.last_dialog.close()


def test_a_core_error_becomes_a_status_message(qtbot, db, tmp_path):
    (aid,) = many(db, 1)
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid)
    assert w.run_action(lambda d: curation.set_type(d, 999, "PERSON")) is None
    assert "does not exist" in w.statusBar().currentMessage()
    assert w.isVisible()


# -- self-test entry point ---------------------------------------------------------------------------


def test_selftest_window_renders_highlights(qtbot, db):
    from desktop.ui.app import selftest_window

    import_paths(db, seed_files(), detect=True)
    info = selftest_window(db)
    assert info["highlights"] > 0
    assert info["article_id"] in queries.article_ids(db)
    assert info["rendered"]


def test_run_opens_the_window_on_the_database(qtbot, db, monkeypatch):
    import sys

    from desktop.ui import app as appmod
    from desktop.ui.main_window import MainWindow
    from desktop.ui.settings import Settings

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run() installs its hook; put it back after
    (aid,) = many(db, 1)
    seen = {}

    def fake_exec(_app=None):
        # stands in for the event loop: look at the window the way the curator would find it
        wins = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen["n"] = len(wins)
        if wins:
            seen["article"] = wins[0].article_id
            seen["app"] = QApplication.applicationName()
            seen["hook"] = type(sys.excepthook).__name__
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    assert appmod.run(db.path) == 0
    assert seen == {"n": 1, "article": aid, "app": "Curate", "hook": "ExceptionHook"}
    assert Settings().last_database == str(Path(db.path).resolve())  # saved when the window closed
