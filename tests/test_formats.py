"""Annotation formats in and out: real-shaped fixtures, round trips, emoji before a span, bad
input reported per annotation, merges with conflicts, learning."""

import json
import shutil
from pathlib import Path

import pytest
from sqlmodel import select

from desktop import curation
from desktop.db import Database
from desktop.exporting import export
from desktop.importing import Draft, import_drafts, import_paths
from desktop.models import Alias, Article, Entity, Mention, Relation

FIX = Path(__file__).parent / "fixtures" / "formats"


def _mentions(db):
    with db.session() as s:
        return [(m.article_id, m.text, m.type, m.status) for m in
                s.exec(select(Mention).order_by(Mention.article_id, Mention.start))]


def _fresh(tmp_path, name="x.db"):
    return Database(tmp_path / name)


def test_doccano_utf16_offsets_relations_and_missing_span(db):
    rep = import_paths(db, [FIX / "doccano.jsonl"], detect=False)
    got = _mentions(db)
    assert ("EU", "ORG") in [(t, ty) for _, t, ty, _ in got]
    # an emoji before the span: doccano's UTF-16 offsets land on the right words
    assert [(t, ty) for a, t, ty, _ in got if a == 2] == [("Peter Blackburn", "PERSON"), ("Obama", "PERSON"),
                                                           ("Dhaka", "LOC")]
    assert {st for *_, st in got} == {"confirmed"}
    assert "MISC" in rep.new_types
    assert rep.relations == 1
    assert [f.reason for f in rep.failed] == ["relation met to a missing span 99"]
    assert rep.summary() == "imported 2 articles, 5 mentions, 1 relations, conflicts 0, duplicates 0, failed 1"


def test_brat_folder_links_relations_and_counts(db, kb, tmp_path):
    d = tmp_path / "brat"
    d.mkdir()
    for f in FIX.glob("brat-doc.*"):
        shutil.copy(f, d / f.name)
    rep = import_paths(db, [d], detect=False)
    assert rep.imported == 1
    got = {(t, ty) for _, t, ty, _ in _mentions(db)}
    assert got == {("কাজাখস্তান", "LOC"), ("আস্তানা", "LOC"), ("Nursultan Nazarbayev", "PERSON"), ("Astana", "LOC")}
    with db.session() as s:
        m = s.exec(select(Mention).where(Mention.text == "কাজাখস্তান")).one()
        assert s.get(Entity, m.entity_id).external_id == "Q232"  # N line → link by QID
        art = s.exec(select(Article)).one()
        assert "\r" not in art.text and art.text[m.start:m.end] == "কাজাখস্তান"
    assert rep.relations == 1
    assert rep.notes == {"discontinuous spans not imported": 1, "attributes not imported": 1, "notes not imported": 1}
    reasons = sorted(f.reason for f in rep.failed)
    assert reasons[0].startswith("relation met to a missing span") and "outside the text" in reasons[1]


def test_conll_rebuilds_text_and_case_ending(db):
    rep = import_paths(db, [FIX / "conll2003.conll"], detect=False)
    assert rep.imported == 2
    with db.session() as s:
        arts = list(s.exec(select(Article).order_by(Article.id)))
    assert arts[0].text == "EU rejects German call .\nPeter Blackburn"
    assert arts[1].text.startswith("কাজাখস্তানের রাজধানী")
    got = [(a, t, ty) for a, t, ty, _ in _mentions(db)]
    assert (2, "কাজাখস্তান", "LOC") in got and (1, "Peter Blackburn", "PERSON") in got


def test_label_studio_real_export(db):
    """A file exported by a running Label Studio 1.23.2 (predictions listed only by id)."""
    rep = import_paths(db, [FIX / "labelstudio-1.23.2-export.json"], detect=False)
    assert [(t, ty, st) for _, t, ty, st in _mentions(db)] == [("কাজাখস্তান", "LOC", "confirmed"),
                                                               ("Modi", "PERSON", "confirmed")]
    assert rep.notes == {"predictions listed only by id, not imported": 1}


