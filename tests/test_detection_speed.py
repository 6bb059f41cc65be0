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
    assert cache.KEEP >= 1
