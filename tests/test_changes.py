"""Every core action returns a Changes record naming exactly the rows it touched."""

import pytest

from desktop import curation, history, kb, relations
from desktop.changes import EVERYTHING, Changes
from desktop.importing import Draft, import_drafts

TEXT = "Rahim Uddin met Karima Begum in Dhaka. Rahim Uddin left."


@pytest.fixture
def two(db):
    ids = import_drafts(db, [Draft(text=TEXT, title="a"), Draft(text=TEXT + " Again.", title="b")]).article_ids
    return ids


def test_add_mention_names_the_mention_and_its_article(db, two):
    ch = curation.add_mention(db, two[0], 0, 11, "PERSON")
    assert isinstance(ch, Changes)
    assert ch.mentions == {ch.id} and ch.articles == {two[0]}
    assert ch.value.text == "Rahim Uddin" and ch.history and ch.summary.startswith("Add PERSON")
    assert not ch.entities and not ch.entity_types


def test_link_names_the_entity_and_its_learned_alias(db, two):
    mid = curation.add_mention(db, two[0], 0, 11, "PERSON").id
    ent = curation.create_entity(db, "Rahim Uddin (politician)", "PERSON")
    assert ent.entities == {ent.id} and ent.aliases and not ent.articles
    ch = curation.link(db, mid, ent.id)
    assert ch.entities == {ent.id} and ch.mentions == {mid} and len(ch.aliases) == 1


def test_type_change_dropping_a_link_says_so(db, two):
    mid = curation.add_mention(db, two[0], 0, 11, "PERSON").id
    ent = curation.create_entity(db, "Rahim Uddin", "PERSON", link_mention_id=mid)
    ch = curation.set_type(db, mid, "ORG")
    assert ch.value.entity_id is None
    assert len(ch.notes) == 1 and "Rahim Uddin" in ch.notes[0] and "dropped" in ch.notes[0]
    assert ent.id in ch.entities  # the entity lost a linked mention
    assert not curation.set_type(db, mid, "LOC").notes  # nothing linked, nothing to say


def test_bulk_actions_count_and_name_every_row(db, two):
    a = curation.add_mention(db, two[0], 0, 11, "PERSON", status="suggested", source="rule").id
    b = curation.add_mention(db, two[0], 16, 28, "PERSON", status="suggested", source="rule").id
    ch = curation.confirm_all(db, two[0])
    assert ch.count == 2 and ch.mentions == {a, b} and ch.articles == {two[0]}
    assert ch.summary == "Confirm all 2 suggestions"


def test_apply_link_elsewhere_names_the_other_articles(db, two):
    m0 = curation.add_mention(db, two[0], 0, 11, "PERSON").id
    m1 = curation.add_mention(db, two[1], 0, 11, "PERSON", status="suggested", source="rule").id
    curation.create_entity(db, "Rahim Uddin", "PERSON", link_mention_id=m0)
    assert kb.surface_matches(db, m0) == [(m1, two[1])]
    ch = kb.apply_link_to_surface(db, m0)
    assert ch.count == 1 and ch.value == [(m1, two[1])] and two[1] in ch.articles and m1 in ch.mentions


def test_relations_and_types(db, two):
    a = curation.add_mention(db, two[0], 0, 11, "PERSON").id
    b = curation.add_mention(db, two[0], 32, 37, "LOC").id
    ch = relations.add_relation(db, a, b, relations.relation_types(db)[0].name)
    assert ch.relations == {ch.id} and ch.articles == {two[0]}
    assert relations.delete_relation(db, ch.id).relations == {ch.id}
    assert curation.add_entity_type(db, "PRODUCT").entity_types
    assert relations.add_relation_type(db, "sells").relation_types


def test_undo_is_described_by_the_history_row(db, two):
    ch = curation.add_mention(db, two[1], 0, 11, "PERSON")
    undone = Changes.from_history(history.undo(db))
    assert undone.mentions == ch.mentions and undone.articles == {two[1]} and undone.history
    assert Changes.from_history(None).empty


def test_union_and_everything():
    a = Changes(articles=frozenset({1}), notes=("x",))
    b = Changes(mentions=frozenset({2}), entity_types=True, notes=("y",))
    c = a | b
    assert c.articles == {1} and c.mentions == {2} and c.entity_types and c.notes == ("x", "y")
    assert EVERYTHING.touches_article(7) and not a.touches_article(7) and a.touches_article(1)


def test_rename_of_an_all_caps_name_takes_the_new_spelling_as_alias(db):
    ent = curation.create_entity(db, "GENEVA", "LOC")
    ch = kb.rename_entity(db, ent.id, "Geneva")
    texts = [a.text for a in kb.aliases(db, ent.id)]
    assert texts == ["Geneva"] and ch.aliases
    kb.rename_entity(db, ent.id, "Genève")
    assert sorted(a.text for a in kb.aliases(db, ent.id)) == ["Geneva", "Genève"]
