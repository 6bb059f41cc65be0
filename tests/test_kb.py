"""Knowledge-base editing (all undoable), applying links to the same surface, and KB files."""

import csv
import json

import pytest
from sqlmodel import select

from desktop import curation, history, kb, kb_files, queries
from desktop.errors import CurateError
from desktop.models import Alias, Entity, History, Mention
from test_linking_support import make_article, suggest


def _snapshot(db):
    """Every KB and mention row, to compare before/after undo."""
    with db.session() as s:
        ents = sorted((e.id, e.name, e.type, e.external_id, e.description) for e in s.exec(select(Entity)))
        als = sorted((a.id, a.entity_id, a.text, a.key, a.language, a.source) for a in s.exec(select(Alias)))
        ms = sorted((m.id, m.entity_id, m.status, m.type) for m in s.exec(select(Mention)))
    return ents, als, ms


@pytest.fixture
def world(db):
    kz = curation.create_entity(db, "Kazakhstan", "LOC", aliases=["কাজাখস্তান"], external_id="Q232").id
    kz2 = curation.create_entity(db, "Qazaqstan", "LOC", aliases=["कजाकिस्तान", "Kazakhstan"]).id
    a1 = make_article(db, "কাজাখস্তান ও আস্তানা", "one")
    a2 = make_article(db, "कजाकिस्तान और कजाकिस्तान", "two")
    m1 = suggest(db, a1, "কাজাখস্তান", "LOC", entity_id=kz, status="confirmed")
    m2 = suggest(db, a2, "कजाकिस्तान", "LOC", entity_id=kz2, status="confirmed")
    m3 = suggest(db, a2, "कजाकिस्तान", "LOC", occurrence=1, entity_id=kz2)
    return dict(db=db, kz=kz, kz2=kz2, a1=a1, a2=a2, m1=m1, m2=m2, m3=m3)


def _undo_restores(db, fn):
    before = _snapshot(db)
    fn()
    changed = _snapshot(db)
    assert changed != before
    history.undo(db)
    assert _snapshot(db) == before
    history.redo(db)
    assert _snapshot(db) == changed


def test_qid_validation():
    assert kb.validate_qid(" Q232 ") == "Q232"
    assert kb.validate_qid("q42") == "Q42"
    assert kb.validate_qid("") is None and kb.validate_qid(None) is None
    for form in ("wd:Q232", "http://www.wikidata.org/entity/Q232", "https://www.wikidata.org/wiki/Q232",
                 "https://www.wikidata.org/entity/Q232"):
        assert kb.validate_qid(form) == "Q232"
    for bad in ("232", "Q", "Q12a", "P31", "Q0", "https://example.org/wiki/Q232", "wd:P31"):
        with pytest.raises(CurateError):
            kb.validate_qid(bad)


def test_edit_entity_is_undoable_and_validated(world):
    db, kz = world["db"], world["kz"]
    _undo_restores(db, lambda: kb.edit_entity(db, kz, name="Republic of Kazakhstan", description="country",
                                              external_id="Q232"))
    with pytest.raises(CurateError):
        kb.edit_entity(db, kz, external_id="X1")
    with pytest.raises(CurateError):
        kb.edit_entity(db, kz, name="  ")
    e = queries.entity(db, kz)
    assert e.name == "Republic of Kazakhstan"
    assert "republic of kazakhstan" in {a.key for a in kb.aliases(db, kz)}  # the new name is an alias
    with db.session() as s:
        assert s.exec(select(History).order_by(History.id.desc())).first().action in ("kb_edit", "redo")


def test_changing_the_type_retypes_linked_mentions(world):
    db = world["db"]
    kb.edit_entity(db, world["kz"], type="ORG")
    with db.session() as s:
        assert s.get(Mention, world["m1"]).type == "ORG"
    with pytest.raises(CurateError):
        kb.edit_entity(db, world["kz"], type="NOPE")


def test_aliases_add_remove_undo(world):
    db, kz = world["db"], world["kz"]
    _undo_restores(db, lambda: kb.add_alias(db, kz, "Qazaqstan Respublikasy"))
    with pytest.raises(CurateError):
        kb.add_alias(db, kz, "কাজাখস্তান")  # has it already
    alias = next(a for a in kb.aliases(db, kz) if a.text == "কাজাখস্তান")
    _undo_restores(db, lambda: kb.remove_alias(db, alias.id))
    groups = kb.aliases_by_script(db, kz)
    assert set(groups) <= {"bn", "hi", "en", "other"} and "en" in groups


