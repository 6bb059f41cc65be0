"""The frictions a curator hit in a day (issue: the window fits every screen, every key works),
each reproduced through the keyboard or the widget a curator uses."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication

from desktop import boundaries, curation, kb, queries
from desktop.text import grapheme_boundaries

from ui_support import add_articles, make_window, suggest  # noqa: E402

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]
CTRL, SHIFT, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.AltModifier


def key(qtbot, w, k, mod=Qt.KeyboardModifier.NoModifier, widget=None):
    qtbot.keyClick(widget or w.text_pane, k, mod)


@pytest.fixture
def two(db):
    text1 = "Rahim Uddin met Karim Ahmed in Dhaka. Rahim Uddin left."
    text2 = "Sheikh Hasina visited Delhi."
    a1, a2 = add_articles(db, text1, text2)
    return {"a1": a1, "a2": a2, "t1": text1, "rahim": suggest(db, a1, text1, "Rahim Uddin"),
            "karim": suggest(db, a1, text1, "Karim Ahmed"), "dhaka": suggest(db, a1, text1, "Dhaka", "LOC")}


# 1 -------------------------------------------------------------------------------------------------
def test_ctrl_k_focuses_the_knowledge_base_filter_and_typing_stays_there(qtbot, db, tmp_path, two):
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(two["a1"])
    w.article_view.setFocus()
    key(qtbot, w, Qt.Key.Key_K, CTRL, widget=w.article_view)
    assert w.kb_browser.isVisible()
    assert QApplication.focusWidget() is w.kb_browser.filter_edit
    qtbot.keyClicks(QApplication.focusWidget(), "Sheikh")
    assert w.kb_browser.filter_edit.text() == "Sheikh" and w.article_id == two["a1"]  # no article switch
    w.article_view.setFocus()  # open, but the keys elsewhere: Ctrl+K brings them back to the filter
    key(qtbot, w, Qt.Key.Key_K, CTRL, widget=w.article_view)
    assert w.kb_browser.isVisible() and QApplication.focusWidget() is w.kb_browser.filter_edit
    key(qtbot, w, Qt.Key.Key_K, CTRL, widget=w.kb_browser.filter_edit)  # from inside: hidden, back to the text
    assert not w.kb_browser.isVisible() and QApplication.focusWidget() is w.text_pane


# 2 -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("answer, status, suggested_left", [("confirm", "done", 0), ("leave", "done", 3),
                                                            ("cancel", "in_progress", 3)])
def test_ctrl_d_with_unreviewed_suggestions_asks(qtbot, db, tmp_path, two, monkeypatch, answer, status,
                                                  suggested_left):
    curation.set_article_status(db, two["a1"], "in_progress")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(two["a1"])
    asked = []
    monkeypatch.setattr(w.curation, "ask_unreviewed", lambda n: asked.append(n) or answer)
    key(qtbot, w, Qt.Key.Key_D, CTRL)
    assert asked == [3]
    assert queries.article(db, two["a1"]).status == status
    assert queries.suggestion_count(db, two["a1"]) == suggested_left


def test_ctrl_d_without_suggestions_does_not_ask(qtbot, db, tmp_path, two, monkeypatch):
    curation.confirm_all(db, two["a1"])
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(two["a1"])
    monkeypatch.setattr(w.curation, "ask_unreviewed", lambda n: pytest.fail("asked"))
    key(qtbot, w, Qt.Key.Key_D, CTRL)
    assert queries.article(db, two["a1"]).status == "done" and w.article_id == two["a2"]


def test_a_confirmed_only_export_says_how_many_suggestions_it_left_out(qtbot, db, tmp_path, two):
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.jobs.export_to(str(tmp_path / "out"), "jsonl", "confirmed")
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=30000)
    qtbot.waitUntil(lambda: "Exported" in w.statusBar().currentMessage(), timeout=5000)
    assert "3 suggestions nobody reviewed left out" in w.statusBar().currentMessage()


# 3 -------------------------------------------------------------------------------------------------
def test_changing_the_type_of_a_linked_mention_says_the_link_was_dropped(qtbot, db, tmp_path, two):
    curation.create_entity(db, "Rahim Uddin", "PERSON", link_mention_id=two["rahim"])
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(two["a1"], two["rahim"])
    org = next(i for i, t in enumerate(w.types, 1) if t.name == "ORG")
    key(qtbot, w, getattr(Qt.Key, f"Key_{org}"))
    assert queries.mention(db, two["rahim"]).type == "ORG"
    msg = w.statusBar().currentMessage()
    assert "Rahim Uddin" in msg and "dropped" in msg and "Ctrl+Z" in msg


# 4 -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, span, edge, forward, word, expected", [
    ("Rahim Uddin met", "Uddin", "start", False, False, "m Uddin"),      # never starts with the space
    ("Rahim Uddin met", "Rahim U", "end", False, False, "Rahim"),        # never ends with it
    ("Rahim Uddin, who", "Uddin", "end", True, False, "Uddin, w"),       # nor with the comma
    ("Rahim Uddin met", "Uddin", "start", False, True, "Rahim Uddin"),
    ("কাজাখস্তানের রাজধানী আস্তানা।", "রাজধানী", "end", True, True, "রাজধানী আস্তানা"),  # the danda stays out
    ("কাজাখস্তানের রাজধানী আস্তানা।", "রাজধানী", "start", False, True, "কাজাখস্তানের রাজধানী"),
    ("কাজাখস্তানের রাজধানী", "কাজাখস্তানের রাজধানী", "end", False, True, "কাজাখস্তানের"),
    ("শেখ হাসিনা", "শেখ", "end", False, True, "শেখ"),                    # it would be empty: unchanged
])
def test_boundary_moves_skip_whitespace_and_go_word_by_word(text, span, edge, forward, word, expected):
    s = text.index(span)
    start, end = boundaries.move_edge(text, grapheme_boundaries(text), s, s + len(span), edge, forward, word=word)
    assert text[start:end] == expected


# 5 -------------------------------------------------------------------------------------------------
def test_link_search_is_cross_script_shows_other_types_and_real_scores(qtbot, db, tmp_path):
    text = "Sultan Kamaletdinov spoke in Astana."
    (aid,) = add_articles(db, text)
    mid = suggest(db, aid, text, "Sultan Kamaletdinov")
    bn = curation.create_entity(db, "সুলতান কামালেটদিনভ", "PERSON").id
    loc = curation.create_entity(db, "Sultanate Hall", "LOC").id
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid, mid)
    panel = w.view.link_panel
    panel.search_edit.setText("sultan")
    rows = panel.model.candidates()
    ids = [c.entity_id for c in rows]
    assert bn in ids and loc in ids and ids.index(bn) < ids.index(loc)  # the mention's type first
    m = panel.model
    bn_row, loc_row = ids.index(bn), ids.index(loc)
    assert m.data(m.index(bn_row, 4)) != "0.00" and float(m.data(m.index(bn_row, 4))) > 0
    assert m.data(m.index(loc_row, 2)) == "LOC" and m.data(m.index(loc_row, 4)) in ("—",) or \
        float(m.data(m.index(loc_row, 4))) > 0
    assert m.data(m.index(loc_row, 1), Qt.ItemDataRole.ForegroundRole) is not None  # greyed
    assert m.data(m.index(bn_row, 1), Qt.ItemDataRole.ForegroundRole) is None


# 6 -------------------------------------------------------------------------------------------------
def test_renaming_an_all_caps_entity_lets_it_match_in_ordinary_case(db):
    from desktop.detection.gazetteer import _latin_flags

    ent = curation.create_entity(db, "GENEVA", "LOC").id
    kb.rename_entity(db, ent, "Geneva")
    (alias,) = kb.aliases(db, ent)
    assert alias.text == "Geneva" and _latin_flags(alias.text, "LOC") == (True, False)
    # an entity still named in capitals: a place's name that reads as a word is no acronym
    assert _latin_flags("GENEVA", "LOC") == (True, False) and _latin_flags("GENEVA", "ORG") == (True, True)
    assert _latin_flags("USA", "LOC") == (True, True) and _latin_flags("NSDC", "PERSON") == (True, True)


# 7 -------------------------------------------------------------------------------------------------
def test_home_and_end_in_the_article_list(qtbot, db, tmp_path):
    ids = add_articles(db, *(f"Article number {i} text." for i in range(6)))
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(ids[2])
    w.article_view.setFocus()
    key(qtbot, w, Qt.Key.Key_End, widget=w.article_view)
    assert w.article_id == ids[-1]
    key(qtbot, w, Qt.Key.Key_Home, widget=w.article_view)
    assert w.article_id == ids[0]


# 8 -------------------------------------------------------------------------------------------------
def test_the_candidate_table_keeps_its_rows_after_save(qtbot, db, tmp_path, two):
    ent = curation.create_entity(db, "Rahim Uddin", "PERSON", link_mention_id=two["rahim"]).id
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(two["a1"], two["rahim"])
    panel = w.view.link_panel
    w.panel.tabs.setCurrentWidget(panel)
    QApplication.processEvents()
    row_h = panel.candidates.verticalHeader().defaultSectionSize()
    panel.editor.description_edit.setText("a politician")
    assert panel.editor.save()
    QApplication.processEvents()
    assert queries.entity(db, ent).description == "a politician"
    assert panel.candidates.viewport().height() >= 4 * row_h - 2


# 9 -------------------------------------------------------------------------------------------------
def test_the_cheat_sheet_lists_every_action_and_shortcut_of_the_window(qtbot, db, tmp_path, two):
    w = make_window(qtbot, db, tmp_path / "s.ini")
    key(qtbot, w, Qt.Key.Key_F1)
    text = w.cheat_sheet_dialog.text
    native = QKeySequence.SequenceFormat.NativeText
    seqs = [s for a in w.findChildren(QAction) if a.isEnabled() or not a.objectName().startswith("action_type_")
            for s in a.shortcuts()]
    seqs += [sc.key() for sc in w.findChildren(QShortcut)]
    assert seqs
    missing = [s.toString(native) for s in seqs if s.toString(native) not in text]
    assert not missing, missing
    for k in ("Ctrl+K", "Ctrl+Shift+H", "F3", "Ctrl+Alt+Left"):
        assert QKeySequence(k).toString(native) in text
    for panel_key in ("N", "U", "/"):
        assert f"\n{panel_key}\n" in text
    assert w.actions.unbound() == []


# 10 ------------------------------------------------------------------------------------------------
def test_search_hits_are_highlighted_and_f3_steps_through_them(qtbot, db, tmp_path, two):
    w = make_window(qtbot, db, tmp_path / "s.ini")
    key(qtbot, w, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(w.search_edit, "rahim")
    w.articles.apply_filter()
    w.open_article(two["a1"])
    text = two["t1"]
    assert w.text_pane.hits == [(0, 5), (text.index("Rahim", 1), text.index("Rahim", 1) + 5)]
    w.text_pane.setFocus()
    key(qtbot, w, Qt.Key.Key_F3)
    assert w.text_pane.current_hit == 0
    key(qtbot, w, Qt.Key.Key_F3)
    assert w.text_pane.current_hit == 1
    assert w.text_pane.textCursor().position() == text.index("Rahim", 1)
    key(qtbot, w, Qt.Key.Key_F3, SHIFT)
    assert w.text_pane.current_hit == 0
    assert w.text_pane.selection_cp() is None  # a caret, not a selection: type keys still act on mentions
    snippet = w.article_model.data(w.article_model.index(w.article_model.row_of(two["a1"]), 0),
                                   Qt.ItemDataRole.ToolTipRole)
    assert "[Rahim]" in snippet


# 11 ------------------------------------------------------------------------------------------------
def test_the_kb_browser_creates_an_entity_and_shows_mentions_in_context(qtbot, db, tmp_path, two):
    curation.create_entity(db, "Rahim Uddin", "PERSON", link_mention_id=two["rahim"])
    w = make_window(qtbot, db, tmp_path / "s.ini")
    b = w.kb_browser
    w.show_kb_browser()
    new = b.new_entity("Karima Begum", "PERSON")
    assert new is not None and queries.entity(db, new).name == "Karima Begum" and b.current_entity_id() == new
    b.set_filter("Rahim Uddin")
    b.select_entity(b.model.rows()[0].id)
    ctx = b.mention_model.data(b.mention_model.index(0, 2))
    assert "[Rahim Uddin]" in ctx and "met Karim" in ctx


# 12 ------------------------------------------------------------------------------------------------
def test_smaller_defects_plurals_history_rows_dialog_title(qtbot, db, tmp_path):
    (aid,) = add_articles(db, "Rahim Uddin met Karim Ahmed.")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    assert w.articles.count_label.text() == "1 article"
    assert w.stats_label.text().startswith("1 article (")
    assert w.history_dock.list.uniformItemSizes()
    assert queries.plural(2, "entity", "entities") == "2 entities"
