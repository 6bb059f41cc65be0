"""Proposed new entities (desktop.linking.proposals): one proposal for every mention of a name
the knowledge base lacks, across articles, scripts and case endings; accepting it creates the
entity in one undoable action; the command line lists and accepts them; schema 10."""
import json
import sqlite3

import pytest
from sqlmodel import select

from desktop import curation, history
from desktop.cli import main
from desktop.db import SCHEMA_VERSION, Database
from desktop.detection import service
from desktop.history import StaleError
from desktop.importing import Draft, import_drafts
from desktop.linking import index as link_index
from desktop.linking import proposals as props
from desktop.models import Alias, Entity, Mention

TEXTS = [
    "Deputy Commissioner Saidul Arif said shelters were opened. Saidul Arif visited the camps in Dhaka.",
    # the genitive ending -ের is glued on the second mention: সাইদুল আরিফের
    "জেলা প্রশাসক সাইদুল আরিফ বলেন, আশ্রয়কেন্দ্র খোলা হয়েছে। সাইদুল আরিফের দপ্তর থেকে ত্রাণ দেওয়া হয়।",
    "जिलाधिकारी सैदुल आरिफ ने कहा कि राहत शिविर खोले गए हैं।",
    "Deputy Commissioner Saidul Arif met Dr. Nomita Halder in Dhaka on 26 August.",
]
KEY = "PERSON:arp sdl"


def _detect(db, texts=TEXTS, workers=0):
    ids = import_drafts(db, [Draft(text=t, title=f"a{i}") for i, t in enumerate(texts)]).article_ids
    service.detect_articles(db, ids, workers=workers)
    return ids


def _rows(db):
    with db.session() as s:
        return [(m.id, m.article_id, m.start, m.end, m.text, m.type, m.status, m.entity_id, m.proposal)
                for m in s.exec(select(Mention).order_by(Mention.id))]


@pytest.fixture
def found(kb):
    _detect(kb)
    return kb


def test_the_key_is_one_for_the_spellings_of_a_name_and_none_for_a_value():
    assert props.proposal_key("Bangladesh", "LOC") == props.proposal_key("বাংলাদেশ", "LOC") \
        == props.proposal_key("बांग्लादेश", "LOC") == "LOC:bnlds"
    # generic words by their meaning, connectors out, the words in any order
    assert props.proposal_key("Joint Rivers Commission", "ORG") == props.proposal_key("যৌথ নদী কমিশন", "ORG") \
        == props.proposal_key("संयुक्त नदी आयोग", "ORG")
    assert props.proposal_key("Ministry of Disaster Management and Relief", "ORG") \
        == props.proposal_key("দুর্যোগ ব্যবস্থাপনা ও ত্রাণ মন্ত্রণালয়", "ORG")
    assert props.proposal_key("Saidul Arif", "PERSON") != props.proposal_key("Saidul Arif", "ORG")
    assert props.proposal_key("26 August", "DATE") is None


def test_a_near_key_takes_the_one_given_first_but_never_across_a_number_or_in_one_word():
    keys = props.Keys(["EVENT:kp pdrsn"])
    assert keys.canonical("EVENT:kp pdrtn") == "EVENT:kp pdrsn"      # ফেডারেশন / Federation
    assert keys.canonical("EVENT:2025 kp pdrsn") == "EVENT:2025 kp pdrsn"
    assert keys.canonical("EVENT:2024 kp pdrsn") == "EVENT:2024 kp pdrsn"  # another edition
    assert keys.canonical("LOC:kdgrm") == "LOC:kdgrm" and keys.canonical("LOC:krgrm") == "LOC:krgrm"
    assert keys.canonical("ORG:kp pdrtn") == "ORG:kp pdrtn"          # another type


