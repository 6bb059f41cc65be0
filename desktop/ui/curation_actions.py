"""The curator's actions on mentions and articles (the Mention and Article menus, the keys).

Each handler calls one core function through :class:`desktop.ui.operations.Ops` — which
reports a refusal in the status bar and tells every panel what changed — and then moves the
keyboard flow on (the next suggestion, the next unfinished article).  Handlers are bound to their
actions by reference in :meth:`CurationActions.bind`."""

from __future__ import annotations

from typing import Callable, Optional

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QComboBox, QInputDialog, QLineEdit, QMessageBox, QWidget

from desktop import boundaries, curation, history, kb, queries, team
from desktop.changes import Changes
from desktop.errors import CurateError
from desktop.text import grapheme_boundaries, snap_selection

from .actions import TYPE_KEYS, Actions
from .article_list import ArticleList
from .article_view import ArticleView
from .operations import Ops

#: colours for types a curator adds (distinct from the defaults; readable blended on light and dark)
NEW_TYPE_COLOURS = ("#17becf", "#e377c2", "#8c564b", "#bcbd22", "#7f7f7f", "#9467bd", "#ff7f0e", "#2ca02c", "#1f77b4")
#: answers to "this article still has suggestions" when marking it done
CONFIRM_ALL, LEAVE, CANCEL = "confirm", "leave", "cancel"


def typing_in_field() -> bool:
    return isinstance(QApplication.focusWidget(), (QLineEdit, QComboBox))


