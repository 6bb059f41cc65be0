"""The article text with its mentions highlighted.

A read-only QPlainTextEdit; highlights are ExtraSelections coloured by entity type: a suggestion
is underlined on a faint tint, a confirmed mention is filled, a rejected one is struck through
(and shown only when the toggle is on), the selected mention is filled strongly.  Colours are
blended with the palette's base colour, so they stay readable on light and dark palettes.

Offsets: the core counts code points, Qt counts UTF-16 units; this is the one place that
converts (``desktop.text.Utf16Map``)."""

from __future__ import annotations

import bisect
import html
from dataclasses import dataclass
from typing import Callable, Optional

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import (
    QColor, QContextMenuEvent, QHelpEvent, QKeyEvent, QMouseEvent, QPalette, QTextCharFormat, QTextCursor,
)
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit, QToolTip, QWidget

from desktop.text import Utf16Map, grapheme_boundaries

from .fonts import text_font
from .settings import DEFAULT_FONT_SIZE, MAX_FONT_SIZE, MIN_FONT_SIZE


@dataclass(frozen=True)
class Span:
    """What the pane needs to know of a mention (copied from the core's Mention rows)."""

    id: int
    start: int
    end: int
    text: str
    type: str
    status: str
    source: str
    confidence: float
    entity: str = ""
    value: Optional[str] = None
    entity_id: Optional[int] = None
    #: the row version read (team mode: an action on it is refused if a colleague changed it since)
    version: Optional[int] = None


def blend(base: QColor, colour: QColor, amount: float) -> QColor:
    """``amount`` of ``colour`` over ``base``."""
    a = max(0.0, min(1.0, amount))
    return QColor(
        round(base.red() * (1 - a) + colour.red() * a),
        round(base.green() * (1 - a) + colour.green() * a),
        round(base.blue() * (1 - a) + colour.blue() * a),
    )


def is_dark(colour: QColor) -> bool:
    return colour.lightnessF() < 0.5


def readable_on(bg: QColor) -> QColor:
    """Black or white, whichever contrasts more with ``bg`` (relative luminance)."""
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    lum = 0.2126 * lin(bg.redF()) + 0.7152 * lin(bg.greenF()) + 0.0722 * lin(bg.blueF())
    return QColor("#000000") if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else QColor("#ffffff")