def test_one_proposal_for_a_name_across_articles_scripts_and_case_endings(found):
    rows = _rows(found)
    saidul = [r for r in rows if r[8] == KEY]
    assert sorted({r[4] for r in saidul}) == sorted({"Saidul Arif", "সাইদুল আরিফ", "सैदुल आरिफ"})
    assert len(saidul) == 6 and len({r[1] for r in saidul}) == 4
    assert all(r[6] == "suggested" and r[7] is None for r in saidul)
    # a linked mention (Dhaka, in the starter KB) and a date carry none
    assert all(r[8] is None for r in rows if r[7] is not None or r[5] == "DATE")
    assert any(r[5] == "DATE" for r in rows) and any(r[7] is not None for r in rows)
    with found.session() as s:
        listed = props.proposals(s)
        p = props.proposal(s, KEY)
    assert listed[0].key == KEY and p.name == "Saidul Arif" and len(p.mentions) == 6 and p.articles == 4
    assert {q.key for q in listed} == {KEY, "PERSON:hldr nmt"}


def test_serial_and_parallel_detection_give_the_same_proposals(kb, tmp_path):
    texts = [t + f"\n\nMore {i}." for i in range(6) for t in TEXTS]
    kb.backup(tmp_path / "serial.db")
    serial = Database(tmp_path / "serial.db")
    kb.backup(tmp_path / "par.db")
    par = Database(tmp_path / "par.db")
    _detect(serial, texts, workers=0)
    service._CACHE.clear()
    link_index.invalidate()
    _detect(par, texts, workers=2)
    a, b = _rows(serial), _rows(par)
    assert a == b and sum(r[8] == KEY for r in a) == 36
    serial.close()
    par.close()


def test_keys_kept_between_runs_give_what_reading_them_whole_gives(kb, tmp_path):
    """A process keeps the keys given between runs (the window re-detects one article at a
    time) and reads only the rows written since; a new process reads them whole: the same
    proposals either way, including the near spellings that take an earlier key."""
    kb.backup(tmp_path / "kept.db")
    kept = Database(tmp_path / "kept.db")
    kb.backup(tmp_path / "fresh.db")
    fresh = Database(tmp_path / "fresh.db")
    more = ["The Federation Cup final: Federation Cup 2025 opens on Friday.",
            "ফেডারেশন কাপ ফাইনাল শুক্রবার। সাইদুল আরিফ উপস্থিত ছিলেন।"]
    for db, forget in ((kept, False), (fresh, True)):
        _detect(db, TEXTS[:2])
        if forget:
            props._KNOWN.clear()   # a new process
        _detect(db, TEXTS[2:] + more)
    assert any(r[8] for r in _rows(kept))
    assert [r[1:] for r in _rows(kept)] == [r[1:] for r in _rows(fresh)]
    kept.close()
    fresh.close()


def test_accept_creates_the_entity_links_every_mention_and_undo_restores_them(found):
    before = _rows(found)
    ch = curation.accept_proposal(found, KEY)
    ent = ch.value
    assert (ent.name, ent.type, ch.count) == ("Saidul Arif", "PERSON", 6)
    assert ch.history and ent.id in ch.entities and len(ch.mentions) == 6
    with found.session() as s:
        aliases = {a.text for a in s.exec(select(Alias).where(Alias.entity_id == ent.id))}
    assert aliases == {"Saidul Arif", "সাইদুল আরিফ", "सैदुल आरिफ"}
    after = _rows(found)
    linked = [r for r in after if r[7] == ent.id]
    assert len(linked) == 6 and all(r[6] == "suggested" and r[8] is None for r in linked)  # still to confirm
    with found.session() as s:
        assert props.proposal(s, KEY) is None
    history.undo(found)
    assert _rows(found) == before
    with found.session() as s:
        assert s.get(Entity, ent.id) is None
    history.redo(found)
    assert sum(r[7] == ent.id for r in _rows(found)) == 6


