"""Ranking candidates and auto-linking suggestions."""

import pytest
from sqlmodel import select

from desktop import curation, history
from desktop.linking import rank
from desktop.linking.autolink import SETTINGS, autolink_article, spell_out
from desktop.models import History, Mention
from test_linking_support import make_article, suggest


@pytest.fixture
def kb(db):
    ids = {}
    ids["kz"] = curation.create_entity(db, "Kazakhstan", "LOC", aliases=["কাজাখস্তান"], external_id="Q232").id
    ids["astana"] = curation.create_entity(db, "Astana", "LOC", aliases=["আস্তানা"]).id
    ids["kazind"] = curation.create_entity(db, "KAZIND", "EVENT", aliases=["কাজিন্দ"]).id
    ids["dwivedi"] = curation.create_entity(db, "Upendra Dwivedi", "PERSON", aliases=["উপেন্দ্র দ্বিবেদী"]).id
    ids["jaishankar"] = curation.create_entity(db, "S. Jaishankar", "PERSON", aliases=["এস জয়শঙ্কর"]).id
    ids["sco"] = curation.create_entity(db, "Shanghai Cooperation Organisation", "ORG").id
    ids["kz_org"] = curation.create_entity(db, "Kazakhstan Army", "ORG").id
    return ids


def _m(db, mid):
    with db.session() as s:
        return s.get(Mention, mid)


@pytest.mark.parametrize("surface,type_,key,reason", [
    ("Kazakhstan", "LOC", "kz", "alias"),
    ("কাজাখস্তান", "LOC", "kz", "alias"),
    ("कजाकिस्तान", "LOC", "kz", "cross-script"),
    ("আসতানা", "LOC", "astana", "cross-script"),
    ("काजिंद", "EVENT", "kazind", "cross-script"),
    ("কাজিংদ", "EVENT", "kazind", "normalised"),
    ("KAZIND-2024", "EVENT", "kazind", "cross-script, number ignored"),
    ("কাজইন্ড-২১", "EVENT", "kazind", "cross-script, number ignored"),
    ("Kazakstan", "LOC", "kz", "cross-script"),
    ("Kazakhstaan", "LOC", "kz", "cross-script"),
    ("দ্বিবেদী", "PERSON", "dwivedi", "partial"),
])
def test_rank_finds_the_entity_and_says_why(db, kb, surface, type_, key, reason):
    cands = rank(db, surface, type_)
    assert cands, surface
    assert cands[0].entity_id == kb[key]
    assert cands[0].reason == reason
    assert 0 < cands[0].score <= 1


def test_rank_fuzzy_reports_its_score(db, kb):
    cands = rank(db, "Kazakhistn", "LOC")
    assert cands[0].entity_id == kb["kz"]
    assert cands[0].reason.startswith(("fuzzy 0.", "cross-script"))
    fuzzy = rank(db, "Upendra Dwivedy Sahib", "PERSON")
    assert fuzzy and fuzzy[0].reason.startswith("fuzzy 0.") and fuzzy[0].entity_id == kb["dwivedi"]


def test_rank_requires_the_type_to_agree(db, kb):
    assert all(c.type == "ORG" for c in rank(db, "Kazakhstan", "ORG"))
    assert rank(db, "Kazakhstan", "PERSON") == []
    assert rank(db, "", "LOC") == []


def test_rank_sees_kb_changes_at_once(db, kb):
    assert rank(db, "Nur-Sultan", "LOC") == []
    with db.session() as s:
        pass
    from desktop import kb as kbmod

    kbmod.add_alias(db, kb["astana"], "Nur-Sultan")
    assert rank(db, "Nur-Sultan", "LOC")[0].entity_id == kb["astana"]
    history.undo(db)
    assert rank(db, "Nur-Sultan", "LOC") == []


def test_rank_accepts_a_session_and_boosts_entities_of_the_article(db, kb):
    art = make_article(db, "Kazakhstan Army and Kazakhstan")
    suggest(db, art, "Kazakhstan Army", "ORG", entity_id=kb["kz_org"], status="confirmed")
    with db.session() as s:
        plain = rank(s, "Kazakhstan Armi", "ORG")
        boosted = rank(s, "Kazakhstan Armi", "ORG", article_id=art)
    assert boosted[0].entity_id == kb["kz_org"]
    assert boosted[0].score > plain[0].score and "in article" in boosted[0].reason


