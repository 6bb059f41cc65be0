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
def kb(db):
    """A database with the bundled starter knowledge base and no articles."""
    from desktop.detection.service import seed_knowledge_base

    seed_knowledge_base(db)
    return db


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory):
    """Built once per run: seeding the starter knowledge base (~2,000 entities) and detecting
    the seeds takes about a second, and ~140 tests start from it."""
    from desktop.db import Database
    from desktop.detection.service import seed_knowledge_base
    from desktop.importing import import_paths
    from desktop.paths import seeds_dir

    path = tmp_path_factory.mktemp("template") / "seeded.db"
    database = Database(path)
    seed_knowledge_base(database)
    assert import_paths(database, [seeds_dir()]).imported == 5
    database.close()
    return path


@pytest.fixture
def seeded(tmp_path_factory, _seeded_template):
    """A database with the starter knowledge base and the five seed articles (detected): a
    fresh copy of the session's template for each test."""
    from desktop.db import Database

    template = Database(_seeded_template)
    dest = tmp_path_factory.mktemp("db") / "curate.db"
    template.backup(dest)
    template.close()
    database = Database(dest)
    yield database
    database.close()


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
