"""Detection against the database: starter KB, idempotency, rejected / edited / confirmed
mentions respected, learning from curation, caching, cancel and progress."""

from __future__ import annotations

from sqlmodel import select

from desktop import curation
from desktop.detection import service
from desktop.detection.service import (
    build_detector, detect_article, detect_articles, seed_knowledge_base,
)
from desktop.importing import Draft, import_drafts
from desktop.models import Alias, Entity, Mention

KZ = "ভারত ও কাজাখস্তানের প্রতিনিধিরা আস্তানায় বৈঠক করেন। জেনারেল উপেন্দ্র দ্বিবেদী উপস্থিত ছিলেন।"


def add_articles(db, *texts) -> list[int]:
    return import_drafts(db, [Draft(text=t, title=f"t{i}") for i, t in enumerate(texts)]).article_ids


def mentions(db, article_id=None, status=None) -> list[Mention]:
    with db.session() as s:
        q = select(Mention).order_by(Mention.article_id, Mention.start)
        if article_id is not None:
            q = q.where(Mention.article_id == article_id)
        if status is not None:
            q = q.where(Mention.status == status)
        return list(s.exec(q))


def test_starter_kb_is_loaded_once_with_qids(db):
    n = seed_knowledge_base(db)
    assert n > 300
    with db.session() as s:
        aliases = len(s.exec(select(Alias)).all())
        india = s.exec(select(Entity).where(Entity.external_id == "Q668")).one()
        keys = {a.text for a in s.exec(select(Alias).where(Alias.entity_id == india.id))}
        assert {"India", "ভারত", "भारत"} <= keys
        assert s.exec(select(Alias).where(Alias.source != "gazetteer")).first() is None
        sco = s.exec(select(Entity).where(Entity.external_id == "Q485207")).one()
        sco_aliases = {a.text for a in s.exec(select(Alias).where(Alias.entity_id == sco.id))}
        assert {"SCO", "এসসিও", "एससीओ"} <= sco_aliases and sco.type == "ORG"
    assert seed_knowledge_base(db) == 0
    with db.session() as s:
        assert len(s.exec(select(Alias)).all()) == aliases


def test_suggestions_are_written_linked_and_idempotent(kb):
    (aid,) = add_articles(kb, KZ)
    rep = detect_articles(kb)
    assert rep.articles == 1 and rep.added >= 4 and not rep.cancelled
    ms = mentions(kb, aid)
    by_text = {m.text: m for m in ms}
    assert {"ভারত", "কাজাখস্তান", "আস্তানা", "উপেন্দ্র দ্বিবেদী"} <= set(by_text)
    kz = by_text["কাজাখস্তান"]
    assert kz.status == "suggested" and kz.source == "gazetteer" and kz.entity_id is not None
    assert all(KZ[m.start:m.end] == m.text for m in ms)
    assert all(m.created_at is not None and m.created_at.year >= 2024 for m in ms)
    assert detect_articles(kb).added == 0
    assert detect_article(kb, aid) == 0
    assert len(mentions(kb, aid)) == len(ms)


def test_dates_store_their_iso_value(db):
    (aid,) = add_articles(db, "বৈঠকটি ৮ এপ্রিল, ২০২৪-এ হয়েছিল।")
    detect_articles(db)
    (m,) = mentions(db, aid)
    assert (m.type, m.value, m.source) == ("DATE", "2024-04-08", "rule")


def test_rejected_suggestion_does_not_come_back(kb):
    (aid,) = add_articles(kb, KZ)
    detect_articles(kb)
    target = next(m for m in mentions(kb, aid) if m.text == "আস্তানা")
    curation.reject(kb, target.id)
    assert detect_articles(kb).added == 0
    same = [m for m in mentions(kb, aid) if (m.start, m.end) == (target.start, target.end)]
    assert [m.status for m in same] == ["rejected"]


def test_edited_span_is_not_suggested_again(kb):
    (aid,) = add_articles(kb, KZ)
    detect_articles(kb)
    m = next(m for m in mentions(kb, aid) if m.text == "উপেন্দ্র দ্বিবেদী")
    curation.set_span(kb, m.id, m.start + len("উপেন্দ্র "), m.end)  # the curator keeps the surname only
    detect_articles(kb)
    ms = mentions(kb, aid)
    assert not [x for x in ms if (x.start, x.end) == (m.start, m.end)]
    edited = next(x for x in ms if x.id == m.id)
    assert (edited.text, edited.status, edited.origin_start) == ("দ্বিবেদী", "confirmed", m.start)