def test_merge_moves_mentions_and_aliases_and_undoes(world):
    db, kz, kz2 = world["db"], world["kz"], world["kz2"]
    _undo_restores(db, lambda: kb.merge(db, kz, kz2))
    assert queries.entity(db, kz2) is None
    keys = [a.key for a in kb.aliases(db, kz)]
    assert len(keys) == len(set(keys))  # deduplicated
    assert "कजाकिस्तान" in keys and "qazaqstan" in keys
    assert {m.mention_id for m in kb.entity_mentions(db, kz)} == {world["m1"], world["m2"], world["m3"]}
    with pytest.raises(CurateError):
        kb.merge(db, kz, kz)


def test_merge_refuses_different_types(world):
    db = world["db"]
    org = curation.create_entity(db, "Kazakh Army", "ORG").id
    with pytest.raises(CurateError):
        kb.merge(db, world["kz"], org)


def test_split_moves_aliases_and_matching_mentions(world):
    db, kz2 = world["db"], world["kz2"]
    hi = next(a for a in kb.aliases(db, kz2) if a.text == "कजाकिस्तान")
    new = kb.split(db, kz2, [hi.id], name="Kazakhstan (Hindi)").value
    assert new.type == "LOC"
    assert {a.text for a in kb.aliases(db, new.id)} == {"कजाकिस्तान", "Kazakhstan (Hindi)"}
    assert {m.mention_id for m in kb.entity_mentions(db, new.id)} == {world["m2"], world["m3"]}
    assert kb.entity_mentions(db, kz2) == []
    history.undo(db)
    assert queries.entity(db, new.id) is None
    assert len(kb.entity_mentions(db, kz2)) == 2
    with pytest.raises(CurateError):
        kb.split(db, kz2, [])
    with pytest.raises(CurateError):
        kb.split(db, world["kz"], [hi.id])


def test_delete_entity_unlinks_and_undo_restores_everything(world):
    db, kz2 = world["db"], world["kz2"]
    before = _snapshot(db)
    assert kb.delete_entity(db, kz2).count == 2
    assert queries.entity(db, kz2) is None
    with db.session() as s:
        assert s.get(Mention, world["m2"]).entity_id is None
        assert s.exec(select(Alias).where(Alias.entity_id == kz2)).all() == []
    history.undo(db)
    assert _snapshot(db) == before


def test_apply_link_to_surface_all_or_one_by_one(db):
    kz = curation.create_entity(db, "Kazakhstan", "LOC").id
    arts = [make_article(db, f"{i}: আস্তানা, কাজাখস্তান", f"a{i}") for i in range(4)]
    ms = [suggest(db, a, "কাজাখস্তান", "LOC") for a in arts]
    other_type = suggest(db, arts[1], "আস্তানা", "LOC")
    curation.link(db, ms[0], kz)
    preview = kb.apply_link_to_surface(db, ms[0], dry_run=True).value
    assert preview == [(ms[1], arts[1]), (ms[2], arts[2]), (ms[3], arts[3])]
    assert kb.apply_link_to_surface(db, ms[0], mention_ids=[ms[2]]).value == [(ms[2], arts[2])]
    assert kb.apply_link_to_surface(db, ms[0], article_ids=[arts[1], arts[3]]).value == [(ms[1], arts[1]), (ms[3], arts[3])]
    with db.session() as s:
        assert all(s.get(Mention, m).entity_id == kz for m in ms)
        assert s.get(Mention, ms[1]).status == "confirmed"
        assert s.get(Mention, other_type).entity_id is None
    assert kb.apply_link_to_surface(db, ms[0]).value == []
    history.undo(db)
    with db.session() as s:
        assert s.get(Mention, ms[1]).entity_id is None and s.get(Mention, ms[2]).entity_id == kz
    with pytest.raises(CurateError):
        kb.apply_link_to_surface(db, other_type)  # not linked


