"""Undo and history with several curators, on both backends (issue 15), and the undo failures
the drills found (issue 11, items 1–3)."""

import json

import pytest
from sqlmodel import select

from desktop import curation, history, kb, relations
from desktop.errors import ConflictError
from desktop.importing import Draft, import_drafts
from desktop.models import Article, Entity, History, Mention, Relation

TEXT = "Rajnath Singh met Anil Kumar in Delhi on Monday. Rajnath Singh spoke."


@pytest.fixture
def art(anydb):
    import_drafts(anydb, [Draft(text=TEXT, title="t")])
    with anydb.session() as s:
        return s.exec(select(Article.id)).first()


@pytest.fixture
def as_user():
    def switch(name):
        history.set_user(name)
    yield switch
    history.set_user(None)


def _m(db, mid):
    with db.session() as s:
        return s.get(Mention, mid)


def test_every_history_row_names_its_curator(anydb, art, as_user):
    as_user("alice")
    curation.add_mention(anydb, art, 0, 7, "PERSON")
    as_user("bob")
    curation.add_mention(anydb, art, 18, 22, "PERSON")
    history.undo(anydb)
    assert [(h.user, h.kind) for h in reversed(history.entries(anydb))] == [
        ("alice", "action"), ("bob", "action"), ("bob", "undo")]


def test_undo_and_redo_are_per_curator(anydb, art, as_user):
    as_user("alice")
    a = curation.add_mention(anydb, art, 0, 7, "PERSON").value
    as_user("bob")
    b = curation.add_mention(anydb, art, 18, 22, "PERSON").value
    as_user("alice")
    assert history.undo(anydb).summary.startswith("Add PERSON ‘Rajnath’")  # her own, not bob's newer one
    assert _m(anydb, a.id) is None and _m(anydb, b.id) is not None
    as_user("bob")
    assert history.redo(anydb) is None  # alice's redo is hers alone
    curation.confirm(anydb, b.id)  # bob's new action does not drop alice's redo
    as_user("alice")
    assert history.redo(anydb).summary.startswith("Add PERSON")
    assert _m(anydb, a.id) is not None


def test_undo_after_a_colleague_changed_the_row_names_who_and_never_blocks(anydb, art, as_user):
    as_user("alice")
    old = curation.add_mention(anydb, art, 32, 37, "LOC")           # her older action
    m = curation.add_mention(anydb, art, 0, 7, "PERSON", status="suggested").value
    curation.confirm(anydb, m.id)
    as_user("bob")
    curation.set_type(anydb, m.id, "ORG")                           # bob retypes it since
    as_user("alice")
    with pytest.raises(ConflictError, match=r"changed by bob at \d{4}-\d\d-\d\d \d\d:\d\d since") as err:
        history.undo(anydb)
    assert "--skip" in str(err.value)
    assert _m(anydb, m.id).type == "ORG"                            # bob's work untouched
    assert history.skip(anydb).summary.startswith("Confirm")
    with pytest.raises(ConflictError, match="changed by bob"):      # adding it: bob's row too
        history.undo(anydb)
    assert history.skip(anydb).summary.startswith("Add PERSON")
    assert history.undo(anydb).summary.startswith("Add LOC")
    assert _m(anydb, old.id) is None


def test_undo_brings_back_a_deleted_mentions_relation_and_older_undos_work(anydb, art):
    """Issue 11.1: the foreign-key cascade is recorded with the action."""
    a = curation.add_mention(anydb, art, 0, 13, "PERSON").value
    b = curation.add_mention(anydb, art, 32, 37, "LOC").value
    rel = relations.add_relation(anydb, a.id, b.id, "located_in").value
    curation.delete_mention(anydb, b.id)
    with anydb.session() as s:
        assert s.get(Relation, rel.id) is None
    assert history.undo(anydb).action == "delete"
    with anydb.session() as s:
        back = s.get(Relation, rel.id)
        assert back is not None and (back.head_mention_id, back.tail_mention_id) == (a.id, b.id)
    assert history.undo(anydb).action == "add_relation"   # every older undo works
    assert history.undo(anydb).action == "add"
    assert history.undo(anydb).action == "add"
    with anydb.session() as s:
        assert s.exec(select(Mention)).all() == [] and s.exec(select(Relation)).all() == []


