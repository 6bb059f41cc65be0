"""The learning statistics view: training from the window runs off its thread; J/K least-certain first."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from desktop import curation
from desktop.detection.learning import store

from ui_support import add_articles, make_window, suggest  # noqa: E402

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]

TEXTS = [
    "জেলা প্রশাসক রহিম উদ্দিন বলেন, ঢাকায় বৃষ্টি হবে।",
    "জেলা প্রশাসক করিম মিয়া বলেন, খুলনায় বন্যা হবে।",
    "জেলা প্রশাসক সালমা বেগম বলেন, সিলেটে পানি বাড়ছে।",
]
NAMES = ["রহিম উদ্দিন", "করিম মিয়া", "সালমা বেগম"]


def test_train_now_runs_in_the_background_and_shows_the_evaluation(qtbot, db, tmp_path, monkeypatch):
    for aid, text, name in zip(add_articles(db, *TEXTS), TEXTS, NAMES):
        s = text.index(name)
        curation.add_mention(db, aid, s, s + len(name), "PERSON")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    dock = w.learning_dock
    threads = []
    real = store.train

    def train(db_, **kw):
        threads.append(threading.current_thread())
        return real(db_, **kw)

    monkeypatch.setattr(store, "train", train)
    monkeypatch.setattr(store, "train_in_process", lambda path: train(db))   # same thread rule, no child
    dock.show()
    assert "No model yet" in dock.status.text()
    qtbot.mouseClick(dock.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Model 1:" in dock.status.text(), timeout=60_000)
    assert threads and threads[0] is not threading.main_thread()
    assert "held out" in dock.text.toPlainText() and "PERSON" in dock.text.toPlainText()
    assert dock.train_button.isEnabled()


def test_j_goes_to_the_least_certain_suggestion_first(qtbot, db, tmp_path):
    text = "Rahim Uddin met Karim Ahmed in Dhaka."
    (aid,) = add_articles(db, text)
    ids = [suggest(db, aid, text, "Rahim Uddin"), suggest(db, aid, text, "Karim Ahmed"),
           suggest(db, aid, text, "Dhaka", "LOC")]
    from desktop.db import Database
    from desktop.models import Mention

    with Database(db.path).transaction() as s:
        for mid, conf in zip(ids, (0.9, 0.55, 0.7)):
            m = s.get(Mention, mid)
            m.confidence = conf
            s.add(m)
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid)
    w.learning_dock.least_certain.setChecked(True)
    seen = []
    for _ in range(3):
        qtbot.keyClick(w.text_pane, Qt.Key.Key_J)
        seen.append(w.selected_mention)
    assert seen == [ids[1], ids[2], ids[0]]
    w.learning_dock.least_certain.setChecked(False)
    qtbot.keyClick(w.text_pane, Qt.Key.Key_J)
    assert w.selected_mention == ids[1]      # text order again: after Rahim Uddin comes Karim Ahmed


def test_a_confirmation_starts_a_training_when_n_are_due(qtbot, db, tmp_path, monkeypatch):
    text = "Rahim Uddin met Karim Ahmed in Dhaka."
    (aid,) = add_articles(db, text)
    suggest(db, aid, text, "Rahim Uddin")
    calls = []
    monkeypatch.setattr(store, "train_in_process", lambda path: (calls.append(threading.current_thread()),
                                                                 store.train(db))[1])
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid)
    w.apply_preferences(autolink_threshold=w.settings.autolink_threshold, font_size=w.settings.font_size,
                        show_rejected=False, train_every=1)
    qtbot.keyClick(w.text_pane, Qt.Key.Key_J)
    qtbot.keyClick(w.text_pane, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(calls) and w.learning_dock.train_button.isEnabled(), timeout=60_000)
    assert calls[0] is not threading.main_thread()
    assert store.history(db)[0]["mentions"] == 1


def test_the_learning_threshold_is_set_in_preferences_and_shown_read_only_in_the_dock(qtbot, db, tmp_path):
    from PySide6.QtWidgets import QLabel

    from desktop.ui.settings import Settings

    w = make_window(qtbot, db, tmp_path / "s.ini")
    assert w.settings.train_every == store.EVERY == 20
    assert isinstance(w.learning_dock.every, QLabel) and "20" in w.learning_dock.every.text()
    w.actions["preferences"].trigger()
    dlg = w.preferences_dialog
    assert dlg.train_every.value() == 20
    dlg.train_every.setValue(7)
    dlg.accept()
    assert Settings(tmp_path / "s.ini").train_every == 7
    assert "every 7 new" in w.learning_dock.every.text()
    w.actions["preferences"].trigger()
    w.preferences_dialog.restore_defaults()
    assert w.preferences_dialog.train_every.value() == 20
    w.preferences_dialog.reject()
    assert w.settings.train_every == 7
    w.settings.qs.setValue("learning/train_every", "junk")
    assert w.settings.train_every == 20