class TextPane(QPlainTextEdit):
    #: a mention was clicked (its id), or empty text was clicked (-1)
    mention_clicked = Signal(int)
    zoom_changed = Signal(int)
    caret_mode_changed = Signal(bool)

    #: keys the pane keeps for itself in caret mode (instead of the window's shortcuts)
    CARET_KEYS = frozenset({Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down,
                            Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown})

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setReadOnly(True)
        # mouse selection only: keys are the window's curation shortcuts, not cursor moves
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAcceptDrops(False)  # dropped files go to the window (import)
        self.setMouseTracking(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setObjectName("textPane")
        self.text = ""
        self.map = Utf16Map("")
        self.spans: list[Span] = []
        self.colours: dict[str, QColor] = {}
        self.show_rejected = False
        self.selected_id: Optional[int] = None
        self.highlighted: list[int] = []  # ids of the mentions drawn, in order
        self.context_menu_hook: Optional[Callable[[QMenu, Optional[int]], None]] = None
        self.last_tooltip = ""
        self.language = ""
        self.caret_mode = False
        self._bounds: Optional[list[int]] = None
        self._font_size = DEFAULT_FONT_SIZE
        self.set_font_size(DEFAULT_FONT_SIZE)
        self.search_terms = ""
        self.hits: list[tuple[int, int]] = []  # code points of the search's hits in the text
        self.current_hit = -1

    # -- content ---------------------------------------------------------------------------------

    def set_article(self, text: str, spans: list[Span], colours: dict[str, str], language: str = "") -> None:
        """Show a new article (resets scroll and selection); ``language`` orders the fonts."""
        if language != self.language:
            self.language = language
            self.setFont(text_font(self._font_size, language))
        self.text = text
        self.map = Utf16Map(text)
        self._bounds = None
        self.selected_id = None
        self.setPlainText(text)
        self.hits, self.current_hit = search_hits(text, self.search_terms), -1
        self.set_spans(spans, colours)

    def set_spans(self, spans: list[Span], colours: Optional[dict[str, str]] = None) -> None:
        """New mention data for the same text (after an action); keeps scroll position."""
        if colours is not None:
            self.colours = {k: QColor(v) for k, v in colours.items()}
        self.spans = sorted(spans, key=lambda s: (s.start, s.end, s.id))
        if self.selected_id is not None and self.span(self.selected_id) is None:
            self.selected_id = None
        self.render_highlights()

    def clear_article(self) -> None:
        self.set_article("", [], {})

    def set_show_rejected(self, on: bool) -> None:
        self.show_rejected = bool(on)
        self.render_highlights()

    def span(self, mention_id: Optional[int]) -> Optional[Span]:
        if mention_id is None:
            return None
        for s in self.spans:
            if s.id == mention_id:
                return s
        return None

    def visible_spans(self) -> list[Span]:
        return [s for s in self.spans if self.show_rejected or s.status != "rejected"]

    # -- drawing ---------------------------------------------------------------------------------

    def _format(self, span: Span) -> QTextCharFormat:
        pal = self.palette()
        base = pal.color(QPalette.ColorRole.Base)
        fg = pal.color(QPalette.ColorRole.Text)
        colour = self.colours.get(span.type, QColor("#888888"))
        dark = is_dark(base)
        fmt = QTextCharFormat()
        if span.id == self.selected_id:
            bg = blend(base, colour, 0.85)
            fmt.setBackground(bg)
            fmt.setForeground(readable_on(bg))
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(readable_on(bg))
            fmt.setFontUnderline(True)
        elif span.status == "confirmed":
            fmt.setBackground(blend(base, colour, 0.55 if dark else 0.42))
            fmt.setForeground(fg)
        elif span.status == "suggested":
            fmt.setBackground(blend(base, colour, 0.16))
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
            fmt.setUnderlineColor(blend(base, colour, 1.0 if dark else 0.9))
            fmt.setFontUnderline(True)
        else:  # rejected
            fmt.setFontStrikeOut(True)
            fmt.setForeground(blend(base, fg, 0.55))
        return fmt

    def render_highlights(self) -> None:
        selections = []
        self.highlighted = []
        doc_len = self.document().characterCount() - 1
        for s in self.visible_spans():
            a, b = self.map.to_utf16(s.start), self.map.to_utf16(self.display_end(s.end))
            if not (0 <= a < b <= doc_len):
                continue
            sel = QTextEdit.ExtraSelection()
            cur = QTextCursor(self.document())
            cur.setPosition(a)
            cur.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cur
            sel.format = self._format(s)
            selections.append((s.id == self.selected_id, sel))
            self.highlighted.append(s.id)
        # the selected mention is drawn last so it is on top of overlapping ones; search hits below all
        selections.sort(key=lambda pair: pair[0])
        self.setExtraSelections(self._hit_selections() + [sel for _, sel in selections])

    # -- search hits -----------------------------------------------------------------------------

    def set_search_terms(self, terms: str) -> None:
        """Highlight the hits of the article search (each word a prefix, as the search matches)."""
        self.search_terms = terms
        self.hits, self.current_hit = search_hits(self.text, terms), -1
        self.render_highlights()

    def _hit_selections(self) -> list:
        out = []
        for i, (a, b) in enumerate(self.hits):
            sel = QTextEdit.ExtraSelection()
            cur = QTextCursor(self.document())
            cur.setPosition(self.map.to_utf16(a))
            cur.setPosition(self.map.to_utf16(b), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cur
            fmt = QTextCharFormat()
            fmt.setBackground(QColor("#ff9800" if i == self.current_hit else "#fff176"))
            fmt.setForeground(QColor("#000000"))
            sel.format = fmt
            out.append(sel)
        return out

    def goto_hit(self, step: int) -> bool:
        """Scroll to the next (``step`` 1) or previous (-1) hit, wrapping; False when none."""
        if not self.hits:
            return False
        self.current_hit = (self.current_hit + step) % len(self.hits) if self.current_hit >= 0 else \
            (0 if step > 0 else len(self.hits) - 1)
        cur = QTextCursor(self.document())
        cur.setPosition(self.map.to_utf16(self.hits[self.current_hit][0]))
        self.setTextCursor(cur)  # a caret, not a selection: type keys keep acting on mentions
        self.ensureCursorVisible()
        self.render_highlights()
        return True

    def _tooltip(self, s: Span) -> str:
        rows = [("type", s.type), ("status", s.status), ("source", s.source), ("confidence", f"{s.confidence:.2f}"),
                ("entity", s.entity or "— not linked —")]
        if s.value:
            rows.append(("value", s.value))
        body = "".join(f"<tr><td><b>{k}</b></td><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
        return f"<p>{html.escape(s.text)}</p><table>{body}</table>"

    # -- selection and positions -----------------------------------------------------------------

    def select_mention(self, mention_id: Optional[int], *, scroll: bool = True) -> None:
        self.selected_id = mention_id if self.span(mention_id) is not None else None
        self.render_highlights()
        s = self.span(self.selected_id)
        if s is not None and scroll:
            # moving to a mention (J/K, the mention list) leaves any text selection behind: a type key
            # then changes the mention's type instead of adding the old selection as a new mention;
            # the caret (caret mode) starts from the mention
            cur = QTextCursor(self.document())
            cur.setPosition(self.map.to_utf16(s.start))
            self.setTextCursor(cur)
            self.ensureCursorVisible()

    def selection_cp(self) -> Optional[tuple[int, int]]:
        """The current text selection in code points, or None."""
        cur = self.textCursor()
        if not cur.hasSelection():
            return None
        return self.map.to_cp(cur.selectionStart()), self.map.to_cp(cur.selectionEnd())

    def select_cp(self, start: int, end: int) -> None:
        """Select [start, end) given in code points (used by tests and 'reselect')."""
        cur = QTextCursor(self.document())
        cur.setPosition(self.map.to_utf16(start))
        cur.setPosition(self.map.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cur)

    def clear_selection(self) -> None:
        cur = self.textCursor()
        if cur.hasSelection():
            cur.clearSelection()
            self.setTextCursor(cur)

    def mention_at(self, point: QPoint) -> Optional[int]:
        """The visible mention under a viewport point, if any."""
        cur = self.cursorForPosition(point)
        u16 = cur.position()
        # cursorForPosition gives the nearest gap; the glyph under the point is before or after it
        rect = self.cursorRect(cur)
        left = point.x() < rect.x()
        cp = self.map.to_cp(u16)
        order = (cp - 1, cp) if left else (cp, cp - 1)
        spans = self.visible_spans()
        for probe in order:
            hits = [s for s in spans if s.start <= probe < s.end]
            if hits:
                return min(hits, key=lambda s: s.end - s.start).id
        return None

    def point_of(self, cp: int) -> QPoint:
        """A viewport point inside the character at code point ``cp`` (for tests and menus)."""
        cur = QTextCursor(self.document())
        cur.setPosition(self.map.to_utf16(cp))
        r1 = self.cursorRect(cur)
        cur.setPosition(self.map.to_utf16(min(cp + 1, len(self.text))))
        r2 = self.cursorRect(cur)
        x = (r1.x() + r2.x()) // 2 if r2.y() == r1.y() and r2.x() > r1.x() else r1.x() + 2
        return QPoint(x, r1.center().y())

    # -- caret mode: selecting text with the keyboard --------------------------------------------

    def set_caret_mode(self, on: bool) -> None:
        """Caret browsing (F7): a visible caret that the arrow keys move; Shift+arrows select, one
        whole grapheme cluster (akshara) at a time.  Off, the keys belong to the window."""
        on = bool(on)
        flags = Qt.TextInteractionFlag.TextSelectableByMouse
        if on:
            flags |= Qt.TextInteractionFlag.TextSelectableByKeyboard
        self.setTextInteractionFlags(flags)
        self.setCursorWidth(2 if on else 1)
        changed = on != self.caret_mode
        self.caret_mode = on
        if on:
            cur = self.textCursor()
            if not cur.hasSelection():
                s = self.span(self.selected_id)
                if s is not None:
                    cur.setPosition(self.map.to_utf16(s.start))
                else:  # the first character on screen
                    cur = self.cursorForPosition(QPoint(0, 0))
                self.setTextCursor(cur)
            self.setFocus()
            self.ensureCursorVisible()
        if changed:
            self.caret_mode_changed.emit(on)

    def display_end(self, end: int) -> int:
        """Where a highlight ending at ``end`` is drawn to: the end of its character cluster.

        A stem that ends before a Bengali case ending starting with a vowel sign (রাইজেনকভ|ের)
        ends inside a cluster; Qt would then leave the whole cluster unhighlighted, the last
        consonant included (and a pre-base vowel sign is drawn before it). Drawing to the cluster's
        end shows the whole stem; the stored span is unchanged."""
        bounds = self.grapheme_bounds()
        i = bisect.bisect_left(bounds, end)
        return bounds[i] if i < len(bounds) else end

    def grapheme_bounds(self) -> list[int]:
        if self._bounds is None:
            self._bounds = grapheme_boundaries(self.text)
        return self._bounds

    def _step_cluster(self, forward: bool, keep_anchor: bool) -> None:
        """Move the caret one grapheme cluster (the core's clusters: conjuncts stay whole)."""
        cur = self.textCursor()
        pos = self.map.to_cp(cur.position())
        bounds = self.grapheme_bounds()
        if forward:
            i = bisect.bisect_right(bounds, pos)
            new = bounds[i] if i < len(bounds) else len(self.text)
        else:
            i = bisect.bisect_left(bounds, pos)
            new = bounds[i - 1] if i > 0 else 0
        mode = QTextCursor.MoveMode.KeepAnchor if keep_anchor else QTextCursor.MoveMode.MoveAnchor
        if not keep_anchor and cur.hasSelection():  # like an editor: collapse to the side moved to
            new = self.map.to_cp(cur.selectionEnd() if forward else cur.selectionStart())
        cur.setPosition(self.map.to_utf16(new), mode)
        self.setTextCursor(cur)
        self.ensureCursorVisible()

    def _caret_key(self, e: QKeyEvent) -> bool:
        """Is this a key the pane handles itself in caret mode?"""
        if not self.caret_mode or e.key() not in self.CARET_KEYS:
            return False
        mods = e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier):
            return False  # Alt+arrows stay the window's (move a mention's start)
        if mods & Qt.KeyboardModifier.ControlModifier and e.key() in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            return False  # Ctrl+PgUp/PgDn: previous/next article
        return True

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent) and self._caret_key(e):
            e.accept()  # the key comes to keyPressEvent instead of triggering a window shortcut
            return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if self._caret_key(e) and e.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right) \
                and not e.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._step_cluster(e.key() == Qt.Key.Key_Right, bool(e.modifiers() & Qt.KeyboardModifier.ShiftModifier))
            e.accept()
            return
        super().keyPressEvent(e)

    # -- events ----------------------------------------------------------------------------------

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        super().mouseReleaseEvent(e)
        if e.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            mid = self.mention_at(e.position().toPoint())
            self.mention_clicked.emit(mid if mid is not None else -1)

    def viewportEvent(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            s = self.span(self.mention_at(e.pos()))
            if s is not None:
                self.last_tooltip = self._tooltip(s)
                QToolTip.showText(e.globalPos(), self.last_tooltip, self.viewport())
            else:
                self.last_tooltip = ""
                QToolTip.hideText()
                e.ignore()
            return True
        return super().viewportEvent(e)

    def contextMenuEvent(self, e: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu(e.pos())
        if self.context_menu_hook is not None:
            self.context_menu_hook(menu, self.mention_at(e.pos()))
        menu.exec(e.globalPos())
        menu.deleteLater()

    def changeEvent(self, e: QEvent) -> None:
        super().changeEvent(e)
        if e.type() == QEvent.Type.PaletteChange:
            self.render_highlights()

    # -- zoom ------------------------------------------------------------------------------------

    @property
    def font_size(self) -> int:
        return self._font_size

    def set_font_size(self, size: int) -> None:
        size = max(MIN_FONT_SIZE, min(MAX_FONT_SIZE, int(size)))
        self._font_size = size
        self.setFont(text_font(size, self.language))
        self.zoom_changed.emit(size)

    def zoom_in(self) -> None:
        self.set_font_size(self._font_size + 1)

    def zoom_out(self) -> None:
        self.set_font_size(self._font_size - 1)

    def zoom_reset(self) -> None:
        self.set_font_size(DEFAULT_FONT_SIZE)

    def wheelEvent(self, e) -> None:
        if e.modifiers() & Qt.KeyboardModifier.ControlModifier:
            (self.zoom_in if e.angleDelta().y() > 0 else self.zoom_out)()
            e.accept()
            return
        super().wheelEvent(e)

    def format_of(self, mention_id: int) -> Optional[QTextCharFormat]:
        """A copy of the format a mention is drawn with (None when it is not drawn)."""
        s = self.span(mention_id)
        if s is None:
            return None
        a, b = self.map.to_utf16(s.start), self.map.to_utf16(self.display_end(s.end))
        for sel in self.extraSelections():
            if sel.cursor.selectionStart() == a and sel.cursor.selectionEnd() == b:
                return QTextCharFormat(sel.format)
        return None


def search_hits(text: str, terms: str) -> list[tuple[int, int]]:
    """Code-point spans of the words of ``text`` that start with a word of ``terms``
    (case-insensitive, any script), as the full-text search matches them."""
    import regex

    words = [w for w in regex.findall(r"[\w\p{M}]+", terms or "") if w]
    if not text or not words:
        return []
    pattern = regex.compile(r"(?<![\w\p{M}])(?:" + "|".join(regex.escape(w) for w in words) + r")[\w\p{M}]*",
                            regex.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]