def test_linking_one_mention_of_a_proposal_links_the_others_and_undo_restores_them(found):
    """The curator links one mention of the proposed name to an entity (a new one made for it,
    or one already in the KB): the proposal's other mentions follow, still suggested, in the
    same undoable action; a confirmed or rejected mention of the name is left alone."""
    before = _rows(found)
    saidul = [r for r in before if r[8] == KEY]
    first, *rest = saidul
    curation.reject(found, rest[-1][0])                       # one the curator rejected stays so
    rejected = _rows(found)
    ch = curation.create_entity(found, "Saidul Arif", "PERSON", link_mention_id=first[0])
    eid = ch.value.id
    after = {r[0]: r for r in _rows(found)}
    assert after[first[0]][6:9] == ("confirmed", eid, None)
    assert all(after[r[0]][6:9] == ("suggested", eid, None) for r in rest[:-1])
    assert after[rest[-1][0]][6:8] == ("rejected", None)
    assert {r[0] for r in saidul[:-1]} <= ch.mentions and "4 other mentions" in ch.summary
    history.undo(found)
    assert _rows(found) == rejected
    # an entity already in the knowledge base: curation.link
    curation.link(found, first[0], eid_existing := curation.create_entity(found, "S. Arif", "PERSON").id)
    assert all(r[7] == eid_existing for r in _rows(found) if r[0] in {x[0] for x in saidul[:-1]})


def test_accept_under_another_name_and_refused_when_a_mention_changed_since(found):
    with found.session() as s:
        p = props.proposal(s, KEY)
    seen = {mid: v for mid, _a, v in p.mentions}
    curation.confirm(found, p.mentions[0][0])  # a colleague confirms one after the curator looked
    with pytest.raises(StaleError):
        curation.accept_proposal(found, KEY, "S. Arif", seen_versions=seen)
    with found.session() as s:
        assert s.exec(select(Entity).where(Entity.name == "S. Arif")).first() is None
    ch = curation.accept_proposal(found, KEY, "Saidul Arif (DC)")
    assert ch.value.name == "Saidul Arif (DC)" and ch.count == 6  # the confirmed one is linked too


def test_linking_rejecting_or_retyping_a_mention_drops_its_proposal(found):
    with found.session() as s:
        ids = [mid for mid, _a, _v in props.proposal(s, KEY).mentions]
        dhaka = s.exec(select(Entity).where(Entity.name == "Dhaka", Entity.type == "LOC")).first()
    curation.reject(found, ids[0])
    curation.set_type(found, ids[1], "ORG")
    curation.confirm(found, ids[3])  # confirmed without an entity: the offer stays
    other = curation.create_entity(found, "Someone Else", "PERSON").value
    curation.link(found, ids[2], other.id)  # the suggested others of the name follow it
    with found.session() as s:
        got = {m.id: (m.proposal, m.entity_id) for m in s.exec(select(Mention).where(Mention.id.in_(ids)))}
        assert [m for m, _a, _v in props.proposal(s, KEY).mentions] == [ids[3]]
    assert got[ids[0]][0] is got[ids[1]][0] is got[ids[2]][0] is None and got[ids[3]] == (KEY, None)
    assert all(got[i] == (None, other.id) for i in ids[4:])
    assert dhaka is not None
    with pytest.raises(Exception, match="no open proposal"):
        curation.accept_proposal(found, "PERSON:nobody")


def test_auto_linking_later_drops_the_proposal(found):
    """Once the entity exists (created by hand), detecting new articles links the name and
    re-detection of the old ones links theirs: no proposal is left on a linked mention."""
    curation.create_entity(found, "Saidul Arif", "PERSON", aliases=["সাইদুল আরিফ", "सैदुल आरिफ"])
    from desktop.linking.autolink import autolink_articles

    with found.session() as s:
        aids = sorted({a for _m, a, _v in props.proposal(s, KEY).mentions})
    autolink_articles(found, aids)
    rows = _rows(found)
    assert all(r[8] is None for r in rows if r[7] is not None)
    assert not any(r[8] == KEY for r in rows)