def test_a_deleted_newest_id_is_never_reused_and_undo_still_works(anydb, art):
    """Issue 11.2: delete the newest mention, import an article whose detection would take the
    next id: undo of the delete still works."""
    m = curation.add_mention(anydb, art, 0, 13, "PERSON").value
    curation.delete_mention(anydb, m.id)
    import_drafts(anydb, [Draft(text="Anil Kumar met Rajnath Singh in Mumbai.", title="u")])
    with anydb.session() as s:
        other = s.exec(select(Article.id).where(Article.id != art)).first()
    fresh = curation.add_mention(anydb, other, 0, 10, "PERSON").value
    assert fresh.id > m.id
    curation.delete_mention(anydb, fresh.id)
    assert [history.undo(anydb).action for _ in range(3)] == ["delete", "add", "delete"]
    assert _m(anydb, m.id).text == "Rajnath Singh"


def test_an_action_that_cannot_be_undone_is_skipped_with_a_clear_message(anydb, art):
    m = curation.add_mention(anydb, art, 0, 13, "PERSON", status="suggested").value
    older = curation.add_mention(anydb, art, 32, 37, "LOC").value
    curation.confirm(anydb, m.id)
    with anydb.transaction() as s:  # changed behind the history's back (e.g. another program)
        row = s.get(Mention, m.id)
        row.status = "rejected"
        s.add(row)
    with pytest.raises(ConflictError, match="was changed since; skip it"):
        history.undo(anydb)
    skipped = history.skip(anydb)
    assert skipped.state == "skipped"
    assert history.undo(anydb).summary.startswith("Add LOC")
    assert _m(anydb, older.id) is None


def test_redo_of_create_entity_restores_its_auto_links(anydb, art):
    """Issue 11.3: links detection made to the entity after it was created come back on redo."""
    a = curation.add_mention(anydb, art, 0, 13, "PERSON").value
    ent = curation.create_entity(anydb, "Rajnath Singh", "PERSON", link_mention_id=a.id).value
    with anydb.transaction() as s:  # an auto-link, written as detection writes them (no history)
        s.add(Mention(article_id=art, start=49, end=62, text=TEXT[49:62], type="PERSON", status="suggested",
                      source="gazetteer", entity_id=ent.id))
    with anydb.session() as s:
        auto = s.exec(select(Mention).where(Mention.start == 49)).one()
    assert history.undo(anydb).action == "create_entity"
    assert _m(anydb, auto.id).entity_id is None
    with anydb.session() as s:
        assert s.get(Entity, ent.id) is None
    assert history.redo(anydb).action == "create_entity"
    assert _m(anydb, auto.id).entity_id == ent.id
    assert _m(anydb, a.id).entity_id == ent.id
    undo_row = [h for h in history.entries(anydb) if h.kind == "undo"][0]
    assert any(ch.get("cascade") for ch in json.loads(undo_row.changes))


def test_row_versions_refuse_a_stale_action(anydb, art, as_user):
    as_user("alice")
    m = curation.add_mention(anydb, art, 0, 13, "PERSON", status="suggested").value
    seen = _m(anydb, m.id).version
    as_user("bob")
    curation.set_type(anydb, m.id, "ORG")
    assert _m(anydb, m.id).version == seen + 1
    as_user("alice")
    with anydb.transaction() as s:
        t = history.Tracker(s)
        row = s.get(Mention, m.id)
        with pytest.raises(history.StaleError, match="changed by bob"):
            t.expect(row, seen)
    with anydb.session() as s:
        assert s.exec(select(History).where(History.user == "alice")).all()


def test_a_stale_confirm_is_refused_and_changes_nothing(anydb, art, as_user):
    """Alice saw version v; Bob retyped it since: her confirm of what she saw is refused, with
    who and when, and Bob's state stays (never a state neither chose)."""
    as_user("alice")
    m = curation.add_mention(anydb, art, 0, 13, "PERSON", status="suggested").value
    seen = m.version
    as_user("bob")
    curation.set_type(anydb, m.id, "ORG", seen_version=seen)
    as_user("alice")
    with pytest.raises(history.StaleError, match=r"mention \d+ was changed by bob at .* nothing was saved"):
        curation.confirm(anydb, m.id, seen_version=seen)
    now = _m(anydb, m.id)
    assert (now.type, now.status) == ("ORG", "confirmed")
    assert curation.reject(anydb, m.id, seen_version=now.version).value.status == "rejected"


