"""The speed machinery keeps results exact: detection in worker processes gives the same rows
as one process; the stored linking keys are the computed ones and are loaded, not recomputed;
the detector cached on disk is the one the knowledge base would build, and a KB change builds
another."""

from __future__ import annotations

import sqlite3

import pytest

from desktop.db import Database
from desktop.detection import cache, service
from desktop.importing import import_paths
from desktop.linking import index as link_index

COLS = 'article_id, start, "end", text, type, source, confidence, value, entity_id, status'


def _rows(db: Database) -> list[tuple]:
    con = sqlite3.connect(db.path)
    try:
        return con.execute(f"SELECT {COLS} FROM mention ORDER BY id").fetchall()
    finally:
        con.close()


def _copy(db: Database, tmp_path, name: str) -> Database:
    db.backup(tmp_path / name)
    return Database(tmp_path / name)


def test_parallel_detection_writes_the_same_rows_as_one_process(kb, seeds_dir, tmp_path):
    import_paths(kb, [seeds_dir], detect=False)
    # every seed article twice more (another title makes another article), so pieces of
    # several articles go to each worker
    from desktop.importing import Draft, import_drafts

    con = sqlite3.connect(kb.path)
    texts = [t for (t,) in con.execute("SELECT text FROM article ORDER BY id")]
    con.close()
    import_drafts(kb, [Draft(text=t + suffix, title=f"copy {i}") for i, t in enumerate(texts)
                       for suffix in ("\n\nআরও খবর।", "\n\nMore news.")])
    serial, par = _copy(kb, tmp_path, "serial.db"), _copy(kb, tmp_path, "parallel.db")
    a = service.detect_articles(serial, workers=0)
    service._CACHE.clear()
    link_index.invalidate()
    b = service.detect_articles(par, workers=2)
    assert a.articles == b.articles == 15 and a.added == b.added > 50
    assert a.linked == b.linked
    assert _rows(serial) == _rows(par)


def _copies(kb, seeds_dir, tmp_path):
    from desktop.importing import Draft, import_drafts

    import_paths(kb, [seeds_dir], detect=False)
    con = sqlite3.connect(kb.path)
    texts = [t for (t,) in con.execute("SELECT text FROM article ORDER BY id")]
    con.close()
    import_drafts(kb, [Draft(text=t + "\n\nMore news.", title=f"copy {i}") for i, t in enumerate(texts)])
    return _copy(kb, tmp_path, "serial.db"), _copy(kb, tmp_path, "parallel.db")


def test_a_mention_added_while_the_workers_detect_is_respected(kb, seeds_dir, tmp_path, monkeypatch):
    """The workers filter and link against the mentions an article had when it was sent; one
    a curator adds meanwhile sends that article back through the parent, so the rows are those
    of a run that started after the curator's change."""
    from desktop import curation

    serial, par = _copies(kb, seeds_dir, tmp_path)
    con = sqlite3.connect(serial.path)
    aid, text = con.execute("SELECT id, text FROM article ORDER BY id LIMIT 1").fetchone()
    con.close()
    # a span the detector suggests (its first suggestion there), confirmed by hand as another type
    first = service.detect_articles(serial, [aid], workers=0, link=False)
    con = sqlite3.connect(serial.path)
    start, end, typ = con.execute('SELECT start, "end", type FROM mention WHERE article_id = ? ORDER BY start LIMIT 1',
                                  (aid,)).fetchone()
    con.execute("DELETE FROM mention")
    con.commit()
    con.close()
    assert first.added > 0
    other = "EVENT" if typ != "EVENT" else "ORG"
    service._CACHE.clear()
    before = service.build_detector(serial)  # the detector of a run started before the change
    curation.add_mention(serial, aid, start, end, other)
    link_index.invalidate()
    with monkeypatch.context() as m:
        m.setattr(service, "build_detector", lambda db: before)
        service.detect_articles(serial, workers=0)

    original = service._Sent.results
    calls = []

    def curator_acts_first(self):
        if not calls:
            calls.append(curation.add_mention(par, aid, start, end, other))
        return original(self)

    monkeypatch.setattr(service._Sent, "results", curator_acts_first)
    service._CACHE.clear()
    link_index.invalidate()
    service.detect_articles(par, workers=2)
    assert calls, "the change was made while the workers held the batch"

    def rows(db):
        return sorted(r for r in _rows(db))

    assert rows(par) == rows(serial)
    assert not any(r[0] == aid and r[1] == start and r[2] == end and r[4] == typ for r in _rows(par))


