"""Export: CSV files, BOM, formula injection, atomicity, JSONL and CoNLL."""

import csv
import json

import pytest

from desktop import curation
from desktop.errors import CurateError
from desktop.exporting import export, safe_cell, unsafe_cell
from desktop.importing import Draft, import_drafts
from desktop.models import Mention, Relation

TEXT = "=cmd|' /C calc'!A0 রক্ষা মন্ত্রী রাজনাথ সিংহ 😀 আস্তানায় গেলেন। -SUM(1)"


@pytest.fixture
def filled(db):
    import_drafts(db, [Draft(text=TEXT, title="=HYPERLINK(\"x\")", source="@src")])
    s1 = TEXT.index("রাজনাথ")
    m1 = curation.add_mention(db, 1, s1, s1 + len("রাজনাথ সিংহ"), "PERSON").value
    s2 = TEXT.index("আস্তানা")
    m2 = curation.add_mention(db, 1, s2, s2 + len("আস্তানা"), "LOC").value
    s3 = TEXT.index("-SUM")
    m3 = curation.add_mention(db, 1, s3 + 1, s3 + 4, "ORG").value
    curation.reject(db, m3.id)
    ent = curation.create_entity(db, "+Astana", "LOC", aliases=["Astana", "अस्ताना"], external_id="Q1520",
                                 link_mention_id=m2.id)
    with db.transaction() as s:
        s.add(Relation(article_id=1, type="held_in", head_mention_id=m1.id, tail_mention_id=m2.id))
    return {"m1": m1, "m2": m2, "m3": m3, "ent": ent}


def _read(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name} has no UTF-8 BOM"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_files_columns_and_offsets(db, filled, tmp_path):
    files = export(db, tmp_path / "out")
    assert sorted(f.name for f in files) == ["articles.csv", "entities.csv", "mentions.csv", "relations.csv"]
    mentions = _read(tmp_path / "out" / "mentions.csv")
    assert {m["text"] for m in mentions} == {"রাজনাথ সিংহ", "আস্তানা"}  # confirmed only by default
    for m in mentions:
        assert TEXT[int(m["start"]):int(m["end"])] == m["text"]
    astana = [m for m in mentions if m["type"] == "LOC"][0]
    assert astana["external_id"] == "Q1520" and astana["entity_name"] == "'+Astana"
    ents = {e["external_id"]: e for e in _read(tmp_path / "out" / "entities.csv")}
    assert set(ents["Q1520"]["aliases"].split("|")) >= {"Astana", "अस्ताना"}
    assert ents["Q1520"]["mention_count"] == "1"
    rel = _read(tmp_path / "out" / "relations.csv")
    assert rel[0]["type"] == "held_in" and rel[0]["head_text"] == "রাজনাথ সিংহ" and rel[0]["tail_entity_id"]
    arts = _read(tmp_path / "out" / "articles.csv")
    assert arts[0]["title"].startswith("'=") and arts[0]["source"] == "'@src"


def test_status_filter(db, filled, tmp_path):
    export(db, tmp_path / "rej", status="rejected")
    assert [m["text"] for m in _read(tmp_path / "rej" / "mentions.csv")] == ["SUM"]
    export(db, tmp_path / "all", status="all")
    assert len(_read(tmp_path / "all" / "mentions.csv")) == 3
    with pytest.raises(CurateError):
        export(db, tmp_path / "x", status="bogus")


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=x", "\r=x", "  =1+1", "\n=1+1", " @x"])
def test_formula_injection_neutralised(cell):
    out = safe_cell(cell)
    assert out.startswith("'") and unsafe_cell(out) == cell
    assert safe_cell("plain") == "plain" and safe_cell(5) == "5"


def test_failed_export_leaves_no_file(db, filled, tmp_path, monkeypatch):
    out = tmp_path / "out"
    export(db, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    import desktop.exporting as ex

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ex, "_context", boom)
    with pytest.raises(CurateError, match="no file was changed"):
        export(db, out, status="all")
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before  # no half files, no leftovers, old export intact


def test_jsonl_and_conll(db, filled, tmp_path):
    export(db, tmp_path / "j", fmt="jsonl")
    rec = json.loads((tmp_path / "j" / "annotations.jsonl").read_text(encoding="utf-8").splitlines()[0])
    for s, e, label in rec["label"]:
        assert rec["text"][s:e] in ("রাজনাথ সিংহ", "আস্তানা")
    export(db, tmp_path / "c", fmt="conll")
    lines = (tmp_path / "c" / "annotations.conll").read_text(encoding="utf-8").splitlines()
    assert "রাজনাথ B-PERSON" in lines and "সিংহ I-PERSON" in lines
    # the case ending is its own O token: the boundary survives
    i = lines.index("আস্তানা B-LOC")
    assert lines[i + 1] == "য় O"
    assert lines[0] == "-DOCSTART- -X- O O"


def test_conll_adjacent_mentions_are_two_entities():
    import io

    from desktop.formats import conll

    buf = io.StringIO()
    conll.write(buf, {"text": "A B C", "mentions": [{"start": 0, "end": 1, "type": "X"},
                                                    {"start": 2, "end": 3, "type": "X"}]})
    assert buf.getvalue().splitlines()[2:5] == ["A B-X", "B B-X", "C O"]


def test_entities_csv_only_linked_unless_all_entities(db, filled, tmp_path):
    curation.create_entity(db, "Unlinked Org", "ORG", aliases=["a|b"])
    export(db, tmp_path / "o")
    names = [e["name"] for e in _read(tmp_path / "o" / "entities.csv")]
    assert names == ["'+Astana"]
    export(db, tmp_path / "all", all_entities=True)
    rows = {e["name"]: e for e in _read(tmp_path / "all" / "entities.csv")}
    assert "Unlinked Org" in rows
    from desktop.exporting import split_aliases

    assert "a|b" in split_aliases(rows["Unlinked Org"]["aliases"])  # a '|' inside an alias survives
