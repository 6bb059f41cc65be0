"""Frictions found walking the seed articles with the keyboard alone, each fixed and pinned here."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop import curation, queries
from desktop.importing import Draft, import_drafts
from desktop.text import grapheme_boundaries

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]

SHIFT = Qt.KeyboardModifier.ShiftModifier


def make_window(qtbot, db, settings_path):
    from desktop.ui.main_window import MainWindow
    from desktop.ui.settings import Settings

    w = MainWindow(db, Settings(settings_path))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.text_pane.setFocus()
    return w


def add_articles(db, *texts):
    rep = import_drafts(db, [Draft(text=t, title=t.split("\n")[0][:40], source=f"t{i}") for i, t in enumerate(texts)])
    return rep.article_ids


def suggest(db, aid, text, surface, type_="PERSON"):
    start = text.index(surface)
    return curation.add_mention(db, aid, start, start + len(surface), type_, status="suggested", source="gazetteer").id


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
    assert grown.end == bounds[bounds.index(ws + len(word)) + 1]


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
    assert queries.mention(db, karim).start == text.index("Karim Ahmed") - 1
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
