"""The link panel, driven with keys and the mouse on the seed articles (offscreen)."""


import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop import curation, history, queries
from desktop.linking.candidates import rank
from desktop.ui.link_panel import LinkPanel
from ui_support import make_link_panel
from test_linking_support import make_article, suggest

# the offscreen platform warns when a top-level window sets size hints; harmless
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]




@pytest.fixture
def panel(qtbot, seeded):
    return make_link_panel(qtbot, seeded)


def _mentions(db):
    for aid in queries.article_ids(db):
        yield from queries.mentions(db, aid)


def _with_candidates(db, n):
    """A mention with at least n candidates (whatever the seeds and the gazetteer yield)."""
    for m in _mentions(db):
        cands = rank(db, m.text, m.type, article_id=m.article_id)
        if len(cands) >= n:
            return m, cands
    pytest.fail(f"no seed mention with {n} candidates")


def _without_candidates(db):
    for m in _mentions(db):
        if m.entity_id is None and m.type != "DATE" and not rank(db, m.text, m.type):
            return m
    pytest.fail("no unlinked seed mention without candidates")


def _cell_center(view, row, col=1):
    return view.visualRect(view.model().index(row, col)).center()


def test_shows_mention_link_and_ranked_candidates(panel, seeded):
    m, cands = _with_candidates(seeded, 2)
    panel.set_mention(m.id)
    shown = panel.model.candidates()
    assert [c.entity_id for c in shown[:len(cands)]] == [c.entity_id for c in cands]
    assert panel.model.index(0, 0).data() .endswith("1")
    assert panel.model.index(0, 5).data() == cands[0].reason
    assert panel.model.index(0, 4).data() == f"{cands[0].score:.2f}"
    assert m.text in panel.mention_label.text()
    panel.set_mention(None)
    assert panel.model.rowCount() == 0 and not panel.link_button.isEnabled()


def test_number_key_links_the_nth_candidate(panel, seeded, qtbot):
    m, cands = _with_candidates(seeded, 2)
    panel.set_mention(m.id)
    panel.candidates.setFocus()
    with qtbot.waitSignal(panel.ops.changed):
        qtbot.keyClick(panel.candidates, Qt.Key.Key_2)
    after = queries.mention(seeded, m.id)
    assert after.entity_id == cands[1].entity_id and after.status == "confirmed"
    assert cands[1].name in panel.link_label.text()
    # the key works from a button of the panel too, not from a text field
    panel.link_button.setFocus()
    qtbot.keyClick(panel.link_button, Qt.Key.Key_1)
    assert queries.mention(seeded, m.id).entity_id == cands[0].entity_id
    panel.search_edit.setFocus()
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_2)
    assert panel.search_edit.text() == "2"
    assert queries.mention(seeded, m.id).entity_id == cands[0].entity_id


def test_enter_links_the_selected_candidate_and_undo_restores(panel, seeded, qtbot):
    m, cands = _with_candidates(seeded, 2)
    before = queries.mention(seeded, m.id)
    panel.set_mention(m.id)
    panel.candidates.setFocus()
    panel.candidates.selectRow(1)
    qtbot.keyClick(panel.candidates, Qt.Key.Key_Return)
    assert queries.mention(seeded, m.id).entity_id == cands[1].entity_id
    history.undo(seeded)
    panel.refresh()
    restored = queries.mention(seeded, m.id)
    assert (restored.entity_id, restored.status) == (before.entity_id, before.status)


def test_double_click_links_and_unlink(panel, seeded, qtbot):
    m, cands = _with_candidates(seeded, 2)
    panel.set_mention(m.id)
    vp, pos = panel.candidates.viewport(), _cell_center(panel.candidates, 1)
    with qtbot.waitSignal(panel.ops.changed):
        # a double click is a click, then a second press that Qt reports as a double click
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=pos)
        qtbot.mouseDClick(vp, Qt.MouseButton.LeftButton, pos=pos)
    assert queries.mention(seeded, m.id).entity_id == cands[1].entity_id
    assert panel.model.index(1, 0).data().startswith("✓")
    assert panel.editor.entity_id == cands[1].entity_id
    qtbot.mouseClick(panel.unlink_button, Qt.MouseButton.LeftButton)
    assert queries.mention(seeded, m.id).entity_id is None
    assert panel.link_label.text() == "Not linked."
    assert panel.editor.entity_id is None and not panel.editor.name_edit.isEnabled()


def test_search_offers_other_entities_of_the_type(panel, seeded, qtbot):
    m = _without_candidates(seeded)
    other = curation.create_entity(seeded, "Zorbulan Ketheri", m.type).value
    panel.set_mention(m.id)
    assert panel.model.rowCount() == 0
    qtbot.keyClicks(panel.search_edit, "Zorbulan")
    assert [c.entity_id for c in panel.model.candidates()] == [other.id]
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)
    assert panel.candidates.hasFocus()
    qtbot.keyClick(panel.candidates, Qt.Key.Key_1)
    assert queries.mention(seeded, m.id).entity_id == other.id
    assert panel.search_edit.text() == ""