def test_no_suggestion_overlaps_a_confirmed_mention(kb):
    text = "কাজাখস্তান প্রজাতন্ত্রের সশস্ত্র বাহিনী এবং ভারত"
    (aid,) = add_articles(kb, text)
    curation.add_mention(kb, aid, 0, text.index(" এবং"), "ORG")
    detect_articles(kb)
    ms = mentions(kb, aid)
    confirmed = [m for m in ms if m.status == "confirmed"]
    assert len(confirmed) == 1
    for m in ms:
        if m.status == "suggested":
            assert m.end <= confirmed[0].start or m.start >= confirmed[0].end
    assert [m.text for m in ms if m.status == "suggested"] == ["ভারত"]


def test_confirmed_link_teaches_the_next_article(db):
    a1, a2 = add_articles(db, "বৈঠক মানেকশ সেন্টারে হয়।", "আবার মানেকশ সেন্টারে আলোচনা।")
    text1 = "বৈঠক মানেকশ সেন্টারে হয়।"
    start = text1.index("মানেকশ")
    m = curation.add_mention(db, a1, start, start + len("মানেকশ সেন্টার"), "LOC").value
    curation.create_entity(db, "Manekshaw Centre", "LOC", link_mention_id=m.id)
    detect_articles(db, [a2])
    (s,) = mentions(db, a2)
    ent_id = mentions(db, a1)[0].entity_id
    assert (s.text, s.type, s.source, s.entity_id) == ("মানেকশ সেন্টার", "LOC", "learned", ent_id)


def test_confirmed_mention_without_entity_is_a_learned_pattern(db):
    a1, a2 = add_articles(db, "খবর: ওটারে মহড়া হয়।", "পরের মহড়াও ওটারে হবে।")
    t1 = "খবর: ওটারে মহড়া হয়।"
    curation.add_mention(db, a1, t1.index("ওটার"), t1.index("ওটার") + 4, "LOC")
    detect_articles(db, [a2])
    (s,) = mentions(db, a2)
    assert (s.text, s.type, s.source, s.entity_id) == ("ওটার", "LOC", "learned", None)


def test_a_surface_rejected_in_three_articles_stops_everywhere(kb):
    ids = add_articles(kb, *[f"খবর {i}: দিল্লিতে বৈঠক।" for i in range(4)])
    detect_articles(kb, ids[:3])
    for aid in ids[:3]:
        (m,) = [m for m in mentions(kb, aid) if m.text == "দিল্লি"]
        curation.reject(kb, m.id)
    detect_articles(kb, ids[3:])
    assert [m for m in mentions(kb, ids[3]) if m.text == "দিল্লি"] == []


def test_rejected_twice_is_still_suggested_elsewhere(kb):
    ids = add_articles(kb, *[f"খবর {i}: দিল্লিতে বৈঠক।" for i in range(3)])
    detect_articles(kb, ids[:2])
    for aid in ids[:2]:
        (m,) = [m for m in mentions(kb, aid) if m.text == "দিল্লি"]
        curation.reject(kb, m.id)
    detect_articles(kb, ids[2:])
    assert [m.text for m in mentions(kb, ids[2])] == ["দিল্লি"]


def test_detector_is_cached_until_the_kb_changes(kb):
    d1 = build_detector(kb)
    assert build_detector(kb) is d1
    curation.create_entity(kb, "Otar", "LOC", aliases=["ওটার"])
    d2 = build_detector(kb)
    assert d2 is not d1
    assert [c.text for c in d2.detect("ওটারে মহড়া")] == ["ওটার"]


def test_cancel_keeps_finished_articles_and_progress_is_reported(kb, monkeypatch):
    monkeypatch.setattr(service, "BATCH", 2)
    ids = add_articles(kb, *[f"{i} ভারত ও রাশিয়া" for i in range(5)])
    seen = []
    rep = detect_articles(kb, ids, progress=lambda d, t: seen.append((d, t)),
                          should_cancel=lambda: len(seen) >= 3)
    assert rep.cancelled and rep.articles == 3 and seen == [(1, 5), (2, 5), (3, 5)]
    done = {m.article_id for m in mentions(kb)}
    assert done == set(ids[:3])
    rep = detect_articles(kb, ids)
    assert rep.articles == 5 and {m.article_id for m in mentions(kb)} == set(ids)
