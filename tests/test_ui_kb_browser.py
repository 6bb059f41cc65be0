"""The knowledge-base browser dock, driven with keys and the mouse (offscreen)."""


import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox

from desktop import curation, history, kb, queries
from desktop.ui.entity_dialogs import EntityPickerDialog
from desktop.ui.kb_browser import KbBrowser
from test_linking_support import make_article, suggest

# the offscreen platform warns when a top-level window sets size hints; harmless
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]




@pytest.fixture
def browser(qtbot, seeded):
    b = KbBrowser(seeded)
    qtbot.addWidget(b)
    b.resize(700, 900)
    b.show()
    qtbot.waitExposed(b)
    return b


@pytest.fixture
def twins(seeded):
    """Two entities for one made-up person, each linked from its own article."""
    a1 = make_article(seeded, "Velmira Ostrakova arrived. Velmira Ostrakova spoke.", "v1")
    a2 = make_article(seeded, "वेल्मिरा ओस्त्राकोवा आईं।", "v2")
    e1 = curation.create_entity(seeded, "Velmira Ostrakova", "PERSON", aliases=["Ostrakova"]).id
    e2 = curation.create_entity(seeded, "वेल्मिरा ओस्त्राकोवा", "PERSON", external_id="Q98765").id
    m1 = suggest(seeded, a1, "Velmira Ostrakova", "PERSON", entity_id=e1)
    m2 = suggest(seeded, a2, "वेल्मिरा ओस्त्राकोवा", "PERSON", entity_id=e2)
    m3 = suggest(seeded, a1, "Velmira Ostrakova", "PERSON", occurrence=1, entity_id=e1)
    return dict(e1=e1, e2=e2, m1=m1, m2=m2, m3=m3, a1=a1, a2=a2)


def _kb_state(db):
    ents = sorted((r.id, r.name, r.type, r.external_id, r.alias_count, r.mention_count) for r in kb.find_entities(db))
    ms = sorted((m.id, m.entity_id) for aid in queries.article_ids(db) for m in queries.mentions(db, aid))
    return ents, ms


def _ids_shown(b):
    return [r.id for r in b.model.rows()]


def _linked_entity(db):
    """An entity with mentions in the seeds and aliases in two scripts or more."""
    for r in sorted(kb.find_entities(db), key=lambda r: -r.mention_count):
        if r.mention_count and len(kb.aliases_by_script(db, r.id)) >= 2:
            return r
    pytest.fail("no linked entity with aliases in two scripts")


def test_filter_by_alias_text_and_type(browser, seeded, qtbot):
    ent = _linked_entity(seeded)
    groups = kb.aliases_by_script(seeded, ent.id)
    other_script_alias = next(a.text for code, als in groups.items() if code != "en" for a in als)
    assert browser.model.rowCount() == len(kb.find_entities(seeded))
    total = browser.model.rowCount()
    browser.filter_edit.setText(other_script_alias)  # applied after a short pause in typing
    qtbot.waitUntil(lambda: browser.model.rowCount() < total)
    assert ent.id in _ids_shown(browser)
    browser.set_filter("", "ORG")
    types = {r.type for r in browser.model.rows()}
    assert types == {"ORG"}
    browser.set_filter("zzqx-no-such-entity", None)
    assert browser.model.rowCount() == 0 and browser.editor.entity_id is None


def test_entity_shows_aliases_by_script_and_mentions_and_jumps(browser, seeded, qtbot):
    ent = _linked_entity(seeded)
    assert browser.select_entity(ent.id)
    assert browser.editor.entity_id == ent.id and browser.editor.name_edit.text() == ent.name
    shown = browser.editor.alias_items()
    expected = {"bn": "Bengali", "hi": "Hindi", "en": "English", "other": "Other scripts"}
    groups = kb.aliases_by_script(seeded, ent.id)
    assert set(shown) == {expected[c] for c in groups}
    for code, als in groups.items():
        assert sorted(t for _i, t in shown[expected[code]]) == sorted(a.text for a in als)
    mentions = kb.entity_mentions(seeded, ent.id)
    assert browser.mention_model.rowCount() == len(mentions) == ent.mention_count
    browser.tabs.setCurrentIndex(1)
    view = browser.mention_view
    pos = view.visualRect(browser.mention_model.index(1, 1)).center()
    with qtbot.waitSignal(browser.jump_to_mention) as sig:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert sig.args == [mentions[1].article_id, mentions[1].mention_id]
    view.setFocus()
    view.selectRow(0)
    with qtbot.waitSignal(browser.jump_to_mention) as sig:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert sig.args == [mentions[0].article_id, mentions[0].mention_id]


