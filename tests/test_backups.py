"""Automatic backups: verified, rotating, thinned; restore; the CLI commands."""

import datetime as dt
import sqlite3

import pytest

from desktop import backups, cli
from desktop.db import Database, DatabaseError
from desktop.importing import Draft, import_drafts


def _articles(path) -> int:
    c = sqlite3.connect(path)
    try:
        return c.execute("SELECT count(*) FROM article").fetchone()[0]
    finally:
        c.close()


def test_backup_is_verified_and_listed(db):
    import_drafts(db, [Draft(text="Dhaka news")])
    b = backups.make_backup(db)
    assert b.parent == backups.backup_dir(db.path)
    assert sqlite3.connect(b).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    [info] = backups.list_backups(db.path)
    assert info.path == b and info.articles == 1 and info.mentions == 0


def test_thinning_keeps_12_recent_one_a_day_for_a_week_one_a_week_for_a_month(db):
    now = dt.datetime(2026, 6, 30, 12, 0, 0)
    # four backups a day for 40 days
    for day in range(40):
        for h in (1, 7, 13, 19):
            at = now - dt.timedelta(days=day, hours=h)
            backups.make_backup(db, now=at, keep=False)
    backups.thin(db.path, now=now)
    left = [at for at, _ in backups._backup_files(db.path)]
    assert left[:12] == sorted(left, reverse=True)[:12]
    recent = sorted(left, reverse=True)[:12]
    days = {at.date() for at in left if now - at <= dt.timedelta(days=7)}
    assert len(days) >= 7
    weeks = {at.isocalendar()[:2] for at in left if now - at <= dt.timedelta(days=31)}
    assert all(any(at.isocalendar()[:2] == w for at in left) for w in weeks) and len(weeks) >= 4
    assert not any(now - at > dt.timedelta(days=31) for at in left if at not in recent)
    assert len(left) <= 12 + 7 + 5


def test_damaged_database_never_replaces_a_good_backup(db, tmp_path):
    import_drafts(db, [Draft(text=f"article {i} " * 200) for i in range(40)])
    good = backups.make_backup(db)
    good_bytes = good.read_bytes()
    db.close()
    c = sqlite3.connect(db.path)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = [r[0] for r in c.execute("SELECT pageno FROM dbstat WHERE name='article' AND pagetype='leaf'")][3]
    size = c.execute("PRAGMA page_size").fetchone()[0]
    c.close()
    with open(db.path, "r+b") as fh:
        fh.seek((page - 1) * size + 8)
        fh.write(b"\xa5" * 64)
    damaged = Database(db.path)
    assert damaged.damaged and damaged.read_only
    with pytest.raises(DatabaseError, match="damaged"):
        backups.make_backup(damaged)
    assert backups.auto_backup(damaged, force=True) is None
    assert [f for _, f in backups._backup_files(db.path)] == [good] and good.read_bytes() == good_bytes


def test_auto_backup_only_when_changed(db):
    import_drafts(db, [Draft(text="one")])
    first = backups.auto_backup(db, min_interval_s=0)
    assert first is not None
    assert backups.auto_backup(db, min_interval_s=0) is None  # nothing changed
    import_drafts(db, [Draft(text="two")])
    assert backups.auto_backup(db, min_interval_s=3600) is None  # too soon
    assert backups.auto_backup(db, min_interval_s=0) is not None


def test_restore_saves_the_current_database_first(db, capsys):
    import_drafts(db, [Draft(text="one")])
    b = backups.make_backup(db)
    import_drafts(db, [Draft(text="two"), Draft(text="three")])
    assert cli.main(["--db", db.path, "restore", str(b)]) == 0
    out = capsys.readouterr().out
    assert "restored" in out and "saved as" in out
    assert _articles(db.path) == 1
    newest = backups.list_backups(db.path)[0]
    assert newest.articles == 3  # the state before the restore is a backup too
    assert cli.main(["--db", db.path, "backups"]) == 0
    listing = capsys.readouterr().out
    assert str(b) in listing and str(newest.path) in listing


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path, capsys):
    other = tmp_path / "x.db"
    other.write_bytes(b"hello")
    assert cli.main(["--db", db.path, "restore", str(other)]) == 1
    assert "not a Curate" in capsys.readouterr().err


def test_long_cli_import_makes_a_backup(db, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(backups, "LONG_WRITE_S", 0.0)
    (tmp_path / "a.txt").write_text("Dhaka news", encoding="utf-8")
    assert cli.main(["--db", db.path, "import", "--no-detect", str(tmp_path / "a.txt")]) == 0
    assert len(backups.list_backups(db.path)) == 1


def test_backups_of_a_server_database_are_one_clear_line(pg, tmp_path, monkeypatch, capsys):
    """`curate backups` on a server: one line pointing to `curate backup` snapshots; nothing is
    created where a SQLite file's backup folder would be, no password is shown."""
    from sqlalchemy.engine import make_url

    url = pg.create()
    try:
        Database(url).close()
        with_password = make_url(url).set(password="s3cret-pw").render_as_string(hide_password=False)
        here = tmp_path / "cwd"
        here.mkdir()
        monkeypatch.chdir(here)
        assert cli.main(["--db", with_password, "backups"]) == 1
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "curate backup" in err and "s3cret-pw" not in err, err
        assert list(here.iterdir()) == []
        db = Database(url)
        try:
            with pytest.raises(DatabaseError, match="no automatic backups"):
                backups.make_backup(db)
            assert backups.auto_backup(db, force=True) is None
        finally:
            db.close()
        # `curate backup FILE` is the way: a SQLite snapshot
        assert cli.main(["--db", url, "backup", str(tmp_path / "snap.db")]) == 0
        assert _articles(tmp_path / "snap.db") == 0
    finally:
        pg.drop(url)
