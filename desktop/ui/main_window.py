"""The curator's main window: it only assembles the panels and binds the action table.

Article list (left, :mod:`desktop.ui.article_list`), the article and its mentions, link and
relations (centre and right, :mod:`desktop.ui.article_view`), the knowledge base and the history
(docks).  Every change goes through one :class:`desktop.ui.operations.Ops`: the curation
handlers (:mod:`desktop.ui.curation_actions`), the panels and long jobs (:mod:`desktop.ui.jobs`)
run core actions there, and each panel refreshes from the :class:`~desktop.changes.Changes`
they return.  The window fits the screen it opens on (:mod:`desktop.ui.layout`)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMenu, QMessageBox, QSplitter, QWidget

from desktop import queries
from desktop.changes import Changes
from desktop.db import Database
from desktop.errors import CurateError

from . import database_files, layout
from .connect import connect_to_server, remembered
from .actions import MENUS, SEPARATORS_AFTER, TOOLBAR, TYPE_KEYS, Actions, type_action_name
from .article_list import ArticleList
from .article_view import ArticleView
from .curation_actions import CurationActions
from .dialogs import CheatSheet
from .history_dock import HistoryDock
from .learning_view import install as install_learning
from .jobs import Jobs, local_paths
from .kb_browser import KbBrowser
from .operations import Ops
from .reliability import install as install_reliability
from .settings import Settings
from .worker import JobRunner

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    def __init__(self, db: Database, settings: Optional[Settings] = None, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.db = db
        self.settings = settings if settings is not None else Settings()
        self.setObjectName("MainWindow")
        self.setWindowTitle(Path(db.path).name)  # the platform appends "— Curate"
        self.setAcceptDrops(True)
        self.last_error = ""
        self.runner = JobRunner(self)
        self.ops = Ops(db, self, runner=self.runner)
        self.ops.failed.connect(lambda text, _who: self.show_message(text, error=True))

        self.articles = ArticleList(db, self)
        self.articles.article_chosen.connect(self.open_article)
        self.articles.failed.connect(lambda text: self.show_message(text, error=True))
        self.view = ArticleView(db, self.ops, self.show_message, self)
        self.curation = CurationActions(self.ops, self.view, self.articles, self.show_message, self)
        self.jobs = Jobs(self.ops, self.runner, self.settings, self.show_message, lambda: self.view.article_id,
                         self.open_article, self)
        self.ops.changed.connect(self._after_changes)  # after the panels: notes are said last
        # the widgets tests and tools reach for
        self.text_pane, self.panel, self.article_model = self.view.text_pane, self.view.panel, self.articles.model
        self.article_view, self.search_edit = self.articles.view, self.articles.search_edit

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        for i, (w, stretch) in enumerate(((self.articles, 2), (self.view.centre, 5), (self.panel, 3))):
            self.splitter.addWidget(w)
            self.splitter.setStretchFactor(i, stretch)
            self.splitter.setCollapsible(i, False)
        self.splitter.setSizes([400, 500, 380])
        self.setCentralWidget(self.splitter)

        self.kb_browser = KbBrowser(db, self, ops=self.ops)
        self.history_dock = HistoryDock(db, self, ops=self.ops)
        self.actions = Actions(self)
        self._bind_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._build_docks()
        self.reliability = install_reliability(self)  # backups, restore, the read-only banner
        self.view.types_changed.connect(self.actions.set_type_names)
        self.view.article_opened.connect(self.articles.set_current)
        self.article_model.modelReset.connect(lambda: self.text_pane.set_search_terms(self.articles.search_terms()))
        self.view.reload_types()
        self._stats_timer = QTimer(self, singleShot=True, interval=200, timeout=self._update_stats)
        self.learning_dock = install_learning(self)  # learning statistics; trains after N confirmations
        self.curation.least_certain_first = self.learning_dock.least_certain.isChecked
        self._restore_settings()
        self._update_undo_labels()
        self._update_stats()
        last = self.settings.last_article
        self.open_article(last if last is not None and self.article_model.row_of(last) is not None
                          else (self.articles.ids[0] if self.articles.ids else None))

    # -- assembling --------------------------------------------------------------------------------

    def _bind_actions(self) -> None:
        a, pane = self.actions, self.view.text_pane
        self.curation.bind(a)
        self.jobs.bind(a)
        for name, handler in (
            ("open_database", self.ask_open_database), ("new_database", self.ask_new_database),
            ("connect_server", lambda: connect_to_server(self)),
            ("quit", self.close), ("find", self.find), ("find_next", lambda: self.view.find_hit(+1)),
            ("find_prev", lambda: self.view.find_hit(-1)), ("preferences", self.ask_preferences),
            ("caret_mode", self.set_caret_mode), ("toggle_rejected", self.set_show_rejected),
            ("zoom_in", pane.zoom_in), ("zoom_out", pane.zoom_out), ("zoom_reset", pane.zoom_reset),
            ("focus_list", self.article_view.setFocus), ("focus_text", pane.setFocus),
            ("focus_mentions", self.panel.table.setFocus), ("focus_link", self.focus_link),
            ("cheat_sheet", self.show_cheat_sheet), ("about", self.show_about),
            ("toggle_kb", self.show_kb_browser), ("toggle_history", self.history_dock.setVisible),
        ):
            a.bind(name, handler)
        a.check_bound()
        pane.caret_mode_changed.connect(a["caret_mode"].setChecked)
        pane.zoom_changed.connect(lambda size: setattr(self.settings, "font_size", size))
        pane.context_menu_hook = self._text_context_menu

    def _build_menus(self) -> None:
        self.menus: dict[str, QMenu] = {}
        for name in MENUS:
            menu = self.menus[name] = self.menuBar().addMenu(f"&{name}")
            for act_name in self.actions.menu_actions(name):
                menu.addAction(self.actions[act_name])
                if act_name in SEPARATORS_AFTER:
                    menu.addSeparator()
                if name == "Mention" and act_name == "reject":
                    self.type_menu = menu.addMenu("Set &type")
                    for n in range(1, TYPE_KEYS + 1):
                        self.type_menu.addAction(self.actions[type_action_name(n)])

        self.article_view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.article_view.addAction(self.actions["assign"])  # right-click an article: Assign to…

    def _build_toolbar(self) -> None:
        tb = self.addToolBar("Curation")
        tb.setObjectName("curationToolbar")
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        size = self.style().pixelMetric(self.style().PixelMetric.PM_SmallIconSize)
        tb.setIconSize(QSize(size + 4, size + 4))
        for name in TOOLBAR:
            tb.addSeparator() if name is None else tb.addAction(self.actions[name])
        self.toolbar = tb

    def _build_status_bar(self) -> None:
        self.stats_label = QLabel(self)
        self.progress, self.cancel_button = self.jobs.progress, self.jobs.cancel_button
        for w in (self.stats_label, self.progress, self.cancel_button):
            self.statusBar().addPermanentWidget(w)

    def _build_docks(self) -> None:
        self.kb_browser.jump_to_mention.connect(self.view.jump_to_mention)
        self.history_dock.open_article.connect(self.open_article)
        self.history_dock.visibilityChanged.connect(self.actions["toggle_history"].setChecked)
        for dock, area in ((self.kb_browser, Qt.DockWidgetArea.BottomDockWidgetArea),
                           (self.history_dock, Qt.DockWidgetArea.RightDockWidgetArea)):
            self.addDockWidget(area, dock)
            dock.hide()
            dock.visibilityChanged.connect(lambda _v: QTimer.singleShot(0, lambda: layout.fit_window(self)))
            dock.topLevelChanged.connect(lambda floating, d=dock: floating and layout.fit_floating(d, self))

    # -- the article -------------------------------------------------------------------------------

    @property
    def article_id(self) -> Optional[int]:
        return self.view.article_id

    @property
    def selected_mention(self) -> Optional[int]:
        return self.view.selected_mention

    @property
    def types(self) -> list:
        return self.view.types

    def open_article(self, article_id: Optional[int], mention_id: Optional[int] = None) -> None:
        if article_id != self.view.article_id:
            self.statusBar().clearMessage()  # a line about the previous article's mention is stale now
        self.view.open_article(article_id, mention_id)
        self.view.text_pane.set_search_terms(self.articles.search_terms())

    def select_mention(self, mention_id: Optional[int], *, scroll: bool = True) -> None:
        self.view.select_mention(mention_id, scroll=scroll)

    def refresh_article(self) -> None:
        self.view.refresh_article()

    def add_entity_type(self, name: str) -> Optional[str]:
        return self.curation.add_entity_type(name)

    def run_action(self, op) -> Optional[Changes]:
        return self.ops.run(op, initiator=self)

    def _after_changes(self, changes: Changes, _initiator) -> None:
        self.articles.on_changes(changes)
        if changes.history:
            self._update_undo_labels()
        self._stats_timer.start()
        if changes.notes:
            note = "; ".join(changes.notes)
            self.show_message(note[:1].upper() + note[1:] + " — Ctrl+Z undoes", timeout=15000)

    # -- status ------------------------------------------------------------------------------------

    def show_message(self, text: str, error: bool = False, timeout: int = 8000) -> None:
        if error:
            self.last_error = text
        self.statusBar().setStyleSheet("QStatusBar { color: #c62828; }" if error else "")
        self.statusBar().showMessage(text, timeout)

    def _update_undo_labels(self) -> None:
        self.curation.update_undo_labels(self.actions)

    def _update_stats(self) -> None:
        self.stats_label.setText(queries.status_line(self.db))

    # -- small actions -----------------------------------------------------------------------------

    def find(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def set_caret_mode(self, on: bool) -> None:
        self.text_pane.set_caret_mode(on)
        if on:
            self.show_message("Caret mode: arrows move, Shift+arrows select; a number key or A adds the "
                              "selection as a mention, B moves the selected mention to it; F7 ends")

    def set_show_rejected(self, on: bool) -> None:
        self.text_pane.set_show_rejected(on)
        self.settings.show_rejected = on

    def focus_link(self) -> None:
        self.panel.tabs.setCurrentWidget(self.view.link_panel)
        self.view.link_panel.setFocus()

    def show_kb_browser(self) -> None:
        """Show the knowledge base with the keys in its filter (typing never reaches the article
        list); pressed again from inside it, hide it and go back to the text."""
        kb = self.kb_browser
        if kb.isVisible() and kb.isAncestorOf(QApplication.focusWidget()):
            kb.hide()
            self.text_pane.setFocus()
            return
        kb.show()
        kb.raise_()
        kb.filter_edit.setFocus()
        kb.filter_edit.selectAll()

    def show_cheat_sheet(self) -> CheatSheet:
        dlg = self.cheat_sheet_dialog = CheatSheet(self.actions.cheat_sheet(), self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        return dlg

    def show_about(self) -> None:
        from desktop.ui.about import show_about

        show_about(self)

    def ask_preferences(self) -> None:
        from .dialogs import PreferencesDialog

        dlg = self.preferences_dialog = PreferencesDialog(self.settings, self)
        dlg.accepted.connect(lambda: self.apply_preferences(**dlg.values()))
        dlg.finished.connect(lambda _r: dlg.deleteLater())
        dlg.open()

    def apply_preferences(self, *, autolink_threshold: float, font_size: int, show_rejected: bool,
                          max_file_size_mb: Optional[int] = None, train_every: Optional[int] = None) -> None:
        s = self.settings
        if max_file_size_mb is not None:
            s.max_file_size_mb = max_file_size_mb
        if train_every is not None:
            s.train_every = train_every
            self.learning_dock.show_every()
        s.autolink_threshold = autolink_threshold
        applied = s.apply_autolink_threshold()
        self.text_pane.set_font_size(font_size)
        s.font_size = self.text_pane.font_size
        self.actions["toggle_rejected"].setChecked(show_rejected)
        s.show_rejected = show_rejected
        s.sync()
        self.show_message(f"Preferences saved (auto-link threshold {applied:.2f})")

    def _text_context_menu(self, menu: QMenu, mention_id: Optional[int]) -> None:
        menu.addSeparator()
        if self.text_pane.selection_cp() is not None:
            add = menu.addMenu("Add mention as")
            for t in self.types:
                add.addAction(t.name, lambda name=t.name: self.curation.add_from_selection(name))
            if self.selected_mention is not None:
                menu.addAction(self.actions["span_from_selection"])
        if mention_id is not None:
            self.select_mention(mention_id, scroll=False)
            for name in ("confirm", "reject", "delete_mention"):
                menu.addAction(self.actions[name])
            menu.addMenu(self.type_menu)

    # -- switching database ------------------------------------------------------------------------

    def ask_open_database(self) -> None:
        path = database_files.choose_existing(self, self.db.path)
        if path:
            self.open_database_file(path)

    def ask_new_database(self) -> None:
        path = database_files.choose_new(self, self.db.path)
        if path:
            self.open_database_file(path, create=True)

    def open_database_file(self, path: str | Path, *, create: bool = False) -> bool:
        """Switch to the database at ``path`` (``create``: a new one with the starter knowledge
        base).  A file that is not a Curate database shows one message; the current one stays."""
        if self.runner.busy:
            self.show_message("Wait for the running job to finish (or cancel it) before switching database", error=True)
            return False
        p = Path(path)
        if p.exists() and p.resolve() == Path(self.db.path).resolve():
            self.show_message(f"{p.name} is already open")
            return True
        try:
            db = database_files.open_database(p, create=create)
        except CurateError as exc:
            self.last_error = str(exc)
            log.warning("cannot open database: %s", exc)
            QMessageBox.warning(self, "Cannot open the database", f"{exc}\n\nStill working in {Path(self.db.path).name}.")
            return False
        self.set_database(db)
        return True

    def set_database(self, db: Database) -> None:
        """Everything in the window follows ``db``; the previous database is closed."""
        old, self.db = self.db, db
        self.setWindowTitle(Path(db.path).name)
        self.ops.set_database(db)
        self.articles.set_database(db)
        self.view.set_database(db)
        self.kb_browser.set_database(db)
        self.history_dock.set_database(db)
        self.articles.apply_filter()
        self._update_undo_labels()
        self._update_stats()
        self.open_article(self.articles.ids[0] if self.articles.ids else None)
        self.settings.last_database = remembered(db)
        self.settings.last_article = self.article_id
        self.settings.sync()
        if old is not db:
            old.close()
        self.reliability.database_changed()
        self.show_message(f"Opened {db.path}")

    # -- settings, drops, closing ------------------------------------------------------------------

    def _restore_settings(self) -> None:
        s = self.settings
        layout.restore_window(self, s.geometry, s.window_state)
        for name, splitter in (("main", self.splitter), ("right", self.panel.splitter)):
            sizes = s.splitter(name)
            if sizes and len(sizes) == splitter.count():
                splitter.setSizes(sizes)
        layout.fit_window(self)
        self.text_pane.set_font_size(s.font_size)
        s.apply_autolink_threshold()
        self.actions["toggle_rejected"].setChecked(s.show_rejected)
        self.text_pane.set_show_rejected(s.show_rejected)

    def save_settings(self) -> None:
        s = self.settings
        s.geometry, s.window_state = self.saveGeometry(), self.saveState()
        s.set_splitter("main", self.splitter.sizes())
        s.set_splitter("right", self.panel.splitter.sizes())
        s.font_size = self.text_pane.font_size
        s.show_rejected = self.text_pane.show_rejected
        s.last_database = remembered(self.db)
        s.last_article = self.article_id
        s.sync()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        QTimer.singleShot(0, lambda: layout.fit_window(self))  # now the frame's size is known

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        event.acceptProposedAction() if local_paths(event) else event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        if local_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = local_paths(event)
        if paths:
            event.acceptProposedAction()
            self.jobs.import_paths(paths)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.runner.busy:
            self.runner.cancel()
            self.runner.wait(30000)
        self.save_settings()
        super().closeEvent(event)

