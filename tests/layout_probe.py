"""Run by tests/test_ui_layout.py in its own process, on an offscreen screen of a given size
(Qt's offscreen platform reads its screens from a JSON file): opens the window on the seeds the
way a curator does and prints what a curator would see, as JSON."""

import json
import sys
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget


def main(db_path: str, settings_path: str, saved_geometry: str) -> None:
    from PySide6.QtCore import Qt

    from desktop.db import Database
    from desktop.ui.app import application
    from desktop.ui.main_window import MainWindow
    from desktop.ui.settings import Settings

    app = application()
    db = Database(db_path)
    settings = Settings(settings_path)
    if saved_geometry:  # a geometry saved on a bigger screen
        big = MainWindow(db, settings)
        big.setGeometry(QRect(*map(int, saved_geometry.split(","))))
        settings.geometry = big.saveGeometry()
        settings.sync()
        big.deleteLater()
    w = MainWindow(db, settings)
    w.show()
    for _ in range(3):
        app.processEvents()
    area = w.screen().availableGeometry()

    def inside(r: QRect) -> bool:
        return area.contains(r)

    out = {"area": [area.width(), area.height()], "dpr": w.screen().devicePixelRatio()}
    out["fits"] = inside(w.frameGeometry())
    out["size"] = [w.width(), w.height()]
    aid = max(w.articles.ids, key=lambda a: len(w.view._spans(a)))
    w.open_article(aid)
    app.processEvents()
    table = w.panel.table
    out["mention_rows"] = table.viewport().height() / table.verticalHeader().defaultSectionSize()
    out["mention_hscroll"] = table.horizontalScrollBar().maximum()
    cands = w.view.link_panel.candidates
    out["candidate_rows"] = cands.viewport().height() / cands.verticalHeader().defaultSectionSize()
    header = w.article_view.horizontalHeader()
    title = "The Prime Minister met the President of Kazakhstan in Astana"  # how much of a title shows
    fm_list = w.article_view.fontMetrics()
    out["title_chars"] = len(fm_list.elidedText(title, Qt.TextElideMode.ElideRight, header.sectionSize(0) - 8)) - 1
    tb = w.toolbar
    out["toolbar_hidden"] = [a.objectName() for a in tb.actions()
                             if not a.isSeparator() and not tb.widgetForAction(a).isVisible()]
    out["toolbar_tips"] = all(a.toolTip() and not a.icon().isNull() for a in tb.actions() if not a.isSeparator())
    w.actions["toggle_kb"].trigger()
    for _ in range(3):
        app.processEvents()
    out["kb_visible"] = w.kb_browser.isVisible()
    out["fits_with_kb"] = inside(w.frameGeometry())
    out["mention_rows_with_kb"] = table.viewport().height() / table.verticalHeader().defaultSectionSize()
    w.actions["toggle_history"].trigger()
    for _ in range(3):
        app.processEvents()
    out["fits_with_history"] = inside(w.frameGeometry())
    out["list_columns_with_history"] = sum(1 for c in range(w.article_model.columnCount())
                                           if header.sectionSize(c) > 0 and not header.isSectionHidden(c)
                                           and header.sectionViewportPosition(c) + header.sectionSize(c)
                                           <= w.article_view.viewport().width() + 1)
    w.kb_browser.setFloating(True)
    for _ in range(3):
        app.processEvents()
    out["floating_kb_on_screen"] = inside(w.kb_browser.frameGeometry())
    w.kb_browser.setFloating(False)
    QTest.qWait(100)  # the dock settles back in its area
    for _ in range(3):
        app.processEvents()
    out["unseen_in_docks"] = unseen_in_docks(app, w, area)
    w.kb_browser.show()
    w.history_dock.show()
    settle(app)
    out["unseen_with_kb_and_history"] = unseen(w.kb_browser, area) + unseen(w.history_dock, area)
    out["fits_with_kb_and_history"] = inside(w.frameGeometry())
    w.kb_browser.hide()
    w.history_dock.hide()
    settle(app)
    out["unseen_in_relations"] = unseen_in_relations(app, w, area)
    out["relation_rows"] = relation_rows(w)
    w.kb_browser.show()
    settle(app)
    out["unseen_in_relations_with_kb"] = unseen_in_relations(app, w, area)
    out["relation_rows_with_kb"] = relation_rows(w)
    w.kb_browser.hide()
    fm = w.stats_label.fontMetrics()
    # the letters' bodies: a Bengali/Devanagari consonant hangs from its headline as tall as a Latin capital
    out["bn_over_latin"] = fm.tightBoundingRect("কমলপ").height() / fm.tightBoundingRect("KMLP").height()
    out["hi_over_latin"] = fm.tightBoundingRect("कमलप").height() / fm.tightBoundingRect("KMLP").height()
    out["ui_families"] = w.stats_label.font().families()
    print(json.dumps(out))
    w.close()


def unseen(root, area) -> list[str]:
    """The controls (buttons, boxes, fields) shown in ``root`` that a curator cannot see whole:
    cut by a parent (below a scroll area's fold, under a splitter) or outside the screen."""
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit

    out = []
    for c in root.findChildren(QWidget):
        if not isinstance(c, (QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox)) or not c.isVisibleTo(root):
            continue
        if isinstance(c.parentWidget(), (QComboBox, QAbstractSpinBox)):
            continue  # a box's own field
        seen = c.visibleRegion().boundingRect()
        box = QRect(c.mapToGlobal(c.rect().topLeft()), c.size())
        if seen.size() != c.size() or not area.contains(box):
            label = getattr(c, "text", lambda: "")() or c.toolTip() or c.objectName() or type(c).__name__
            out.append(f"{type(c).__name__} {label!r} {seen.width()}x{seen.height()} of {c.width()}x{c.height()}")
    return out


def settle(app) -> None:
    for _ in range(4):
        app.processEvents()


def unseen_in_docks(app, w, area) -> dict[str, list[str]]:
    """Each dock opened on its own (docked, as it first opens): what of it cannot be seen."""
    from PySide6.QtWidgets import QDockWidget

    docks = [d for d in w.findChildren(QDockWidget) if d.parent() is w]
    for d in docks:
        d.hide()
    out = {}
    for d in docks:
        d.show()
        d.raise_()
        settle(app)
        out[d.objectName()] = unseen(d, area)
        d.hide()
        settle(app)
    return out


def unseen_in_relations(app, w, area) -> list[str]:
    """The Relations tab of the open article, with a mention selected."""
    panel = w.view.relations_panel
    w.panel.tabs.setCurrentWidget(panel)
    spans = w.text_pane.visible_spans()
    if spans:
        w.select_mention(spans[0].id)
    settle(app)
    return unseen(panel, area)


def relation_rows(w) -> float:
    t = w.view.relations_panel.table
    return t.viewport().height() / t.verticalHeader().defaultSectionSize()


if __name__ == "__main__":
    main(*sys.argv[1:4])