def test_migration_from_9_adds_the_column_and_its_partial_index(any_target):
    db = Database(any_target)
    service.seed_knowledge_base(db)
    _detect(db, TEXTS[:1])
    n = len(_rows(db))
    with db.engine.begin() as c:  # back to schema 9: no column, no index
        c.exec_driver_sql("DROP INDEX IF EXISTS ix_mention_proposal")
        c.exec_driver_sql("ALTER TABLE mention DROP COLUMN proposal")
        db._set_version(c, 9)
    db.close()
    db = Database(any_target)
    try:
        assert db.schema_version() == SCHEMA_VERSION >= 10
        rows = _rows(db)
        assert len(rows) == n and all(r[8] is None for r in rows)
        with db.engine.connect() as c:
            if db.server:
                ddl = c.exec_driver_sql("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_mention_proposal'").scalar()
            else:
                ddl = c.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'ix_mention_proposal'").scalar()
        assert ddl and "proposal IS NOT NULL" in ddl.replace("(", "").replace(")", "")
        _detect(db, TEXTS[1:2])  # detection writes proposals on the upgraded database
        assert sum(r[8] == KEY for r in _rows(db)) == 2
        assert db.check() == []
    finally:
        db.close()


def test_a_fresh_sqlite_database_reads_proposals_through_the_partial_index(found):
    con = sqlite3.connect(found.path)
    plan = " ".join(str(r[-1]) for r in con.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM mention WHERE proposal = ?", (KEY,)))
    con.close()
    assert "ix_mention_proposal" in plan


# -- the command line ---------------------------------------------------------------------------------


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_lists_filters_and_accepts(found, capsys):
    db = found.path
    code, out, err = _run(capsys, "--db", db, "proposals")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split("\t") == ["key", "type", "proposed name", "mentions", "articles", "surfaces"]
    first = lines[1].split("\t")
    assert first[:5] == [KEY, "PERSON", "Saidul Arif", "6", "4"] and "Saidul Arif ×3" in first[5]
    code, out, _ = _run(capsys, "--db", db, "proposals", "--min-mentions", "2", "--json")
    data = json.loads(out)
    assert [d["key"] for d in data] == [KEY] and data[0]["surfaces"]["সাইদুল আরিফ"] == 2
    code, out, _ = _run(capsys, "--db", db, "proposals", "--type", "loc")
    assert code == 0 and out.strip() == "no proposed entities"
    code, out, _ = _run(capsys, "--db", db, "proposals", "--accept", KEY, "--name", "Saidul Arif")
    assert code == 0 and "‘Saidul Arif’ (PERSON), 6 mentions linked" in out
    code, out, err = _run(capsys, "--db", db, "proposals", "--accept", KEY)
    assert code == 1 and "no open proposal" in err and len(err.strip().splitlines()) == 1
    code, out, _ = _run(capsys, "--db", db, "proposals", "--accept-all", "--json")
    assert [d["name"] for d in json.loads(out)] == ["Nomita Halder"]
    code, out, _ = _run(capsys, "--db", db, "proposals")
    assert out.strip() == "no proposed entities"


def test_cli_confirm_offers_the_proposal(found, capsys):
    with found.session() as s:
        mid = props.proposal(s, KEY).mentions[0][0]
    code, out, _ = _run(capsys, "--db", found.path, "mention", "confirm", str(mid))
    assert code == 0 and f"curate proposals --accept '{KEY}'" in out
    with found.session() as s:
        assert s.get(Mention, mid).entity_id is None  # offered, not done


def test_accepting_says_when_the_knowledge_base_has_the_name_already(found, capsys):
    made = curation.create_entity(found, "Saidul Arif", "PERSON").value  # by hand, meanwhile
    code, out, _ = _run(capsys, "--db", found.path, "proposals", "--accept", KEY)
    assert code == 0 and "created entity" in out
    assert f"note: the knowledge base already had the PERSON entity ‘Saidul Arif’ (entity {made.id}" in out
