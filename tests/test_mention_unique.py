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
