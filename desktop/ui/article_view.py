"""The open article: its title, the type legend and the text (centre), with its mentions, link
and relations (right, :class:`desktop.ui.mention_panel.MentionPanel` and its tabs).

It reads through :mod:`desktop.queries` and never changes data: the curation handlers
(:mod:`desktop.ui.curation_actions`) do, through :class:`desktop.ui.operations.Ops`, and this
view follows their :class:`~desktop.changes.Changes` (only when they touch what it shows)."""

from __future__ import annotations

import html
from typing import Any, Callable, Optional

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop import queries
from desktop.changes import Changes
from desktop.db import Database

from .actions import TYPE_KEYS
from .link_panel import LinkPanel
from .mention_panel import MentionPanel
from .operations import Ops
from .relations_panel import RelationsPanel
from .text_pane import Span, TextPane


class ArticleView(QObject):
    #: the article shown changed (None: none)
    article_opened = Signal(object)
    #: the type table changed (names in number-key order)
    types_changed = Signal(list)

    def __init__(self, db: Database, ops: Ops, message: Callable[..., None], parent: QWidget):
        super().__init__(parent)
        self.db = db
        self.ops = ops
        self.message = message
        self.article_id: Optional[int] = None
        self.article_version: Optional[int] = None  # the article row as shown (team mode: status actions check it)
        self.article_text = ""
        self.types: list[Any] = []
        self.colours: dict[str, str] = {}

        self.centre = QWidget(parent)
        self.title_label = QLabel(self.centre)
        self.title_label.setObjectName("articleTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.RichText)
        self.legend = QLabel(self.centre)
        self.legend.setObjectName("legend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.text_pane = TextPane(self.centre)
        self.text_pane.mention_clicked.connect(
            lambda mid: self.select_mention(mid if mid >= 0 else None, scroll=False))
        lay = QVBoxLayout(self.centre)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.title_label)
        lay.addWidget(self.legend)
        lay.addWidget(self.text_pane, 1)

        self.panel = MentionPanel(parent)
        self.panel.mention_activated.connect(lambda mid: self.select_mention(mid))
        self.link_panel = LinkPanel(db, parent, ops=ops)
        self.panel.add_tab(self.link_panel, "Link")
        self.relations_panel = RelationsPanel(db, parent, ops=ops)
        self.panel.add_tab(self.relations_panel, "Relations")
        ops.changed.connect(self.on_changes)

    def set_database(self, db: Database) -> None:
        """The panels that read the database are made again for ``db`` (same tabs)."""
        self.db = db
        self.article_id = None
        new_link, new_rel = LinkPanel(db, self.panel, ops=self.ops), RelationsPanel(db, self.panel, ops=self.ops)
        self.panel.replace_tab(self.link_panel, new_link, "Link")
        self.panel.replace_tab(self.relations_panel, new_rel, "Relations")
        self.link_panel, self.relations_panel = new_link, new_rel
        self.reload_types()

    # -- types -------------------------------------------------------------------------------------

    def reload_types(self) -> None:
        self.types = queries.entity_types(self.db)
        self.colours = {t.name: t.colour for t in self.types}
        swatches = []
        for i, t in enumerate(self.types):
            key = f"{i + 1}&nbsp;" if i < TYPE_KEYS else ""
            swatches.append(f"<span style='background-color:{html.escape(t.colour)}'>&nbsp;&nbsp;&nbsp;</span>"
                            f"&nbsp;{key}{html.escape(t.name)}")
        self.legend.setText("&nbsp;&nbsp; ".join(swatches) +
                            "&nbsp;&nbsp;&nbsp; <i>underlined = suggested, filled = confirmed</i>")
        self.types_changed.emit([t.name for t in self.types[:TYPE_KEYS]])

    # -- the article -------------------------------------------------------------------------------

    def _spans(self, article_id: int) -> list[Span]:
        rows = queries.mentions(self.db, article_id)
        names = queries.entity_names(self.db, {m.entity_id for m in rows if m.entity_id is not None})
        return [Span(m.id, m.start, m.end, m.text, m.type, m.status, m.source, float(m.confidence or 0.0),
                     names.get(m.entity_id, "") if m.entity_id is not None else "", m.value, m.entity_id,
                     m.version)
                for m in rows]

    def open_article(self, article_id: Optional[int], mention_id: Optional[int] = None) -> None:
        art = queries.article(self.db, article_id) if article_id is not None else None
        if art is None:
            self.article_id, self.article_text, self.article_version = None, "", None
            self.text_pane.clear_article()
            self.panel.set_spans([], self.colours)
            self.title_label.setText("<i>No article — import files with File → Import or drop them here</i>")
            self.relations_panel.set_article(None)
            self._sync_side_panels(None)
            self.article_opened.emit(None)
            return
        self.article_id, self.article_text = art.id, art.text
        spans = self._spans(art.id)
        self.text_pane.set_article(art.text, spans, self.colours, art.language)
        self.panel.set_spans(spans, self.colours)
        self._update_title(art)
        self.relations_panel.set_article(art.id)
        self.article_opened.emit(art.id)
        self.select_mention(mention_id)

    def _update_title(self, art=None) -> None:
        art = art or (queries.article(self.db, self.article_id) if self.article_id else None)
        if art is None:
            return
        self.article_version = art.version
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
        self._update_title()
        self.select_mention(keep if self.text_pane.span(keep) else None, scroll=False, announce=False)

    def on_changes(self, changes: Changes, _initiator=None) -> None:
        if changes.entity_types or changes.everything:
            self.reload_types()
        if changes.touches_article(self.article_id) or changes.entity_types or self._names_changed(changes.entities):
            if changes.everything and queries.article(self.db, self.article_id or -1) is None:
                self.open_article(None)
            else:
                self.refresh_article()

    def _names_changed(self, entities: frozenset) -> bool:
        """Whether an entity the text shows (its name beside a linked mention) was renamed or
        deleted.  A new mention linked to it elsewhere changes nothing here."""
        shown = {s.entity_id: s.entity for s in self.text_pane.spans if s.entity_id is not None}
        hit = shown.keys() & entities
        if not hit:
            return False
        names = queries.entity_names(self.db, hit)
        return any(names.get(e, "") != shown[e] for e in hit)

    # -- the selected mention ----------------------------------------------------------------------

    @property
    def selected_mention(self) -> Optional[int]:
        return self.text_pane.selected_id

    def select_mention(self, mention_id: Optional[int], *, scroll: bool = True, announce: bool = True) -> None:
        self.text_pane.select_mention(mention_id, scroll=scroll)
        mid = self.text_pane.selected_id
        self.panel.select(mid)
        self._sync_side_panels(mid)
        s = self.text_pane.span(mid)
        if s is not None and announce:
            self.message(f"{s.text} — {s.type}, {s.status} ({s.source}, {s.confidence:.2f})"
                         + (f" → {s.entity}" if s.entity else ""))

    def _sync_side_panels(self, mention_id: Optional[int]) -> None:
        self.link_panel.set_mention(mention_id)
        self.relations_panel.set_selected_mention(mention_id)

    def jump_to_mention(self, article_id: int, mention_id: int) -> None:
        if article_id != self.article_id:
            self.open_article(article_id, mention_id)
        else:
            self.select_mention(mention_id)
        self.text_pane.setFocus()

    def find_hit(self, step: int) -> None:
        """F3 / Shift+F3: the next or previous hit of the article search in the text."""
        if not self.text_pane.search_terms:
            self.message("Search first (Ctrl+F): F3 and Shift+F3 step through the hits")
        elif not self.text_pane.goto_hit(step):
            self.message("No hit of the search in this article")
