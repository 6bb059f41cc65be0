"""Helpers shared by the main-window tests (imported by tests/test_ui_window.py and
tests/test_ui_walk.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from desktop import curation
from desktop.importing import Draft, import_drafts


def make_window(qtbot, db, settings_path):
    """The main window on ``db``, shown, active and with the text focused."""
    from desktop.ui.main_window import MainWindow
    from desktop.ui.settings import Settings

    w = MainWindow(db, Settings(settings_path))
    qtbot.addWidget(w)
    w.resize(1280, 720)  # a common laptop (the offscreen screen is 800×800, smaller than any real one)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.text_pane.setFocus()
    return w


def make_link_panel(qtbot, db):
    """A link panel on ``db``, shown, without the apply-to-other-articles dialog."""
    from desktop.ui.link_panel import LinkPanel

    p = LinkPanel(db)
    p.offer_apply = False
    qtbot.addWidget(p)
    p.resize(700, 800)
    p.show()
    qtbot.waitExposed(p)
    return p


def add_articles(db, *texts):
    rep = import_drafts(db, [Draft(text=t, title=t.split("\n")[0][:40], source=f"t{i}") for i, t in enumerate(texts)])
    return rep.article_ids


def suggest(db, aid, text, surface, type_="PERSON", occurrence=0):
    """A gazetteer suggestion on the ``occurrence``-th ``surface`` in ``text``; its id."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(surface, start + 1)
    return curation.add_mention(db, aid, start, start + len(surface), type_, status="suggested", source="gazetteer").id