def test_edit_qid_bad_shows_error_good_is_saved(browser, seeded, twins, qtbot):
    browser.select_entity(twins["e1"])
    ed = browser.editor
    qtbot.keyClicks(ed.qid_edit, "Q12a")
    assert ed.qid_error.isVisible() and "Wikidata" in ed.qid_error.text()
    qtbot.mouseClick(ed.save_button, Qt.MouseButton.LeftButton)
    assert queries.entity(seeded, twins["e1"]).external_id is None
    ed.qid_edit.clear()
    qtbot.keyClicks(ed.qid_edit, "Q4115189")
    assert not ed.qid_error.isVisible()
    ed.description_edit.setText("a made-up person")
    ed.type_combo.setCurrentText("PERSON")
    with qtbot.waitSignal(browser.ops.changed):
        qtbot.keyClick(ed.qid_edit, Qt.Key.Key_Return)
    ent = queries.entity(seeded, twins["e1"])
    assert (ent.external_id, ent.description) == ("Q4115189", "a made-up person")
    assert browser.model.index(browser.model.row_of(ent.id), 2).data() == "Q4115189"
    history.undo(seeded)
    browser.refresh()
    assert browser.editor.qid_edit.text() == "" and queries.entity(seeded, twins["e1"]).external_id is None


def test_edit_type_moves_linked_mentions(browser, seeded, twins, qtbot):
    browser.select_entity(twins["e1"])
    browser.editor.type_combo.setCurrentText("ORG")
    qtbot.mouseClick(browser.editor.save_button, Qt.MouseButton.LeftButton)
    assert queries.entity(seeded, twins["e1"]).type == "ORG"
    assert queries.mention(seeded, twins["m1"]).type == "ORG"


def test_rename(browser, seeded, twins, qtbot, monkeypatch):
    browser.select_entity(twins["e1"])
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("V. Ostrakova", True)))
    with qtbot.waitSignal(browser.ops.changed):
        qtbot.mouseClick(browser.rename_button, Qt.MouseButton.LeftButton)
    assert queries.entity(seeded, twins["e1"]).name == "V. Ostrakova"
    assert browser.current_entity_id() == twins["e1"]
    assert browser.editor.name_edit.text() == "V. Ostrakova"


def _select_two(browser, current_id, other_id):
    assert browser.model.row_of(current_id) >= 0 and browser.model.row_of(other_id) >= 0
    sel = browser.table.selectionModel()
    browser.table.selectRow(browser.model.row_of(other_id))
    idx = browser.model.index(browser.model.row_of(current_id), 0)
    sel.setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)


def test_merge_two_selected_then_undo_restores_both(browser, seeded, twins, qtbot, monkeypatch):
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes))
    browser.set_filter("Velmira Ostrakova", "PERSON")
    assert {twins["e1"], twins["e2"]} <= set(_ids_shown(browser))
    _select_two(browser, twins["e1"], twins["e2"])
    assert browser.selected_entity_ids() == [twins["e1"], twins["e2"]]
    before = _kb_state(seeded)
    with qtbot.waitSignal(browser.ops.changed):
        qtbot.mouseClick(browser.merge_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "वेल्मिरा ओस्त्राकोवा" in asked[0]
    assert queries.entity(seeded, twins["e2"]) is None
    survivor = queries.entity(seeded, twins["e1"])
    assert survivor.external_id == "Q98765"
    assert queries.mention(seeded, twins["m2"]).entity_id == twins["e1"]
    assert twins["e2"] not in _ids_shown(browser)
    assert browser.mention_model.rowCount() == 3
    history.undo(seeded)
    browser.refresh()
    assert _kb_state(seeded) == before
    assert {twins["e1"], twins["e2"]} <= set(_ids_shown(browser))


def test_merge_declined_changes_nothing(browser, seeded, twins, qtbot, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.No))
    browser.set_filter("Velmira Ostrakova", "PERSON")
    _select_two(browser, twins["e1"], twins["e2"])
    before = _kb_state(seeded)
    assert not browser.merge_selected()
    assert _kb_state(seeded) == before


