"""The light read path of `curate list` (plain sqlite3) gives what the full path gives."""

import dataclasses
import sqlite3

from desktop import curation, db_light
from desktop.importing import Draft, import_drafts
from desktop.queries import ArticleFilter, list_articles


def _fill(db):
    ids = import_drafts(db, [Draft(text="ঢাকায় বৈঠক হয়েছে।", title="প্রথম", source="s1"),
                             Draft(text="दिल्ली में बैठक हुई।", title="second"),
                             Draft(text="Talks in Astana today.", title="third")]).article_ids
    m = curation.add_mention(db, ids[0], 0, 4, "LOC").value
    curation.add_mention(db, ids[2], 9, 15, "LOC")
    curation.reject(db, m.id)
    curation.add_mention(db, ids[1], 0, 6, "LOC")
    return ids


def _full(db, **flt):
    return [tuple(dataclasses.astuple(r)) for r in list_articles(db, ArticleFilter(**flt))]


def test_same_rows_as_the_full_path(db):
    _fill(db)
    from pathlib import Path

    path = Path(db.path)
    for flt in ({}, {"status": "new"}, {"language": "hi"}, {"language": "en", "status": "new"}, {"language": "xx"}):
        light = db_light.list_articles(path, flt.get("status"), flt.get("language"))
        assert light == _full(db, **flt), flt
    assert len(db_light.list_articles(path)) == 3
    assert {r[6:9] for r in db_light.list_articles(path)} == {(0, 0, 1), (0, 1, 0)}


def test_anything_unusual_goes_to_the_full_path(db, tmp_path):
    from pathlib import Path

    _fill(db)
    path = Path(db.path)
    db.close()
    assert db_light.list_articles(tmp_path / "missing.db") is None
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    assert db_light.list_articles(empty) is None
    assert db_light.list_articles(Path("postgresql://u@h/db")) is None
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    assert db_light.list_articles(other) is None  # another program's file: the full path explains
    con = sqlite3.connect(path)
    before = con.execute("PRAGMA user_version").fetchone()[0]
    con.execute(f"PRAGMA user_version = {before - 1}")  # an older schema: the full path upgrades it
    con.commit()
    con.close()
    assert db_light.list_articles(path) is None