def test_undo_of_create_entity_refuses_while_a_colleague_added_an_alias(anydb, art, as_user):
    """Undoing a new entity would delete what refers to it: a colleague's later alias (or link)
    is not taken with it.  The undo is refused naming who and when, changes nothing, and the
    curator's older actions stay undoable."""
    from desktop import kb
    from desktop.models import Alias

    as_user("alice")
    older = curation.add_mention(anydb, art, 32, 37, "LOC").value            # her older action
    ent = curation.create_entity(anydb, "Rajnath Singh", "PERSON").value
    as_user("bob")
    alias = kb.add_alias(anydb, ent.id, "R. Singh").value                    # bob's, since
    as_user("alice")
    with pytest.raises(ConflictError, match=rf"cannot undo ‘Create entity ‘Rajnath Singh’’: alias {alias.id} "
                                            r"was changed by bob at \d{4}-\d\d-\d\d \d\d:\d\d since; skip it"):
        history.undo(anydb)
    with anydb.session() as s:                                              # nothing changed
        assert s.get(Entity, ent.id) is not None and s.get(Alias, alias.id).text == "R. Singh"
        assert s.exec(select(History).where(History.kind == "undo")).all() == []
    assert history.skip(anydb).action == "create_entity"                     # never blocks her older ones
    assert history.undo(anydb).summary.startswith("Add LOC")
    assert _m(anydb, older.id) is None
    with anydb.session() as s:
        assert s.get(Alias, alias.id) is not None


def test_undo_of_create_entity_refuses_while_a_colleague_linked_a_mention(anydb, art, as_user):
    as_user("alice")
    ent = curation.create_entity(anydb, "Rajnath Singh", "PERSON").value
    as_user("bob")
    m = curation.add_mention(anydb, art, 0, 13, "PERSON").value
    curation.link(anydb, m.id, ent.id)
    as_user("alice")
    with pytest.raises(ConflictError, match=r"mention \d+ was changed by bob at"):
        history.undo(anydb)
    assert _m(anydb, m.id).entity_id == ent.id
    as_user("bob")  # once bob undoes his link, alice's undo goes through
    assert history.undo(anydb).action == "link"
    as_user("alice")
    assert history.undo(anydb).action == "create_entity"
    with anydb.session() as s:
        assert s.get(Entity, ent.id) is None


def test_a_new_entity_with_auto_links_undoes_and_redoes_again_and_again(anydb, art):
    """Its own undo and redo rows touch the auto-link too; they never block the next undo."""
    ent = curation.create_entity(anydb, "Rajnath Singh", "PERSON").value
    with anydb.transaction() as s:  # an auto-link, written as detection writes them (no history)
        s.add(Mention(article_id=art, start=49, end=62, text=TEXT[49:62], type="PERSON", status="suggested",
                      source="gazetteer", entity_id=ent.id))
    with anydb.session() as s:
        auto = s.exec(select(Mention).where(Mention.start == 49)).one()
    for _ in range(3):
        assert history.undo(anydb).action == "create_entity"
        assert _m(anydb, auto.id).entity_id is None
        assert history.redo(anydb).action == "create_entity"
        assert _m(anydb, auto.id).entity_id == ent.id


# -- every curation action checks the rows the curator saw -----------------------------------------


def _entity(db, eid):
    with db.session() as s:
        return s.get(Entity, eid)


def _snapshot_kb(db):
    from desktop.models import Alias
    with db.session() as s:
        return (sorted((e.id, e.name, e.version) for e in s.exec(select(Entity))),
                sorted((a.id, a.entity_id, a.text, a.version) for a in s.exec(select(Alias))))


@pytest.fixture
def two_entities(anydb, as_user):
    """alice creates ‘Rajnath Singh’ (with the alias ‘Rajnath’) and ‘R. Singh’, as she sees them."""
    as_user("alice")
    a = curation.create_entity(anydb, "Rajnath Singh", "PERSON", aliases=["Rajnath"]).value
    b = curation.create_entity(anydb, "R. Singh", "PERSON").value
    return a, b


