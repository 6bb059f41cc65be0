"""Shared fixtures.  Every test gets a fresh home, data dir and settings; Qt runs offscreen."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.delenv("CURATE_DB", raising=False)
    yield


@pytest.fixture
def db(tmp_path_factory):
    from desktop.db import Database

    database = Database(tmp_path_factory.mktemp("db") / "curate.db")
    yield database
    database.close()


@pytest.fixture
def seeds_dir():
    from desktop.paths import seeds_dir

    return seeds_dir()


@pytest.fixture
def seeded(db, seeds_dir):
    """A database with the starter knowledge base and the five seed articles (detected)."""
    from desktop.detection.service import seed_knowledge_base
    from desktop.importing import import_paths

    seed_knowledge_base(db)
    assert import_paths(db, [seeds_dir]).imported == 5
    return db


@pytest.fixture(autouse=True)
def _delete_widgets_after_gui_test(request):
    """pytest-qt closes a test's widgets with deleteLater(), which only runs in an event loop:
    delete them now (GUI tests only), so widgets do not pile up until the interpreter exits."""
    yield
    if request.node.get_closest_marker("gui") is None:
        return
    import gc
    import sys

    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is not None:
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()