def test_new_entity_from_mention(panel, seeded, qtbot):
    m = _without_candidates(seeded)
    panel.set_mention(m.id)
    with qtbot.waitSignal(panel.ops.changed):
        qtbot.mouseClick(panel.new_entity_button, Qt.MouseButton.LeftButton)
    linked = queries.mention(seeded, m.id)
    ent = queries.entity(seeded, linked.entity_id)
    assert (ent.name, ent.type, linked.status) == (m.text, m.type, "confirmed")
    assert panel.editor.entity_id == ent.id and panel.editor.name_edit.text() == m.text
    # the new entity is now a candidate for the same surface
    assert rank(seeded, m.text, m.type)[0].entity_id == ent.id
    # the next key goes on with curation, it does not type over the new name
    assert not panel.editor.name_edit.hasFocus()
    qtbot.keyClick(panel.candidates, Qt.Key.Key_J)
    assert panel.editor.name_edit.text() == m.text and queries.entity(seeded, ent.id).name == m.text
    history.undo(seeded)
    assert queries.entity(seeded, ent.id) is None
    assert queries.mention(seeded, m.id).entity_id is None


def test_edit_linked_entity_qid_is_checked(panel, seeded, qtbot):
    m = _without_candidates(seeded)
    panel.set_mention(m.id)
    eid = panel.new_entity_from_mention()
    ed = panel.editor
    ed.qid_edit.clear()
    qtbot.keyClicks(ed.qid_edit, "X12")
    assert ed.qid_error.isVisible() and "Wikidata" in ed.qid_error.text()
    qtbot.keyClick(ed.qid_edit, Qt.Key.Key_Return)
    assert queries.entity(seeded, eid).external_id is None
    ed.qid_edit.clear()
    qtbot.keyClicks(ed.qid_edit, "q4242")
    assert not ed.qid_error.isVisible()
    ed.description_edit.setText("a test person")
    with qtbot.waitSignal(panel.ops.changed):
        qtbot.mouseClick(ed.save_button, Qt.MouseButton.LeftButton)
    ent = queries.entity(seeded, eid)
    assert (ent.external_id, ent.description) == ("Q4242", "a test person")
    assert "Q4242" in panel.link_label.text()
    # name and an alias
    ed.name_edit.setText("Renamed Person")
    qtbot.keyClick(ed.name_edit, Qt.Key.Key_Return)
    assert queries.entity(seeded, eid).name == "Renamed Person"
    ed.new_alias_edit.setText("अन्य नाम")  # QTest types ASCII only
    qtbot.mouseClick(ed.add_alias_button, Qt.MouseButton.LeftButton)
    shown = {t for items in ed.alias_items().values() for _i, t in items}
    assert {"Renamed Person", "अन्य नाम", m.text} <= shown
    assert "Hindi" in ed.alias_items()
    # removing the alias again
    alias_id = next(i for i, t in ed.alias_items()["Hindi"] if t == "अन्य नाम")
    ed.select_aliases([alias_id])
    qtbot.mouseClick(ed.remove_alias_button, Qt.MouseButton.LeftButton)
    assert "Hindi" not in ed.alias_items()


def test_link_refused_shows_error_inline(panel, seeded, qtbot):
    m, cands = _with_candidates(seeded, 1)
    other_type = next(t.name for t in queries.entity_types(seeded) if t.name != m.type)
    wrong = curation.create_entity(seeded, "Quorvath Telminde", other_type).value
    panel.set_mention(m.id)
    assert not panel.link_to(wrong.id)
    assert panel.message.isVisible() and "cannot link" in panel.message.text()
    assert queries.mention(seeded, m.id).entity_id != wrong.id


@pytest.fixture
def same_surface(seeded):
    """One made-up name, unlinked, in three new articles (plus one of another type)."""
    name = "Zorbulan Ketheri"
    arts = [make_article(seeded, f"{name} spoke on day {i}. Later {name} left.", f"z{i}") for i in range(3)]
    ms = [suggest(seeded, a, name, "PERSON") for a in arts]
    ms.append(suggest(seeded, arts[1], name, "PERSON", occurrence=1))
    other_type = suggest(seeded, make_article(seeded, f"{name} Ltd.", "z-org"), name, "ORG")
    return dict(name=name, arts=arts, ms=ms, other_type=other_type)


def test_apply_link_to_same_surface_all(panel, seeded, same_surface, qtbot):
    panel.offer_apply = True
    first, *rest = same_surface["ms"]
    panel.set_mention(first)
    eid = panel.new_entity_from_mention()
    dlg = panel.apply_dialog
    assert dlg is not None and dlg.isVisible()
    assert sorted(dlg.all_ids()) == sorted(rest)
    assert same_surface["name"] in dlg.model.item(0, 1).text()
    with qtbot.waitSignal(panel.ops.changed):
        qtbot.mouseClick(dlg.all_button, Qt.MouseButton.LeftButton)
    assert [queries.mention(seeded, i).entity_id for i in rest] == [eid] * len(rest)
    assert queries.mention(seeded, same_surface["other_type"]).entity_id is None
    # one history entry for all of them
    history.undo(seeded)
    assert [queries.mention(seeded, i).entity_id for i in rest] == [None] * len(rest)
    assert queries.mention(seeded, first).entity_id == eid


