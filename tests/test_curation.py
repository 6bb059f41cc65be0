"""Curation operations, their history rows, undo and redo."""

import json

import pytest
from sqlmodel import select

from desktop import curation, history
from desktop.errors import ConflictError, CurateError
from desktop.importing import Draft, import_drafts
from desktop.models import Alias, Article, Entity, History, Mention

TEXT = "লেফটেন্যান্ট জেনারেল সুলতান কামাল বৈঠক করেছেন। 😀 Rajnath Singh met."


@pytest.fixture
def art(db):
    import_drafts(db, [Draft(text=TEXT, title="t")])
    return 1


def _m(db, mid):
    with db.session() as s:
        return s.get(Mention, mid)


def test_add_confirm_reject_type_span_each_recorded(db, art):
    start = TEXT.index("সুলতান")
    m = curation.add_mention(db, art, start, start + len("সুলতান কামাল"), "PERSON").value
    assert m.text == "সুলতান কামাল" and m.status == "confirmed" and m.source == "manual"
    curation.reject(db, m.id)
    assert _m(db, m.id).status == "rejected"
    curation.set_type(db, m.id, "ORG")
    assert (_m(db, m.id).type, _m(db, m.id).status) == ("ORG", "confirmed")
    curation.set_span(db, m.id, start, start + len("সুলতান"))
    assert _m(db, m.id).text == "সুলতান"
    with db.session() as s:
        actions = [h.action for h in s.exec(select(History).order_by(History.id))]
        art_status = s.get(Article, art).status
    assert actions == ["add", "reject", "type", "span"]
    assert art_status == "in_progress"


def test_span_snaps_to_grapheme_clusters(db, art):
    # end inside the conjunct ন্ট of লেফটেন্যান্ট: widened to the whole akshara
    word = "লেফটেন্যান্ট"
    cut = word.index("ন্ট") + 1  # just after ন, before the virama
    m = curation.add_mention(db, art, 0, cut, "PERSON").value
    assert TEXT[m.start:m.end] == m.text
    assert m.end > cut and not m.text.endswith("\u09cd")


def test_offsets_are_code_points_after_emoji(db, art):
    start = TEXT.index("Rajnath")
    m = curation.add_mention(db, art, start, start + len("Rajnath Singh"), "PERSON").value
    assert m.text == "Rajnath Singh"


def test_undo_redo_sequence_and_redo_dropped_by_new_action(db, art):
    s0 = TEXT.index("Rajnath")
    m = curation.add_mention(db, art, s0, s0 + 13, "PERSON").value
    curation.reject(db, m.id)
    assert history.undo(db).action == "reject"
    assert _m(db, m.id).status == "confirmed"
    assert history.undo(db).action == "add"
    assert _m(db, m.id) is None
    with db.session() as s:
        assert s.get(Article, art).status == "new"
    assert history.redo(db).action == "add"
    assert _m(db, m.id).status == "confirmed"
    # a new action drops the remaining redo
    curation.set_type(db, m.id, "ORG")
    assert history.redo(db) is None
    assert history.undo(db).action == "type"
    assert _m(db, m.id).type == "PERSON"
    with db.session() as s:
        kinds = [h.kind for h in s.exec(select(History).order_by(History.id))]
    assert kinds.count("undo") == 3 and kinds.count("redo") == 1


def test_undo_refuses_when_data_changed_since(db, art):
    s0 = TEXT.index("Rajnath")
    m = curation.add_mention(db, art, s0, s0 + 7, "PERSON").value
    with db.transaction() as s:  # somebody else changed the row behind the history's back
        row = s.get(Mention, m.id)
        row.type = "LOC"
        s.add(row)
    with pytest.raises(ConflictError):
        history.undo(db)
    assert _m(db, m.id).type == "LOC"


def test_link_and_learned_alias_undone_together(db, art):
    s0 = TEXT.index("Rajnath")
    m = curation.add_mention(db, art, s0, s0 + 13, "PERSON").value
    ent = curation.create_entity(db, "Rajnath Singh (minister)", "PERSON", aliases=["राजनाथ सिंह"], external_id="Q1").value
    curation.link(db, m.id, ent.id)
    with db.session() as s:
        keys = {a.key for a in s.exec(select(Alias).where(Alias.entity_id == ent.id))}
    assert "rajnath singh" in keys and "राजनाथ सिंह" in keys
    history.undo(db)
    with db.session() as s:
        keys = {a.key for a in s.exec(select(Alias).where(Alias.entity_id == ent.id))}
    assert "rajnath singh" not in keys
    assert _m(db, m.id).entity_id is None


def test_link_type_must_agree(db, art):
    m = curation.add_mention(db, art, 0, 5, "PERSON").value
    ent = curation.create_entity(db, "Somewhere", "LOC").value
    with pytest.raises(CurateError, match="cannot link"):
        curation.link(db, m.id, ent.id)


def test_confirm_all_and_article_status(db, art):
    with db.transaction() as s:
        for a, b in ((0, 5), (10, 15)):
            s.add(Mention(article_id=art, start=a, end=b, text=TEXT[a:b], type="PERSON", status="suggested", source="rule"))
    assert curation.confirm_all(db, art).count == 2
    curation.set_article_status(db, art, "done")
    with db.session() as s:
        assert {m.status for m in s.exec(select(Mention))} == {"confirmed"}
        assert s.get(Article, art).status == "done"
    h = history.entries(db)[0]
    assert h.action == "article_status" and json.loads(h.changes)[0]["after"]["status"] == "done"
    with pytest.raises(CurateError):
        curation.set_article_status(db, art, "bogus")


def test_bad_spans_rejected(db, art):
    with pytest.raises(CurateError):
        curation.add_mention(db, art, 5, 5, "PERSON")
    with pytest.raises(CurateError):
        curation.add_mention(db, art, 0, len(TEXT) + 1, "PERSON")
    with pytest.raises(CurateError, match="unknown entity type"):
        curation.add_mention(db, art, 0, 3, "NOPE")


def test_history_who_and_when(db, art):
    curation.add_mention(db, art, 0, 5, "PERSON")
    (h,) = history.entries(db)
    assert h.user and h.at is not None and h.summary.startswith("Add PERSON")


def test_a_stem_before_a_vowel_sign_case_ending_keeps_its_end(db):
    """কাজাখস্তান|ের splits the cluster নে, but it is the name without its case ending: set_span,
    add_mention and type changes keep it; a mid-cluster end that is no ending is widened."""
    from desktop import curation, text as textmod
    from desktop.importing import Draft, import_drafts

    body = "কাজাখস্তানের রাজধানী আস্তানা। ভারতীয় দল"
    (aid,) = import_drafts(db, [Draft(text=body, title="t")]).article_ids
    end = body.index("ের")
    assert not textmod.is_grapheme_aligned(body, 0, end)
    m = curation.add_mention(db, aid, 0, end, "LOC").value
    assert (m.start, m.end, m.text) == (0, end, "কাজাখস্তান")
    m = curation.set_type(db, m.id, "ORG").value
    m = curation.set_span(db, m.id, 0, end).value
    assert (m.start, m.end) == (0, end)
    # ভারত|ীয় ("Indian") is no case ending: the end snaps to the whole cluster তী
    s2 = body.index("ভারত")
    m2 = curation.add_mention(db, aid, s2, s2 + len("ভারত"), "LOC").value
    assert not textmod.is_grapheme_aligned(body, s2, s2 + len("ভারত"))
    assert textmod.is_grapheme_aligned(body, m2.start, m2.end) and m2.text == "ভারতী"