class CurationActions(QObject):
    def __init__(self, ops: Ops, view: ArticleView, articles: ArticleList, message: Callable[..., None],
                 parent: QWidget):
        super().__init__(parent)
        self.ops, self.view, self.articles, self.message = ops, view, articles, message
        self.window = parent
        #: J/K go least certain first (the learning dock's choice; the window sets this)
        self.least_certain_first: Callable[[], bool] = lambda: False
        self._bounds: Optional[list[int]] = None
        self._bounds_of: Optional[int] = None

    def bind(self, actions: Actions) -> None:
        for name, handler in (
            ("confirm", self.confirm), ("reject", self.reject), ("delete_mention", self.delete_mention),
            ("add_from_selection", self.add_from_selection_as_current), ("apply_link_elsewhere", self.apply_link_elsewhere),
            ("add_type", self.ask_new_type), ("span_from_selection", self.span_from_selection),
            ("grow_end", lambda: self.move_edge("end", True)), ("shrink_end", lambda: self.move_edge("end", False)),
            ("grow_start", lambda: self.move_edge("start", False)),
            ("shrink_start", lambda: self.move_edge("start", True)),
            ("grow_end_word", lambda: self.move_edge("end", True, word=True)),
            ("shrink_end_word", lambda: self.move_edge("end", False, word=True)),
            ("grow_start_word", lambda: self.move_edge("start", False, word=True)),
            ("shrink_start_word", lambda: self.move_edge("start", True, word=True)),
            ("next_suggestion", self.next_suggestion), ("prev_suggestion", self.prev_suggestion),
            ("next_mention", lambda: self._go(+1, False)), ("prev_mention", lambda: self._go(-1, False)),
            ("deselect", self.deselect), ("confirm_all", self.confirm_all), ("mark_done", self.mark_done),
            ("mark_in_progress", self.mark_in_progress), ("next_article", lambda: self.step_article(+1)),
            ("prev_article", lambda: self.step_article(-1)), ("undo", lambda: self.undo_redo(history.undo, "undo")),
            ("redo", lambda: self.undo_redo(history.redo, "redo")), ("assign", self.ask_assign),
        ):
            actions.bind(name, handler)
        for n in range(1, TYPE_KEYS + 1):
            actions.bind(actions.type_action_name(n), lambda n=n: self.set_type_key(n))

    # -- helpers -----------------------------------------------------------------------------------

    def run(self, op, mention_id: Optional[int] = None) -> Optional[Changes]:
        """Run ``op`` on the open article; if a colleague changed its rows first (team mode),
        the refusal is shown and the article re-read."""
        aid = self.view.article_id
        stale = Changes(articles=frozenset() if aid is None else frozenset({aid}),
                        mentions=frozenset() if mention_id is None else frozenset({mention_id}))
        return self.ops.run(op, initiator=self, stale=stale)

    def seen(self, mention_id: Optional[int]) -> Optional[int]:
        """The version of the mention as the window shows it (the core refuses the action if
        the row has moved on since)."""
        s = self.view.text_pane.span(mention_id)
        return s.version if s is not None else None

    @property
    def db(self):
        return self.ops.db

    def need_mention(self) -> Optional[int]:
        mid = self.view.selected_mention
        if mid is None:
            self.ops.fail("Select a mention first: click it, or press J for the next suggestion", self)
        return mid

    # -- deciding mentions -------------------------------------------------------------------------

    def confirm(self) -> None:
        if typing_in_field():  # Enter in the search box: search, then back to the list
            self.articles.apply_filter()
            self.articles.view.setFocus()
            return
        mid = self.need_mention()
        v = self.seen(mid)
        ch = self.run(lambda db: curation.confirm(db, mid, seen_version=v), mid) if mid is not None else None
        if ch is not None:
            self._advance_after(mid)
            if ch.value.entity_id is not None:
                self._offer_link_elsewhere(ch.value)

    def _offer_link_elsewhere(self, m) -> None:
        """Confirming a linked mention offers its link for the same surface in other articles —
        in the status bar, so the keyboard flow is not interrupted (Ctrl+Shift+L applies it)."""
        try:
            pairs = kb.surface_matches(self.db, m.id)
        except CurateError:
            return
        if pairs:
            n_art = len({a for _, a in pairs})
            self.message(f"‘{m.text}’ is unlinked in {queries.plural(len(pairs), 'more place')} in "
                         f"{queries.plural(n_art, 'other article')} — Ctrl+Shift+L links them too", timeout=15000)

    def apply_link_elsewhere(self) -> None:
        mid = self.need_mention()
        if mid is not None and self.view.link_panel.offer_apply_to_surface(mid) is None:
            self.message("No unlinked mentions with this text in other articles (or this mention is not linked)")

    def reject(self) -> None:
        mid = self.need_mention()
        v = self.seen(mid)
        if mid is not None and self.run(lambda db: curation.reject(db, mid, seen_version=v), mid):
            self._advance_after(mid)

    def _advance_after(self, mid: int) -> None:
        """Keyboard flow: after deciding a mention, move on to the next suggestion (if any)."""
        nxt = self._neighbour(mid, +1, suggestions_only=True)
        self.view.select_mention(nxt if nxt is not None else (mid if self.view.text_pane.span(mid) else None))
        if nxt is None:
            self.message("No suggestions left in this article — Ctrl+D marks it done and opens the next")

    def delete_mention(self) -> None:
        mid = self.need_mention()
        if mid is not None:
            v = self.seen(mid)
            self.run(lambda db: curation.delete_mention(db, mid, seen_version=v), mid)

    def set_type_key(self, n: int) -> None:
        types = self.view.types
        if not (1 <= n <= len(types)):
            return
        type_name = types[n - 1].name
        if self.view.text_pane.selection_cp() is not None:
            self.add_from_selection(type_name)
            return
        mid = self.need_mention()
        if mid is not None:
            v = self.seen(mid)
            self.run(lambda db: curation.set_type(db, mid, type_name, seen_version=v), mid)

    def add_from_selection_as_current(self) -> None:
        s = self.view.text_pane.span(self.view.selected_mention)
        types = self.view.types
        self.add_from_selection(s.type if s else (types[0].name if types else "PERSON"))

    def add_from_selection(self, type_name: str) -> Optional[int]:
        sel = self.view.text_pane.selection_cp()
        if self.view.article_id is None or sel is None:
            self.ops.fail("Select some text first", self)
            return None
        start, end = snap_selection(self.view.article_text, *sel)
        if start >= end:
            self.ops.fail("The selection has no letters in it", self)
            return None
        aid = self.view.article_id
        ch = self.run(lambda db: curation.add_mention(db, aid, start, end, type_name))
        if ch is None:
            return None
        self.view.text_pane.clear_selection()
        self.view.select_mention(ch.id, scroll=False)
        return ch.id

    # -- types -------------------------------------------------------------------------------------

    def add_entity_type(self, name: str) -> Optional[str]:
        types = self.view.types
        used = {c.lower() for c in self.view.colours.values()}
        colour = next((c for c in NEW_TYPE_COLOURS if c not in used), NEW_TYPE_COLOURS[len(types) % len(NEW_TYPE_COLOURS)])
        n = len(types) + 1
        key = str(n) if n <= TYPE_KEYS else ""
        ch = self.run(lambda db: curation.add_entity_type(db, name, colour, key))
        if ch is None:
            return None
        self.message(f"Added type {ch.value.name}" + (f" (key {n})" if key else ""))
        return ch.value.name

    def ask_new_type(self) -> None:
        dlg = QInputDialog(self.window)
        dlg.setWindowTitle("New entity type")
        dlg.setLabelText("Name (e.g. PRODUCT, WORK_OF_ART):")
        dlg.setMinimumWidth(dlg.fontMetrics().horizontalAdvance("New entity type") * 3)
        if dlg.exec() and dlg.textValue().strip():
            self.add_entity_type(dlg.textValue())

    # -- boundaries --------------------------------------------------------------------------------

    def span_from_selection(self) -> None:
        mid = self.need_mention()
        sel = self.view.text_pane.selection_cp()
        if mid is None:
            return
        if sel is None:
            self.ops.fail("Select the new extent of the mention in the text first", self)
            return
        start, end = snap_selection(self.view.article_text, *sel)
        v = self.seen(mid)
        if start < end and self.run(lambda db: curation.set_span(db, mid, start, end, seen_version=v), mid):
            self.view.text_pane.clear_selection()

    def _grapheme_bounds(self) -> list[int]:
        if self._bounds is None or self._bounds_of != self.view.article_id:
            self._bounds = grapheme_boundaries(self.view.article_text)
            self._bounds_of = self.view.article_id
        return self._bounds

    def move_edge(self, edge: str, forward: bool, *, word: bool = False) -> None:
        s = self.view.text_pane.span(self.need_mention())
        if s is None:
            return
        start, end = boundaries.move_edge(self.view.article_text, self._grapheme_bounds(), s.start, s.end,
                                          edge, forward, word=word)
        if (start, end) != (s.start, s.end):
            self.run(lambda db: curation.set_span(db, s.id, start, end, seen_version=s.version), s.id)

    # -- moving around -----------------------------------------------------------------------------

    def _neighbour(self, mid: Optional[int], direction: int, *, suggestions_only: bool) -> Optional[int]:
        pane = self.view.text_pane
        spans = [s for s in pane.visible_spans() if not suggestions_only or s.status == "suggested"]
        if not spans:
            return None
        if suggestions_only and self.least_certain_first():
            from desktop.ui.learning_view import neighbour

            return neighbour(spans, mid, direction)
        cur = pane.span(mid)
        if cur is None:
            return spans[0].id if direction > 0 else spans[-1].id
        key = (cur.start, cur.end, cur.id)
        if direction > 0:
            after = [s for s in spans if (s.start, s.end, s.id) > key]
            return (after[0] if after else spans[0]).id
        before = [s for s in spans if (s.start, s.end, s.id) < key]
        return (before[-1] if before else spans[-1]).id

    def _go(self, direction: int, suggestions_only: bool) -> Optional[int]:
        nxt = self._neighbour(self.view.selected_mention, direction, suggestions_only=suggestions_only)
        if nxt is not None:
            self.view.select_mention(nxt)
        return nxt

    def next_suggestion(self) -> None:
        if self._go(+1, True) is None:
            self.message("No suggestions left in this article — Ctrl+D marks it done")

    def prev_suggestion(self) -> None:
        self._go(-1, True)

    def deselect(self) -> None:
        if typing_in_field():  # Escape in the search box (or a filter): back to the text
            self.view.text_pane.setFocus()
            return
        self.view.text_pane.clear_selection()
        self.view.select_mention(None)

    # -- articles ----------------------------------------------------------------------------------

    def shown_suggestions(self) -> dict[int, Optional[int]]:
        """The suggestions the text pane shows, id -> version: Confirm all confirms these and
        is refused if a colleague changed one since (the article is then re-read)."""
        return {s.id: s.version for s in self.view.text_pane.spans if s.status == "suggested"}

    def confirm_all(self) -> None:
        aid = self.view.article_id
        seen = self.shown_suggestions()
        ch = self.run(lambda db: curation.confirm_all(db, aid, seen_versions=seen)) if aid is not None else None
        if ch is not None:
            self.message("; ".join([f"Confirmed {queries.plural(ch.count or 0, 'suggestion')}", *ch.notes]))

    def ask_unreviewed(self, n: int) -> str:
        """Ask what to do with ``n`` suggestions nobody decided: CONFIRM_ALL, LEAVE or CANCEL."""
        box = QMessageBox(QMessageBox.Icon.Question, "Mark article done",
                          f"This article still has {queries.plural(n, 'suggestion')} nobody has reviewed.",
                          QMessageBox.StandardButton.NoButton, self.window)
        confirm = box.addButton(f"Confirm all {n}", QMessageBox.ButtonRole.AcceptRole)
        leave = box.addButton("Leave them suggested", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(confirm)
        box.exec()
        return CONFIRM_ALL if box.clickedButton() is confirm else LEAVE if box.clickedButton() is leave else CANCEL

    def mark_done(self) -> None:
        """Mark the article done and open the next one that is not done yet (in list order,
        wrapping around), so a curator never lands on finished work.  Suggestions nobody
        reviewed are confirmed, left, or the curator cancels."""
        aid = self.view.article_id
        if aid is None:
            return
        n = queries.suggestion_count(self.db, aid)
        if n:
            answer = self.ask_unreviewed(n)
            if answer == CANCEL:
                return
            if answer == CONFIRM_ALL:
                seen = self.shown_suggestions()
                ch = self.run(lambda db: curation.confirm_all(db, aid, seen_versions=seen))
                if ch is None:
                    return
                if ch.notes:  # suggestions a colleague added meanwhile: review them before done
                    self.message("; ".join([f"Confirmed {queries.plural(ch.count or 0, 'suggestion')}",
                                            *ch.notes, "the article stays open"]))
                    return
        v = self.view.article_version
        if not self.run(lambda db: curation.set_article_status(db, aid, "done", seen_version=v)):
            return
        nxt = self.articles.next_unfinished(aid)
        if nxt is None:
            self.message("Marked done — every article in the list is done")
            return
        wrapped = self.articles.is_before(nxt, aid)
        self.window.open_article(nxt)
        if wrapped:
            self.message("Marked done — that was the last one; back to the first article not done yet")

    def mark_in_progress(self) -> None:
        aid = self.view.article_id
        if aid is not None:
            v = self.view.article_version
            self.run(lambda db: curation.set_article_status(db, aid, "in_progress", seen_version=v))

    def step_article(self, step: int) -> None:
        aid, at_end = self.articles.neighbour(step)
        if aid is None:
            return
        if at_end:
            self.message("Last article" if step > 0 else "First article")
            return
        self.window.open_article(aid)

    def ask_assign(self) -> None:
        from .assign import AssignDialog

        aid = self.view.article_id
        art = queries.article(self.db, aid) if aid is not None else None
        dlg = AssignDialog(queries.curators(self.db), art.title if art else None, len(self.articles.ids), self.window)
        if dlg.exec():
            name, listed = dlg.values()
            self.assign(name, list(self.articles.ids) if listed else ([aid] if aid is not None else []))

    def assign(self, to: str, ids: list[int]) -> Optional[Changes]:
        """Give ``ids`` to ``to`` (empty: nobody), one undoable action."""
        if not ids:
            self.ops.fail("No article to assign", self)
            return None
        ch = self.run(lambda db: Changes(articles=frozenset(team.assign(db, to, ids)), history=True))
        if ch is not None:
            if self.articles.mine.isChecked():  # given away (or to me): "Mine" lists them anew
                self.articles.model.reload()
            self.message(f"Gave {queries.plural(len(ch.articles), 'article')} to {to or 'nobody'} — Ctrl+Z undoes")
        return ch

    def update_undo_labels(self, actions: Actions) -> None:
        """"Undo <action>" / "Redo <action>" from the history (the tool bar keeps a short label)."""
        u, r = history.peek(self.db)
        for act, entry, verb, key in ((actions["undo"], u, "Undo", "Ctrl+Z"), (actions["redo"], r, "Redo", "Ctrl+Shift+Z")):
            act.setText(f"&{verb} {entry.summary}" if entry else f"&{verb}")
            act.setIconText(verb)
            act.setToolTip(f"{verb} {entry.summary} ({key})" if entry else f"Nothing to {verb.lower()}")
            act.setEnabled(entry is not None)

    def undo_redo(self, fn: Callable, verb: str) -> None:
        ch = self.run(lambda db: Changes.from_history(fn(db)))
        if ch is None:
            return
        entry = ch.value
        if entry is None:
            self.message(f"Nothing to {verb}")
            return
        if entry.article_id is not None and entry.article_id != self.view.article_id:
            self.window.open_article(entry.article_id)
        self.message(f"{verb.capitalize()}: {entry.summary}")