def test_link_keys_are_stored_for_the_starter_kb_and_loaded(kb, monkeypatch):
    con = sqlite3.connect(kb.path)
    stored = dict((t, (m, n, r, p)) for t, m, n, r, p in con.execute(
        "SELECT text, match, norm, roman, phonetic FROM link_key"))
    n_alias = con.execute("SELECT count(DISTINCT text) FROM alias").fetchone()[0]
    con.close()
    assert len(stored) >= n_alias > 1000
    text = next(t for t in stored if any("\u0980" <= ch <= "\u09ff" for ch in t))
    assert stored[text] == link_index.alias_keys(text)[:4]
    # a fresh process: nothing cached, and computing a key is an error
    link_index.invalidate()
    from desktop.language import linkkeys

    monkeypatch.setattr(linkkeys, "alias_keys", lambda t: pytest.fail(f"recomputed {t}"))
    with kb.session() as s:
        idx = link_index.index_for(s, "test")
    assert idx.alias_count >= n_alias


def test_surface_keys_are_stored_and_a_rerun_reads_them(kb, seeds_dir, monkeypatch):
    """Detection stores the linking keys of the surfaces it could not link by alias; detecting
    the same articles again reads them instead of transliterating, with the same rows."""
    import_paths(kb, [seeds_dir], detect=False)
    service.detect_articles(kb, workers=0)
    first = _rows(kb)
    con = sqlite3.connect(kb.path)
    open_texts = {t for (t,) in con.execute(
        "SELECT DISTINCT text FROM mention WHERE entity_id IS NULL AND type != 'DATE'")}
    stored = {t: r for t, r in con.execute("SELECT text, roman FROM link_key")}
    con.close()
    assert len(open_texts) > 10 and open_texts <= stored.keys()
    some = sorted(open_texts)[0]
    assert stored[some] == link_index.alias_keys(some)[2]
    with kb.transaction() as s:
        s.connection().exec_driver_sql("DELETE FROM mention WHERE status = 'suggested'")
    service._CACHE.clear()
    link_index.invalidate()
    link_index.alias_keys.cache_clear()
    from desktop.linking import autolink, candidates

    def fail(text):
        if text in open_texts:
            pytest.fail(f"recomputed {text}")
        return link_index.alias_keys(text)

    monkeypatch.setattr(autolink, "alias_keys", fail)
    monkeypatch.setattr(candidates, "alias_keys", fail)
    service.detect_articles(kb, workers=0)
    assert _rows(kb) == first


def test_a_new_alias_adds_only_its_key_row(kb):
    from desktop import kb as kbmod

    with kb.session() as s:
        eid = s.connection().exec_driver_sql("SELECT min(id) FROM entity").scalar()
    kbmod.add_alias(kb, eid, "Zorbaland Qx")
    con = sqlite3.connect(kb.path)
    before = con.execute("SELECT count(*) FROM link_key").fetchone()[0]
    con.close()
    with kb.transaction() as s:
        link_index.index_for(s, "test2", persist=True)
    con = sqlite3.connect(kb.path)
    after = con.execute("SELECT count(*) FROM link_key").fetchone()[0]
    row = con.execute("SELECT roman FROM link_key WHERE text = 'Zorbaland Qx'").fetchone()
    con.close()
    assert after == before + 1 and row == ("zorbalandqx",)


def test_keys_of_another_version_are_recomputed(kb, monkeypatch):
    with kb.transaction() as s:
        s.connection().exec_driver_sql("UPDATE link_key SET roman = 'stale', version = 'old'")
    link_index.invalidate()
    with kb.transaction() as s:
        idx = link_index.index_for(s, "test3", persist=True)
    con = sqlite3.connect(kb.path)
    versions = {v for (v,) in con.execute("SELECT DISTINCT version FROM link_key")}
    stale = con.execute("SELECT count(*) FROM link_key WHERE roman = 'stale'").fetchone()[0]
    con.close()
    assert versions == {link_index.key_version()} and stale == 0
    assert all(r != "stale" for rs in idx.fuzzy_choices.values() for r in rs)


