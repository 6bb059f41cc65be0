"""The main window driven with keys and mouse (pytest-qt, offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop import curation, history, queries
from desktop.importing import import_paths
from desktop.seeds import seed_files
from desktop.text import grapheme_boundaries, snap_selection

from ui_support import add_articles, make_window, suggest  # noqa: E402

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]








def key(qtbot, w, k, mod=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(w.text_pane, k, mod)


@pytest.fixture
def small(db):
    """Two English articles with suggestions; history cleared so undo starts from the curator."""
    t1 = "Rahim Uddin met Karim Ahmed in Dhaka on Monday.\nThe Awami League said so."
    t2 = "Sheikh Hasina visited Delhi.\nNarendra Modi welcomed her."
    a1, a2 = add_articles(db, t1, t2)
    ids = {
        "rahim": suggest(db, a1, t1, "Rahim Uddin"),
        "karim": suggest(db, a1, t1, "Karim Ahmed"),
        "dhaka": suggest(db, a1, t1, "Dhaka", "LOC"),
        "hasina": suggest(db, a2, t2, "Sheikh Hasina"),
    }
    return {"a1": a1, "a2": a2, "t1": t1, "t2": t2, **ids}


def test_confirm_reject_and_type_with_keys(qtbot, db, tmp_path, small):
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(small["a1"])
    assert w.text_pane.highlighted == [small["rahim"], small["karim"], small["dhaka"]]
    key(qtbot, w, Qt.Key.Key_J)  # first suggestion
    assert w.selected_mention == small["rahim"]
    key(qtbot, w, Qt.Key.Key_Return)
    assert queries.mention(db, small["rahim"]).status == "confirmed"
    assert w.selected_mention == small["karim"]  # moved on to the next suggestion
    key(qtbot, w, Qt.Key.Key_Delete)
    assert queries.mention(db, small["karim"]).status == "rejected"
    # rejected mentions are hidden until the toggle is on
    assert small["karim"] not in w.text_pane.highlighted
    assert w.selected_mention == small["dhaka"]
    key(qtbot, w, Qt.Key.Key_2)  # the second type in the type table
    types = [t.name for t in queries.entity_types(db)]
    m = queries.mention(db, small["dhaka"])
    assert (m.type, m.status) == (types[1], "confirmed")
    # the list row follows
    row = w.article_model.row_of(small["a1"])
    assert w.article_model.data(w.article_model.index(row, 4)) == 2  # confirmed count
    key(qtbot, w, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert small["karim"] in w.text_pane.highlighted


def test_click_selects_mention_and_enter_without_selection_explains(qtbot, db, tmp_path, small):
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(small["a1"])
    key(qtbot, w, Qt.Key.Key_Return)
    assert "Select a mention first" in w.last_error
    pane = w.text_pane
    start = small["t1"].index("Karim") + 2
    qtbot.mouseClick(pane.viewport(), Qt.MouseButton.LeftButton, pos=pane.point_of(start))
    assert w.selected_mention == small["karim"]
    assert w.panel.table.currentIndex().isValid()
    qtbot.mouseClick(pane.viewport(), Qt.MouseButton.LeftButton, pos=pane.point_of(small["t1"].index("Monday")))
    assert w.selected_mention is None


def test_mention_table_click_jumps(qtbot, db, tmp_path, small):
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(small["a1"])
    table = w.panel.table
    row = next(r for r in range(table.model().rowCount())
               if table.model().index(r, 0).data() == "Dhaka")
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.selected_mention == small["dhaka"]
    assert w.text_pane.format_of(small["dhaka"]) is not None


def test_manual_add_snaps_to_whole_bengali_conjuncts(qtbot, db, tmp_path):
    text = "গতকাল রাষ্ট্রপতি ঢাকায় এলেন।"
    (aid,) = add_articles(db, text)
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid)
    word = "রাষ্ট্রপতি"
    ws = text.index(word)
    # a selection that starts after the virama of ষ্ and ends inside the conjunct ট্র: both split aksharas
    sel_start = ws + word.index("্") + 1
    sel_end = ws + word.index("ট্র") + 2
    w.text_pane.select_cp(sel_start, sel_end)
    key(qtbot, w, Qt.Key.Key_1)
    ms = queries.mentions(db, aid)
    assert len(ms) == 1
    m = ms[0]
    bounds = grapheme_boundaries(text)
    assert m.start in bounds and m.end in bounds
    assert (m.start, m.end) == snap_selection(text, sel_start, sel_end)
    assert text[m.start:m.end] == m.text
    # the akshara ষ্ট্র (ষ + virama + ট + virama + র) is taken whole, not split at either virama
    assert m.text == "ষ্ট্র"
    assert (m.status, m.source, m.type) == ("confirmed", "manual", queries.entity_types(db)[0].name)
    assert w.selected_mention == m.id


def test_selection_with_spaces_and_punctuation_is_trimmed(qtbot, db, tmp_path):
    text = "They met “Dhaka Club” yesterday."
    (aid,) = add_articles(db, text)
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid)
    s = text.index("“") - 1
    w.text_pane.select_cp(s, text.index("”") + 2)
    key(qtbot, w, Qt.Key.Key_2)
    (m,) = queries.mentions(db, aid)
    assert m.text == "Dhaka Club"


def test_boundary_edit_by_keyboard_and_by_reselecting(qtbot, db, tmp_path):
    text = "প্রধানমন্ত্রী শেখ হাসিনা বলেন।"
    (aid,) = add_articles(db, text)
    mid = suggest(db, aid, text, "শেখ")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid, mid)
    bounds = grapheme_boundaries(text)
    m0 = queries.mention(db, mid)
    # grow the end by one cluster: the space after is stepped over, the next akshara taken
    key(qtbot, w, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    m1 = queries.mention(db, mid)
    assert m1.start == m0.start and m1.end == bounds[bounds.index(m0.end) + 2] and m1.text == "শেখ হা"
    assert m1.status == "confirmed"
    key(qtbot, w, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)  # and back: never ending on the space
    assert queries.mention(db, mid).end == m0.end
    key(qtbot, w, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)  # grow start: never starting with a space
    m2 = queries.mention(db, mid)
    assert m2.start == bounds[bounds.index(m0.start) - 2] and not m2.text[0].isspace()
    key(qtbot, w, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert queries.mention(db, mid).start == m0.start
    # word-wise: Ctrl+Shift+Right takes the whole next word, Ctrl+Alt+Left the whole word before
    key(qtbot, w, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
    assert queries.mention(db, mid).text == "শেখ হাসিনা"
    key(qtbot, w, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier)
    assert queries.mention(db, mid).text == "প্রধানমন্ত্রী শেখ হাসিনা"
    key(qtbot, w, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier)
    key(qtbot, w, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
    assert queries.mention(db, mid).text == "শেখ"
    # reselect: select the full name and press B
    full = "শেখ হাসিনা"
    w.text_pane.select_cp(text.index(full), text.index(full) + len(full) + 1)  # includes the trailing space
    key(qtbot, w, Qt.Key.Key_B)
    m3 = queries.mention(db, mid)
    assert m3.text == full and text[m3.start:m3.end] == full
    assert w.text_pane.span(mid).end == m3.end  # the highlight moved too


def test_undo_redo_across_articles(qtbot, db, tmp_path, small):
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(small["a1"])
    w.select_mention(small["rahim"])
    key(qtbot, w, Qt.Key.Key_Return)
    assert queries.mention(db, small["rahim"]).status == "confirmed"
    assert "Confirm" in w.actions["undo"].text()
    key(qtbot, w, Qt.Key.Key_BracketRight)  # next article
    assert w.article_id == small["a2"]
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert queries.mention(db, small["rahim"]).status == "suggested"
    assert w.article_id == small["a1"]  # jumped back to where the undone action happened
    assert w.text_pane.span(small["rahim"]).status == "suggested"
    assert w.actions["redo"].isEnabled()
    key(qtbot, w, Qt.Key.Key_BracketRight)
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert queries.mention(db, small["rahim"]).status == "confirmed"
    assert w.article_id == small["a1"]
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the fixture's last add, in article 2
    assert w.article_id == small["a2"]
    assert queries.mention(db, small["hasina"]) is None
    assert w.text_pane.spans == []


def test_emoji_before_mentions_keeps_highlights_and_new_mentions_in_place(qtbot, db, tmp_path):
    text = "😀🎉 Rahim 👍🏽 met Karim in Dhaka 🇧🇩 today."
    (aid,) = add_articles(db, text)
    text = queries.article(db, aid).text
    rahim = suggest(db, aid, text, "Rahim")
    karim = suggest(db, aid, text, "Karim")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid)
    pane = w.text_pane
    # each highlight covers exactly its surface in the widget's (UTF-16) document
    by_pos = {}
    for sel in pane.extraSelections():
        by_pos[sel.cursor.selectedText()] = sel.cursor.selectionStart()
    assert set(by_pos) == {"Rahim", "Karim"}
    assert by_pos["Karim"] == len(text[:text.index("Karim")].encode("utf-16-le")) // 2
    assert by_pos["Karim"] > text.index("Karim")  # the two really differ here
    # a click on Karim selects Karim
    qtbot.mouseClick(pane.viewport(), Qt.MouseButton.LeftButton, pos=pane.point_of(text.index("Karim") + 1))
    assert w.selected_mention == karim
    # a new mention after the flag emoji lands on the right code points
    s = text.index("Dhaka")
    pane.select_cp(s, s + len("Dhaka"))
    assert pane.textCursor().selectedText() == "Dhaka"
    key(qtbot, w, Qt.Key.Key_3)
    new = [m for m in queries.mentions(db, aid) if m.id not in (rahim, karim)]
    assert len(new) == 1 and (new[0].start, new[0].end) == (s, s + 5) and new[0].text == "Dhaka"
    assert text[new[0].start:new[0].end] == "Dhaka"


def test_keys_work_from_the_article_list_and_mark_done_moves_on(qtbot, db, tmp_path, small):
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(small["a1"])
    w.article_view.setFocus()
    qtbot.keyClick(w.article_view, Qt.Key.Key_J)
    qtbot.keyClick(w.article_view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # confirm all
    assert all(m.status == "confirmed" for m in queries.mentions(db, small["a1"]))
    qtbot.keyClick(w.article_view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert queries.article(db, small["a1"]).status == "done"
    assert w.article_id == small["a2"]
    sm = w.article_view.selectionModel()
    assert w.article_model.article_id(sm.currentIndex().row()) == small["a2"]


def test_enter_in_search_box_filters_instead_of_confirming(qtbot, db, tmp_path, small):
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(small["a1"])
    w.select_mention(small["rahim"])
    qtbot.keyClick(w.text_pane, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert w.search_edit.hasFocus()
    qtbot.keyClicks(w.search_edit, "Hasina")
    qtbot.keyClick(w.search_edit, Qt.Key.Key_Return)
    assert w.article_model.ids == [small["a2"]]
    assert queries.mention(db, small["rahim"]).status == "suggested"


def test_cheat_sheet_lists_the_real_shortcuts(qtbot, db, tmp_path, small):
    w = make_window(qtbot, db, tmp_path / "s.ini")
    key(qtbot, w, Qt.Key.Key_F1)
    dlg = w.cheat_sheet_dialog
    assert dlg.isVisible()
    assert "Confirm mention" in dlg.text and "Reject mention" in dlg.text
    assert "Ctrl+Z" in dlg.text and "PERSON" in dlg.text
    dlg.close()


def test_seed_article_via_keyboard_alone(qtbot, db, tmp_path):
    import_paths(db, seed_files(), detect=True)
    w = make_window(qtbot, db, tmp_path / "s.ini")
    aid = w.article_id
    n = len([s for s in w.text_pane.spans if s.status == "suggested"])
    assert n > 0
    key(qtbot, w, Qt.Key.Key_J)
    for _ in range(3):
        key(qtbot, w, Qt.Key.Key_Return)
    key(qtbot, w, Qt.Key.Key_Delete)
    st = [m.status for m in queries.mentions(db, aid)]
    assert st.count("confirmed") >= 3 and st.count("rejected") >= 1
    assert len(history.entries(db, aid)) >= 4


def test_mouse_drag_selection_and_type_key_adds_a_mention(qtbot, db, tmp_path):
    text = "Yesterday Karim Ahmed spoke."
    (aid,) = add_articles(db, text)
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid)
    pane = w.text_pane
    vp = pane.viewport()
    a = pane.point_of(text.index("Karim"))
    b = pane.point_of(text.index(" spoke") - 1)
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=a - type(a)(3, 0))
    qtbot.mouseMove(vp, b + type(b)(4, 0))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=b + type(b)(4, 0))
    assert pane.selection_cp() is not None
    key(qtbot, w, Qt.Key.Key_1)
    (m,) = queries.mentions(db, aid)
    assert m.text == "Karim Ahmed"


@pytest.mark.qt_log_ignore("does not support raise", "does not support propagateSizeHints")  # the offscreen platform cannot raise the tooltip window
def test_tooltip_tells_type_status_source_confidence_and_entity(qtbot, db, tmp_path, small):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent

    ent = curation.create_entity(db, "Rahim Uddin", "PERSON", link_mention_id=small["rahim"]).value
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(small["a1"])
    pane = w.text_pane
    pos = pane.point_of(small["t1"].index("Rahim") + 1)
    QApplication.sendEvent(pane.viewport(), QHelpEvent(QEvent.Type.ToolTip, pos, pane.viewport().mapToGlobal(pos)))
    tip = pane.last_tooltip
    for part in ("PERSON", "confirmed", "gazetteer", "1.00", ent.name):
        assert part in tip
    QApplication.sendEvent(pane.viewport(), QHelpEvent(QEvent.Type.ToolTip, pane.point_of(small["t1"].index("Monday")),
                                                       pane.viewport().mapToGlobal(pos)))
    assert pane.last_tooltip == ""


def test_zoom_keys_change_the_text_size(qtbot, db, tmp_path, small):
    w = make_window(qtbot, db, tmp_path / "s.ini")
    size = w.text_pane.font_size
    key(qtbot, w, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    key(qtbot, w, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert w.text_pane.font_size == size + 2
    key(qtbot, w, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert w.text_pane.font_size == size + 1 == w.text_pane.font().pointSize()
    assert w.settings.font_size == size + 1


def _contrast(a, b) -> float:
    def lum(c):
        def lin(v):
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF())
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("base, fg", [("#ffffff", "#000000"), ("#1e1e1e", "#e6e6e6")])
def test_highlights_are_readable_on_light_and_dark_palettes(qtbot, db, tmp_path, small, base, fg):
    from PySide6.QtGui import QColor, QPalette

    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(small["a1"])
    curation.confirm(db, small["karim"])
    w.refresh_article()
    w.select_mention(small["dhaka"])
    pal = w.text_pane.palette()
    pal.setColor(QPalette.ColorRole.Base, QColor(base))
    pal.setColor(QPalette.ColorRole.Text, QColor(fg))
    w.text_pane.setPalette(pal)
    for mid in (small["rahim"], small["karim"], small["dhaka"]):  # suggested, confirmed, selected
        fmt = w.text_pane.format_of(mid)
        bg = fmt.background().color()
        text_colour = fmt.foreground().color() if fmt.foreground().style() != Qt.BrushStyle.NoBrush else QColor(fg)
        assert _contrast(bg, text_colour) >= 4.5, (mid, bg.name(), text_colour.name())
    # suggested and confirmed look different
    s, c = (w.text_pane.format_of(small[k]) for k in ("rahim", "karim"))
    assert s.fontUnderline() and not c.fontUnderline()
    assert s.background().color() != c.background().color()


def test_a_new_entity_type_gets_the_next_number_key(qtbot, db, tmp_path):
    text = "The Padma Bridge opened."
    (aid,) = add_articles(db, text)
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid)
    n = len(w.types)
    assert w.add_entity_type("facility") == "FACILITY"
    assert w.add_entity_type("facility") is None and "exists already" in w.last_error
    assert w.actions[f"type_{n + 1}"].text() == "Type: FACILITY" and "FACILITY" in w.view.legend.text()
    s = text.index("Padma")
    w.text_pane.select_cp(s, s + len("Padma Bridge"))
    qtbot.keyClick(w.text_pane, getattr(Qt.Key, f"Key_{n + 1}"))
    (m,) = queries.mentions(db, aid)
    assert (m.text, m.type) == ("Padma Bridge", "FACILITY")


def test_hindi_and_mixed_articles_render_with_their_script_fonts(qtbot, db, tmp_path):
    from desktop.ui.fonts import family_chain

    hi = "भारत और कजाकिस्तान के रक्षा मंत्री दिल्ली में मिले।"
    mixed = "ভারতের সেনাবাহিনী। भारत की सेना। India and Kazakhstan."
    a_hi, a_mixed = add_articles(db, hi, mixed)
    assert queries.article(db, a_hi).language == "hi"
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(a_hi)
    fams = w.text_pane.font().families()
    bengali = [i for i, f in enumerate(fams) if "Bengali" in f]
    devanagari = [i for i, f in enumerate(fams) if "Devanagari" in f]
    if bengali and devanagari:  # the bundled fonts are there: the article's script comes first
        assert devanagari[0] < bengali[0]
    assert not w.grab().isNull()
    w.open_article(a_mixed)
    assert not w.grab().isNull()
    chain = family_chain("bn", ("Noto Sans", "Noto Sans Devanagari", "Noto Sans Bengali"))
    assert chain == ["Noto Sans", "Noto Sans Bengali", "Noto Sans Devanagari"]


def test_ctrl_4_goes_to_the_link_candidates(qtbot, db, tmp_path, small):
    w = make_window(qtbot, db, tmp_path / "s.ini")
    if w.view.link_panel is None:
        pytest.skip("no link panel in this build")
    w.open_article(small["a1"])
    w.select_mention(small["rahim"])
    key(qtbot, w, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert w.panel.tabs.currentWidget() is w.view.link_panel
    focus = QApplication.focusWidget()
    assert focus is not None and w.view.link_panel.isAncestorOf(focus)
    qtbot.keyClick(focus, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert w.text_pane.hasFocus()


def test_context_menu_offers_types_for_a_selection_and_actions_for_a_mention(qtbot, db, tmp_path, small):
    from PySide6.QtWidgets import QMenu

    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(small["a1"])
    s = small["t1"].index("Monday")
    w.text_pane.select_cp(s, s + 6)
    menu = QMenu()
    w._text_context_menu(menu, None)
    add = next(a.menu() for a in menu.actions() if a.menu() and a.text() == "Add mention as")
    date = next(a for a in add.actions() if a.text() == "DATE")
    date.trigger()
    assert any(m.text == "Monday" and m.type == "DATE" for m in queries.mentions(db, small["a1"]))
    menu2 = QMenu()
    w._text_context_menu(menu2, small["karim"])
    assert w.selected_mention == small["karim"]
    texts = [a.text().replace("&", "") for a in menu2.actions()]
    assert "Confirm mention" in texts and "Reject mention" in texts and "Set type" in texts


def test_export_dialog_values(qtbot, tmp_path):
    from desktop.ui.dialogs import ExportDialog

    dlg = ExportDialog(None, "")
    qtbot.addWidget(dlg)
    ok = dlg.buttons.buttons()[0] if dlg.buttons.buttons()[0].text() == "Export" else dlg.buttons.buttons()[1]
    assert not ok.isEnabled()  # no folder yet
    dlg.folder_edit.setText(str(tmp_path))
    dlg.format_combo.setCurrentIndex(dlg.format_combo.findData("conll"))
    dlg.status_combo.setCurrentIndex(dlg.status_combo.findData("all"))
    assert ok.isEnabled()
    assert dlg.values() == ("conll", "all", str(tmp_path))


def test_history_dock_lists_actions_and_opens_their_article(qtbot, db, tmp_path, small):
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(small["a1"])
    key(qtbot, w, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dock = w.history_dock
    assert dock.isVisible()
    w.select_mention(small["rahim"])
    key(qtbot, w, Qt.Key.Key_Return)
    first = dock.list.item(0)
    assert first.text().split("  ")[1].startswith("Confirm ‘Rahim Uddin’")
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "(undone)" in dock.list.item(0).text() and dock.list.item(0).font().strikeOut()
    w.open_article(small["a2"])
    dock.list.itemActivated.emit(dock.list.item(0))
    assert w.article_id == small["a1"]


def test_undoing_a_merge_refreshes_an_open_kb_browser(qtbot, db, tmp_path, small):
    from desktop import kb

    w = make_window(qtbot, db, tmp_path / "s.ini")
    if w.kb_browser is None:
        pytest.fail("the knowledge-base dock is missing")
    a = curation.create_entity(db, "Rahim Uddin", "PERSON").value
    b = curation.create_entity(db, "Rahim Udin", "PERSON").value
    w.kb_browser.show()
    w.kb_browser.refresh()
    names = lambda: {r.name for r in w.kb_browser.model.rows()}  # noqa: E731
    assert {"Rahim Uddin", "Rahim Udin"} <= names()
    kb.merge(db, a.id, b.id)
    w.kb_browser.refresh()
    assert "Rahim Udin" not in names()
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "Rahim Udin" in names()  # the dock followed the undo without being asked


def test_confirming_a_link_offers_it_for_the_same_surface_elsewhere(qtbot, db, tmp_path, small):
    t3 = "Sheikh Hasina spoke in Dhaka.\n"
    (a3,) = add_articles(db, t3)
    elsewhere = suggest(db, a3, t3, "Sheikh Hasina")
    ent = curation.create_entity(db, "Sheikh Hasina", "PERSON").value
    curation.link(db, small["hasina"], ent.id)
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(small["a2"])
    w.select_mention(small["hasina"])
    key(qtbot, w, Qt.Key.Key_Return)
    assert queries.mention(db, small["hasina"]).status == "confirmed"
    assert "Ctrl+Shift+L" in w.statusBar().currentMessage()
    assert queries.mention(db, elsewhere).entity_id is None  # only offered, nothing done yet
    w.select_mention(small["hasina"])
    key(qtbot, w, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dlg = w.view.link_panel.apply_dialog
    assert dlg is not None
    qtbot.mouseClick(dlg.all_button, Qt.MouseButton.LeftButton)  # "Link all"
    assert queries.mention(db, elsewhere).entity_id == ent.id


def test_a_stem_before_a_vowel_sign_ending_is_drawn_to_the_end_of_its_cluster(qtbot, db, tmp_path):
    text = "মন্ত্রী ম্যাক্সিম রাইজেনকভের সাথে দেখা করেন।"
    (aid,) = add_articles(db, text)
    start = text.index("ম্যাক্সিম")
    end = text.index("ের")  # the stem ends inside the cluster ভে
    mid = curation.add_mention(db, aid, start, end, "PERSON", status="suggested", source="rule").id
    assert queries.mention(db, mid).text == "ম্যাক্সিম রাইজেনকভ"
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid)
    pane = w.text_pane
    assert pane.display_end(end) == end + 1  # through the vowel sign
    sel = next(x for x in pane.extraSelections() if x.cursor.selectionStart() == start)
    assert sel.cursor.selectionEnd() == end + 1  # text before is BMP-only: UTF-16 == code points
    assert queries.mention(db, mid).end == end  # the stored span is unchanged