def test_find_entities_by_name_alias_type_and_script(world):
    db = world["db"]
    names = lambda rows: {r.name for r in rows}  # noqa: E731
    assert names(kb.find_entities(db, "")) == {"Kazakhstan", "Qazaqstan"}
    assert names(kb.find_entities(db, "kazakh")) == {"Kazakhstan", "Qazaqstan"}
    assert names(kb.find_entities(db, "कजाकि")) == {"Qazaqstan"}
    assert "Kazakhstan" in names(kb.find_entities(db, "কাজাকিস্তান"))  # another spelling, cross-script
    assert kb.find_entities(db, "Kazakhstan", type="PERSON") == []
    row = next(r for r in kb.find_entities(db, "Qazaqstan") if r.name == "Qazaqstan")
    assert row.mention_count == 2 and row.alias_count == 3


# -- files ------------------------------------------------------------------------------------------


def _kb_content(db):
    with db.session() as s:
        out = []
        for e in s.exec(select(Entity)):
            als = sorted(a.text for a in s.exec(select(Alias).where(Alias.entity_id == e.id)))
            out.append((e.name, e.type, e.external_id, e.description, tuple(als)))
        return sorted(out)


def test_csv_round_trip_idempotent_and_formula_safe(world, tmp_path, tmp_path_factory):
    from desktop.db import Database

    db = world["db"]
    kb.edit_entity(db, world["kz"], description="=HYPERLINK(\"x\")")
    kb.add_alias(db, world["kz"], "+Kaz")
    out = tmp_path / "kb.csv"
    assert kb_files.export_csv(db, out) == 2
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert list(rows[0]) == ["name", "type", "aliases", "external_id", "description"]
    kz_row = next(r for r in rows if r["name"] == "Kazakhstan")
    assert kz_row["description"].startswith("'=") and "+Kaz" in kz_row["aliases"].split("|")
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
    assert kz_row["external_id"] == "Q232"

    fresh = Database(tmp_path_factory.mktemp("fresh") / "c.db")
    rep = kb_files.import_csv(fresh, out)
    assert (rep.created, rep.failed) == (2, [])
    assert _kb_content(fresh) == _kb_content(db)
    again = kb_files.import_csv(fresh, out)
    assert (again.created, again.updated, again.aliases_added, again.failed) == (0, 0, 0, [])
    out2 = tmp_path / "kb2.csv"
    kb_files.export_csv(fresh, out2)
    assert out2.read_bytes() == raw
    fresh.close()


def test_csv_import_merges_known_entities_and_reports_bad_rows(db, tmp_path):
    kz = curation.create_entity(db, "Kazakhstan", "LOC", external_id="Q232").id
    f = tmp_path / "in.csv"
    f.write_text(
        "name,type,aliases,external_id,description\n"
        "Republic of Kazakhstan,LOC,Qazaqstan|কাজাখস্তান,Q232,\n"   # same QID: gains aliases
        "Kazakhstan,LOC,कजाकिस्तान,,\n"                             # same name+type, but only one side has a QID
        ",LOC,x,,\n"                                                 # no name
        "Astana,LOC,,Q-1,\n"                                         # bad QID
        "Astana,lower case!,,,\n"                                    # bad type
        "KAZIND,EXERCISE,কাজিন্দ,,military exercise\n"               # new type is added
        "a,b,c,d,e,f\n",                                             # too many cells
        encoding="utf-8")
    rep = kb_files.import_csv(db, f)
    assert rep.created == 2 and rep.aliases_added >= 4  # KAZIND, and a QID-less Kazakhstan kept apart
    assert len(rep.failed) == 4
    assert all(str(f) in msg for msg in rep.failed)
    assert any(msg.startswith(f"{f}:4:") for msg in rep.failed)
    assert {a.text for a in kb.aliases(db, kz)} >= {"Qazaqstan", "কাজাখস্তান", "Republic of Kazakhstan"}
    assert [r.type for r in kb.find_entities(db, "KAZIND")] == ["EXERCISE"]
    history.undo(db)  # the import is one undoable action
    assert {a.text for a in kb.aliases(db, kz)} == {"Kazakhstan"}


@pytest.mark.parametrize("content,needle", [
    (b"", "empty"),
    (b"title,text\nx,y\n", "missing column"),
    (b"name,type\n\xff\xfe\xfa,LOC\n", "UTF-8"),
])
def test_csv_import_rejects_unusable_files_with_one_line(db, tmp_path, content, needle):
    f = tmp_path / "bad.csv"
    f.write_bytes(content)
    with pytest.raises(CurateError) as exc:
        kb_files.import_csv(db, f)
    assert needle in str(exc.value) and "\n" not in str(exc.value)
    with pytest.raises(CurateError):
        kb_files.import_csv(db, tmp_path / "missing.csv")