def test_migration_5_fills_the_keys_of_an_existing_database(kb):
    import desktop.db as dbmod

    kb.close()
    con = sqlite3.connect(kb.path)
    con.execute("DROP TABLE link_key")
    con.execute("PRAGMA user_version = 3")
    con.commit()
    con.close()
    db = Database(kb.path)
    con = sqlite3.connect(kb.path)
    n = con.execute("SELECT count(*) FROM link_key").fetchone()[0]
    version = con.execute("PRAGMA user_version").fetchone()[0]
    con.close()
    db.close()
    assert version == dbmod.SCHEMA_VERSION >= 5 and n > 1000


def test_detector_is_loaded_from_the_disk_cache_and_a_kb_change_builds_another(kb, monkeypatch, tmp_path):
    monkeypatch.setenv("CURATE_CACHE_DIR", str(tmp_path / "cache"))
    service._CACHE.clear()
    det = service.build_detector(kb)
    files = list((tmp_path / "cache" / "detector").glob("*.pickle"))
    assert len(files) == 1
    text = "Narendra Modi met Vladimir Putin in Moscow on 8 July 2024."
    service._CACHE.clear()  # a new process: the detector comes from the file, not a build
    monkeypatch.setattr(service, "Detector", lambda *a, **k: pytest.fail("rebuilt"))
    # nor is every alias read to name it: the database in this state named it already
    monkeypatch.setattr(service, "_entries", lambda *a, **k: pytest.fail("aliases read"))
    again = service.build_detector(kb)
    assert again is not det and again.detect(text) == det.detect(text)
    monkeypatch.undo()
    monkeypatch.setenv("CURATE_CACHE_DIR", str(tmp_path / "cache"))
    from desktop import kb as kbmod

    with kb.session() as s:
        eid = s.connection().exec_driver_sql("SELECT min(id) FROM entity").scalar()
    kbmod.add_alias(kb, eid, "Zorbaland Qx")
    new = service.build_detector(kb)
    assert new is not det
    assert len(list((tmp_path / "cache" / "detector").glob("*.pickle"))) == 2
    assert any(c.text == "Zorbaland Qx" for c in new.detect("He went to Zorbaland Qx today."))


def test_a_damaged_cache_file_is_rebuilt(kb, monkeypatch, tmp_path):
    monkeypatch.setenv("CURATE_CACHE_DIR", str(tmp_path / "cache"))
    service._CACHE.clear()
    service.build_detector(kb)
    (f,) = (tmp_path / "cache" / "detector").glob("*.pickle")
    f.write_bytes(b"not a pickle")
    service._CACHE.clear()
    det = service.build_detector(kb)
    assert det.detect("Narendra Modi spoke.") and f.read_bytes() != b"not a pickle"
    from desktop import pickles

    assert pickles.KEEP >= 1


def test_linking_index_is_loaded_from_the_disk_cache_and_a_kb_change_builds_another(kb, monkeypatch, tmp_path):
    monkeypatch.setenv("CURATE_CACHE_DIR", str(tmp_path / "cache"))
    link_index.invalidate()
    with kb.transaction() as s:
        built = link_index.index_for(s, "cached", persist=True)
    files = list((tmp_path / "cache" / "linking").glob("*.pickle"))
    assert len(files) == 1
    link_index.invalidate()  # a new process: the index comes from the file, not from the keys
    with monkeypatch.context() as m:
        m.setattr(link_index.Index, "add", lambda *a, **k: pytest.fail("rebuilt"))
        m.setattr(link_index, "_digest", lambda *a, **k: pytest.fail("named by reading every alias"))
        with kb.session() as s:
            loaded = link_index.index_for(s, "cached")
    assert loaded is not built and loaded.keys_of == built.keys_of and loaded.exact == built.exact
    from desktop import kb as kbmod

    with kb.session() as s:
        eid = s.connection().exec_driver_sql("SELECT min(id) FROM entity").scalar()
    kbmod.add_alias(kb, eid, "Zorbaland Qx")
    with kb.session() as s:
        new = link_index.index_for(s, "cached")
    assert "Zorbaland Qx" in new.keys_of
    assert len(list((tmp_path / "cache" / "linking").glob("*.pickle"))) == 2


