"""The database module: pragmas, constraints, migrations, search, backup, check, bad files."""

import sqlite3

import pytest

from desktop.db import SCHEMA_VERSION, Database, DatabaseError, fts_query_from_user
from desktop.importing import Draft, import_drafts
from desktop.models import Article, Mention, Relation

SCHEMA_V1 = """
CREATE TABLE article (id INTEGER PRIMARY KEY, title VARCHAR NOT NULL, text VARCHAR NOT NULL,
  source VARCHAR NOT NULL, language VARCHAR NOT NULL, content_hash VARCHAR NOT NULL UNIQUE,
  status VARCHAR NOT NULL, imported_at DATETIME NOT NULL);
CREATE TABLE entity_type (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL UNIQUE, colour VARCHAR NOT NULL,
  shortcut VARCHAR NOT NULL, position INTEGER NOT NULL);
CREATE TABLE entity (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, type VARCHAR NOT NULL,
  external_id VARCHAR, description VARCHAR NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL);
CREATE TABLE alias (id INTEGER PRIMARY KEY, entity_id INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE,
  text VARCHAR NOT NULL, "key" VARCHAR NOT NULL, language VARCHAR NOT NULL, UNIQUE(entity_id, "key"));
CREATE TABLE mention (id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
  start INTEGER NOT NULL, "end" INTEGER NOT NULL, text VARCHAR NOT NULL, type VARCHAR NOT NULL,
  status VARCHAR NOT NULL, source VARCHAR NOT NULL, entity_id INTEGER REFERENCES entity(id) ON DELETE SET NULL,
  confidence FLOAT NOT NULL, value VARCHAR, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL,
  CHECK (start >= 0 AND start < "end"));
CREATE TABLE history (id INTEGER PRIMARY KEY, at DATETIME NOT NULL, user VARCHAR NOT NULL, kind VARCHAR NOT NULL,
  action VARCHAR NOT NULL, summary VARCHAR NOT NULL, article_id INTEGER, target_id INTEGER,
  state VARCHAR NOT NULL, changes VARCHAR NOT NULL);
CREATE VIRTUAL TABLE article_fts USING fts5(title, text, content='article', content_rowid='id',
  tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co M*'");
CREATE TRIGGER article_fts_ai AFTER INSERT ON article BEGIN
  INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END;
INSERT INTO entity_type(name, colour, shortcut, position) VALUES ('PERSON', '#e6550d', '1', 0);
INSERT INTO article VALUES (1, 'old', 'পুরনো লেখা কাজাখস্তানের', 'old.txt', 'bn', 'h1', 'new', '2024-01-01 00:00:00');
INSERT INTO mention VALUES (1, 1, 0, 5, 'পুরনো', 'PERSON', 'confirmed', 'manual', NULL, 1.0, NULL,
  '2024-01-01 00:00:00', '2024-01-01 00:00:00');
PRAGMA user_version = 1;
"""


def test_pragmas_on_every_connection(db):
    with db.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    assert db.schema_version() == SCHEMA_VERSION


def test_span_constraint_and_foreign_keys(db):
    import_drafts(db, [Draft(text="some article text")])
    with pytest.raises(DatabaseError, match="constraint"):
        with db.transaction() as s:
            s.add(Mention(article_id=1, start=5, end=5, text="", type="PERSON"))
    with pytest.raises(DatabaseError, match="constraint"):
        with db.transaction() as s:
            s.add(Mention(article_id=99, start=0, end=4, text="some", type="PERSON"))


def test_transaction_rolls_back_on_error(db):
    with pytest.raises(RuntimeError):
        with db.transaction() as s:
            s.add(Mention(article_id=1, start=0, end=1, text="x", type="PERSON"))
            raise RuntimeError("boom")
    with db.session() as s:
        assert s.get(Mention, 1) is None