def test_label_studio_latest_annotation_wins_and_utf16_fallback(db, tmp_path):
    text = "🙂🙂 Sheikh Hasina in Dhaka"
    s = text.index("Dhaka")
    u16 = len(text[:s].encode("utf-16-le")) // 2
    tasks = [{"id": 5, "data": {"text": text}, "annotations": [
        {"id": 1, "updated_at": "2024-01-01T00:00:00Z", "was_cancelled": False,
         "result": [{"id": "a", "type": "labels", "from_name": "label", "to_name": "text",
                     "value": {"start": s, "end": s + 5, "text": "Dhaka", "labels": ["ORG"]}}]},
        {"id": 2, "updated_at": "2024-02-01T00:00:00Z", "was_cancelled": False,
         "result": [{"id": "b", "type": "labels", "from_name": "label", "to_name": "text",
                     "value": {"start": u16, "end": u16 + 5, "text": "Dhaka", "labels": ["GPE"]}}]},
        {"id": 3, "updated_at": "2024-03-01T00:00:00Z", "was_cancelled": True, "result": []}],
        "predictions": [{"id": 9, "score": 0.4, "result": [
            {"id": "p", "type": "labels", "value": {"start": 3, "end": 16, "text": "Sheikh Hasina",
                                                    "labels": ["PER"]}}]}]}]
    f = tmp_path / "ls.json"
    f.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    rep = import_paths(db, [f], detect=False)
    assert [(t, ty, st) for _, t, ty, st in _mentions(db)] == [("Sheikh Hasina", "PERSON", "suggested"),
                                                               ("Dhaka", "LOC", "confirmed")]
    assert rep.notes == {"older annotations passed over": 1, "cancelled annotations passed over": 1}
    with db.session() as s:
        assert s.exec(select(Mention).where(Mention.status == "suggested")).one().confidence == pytest.approx(0.4)


def _curated(db):
    text = "😀 কাজাখস্তানের রাজধানী আস্তানা। Sheikh Hasina met Narendra Modi in Dhaka."
    import_drafts(db, [Draft(text=text, title="=t", source="s")])
    k = curation.add_mention(db, 1, 2, 12, "LOC")
    h = curation.add_mention(db, 1, text.index("Sheikh"), text.index(" met"), "PERSON")
    m = curation.add_mention(db, 1, text.index("Narendra"), text.index(" in"), "PERSON", status="suggested")
    r = curation.add_mention(db, 1, text.index("Dhaka"), text.index("Dhaka") + 5, "LOC")
    curation.reject(db, r.id)
    curation.create_entity(db, "Kazakhstan", "LOC", external_id="Q232", description="country",
                           aliases=["a|b"], link_mention_id=k.id)
    with db.transaction() as s:
        s.add(Relation(article_id=1, type="met", head_mention_id=h.id, tail_mention_id=m.id))
    return text


def _jsonl_view(path):
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        ms = {e["id"]: e for e in r["entities"]}
        out.append((r["text"], r["status"], sorted(
            (e["start_offset"], e["end_offset"], e["label"], e["status"], e["source"], e["confidence"],
             e["entity"] and (e["entity"]["name"], e["entity"]["qid"], e["entity"]["description"],
                              sorted(e["entity"]["aliases"])))
            for e in r["entities"]), sorted((ms[x["from_id"]]["text"], x["type"], ms[x["to_id"]]["text"])
                                            for x in r["relations"])))
    return out


def test_curate_jsonl_round_trip_is_lossless(db, tmp_path):
    _curated(db)
    export(db, tmp_path / "a", fmt="jsonl", status="all")
    other = _fresh(tmp_path)
    rep = import_paths(other, [tmp_path / "a" / "annotations.jsonl"], detect=False)
    assert (rep.mentions, rep.relations, len(rep.failed)) == (4, 1, 0)
    export(other, tmp_path / "b", fmt="jsonl", status="all")
    first, second = _jsonl_view(tmp_path / "a" / "annotations.jsonl"), _jsonl_view(tmp_path / "b" / "annotations.jsonl")
    assert first == second
    assert {st for *_, st, _, _, _ in first[0][2]} == {"confirmed", "suggested", "rejected"}
    # importing the same file again changes nothing
    again = import_paths(other, [tmp_path / "a" / "annotations.jsonl"], detect=False)
    # the article, its 4 mentions and its relation are duplicates
    assert (again.imported, again.mentions, again.relations, again.duplicates) == (0, 0, 0, 6)
    other.close()


def test_jsonl_tokens_align_in_spacy(db, tmp_path):
    spacy = pytest.importorskip("spacy")  # in the test extra
    from spacy.tokens import Doc

    _curated(db)
    export(db, tmp_path / "a", fmt="jsonl", status="all")
    rec = json.loads((tmp_path / "a" / "annotations.jsonl").read_text(encoding="utf-8"))
    toks = rec["tokens"]
    assert [t["text"] for t in toks][1:3] == ["কাজাখস্তান", "ের"]  # the case ending is its own token
    doc = Doc(spacy.blank("xx").vocab, words=[t["text"] for t in toks], spaces=[t["ws"] for t in toks])
    assert doc.text == rec["text"]
    for sp in rec["spans"]:
        span = doc.char_span(sp["start"], sp["end"], label=sp["label"])
        assert span is not None and (span.start, span.end - 1) == (sp["token_start"], sp["token_end"])


