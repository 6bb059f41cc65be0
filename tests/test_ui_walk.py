"""Frictions found walking the seed articles with the keyboard alone, each fixed and pinned here."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop import curation, queries
from desktop.text import grapheme_boundaries

from ui_support import add_articles, make_window, suggest  # noqa: E402

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]

SHIFT = Qt.KeyboardModifier.ShiftModifier








def press(qtbot, w, k, mod=Qt.KeyboardModifier.NoModifier, times=1):
    for _ in range(times):
        qtbot.keyClick(w.text_pane, k, mod)


def test_caret_mode_selects_whole_aksharas_with_shift_arrows_and_a_type_key_adds_it(qtbot, db, tmp_path):
    text = "গতকাল রাষ্ট্রপতি ঢাকায় এলেন।"
    (aid,) = add_articles(db, text)
    first = suggest(db, aid, text, "গতকাল", "DATE")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid)
    press(qtbot, w, Qt.Key.Key_J)  # the suggestion: the caret will start there
    assert w.selected_mention == first
    press(qtbot, w, Qt.Key.Key_F7)
    assert w.text_pane.caret_mode and w.actions["caret_mode"].isChecked()
    bounds = grapheme_boundaries(text)
    word = "রাষ্ট্রপতি"
    ws = text.index(word)
    # caret at the mention's start (0): Right moves cluster by cluster to the word
    steps = bounds.index(ws)
    press(qtbot, w, Qt.Key.Key_Right, times=steps)
    assert w.text_pane.selection_cp() is None
    # Shift+Right selects; two clusters are রা and the whole conjunct ষ্ট্র (never split at a virama)
    press(qtbot, w, Qt.Key.Key_Right, SHIFT, times=2)
    assert w.text_pane.selection_cp() == (ws, ws + len("রাষ্ট্র"))
    # the window's Shift+Right (grow the mention) did not fire: the suggestion is untouched
    m = queries.mention(db, first)
    assert (m.start, m.end, m.status) == (0, len("গতকাল"), "suggested")
    press(qtbot, w, Qt.Key.Key_Right, SHIFT, times=2)  # প, তি
    assert w.text_pane.selection_cp() == (ws, ws + len(word))
    press(qtbot, w, Qt.Key.Key_Left, SHIFT)  # back one cluster: তি
    assert w.text_pane.selection_cp() == (ws, ws + len(word) - len("তি"))
    press(qtbot, w, Qt.Key.Key_Right, SHIFT)
    press(qtbot, w, Qt.Key.Key_1)  # add as the first type
    added = [x for x in queries.mentions(db, aid) if x.id != first]
    assert len(added) == 1 and added[0].text == word and added[0].source == "manual"
    assert w.selected_mention == added[0].id
    # still in caret mode; F7 leaves it and Shift+Right is the boundary key again
    assert w.text_pane.caret_mode
    press(qtbot, w, Qt.Key.Key_F7)
    assert not w.text_pane.caret_mode
    press(qtbot, w, Qt.Key.Key_Right, SHIFT)
    grown = queries.mention(db, added[0].id)
    after = bounds[bounds.index(ws + len(word)) + 1]  # the space after the word is stepped over
    assert text[ws + len(word)].isspace() and grown.end == bounds[bounds.index(after) + 1]


def test_caret_mode_keeps_curation_keys_and_alt_arrows(qtbot, db, tmp_path):
    text = "Rahim Uddin met Karim Ahmed in Dhaka."
    (aid,) = add_articles(db, text)
    rahim = suggest(db, aid, text, "Rahim Uddin")
    karim = suggest(db, aid, text, "Karim Ahmed")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid)
    press(qtbot, w, Qt.Key.Key_F7)
    press(qtbot, w, Qt.Key.Key_J)
    assert w.selected_mention == rahim
    press(qtbot, w, Qt.Key.Key_Return)  # confirm, moves on to the next suggestion
    assert queries.mention(db, rahim).status == "confirmed"
    assert w.selected_mention == karim
    press(qtbot, w, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)  # grow start: still the window's
    assert queries.mention(db, karim).start == text.index("Karim Ahmed") - 2  # "t Karim…": never a space first
    # select "Dhaka" with the keyboard and add it as LOC (key 3) — Ctrl+Shift+Right selects a word
    press(qtbot, w, Qt.Key.Key_End)
    press(qtbot, w, Qt.Key.Key_Home)
    press(qtbot, w, Qt.Key.Key_Right, times=text.index("Dhaka"))
    press(qtbot, w, Qt.Key.Key_Right, SHIFT, times=len("Dhaka"))
    assert w.text_pane.selection_cp() == (text.index("Dhaka"), text.index("Dhaka") + 5)
    press(qtbot, w, Qt.Key.Key_3)
    assert [m.text for m in queries.mentions(db, aid) if m.type == "LOC"] == ["Dhaka"]


def test_status_bar_totals_follow_each_action_and_undo(qtbot, db, tmp_path):
    text = "Rahim Uddin met Karim Ahmed in Dhaka."
    (aid,) = add_articles(db, text)
    rahim = suggest(db, aid, text, "Rahim Uddin")
    suggest(db, aid, text, "Karim Ahmed")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid, rahim)
    assert "0 confirmed" in w.stats_label.text()
    press(qtbot, w, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "1 confirmed" in w.stats_label.text())
    assert "1 suggested" in w.stats_label.text()
    qtbot.keyClick(w.text_pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "0 confirmed" in w.stats_label.text())


def test_title_names_the_database_once_and_a_new_article_clears_the_old_mention_line(qtbot, db, tmp_path):
    from pathlib import Path

    t1, t2 = "Rahim Uddin spoke.", "Karim Ahmed spoke."
    a1, a2 = add_articles(db, t1, t2)
    rahim = suggest(db, a1, t1, "Rahim Uddin")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    assert w.windowTitle() == Path(db.path).name  # the platform adds " — Curate" once
    w.open_article(a1, rahim)
    assert "Rahim Uddin" in w.statusBar().currentMessage()
    qtbot.keyClick(w.text_pane, Qt.Key.Key_BracketRight)  # next article
    assert w.article_id == a2
    assert "Rahim Uddin" not in w.statusBar().currentMessage()


# -- preferences -------------------------------------------------------------------------------------


@pytest.fixture
def restore_threshold():
    from desktop.linking import autolink

    saved = autolink.SETTINGS.threshold
    yield autolink.SETTINGS
    autolink.SETTINGS.threshold = saved


def test_preferences_dialog_stores_and_applies_threshold_font_and_rejected(qtbot, db, tmp_path, restore_threshold):
    from desktop.ui.dialogs import PreferencesDialog
    from desktop.ui.settings import Settings

    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.actions["preferences"].trigger()
    dlg = w.preferences_dialog
    assert isinstance(dlg, PreferencesDialog) and dlg.isVisible()
    assert dlg.threshold.value() == pytest.approx(restore_threshold.threshold)
    assert (dlg.threshold.minimum(), dlg.threshold.maximum()) == (0.5, 1.0)
    dlg.threshold.setValue(0.93)
    dlg.font_size.setValue(19)
    dlg.show_rejected.setChecked(True)
    dlg.accept()
    assert restore_threshold.threshold == pytest.approx(0.93)
    assert w.text_pane.font_size == 19 and w.text_pane.show_rejected
    assert w.actions["toggle_rejected"].isChecked()
    stored = Settings(tmp_path / "s.ini")
    assert (stored.autolink_threshold, stored.font_size, stored.show_rejected) == (0.93, 19, True)
    # cancel changes nothing
    w.actions["preferences"].trigger()
    dlg = w.preferences_dialog
    dlg.threshold.setValue(0.6)
    dlg.reject()
    assert restore_threshold.threshold == pytest.approx(0.93)


def test_stored_threshold_is_applied_at_start_up_and_clamped(qtbot, db, tmp_path, restore_threshold):
    from desktop.ui.settings import Settings

    s = Settings(tmp_path / "s.ini")
    s.qs.setValue("options/autolink_threshold", 0.71)
    s.sync()
    make_window(qtbot, db, tmp_path / "s.ini")
    assert restore_threshold.threshold == pytest.approx(0.71)
    s.qs.setValue("options/autolink_threshold", 3.0)
    assert s.autolink_threshold == 1.0
    s.qs.setValue("options/autolink_threshold", "junk")
    from desktop.linking.autolink import LinkSettings

    assert s.autolink_threshold == LinkSettings.threshold


def test_auto_link_uses_the_threshold_from_the_preferences(qtbot, db, tmp_path, restore_threshold):
    """The threshold decides: at 1.00 a fuzzy match is not linked, at 0.50 it is."""
    from desktop.linking.autolink import autolink_article
    from desktop.linking import rank

    ent = curation.create_entity(db, "Muhammad Yunus", "PERSON").value
    text = "Mohammad Yunus arrived."
    (aid,) = add_articles(db, text)
    mid = suggest(db, aid, text, "Mohammad Yunus")
    cands = rank(db, "Mohammad Yunus", "PERSON", article_id=aid)
    assert cands[0].entity_id == ent.id and 0.5 < cands[0].score < 1.0  # another spelling: not exact
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.apply_preferences(autolink_threshold=1.0, font_size=13, show_rejected=False)
    autolink_article(db, aid)
    assert queries.mention(db, mid).entity_id is None
    w.apply_preferences(autolink_threshold=0.5, font_size=13, show_rejected=False)
    autolink_article(db, aid)
    assert queries.mention(db, mid).entity_id == cands[0].entity_id


# -- switching database --------------------------------------------------------------------------------


def _panels_db(w):
    return {"link_panel": w.view.link_panel.db, "relations_panel": w.view.relations_panel.db,
            "kb_browser": w.kb_browser.db, "history_dock": w.history_dock.db, "ops": w.ops.db,
            "article_list": w.articles.db, "article_view": w.view.db}


def test_open_database_switches_every_panel_and_is_remembered(qtbot, db, tmp_path):
    from desktop.seeds import open_or_create
    from desktop.ui.settings import Settings

    t1 = "Rahim Uddin spoke in Dhaka."
    (a1,) = add_articles(db, t1)
    suggest(db, a1, t1, "Rahim Uddin")
    other_path = tmp_path / "other.db"
    other, _ = open_or_create(other_path, with_seeds=False)
    t2 = "Sheikh Hasina visited Delhi.\nNarendra Modi welcomed her."
    (b1,) = add_articles(other, t2)
    hasina = suggest(other, b1, t2, "Sheikh Hasina")
    other.close()

    w = make_window(qtbot, db, tmp_path / "s.ini")
    assert w.article_id == a1
    assert w.open_database_file(other_path)
    assert w.db is not db and w.db.path == str(other_path)
    assert w.windowTitle() == "other.db"
    assert w.article_model.ids == [b1] and w.article_id == b1
    assert set(map(id, _panels_db(w).values())) == {id(w.db)}
    assert w.text_pane.text == t2 and [s.id for s in w.text_pane.spans] == [hasina]
    # curating works on the new database, and so does undo
    press(qtbot, w, Qt.Key.Key_J)
    press(qtbot, w, Qt.Key.Key_Return)
    assert queries.mention(w.db, hasina).status == "confirmed"
    qtbot.keyClick(w.text_pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert queries.mention(w.db, hasina).status == "suggested"
    # the link panel looks at the new database (a mention id there would not exist in the old one)
    if w.view.link_panel is not None:
        assert w.view.link_panel.db is w.db
    assert Settings(tmp_path / "s.ini").last_database == str(other_path.resolve())


def test_new_database_is_created_with_the_knowledge_base_and_no_articles(qtbot, db, tmp_path):
    t1 = "Rahim Uddin spoke in Dhaka."
    add_articles(db, t1)
    w = make_window(qtbot, db, tmp_path / "s.ini")
    new_path = tmp_path / "sub" / "fresh.db"
    assert w.open_database_file(new_path, create=True)
    assert new_path.is_file()
    st = queries.stats(w.db)
    assert st["articles"] == 0 and st["entities"] > 0  # the starter knowledge base, no seed articles
    assert w.article_model.rowCount() == 0 and w.article_id is None
    assert "0 articles" in w.stats_label.text()
    assert not w.actions["undo"].isEnabled()


@pytest.mark.parametrize("kind", ["junk", "foreign", "missing"])
def test_a_file_that_is_not_a_curate_database_keeps_the_current_one(qtbot, db, tmp_path, monkeypatch, kind):
    import sqlite3

    from desktop.ui import main_window

    t1 = "Rahim Uddin spoke in Dhaka."
    (a1,) = add_articles(db, t1)
    bad = tmp_path / f"{kind}.db"
    if kind == "junk":
        bad.write_bytes(b"this is not a database at all, just some bytes" * 20)
    elif kind == "foreign":
        con = sqlite3.connect(bad)
        con.execute("CREATE TABLE bookmarks (url TEXT)")
        con.commit()
        con.close()
    before = bad.read_bytes() if bad.exists() else None
    shown = []
    monkeypatch.setattr(main_window.QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    w = make_window(qtbot, db, tmp_path / "s.ini")
    assert not w.open_database_file(bad)
    assert len(shown) == 1 and bad.name in shown[0] and "curate.db" in shown[0]
    assert w.db is db and w.article_id == a1 and w.article_model.ids == [a1]
    assert queries.article(db, a1) is not None  # the current database is still open and usable
    assert (bad.read_bytes() if bad.exists() else None) == before  # left untouched
    if kind != "missing":  # New Database… onto it is refused the same way
        assert not w.open_database_file(bad, create=True)
        assert w.db is db and bad.read_bytes() == before


def test_lists_are_compact_enough_to_show_counts_and_many_mentions(qtbot, db, tmp_path):
    text = " ".join(f"Name{i} Person{i} spoke." for i in range(12))
    (aid,) = add_articles(db, text)
    for i in range(12):
        suggest(db, aid, text, f"Name{i} Person{i}")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.resize(1400, 900)
    w.open_article(aid)
    QApplication.processEvents()
    header = w.article_view.horizontalHeader()
    model = w.article_model
    assert model.headerData(4, Qt.Orientation.Horizontal) == "Conf."
    assert "Confirmed" in model.headerData(4, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    # every count column is inside the list's viewport (no horizontal scrolling needed to see it)
    right = header.sectionViewportPosition(4) + header.sectionSize(4)
    assert right <= w.article_view.viewport().width()
    table = w.panel.table
    assert table.verticalHeader().defaultSectionSize() <= table.fontMetrics().height() + 6


def test_sigterm_ends_the_event_loop_so_settings_are_saved(qtbot, db, monkeypatch):
    import os
    import signal
    import sys
    from pathlib import Path

    from desktop.ui import app as appmod
    from desktop.ui.settings import Settings

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    (aid,) = add_articles(db, "Rahim Uddin spoke.")
    before = signal.getsignal(signal.SIGTERM)
    quits = []
    monkeypatch.setattr(QApplication, "quit", lambda *a: quits.append(1))

    def fake_exec(_app=None):
        os.kill(os.getpid(), signal.SIGTERM)  # the handler runs at the next bytecode
        for _ in range(3):
            pass
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    assert appmod.run(db.path) == 0
    assert quits == [1]
    assert signal.getsignal(signal.SIGTERM) is before  # put back after the loop
    s = Settings()
    assert s.last_database == str(Path(db.path).resolve()) and s.last_article == aid


def test_mark_done_skips_finished_articles_and_wraps_around(qtbot, db, tmp_path):
    a1, a2, a3, a4 = add_articles(db, "First text.", "Second text.", "Third text.", "Fourth text.")
    curation.set_article_status(db, a3, "done")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(a2)
    ctrl_d = (Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(w.text_pane, *ctrl_d)
    assert queries.article(db, a2).status == "done"
    assert w.article_id == a4  # a3 is done already: skipped
    qtbot.keyClick(w.text_pane, *ctrl_d)
    assert w.article_id == a1  # the end of the list: back to the first one not done
    assert "first article not done" in w.statusBar().currentMessage()
    w.open_article(a4)
    curation.set_article_status(db, a4, "new")
    w.article_model.refresh_all_rows()  # as the live view does (an action on a stale view is refused)
    w.refresh_article()
    qtbot.keyClick(w.text_pane, *ctrl_d)
    assert w.article_id == a1
    qtbot.keyClick(w.text_pane, *ctrl_d)
    assert w.article_id == a1 and "every article in the list is done" in w.statusBar().currentMessage()
    assert {queries.article(db, a).status for a in (a1, a2, a3, a4)} == {"done"}


def test_cheat_sheet_names_actions_not_their_live_labels_and_explains_caret_mode(qtbot, db, tmp_path):
    text = "Rahim Uddin spoke."
    (aid,) = add_articles(db, text)
    mid = suggest(db, aid, text, "Rahim Uddin")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid, mid)
    press(qtbot, w, Qt.Key.Key_Return)  # now the Undo action reads "Undo Confirm …"
    assert w.actions["undo"].text() != "&Undo"
    press(qtbot, w, Qt.Key.Key_F1)
    dlg = w.cheat_sheet_dialog
    lines = dlg.text.splitlines()
    assert "Undo" in lines and not any(line.startswith("Undo ") for line in lines)
    assert "F7" in dlg.text and "Caret mode" in dlg.text
    assert "Type: PERSON" in dlg.text
    dlg.close()


def test_moving_to_a_mention_drops_a_stale_selection_so_a_type_key_retypes_it(qtbot, db, tmp_path):
    text = "Rahim Uddin met Karim Ahmed in Dhaka."
    (aid,) = add_articles(db, text)
    rahim = suggest(db, aid, text, "Rahim Uddin")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid)
    w.text_pane.select_cp(text.index("Dhaka"), text.index("Dhaka") + 5)  # selected, then changed mind
    press(qtbot, w, Qt.Key.Key_J)
    assert w.selected_mention == rahim and w.text_pane.selection_cp() is None
    press(qtbot, w, Qt.Key.Key_2)
    assert [(m.text, m.type) for m in queries.mentions(db, aid)] == [("Rahim Uddin", queries.entity_types(db)[1].name)]


def test_escape_in_the_search_box_returns_to_the_text_and_keeps_the_mention(qtbot, db, tmp_path):
    text = "Rahim Uddin spoke."
    (aid,) = add_articles(db, text)
    mid = suggest(db, aid, text, "Rahim Uddin")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid, mid)
    qtbot.keyClick(w.text_pane, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is w.search_edit
    qtbot.keyClicks(w.search_edit, "Rahim")
    qtbot.keyClick(w.search_edit, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is w.text_pane
    assert w.selected_mention == mid  # Escape there did not also deselect
    press(qtbot, w, Qt.Key.Key_Escape)  # in the text it deselects as before
    assert w.selected_mention is None


def test_file_menu_open_and_new_database_go_through_the_file_dialogs(qtbot, db, tmp_path, monkeypatch):
    from desktop.ui import database_files as main_window  # where the window asks for files

    w = make_window(qtbot, db, tmp_path / "s.ini")
    file_menu = [a.objectName() for a in w.menus["File"].actions()]
    assert {"action_open_database", "action_new_database"} <= set(file_menu)
    assert "action_preferences" in [a.objectName() for a in w.menus["Edit"].actions()]
    monkeypatch.setattr(main_window.QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "made"), "")))
    w.actions["new_database"].trigger()
    assert w.db.path == str(tmp_path / "made.db") and (tmp_path / "made.db").is_file()
    monkeypatch.setattr(main_window.QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (db.path, "")))
    w.actions["open_database"].trigger()
    assert w.db.path == db.path
    monkeypatch.setattr(main_window.QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("", "")))
    w.actions["open_database"].trigger()  # cancelled: nothing changes
    assert w.db.path == db.path