def test_a_cached_index_does_not_leave_stale_stored_keys(kb, monkeypatch, tmp_path):
    """Stored keys of another version are recomputed by the next build that may write, even
    when the index itself could come from the cache."""
    monkeypatch.setenv("CURATE_CACHE_DIR", str(tmp_path / "cache"))
    link_index.invalidate()
    with kb.transaction() as s:
        link_index.index_for(s, "stale", persist=True)
    with kb.transaction() as s:
        s.connection().exec_driver_sql("UPDATE link_key SET version = 'old'")
    link_index.invalidate()
    with kb.transaction() as s:
        link_index.index_for(s, "stale", persist=True)
    con = sqlite3.connect(kb.path)
    versions = {v for (v,) in con.execute("SELECT DISTINCT version FROM link_key")}
    con.close()
    assert versions == {link_index.key_version()}


def test_parallel_detection_on_each_backend_equals_one_process(anydb, seeds_dir):
    """The workers read the stored keys through their own connections (to the file, or to the
    server): the rows are those of one process, on SQLite and on PostgreSQL."""
    from desktop.detection.service import seed_knowledge_base
    from desktop.importing import Draft, import_drafts

    seed_knowledge_base(anydb)
    import_paths(anydb, [seeds_dir], detect=False)
    with anydb.session() as s:
        texts = [t for (t,) in s.connection().exec_driver_sql("SELECT text FROM article ORDER BY id")]
    import_drafts(anydb, [Draft(text=t + "\n\nMore news.", title=f"copy {i}") for i, t in enumerate(texts)])

    def run(workers):
        with anydb.transaction() as s:
            s.connection().exec_driver_sql("DELETE FROM mention WHERE status = 'suggested'")
        service._CACHE.clear()
        link_index.invalidate()
        rep = service.detect_articles(anydb, workers=workers)
        with anydb.session() as s:
            rows = s.connection().exec_driver_sql(
                f'SELECT {COLS} FROM mention ORDER BY article_id, start, "end", type').all()
        return rep, [tuple(r) for r in rows]

    (a, serial), (b, par) = run(0), run(2)  # the second reads the keys the first stored
    assert a.articles == b.articles == 10 and a.added == b.added > 50 and a.linked == b.linked
    assert serial == par


def test_a_cached_index_loads_without_the_transliteration_library(kb, tmp_path):
    """The key version and the index from its cache need no transliteration: a new process
    that finds every key stored never loads indic-transliteration's 89 scheme files."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, CURATE_CACHE_DIR=str(tmp_path / "cache"))
    script = ("import sys; from desktop.db import Database; from desktop.linking import index; "
              "db = Database(sys.argv[1]); s = db.session().__enter__(); "
              "idx = index.index_for(s, str(db.engine.url)); "
              "print(len(idx.keys_of), 'indic_transliteration' in sys.modules)")
    first = subprocess.run([sys.executable, "-c", script, kb.path], env=env, capture_output=True, text=True,
                           timeout=300)
    again = subprocess.run([sys.executable, "-c", script, kb.path], env=env, capture_output=True, text=True,
                           timeout=300)
    assert first.returncode == again.returncode == 0, (first.stderr, again.stderr)
    n, loaded = again.stdout.split()
    assert int(n) > 1000 and loaded == "False", again.stdout


def test_the_index_cache_is_named_in_a_bundle_without_sources(kb, monkeypatch, tmp_path):
    """A frozen installer ships no .py sources: the index's code digest falls back to the version
    (the installer's smoke test found this), and the index still builds and caches."""
    monkeypatch.setenv("CURATE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(link_index, "__file__", str(tmp_path / "gone" / "index.pyc"))
    monkeypatch.setattr(link_index, "_CODE", None)
    link_index.invalidate()
    with kb.session() as s:
        idx = link_index.index_for(s, "bundle")
    assert idx.alias_count > 1000 and list((tmp_path / "cache" / "linking").glob("*.pickle"))
