"""The curator's main window: article list (left), text (centre), mentions and links (right).

The window holds no data of its own: it reads through :mod:`desktop.queries` and changes things
only through the core's action functions (:mod:`desktop.curation`, :mod:`desktop.history`), one
call per action, then refreshes the text, the mention panel and the article's row.  Import,
detection and export run on a worker thread (:mod:`desktop.ui.worker`)."""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any, Callable, Optional

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QFileDialog, QMainWindow, QMenu, QMessageBox, QProgressBar, QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget,
)

from desktop import history, models, queries
from desktop.changes import Changes
from desktop.db import Database
from desktop.errors import CurateError
from desktop.language import packs
from desktop.queries import ArticleFilter

from .actions import MENUS, SEPARATORS_AFTER, TYPE_KEYS, Actions, type_action_name
from .article_model import ArticleModel
from .curation_handlers import CurationHandlers
from .dialogs import CheatSheet
from .history_dock import HistoryDock
from .mention_panel import MentionPanel
from .operations import Ops
from .settings import Settings
from .text_pane import Span, TextPane
from .work import BackgroundWork
from .worker import Job, JobRunner

log = logging.getLogger(__name__)

LANGUAGES = (("", "All languages"), *packs.names().items(), (packs.MIXED, "Mixed"))
ARTICLE_STATUSES = (("", "Any status"), *((s, s.replace("_", " ").capitalize()) for s in models.ARTICLE_STATUSES))
SEARCH_DELAY_MS = 250


