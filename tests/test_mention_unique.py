"""Schema 8: one mention per (article, start, end, type), on both backends."""
import pytest
from sqlmodel import select

from desktop import curation
from desktop.db import SCHEMA_VERSION
from desktop.errors import CurateError
from desktop.models import Article, Mention


def _article(db):
    with db.transaction() as s:
        a = Article(title="t", text="Dhaka and Delhi", content_hash="h1")
        s.add(a)
        s.flush()
        return a.id


import datetime as _dt
K = {"status": "suggested", "source": "test", "confidence": 1.0, "version": 1,
     "created_at": _dt.datetime(2026, 1, 1, tzinfo=_dt.timezone.utc), "updated_at": _dt.datetime(2026, 1, 1, tzinfo=_dt.timezone.utc)}


def test_writer_skips_a_duplicate_suggestion(anydb):
    assert SCHEMA_VERSION >= 8
    aid = _article(anydb)
    row = (aid, 0, 5, "Dhaka", "LOC")
    cols = ["article_id", "start", "end", "text", "type"]
    with anydb.transaction() as s:
        assert anydb.insert_rows(s, Mention.__table__, cols, [row], skip_conflicts=True, constants=K) == 1
    with anydb.transaction() as s:
        assert anydb.insert_rows(s, Mention.__table__, cols, [row, (aid, 10, 15, "Delhi", "LOC")],
                                 skip_conflicts=True, constants=K) == 1
    with anydb.session() as s:
        assert len(s.exec(select(Mention)).all()) == 2


def test_a_span_edit_onto_another_mention_is_refused_in_one_line(anydb):
    aid = _article(anydb)
    a = curation.add_mention(anydb, aid, 0, 5, "LOC").value
    b = curation.add_mention(anydb, aid, 10, 15, "LOC").value
    with pytest.raises(CurateError) as e:
        curation.set_span(anydb, b.id, 0, 5)
    assert "already" in str(e.value) and "\n" not in str(e.value)
    assert curation.set_span(anydb, a.id, 0, 5).value.start == 0  # unchanged span: allowed


def _mention_indexes(db) -> set[str]:
    with db.engine.connect() as c:
        if db.server:
            return set(c.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'mention'").scalars())
        return set(c.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index' "
                                     "AND tbl_name = 'mention'").scalars())


def test_migration_to_v9_drops_the_span_index_the_unique_one_repeats(any_target):
    """Schema 9: (article_id, start, end) was indexed twice, once alone and once as the leading
    columns of the unique (article, span, type) index; a schema-8 database loses the first, keeps
    its mentions, and reads by article still go through an index."""
    from desktop.db import Database

    db = Database(any_target)
    aid = _article(db)
    curation.add_mention(db, aid, 0, 5, "LOC")
    with db.engine.begin() as c:  # back to schema 8: its index, its version
        c.exec_driver_sql('CREATE INDEX ix_mention_article_span ON mention (article_id, start, "end")')
        db._set_version(c, 8)
    db.close()

    db = Database(any_target)
    try:
        assert db.schema_version() == SCHEMA_VERSION >= 9
        names = _mention_indexes(db)
        assert "ix_mention_article_span" not in names
        assert "uq_mention_article_span_type" in names
        with db.session() as s:
            assert [(m.start, m.end) for m in s.exec(select(Mention).where(Mention.article_id == aid))] == [(0, 5)]
        if not db.server:
            with db.engine.connect() as c:
                plan = " ".join(str(r[-1]) for r in c.exec_driver_sql(
                    "EXPLAIN QUERY PLAN SELECT id FROM mention WHERE article_id = 1"))
            assert "uq_mention_article_span_type" in plan  # the unique index serves reads by article
        assert db.check() == []
    finally:
        db.close()


def test_a_new_database_has_one_mention_span_index(anydb):
    assert "ix_mention_article_span" not in _mention_indexes(anydb)
    assert "uq_mention_article_span_type" in _mention_indexes(anydb)