def test_merge_picks_the_other_in_a_dialog(browser, seeded, twins, qtbot, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    shown = {}

    def fake_exec(dlg):
        shown["rows"] = [r.id for r in dlg.model.rows()]
        dlg.filter_edit.setText("ओस्त्राकोवा")
        dlg.view.selectRow(dlg.model.row_of(twins["e2"]))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(EntityPickerDialog, "exec", fake_exec)
    browser.select_entity(twins["e1"])
    assert browser.merge_selected()
    # prefilled with the entity's name: its spelling in another script is offered, itself is not
    assert twins["e2"] in shown["rows"] and twins["e1"] not in shown["rows"]
    assert queries.entity(seeded, twins["e2"]) is None
    assert queries.mention(seeded, twins["m2"]).entity_id == twins["e1"]


def test_merge_refused_shows_error(browser, seeded, twins, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    org = curation.create_entity(seeded, "Ostrakova Holdings", "ORG").id
    browser.set_filter("Ostrakova", None)
    _select_two(browser, twins["e1"], org)
    assert not browser.merge_selected()
    assert browser.message.isVisible() and "cannot merge" in browser.message.text()
    assert queries.entity(seeded, org) is not None


def test_split_selected_aliases(browser, seeded, twins, qtbot, monkeypatch):
    e1 = twins["e1"]
    curation.link(seeded, twins["m1"], e1)  # confirmed: its surface becomes an alias
    kb.add_alias(seeded, e1, "Velmira O.")
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Velmira Ostrakova (2)", True)))
    browser.refresh()
    browser.select_entity(e1)
    items = browser.editor.alias_items()["English"]
    moving = [i for i, t in items if t in ("Velmira Ostrakova", "Velmira O.")]
    assert len(moving) == 2
    browser.editor.select_aliases(moving)
    assert browser.split_button.isEnabled()
    with qtbot.waitSignal(browser.ops.changed):
        qtbot.mouseClick(browser.split_button, Qt.MouseButton.LeftButton)
    new = [r for r in kb.find_entities(seeded, "Velmira Ostrakova (2)") if r.name == "Velmira Ostrakova (2)"]
    assert len(new) == 1
    new_aliases = {a.text for a in kb.aliases(seeded, new[0].id)}
    assert {"Velmira Ostrakova", "Velmira O."} <= new_aliases
    assert {a.text for a in kb.aliases(seeded, e1)} & {"Velmira Ostrakova", "Velmira O."} == set()
    # the mentions with that surface moved with the aliases
    assert queries.mention(seeded, twins["m1"]).entity_id == new[0].id
    history.undo(seeded)
    assert queries.mention(seeded, twins["m1"]).entity_id == e1


def test_split_without_selection_explains(browser, seeded, twins):
    browser.select_entity(twins["e1"])
    assert not browser.split_button.isEnabled()
    assert browser.split_selected_aliases() is None
    assert "Select the aliases" in browser.message.text()


def test_delete_after_confirmation(browser, seeded, twins, qtbot, monkeypatch):
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    questions = []

    def question(*a, **k):
        questions.append(a[2])
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    browser.select_entity(twins["e1"])
    browser.table.setFocus()
    qtbot.keyClick(browser.table, Qt.Key.Key_Delete)
    assert queries.entity(seeded, twins["e1"]) is not None
    assert "2 mention(s)" in questions[0]
    with qtbot.waitSignal(browser.ops.changed):
        qtbot.mouseClick(browser.delete_button, Qt.MouseButton.LeftButton)
    assert queries.entity(seeded, twins["e1"]) is None
    assert queries.mention(seeded, twins["m1"]).entity_id is None
    assert twins["e1"] not in _ids_shown(browser)
    history.undo(seeded)
    browser.refresh()
    assert queries.mention(seeded, twins["m1"]).entity_id == twins["e1"]
    assert twins["e1"] in _ids_shown(browser)


def test_sorting_by_mentions(browser, seeded):
    browser.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    counts = [r.mention_count for r in browser.model.rows()]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0


def test_entity_table_model_passes_the_model_tester(browser, qtmodeltester):
    qtmodeltester.check(browser.model)
    qtmodeltester.check(browser.mention_model)


def test_keys_in_the_dock_win_over_window_shortcuts(qtbot, seeded, twins, monkeypatch):
    from test_ui_linking import window_with_shortcuts

    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    b = KbBrowser(seeded)
    win, fired = window_with_shortcuts(qtbot, b)
    b.select_entity(twins["e1"])
    b.editor.qid_edit.setFocus()
    b.editor.qid_edit.setText("Q31")
    qtbot.keyClick(b.editor.qid_edit, Qt.Key.Key_Return)
    assert queries.entity(seeded, twins["e1"]).external_id == "Q31"
    # Delete on an alias removes it
    alias_id, text = b.editor.alias_items()["English"][-1]
    b.editor.alias_view.setFocus()
    b.editor.select_aliases([alias_id])
    qtbot.keyClick(b.editor.alias_view, Qt.Key.Key_Delete)
    assert text not in {a.text for a in kb.aliases(seeded, twins["e1"])}
    # Delete in the entity table deletes the entity (after the confirmation)
    b.select_entity(twins["e1"])
    b.table.setFocus()
    qtbot.keyClick(b.table, Qt.Key.Key_Delete)
    assert queries.entity(seeded, twins["e1"]) is None
    assert fired == []


def test_hidden_browser_reloads_when_shown(browser, seeded, qtbot):
    browser.set_filter("Quoll")  # the starter KB has more entities than the list shows unfiltered
    browser.hide()
    new = curation.create_entity(seeded, "Tesmarind Quoll", "PERSON").id
    browser.refresh()
    assert new not in _ids_shown(browser)
    browser.show()
    assert new in _ids_shown(browser)


def test_entity_actions_are_a_compact_icon_row_above_the_table(browser):
    """New, Rename, Merge, Split and Delete sit in the filter's row, above the entity table (a
    bottom dock is short: a row under the table fell below its fold), each with an icon and a
    tooltip that says what it does."""
    buttons = (browser.new_button, browser.rename_button, browser.merge_button, browser.split_button,
               browser.delete_button)
    table_top = browser.table.mapTo(browser, browser.table.rect().topLeft()).y()
    filter_row = browser.filter_edit.mapTo(browser, browser.filter_edit.rect().center()).y()
    for b in buttons:
        assert not b.icon().isNull() and b.toolTip() and b.accessibleName(), b
        centre = b.mapTo(browser, b.rect().center()).y()
        assert centre < table_top and abs(centre - filter_row) <= b.height() // 2, (b.toolTip(), centre, filter_row)
    assert [b.accessibleName() for b in buttons] == ["New entity…", "Rename…", "Merge…", "Split aliases…", "Delete…"]


def test_rename_after_a_colleagues_rename_is_refused_said_once_and_reread(browser, seeded, twins, qtbot,
                                                                           monkeypatch):
    """bob renames the entity from another process after the browser showed it; the curator's
    rename of what they saw is refused, nothing is saved, the message names bob, the browser
    shows bob's name — and a rename on that goes through."""
    import os
    import subprocess
    import sys

    browser.select_entity(twins["e1"])
    shown = browser._current_row()
    assert shown.name == "Velmira Ostrakova"
    script = ("import os, sys; from desktop.db import Database; from desktop import kb; "
              "kb.rename_entity(Database(os.environ['CURATE_DB']), int(sys.argv[1]), sys.argv[2])")
    env = dict(os.environ, CURATE_DB=seeded.path, CURATE_USER="bob")
    subprocess.run([sys.executable, "-c", script, str(twins["e1"]), "Velmira Ostrakova-Lind"], env=env,
                   check=True, capture_output=True, timeout=120)
    errors = []
    browser.ops.failed.connect(lambda text, _who: errors.append(text))
    undo_before = history.peek(seeded)[0]
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("V. Ostrakova", True)))
    qtbot.mouseClick(browser.rename_button, Qt.MouseButton.LeftButton)
    assert len(errors) == 1 and "changed by bob" in errors[0] and "nothing was saved" in errors[0], errors
    assert browser.message.text() == errors[0]
    now = queries.entity(seeded, twins["e1"])
    assert now.name == "Velmira Ostrakova-Lind"                        # bob's choice stands
    assert history.peek(seeded)[0] == undo_before                      # nothing recorded for the curator
    row = browser._current_row()                                       # re-read at once
    assert (row.id, row.name, row.version) == (twins["e1"], now.name, now.version)
    assert browser.editor.name_edit.text() == now.name and browser.editor.entity_version == now.version
    with qtbot.waitSignal(browser.ops.changed):                        # on what it shows now: applied
        qtbot.mouseClick(browser.rename_button, Qt.MouseButton.LeftButton)
    assert queries.entity(seeded, twins["e1"]).name == "V. Ostrakova" and len(errors) == 1


