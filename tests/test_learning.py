"""Learning from curation (desktop.detection.learning): learned surfaces, the stored model, the gate."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import select

from desktop import cli, curation
from desktop.db import Database
from desktop.detection.detector import Candidate
from desktop.detection.service import detect_articles
from desktop.importing import Draft, import_drafts
from desktop.detection.learning import crf, store
from desktop.detection.learning.common_words import CommonWordFilter, common_words
from desktop.detection.learning.surfaces import SurfaceLearner, context_key
from desktop.models import LearnedModel, Mention


def add_articles(db, *texts) -> list[int]:
    return import_drafts(db, [Draft(text=t, title=f"t{i}") for i, t in enumerate(texts)]).article_ids


def spans(cands) -> set[tuple[str, str]]:
    return {(c.text, c.type) for c in cands}


def mark(db, aid, text, surface, typ, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(surface, start + 1)
    return curation.add_mention(db, aid, start, start + len(surface), typ)


# -- learned surfaces ----------------------------------------------------------------------------


def test_a_learned_surface_is_found_inflected_in_other_scripts_and_with_a_year():
    learner = SurfaceLearner([("কাজাখস্তান", "LOC", None), ("সাকিব আল হাসান", "PERSON", 7),
                              ("কাজিন্দ-২০১৯", "EVENT", None)])
    text = ("কাজাখস্তানের দল এল। साकिब अल हसन ने कहा। Shakib Al Hasan said. "
            "KAZIND 2021 begins; কাজিন্দ – ২০২০ শেষ। সাকিব আল হাসানকে ধন্যবাদ।")
    got = learner.suggest(text)
    assert spans(got) >= {("কাজাখস্তান", "LOC"), ("साकिब अल हसन", "PERSON"), ("Shakib Al Hasan", "PERSON"),
                          ("KAZIND 2021", "EVENT"), ("কাজিন্দ – ২০২০", "EVENT"), ("সাকিব আল হাসান", "PERSON")}
    assert all(c.source == "learned" for c in got)
    assert {c.entity_id for c in got if c.type == "PERSON"} == {7}
    # the span ends before the case ending
    first = min(got, key=lambda c: c.start)
    assert text[first.end:first.end + 2] == "ের"


def test_a_translated_name_is_found_word_for_word_through_the_glosses():
    learner = SurfaceLearner([("Joint Rivers Commission", "ORG", 3), ("Teesta Dialogue 2024", "EVENT", 4),
                              ("Police", "ORG", 5)])
    bn = learner.suggest("যৌথ নদী কমিশনের বৈঠক। তিস্তা সংলাপ ২০২৪ে ঢাকায়। পুলিশ এল।")
    assert {(c.text, c.type, c.entity_id) for c in bn} == {("যৌথ নদী কমিশন", "ORG", 3),
                                                           ("তিস্তা সংলাপ ২০২৪", "EVENT", 4)}
    hi = learner.suggest("संयुक्त नदी आयोग और तीस्ता संवाद 2024, पर नदी आयोग नहीं।")
    assert {(c.text, c.entity_id) for c in hi} == {("संयुक्त नदी आयोग", 3), ("तीस्ता संवाद 2024", 4)}


def test_one_word_of_a_longer_name_may_be_transliterated_a_letter_off():
    learner = SurfaceLearner([("Tabith Awal", "PERSON", 4), ("Awal", "PERSON", 9)])
    got = {(c.text, c.entity_id) for c in learner.suggest("তাবিথ আউয়াল বলেন। तबीथ अवाल ने कहा। আউয়াল এলেন।")}
    # the two-word name with one word a letter off; the lone word must match exactly (it does not)
    assert got == {("তাবিথ আউয়াল", 4), ("तबीथ अवाल", 4), ("अवाल", 9)}


def test_a_lower_case_latin_word_is_not_a_cross_script_hit():
    learner = SurfaceLearner([("ঢাকার", "LOC", None), ("কাজিন্দ", "EVENT", None)])
    assert learner.suggest("the kazind of it") == []


def test_confidence_is_the_share_of_the_labels():
    learner = SurfaceLearner([("Tata", "PERSON", None)] * 2 + [("Tata", "ORG", None)])
    (c,) = learner.suggest("Then Tata spoke.")
    assert (c.type, c.confidence) == ("PERSON", 0.67)


def test_a_surface_rejected_in_a_context_is_not_suggested_there():
    text = "দুই দেশের আদান-প্রদান বাড়ছে। আদান এসেছেন।"
    s = text.index("আদান")
    learner = SurfaceLearner([("আদান", "PERSON", None)] * 3, [("আদান", context_key(text, s, s + 4))])
    assert context_key(text, s, s + 4) == ("দেশের", "আদান", "-প্রদান")
    got = learner.suggest("আবার আদান-প্রদান হলো। পরে আদান এসেছেন।")
    assert [c.text for c in got] == ["আদান"] and got[0].start > 10


def test_rejected_more_often_than_confirmed_is_not_learned():
    learner = SurfaceLearner([("মানুষ", "LOC", None)], [("মানুষ", ("", "মানুষ", "")), ("মানুষ", ("x", "মানুষ", "y"))])
    assert learner.suggest("অনেক মানুষ এল") == []


# -- common words ---------------------------------------------------------------------------------


def test_common_words_need_a_second_signal():
    f = CommonWordFilter(frozenset({"মানুষ"}), frozenset({"জেলা"}))
    text = "অনেক মানুষ এল। মানুষ জেলায় বৃষ্টি।"
    a = Candidate(5, 10, "মানুষ", "LOC", "gazetteer", 0.6)
    b = Candidate(15, 20, "মানুষ", "LOC", "gazetteer", 0.6)
    learned = Candidate(5, 10, "মানুষ", "LOC", "learned", 0.95)
    assert f.filter(text, [a, b, learned]) == [b, learned]


def test_the_bundled_list_has_the_reported_words(kb):
    words = common_words().words
    assert {"মানুষ", "আদান", "वर्ष"} <= words
    aid, = add_articles(kb, "বাণিজ্যের আদান-প্রদান বাড়ছে। অনেক মানুষ এসেছেন। इस वर्ष बारिश कम हुई।")
    detect_articles(kb, [aid])
    with kb.session() as s:
        got = {m.text for m in s.exec(select(Mention).where(Mention.article_id == aid))}
    assert not got & {"আদান", "মানুষ", "वर्ष"}


# -- through detection ---------------------------------------------------------------------------


def test_detection_suggests_learned_surfaces_in_the_other_scripts(db):
    t1 = "তিস্তা সংলাপ ২০২৪ শুরু হলো। মাহমুদুর রহমান বলেন।"
    a1, a2 = add_articles(db, t1, "महमूदुर रहमान ने कहा कि तीस्ता संवाद 2025 अगले साल होगा। Mahmudur Rahman agreed.")
    mark(db, a1, t1, "মাহমুদুর রহমান", "PERSON")
    detect_articles(db, [a2])
    with db.session() as s:
        got = {(m.text, m.type, m.source) for m in s.exec(select(Mention).where(Mention.article_id == a2))}
    assert {("महमूदुर रहमान", "PERSON", "learned"), ("Mahmudur Rahman", "PERSON", "learned")} <= got


def test_a_rejected_learned_surface_does_not_come_back(db):
    t1, t2 = "রহিম এলেন। রহিম বললেন।", "রহিম আবার এলেন। রহিম চলে গেলেন।"
    a1, a2 = add_articles(db, t1, t2)
    mark(db, a1, t1, "রহিম", "PERSON")
    detect_articles(db, [a2])
    with db.session() as s:
        sug = list(s.exec(select(Mention).where(Mention.article_id == a2)))
    assert len(sug) == 2
    curation.reject(db, sug[0].id)
    detect_articles(db, [a2])
    with db.session() as s:
        rows = list(s.exec(select(Mention.status).where(Mention.article_id == a2)))
    assert sorted(rows) == ["rejected", "suggested"]   # nothing new came back


def test_a_surface_rejected_in_an_article_is_not_suggested_anywhere_in_it(db):
    t1, t2, t3 = "রহিম এলেন।", "রহিম আবার এলেন। পরে রহিম চলে গেলেন।", "রহিম কাল আসবেন।"
    a1, a2, a3 = add_articles(db, t1, t2, t3)
    mark(db, a1, t1, "রহিম", "PERSON")
    detect_articles(db, [a2])
    with db.session() as s:
        first, second = sorted(s.exec(select(Mention).where(Mention.article_id == a2)), key=lambda m: m.start)
    curation.reject(db, first.id)
    with db.transaction() as s:   # the other occurrence was never suggested (say, an older detector)
        s.delete(s.get(Mention, second.id))
    detect_articles(db, [a2, a3])
    with db.session() as s:
        in_a2 = [(m.start, m.status) for m in s.exec(select(Mention).where(Mention.article_id == a2))]
        in_a3 = [(m.text, m.status) for m in s.exec(select(Mention).where(Mention.article_id == a3))]
    assert in_a2 == [(first.start, "rejected")]          # not at the other occurrence either
    assert in_a3 == [("রহিম", "suggested")]              # other articles still get it


def test_a_corrected_boundary_keeps_the_learned_span():
    """The curator rejected "Cyclone Remal" and confirmed "Remal": the longer rule span found
    again must not win the overlap over the learned one."""
    from desktop.detection.learning.suggester import LearnedSuggester

    old = "It came after Cyclone Remal hit."
    s = old.index("Cyclone")
    learner = SurfaceLearner([("Remal", "EVENT", None)], [("Cyclone Remal", context_key(old, s, s + 13))])
    text = "Damage from Cyclone Remal was not repaired."
    s = text.index("Cyclone")
    rule = Candidate(s, s + 13, "Cyclone Remal", "EVENT", "rule", 0.7)
    got = LearnedSuggester(learner).apply(text, [rule])
    assert spans(got) == {("Remal", "EVENT")}
    # a surface never rejected keeps its longer span
    learner = SurfaceLearner([("Remal", "EVENT", None)], [])
    assert spans(LearnedSuggester(learner).apply(text, [rule])) == {("Cyclone Remal", "EVENT")}


# -- the model -----------------------------------------------------------------------------------


TEXTS = [
    "জেলা প্রশাসক রহিম উদ্দিন বলেন, ঢাকায় বৃষ্টি হবে।",
    "জেলা প্রশাসক করিম মিয়া বলেন, খুলনায় বন্যা হবে।",
    "জেলা প্রশাসক সালমা বেগম বলেন, সিলেটে পানি বাড়ছে।",
    "জেলা প্রশাসক নাসির হোসেন বলেন, রাজশাহীতে খরা।",
    "জেলা প্রশাসক জামাল খান বলেন, বরিশালে ঝড়।",
]
NAMES = ["রহিম উদ্দিন", "করিম মিয়া", "সালমা বেগম", "নাসির হোসেন", "জামাল খান"]


def curated(db) -> list[int]:
    ids = add_articles(db, *TEXTS)
    for aid, text, name in zip(ids, TEXTS, NAMES):
        mark(db, aid, text, name, "PERSON")
        curation.set_article_status(db, aid, "done")
    return ids


def _fake_eval(model_f1, base_f1, combined_f1=None):
    def row(f1):
        return {"all": {"gold": 1, "tp": 0, "fp": 0, "fn": 0, "p": f1, "r": f1, "f1": f1},
                "PERSON": {"gold": 1, "tp": 0, "fp": 0, "fn": 0, "p": f1, "r": f1, "f1": f1}}

    def evaluate(docs, k, baseline, folds=1, combine=None):
        out = {"model": row(model_f1), "baseline": row(base_f1), "held_out_mentions": 1,
               "held_out_types": {"PERSON": 1}}
        if combined_f1 is not None:
            assert combine is not None   # training asks for the rules + model evaluation
            out["combined"] = row(combined_f1)
        return out
    return evaluate


@pytest.mark.parametrize("model_f1, base_f1, combined_f1, active", [
    (0.4, 0.6, None, False), (0.8, 0.6, None, True),   # an evaluation without "combined": the model alone
    (0.4, 0.6, 0.7, True),     # weaker alone, but joined to the rules it adds what they miss
    (0.8, 0.6, 0.5, False),    # better alone, but joined to the rules it makes them worse
    (0.8, 0.6, 0.6, False),    # adds nothing
])
def test_the_model_suggests_only_when_it_beats_the_baseline(db, monkeypatch, model_f1, base_f1, combined_f1, active):
    curated(db)
    monkeypatch.setattr(crf, "evaluate", _fake_eval(model_f1, base_f1, combined_f1))
    rep = store.train(db)
    assert rep.active is active
    assert (store.suggester(db).tagger is not None) is active
    assert rep.evaluation["types"] == (["PERSON"] if active else [])


def test_the_evaluation_scores_the_rules_with_the_model_joined(db):
    curated(db)
    rep = store.train(db)
    comb, base = rep.evaluation["combined"], rep.evaluation["baseline"]
    assert comb["all"]["gold"] == base["all"]["gold"] == rep.evaluation["held_out_mentions"]
    assert any("rules+model F1" in line for line in store.evaluation_lines(rep.evaluation))


def test_training_records_the_evaluation_and_counts(db):
    curated(db)
    rep = store.train(db)
    assert (rep.articles, rep.mentions, rep.version) == (5, 5, 1)
    assert rep.evaluation["held_out_mentions"] >= 1 and "PERSON" in rep.evaluation["baseline"]
    rep2 = store.train(db)
    hist = store.history(db)
    assert [h["version"] for h in hist] == [2, 1] and rep2.version == 2
    assert hist[0]["size"] > 0 and hist[1]["size"] == 0      # only the newest keeps its bytes
    assert store.reset(db) == 2 and store.current(db) is None


def test_a_model_saved_in_the_database_reloads_identically(db, tmp_path):
    curated(db)
    store.train(db)
    version, _active, data, _ev = store.current(db)
    docs = store.training_docs(db)
    det, k = store.baseline_parts(db)
    fresh = crf.train(docs, k, det.detect)
    assert fresh == data
    reopened = Database(db.path)
    version2, _a, data2, _ev2 = store.current(reopened)
    assert (version2, data2) == (version, data)
    probe = "জেলা প্রশাসক হাবিব রহমান বলেন, ঢাকায় বৃষ্টি।"
    a = crf.Tagger(data).tag(probe, k, det.detect)
    b = crf.Tagger(data2).tag(probe, k, det.detect)
    assert a == b and any(c.type == "PERSON" and c.text == "হাবিব রহমান" for c in a)


def test_training_runs_off_the_calling_thread(db):
    curated(db)
    seen = {}
    finished = threading.Event()

    def done(report, error):
        seen.update(thread=threading.current_thread(), report=report, error=error)
        finished.set()

    assert not store.due(db, every=20)            # 5 confirmations: not due yet
    assert store.train_in_background(db, every=20) is None
    t = store.train_in_background(db, every=5, done=done)
    assert t is not None
    assert finished.wait(60)
    assert seen["thread"] is not threading.main_thread() and seen["error"] is None
    assert seen["report"].version == 1 and not store.due(db, every=5)


def test_import_of_confirmed_mentions_teaches_like_confirmation(db):
    """Surfaces confirmed by any path (here: a confirmed mention written by the core) are learned."""
    t1 = "নাজমুল হুদা বললেন।"
    a1, a2 = add_articles(db, t1, "पहले नजमुल हुदा आए।")
    with db.transaction() as s:
        s.add(Mention(article_id=a1, start=0, end=len("নাজমুল হুদা"), text="নাজমুল হুদা", type="PERSON",
                      status="confirmed", source="import"))
    detect_articles(db, [a2])
    with db.session() as s:
        got = [(m.text, m.type) for m in s.exec(select(Mention).where(Mention.article_id == a2))]
    assert ("नजमुल हुदा", "PERSON") in got


def test_cli_learn_prints_the_evaluation_and_resets(db, capsys):
    curated(db)
    assert cli.main(["--db", db.path, "learn"]) == 0
    out = capsys.readouterr().out
    assert "model 1: trained on 5 confirmed mentions in 5 articles" in out and "PERSON" in out
    with db.session() as s:
        assert len(list(s.exec(select(LearnedModel)))) == 1
    assert cli.main(["--db", db.path, "learn", "--reset"]) == 0
    assert "dropped the learned model (1 trainings)" in capsys.readouterr().out
    assert store.current(db) is None


def test_training_in_a_child_process_stores_the_model(db):
    curated(db)
    rep = store.train_in_process(db.path)
    assert (rep.version, rep.mentions) == (1, 5)
    assert store.current(db)[0] == 1


def test_an_import_of_confirmed_mentions_trains_in_the_background(db, tmp_path, monkeypatch):
    """``curate import`` of annotated files: when N confirmations came in, a detached child
    process trains (the command does not wait for it)."""
    import json
    import time

    monkeypatch.setattr(store, "EVERY", 5)
    f = tmp_path / "curated.jsonl"
    with f.open("w", encoding="utf-8") as fh:
        for text, name in zip(TEXTS, NAMES):
            s = text.index(name)
            fh.write(json.dumps({"curate_format": 1, "text": text, "status": "done", "entities": [
                {"id": 1, "start_offset": s, "end_offset": s + len(name), "label": "PERSON", "text": name,
                 "status": "confirmed"}]}, ensure_ascii=False) + "\n")
    started = []
    real = store.train_detached_if_due
    monkeypatch.setattr(store, "train_detached_if_due", lambda db, **kw: started.append(real(db, **kw)) or started[-1])
    assert cli.main(["--db", db.path, "import", "--no-detect", str(f)]) == 0
    assert started and started[0] is not None
    started[0].wait(120)
    assert started[0].returncode == 0
    assert store.current(db)[0] == 1 and not store.due(db)
    # nothing new: importing again (duplicates) starts no training
    assert cli.main(["--db", db.path, "import", "--no-detect", str(f)]) in (0, 1)
    assert len(started) == 1 or started[-1] is None
