"""The database layer on both backends (SQLite file, PostgreSQL server): schema creation,
search with Indic inflections, check, backup to a SQLite file, migrations, ids never reused,
passwords never shown."""

import sqlite3

import pytest
from sqlmodel import select

from desktop import curation, history
from desktop.db import SCHEMA_VERSION, Database, DatabaseError, display_name
from desktop.importing import Draft, import_drafts
from desktop.models import Article, Mention


def _texts(db):
    import_drafts(db, [
        Draft(text="মোদী দ্বিবেদীর সঙ্গে কাজাখস্তানের রাজধানীতে বৈঠক করেন।", title="বৈঠক"),
        Draft(text="राजनाथ सिंह ने रक्षा मंत्रालय में बैठक की।", title="बैठक"),
        Draft(text="The Kazakhstan visit ended in Astana.", title="Visit"),
    ])


@pytest.mark.parametrize("query,expected", [
    ("দ্বিবেদী", {0}),       # a stem finds its inflected form দ্বিবেদীর
    ("কাজাখস্তান", {0}),     # and কাজাখস্তানের
    ("सिं", {1}),            # a short prefix ending in a vowel sign
    ("राजनाथ सिंह", {1}),
    ("kazakhstan", {2}),     # case-folded
    ("ভারতীয়", set()),      # absent from every text: nothing
    ("দ্বিবেদীরা", set()),   # longer than any word in the text: nothing
    ("\"-", set()),          # no words at all
])
def test_search_finds_inflections_and_nothing_else(anydb, query, expected):
    _texts(anydb)
    with anydb.session() as s:
        ids = [a.id for a in s.exec(select(Article).order_by(Article.id))]
    found = {ids.index(r[0]) for r in anydb.search(query)}
    assert found == expected
    assert set(anydb.search_ids(query)) == {ids[i] for i in expected}
    if expected:
        assert "[" in anydb.search(query)[0][2]  # the snippet marks the hit


def test_new_database_has_schema_and_checks_clean(anydb):
    assert anydb.schema_version() == SCHEMA_VERSION
    _texts(anydb)
    assert anydb.check() == []
    from desktop.queries import entity_types

    assert [t.name for t in entity_types(anydb)][:3] == ["PERSON", "ORG", "LOC"]


def test_check_finds_a_mention_off_its_offsets(anydb):
    _texts(anydb)
    m = curation.add_mention(anydb, 1 if not anydb.server else _first_article(anydb), 0, 4, "PERSON").value
    with anydb.transaction() as s:
        row = s.get(Mention, m.id)
        row.text = "xxxx"
        s.add(row)
    assert any(f"mention {m.id}" in p for p in anydb.check())


def _first_article(db) -> int:
    with db.session() as s:
        return s.exec(select(Article.id).order_by(Article.id)).first()


def test_ids_are_never_reused(anydb):
    _texts(anydb)
    aid = _first_article(anydb)
    m1 = curation.add_mention(anydb, aid, 0, 4, "PERSON").value
    m2 = curation.add_mention(anydb, aid, 5, 14, "PERSON").value
    curation.delete_mention(anydb, m2.id)  # the newest row goes
    m3 = curation.add_mention(anydb, aid, 15, 25, "LOC").value
    assert m3.id > m2.id > m1.id


def test_backup_is_a_sqlite_file_curate_opens(anydb, tmp_path):
    _texts(anydb)
    aid = _first_article(anydb)
    m = curation.add_mention(anydb, aid, 0, 4, "PERSON").value
    out = tmp_path / "offline.db"
    anydb.backup(out)
    copy = Database(out)
    try:
        assert copy.check() == []
        assert {r[0] for r in copy.search("দ্বিবেদী")} == {aid}
        with copy.session() as s:
            assert s.get(Mention, m.id).text == "মোদী"
            assert len(s.exec(select(Article)).all()) == 3
        assert history.peek(copy)[0] is not None  # the history came along: undo works offline
        assert history.undo(copy) is not None
    finally:
        copy.close()


def test_migration_from_schema_3(any_target):
    """A schema-3 database (what the previous Curate made: no row versions) is brought to the
    current version with its rows kept."""
    db = Database(any_target)
    _texts(db)
    aid = _first_article(db)
    m = curation.add_mention(db, aid, 0, 4, "PERSON").value
    with db._write_engine.begin() as c:  # back to schema 3
        for table in ("article", "entity", "alias", "mention", "relation"):
            c.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN version")
        c.exec_driver_sql("DROP INDEX ix_article_assigned_to")
        c.exec_driver_sql("ALTER TABLE article DROP COLUMN assigned_to")
        db._set_version(c, 3)
    db.close()
    db = Database(any_target)
    try:
        assert db.schema_version() == SCHEMA_VERSION
        with db.session() as s:
            row = s.get(Mention, m.id)
            assert row.text == "মোদী" and row.version == 1
        assert curation.reject(db, m.id).value.version == 2
        assert db.check() == []
    finally:
        db.close()


