"""The curation handlers of the main window: one method per action in :mod:`desktop.ui.actions`
(``do_<name>``), each calling one core function (:mod:`desktop.curation`, :mod:`desktop.history`)
through :meth:`MainWindow.run_action`, which turns a CurateError into a status-bar line and
refreshes the text, the mention panel and the article's row afterwards.

A mixin of :class:`desktop.ui.main_window.MainWindow` (it uses the window's widgets)."""

from __future__ import annotations

import bisect
from typing import Callable, Optional

from desktop import kb, curation, history
from desktop.changes import Changes
from desktop.errors import CurateError
from desktop.text import grapheme_boundaries, snap_selection

from .actions import TYPE_KEYS

#: colours for types a curator adds (distinct from the defaults; readable blended on light and dark)
NEW_TYPE_COLOURS = ("#17becf", "#e377c2", "#8c564b", "#bcbd22", "#7f7f7f", "#9467bd", "#ff7f0e", "#2ca02c", "#1f77b4")


class CurationHandlers:

    def do_confirm(self) -> None:
        if self._typing_in_field():
            self.apply_filter()
            self.article_view.setFocus()
            return
        mid = self._need_mention()
        ch = self.run_action(lambda db: curation.confirm(db, mid)) if mid is not None else None
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
            self.show_message(f"‘{m.text}’ is unlinked in {len(pairs)} more place(s) in {n_art} other article(s) — "
                              "Ctrl+Shift+L links them too", timeout=15000)

    def do_apply_link_elsewhere(self) -> None:
        mid = self._need_mention()
        if mid is None:
            return
        if self.link_panel.offer_apply_to_surface(mid) is None:
            self.show_message("No unlinked mentions with this text in other articles (or this mention is not linked)")

    def do_reject(self) -> None:
        mid = self._need_mention()
        if mid is not None and self.run_action(lambda db: curation.reject(db, mid)):
            self._advance_after(mid)

    def _advance_after(self, mid: int) -> None:
        """Keyboard flow: after deciding a mention, move on to the next suggestion (if any)."""
        nxt = self._neighbour(mid, +1, suggestions_only=True)
        self.select_mention(nxt if nxt is not None else (mid if self.text_pane.span(mid) else None))
        if nxt is None:
            self.show_message("No suggestions left in this article — Ctrl+D marks it done and opens the next")

    def do_delete_mention(self) -> None:
        mid = self._need_mention()
        if mid is not None:
            self.run_action(lambda db: curation.delete_mention(db, mid))

    def do_type(self, n: int) -> None:
        if not (1 <= n <= len(self.types)):
            return
        type_name = self.types[n - 1].name
        if self.text_pane.selection_cp() is not None:
            self.add_from_selection(type_name)
            return
        mid = self._need_mention()
        if mid is not None:
            self.run_action(lambda db: curation.set_type(db, mid, type_name))

    def do_add_from_selection(self) -> None:
        s = self.text_pane.span(self.selected_mention)
        self.add_from_selection(s.type if s else (self.types[0].name if self.types else "PERSON"))

    def add_from_selection(self, type_name: str) -> Optional[int]:
        sel = self.text_pane.selection_cp()
        if self.article_id is None or sel is None:
            self.show_message("Select some text first", error=True)
            return None
        start, end = snap_selection(self.article_text, *sel)
        if start >= end:
            self.show_message("The selection has no letters in it", error=True)
            return None
        aid = self.article_id
        ch = self.run_action(lambda db: curation.add_mention(db, aid, start, end, type_name))
        if ch is None:
            return None
        self.text_pane.clear_selection()
        self.select_mention(ch.id, scroll=False)
        return ch.id

    def add_entity_type(self, name: str) -> Optional[str]:
        used = {c.lower() for c in self.colours.values()}
        colour = next((c for c in NEW_TYPE_COLOURS if c not in used), NEW_TYPE_COLOURS[len(self.types) % len(NEW_TYPE_COLOURS)])
        n = len(self.types) + 1
        ch = self.run_action(lambda db: curation.add_entity_type(db, name, colour, str(n) if n <= TYPE_KEYS else ""))
        if ch is None:
            return None
        self.show_message(f"Added type {ch.value.name}" + (f" (key {n})" if n <= TYPE_KEYS else ""))
        return ch.value.name

    def do_add_type(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        name, ok = QInputDialog.getText(self, "New entity type", "Name (e.g. PRODUCT, WORK_OF_ART):")
        if ok and name.strip():
            self.add_entity_type(name)

    def do_span_from_selection(self) -> None:
        mid = self._need_mention()
        sel = self.text_pane.selection_cp()
        if mid is None:
            return
        if sel is None:
            self.show_message("Select the new extent of the mention in the text first", error=True)
            return
        start, end = snap_selection(self.article_text, *sel)
        if start >= end:
            return
        if self.run_action(lambda db: curation.set_span(db, mid, start, end)):
            self.text_pane.clear_selection()

    def _grapheme_bounds(self) -> list[int]:
        if self._bounds is None:
            self._bounds = grapheme_boundaries(self.article_text)
        return self._bounds

    def _adjust(self, edge: str, step: int) -> None:
        mid = self._need_mention()
        s = self.text_pane.span(mid)
        if s is None:
            return
        bounds = self._grapheme_bounds()
        def move(pos: int) -> int:
            i = bisect.bisect_left(bounds, pos)
            if step > 0:
                j = i + 1 if i < len(bounds) and bounds[i] == pos else i
                return bounds[min(j, len(bounds) - 1)]
            return bounds[max(i - 1, 0)]
        start, end = s.start, s.end
        if edge == "end":
            end = move(end)
        else:
            start = move(start)
        if start >= end or (start, end) == (s.start, s.end):
            return
        self.run_action(lambda db: curation.set_span(db, s.id, start, end))

    def do_grow_end(self) -> None:
        self._adjust("end", +1)

    def do_shrink_end(self) -> None:
        self._adjust("end", -1)

    def do_grow_start(self) -> None:
        self._adjust("start", -1)

    def do_shrink_start(self) -> None:
        self._adjust("start", +1)

    def _neighbour(self, mid: Optional[int], direction: int, *, suggestions_only: bool) -> Optional[int]:
        spans = [s for s in self.text_pane.visible_spans() if not suggestions_only or s.status == "suggested"]
        if not spans:
            return None
        dock = getattr(self, "learning_dock", None)
        if suggestions_only and dock is not None and dock.least_certain.isChecked():
            from desktop.ui.learning_view import neighbour

            return neighbour(spans, mid, direction)
        cur = self.text_pane.span(mid)
        if cur is None:
            return spans[0].id if direction > 0 else spans[-1].id
        key = (cur.start, cur.end, cur.id)
        if direction > 0:
            after = [s for s in spans if (s.start, s.end, s.id) > key]
            return (after[0] if after else spans[0]).id
        before = [s for s in spans if (s.start, s.end, s.id) < key]
        return (before[-1] if before else spans[-1]).id

    def do_next_suggestion(self) -> None:
        nxt = self._neighbour(self.selected_mention, +1, suggestions_only=True)
        if nxt is None:
            self.show_message("No suggestions left in this article — Ctrl+D marks it done")
        else:
            self.select_mention(nxt)

    def do_prev_suggestion(self) -> None:
        prev = self._neighbour(self.selected_mention, -1, suggestions_only=True)
        if prev is not None:
            self.select_mention(prev)

    def do_next_mention(self) -> None:
        nxt = self._neighbour(self.selected_mention, +1, suggestions_only=False)
        if nxt is not None:
            self.select_mention(nxt)

    def do_prev_mention(self) -> None:
        prev = self._neighbour(self.selected_mention, -1, suggestions_only=False)
        if prev is not None:
            self.select_mention(prev)

    def do_deselect(self) -> None:
        if self._typing_in_field():  # Escape in the search box (or a filter): back to the text
            self.text_pane.setFocus()
            return
        self.text_pane.clear_selection()
        self.select_mention(None)

    def do_confirm_all(self) -> None:
        aid = self.article_id
        if aid is None:
            return
        ch = self.run_action(lambda db: curation.confirm_all(db, aid))
        if ch is not None:
            self.show_message(f"Confirmed {ch.count} suggestion{'s' if ch.count != 1 else ''}")

    def do_mark_done(self) -> None:
        """Mark the article done and open the next one that is not done yet (in list order,
        wrapping around), so a curator never lands on finished work."""
        aid = self.article_id
        if aid is None or not self.run_action(lambda db: curation.set_article_status(db, aid, "done")):
            return
        self._update_stats()
        nxt = self._next_unfinished(aid)
        if nxt is None:
            self.show_message("Marked done — every article in the list is done")
            return
        row, cur = self.article_model.row_of(nxt), self.article_model.row_of(aid)
        self.open_article(nxt)
        if row is not None and cur is not None and row < cur:
            self.show_message("Marked done — that was the last one; back to the first article not done yet")

    #: rows looked at one by one (cached pages) before asking the database
    SCAN_ROWS = 400

    def _next_unfinished(self, after: int) -> Optional[int]:
        model = self.article_model
        ids = model.ids
        start = model.row_of(after)
        start = -1 if start is None else start
        for row in range(start + 1, min(len(ids), start + 1 + self.SCAN_ROWS)):
            r = model.row_data(row)
            if r is not None and r.status != "done":
                return r.id
        from dataclasses import replace

        from desktop import queries

        flt = self.current_filter()
        if flt.status == "done":
            return None
        if flt.status:
            todo = set(queries.article_ids(self.db, flt))
        else:
            todo = set(queries.article_ids(self.db, replace(flt, status="new")))
            todo |= set(queries.article_ids(self.db, replace(flt, status="in_progress")))
        todo.discard(after)
        if not todo:
            return None
        order = ids[start + 1:] + ids[:start + 1]
        return next((i for i in order if i in todo), None)

    def do_mark_in_progress(self) -> None:
        aid = self.article_id
        if aid is not None:
            self.run_action(lambda db: curation.set_article_status(db, aid, "in_progress"))

    def _step_article(self, step: int) -> None:
        n = self.article_model.rowCount()
        if n == 0:
            return
        row = self.article_model.row_of(self.article_id) if self.article_id is not None else None
        new = 0 if row is None else max(0, min(n - 1, row + step))
        if row is not None and new == row:
            self.show_message("Last article" if step > 0 else "First article")
            return
        self.open_article(self.article_model.ids[new])

    def do_next_article(self) -> None:
        self._step_article(+1)

    def do_prev_article(self) -> None:
        self._step_article(-1)

    def _undo_redo(self, fn: Callable, verb: str) -> None:
        ch = self.run_action(lambda db: Changes.from_history(fn(db)))
        if ch is None:
            return
        entry = ch.value
        if entry is None:
            self.show_message(f"Nothing to {verb}")
            return
        if entry.article_id is not None and entry.article_id != self.article_id:
            self.open_article(entry.article_id)
        self.show_message(f"{verb.capitalize()}: {entry.summary}")

    def do_undo(self) -> None:
        self._undo_redo(history.undo, "undo")

    def do_redo(self) -> None:
        self._undo_redo(history.redo, "redo")

    def do_find(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()