def test_apply_link_to_same_surface_one_by_one(panel, seeded, same_surface, qtbot):
    panel.offer_apply = True
    first, second, third, fourth = same_surface["ms"]
    panel.set_mention(first)
    eid = panel.new_entity_from_mention()
    dlg = panel.apply_dialog
    dlg.set_checked([third])
    assert dlg.checked_ids() == [third]
    qtbot.mouseClick(dlg.checked_button, Qt.MouseButton.LeftButton)
    assert queries.mention(seeded, third).entity_id == eid
    assert queries.mention(seeded, second).entity_id is None and queries.mention(seeded, fourth).entity_id is None
    assert panel.apply_dialog is None
    # linking again offers the rest; "not now" applies nothing
    panel.unlink()
    panel.link_to(eid)
    dlg = panel.apply_dialog
    assert sorted(dlg.all_ids()) == [second, fourth]
    qtbot.mouseClick(dlg.skip_button, Qt.MouseButton.LeftButton)
    assert queries.mention(seeded, second).entity_id is None and queries.mention(seeded, fourth).entity_id is None
    assert panel.apply_dialog is None
    # the same article is not "elsewhere": with every other article linked, nothing is offered
    panel.set_mention(second)
    panel.link_to(eid)
    assert panel.apply_dialog is None
    assert queries.mention(seeded, fourth).entity_id is None


def test_digit_in_entity_form_types_text(panel, seeded, qtbot):
    m, cands = _with_candidates(seeded, 2)
    panel.set_mention(m.id)
    panel.link_candidate(0)
    assert isinstance(panel.editor.qid_edit, QLineEdit)
    panel.editor.qid_edit.setFocus()
    qtbot.keyClick(panel.editor.qid_edit, Qt.Key.Key_2)
    assert panel.editor.qid_edit.text().endswith("2")
    assert queries.mention(seeded, m.id).entity_id == cands[0].entity_id


def window_with_shortcuts(qtbot, widget, keys=("1", "2", "Return", "Delete")):
    """A main window whose actions use the keys the curation window uses (type 1, confirm,
    reject); returns the window and the list of keys whose action fired."""
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QMainWindow

    win = QMainWindow()
    fired = []
    for k in keys:
        act = QAction(k, win)
        act.setShortcut(QKeySequence(k))
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.triggered.connect(lambda _c=False, k=k: fired.append(k))
        win.addAction(act)
    win.setCentralWidget(widget)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    return win, fired


def test_panel_keys_win_over_window_shortcuts(qtbot, seeded):
    panel = LinkPanel(seeded)
    panel.offer_apply = False
    win, fired = window_with_shortcuts(qtbot, panel)
    m, cands = _with_candidates(seeded, 2)
    panel.set_mention(m.id)
    panel.candidates.setFocus()
    qtbot.keyClick(panel.candidates, Qt.Key.Key_2)
    assert queries.mention(seeded, m.id).entity_id == cands[1].entity_id
    panel.candidates.selectRow(0)
    qtbot.keyClick(panel.candidates, Qt.Key.Key_Return)
    assert queries.mention(seeded, m.id).entity_id == cands[0].entity_id
    # Enter in a field of the entity form saves the form, it does not confirm a mention
    ed = panel.editor
    ed.qid_edit.setFocus()
    ed.qid_edit.setText("Q777")
    qtbot.keyClick(ed.qid_edit, Qt.Key.Key_Return)
    assert queries.entity(seeded, cands[0].entity_id).external_id == "Q777"
    assert fired == []
    # from a button of the panel a digit still links ...
    panel.link_button.setFocus()
    qtbot.keyClick(panel.link_button, Qt.Key.Key_2)
    assert queries.mention(seeded, m.id).entity_id == cands[1].entity_id
    assert fired == []
    # ... and other keys go to the window (which shows the harness works)
    qtbot.keyClick(panel.link_button, Qt.Key.Key_Delete)
    assert fired == ["Delete"]


def test_candidate_model_passes_the_model_tester(panel, seeded, qtmodeltester):
    m, cands = _with_candidates(seeded, 2)
    panel.set_mention(m.id)
    assert panel.model.rowCount() == len(cands)
    qtmodeltester.check(panel.model)


def test_letter_keys_in_the_candidate_list(panel, seeded, qtbot):
    m = _without_candidates(seeded)
    panel.set_mention(m.id)
    panel.candidates.setFocus()
    qtbot.keyClick(panel.candidates, Qt.Key.Key_N)
    eid = queries.mention(seeded, m.id).entity_id
    assert eid is not None and queries.entity(seeded, eid).name == m.text
    panel.candidates.setFocus()
    qtbot.keyClick(panel.candidates, Qt.Key.Key_U)
    assert queries.mention(seeded, m.id).entity_id is None
    qtbot.keyClick(panel.candidates, Qt.Key.Key_Slash)
    assert panel.search_edit.hasFocus()