def test_spacy_docbin_aligns_every_seed_mention(seeded, tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    from desktop.export_formats import docbin_bytes, records

    data, aligned, total = docbin_bytes(records(seeded, "all"))
    assert total > 50 and aligned == total
    docs = list(DocBin().from_bytes(data).get_docs(spacy.blank("xx").vocab))
    with seeded.session() as s:
        texts = [a.text for a in s.exec(select(Article).order_by(Article.id))]
    assert [d.text for d in docs] == texts
    export(seeded, tmp_path / "sp", fmt="spacy", status="all")
    assert (tmp_path / "sp" / "annotations.spacy").stat().st_size > 1000


def test_a_large_spacy_export_is_split_into_files_spacy_reads_as_one_corpus(seeded, tmp_path, monkeypatch):
    spacy = pytest.importorskip("spacy")
    from spacy.training import Corpus

    from desktop import export_formats

    monkeypatch.setattr(export_formats, "SPACY_SHARD", 2)  # five seeds: files of 2, 2 and 1 articles
    export(seeded, tmp_path / "sp", fmt="spacy", status="all")
    names = sorted(p.name for p in (tmp_path / "sp").iterdir())
    assert names == ["annotations-0001.spacy", "annotations-0002.spacy", "annotations-0003.spacy"]
    nlp = spacy.blank("xx")
    docs = [ex.reference for ex in Corpus(tmp_path / "sp")(nlp)]
    with seeded.session() as s:
        texts = sorted(a.text for a in s.exec(select(Article)))
    assert sorted(d.text for d in docs) == texts
    whole, _, _ = export_formats.docbin_bytes(export_formats.records(seeded, "all"))
    from spacy.tokens import DocBin

    ents = sorted((d.text[:20], [(e.start_char, e.end_char, e.label_) for e in d.ents])
                  for d in DocBin().from_bytes(whole).get_docs(nlp.vocab))
    assert sorted((d.text[:20], [(e.start_char, e.end_char, e.label_) for e in d.ents]) for d in docs) == ents


def test_conll_export_reads_in_spacy_and_seqeval(seeded, tmp_path):
    pytest.importorskip("spacy")
    seqeval = pytest.importorskip("seqeval.scheme")
    from spacy.training.converters import conll_ner_to_docs

    export(seeded, tmp_path / "c", fmt="conll", status="all")
    raw = (tmp_path / "c" / "annotations.conll").read_text(encoding="utf-8")
    docs = list(conll_ner_to_docs(raw, n_sents=0, no_print=True))  # `spacy convert --converter ner -n 0`
    assert len(docs) == 5 and all(t.text != "-DOCSTART-" for d in docs for t in d)
    from desktop.formats import conll

    with seeded.session() as s:
        mentions = list(s.exec(select(Mention)))
    surfaces = {m.text for m in mentions}
    ents = [e.text for d in docs for e in d.ents]
    assert len(ents) == len(mentions) and set(ents) <= surfaces  # every entity spells its mention
    tags = [[ln.split()[-1] for ln in block.splitlines()] for block in raw.replace(conll.DOCSTART, "").split("\n\n")
            if block.strip()]
    from seqeval.scheme import IOB2, Entities

    Entities(tags, IOB2).entities  # raises on an invalid IOB2 sequence


def test_brat_and_label_studio_round_trip(db, tmp_path):
    _curated(db)
    export(db, tmp_path / "brat", fmt="brat", status="confirmed")
    conf = (tmp_path / "brat" / "annotation.conf").read_text(encoding="utf-8")
    assert "[entities]" in conf and "\nLOC\n" in conf and "met\tArg1:" in conf
    b = _fresh(tmp_path, "b.db")
    rep = import_paths(b, [tmp_path / "brat"], detect=False)
    assert (rep.imported, rep.mentions, len(rep.failed)) == (1, 2, 0)
    assert {(t, ty) for _, t, ty, _ in _mentions(b)} == {("কাজাখস্তান", "LOC"), ("Sheikh Hasina", "PERSON")}
    with b.session() as s:
        assert s.exec(select(Entity).where(Entity.external_id == "Q232")).one().name == "Kazakhstan"
    b.close()

    export(db, tmp_path / "ls", fmt="labelstudio", status="all")
    assert "<Labels" in (tmp_path / "ls" / "labelstudio-config.xml").read_text(encoding="utf-8")
    c = _fresh(tmp_path, "c.db")
    rep = import_paths(c, [tmp_path / "ls" / "labelstudio-tasks.json"], detect=False)
    assert sorted((t, st) for _, t, _, st in _mentions(c)) == [
        ("Narendra Modi", "suggested"), ("Sheikh Hasina", "confirmed"), ("কাজাখস্তান", "confirmed")]
    c.close()


def test_merge_conflicts_duplicates_and_learning(db, tmp_path):
    text = _curated(db)
    s = text.index("Dhaka")
    f = tmp_path / "colleague.jsonl"
    f.write_text(json.dumps({"text": text, "entities": [
        {"id": 1, "start_offset": s, "end_offset": s + 5, "label": "LOC", "text": "Dhaka"},  # we rejected it
        {"id": 2, "start_offset": 2, "end_offset": 12, "label": "ORG", "text": "কাজাখস্তান"},  # we said LOC
        {"id": 3, "start_offset": text.index("Narendra"), "end_offset": text.index(" in"), "label": "PER",
         "text": "Narendra Modi"},
        {"id": 4, "start_offset": text.index("Sheikh"), "end_offset": text.index(" met"), "label": "PERSON",
         "text": "Sheikh Hasina"},
    ]}, ensure_ascii=False) + "\n", encoding="utf-8")
    rep = import_paths(db, [f], detect=False)
    assert len(rep.conflicts) == 2 and rep.mentions == 1 and rep.duplicates == 1
    with db.session() as s_:
        st = {m.text: (m.type, m.status) for m in s_.exec(select(Mention))}
    assert st["Dhaka"] == ("LOC", "rejected") and st["কাজাখস্তান"] == ("LOC", "confirmed")
    assert st["Narendra Modi"] == ("PERSON", "confirmed")  # the suggestion takes the file's decision


def test_imported_confirmed_links_teach_aliases(db, tmp_path):
    f = tmp_path / "a.jsonl"
    text = "কাজাখস্তানের রাজধানী"
    f.write_text(json.dumps({"curate_format": 1, "text": text, "entities": [
        {"id": 1, "start_offset": 0, "end_offset": 10, "label": "LOC", "text": "কাজাখস্তান", "status": "confirmed",
         "entity": {"name": "Kazakhstan", "type": "LOC", "qid": "Q232"}}]}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    import_paths(db, [f], detect=False)
    with db.session() as s:
        ent = s.exec(select(Entity).where(Entity.external_id == "Q232")).one()
        keys = {a.text for a in s.exec(select(Alias).where(Alias.entity_id == ent.id))}
    assert "কাজাখস্তান" in keys


def test_as_suggestions_and_text_only(db, tmp_path):
    import_paths(db, [FIX / "doccano.jsonl"], detect=False, as_suggestions=True)
    assert {st for *_, st in _mentions(db)} == {"suggested"}
    other = _fresh(tmp_path)
    rep = import_paths(other, [FIX / "doccano.jsonl"], detect=False, text_only=True)
    assert rep.imported == 2 and not _mentions(other)
    other.close()


def test_bad_annotations_reported_and_the_rest_imported(db, tmp_path):
    text = "😀 Modi met Putin in Delhi."
    def e(i, s, en, label="PER", surface=None):
        d = {"id": i, "start_offset": s, "end_offset": en, "label": label}
        if surface is not None:
            d["text"] = surface
        return d
    m, p = text.index("Modi"), text.index("Putin")
    f = tmp_path / "bad.jsonl"
    f.write_text(json.dumps({"curate_format": 1, "text": text, "entities": [
        e(1, m, m + 4, surface="Modi"), e(2, 5, 500), e(3, 9, 9), e(4, p, p + 5, surface="Delhi"),
        e(5, m, m + 2, surface="Mo"), e(6, p, p + 5, surface="Putin")],
        "relations": [{"id": 1, "from_id": 1, "to_id": 77, "type": "met"}]}, ensure_ascii=False) + "\n", encoding="utf-8")
    rep = import_paths(db, [f], detect=False)
    assert rep.imported == 1 and rep.mentions == 2
    reasons = " | ".join(str(x) for x in rep.failed)
    for bit in ("entity 2: span 5-500 is outside", "entity 3: start 9 is not before end 9",
                "entity 4: the file's text ‘Delhi’ differs", "entity 5: overlaps the PERSON span ‘Modi’",
                "relation 1: relation met to a missing span 77"):
        assert bit in reasons
    assert len(rep.failed) == 5


@pytest.mark.parametrize("line,why", [
    ('{"text": "abc \\ud800 def"}', "unpaired surrogate"),
    ('{"text": "abc", "title": "\\udc00"}', "unpaired surrogate"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
])
def test_jsonl_lines_that_cannot_be_text(db, tmp_path, line, why):
    f = tmp_path / "x.jsonl"
    f.write_text(line + '\n{"text": "good one"}\n', encoding="utf-8")
    rep = import_paths(db, [f], detect=False)
    assert rep.imported == 1 and len(rep.failed) == 1
    assert why in rep.failed[0].reason and rep.failed[0].line == 1 and rep.failed[0].path == str(f)


def test_html_furniture_dropped_and_missing_head_end(db, tmp_path):
    (tmp_path / "a.html").write_text(
        "<!DOCTYPE html><html><head><title>শিরোনাম</title><meta charset=utf-8>"
        "<body><header>Home | World | Business</header><nav>Menu</nav>"
        "<article><header><h1>Headline here</h1></header><p>ভারত ও রাশিয়া</p></article>"
        "<aside>Most read</aside><form>Subscribe</form><footer>© Paper</footer></body></html>", encoding="utf-8")
    rep = import_paths(db, [tmp_path], detect=False)
    assert rep.imported == 1
    with db.session() as s:
        a = s.exec(select(Article)).one()
    assert a.title == "শিরোনাম"
    assert a.text == "Headline here\n\nভারত ও রাশিয়া" or a.text.split() == ["Headline", "here", "ভারত", "ও", "রাশিয়া"]
    for junk in ("Home", "Menu", "Most read", "Subscribe", "Paper"):
        assert junk not in a.text


def test_csv_standard_dialect_delimiter_and_unterminated_quote(db, tmp_path):
    rows = 'title,text\nA,"quoted ""x"" ; with; semicolons"\nB,"two\nlines"\n'
    (tmp_path / "a.csv").write_text(rows + "C,\"never closed\nD,text\n", encoding="utf-8")
    rep = import_paths(db, [tmp_path / "a.csv"], detect=False)
    assert rep.imported == 2
    assert len(rep.failed) == 1 and "a quoted field is never closed" in rep.failed[0].reason
    with db.session() as s:
        texts = [a.text for a in s.exec(select(Article).order_by(Article.id))]
    assert texts == ['quoted "x" ; with; semicolons', "two\nlines"]
    (tmp_path / "b.csv").write_text("title;text\nE;semi body\n", encoding="utf-8")
    rep = import_paths(db, [tmp_path / "b.csv"], detect=False)
    assert rep.imported == 0 and "--csv-delimiter" in rep.failed[0].reason
    rep = import_paths(db, [tmp_path / "b.csv"], detect=False, csv_delimiter=";")
    assert rep.imported == 1


def test_encoding_option(db, tmp_path):
    (tmp_path / "l.txt").write_bytes("café crème brûlée".encode("cp1252"))
    (tmp_path / "u.txt").write_bytes("हिन्दी पाठ".encode("utf-16-le"))
    assert import_paths(db, [tmp_path / "l.txt"], detect=False).failed
    assert import_paths(db, [tmp_path / "l.txt"], detect=False, encoding="cp1252").imported == 1
    assert import_paths(db, [tmp_path / "u.txt"], detect=False, encoding="utf-16-le").imported == 1
    bad = import_paths(db, [tmp_path / "u.txt"], detect=False, encoding="klingon")
    assert "unknown encoding" in bad.failed[0].reason


def test_label_studio_annotation_made_in_label_studio_merges(db, tmp_path):
    """Exported by Label Studio 1.23.2 after a second annotation with a relation was made there:
    the latest annotation wins, the older one is counted, the relation comes with it."""
    f = FIX / "labelstudio-1.23.2-two-annotations.json"
    rep = import_paths(db, [f], detect=False)
    assert (rep.imported, rep.mentions, rep.relations) == (1, 3, 1)
    assert rep.notes == {"older annotations passed over": 1, "predictions listed only by id, not imported": 1}
    with db.session() as s:
        r = s.exec(select(Relation)).one()
        assert (s.get(Mention, r.head_mention_id).text, r.type, s.get(Mention, r.tail_mention_id).text) == \
            ("Modi", "met", "Putin")
    again = import_paths(db, [f], detect=False)
    assert (again.mentions, again.relations, again.duplicates) == (0, 0, 5)


def test_json_list_of_plain_records(db, tmp_path):
    f = tmp_path / "records.json"
    f.write_text(json.dumps([{"text": "Dhaka is big.", "label": [[0, 5, "GPE"]]}, {"text": 5}]), encoding="utf-8")
    rep = import_paths(db, [f], detect=False)
    assert (rep.imported, rep.mentions, len(rep.failed)) == (1, 1, 1) and "'text' is not a string" in rep.failed[0].reason
