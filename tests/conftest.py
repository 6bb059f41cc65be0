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