def test_autolink_links_clear_suggestions_without_history(db, kb):
    text = "কাজাখস্তানের রাজধানী আসতানা। কাজইন্ড-২১ মহড়া।"
    art = make_article(db, text)
    m1 = suggest(db, art, "কাজাখস্তান", "LOC")
    m2 = suggest(db, art, "আসতানা", "LOC")
    m3 = suggest(db, art, "কাজইন্ড-২১", "EVENT")
    with db.session() as s:
        before = len(s.exec(select(History)).all())
    assert autolink_article(db, art) == 3
    assert (_m(db, m1).entity_id, _m(db, m2).entity_id, _m(db, m3).entity_id) == (kb["kz"], kb["astana"], kb["kazind"])
    assert _m(db, m1).status == "suggested"
    with db.session() as s:
        assert len(s.exec(select(History)).all()) == before
    assert autolink_article(db, art) == 0  # idempotent


def test_autolink_respects_the_threshold_and_curator_decisions(db, kb):
    art = make_article(db, "আসতানা এবং Kazakhstan এবং কাজাখস্তান")
    m1 = suggest(db, art, "আসতানা", "LOC")
    m2 = suggest(db, art, "Kazakhstan", "LOC", status="rejected")
    m3 = suggest(db, art, "কাজাখস্তান", "LOC", status="confirmed")
    assert autolink_article(db, art, threshold=0.99) == 0
    assert _m(db, m1).entity_id is None
    old = SETTINGS.threshold
    SETTINGS.threshold = 0.5
    try:
        assert autolink_article(db, art) == 1
    finally:
        SETTINGS.threshold = old
    assert _m(db, m1).entity_id == kb["astana"]
    assert _m(db, m2).entity_id is None and _m(db, m3).entity_id is None


def test_autolink_leaves_ambiguous_mentions_unlinked(db, kb):
    curation.create_entity(db, "Astana Hotel", "LOC", aliases=["আস্তানা"])  # a second LOC with that alias
    art = make_article(db, "আস্তানা")
    m = suggest(db, art, "আস্তানা", "LOC")
    assert autolink_article(db, art) == 0
    assert _m(db, m).entity_id is None
    assert len(rank(db, "আস্তানা", "LOC")) == 2


def test_short_forms_take_the_link_of_the_full_name_seen_earlier(db, kb):
    text = "জেনারেল উপেন্দ্র দ্বিবেদী বললেন। পরে জেনারেল দ্বিবেদী এবং এস জয়শঙ্কর। জয়শঙ্কর বললেন।"
    art = make_article(db, text)
    full = suggest(db, art, "উপেন্দ্র দ্বিবেদী", "PERSON")
    short = suggest(db, art, "জেনারেল দ্বিবেদী", "PERSON")
    js_full = suggest(db, art, "এস জয়শঙ্কর", "PERSON")
    js = suggest(db, art, "জয়শঙ্কর", "PERSON", occurrence=1)
    autolink_article(db, art)
    assert _m(db, full).entity_id == kb["dwivedi"]
    assert _m(db, short).entity_id == kb["dwivedi"]
    assert _m(db, js_full).entity_id == kb["jaishankar"]
    assert _m(db, js).entity_id == kb["jaishankar"]


def test_short_form_before_the_full_name_or_unknown_full_name_is_not_linked(db, kb):
    art = make_article(db, "মুরাত বললেন। মুরাত নুর্তলু এলেন।")
    short = suggest(db, art, "মুরাত", "PERSON")
    suggest(db, art, "মুরাত নুর্তলু", "PERSON")
    autolink_article(db, art)
    assert _m(db, short).entity_id is None  # the full name is not in the KB: nothing to link


def test_acronyms_take_the_link_of_their_expansion(db, kb):
    text = "Shanghai Cooperation Organisation (SCO) summit; এসসিও বৈঠক।"
    art = make_article(db, text)
    exp = suggest(db, art, "Shanghai Cooperation Organisation", "ORG")
    acr = suggest(db, art, "SCO", "ORG")
    bn = suggest(db, art, "এসসিও", "ORG")
    autolink_article(db, art)
    assert _m(db, exp).entity_id == kb["sco"]
    assert _m(db, acr).entity_id == kb["sco"]
    assert _m(db, bn).entity_id == kb["sco"]


def test_spell_out_acronyms():
    assert spell_out("SCO") == "SCO"
    assert spell_out("S.C.O.") == "SCO"
    assert spell_out("এসসিও") == "SCO"
    assert spell_out("Kazakhstan") is None
    assert spell_out("ভারত") is None


def test_index_cache_keeps_only_a_few_databases(tmp_path):
    from desktop.db import Database
    from desktop.linking import candidates

    candidates.invalidate()
    for i in range(candidates._CACHE_SIZE + 3):
        d = Database(tmp_path / f"k{i}.db")
        curation.create_entity(d, f"Place {i}", "LOC")
        assert rank(d, f"Place {i}", "LOC")[0].name == f"Place {i}"
        d.close()
    assert len(candidates._CACHE) == candidates._CACHE_SIZE