def test_json_round_trip_groups_aliases_by_language(world, tmp_path, tmp_path_factory):
    from desktop.db import Database

    db = world["db"]
    out = tmp_path / "kb.json"
    assert kb_files.export_json(db, out) == 2
    doc = json.loads(out.read_text(encoding="utf-8"))
    kz = next(e for e in doc["entities"] if e["name"] == "Kazakhstan")
    assert kz["external_id"] == "Q232"
    assert kz["aliases"]["bn"] == ["কাজাখস্তান"] and kz["aliases"]["en"] == ["Kazakhstan"]
    qz = next(e for e in doc["entities"] if e["name"] == "Qazaqstan")
    assert qz["aliases"]["hi"] == ["कजाकिस्तान"]
    fresh = Database(tmp_path_factory.mktemp("fresh") / "c.db")
    rep = kb_files.import_json(fresh, out)
    assert (rep.created, rep.failed) == (2, [])
    assert kb_files.import_json(fresh, out).aliases_added == 0
    out2 = tmp_path / "kb2.json"
    kb_files.export_json(fresh, out2)
    assert out2.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")
    fresh.close()


def test_json_import_reports_bad_entries(db, tmp_path):
    f = tmp_path / "kb.json"
    f.write_text(json.dumps({"entities": [
        {"name": "Astana", "type": "LOC", "aliases": {"bn": ["আস্তানা"], "hi": ["अस्ताना"]}},
        "nonsense",
        {"name": "", "type": "LOC"},
        {"name": "X", "type": "LOC", "aliases": 5},
    ]}), encoding="utf-8")
    rep = kb_files.import_json(db, f)
    assert rep.created == 1 and rep.aliases_added == 3 and len(rep.failed) == 3
    f.write_text("{not json", encoding="utf-8")
    with pytest.raises(CurateError):
        kb_files.import_json(db, f)


def test_kb_homonyms_descriptions_pipes_and_big_cells(db, tmp_path):
    from sqlmodel import select as _select

    from desktop.models import Entity as _Entity

    f = tmp_path / "kb.csv"
    big = "x" * 131_073
    f.write_text("name,type,aliases,external_id,description\n"
                 "Amit Shah,PERSON,অমিত শাহ,Q1,politician\n"
                 "Amit Shah,PERSON,,http://www.wikidata.org/entity/Q2,cricketer\n"
                 "Big,ORG,,," + big + "\n"
                 'Pipe Org,ORG,"A\\|B|C",wd:Q3,\n', encoding="utf-8")
    rep = kb_files.import_csv(db, f)
    assert rep.created == 3 and len(rep.failed) == 1 and "131,073 characters" in rep.failed[0]
    with db.session() as s:
        shahs = sorted((e.external_id, e.description) for e in s.exec(_select(_Entity).where(_Entity.name == "Amit Shah")))
    assert shahs == [("Q1", "politician"), ("Q2", "cricketer")]  # homonyms stay apart
    g = tmp_path / "kb2.csv"
    g.write_text("name,type,aliases,external_id,description\nAmit Shah,PERSON,,Q1,home minister\n", encoding="utf-8")
    rep2 = kb_files.import_csv(db, g)
    assert rep2.differences and "keeps its description" in rep2.differences[0]
    out = tmp_path / "out.csv"
    kb_files.export_csv(db, out)
    other_db = type(db)(tmp_path / "o.db")
    kb_files.import_csv(other_db, out)
    with other_db.session() as s:
        pipe = s.exec(_select(_Entity).where(_Entity.name == "Pipe Org")).one()
        texts = {a.text for a in kb._aliases(s, pipe.id)}
    assert {"A|B", "C"} <= texts
    other_db.close()


def test_kb_json_with_lone_surrogate_is_one_failure(db, tmp_path):
    f = tmp_path / "kb.json"
    f.write_text('{"entities": [{"name": "\\ud800x", "type": "PERSON"}]}', encoding="utf-8")
    with pytest.raises(CurateError, match="unpaired surrogate"):
        kb_files.import_json(db, f)