def _kb_actions(a, b, seen_a, seen_b, alias):
    """Each KB edit alice may try, given what she saw (entity versions, her alias' version)."""
    return {
        "rename": lambda db: kb.rename_entity(db, a.id, "Rajnath S.", seen_version=seen_a),
        "edit": lambda db: kb.edit_entity(db, a.id, description="minister", seen_version=seen_a),
        "delete": lambda db: kb.delete_entity(db, a.id, seen_version=seen_a),
        "merge": lambda db: kb.merge(db, a.id, b.id, seen_versions={a.id: seen_a, b.id: seen_b}),
        "remove_alias": lambda db: kb.remove_alias(db, alias.id, seen_version=alias.version),
        "split": lambda db: kb.split(db, a.id, [alias.id], "Rajnath", seen_versions={alias.id: alias.version}),
    }


@pytest.mark.parametrize("name,colleague", [
    ("rename", "entity"), ("edit", "entity"), ("delete", "entity"), ("merge", "entity"), ("merge", "other"),
    ("remove_alias", "alias"), ("split", "alias")])
def test_a_kb_edit_on_a_row_a_colleague_changed_is_refused(anydb, art, as_user, two_entities, name, colleague):
    from desktop.models import Alias
    a, b = two_entities
    with anydb.session() as s:
        alias = s.exec(select(Alias).where(Alias.entity_id == a.id, Alias.text == "Rajnath")).one()
    seen_a, seen_b = a.version, b.version
    older = curation.add_mention(anydb, art, 32, 37, "LOC").value    # alice's older action
    as_user("bob")
    if colleague == "entity":
        kb.rename_entity(anydb, a.id, "Rajnath Singh (politician)")
    elif colleague == "other":
        kb.edit_entity(anydb, b.id, description="another one")
    else:
        with anydb.transaction() as s:                               # bob respells the alias
            t = history.Tracker(s)
            t.update(s.get(Alias, alias.id), text="RAJNATH")
            t.record("kb_alias", "Respell alias")
    before = _snapshot_kb(anydb)
    as_user("alice")
    with pytest.raises(history.StaleError,
                       match=r"(entity|alias) \d+ was changed by bob at \d{4}-\d\d-\d\d \d\d:\d\d since you saw it;"
                             r" nothing was saved \(the knowledge base was reloaded\)"):
        _kb_actions(a, b, seen_a, seen_b, alias)[name](anydb)
    assert _snapshot_kb(anydb) == before                             # nothing applied
    assert history.undo(anydb).summary.startswith("Add LOC")         # her older undo still works
    assert _m(anydb, older.id) is None


@pytest.mark.parametrize("name", ["rename", "edit", "delete", "merge", "remove_alias", "split"])
def test_a_kb_edit_on_the_rows_as_seen_goes_through(anydb, art, as_user, two_entities, name):
    from desktop.models import Alias
    a, b = two_entities
    with anydb.session() as s:
        alias = s.exec(select(Alias).where(Alias.entity_id == a.id, Alias.text == "Rajnath")).one()
    as_user("bob")
    kb.add_alias(anydb, b.id, "Singh ji")                            # a colleague's unrelated edit
    as_user("alice")
    _kb_actions(a, b, a.version, b.version, alias)[name](anydb)
    undone = history.undo(anydb)
    assert undone.user == "alice" and undone.action.startswith("kb_")


def test_merge_is_refused_when_the_other_entity_was_deleted_by_a_colleague(anydb, as_user, two_entities):
    a, b = two_entities
    as_user("bob")
    kb.delete_entity(anydb, b.id)
    as_user("alice")
    with pytest.raises(history.StaleError, match=r"entity \d+ was deleted by bob"):
        kb.merge(anydb, a.id, b.id, seen_versions={a.id: a.version, b.id: b.version})
    assert _entity(anydb, a.id).name == "Rajnath Singh"


