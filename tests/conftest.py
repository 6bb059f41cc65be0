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


# -- both backends -------------------------------------------------------------------------------
# ``anydb`` (and ``any_target``, ``any_seeded``) run a test on SQLite and on PostgreSQL.  The
# server is $CURATE_TEST_PG (a superuser URL, as .ci/run exports) or, when that is unset, a
# private instance that scripts/pg_server.py starts for this run.  Under CI=true a server that
# cannot be reached fails the run; elsewhere the PostgreSQL half is skipped with the reason.

import itertools  # noqa: E402

_pg_names = itertools.count(1)


def _pg_admin():
    import psycopg

    return psycopg.connect(_PG["url"], autocommit=True)


_PG: dict = {}


def _load_pg_script():
    import importlib.util
    from pathlib import Path

    if "module" not in _PG:
        spec = importlib.util.spec_from_file_location(
            "pg_server", Path(__file__).resolve().parent.parent / "scripts" / "pg_server.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        _PG["module"] = mod
    return _PG["module"]


@pytest.fixture(scope="session")
def pg_server():
    """The admin URL of a PostgreSQL server for this run."""
    url = os.environ.get("CURATE_TEST_PG")
    base = None
    try:
        if not url:
            url, base = _load_pg_script().start()
        _PG["url"] = url
        _PG["base"] = base
        _pg_admin().close()
    except BaseException as exc:  # noqa: BLE001 - SystemExit from the script included
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL server not available under CI: {exc}")
        pytest.skip(f"no PostgreSQL server ({exc})")
    yield url
    if base is not None:
        _load_pg_script().stop(base)


def pg_create_database(template: str | None = None) -> str:
    """A new, empty (or copied from ``template``) database on the test server; its URL."""
    from sqlalchemy.engine import make_url

    name = f"curate_t{os.getpid()}_{next(_pg_names)}"
    with _pg_admin() as c:
        c.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return make_url(_PG["url"]).set(database=name).render_as_string(hide_password=False)


def pg_drop_database(url: str) -> None:
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    with _pg_admin() as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class PgAdmin:
    """What a test may do on the server: new databases, an admin connection."""

    url = property(lambda self: _PG["url"])
    connect = staticmethod(_pg_admin)
    create = staticmethod(pg_create_database)
    drop = staticmethod(pg_drop_database)

    def restart(self) -> None:
        """Restart the server (the private one, or $CURATE_TEST_PG_DIR's, as .ci/run exports)."""
        base = _PG.get("base") or os.environ.get("CURATE_TEST_PG_DIR")
        if not base:
            if os.environ.get("CI") == "true":
                pytest.fail("CURATE_TEST_PG_DIR is not set: cannot restart the server")
            pytest.skip("restarting needs the private test server (CURATE_TEST_PG_DIR)")
        _load_pg_script().restart(base)


@pytest.fixture
def pg(pg_server):
    return PgAdmin()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture
def any_target(backend, tmp_path_factory, request):
    """A place for a new database: a file path (SQLite) or an empty server database's URL."""
    if backend == "sqlite":
        yield str(tmp_path_factory.mktemp("db") / "curate.db")
        return
    request.getfixturevalue("pg_server")
    url = pg_create_database()
    yield url
    pg_drop_database(url)


@pytest.fixture
def anydb(any_target):
    """A fresh database on each backend (the parametrised fixture of the database-facing tests)."""
    from desktop.db import Database

    database = Database(any_target)
    yield database
    database.close()


@pytest.fixture(scope="session")
def _pg_seeded_template(pg_server):
    from desktop.db import Database
    from desktop.detection.service import seed_knowledge_base
    from desktop.importing import import_paths
    from desktop.paths import seeds_dir
    from sqlalchemy.engine import make_url

    url = pg_create_database()
    database = Database(url)
    seed_knowledge_base(database)
    assert import_paths(database, [seeds_dir()]).imported == 5
    database.close()
    yield make_url(url).database
    pg_drop_database(url)


@pytest.fixture
def any_seeded(backend, request):
    """The seeded database (starter KB, five detected seeds) on each backend."""
    if backend == "sqlite":
        yield request.getfixturevalue("seeded")
        return
    from desktop.db import Database

    template = request.getfixturevalue("_pg_seeded_template")
    url = pg_create_database(template)
    database = Database(url)
    yield database
    database.close()
    pg_drop_database(url)


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