def test_migration_from_v1(tmp_path):
    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.executescript(SCHEMA_V1)
    con.close()
    db = Database(path)
    assert db.schema_version() == SCHEMA_VERSION
    with db.session() as s:
        m = s.get(Mention, 1)
        assert m.text == "পুরনো" and m.origin_start is None
    with db.engine.connect() as c:
        tables = {r[0] for r in c.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
        alias_cols = {r[1] for r in c.exec_driver_sql("PRAGMA table_info(alias)")}
    assert {"relation", "relation_type"} <= tables
    assert "source" in alias_cols
    assert db.search("কাজাখস্তান") and db.check() == []


def test_newer_schema_refused(tmp_path):
    path = tmp_path / "new.db"
    con = sqlite3.connect(path)
    con.executescript("CREATE TABLE article(id INTEGER PRIMARY KEY); PRAGMA user_version = 999;")
    con.close()
    with pytest.raises(DatabaseError, match="newer Curate"):
        Database(path)


def test_damaged_file_is_never_overwritten(tmp_path):
    path = tmp_path / "bad.db"
    junk = b"this is not a database at all" * 100
    path.write_bytes(junk)
    with pytest.raises(DatabaseError, match="left untouched"):
        Database(path)
    assert path.read_bytes() == junk


def test_locked_database_is_one_clear_error(tmp_path, monkeypatch):
    import desktop.db.sqlite as dbmod  # where the busy timeout is read

    path = tmp_path / "locked.db"
    Database(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 100)
    try:
        db = Database(path)  # opening reads only the schema version
    except DatabaseError as exc:
        assert "locked" in str(exc)
    else:
        report = import_drafts(db, [Draft(text="x y z")])
        assert report.imported == 0 and "locked" in report.stopped
    finally:
        holder.rollback()
        holder.close()


@pytest.mark.parametrize("query,expected", [
    ("দ্বিবেদী", {1}),            # stem finds the inflected দ্বিবেদীর
    ("কাজাখস্তান", {1}),          # finds কাজাখস্তানের
    ("रक्षा", {2}),
    ("राजनाथ सिंह", {2}),
    ("सिं", {2}),                 # short prefix with a vowel sign
    ("Kazakhstan", {3}),
    ("কাজাখ", {1}),
    ("ভারতীয়", set()),           # not in any text
])
def test_search_inflected_indic(db, query, expected):
    import_drafts(db, [
        Draft(text="জেনারেল উপেন্দ্র দ্বিবেদীর সঙ্গে কাজাখস্তানের বৈঠক"),
        Draft(text="रक्षा मंत्री राजनाथ सिंह ने चर्चा की"),
        Draft(text="India and Kazakhstan held talks"),
    ])
    assert {r[0] for r in db.search(query)} == expected


@pytest.mark.parametrize("query", ['"', "AND", "OR NOT (", "*", "NEAR(a b", "title:x", "", "   ", "'; DROP TABLE article;--"])
def test_search_odd_queries_never_raise(db, query):
    import_drafts(db, [Draft(text="AND OR title x article")])
    db.search(query)  # must not raise
    assert all('"' not in w.strip('"*') for w in fts_query_from_user(query).split())


def test_backup_is_consistent_copy(db, tmp_path):
    import_drafts(db, [Draft(text="backup me please")])
    dest = tmp_path / "copy" / "b.db"
    db.backup(dest)
    copy = Database(dest)
    assert copy.search("backup") and copy.check() == []


def test_check_finds_bad_offsets(db):
    import_drafts(db, [Draft(text="abcdef ghij")])
    with db.transaction() as s:
        s.add(Mention(article_id=1, start=0, end=3, text="xyz", type="PERSON"))
    problems = db.check()
    assert any("mention 1" in p for p in problems)


def test_migration_to_v3_drops_write_only_mention_indexes(tmp_path):
    path = tmp_path / "v2.db"
    db = Database(path)
    db.close()
    con = sqlite3.connect(path)
    con.executescript("CREATE INDEX ix_mention_article_id ON mention (article_id);"
                      "CREATE INDEX ix_mention_type ON mention (type); PRAGMA user_version = 2;")
    con.close()
    db = Database(path)
    assert db.schema_version() == SCHEMA_VERSION >= 3
    with db.engine.connect() as c:
        names = {r[0] for r in c.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='index'")}
        plan = " ".join(r[-1] for r in c.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM mention WHERE article_id = 1"))
    assert "ix_mention_article_id" not in names and "ix_mention_type" not in names
    assert "USING" in plan and "INDEX" in plan  # reads by article still use an index
    assert db.check() == []


def test_migration_to_v8_merges_duplicate_mentions_keeping_the_curated_one(tmp_path):
    """Schema 8 makes (article, start, end, type) unique; a file from before it may hold
    duplicates (two detection runs at once): the curated one is kept, relations follow it."""
    path = tmp_path / "v7.db"
    db = Database(path)
    with db.transaction() as s:
        a = Article(title="t", text="Dhaka and Delhi", content_hash="h-v8")
        s.add(a)
        s.flush()
        first = Mention(article_id=a.id, start=0, end=5, text="Dhaka", type="LOC", status="suggested")
        other = Mention(article_id=a.id, start=10, end=15, text="Delhi", type="LOC", status="confirmed")
        s.add(first)
        s.add(other)
        s.flush()
        s.add(Relation(article_id=a.id, head_mention_id=first.id, tail_mention_id=other.id, type="located_in"))
        first_id, other_id = first.id, other.id
    db.close()
    con = sqlite3.connect(path)
    con.execute("DROP INDEX uq_mention_article_span_type")
    cols = [r[1] for r in con.execute("PRAGMA table_info(mention)") if r[1] != "id"]
    con.execute(f"INSERT INTO mention ({','.join(cols)}) SELECT {','.join(cols)} FROM mention WHERE id = ?",
                (first_id,))
    dup_id = con.execute("SELECT max(id) FROM mention").fetchone()[0]
    con.execute("UPDATE mention SET status = 'confirmed' WHERE id = ?", (dup_id,))
    con.execute("PRAGMA user_version = 7")
    con.commit()
    con.close()

    db = Database(path)
    assert db.schema_version() == SCHEMA_VERSION >= 8
    with db.engine.connect() as c:
        rows = c.exec_driver_sql("SELECT id, status FROM mention WHERE start = 0 ORDER BY id").all()
        rel = c.exec_driver_sql("SELECT head_mention_id, tail_mention_id FROM relation").all()
        names = {r[0] for r in c.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='index'")}
    assert [tuple(r) for r in rows] == [(dup_id, "confirmed")]  # the curated duplicate stays
    assert [tuple(r) for r in rel] == [(dup_id, other_id)]  # the relation follows it
    assert "uq_mention_article_span_type" in names
    assert db.check() == []