def _ents(db):
    from sqlmodel import select as _select

    from desktop.models import Entity as _Entity

    with db.session() as s:
        return {e.external_id: (e.name, e.type, e.description, {a.text for a in kb._aliases(s, e.id)})
                for e in s.exec(_select(_Entity))}


FIX = __import__("pathlib").Path(__file__).parent / "fixtures" / "formats"


def test_wikidata_query_results_csv_tsv_json(db):
    rep = kb_files.import_file(db, FIX / "wdqs-result.csv", type="LOC")
    assert rep.created == 2 and len(rep.failed) == 1 and "no label" in rep.failed[0]
    e = _ents(db)
    assert e["Q232"][:3] == ("Kazakhstan", "LOC", "country in Central Asia")
    assert {"Republic of Kazakhstan", "Qazaqstan"} <= e["Q232"][3]
    rep = kb_files.import_file(db, FIX / "wdqs-result.tsv")
    assert rep.created == 2 and _ents(db)["Q46217"][:2] == ("শেখ হাসিনা", "PERSON")
    no_type = kb_files.import_file(db, FIX / "wdqs-result.json")
    assert no_type.created == 0 and "--type" in no_type.failed[0]
    kb_files.import_file(db, FIX / "wdqs-result.json", type="LOC")
    assert {"Dacca", "Jahangirnagar"} <= _ents(db)["Q1354"][3]


def test_wikidata_wbgetentities_and_dump_lines(db):
    rep = kb_files.import_file(db, FIX / "wbgetentities.json", type="LOC")
    assert rep.created == 1 and not rep.failed
    name, typ, desc, als = _ents(db)["Q1354"]
    assert (name, desc) == ("Dhaka", "capital of Bangladesh") and {"ঢাকা", "ढाका", "Dacca", "ঢাকা শহর"} <= als
    rep = kb_files.import_file(db, FIX / "wikidata-dump.json", type="LOC")
    assert rep.created == 2
    e = _ents(db)
    assert "Calcutta" in e["Q1348"][3] and e["Q1156"][0] == "मुंबई"
    again = kb_files.import_file(db, FIX / "wikidata-dump.json", type="LOC")
    assert (again.created, again.aliases_added) == (0, 0)


def test_a_long_kb_import_commits_in_parts_each_undoable(db, tmp_path, monkeypatch):
    """A long `kb import` is written in several transactions (so other writers never wait for
    the whole file); each part is its own undoable action, and together they import everything."""
    monkeypatch.setattr(kb_files, "KB_IMPORT_BATCH", 2)
    path = tmp_path / "kb.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "type", "aliases", "external_id", "description"])
        for i in range(5):
            w.writerow([f"Zzyxville {i}", "LOC", f"Zzyx {i}", "", ""])
    before = len(history.entries(db))
    report = kb_files.import_file(db, path)
    assert report.created == 5 and not report.failed
    rows = history.entries(db)[: len(history.entries(db)) - before]
    assert sorted(h.summary for h in rows) == [f"Import knowledge base kb.csv (part {k} of 3)" for k in (1, 2, 3)]
    with db.session() as s:
        assert len(s.exec(select(Entity).where(Entity.name.like("Zzyxville %"))).all()) == 5
    history.undo(db)  # the newest part only
    with db.session() as s:
        assert len(s.exec(select(Entity).where(Entity.name.like("Zzyxville %"))).all()) == 4


def test_find_entities_takes_the_text_literally_on_both_backends(anydb):
    """%, _ and a backslash in the filter box are characters, not patterns, on SQLite and PostgreSQL."""
    from desktop import curation

    for name in ("x\\y", "xy", "a_b", "axb", "50% Club", "500 Club"):
        curation.create_entity(anydb, name, "ORG")

    def found(text):
        return {r.name for r in kb.find_entities(anydb, text, type="ORG")} & {
            "x\\y", "xy", "a_b", "axb", "50% Club", "500 Club"}

    # as patterns, each of these would match every name (or, for the backslash, none on PostgreSQL)
    assert found("%") == {"50% Club"}
    assert found("_") == {"a_b"}
    assert found("\\") == {"x\\y"}
    assert kb.find_entities(anydb, "x\\y", type="ORG")[0].name == "x\\y"