def test_editor_save_and_alias_removal_check_what_they_showed(browser, seeded, twins):
    from desktop.models import Alias

    browser.select_entity(twins["e1"])
    ed = browser.editor
    alias_id = next(i for items in ed.alias_items().values() for i, t in items if t == "Ostrakova")
    errors = []
    browser.ops.failed.connect(lambda text, _who: errors.append(text))

    def as_bob(change):
        with history.acting_as("bob"):
            change()

    as_bob(lambda: kb.edit_entity(seeded, twins["e1"], description="a chemist"))
    ed.description_edit.setText("a physicist")
    assert not ed.save()
    assert len(errors) == 1 and "entity" in errors[0] and "changed by bob" in errors[0]
    assert queries.entity(seeded, twins["e1"]).description == "a chemist"
    # re-read (bob's version), and what the curator typed is kept over it, not lost
    assert ed.entity_version == queries.entity(seeded, twins["e1"]).version
    assert ed.description_edit.text() == "a physicist" and ed.pending_changes() == {"description": "a physicist"}
    assert ed.save() and queries.entity(seeded, twins["e1"]).description == "a physicist"  # on what it shows now
    assert len(errors) == 1

    def respell():
        with seeded.transaction() as s:
            t = history.Tracker(s)
            t.update(s.get(Alias, alias_id), text="OSTRAKOVA")
            t.record("kb_alias", "Respell alias")

    as_bob(respell)
    ed.select_aliases([alias_id])
    assert ed.remove_selected_aliases() == 0
    assert len(errors) == 2 and f"alias {alias_id} was changed by bob" in errors[1]
    assert alias_id in [i for items in ed.alias_items().values() for i, _ in items]
    ed.select_aliases([alias_id])                                      # on what it shows now: removed
    assert ed.remove_selected_aliases() == 1
    assert alias_id not in [i for items in ed.alias_items().values() for i, _ in items]


def test_a_colleagues_change_keeps_what_the_curator_typed(browser, seeded, twins):
    """bob's edit arrives (the live view publishes it) while the curator is typing a new name:
    the editor shows bob's description and keeps the typed name, says so, and Revert drops it."""
    from desktop.changes import Changes

    browser.select_entity(twins["e1"])
    ed = browser.editor
    ed.name_edit.setText("Velmira O.")
    with history.acting_as("bob"):
        kb.edit_entity(seeded, twins["e1"], description="a chemist")
    browser.ops.publish(Changes(entities={twins["e1"]}))
    assert ed.description_edit.text() == "a chemist" and ed.name_edit.text() == "Velmira O."
    assert ed.entity_version == queries.entity(seeded, twins["e1"]).version
    assert "changed meanwhile" in ed.message.text()
    ed.revert_button.click()
    assert ed.name_edit.text() == "Velmira Ostrakova" and ed.pending_changes() == {}