def test_deleting_a_relation_a_colleague_changed_is_refused(anydb, art, as_user):
    as_user("alice")
    h = curation.add_mention(anydb, art, 0, 7, "PERSON").value
    t = curation.add_mention(anydb, art, 18, 22, "PERSON").value
    rel = relations.add_relation(anydb, h.id, t.id, "met").value    # a seeded relation type
    seen = next(r for r in relations.relations_for_article(anydb, art) if r.id == rel.id).version
    older = curation.add_mention(anydb, art, 32, 37, "LOC").value    # alice's older action
    as_user("bob")
    with anydb.transaction() as s:                                   # bob retypes the relation
        tr = history.Tracker(s)
        tr.update(s.get(Relation, rel.id), type="member_of")
        tr.record("relation_type", "Retype relation", art)
    as_user("alice")
    with pytest.raises(history.StaleError, match=rf"relation {rel.id} was changed by bob at .* nothing was saved"):
        relations.delete_relation(anydb, rel.id, seen_version=seen)
    with anydb.session() as s:
        assert s.get(Relation, rel.id).type == "member_of"              # bob's relation stays
    assert history.undo(anydb).summary.startswith("Add LOC")         # her older undo still works
    assert _m(anydb, older.id) is None
    fresh = next(r for r in relations.relations_for_article(anydb, art) if r.id == rel.id).version
    relations.delete_relation(anydb, rel.id, seen_version=fresh)     # as she sees it now: deleted
    with anydb.session() as s:
        assert s.get(Relation, rel.id) is None


def test_confirm_all_after_a_colleague_retyped_a_suggestion_is_refused(anydb, art, as_user):
    as_user("alice")
    s1 = curation.add_mention(anydb, art, 0, 7, "PERSON", status="suggested").value
    s2 = curation.add_mention(anydb, art, 18, 22, "PERSON", status="suggested").value
    seen = {s1.id: s1.version, s2.id: s2.version}
    older = curation.add_mention(anydb, art, 32, 37, "LOC").value    # alice's older action
    as_user("bob")
    curation.set_type(anydb, s2.id, "ORG")                           # bob retypes one (and confirms it)
    as_user("alice")
    with pytest.raises(history.StaleError, match=rf"mention {s2.id} was changed by bob at .* nothing was saved"):
        curation.confirm_all(anydb, art, seen_versions=seen)
    assert _m(anydb, s1.id).status == "suggested"                    # nothing applied
    assert (_m(anydb, s2.id).type, _m(anydb, s2.id).status) == ("ORG", "confirmed")
    assert history.undo(anydb).summary.startswith("Add LOC")         # her older undo still works
    assert _m(anydb, older.id) is None


def test_confirm_all_leaves_suggestions_added_since_for_the_curator(anydb, art, as_user):
    as_user("alice")
    s1 = curation.add_mention(anydb, art, 0, 7, "PERSON", status="suggested").value
    seen = {s1.id: s1.version}
    as_user("bob")
    s2 = curation.add_mention(anydb, art, 18, 22, "PERSON", status="suggested").value
    as_user("alice")
    ch = curation.confirm_all(anydb, art, seen_versions=seen)
    assert ch.count == 1 and "1 suggestion added since" in ch.notes[0]
    assert (_m(anydb, s1.id).status, _m(anydb, s2.id).status) == ("confirmed", "suggested")
    assert curation.confirm_all(anydb, art).count == 1               # the command line: all of them


def test_confirm_all_after_a_colleague_deleted_a_suggestion_is_refused(anydb, art, as_user):
    as_user("alice")
    s1 = curation.add_mention(anydb, art, 0, 7, "PERSON", status="suggested").value
    s2 = curation.add_mention(anydb, art, 18, 22, "PERSON", status="suggested").value
    as_user("bob")
    curation.delete_mention(anydb, s2.id)
    as_user("alice")
    with pytest.raises(history.StaleError, match=rf"mention {s2.id} was deleted by bob at .* nothing was saved"):
        curation.confirm_all(anydb, art, seen_versions={s1.id: s1.version, s2.id: s2.version})
    assert _m(anydb, s1.id).status == "suggested"


def test_acting_as_runs_a_block_as_another_curator_and_goes_back(as_user):
    as_user("alice")
    with history.acting_as("bob"):
        assert history.current_user() == "bob"
    assert history.current_user() == "alice"
    with pytest.raises(RuntimeError), history.acting_as("carol"):
        raise RuntimeError("a failing block")
    assert history.current_user() == "alice"
