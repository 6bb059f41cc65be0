"""Issue 11: files that are not ours, damaged and read-only databases, imports that stop halfway,
disk full, odd files, exports, readers during a long write, query options.  Each test names the
numbered case it reproduces."""

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop import cli
from desktop.db import Database, DatabaseError
from desktop.importing import Draft, import_drafts, import_paths, pending_detection


def _sha(p: Path) -> str:
    return hashlib.sha256(Path(p).read_bytes()).hexdigest()


def _run(capsys, *argv):
    rc = cli.main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def _curate_db(tmp_path, name="c.db", texts=("Dhaka is the capital of Bangladesh.", "Delhi hosts the summit.")):
    db = Database(tmp_path / name)
    import_drafts(db, [Draft(text=t, title=f"t{i}") for i, t in enumerate(texts)])
    db.close()
    return tmp_path / name


# -- 4, 5: another program's SQLite file -----------------------------------------------------------


@pytest.fixture
def foreign(tmp_path):
    p = tmp_path / "other.db"
    c = sqlite3.connect(p)
    c.executescript("CREATE TABLE photos(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos(name) VALUES ('a');")
    c.close()
    return p


@pytest.mark.parametrize("command", [["list"], ["stats"], ["check"], ["import", "x.txt"], ["search", "a"],
                                     ["backup", "copy.db"], ["undo"]])
