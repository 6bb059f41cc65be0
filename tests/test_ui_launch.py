"""`curate` with no command opens the window on the right database."""

import pytest

pytestmark = pytest.mark.gui


@pytest.fixture
def launched(monkeypatch):
    import desktop.ui.app as app

    seen = []
    monkeypatch.setattr(app, "run", lambda path: seen.append(path) or 0)
    return seen


def test_launch_reopens_the_last_database(launched, tmp_path, monkeypatch):
    from desktop.cli import main
    from desktop.db import Database
    from desktop.ui.settings import Settings

    monkeypatch.delenv("CURATE_DB", raising=False)
    last = tmp_path / "team.db"
    Database(last).close()
    s = Settings()
    s.last_database = str(last)
    s.qs.sync()
    assert main([]) == 0
    assert launched == [str(last)]


def test_explicit_database_wins_and_a_vanished_last_one_falls_back(launched, tmp_path, monkeypatch):
    from desktop.cli import main
    from desktop.paths import default_db_path
    from desktop.ui.settings import Settings

    monkeypatch.delenv("CURATE_DB", raising=False)
    s = Settings()
    s.last_database = str(tmp_path / "gone.db")
    s.qs.sync()
    assert main(["--db", str(tmp_path / "mine.db")]) == 0
    assert main([]) == 0
    assert launched == [str(tmp_path / "mine.db"), str(default_db_path())]