class MainWindow(CurationHandlers, BackgroundWork, QMainWindow):
    def __init__(self, db: Database, settings: Optional[Settings] = None, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.db = db
        self.settings = settings if settings is not None else Settings()
        self._set_title()
        self.setObjectName("MainWindow")
        self.setAcceptDrops(True)
        self.article_id: Optional[int] = None
        self.article_text = ""
        self._bounds: Optional[list[int]] = None
        self.types: list[Any] = []
        self.colours: dict[str, str] = {}
        self.runner = JobRunner(self)
        self.runner.started.connect(self._job_started)
        self.runner.ended.connect(self._job_ended)
        self.ops = Ops(db, self, runner=self.runner)
        self.ops.changed.connect(self._apply_changes)
        self.ops.failed.connect(lambda text, _who: self.show_message(text, error=True))
        self.last_job: Optional[Job] = None
        self.last_error = ""
        self._selecting = False

        self._build_left()
        self._build_centre()
        self._build_right()
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(self.centre)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([330, 700, 420])
        self.setCentralWidget(self.splitter)

        self.actions = Actions(self)
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._build_optional_panels()
        from .reliability import install as install_reliability  # backups, restore, read-only banner

        self.reliability = install_reliability(self)

        self.reload_types()
        self._restore_settings()
        self._update_undo_labels()
        self._update_stats()
        self._open_initial_article()

    def _set_title(self) -> None:
        # the platform appends the application's display name ("curate.db — Curate")
        self.setWindowTitle(Path(self.db.path).name)

    # -- construction ----------------------------------------------------------------------------

    def _build_left(self) -> None:
        self.left = QWidget(self)
        self.search_edit = QLineEdit(self.left)
        self.search_edit.setObjectName("searchEdit")
        self.search_edit.setPlaceholderText("Search titles and texts (Ctrl+F)")
        self.search_edit.setClearButtonEnabled(True)
        self.status_filter = QComboBox(self.left)
        for key, label in ARTICLE_STATUSES:
            self.status_filter.addItem(label, key)
        self.language_filter = QComboBox(self.left)
        for key, label in LANGUAGES:
            self.language_filter.addItem(label, key)
        self.article_model = ArticleModel(self.db, self)
        self.article_view = QTableView(self.left)
        self.article_view.setObjectName("articleList")
        self.article_view.setModel(self.article_model)
        self.article_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.article_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.article_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.article_view.setSortingEnabled(True)
        self.article_view.horizontalHeader().setSortIndicatorShown(True)
        self.article_view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.article_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, 5):
            self.article_view.horizontalHeader().setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.article_view.verticalHeader().hide()
        self.article_view.verticalHeader().setDefaultSectionSize(22)
        self.article_view.setWordWrap(False)
        self.article_view.selectionModel().currentRowChanged.connect(self._article_row_changed)
        self.article_model.modelReset.connect(self._reselect_current_article)
        self.article_model.layoutChanged.connect(self._reselect_current_article)
        self.list_count = QLabel(self.left)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        # the status-bar totals follow every action, a moment later (one query for a burst of keys)
        self._stats_timer = QTimer(self)
        self._stats_timer.setSingleShot(True)
        self._stats_timer.setInterval(200)
        self._stats_timer.timeout.connect(self._update_stats)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_edit.returnPressed.connect(self.apply_filter)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.language_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        filters = QHBoxLayout()
        filters.addWidget(self.status_filter)
        filters.addWidget(self.language_filter)
        lay = QVBoxLayout(self.left)
        lay.setContentsMargins(4, 4, 0, 4)
        lay.addWidget(self.search_edit)
        lay.addLayout(filters)
        lay.addWidget(self.article_view, 1)
        lay.addWidget(self.list_count)

    def _build_centre(self) -> None:
        self.centre = QWidget(self)
        self.title_label = QLabel(self.centre)
        self.title_label.setObjectName("articleTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.RichText)
        self.legend = QLabel(self.centre)
        self.legend.setObjectName("legend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.text_pane = TextPane(self.centre)
        self.text_pane.mention_clicked.connect(self._pane_clicked)
        self.text_pane.context_menu_hook = self._text_context_menu
        self.text_pane.zoom_changed.connect(self._zoom_changed)
        self.text_pane.caret_mode_changed.connect(lambda on: self._caret_mode_changed(on))
        lay = QVBoxLayout(self.centre)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.title_label)
        lay.addWidget(self.legend)
        lay.addWidget(self.text_pane, 1)

    def _build_right(self) -> None:
        self.panel = MentionPanel(self)
        self.panel.mention_activated.connect(lambda mid: self.select_mention(mid))

    def _build_menus(self) -> None:
        self.menus: dict[str, QMenu] = {}
        for name in MENUS:
            menu = self.menuBar().addMenu(f"&{name}")
            self.menus[name] = menu
            for act_name in self.actions.menu_actions(name):
                menu.addAction(self.actions[act_name])
                if act_name in SEPARATORS_AFTER:
                    menu.addSeparator()
                if name == "Mention" and act_name == "reject":
                    sub = menu.addMenu("Set &type")
                    self.type_menu = sub
                    for n in range(1, TYPE_KEYS + 1):
                        sub.addAction(self.actions[type_action_name(n)])

    def _build_toolbar(self) -> None:
        tb = self.addToolBar("Curation")
        tb.setObjectName("curationToolbar")
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for name in ("import_files", "export", None, "undo", "redo", None, "confirm", "reject", "confirm_all",
                     "mark_done", None, "prev_article", "next_article", None, "detect_article", "toggle_rejected"):
            if name is None:
                tb.addSeparator()
            else:
                tb.addAction(self.actions[name])

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.stats_label = QLabel(self)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("jobProgress")
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("cancelJob")
        self.cancel_button.clicked.connect(self.do_cancel_job)
        self.cancel_button.hide()
        sb.addPermanentWidget(self.stats_label)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.cancel_button)
        self.actions["cancel_job"].setEnabled(False)

    def _build_optional_panels(self) -> None:
        """Link panel, relations panel and knowledge-base dock come from the linking work; the window
        runs without them."""
        self.link_panel = self.relations_panel = self.kb_browser = None
        self.kb_toggle = None
        link_panel = self._make_link_panel()
        if link_panel is not None:
            self.link_panel = link_panel
            self.panel.add_tab(link_panel, "Link")
        relations_panel = self._make_relations_panel()
        if relations_panel is not None:
            self.relations_panel = relations_panel
            self.panel.add_tab(relations_panel, "Relations")
        kb_browser = self._make_kb_browser()
        if kb_browser is not None:
            self.kb_browser = kb_browser
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, kb_browser)
            kb_browser.hide()
            self.kb_toggle = self._kb_toggle_action(kb_browser)
            self.menus["View"].addSeparator()
            self.menus["View"].addAction(self.kb_toggle)
        self.history_dock = HistoryDock(self.db, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.history_dock)
        self.history_dock.hide()
        self.history_dock.open_article.connect(lambda aid: self.open_article(aid))
        toggle = self.history_dock.toggleViewAction()
        toggle.setText("&History")
        toggle.setShortcut("Ctrl+Shift+H")
        self.menus["View"].addAction(toggle)
        from desktop.ui import learning_view

        self.learning_dock = learning_view.install(self)

    def _make_link_panel(self) -> Optional[QWidget]:
        from desktop.ui.link_panel import LinkPanel

        return LinkPanel(self.db, self, ops=self.ops)

    def _make_relations_panel(self) -> Optional[QWidget]:
        from desktop.ui.relations_panel import RelationsPanel

        return RelationsPanel(self.db, self, ops=self.ops)

    def _make_kb_browser(self) -> Optional[QWidget]:
        from desktop.ui.kb_browser import KbBrowser

        dock = KbBrowser(self.db, self, ops=self.ops)
        dock.jump_to_mention.connect(self.jump_to_mention)
        return dock

    @staticmethod
    def _kb_toggle_action(dock):
        toggle = dock.toggleViewAction()
        toggle.setText("&Knowledge base")
        toggle.setShortcut("Ctrl+K")
        return toggle

    def _rebuild_database_panels(self) -> None:
        """The panels that took the database in their constructor are made again for ``self.db``
        (same places: tab, dock area, visibility, menu entry)."""
        if self.link_panel is not None:
            new = self._make_link_panel()
            self.panel.replace_tab(self.link_panel, new, "Link")
            self.link_panel = new
        if self.relations_panel is not None:
            new = self._make_relations_panel()
            self.panel.replace_tab(self.relations_panel, new, "Relations")
            self.relations_panel = new
        if self.kb_browser is not None:
            old = self.kb_browser
            visible = old.isVisible()
            area = self.dockWidgetArea(old)
            new = self._make_kb_browser()
            self.addDockWidget(area, new)
            if not visible:
                new.hide()
            toggle = self._kb_toggle_action(new)
            self.menus["View"].insertAction(self.kb_toggle, toggle)
            self.menus["View"].removeAction(self.kb_toggle)
            self.kb_toggle = toggle
            self.removeDockWidget(old)
            old.setParent(None)
            old.deleteLater()
            self.kb_browser = new
        self.history_dock.set_database(self.db)

    # -- switching database ----------------------------------------------------------------------

    def do_open_database(self) -> None:
        start = str(Path(self.db.path).resolve().parent)
        path, _ = QFileDialog.getOpenFileName(self, "Open a Curate database", start,
                                              "Curate databases (*.db *.sqlite *.sqlite3);;All files (*)")
        if path:
            self.open_database_file(path)

    def do_new_database(self) -> None:
        start = str(Path(self.db.path).resolve().parent / "curate-new.db")
        path, _ = QFileDialog.getSaveFileName(self, "New Curate database", start, "Curate databases (*.db)")
        if path:
            if not Path(path).suffix:
                path += ".db"
            self.open_database_file(path, create=True)

    def open_database_file(self, path: str | Path, *, create: bool = False) -> bool:
        """Switch the window to the database at ``path`` (``create``: a new one with the starter
        knowledge base, no articles).  A file that is not a Curate database shows one message and
        the current database stays open."""
        from desktop.db import probe_existing
        from desktop.seeds import open_or_create

        if self.runner.busy:
            self.show_message("Wait for the running job to finish (or cancel it) before switching database", error=True)
            return False
        p = Path(path)
        if p.exists() and p.resolve() == Path(self.db.path).resolve():
            self.show_message(f"{p.name} is already open")
            return True
        try:
            if create:
                if p.exists() and p.stat().st_size > 0:
                    probe_existing(p)  # an existing file is opened only when it is a Curate database
                db, _created = open_or_create(p, with_seeds=False)
            else:
                probe_existing(p)
                db = Database(p, create=False)
        except CurateError as exc:
            self.last_error = str(exc)
            log.warning("cannot open database: %s", exc)
            QMessageBox.warning(self, "Cannot open the database",
                                f"{exc}\n\nStill working in {Path(self.db.path).name}.")
            return False
        self.set_database(db)
        return True

    def set_database(self, db: Database) -> None:
        """Everything in the window follows ``db``; the previous database is closed."""
        old = self.db
        self.db = db
        self.ops.set_database(db)
        self._set_title()
        self.article_id = None
        self.article_model.set_database(db)
        self._rebuild_database_panels()
        self.reload_types()
        self.apply_filter()
        self._update_undo_labels()
        self._update_stats()
        self._open_first_article()
        self.settings.last_database = str(Path(db.path).resolve())
        self.settings.last_article = self.article_id
        self.settings.sync()
        if old is not db:
            old.close()
        self.reliability.database_changed()
        self.show_message(f"Opened {db.path}")

    def _open_first_article(self) -> None:
        if self.article_model.rowCount():
            self.open_article(self.article_model.ids[0])
        else:
            self.open_article(None)

    # -- preferences -----------------------------------------------------------------------------

    def do_preferences(self) -> None:
        from .dialogs import PreferencesDialog

        dlg = PreferencesDialog(self.settings, self)
        self.preferences_dialog = dlg
        dlg.accepted.connect(lambda: self.apply_preferences(**dlg.values()))
        dlg.finished.connect(lambda _r: dlg.deleteLater())
        dlg.open()

    def apply_preferences(self, *, autolink_threshold: float, font_size: int, show_rejected: bool,
                          max_file_size_mb: Optional[int] = None) -> None:
        s = self.settings
        if max_file_size_mb is not None:
            s.max_file_size_mb = max_file_size_mb
        s.autolink_threshold = autolink_threshold
        applied = s.apply_autolink_threshold()
        self.text_pane.set_font_size(font_size)
        s.font_size = self.text_pane.font_size
        self.actions["toggle_rejected"].setChecked(show_rejected)
        s.show_rejected = show_rejected
        s.sync()
        self.show_message(f"Preferences saved (auto-link threshold {applied:.2f})")

    # -- settings --------------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        s = self.settings
        if s.geometry is not None:
            self.restoreGeometry(s.geometry)
        else:
            self.resize(1400, 900)
        if s.window_state is not None:
            self.restoreState(s.window_state)
        for name, splitter in (("main", self.splitter), ("right", self.panel.splitter)):
            sizes = s.splitter(name)
            if sizes and len(sizes) == splitter.count():
                splitter.setSizes(sizes)
        self.text_pane.set_font_size(s.font_size)
        s.apply_autolink_threshold()
        self.actions["toggle_rejected"].setChecked(s.show_rejected)
        self.text_pane.set_show_rejected(s.show_rejected)

    def save_settings(self) -> None:
        s = self.settings
        s.geometry = self.saveGeometry()
        s.window_state = self.saveState()
        s.set_splitter("main", self.splitter.sizes())
        s.set_splitter("right", self.panel.splitter.sizes())
        s.font_size = self.text_pane.font_size
        s.show_rejected = self.text_pane.show_rejected
        s.last_database = str(Path(self.db.path).resolve())
        s.last_article = self.article_id
        s.sync()

    # -- article list ----------------------------------------------------------------------------

    def current_filter(self) -> ArticleFilter:
        return ArticleFilter(status=self.status_filter.currentData() or None,
                             language=self.language_filter.currentData() or None,
                             search=self.search_edit.text().strip() or None)

    def apply_filter(self) -> None:
        self._search_timer.stop()
        try:
            self.article_model.set_filter(self.current_filter())
        except CurateError as exc:
            self.show_message(str(exc), error=True)
        self._update_list_count()

    def _update_list_count(self) -> None:
        n = self.article_model.rowCount()
        self.list_count.setText(f"{n:,} article{'s' if n != 1 else ''}")

    def _reselect_current_article(self) -> None:
        """After a reload or re-sort the current article stays selected (when it is still listed)."""
        self._update_list_count()
        if self.article_id is None:
            return
        row = self.article_model.row_of(self.article_id)
        self._selecting = True
        try:
            sm = self.article_view.selectionModel()
            if row is None:
                sm.clearSelection()
                sm.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.NoUpdate)
            else:
                idx = self.article_model.index(row, 0)
                sm.setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
                self.article_view.scrollTo(idx)
        finally:
            self._selecting = False

    def _article_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._selecting or not current.isValid():
            return
        aid = self.article_model.article_id(current.row())
        if aid is not None and aid != self.article_id:
            self.open_article(aid)

    def _open_initial_article(self) -> None:
        last = self.settings.last_article
        if last is not None and self.article_model.row_of(last) is not None:
            self.open_article(last)
        elif self.article_model.rowCount():
            self.open_article(self.article_model.ids[0])
        else:
            self.open_article(None)

    # -- the article and its mentions ------------------------------------------------------------

    def reload_types(self) -> None:
        self.types = queries.entity_types(self.db)
        self.colours = {t.name: t.colour for t in self.types}
        self.actions.set_type_names([t.name for t in self.types[:TYPE_KEYS]])
        swatches = []
        for i, t in enumerate(self.types):
            key = f"{i + 1}&nbsp;" if i < TYPE_KEYS else ""
            swatches.append(f"<span style='background-color:{html.escape(t.colour)}'>&nbsp;&nbsp;&nbsp;</span>"
                            f"&nbsp;{key}{html.escape(t.name)}")
        self.legend.setText("&nbsp;&nbsp; ".join(swatches) +
                            "&nbsp;&nbsp;&nbsp; <i>underlined = suggested, filled = confirmed</i>")

    def _spans(self, article_id: int) -> list[Span]:
        rows = queries.mentions(self.db, article_id)
        names = queries.entity_names(self.db, {m.entity_id for m in rows if m.entity_id is not None})
        return [Span(m.id, m.start, m.end, m.text, m.type, m.status, m.source, float(m.confidence or 0.0),
                     names.get(m.entity_id, "") if m.entity_id is not None else "", m.value, m.entity_id)
                for m in rows]

    def open_article(self, article_id: Optional[int], mention_id: Optional[int] = None) -> None:
        art = queries.article(self.db, article_id) if article_id is not None else None
        if article_id != self.article_id:
            self.statusBar().clearMessage()  # a line about the previous article's mention is stale now
        if art is None:
            self.article_id = None
            self.article_text = ""
            self._bounds = None
            self.text_pane.clear_article()
            self.panel.set_spans([], self.colours)
            self.title_label.setText("<i>No article — import files with File → Import or drop them here</i>")
            self._sync_side_panels(None)
            return
        self.article_id = art.id
        self.article_text = art.text
        self._bounds = None
        spans = self._spans(art.id)
        self.text_pane.set_article(art.text, spans, self.colours, art.language)
        self.panel.set_spans(spans, self.colours)
        self._update_title(art)
        self._reselect_current_article()
        if self.relations_panel is not None:
            self.relations_panel.set_article(art.id)
        self.select_mention(mention_id)

    def _update_title(self, art=None) -> None:
        art = art or (queries.article(self.db, self.article_id) if self.article_id else None)
        if art is None:
            return
        status = art.status.replace("_", " ")
        self.title_label.setText(f"<b style='font-size:large'>{html.escape(art.title or '(untitled)')}</b><br>"
                                 f"<small>#{art.id} · {html.escape(art.language)} · {status} · "
                                 f"{html.escape(art.source)}</small>")

    def refresh_article(self) -> None:
        """Re-read the current article's mentions after a change (scroll position kept)."""
        if self.article_id is None:
            return
        keep = self.text_pane.selected_id
        spans = self._spans(self.article_id)
        self.text_pane.set_spans(spans)
        self.panel.set_spans(spans, self.colours)
        self.article_model.refresh_article(self.article_id)
        self._update_title()
        self.select_mention(keep if self.text_pane.span(keep) else None, scroll=False)
        if self.relations_panel is not None and hasattr(self.relations_panel, "refresh"):
            self.relations_panel.refresh()

    def select_mention(self, mention_id: Optional[int], *, scroll: bool = True) -> None:
        self.text_pane.select_mention(mention_id, scroll=scroll)
        mid = self.text_pane.selected_id
        self.panel.select(mid)
        self._sync_side_panels(mid)
        s = self.text_pane.span(mid)
        if s is not None:
            self.show_message(f"{s.text} — {s.type}, {s.status} ({s.source}, {s.confidence:.2f})"
                              + (f" → {s.entity}" if s.entity else ""))

    def _sync_side_panels(self, mention_id: Optional[int]) -> None:
        if self.link_panel is not None:
            self.link_panel.set_mention(mention_id)
        if self.relations_panel is not None:
            self.relations_panel.set_selected_mention(mention_id)

    @property
    def selected_mention(self) -> Optional[int]:
        return self.text_pane.selected_id

    def jump_to_mention(self, article_id: int, mention_id: int) -> None:
        if article_id != self.article_id:
            self.open_article(article_id, mention_id)
        else:
            self.select_mention(mention_id)
        self.text_pane.setFocus()

    def _pane_clicked(self, mention_id: int) -> None:
        self.select_mention(mention_id if mention_id >= 0 else None, scroll=False)

    def _apply_changes(self, changes: Changes, _initiator) -> None:
        """Refresh what an action (here, in a panel, an undo, a colleague's) changed."""
        if changes.entity_types or changes.everything:
            self.reload_types()
        shown = {s.entity_id for s in self.text_pane.spans if s.entity_id is not None}
        if changes.touches_article(self.article_id) or changes.entity_types or shown & changes.entities:
            self.refresh_article()
        if changes.everything:
            self.article_model.reload()
        else:
            for aid in changes.articles:
                self.article_model.refresh_article(aid)
        if changes.history:
            self._update_undo_labels()
        self._stats_timer.start()
        if changes.notes:
            self.show_message("; ".join(changes.notes) + " — Ctrl+Z undoes", timeout=15000)

    # -- running core actions --------------------------------------------------------------------

    def show_message(self, text: str, error: bool = False, timeout: int = 8000) -> None:
        if error:
            self.last_error = text
        self.statusBar().setStyleSheet("QStatusBar { color: #c62828; }" if error else "")
        self.statusBar().showMessage(text, timeout)

    def run_action(self, fn: Callable[[Database], Changes]) -> Optional[Changes]:
        """Run one core action through the window's :class:`Ops` (see there)."""
        return self.ops.run(fn, initiator=self)

    def _need_mention(self) -> Optional[int]:
        mid = self.selected_mention
        if mid is None:
            self.show_message("Select a mention first: click it, or press J for the next suggestion", error=True)
        return mid

    def _typing_in_field(self) -> bool:
        w = QApplication.focusWidget()
        return isinstance(w, (QLineEdit, QComboBox))

    def _update_undo_labels(self) -> None:
        u, r = history.peek(self.db)
        ua, ra = self.actions["undo"], self.actions["redo"]
        ua.setText(f"&Undo {u.summary}" if u else "&Undo")
        ra.setText(f"&Redo {r.summary}" if r else "&Redo")
        # the toolbar keeps a short label; the tooltip names the action
        ua.setIconText("Undo")
        ra.setIconText("Redo")
        ua.setToolTip(f"Undo {u.summary} (Ctrl+Z)" if u else "Nothing to undo")
        ra.setToolTip(f"Redo {r.summary} (Ctrl+Shift+Z)" if r else "Nothing to redo")
        ua.setEnabled(u is not None)
        ra.setEnabled(r is not None)
        if getattr(self, "history_dock", None) is not None:
            self.history_dock.refresh()

    def _update_stats(self) -> None:
        st = queries.stats(self.db)
        ms = st["mentions_by_status"]
        done = st["articles_by_status"].get("done", 0)
        self.stats_label.setText(f"{st['articles']:,} articles ({done:,} done) · {ms.get('suggested', 0):,} suggested · "
                                 f"{ms.get('confirmed', 0):,} confirmed")

    # -- view ------------------------------------------------------------------------------------

    def do_caret_mode(self, on: bool) -> None:
        self.text_pane.set_caret_mode(on)
        if on:
            self.show_message("Caret mode: arrows move, Shift+arrows select; a number key or A adds the "
                              "selection as a mention, B moves the selected mention to it; F7 ends")

    def _caret_mode_changed(self, on: bool) -> None:
        act = self.actions["caret_mode"]
        if act.isChecked() != on:
            act.setChecked(on)

    def do_toggle_rejected(self, on: bool) -> None:
        self.text_pane.set_show_rejected(on)
        self.settings.show_rejected = on

    def do_zoom_in(self) -> None:
        self.text_pane.zoom_in()

    def do_zoom_out(self) -> None:
        self.text_pane.zoom_out()

    def do_zoom_reset(self) -> None:
        self.text_pane.zoom_reset()

    def _zoom_changed(self, size: int) -> None:
        self.settings.font_size = size

    def do_focus_list(self) -> None:
        self.article_view.setFocus()

    def do_focus_text(self) -> None:
        self.text_pane.setFocus()

    def do_focus_mentions(self) -> None:
        self.panel.table.setFocus()

    def do_focus_link(self) -> None:
        if self.link_panel is None:
            self.show_message("Linking is not available in this build", error=True)
            return
        self.panel.tabs.setCurrentWidget(self.link_panel)
        self.link_panel.setFocus()

    def do_cheat_sheet(self) -> CheatSheet:
        dlg = CheatSheet(self.actions.cheat_sheet(), self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        self.cheat_sheet_dialog = dlg
        return dlg

    def do_about(self) -> None:
        from desktop.ui.about import show_about

        show_about(self)

    def do_quit(self) -> None:
        self.close()

    def _text_context_menu(self, menu: QMenu, mention_id: Optional[int]) -> None:
        menu.addSeparator()
        if self.text_pane.selection_cp() is not None:
            add = menu.addMenu("Add mention as")
            for t in self.types:
                add.addAction(t.name, lambda name=t.name: self.add_from_selection(name))
            if self.selected_mention is not None:
                menu.addAction(self.actions["span_from_selection"])
        if mention_id is not None:
            self.select_mention(mention_id, scroll=False)
            for name in ("confirm", "reject", "delete_mention"):
                menu.addAction(self.actions[name])
            menu.addMenu(self.type_menu)

    # -- closing ---------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.runner.busy:
            self.runner.cancel()
            self.runner.wait(30000)
        self.save_settings()
        super().closeEvent(event)