def test_4_foreign_sqlite_file_is_refused_and_byte_identical(foreign, tmp_path, capsys, command, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.txt").write_text("Dhaka")
    before = _sha(foreign)
    rc, out, err = _run(capsys, "--db", str(foreign), *command)
    assert rc == 1
    assert "not a Curate database" in err and "left untouched" in err
    assert err.count("\n") == 1  # one line
    assert _sha(foreign) == before  # 5: not even the header (WAL) or change counter moved
    assert not (tmp_path / "other.db-wal").exists()


def test_4_empty_file_and_missing_path_become_databases(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    Database(empty).close()
    assert Database(empty, create=False).schema_version() > 0
    Database(tmp_path / "new.db").close()


def test_4_window_probe_refuses_foreign(foreign):
    from desktop.db import probe_existing

    with pytest.raises(DatabaseError, match="not a Curate database"):
        probe_existing(foreign)


# -- 6: damaged databases ----------------------------------------------------------------------------


def _damage(path: Path, table: str = "article") -> None:
    """Flip 64 bytes in the middle of one leaf page of `table`."""
    c = sqlite3.connect(path)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = c.execute("PRAGMA page_size").fetchone()[0]
    pages = [r[0] for r in c.execute("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf'", (table,))]
    c.close()
    page = pages[len(pages) // 2]
    with open(path, "r+b") as fh:
        off = (page - 1) * size + 8  # the page header and cell pointers
        fh.seek(off)
        data = bytearray(fh.read(64))
        fh.seek(off)
        fh.write(bytes(b ^ 0xA5 for b in data))


@pytest.fixture
def damaged(tmp_path):
    texts = [f"Article {i}: Dhaka met Delhi about trade number {i}. " * 20 for i in range(60)]
    p = _curate_db(tmp_path, "d.db", texts)
    _damage(p)
    return p


def test_6_damaged_database_opens_read_only_and_refuses_writes(damaged, tmp_path, capsys):
    rc, out, _ = _run(capsys, "--db", str(damaged), "check")
    assert rc == 1 and "problem" in out
    before = _sha(damaged)
    (tmp_path / "n.txt").write_text("A new article about Dhaka.")
    for command in (["import", str(tmp_path / "n.txt")], ["detect"], ["undo"], ["backup", str(tmp_path / "b.db")]):
        rc, out, err = _run(capsys, "--db", str(damaged), *command)
        assert rc == 1, command
        assert "damaged" in err and "curate recover" in err, (command, err)
        assert err.count("\n") == 1
    assert _sha(damaged) == before
    assert not (tmp_path / "b.db").exists()  # no backup that looks healthy


def test_6_recover_salvages_readable_rows(damaged, tmp_path, capsys):
    new = tmp_path / "new.db"
    rc, out, _ = _run(capsys, "recover", str(damaged), str(new))
    assert "recovered" in out
    db = Database(new)
    assert db.check() == []
    with db.session() as s:
        n = s.exec_driver_sql("SELECT count(*) FROM article").scalar() if hasattr(s, "exec_driver_sql") else None
    conn = sqlite3.connect(new)
    n = conn.execute("SELECT count(*) FROM article").fetchone()[0]
    conn.close()
    assert 0 < n <= 60
    assert rc == (1 if n < 60 else 0)
    if n < 60:
        assert "not recovered" in out


def test_6_export_names_damaged_rows(tmp_path, capsys):
    p = _curate_db(tmp_path)
    c = sqlite3.connect(p)
    c.execute("UPDATE article SET title = CAST(x'41ff42' AS TEXT) WHERE id = 2")  # raw bytes, not UTF-8
    c.commit()
    c.close()
    rc, out, err = _run(capsys, "--db", str(p), "export", "--out", str(tmp_path / "out"))
    assert rc == 1
    assert "article 2" in err and "title" in err
    assert "internal error" not in err


# -- 7: read-only files and folders ------------------------------------------------------------------


def test_7_read_only_file_is_read_and_never_written(tmp_path, capsys):
    p = _curate_db(tmp_path)
    os.chmod(p, 0o444)
    before = _sha(p), p.stat().st_mtime_ns
    try:
        for command in (["check"], ["list"], ["stats"], ["search", "Dhaka"],
                        ["export", "--out", str(tmp_path / "out")]):
            rc, out, err = _run(capsys, "--db", str(p), *command)
            assert rc == 0, (command, err)
        rc, out, err = _run(capsys, "--db", str(p), "check")
        assert "ok" in out
        rc, out, err = _run(capsys, "--db", str(p), "import", str(p))
        assert rc == 1 and "read-only" in err and err.count("\n") == 1
        db = Database(p)
        assert db.read_only and "read-only" in db.read_only_reason
        with pytest.raises(DatabaseError, match="read-only"):
            with db.transaction():
                pass
    finally:
        os.chmod(p, 0o644)
    assert (_sha(p), p.stat().st_mtime_ns) == before


def test_7_read_only_folder(tmp_path):
    d = tmp_path / "ro"
    d.mkdir()
    p = _curate_db(d)
    os.chmod(d, 0o555)
    try:
        db = Database(p)
        assert db.read_only and "folder" in db.read_only_reason
        assert db.check() == []
    finally:
        os.chmod(d, 0o755)


def test_7_reads_do_not_write_a_healthy_file(tmp_path, capsys):
    p = _curate_db(tmp_path)
    Database(p).close()
    before = _sha(p)
    for command in (["check"], ["list"], ["stats"], ["search", "Dhaka"]):
        assert _run(capsys, "--db", str(p), *command)[0] == 0
    assert _sha(p) == before


# -- 8: detection killed mid-import is made up --------------------------------------------------------


def test_8_undetected_articles_are_marked_and_finished_by_the_next_import(kb, tmp_path, monkeypatch):
    from desktop.detection import service

    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"Sheikh Hasina visited Dhaka on day {i}.", encoding="utf-8")
    real = service.detect_articles

    def killed(*a, **k):
        raise KeyboardInterrupt  # the process dies right after the articles were committed

    monkeypatch.setattr(service, "detect_articles", killed)
    with pytest.raises(KeyboardInterrupt):
        import_paths(kb, [tmp_path])
    assert len(pending_detection(kb)) == 3
    monkeypatch.setattr(service, "detect_articles", real)
    rep = import_paths(kb, [tmp_path])
    assert rep.imported == 0 and rep.duplicates == 3
    assert pending_detection(kb) == []
    conn = sqlite3.connect(kb.path)
    n = conn.execute("SELECT count(DISTINCT article_id) FROM mention").fetchone()[0]
    linked = conn.execute("SELECT count(*) FROM mention WHERE entity_id IS NOT NULL").fetchone()[0]
    conn.close()
    assert n == 3 and linked > 0  # suggestions and auto-links made up


def test_8_detect_command_finishes_marked_articles(kb, tmp_path, monkeypatch, capsys):
    from desktop.detection import service

    (tmp_path / "a.txt").write_text("Narendra Modi spoke in New Delhi.", encoding="utf-8")
    monkeypatch.setattr(service, "detect_articles", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        import_paths(kb, [tmp_path])
    monkeypatch.undo()
    [aid] = pending_detection(kb)
    assert _run(capsys, "--db", kb.path, "detect", "--article", "999999")[0] == 0
    assert pending_detection(kb) == []


# -- 9: disk full -------------------------------------------------------------------------------------


def test_9_disk_full_stops_at_the_first_error_with_one_honest_line(db, tmp_path, monkeypatch, capsys):
    from desktop import importing

    for i in range(12):
        (tmp_path / f"{i:02}.txt").write_text(f"article number {i}", encoding="utf-8")
    monkeypatch.setattr(importing, "BATCH", 4)
    real = db.transaction
    calls = []

    def failing():
        calls.append(1)
        if len(calls) >= 2:
            raise DatabaseError(f"{db.path}: could not write the database (database or disk is full)")
        return real()

    monkeypatch.setattr(db, "transaction", failing)
    rep = import_paths(db, [tmp_path], detect=False)
    assert len(calls) == 2  # stopped at the first error, no further attempts
    assert rep.imported == 4 and rep.failed == []
    assert "8 file(s) from" in rep.stopped and "04.txt" in rep.stopped and "disk is full" in rep.stopped
    monkeypatch.setattr(db, "transaction", real)
    conn = sqlite3.connect(db.path)
    assert conn.execute("SELECT count(*) FROM article").fetchone()[0] == 4  # the summary is true
    conn.close()


def test_9_disk_full_during_detection_keeps_the_articles_and_says_so(kb, tmp_path, monkeypatch):
    from desktop.detection import service

    (tmp_path / "a.txt").write_text("Sheikh Hasina visited Dhaka.", encoding="utf-8")

    def full(*a, **k):
        raise DatabaseError("c.db: could not write the database (database or disk is full)")

    monkeypatch.setattr(service, "detect_articles", full)
    rep = import_paths(kb, [tmp_path])
    assert rep.imported == 1
    assert "detection not finished" in rep.stopped and "curate detect" in rep.stopped
    assert len(pending_detection(kb)) == 1


# -- 10, 11: odd files ---------------------------------------------------------------------------------


def test_10_odd_files_each_give_one_failure_and_the_rest_imports(db, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text("A good article about Dhaka.", encoding="utf-8")
    os.mkfifo(d / "pipe.txt")
    (d / "zero.txt").symlink_to("/dev/zero")
    (d / "big.txt").write_bytes(b"word " * 300_000)  # 1.5 MB
    bad_name = os.fsencode(str(d)) + b"/caf\xe9.txt"
    with open(bad_name, "wb") as fh:
        fh.write("Another article about Delhi.".encode())
    started = time.monotonic()
    rep = import_paths(db, [d], detect=False, max_file_bytes=1024 * 1024)
    assert time.monotonic() - started < 20  # never waits on the FIFO
    assert rep.imported == 2  # good.txt and the file whose name is not UTF-8
    reasons = {Path(f.path).name: f.reason for f in rep.failed}
    assert "not a regular file" in reasons["pipe.txt"]
    assert "not a regular file" in reasons["zero.txt"]
    assert "too large" in reasons["big.txt"]
    conn = sqlite3.connect(db.path)
    sources = [r[0] for r in conn.execute("SELECT source FROM article")]
    conn.close()
    assert any("\\xe9" in s for s in sources)


def test_10_max_file_size_option(db, tmp_path, capsys):
    f = tmp_path / "big.txt"
    f.write_bytes(b"word " * 300_000)
    rc, out, _ = _run(capsys, "--db", db.path, "import", "--no-detect", "--max-file-size", "1", str(f))
    assert rc == 1 and "too large" in out
    rc, out, _ = _run(capsys, "--db", db.path, "import", "--no-detect", "--max-file-size", "2", str(f))
    assert rc == 0 and "imported 1" in out


def test_11_unreadable_sub_folder_is_reported(db, tmp_path, monkeypatch):
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text("Dhaka news.", encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.txt").write_text("Delhi news.", encoding="utf-8")
    real = os.scandir

    def scandir(p="."):
        if Path(p) == locked:
            raise PermissionError(13, "Permission denied", str(p))
        return real(p)

    monkeypatch.setattr(os, "scandir", scandir)
    rep = import_paths(db, [tmp_path], detect=False)
    assert rep.imported == 1
    assert [f.reason for f in rep.failed if f.path == str(locked)] == ["folder not read (Permission denied)"]


def test_11_missing_path_says_no_such_file(db, tmp_path, capsys):
    rep = import_paths(db, [tmp_path / "nope.pdf", tmp_path / "nope.txt"], detect=False)
    assert [f.reason for f in rep.failed] == ["no such file or folder"] * 2


# -- 12: exports appear together, leftovers cleaned, umask followed -------------------------------------


def test_12_export_cleans_leftovers_and_follows_the_umask(seeded, tmp_path):
    from desktop.exporting import export

    out = tmp_path / "out"
    out.mkdir()
    (out / ".mentions.csv.k3j2.part").write_bytes(b"x" * 1000)  # a killed export's leftover
    old = os.umask(0o022)
    try:
        files = export(seeded, out, status="all")
    finally:
        os.umask(old)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in files)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in files)


def test_12_failed_export_changes_no_file(seeded, tmp_path, monkeypatch):
    from desktop import exporting

    out = tmp_path / "out"
    first = exporting.export(seeded, out, status="all")
    before = {p.name: _sha(p) for p in first}
    real = exporting._context

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exporting, "_context", boom)
    with pytest.raises(Exception, match="no file was changed"):
        exporting.export(seeded, out, status="all")
    monkeypatch.setattr(exporting, "_context", real)
    assert {p.name: _sha(p) for p in out.iterdir()} == before


# -- 13: readers during a long write -------------------------------------------------------------------


def test_13_readers_and_backup_do_not_wait_for_a_writer(seeded, tmp_path, capsys):
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({seeded.path!r}, isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE')\n"
         "c.execute(\"INSERT INTO entity(name, type, description, created_at, updated_at) "
         "VALUES ('x', 'PERSON', '', '2020-01-01', '2020-01-01')\")\n"
         "print('locked', flush=True)\n"
         "time.sleep(30)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        for command in (["stats"], ["search", "দ্বিবেদী"], ["list"], ["backup", str(tmp_path / "b.db")]):
            rc, out, err = _run(capsys, "--db", seeded.path, *command)
            assert rc == 0, (command, err)
        assert time.monotonic() - started < 4  # the busy timeout is 5 s: nobody waited for the lock
    finally:
        holder.kill()
        holder.wait()


# -- 14: queries and options ---------------------------------------------------------------------------


def test_14_search_word_starting_with_a_dash(seeded, capsys):
    rc, out, err = _run(capsys, "--db", seeded.path, "search", "-দ্বিবেদী", "--json")
    assert rc == 0 and '"article_id"' in out


@pytest.mark.parametrize("limit", ["99999999999999999999999", "0", "-3", "ten"])
def test_14_bad_limit_is_a_clear_usage_error(seeded, capsys, limit):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--db", seeded.path, "search", "দ্বিবেদী", "--limit", limit])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "--limit" in err and "Traceback" not in err


def test_7_read_command_on_an_older_schema_upgrades_once_then_reads(tmp_path, capsys):
    p = _curate_db(tmp_path)
    c = sqlite3.connect(p)
    c.execute("ALTER TABLE article DROP COLUMN detect_pending")
    c.execute("PRAGMA user_version = 3")
    c.commit()
    c.close()
    rc, out, err = _run(capsys, "--db", str(p), "list")
    assert rc == 0 and "t0" in out, err
    assert Database(p, read_only=True).schema_version() == __import__("desktop.db").db.SCHEMA_VERSION