def test_sqlite_ids_never_reused_after_migration_from_v1(tmp_path):
    from tests.test_db import SCHEMA_V1

    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.executescript(SCHEMA_V1)
    con.close()
    db = Database(path)
    ddl = {r[0]: r[1] for r in sqlite3.connect(path).execute("SELECT name, sql FROM sqlite_master WHERE type='table'")}
    assert "AUTOINCREMENT" in ddl["mention"] and "AUTOINCREMENT" in ddl["relation"]
    with db.session() as s:
        top = max(m.id for m in s.exec(select(Mention)))
    curation.delete_mention(db, top)
    with db.session() as s:
        aid = s.exec(select(Article.id)).first()
    new = curation.add_mention(db, aid, 0, 2, "PERSON").value
    assert new.id > top
    assert db.check() == []
    db.close()


def test_a_foreign_server_database_is_left_untouched(pg):
    import psycopg

    url = pg.create()
    try:
        with psycopg.connect(url, autocommit=True) as c:
            c.execute("CREATE TABLE invoices (id int)")
        with pytest.raises(DatabaseError, match="not a Curate database"):
            Database(url)
        with psycopg.connect(url) as c:
            tables = {r[0] for r in c.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")}
        assert tables == {"invoices"}
    finally:
        pg.drop(url)


def test_password_never_shown(pg_server):
    from sqlalchemy.engine import make_url

    from desktop.db import postgres as db_postgres

    url = make_url(pg_server).set(password="s3cret-Pw", port=1).render_as_string(hide_password=False)
    assert "s3cret-Pw" not in display_name(url)
    with pytest.raises(DatabaseError) as err:
        Database(url)  # nothing listens on port 1
    assert "s3cret-Pw" not in str(err.value) and "cannot reach the database server" in str(err.value)
    assert "s3cret" not in db_postgres.mask("postgresql://bob:s3cret@h/db failed")


def test_server_database_created_by_an_ordinary_owner_role(pg):
    """The schema works under a role that owns its database and is no superuser."""
    from sqlalchemy.engine import make_url

    with pg.connect() as c:
        c.execute("DROP DATABASE IF EXISTS curate_owned WITH (FORCE)")
        c.execute("DROP ROLE IF EXISTS curate_owner")
        c.execute("CREATE ROLE curate_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
        c.execute("CREATE DATABASE curate_owned OWNER curate_owner")
    try:
        url = make_url(pg.url).set(username="curate_owner", database="curate_owned").render_as_string(
            hide_password=False)
        db = Database(url)
        _texts(db)
        assert db.search("দ্বিবেদী") and db.check() == []
        db.close()
    finally:
        with pg.connect() as c:
            c.execute("DROP DATABASE IF EXISTS curate_owned WITH (FORCE)")
            c.execute("DROP ROLE IF EXISTS curate_owner")


def test_read_only_role_browses_and_gets_a_clear_message_on_writes(pg, tmp_path):
    """The GRANTs of docs/team.md: a read-only role can list, search and export; any write is
    one clear line and changes nothing."""
    from sqlalchemy.engine import make_url

    from desktop.exporting import export
    from desktop.queries import list_articles

    url = pg.create()
    db = Database(url)
    _texts(db)
    aid = _first_article(db)
    db.close()
    name = make_url(url).database
    with pg.connect() as c:
        c.execute("DROP ROLE IF EXISTS curate_reader")
        c.execute("CREATE ROLE curate_reader LOGIN")
    import psycopg

    with psycopg.connect(url, autocommit=True) as c:  # as in docs/team.md
        c.execute(f'GRANT CONNECT ON DATABASE "{name}" TO curate_reader')
        c.execute("GRANT USAGE ON SCHEMA public TO curate_reader")
        c.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO curate_reader")
    reader = Database(make_url(url).set(username="curate_reader").render_as_string(hide_password=False))
    try:
        assert len(list_articles(reader)) == 3 and reader.search("দ্বিবেদী")
        assert export(reader, tmp_path / "out", fmt="jsonl")
        with pytest.raises(DatabaseError, match="this role may only read the database .* nothing was changed"):
            curation.add_mention(reader, aid, 0, 4, "PERSON")
        with pytest.raises(DatabaseError, match="may only read"):
            curation.set_article_status(reader, aid, "done")
        assert history.undo(reader) is None  # nothing of this curator's to undo: no write tried
    finally:
        reader.close()
        pg.drop(url)
        with pg.connect() as c:
            c.execute("DROP ROLE IF EXISTS curate_reader")


OPENER = """
import json, sys, time
from desktop.seeds import open_or_create
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
db, created = open_or_create(sys.argv[1], with_seeds=False)
print(json.dumps({"created": created, "version": db.schema_version()}))
db.close()
"""


def test_three_processes_opening_one_new_database_at_once(any_target):
    """Three processes open the same new database (a missing file; an empty server database) at
    the same moment: one creates the schema and seeds the starter knowledge base, the others
    wait for it and find it done — none fails on a lock or takes the half-made schema for a
    foreign database, and nothing is seeded twice."""
    import json
    import subprocess
    import sys
    import time

    from desktop.detection.service import bundled_entities
    from desktop.models import Entity

    start = time.time() + 4
    procs = [subprocess.Popen([sys.executable, "-c", OPENER, str(any_target), str(start)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e[-2000:] for _, e in outs]
    reports = [json.loads(o.strip().splitlines()[-1]) for o, _ in outs]
    assert all(r["version"] == SCHEMA_VERSION for r in reports)
    db = Database(any_target)
    with db.session() as s:
        names = [(e.name, e.type) for e in s.exec(select(Entity))]
    assert len(names) == len(set(names)) == len({(v["name"], v["type"]) for v in bundled_entities().values()})
    assert db.check() == []
    db.close()


def test_a_setup_transaction_waits_for_another_writer_where_an_ordinary_one_gives_up(any_target, monkeypatch):
    """Database.patient: while another connection holds the write lock for a second, an ordinary
    write (its wait cut to 0.2 s here) fails with one line, a setup write waits and commits, and
    after the block writes give up as quickly as before."""
    import contextlib
    import threading
    import time

    from desktop.db import sqlite as dbmod  # where the busy timeout is read
    from desktop.db import postgres as db_postgres

    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 200)
    monkeypatch.setattr(db_postgres, "LOCK_TIMEOUT", "200ms")
    Database(any_target).close()
    db = Database(any_target)

    @contextlib.contextmanager
    def lock_held(for_s):
        held, release = threading.Event(), threading.Event()

        def hold():
            if db.server:
                import psycopg

                with psycopg.connect(any_target, autocommit=True) as c:
                    c.execute(f"SELECT pg_advisory_lock({db_postgres.WRITE_LOCK_KEY})")
                    held.set()
                    release.wait(for_s)
                    c.execute(f"SELECT pg_advisory_unlock({db_postgres.WRITE_LOCK_KEY})")
            else:
                c = sqlite3.connect(any_target, isolation_level=None)
                c.execute("BEGIN IMMEDIATE")
                held.set()
                release.wait(for_s)
                c.execute("ROLLBACK")
                c.close()

        th = threading.Thread(target=hold)
        th.start()
        assert held.wait(10)
        try:
            yield
        finally:
            release.set()
            th.join()

    with lock_held(1.0):
        with pytest.raises(DatabaseError, match="locked|busy"):
            _write(db, "first")
        t0 = time.monotonic()
        with db.patient(10_000):
            _write(db, "second")
        assert time.monotonic() - t0 >= 0.5  # it waited for the other writer
    with lock_held(5.0):
        t0 = time.monotonic()
        with pytest.raises(DatabaseError, match="locked|busy"):
            _write(db, "third")
        assert time.monotonic() - t0 < 3  # the ordinary wait is back
    with db.session() as s:
        assert [a.title for a in s.exec(select(Article))] == ["second"]
    db.close()


def _write(db, title):
    with db.transaction() as s:
        s.add(Article(title=title, text=title, content_hash=title, language="en"))


def test_opening_a_new_database_waits_out_a_lock_an_old_one_reports_it(tmp_path, monkeypatch):
    """While another process is still creating a database (its file still about empty), a lock
    met on opening it is waited out; on a database in use the one-line error comes at once."""
    from desktop import seeds
    from desktop.db import DatabaseError

    real = seeds.Database
    tries = []

    def locked_twice(p, *a, **k):
        tries.append(p)
        if len(tries) <= 2:
            raise DatabaseError(f"{p}: the database is locked by another program (try again when it is done)")
        return real(p, *a, **k)

    monkeypatch.setattr(seeds, "Database", locked_twice)
    db, created = seeds.open_or_create(tmp_path / "new.db", with_seeds=False)
    assert created and len(tries) == 3 and db.schema_version() == SCHEMA_VERSION
    db.close()
    old = tmp_path / "new.db"
    monkeypatch.setattr(seeds, "YOUNG_BYTES", 1)  # as big as a database in use
    tries.clear()
    with pytest.raises(DatabaseError, match="locked by another program"):
        seeds.open_or_create(old, with_seeds=False)
    assert len(tries) == 1
