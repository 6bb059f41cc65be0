"""The relations panel: add, list, delete and undo relations on a seed article (offscreen)."""


import pytest
from PySide6.QtCore import Qt

from desktop import history, queries, relations
from desktop.ui.relations_panel import RelationsPanel

# the offscreen platform warns when a top-level window sets size hints; harmless
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]




@pytest.fixture
def panel(qtbot, seeded):
    p = RelationsPanel(seeded)
    qtbot.addWidget(p)
    p.resize(600, 600)
    p.show()
    qtbot.waitExposed(p)
    return p


def _article_with(db, *types):
    """An article with non-rejected mentions of each type, and those mentions."""
    for aid in queries.article_ids(db):
        ms = [m for m in queries.mentions(db, aid) if m.status != "rejected"]
        picked = [next((m for m in ms if m.type == t), None) for t in types]
        if all(picked):
            return aid, picked
    pytest.fail(f"no seed article with mentions of {types}")


def test_no_article_disables_everything(panel):
    assert panel.model.rowCount() == 0
    assert not panel.add_button.isEnabled() and not panel.head_combo.isEnabled()
    assert not panel.use_as_head_button.isEnabled()


def test_combos_list_the_articles_mentions_and_relation_types(panel, seeded):
    aid, _ = _article_with(seeded, "PERSON", "LOC")
    panel.set_article(aid)
    expected = [m.id for m in queries.mentions(seeded, aid, include_rejected=False)]
    assert [panel.head_combo.itemData(i) for i in range(panel.head_combo.count())] == expected
    assert panel.head_combo.currentData() != panel.tail_combo.currentData()
    types = [t.name for t in relations.relation_types(seeded)]
    assert [panel.type_combo.itemData(i) for i in range(panel.type_combo.count())] == types


def test_add_with_selected_mentions_list_delete_undo(panel, seeded, qtbot):
    aid, (person, org) = _article_with(seeded, "PERSON", "ORG")
    panel.set_article(aid)
    panel.set_selected_mention(person.id)
    qtbot.mouseClick(panel.use_as_head_button, Qt.MouseButton.LeftButton)
    panel.set_selected_mention(org.id)
    qtbot.mouseClick(panel.use_as_tail_button, Qt.MouseButton.LeftButton)
    assert panel.set_relation_type("member_of")
    with qtbot.waitSignal(panel.ops.changed):
        qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    rows = relations.relations_for_article(seeded, aid)
    assert [(r.head_mention_id, r.type, r.tail_mention_id) for r in rows] == [(person.id, "member_of", org.id)]
    assert panel.model.rowCount() == 1
    assert [panel.model.index(0, c).data() for c in range(3)] == [person.text, "member of", org.text]
    # the same relation twice is refused, inline
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert panel.message.isVisible() and "exists already" in panel.message.text()
    assert len(relations.relations_for_article(seeded, aid)) == 1
    # delete with the Delete key in the list
    panel.table.setFocus()
    panel.table.selectRow(0)
    with qtbot.waitSignal(panel.ops.changed):
        qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert relations.relations_for_article(seeded, aid) == [] and panel.model.rowCount() == 0
    # undo brings it back
    history.undo(seeded)
    panel.refresh()
    assert panel.model.rowCount() == 1 and panel.model.index(0, 1).data() == "member of"
    # and the button deletes too
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert relations.relations_for_article(seeded, aid) == []


def test_add_with_combo_boxes(panel, seeded, qtbot):
    aid, (event, loc) = _article_with(seeded, "EVENT", "LOC")
    panel.set_article(aid)
    panel.head_combo.setCurrentIndex(panel.head_combo.findData(event.id))
    panel.tail_combo.setCurrentIndex(panel.tail_combo.findData(loc.id))
    panel.type_combo.setCurrentIndex(panel.type_combo.findData("held_in"))
    rid = panel.add_relation()
    assert rid is not None
    assert panel.selected_relation_id() == rid and panel.delete_button.isEnabled()
    assert "held_in" in panel.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)


def test_same_mention_twice_is_refused(panel, seeded, qtbot):
    aid, (person,) = _article_with(seeded, "PERSON")
    panel.set_article(aid)
    panel.set_selected_mention(person.id)
    panel.use_selected_as("head")
    panel.use_selected_as("tail")
    assert panel.add_relation() is None
    assert "two different mentions" in panel.message.text()
    assert relations.relations_for_article(seeded, aid) == []


def test_selected_mention_of_another_article_is_not_offered(panel, seeded):
    ids = queries.article_ids(seeded)
    other = queries.mentions(seeded, ids[1])[0]
    panel.set_article(ids[0])
    panel.set_selected_mention(other.id)
    assert not panel.use_as_head_button.isEnabled()
    assert not panel.use_selected_as("head")
    assert "Select a mention" in panel.message.text()


def test_switching_article_lists_its_relations(panel, seeded):
    ids = queries.article_ids(seeded)
    a0 = [m.id for m in queries.mentions(seeded, ids[0])][:2]
    relations.add_relation(seeded, a0[0], a0[1], "met")
    panel.set_article(ids[1])
    assert panel.model.rowCount() == 0
    panel.set_article(ids[0])
    assert panel.model.rowCount() == 1
    panel.set_article(None)
    assert panel.model.rowCount() == 0 and panel.head_combo.count() == 0


def test_relation_model_passes_the_model_tester(panel, seeded, qtmodeltester):
    ids = queries.article_ids(seeded)
    a0 = [m.id for m in queries.mentions(seeded, ids[0])][:3]
    relations.add_relation(seeded, a0[0], a0[1], "met")
    relations.add_relation(seeded, a0[1], a0[2], "met")
    panel.set_article(ids[0])
    qtmodeltester.check(panel.model)


def test_delete_key_in_the_list_wins_over_the_window_shortcut(qtbot, seeded):
    from test_ui_linking import window_with_shortcuts

    p = RelationsPanel(seeded)
    win, fired = window_with_shortcuts(qtbot, p)
    ids = queries.article_ids(seeded)
    a0 = [m.id for m in queries.mentions(seeded, ids[0])][:2]
    relations.add_relation(seeded, a0[0], a0[1], "met")
    p.set_article(ids[0])
    p.table.setFocus()
    p.table.selectRow(0)
    qtbot.keyClick(p.table, Qt.Key.Key_Delete)
    assert relations.relations_for_article(seeded, ids[0]) == []
    assert fired == []


def test_deleting_a_relation_a_colleague_changed_is_refused_and_rereads(panel, seeded, qtbot):
    from desktop.models import Relation

    aid, (person, org) = _article_with(seeded, "PERSON", "ORG")
    rid = relations.add_relation(seeded, person.id, org.id, "member_of").id
    panel.set_article(aid)
    panel.table.selectRow(0)
    assert panel.selected_relation_id() == rid
    with history.acting_as("bob"):
        with seeded.transaction() as s:                                 # bob retypes it meanwhile
            t = history.Tracker(s)
            t.update(s.get(Relation, rid), type="participant_in")
            t.record("relation_type", "Retype relation", aid)
    errors = []
    panel.ops.failed.connect(lambda text, _who: errors.append(text))
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert len(errors) == 1 and f"relation {rid} was changed by bob" in errors[0], errors
    assert [r.type for r in relations.relations_for_article(seeded, aid)] == ["participant_in"]
    assert panel.model.index(0, 1).data() == "participant in"           # re-read at once
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)    # on what it shows now
    assert relations.relations_for_article(seeded, aid) == [] and len(errors) == 1
