"""The link panel: the selected mention's link to the knowledge base.

Shows the entity the mention is linked to and the ranked candidate entities
(:func:`desktop.linking.candidates.rank`: name, type, Wikidata id, score and why it matched).
Keyboard first: with the focus in the panel, keys 1–9 link the n-th candidate, Enter links the
selected one; a double-click or the Link button too.  In the candidate list N makes a new entity
from the mention, U unlinks, / searches the knowledge base.  "Unlink" and "New entity from mention"
(:func:`desktop.curation.create_entity`, linked at once).  Below, the linked entity's form
(:class:`desktop.ui.entity_editor.EntityEditor`).

An unlinked mention whose name the knowledge base lacks may carry a proposed new entity
(:mod:`desktop.linking.proposals`): the panel says "New entity proposed: <name> — N mentions in
M articles" and offers to create it, under a name the curator may edit, for all of them at once
(:func:`desktop.curation.accept_proposal`; they stay suggestions to confirm).  Confirming such a
mention leaves the offer standing: nothing is created unasked.  Once the knowledge base has a
match for the mention (an entity made by hand for another of its mentions), the candidate is
offered instead.

After a link, the panel offers to link the same surface in other articles
(:class:`desktop.ui.apply_link_dialog.ApplyLinkDialog`: all, or the ones ticked) through
:func:`desktop.kb.apply_link_to_surface`.  Every change is one undoable core action run through
:class:`desktop.ui.operations.Ops` (its ``changed`` signal tells the other panels).
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QAbstractSpinBox, QComboBox, QHBoxLayout, QHeaderView,
    QFrame, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QScrollArea, QTableView, QTextEdit, QVBoxLayout, QWidget,
)

from desktop.ui.rowmodel import RowTableModel

from desktop import curation, kb, queries
from desktop.changes import Changes
from desktop.errors import CurateError
from desktop.linking import proposals
from desktop.linking.candidates import LinkCandidate, rank
from desktop.ui.actions import panel_keys
from desktop.ui.apply_link_dialog import ApplyLinkDialog
from desktop.ui.entity_editor import EntityEditor
from desktop.ui.key_filters import ClaimKeys, KeyCatcher
from desktop.ui.operations import Ops
from desktop.ui.widgets import message_label, show_message

CANDIDATE_LIMIT = 9
CANDIDATE_ROWS = 4  # rows of the candidate table that always show
SEARCH_LIMIT = 50
_DIGITS = {getattr(Qt.Key, f"Key_{i}"): i for i in range(1, 10)}


class CandidateModel(RowTableModel):
    """Ranked candidates for one mention; the linked entity is marked."""

    HEADERS = ("#", "Entity", "Type", "Wikidata", "Score", "Why")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[LinkCandidate] = []
        self.linked_id: Optional[int] = None
        self.mention_type = ""  # candidates of another type are greyed

    def set_candidates(self, rows: list[LinkCandidate], linked_id: Optional[int]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.linked_id = linked_id
        self.endResetModel()

    def candidates(self) -> list[LinkCandidate]:
        return list(self._rows)

    def candidate_at(self, row: int) -> Optional[LinkCandidate]:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        c = self._rows[index.row()]
        col = index.column()
        linked = c.entity_id == self.linked_id
        if role == Qt.ItemDataRole.DisplayRole:
            key = str(index.row() + 1) if index.row() < 9 else ""
            score = "—" if c.reason == kb.CONTAINS else f"{c.score:.2f}"
            return (("✓ " if linked else "") + key, c.name, c.type, c.external_id or "", score, c.reason)[col]
        if role == Qt.ItemDataRole.ForegroundRole and self.mention_type and c.type != self.mention_type:
            return QBrush(QColor(128, 128, 128))
        if role == Qt.ItemDataRole.ToolTipRole:
            key = f"press {index.row() + 1} or " if index.row() < 9 else ""
            if self.mention_type and c.type != self.mention_type:
                return f"{c.name} is a {c.type}: change the mention's type to {c.type} to link it"
            return f"{c.name} ({c.type}{', ' + c.external_id if c.external_id else ''}) — {c.reason}; " \
                   f"{key}double-click to link"
        if role == Qt.ItemDataRole.FontRole and linked:
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return c.entity_id
        return None


def _is_text_input(w: Optional[QWidget]) -> bool:
    return isinstance(w, (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)) or (
        isinstance(w, QComboBox) and w.isEditable())


class LinkPanel(QWidget):
    """The selected mention's link (see the module doc)."""

    def __init__(self, db, parent=None, ops: Optional[Ops] = None):
        super().__init__(parent)
        self.db = db
        self.ops = ops if ops is not None else Ops(db, self)
        self.ops.changed.connect(self._on_changes)
        self.ops.failed.connect(lambda text, who: show_message(self.message, text) if who is self else None)
        self.mention_id: Optional[int] = None
        self.offer_apply = True  # offer to link the same surface elsewhere after a link
        self.apply_dialog: Optional[ApplyLinkDialog] = None
        self._mention = None

        self.mention_label = QLabel()
        self.mention_label.setWordWrap(True)
        self.link_label = QLabel()
        self.link_label.setWordWrap(True)
        self.unlink_button = QPushButton("Unlink")
        self.unlink_button.setToolTip("Remove the link (U in the candidate list)")
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search all entities, any script and type… (/)")
        self.search_edit.setClearButtonEnabled(True)
        self.model = CandidateModel(self)
        self.candidates = QTableView()
        self.candidates.setModel(self.model)
        self.candidates.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.candidates.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.candidates.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.candidates.verticalHeader().hide()
        self.candidates.setWordWrap(False)
        hh = self.candidates.horizontalHeader()
        for col in range(self.model.columnCount()):
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        row_h = self.fontMetrics().height() + 6
        self.candidates.verticalHeader().setDefaultSectionSize(row_h)
        self.candidates.setMinimumHeight(row_h * CANDIDATE_ROWS + hh.sizeHint().height() + 4)
        self.link_button = QPushButton("Link")
        self.new_entity_button = QPushButton("New entity")
        self.new_entity_button.setToolTip("Create an entity named after the mention and link it (N in the candidate list)")
        self.message = message_label()
        self.editor = EntityEditor(db, ops=self.ops)
        self.proposal: Optional[proposals.Proposal] = None  # the shown mention's, if it has one
        self.proposal_label = QLabel()
        self.proposal_label.setWordWrap(True)
        self.proposal_name = QLineEdit()
        self.proposal_name.setToolTip("The new entity's name (the most frequent spelling of its mentions)")
        self.proposal_button = QPushButton("Create entity")
        self.proposal_button.setToolTip("Create the proposed entity, with every spelling as an alias, and link all "
                                        "its mentions (they stay suggestions to confirm)")
        self.proposal_box = QWidget()
        prow = QVBoxLayout(self.proposal_box)
        prow.setContentsMargins(0, 0, 0, 0)
        prow.addWidget(self.proposal_label)
        pedit = QHBoxLayout()
        pedit.addWidget(self.proposal_name, 1)
        pedit.addWidget(self.proposal_button)
        prow.addLayout(pedit)

        link_row = QHBoxLayout()
        link_row.addWidget(self.link_label, 1)
        link_row.addWidget(self.unlink_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.link_button)
        buttons.addWidget(self.new_entity_button)
        buttons.addStretch(1)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.mention_label)
        layout.addLayout(link_row)
        layout.addWidget(self.proposal_box)
        hint = QLabel("Candidates (keys 1–9, Enter or double-click to link)")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.candidates, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(QLabel("Linked entity"))
        layout.addWidget(self.editor, 1)
        # the panel scrolls when the screen is short, rather than squeezing the candidates or
        # growing the window (the mention table above keeps its rows)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.setFocusProxy(self.candidates)

        # the candidate list's keys come from the one action table (so the cheat-sheet lists them)
        handlers = {k: (lambda n=n: self.link_candidate(n - 1)) for k, n in _DIGITS.items()}
        handlers[Qt.Key.Key_Enter] = self.link_selected
        for name, fn in (("link_selected", self.link_selected), ("new_entity", self.new_entity_from_mention),
                         ("unlink", self.unlink), ("search", self.search_edit.setFocus)):
            for k in panel_keys("Link panel")[name].keys:
                handlers[QKeySequence(k)[0].key()] = fn
        KeyCatcher(self.candidates, handlers)
        self.candidates.doubleClicked.connect(lambda idx: self.link_candidate(idx.row()))
        self.link_button.clicked.connect(self.link_selected)
        self.unlink_button.clicked.connect(self.unlink)
        self.new_entity_button.clicked.connect(self.new_entity_from_mention)
        self.proposal_button.clicked.connect(self.accept_proposal)
        self.proposal_name.returnPressed.connect(self.accept_proposal)
        ClaimKeys(self.proposal_name)
        self.search_edit.textChanged.connect(lambda _t: self._load_candidates())
        self.search_edit.returnPressed.connect(self._search_to_candidates)
        ClaimKeys(self.search_edit)
        self.set_mention(None)

    # -- keys: 1..9 anywhere in the panel except in text fields

    def event(self, ev):
        if ev.type() == QEvent.Type.ShortcutOverride and ev.key() in _DIGITS and self._digits_active(ev):
            ev.accept()
            return True
        return super().event(ev)

    def keyPressEvent(self, ev):  # noqa: N802
        if ev.key() in _DIGITS and self._digits_active(ev):
            self.link_candidate(_DIGITS[ev.key()] - 1)
            ev.accept()
            return
        super().keyPressEvent(ev)

    def _digits_active(self, ev) -> bool:
        mods = ev.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        focus = self.focusWidget()
        return (mods == Qt.KeyboardModifier.NoModifier and self.mention_id is not None
                and not _is_text_input(focus) and not (focus is not None and self.editor.isAncestorOf(focus)))

    # -- reading

    def set_mention(self, mention_id: Optional[int]) -> None:
        """Show ``mention_id`` (None: nothing selected)."""
        if mention_id != self.mention_id:
            self.search_edit.blockSignals(True)
            self.search_edit.clear()
            self.search_edit.blockSignals(False)
            show_message(self.message, "")
        self.mention_id = mention_id
        self.refresh()

    def refresh(self) -> None:
        """Reload the mention, its link and candidates (after undo/redo or edits elsewhere)."""
        m = queries.mention(self.db, self.mention_id) if self.mention_id is not None else None
        if m is None:
            self.mention_id = None
        self._mention = m
        ent = queries.entity(self.db, m.entity_id) if m is not None and m.entity_id is not None else None
        if m is None:
            self.mention_label.setText("No mention selected.")
            self.link_label.setText("")
        else:
            self.mention_label.setText(f"<b>{_html(m.text)}</b> · {m.type} · {m.status}")
            self.link_label.setText(
                f"Linked to <b>{_html(ent.name)}</b> · {ent.type}" + (f" · {ent.external_id}" if ent.external_id else "")
                if ent else "Not linked.")
        for w in (self.unlink_button,):
            w.setEnabled(ent is not None)
        for w in (self.search_edit, self.candidates, self.link_button, self.new_entity_button):
            w.setEnabled(m is not None)
        self._load_candidates()
        self._load_proposal(m)
        self.editor.set_entity(ent.id if ent else None)

    def _load_proposal(self, m) -> None:
        key = getattr(m, "proposal", None) if m is not None and m.entity_id is None else None
        if key and not self.search_edit.text().strip() and any(
                c.type == m.type and c.score >= proposals.PROPOSE_BELOW for c in self.model.candidates()):
            key = None  # the knowledge base has a match since (an entity made by hand): link that
        p = proposals.read(self.db, key) if key else None
        same = p is not None and self.proposal is not None and self.proposal.key == p.key
        self.proposal = p
        self.proposal_box.setVisible(p is not None)
        if p is None:
            return
        n, arts = len(p.mentions), p.articles
        self.proposal_label.setText(
            f"New entity proposed: <b>{_html(p.name)}</b> · {p.type} — {n} mention{'s' if n != 1 else ''} "
            f"in {arts} article{'s' if arts != 1 else ''}")
        if not same or not self.proposal_name.text().strip():  # keep what the curator typed
            self.proposal_name.setText(p.name)

    def accept_proposal(self) -> Optional[int]:
        """Create the proposed entity for every mention of the proposal shown (the name as
        edited); returns the entity's id, None when nothing was created."""
        p = self.proposal
        if p is None:
            return None
        name = self.proposal_name.text().strip() or p.name
        seen = {mid: version for mid, _aid, version in p.mentions}  # what the count above was made of
        stale = Changes(articles=frozenset(a for _m, a, _v in p.mentions), mentions=frozenset(seen))
        done = self.ops.run(lambda db: curation.accept_proposal(db, p.key, name, seen_versions=seen),
                            initiator=self, stale=stale)
        if done is None:
            return None
        n = done.count or 0
        self.refresh()
        show_message(self.message, "; ".join([f"Created ‘{done.value.name}’ and linked {n} mention{'s' if n != 1 else ''}"
                                              f" (confirm them as you go)", *done.notes]), error=False)
        self.candidates.setFocus()
        return done.value.id

    def _load_candidates(self) -> None:
        m = self._mention
        if m is None:
            self.model.set_candidates([], None)
            return
        query = self.search_edit.text().strip()
        self.model.mention_type = m.type
        if query:  # every type and script; other types greyed (a link must agree with the type)
            rows = kb.search_candidates(self.db, query, prefer_type=m.type, limit=SEARCH_LIMIT)
        else:
            rows = rank(self.db, m.text, m.type, article_id=m.article_id, limit=CANDIDATE_LIMIT)
            if m.entity_id is not None and all(c.entity_id != m.entity_id for c in rows):
                ent = queries.entity(self.db, m.entity_id)
                if ent is not None:
                    rows.insert(0, LinkCandidate(ent.id, ent.name, ent.type, ent.external_id, 0.0, "linked"))
        self.model.set_candidates(rows, m.entity_id)
        if rows:
            linked_row = next((i for i, c in enumerate(rows) if c.entity_id == m.entity_id), 0)
            self.candidates.selectRow(linked_row)

    def _search_to_candidates(self) -> None:
        if self.model.rowCount():
            self.candidates.setFocus()
            self.candidates.selectRow(0)

    def current_entity_id(self) -> Optional[int]:
        return self._mention.entity_id if self._mention is not None else None

    # -- linking

    def link_candidate(self, row: int) -> bool:
        """Link the mention to the candidate in ``row`` (0-based)."""
        c = self.model.candidate_at(row)
        if self.mention_id is None or c is None:
            return False
        return self.link_to(c.entity_id)

    def link_selected(self) -> bool:
        return self.link_candidate(self.candidates.currentIndex().row())

    def _stale(self) -> Changes:
        """What to re-read when a colleague changed the mention first: it and its article."""
        m = self._mention
        return Changes(articles=frozenset({m.article_id}), mentions=frozenset({m.id})) if m is not None else Changes()

    def link_to(self, entity_id: int) -> bool:
        mid = self.mention_id
        if mid is None:
            return False
        v = self._mention.version if self._mention is not None else None  # as the curator saw it
        if self.ops.run(lambda db: curation.link(db, mid, entity_id, seen_version=v), initiator=self,
                        stale=self._stale()) is None:
            return False
        self._after_link(mid)
        return True

    def unlink(self) -> bool:
        mid = self.mention_id
        if mid is None or self.current_entity_id() is None:
            return False
        v = self._mention.version if self._mention is not None else None
        if self.ops.run(lambda db: curation.link(db, mid, None, seen_version=v), initiator=self,
                        stale=self._stale()) is None:
            return False
        show_message(self.message, "")
        return True

    def new_entity_from_mention(self) -> Optional[int]:
        """Create an entity named after the mention (its type) and link the mention to it."""
        m = self._mention
        if m is None:
            return None
        ent = self.ops.run(lambda db: curation.create_entity(db, m.text, m.type, link_mention_id=m.id), initiator=self)
        if ent is None:
            return None
        self._after_link(m.id)
        # focus stays in the candidate list, so the curator's next key (J, Enter…) goes on with
        # curation instead of typing over the new entity's name; the form beside it is one Tab away
        self.candidates.setFocus()
        return ent.id

    def _after_link(self, mention_id: int) -> None:
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        show_message(self.message, "")
        self._load_candidates()
        if self.offer_apply:
            self.offer_apply_to_surface(mention_id)

    def offer_apply_to_surface(self, mention_id: int) -> Optional[ApplyLinkDialog]:
        """If other articles have unlinked mentions with the same surface, open (window-modal,
        without blocking) a dialog to link all or some of them; None when there are none."""
        try:
            pairs = kb.surface_matches(self.db, mention_id)
        except CurateError:
            return None
        if not pairs:
            return None
        if self.apply_dialog is not None:
            self.apply_dialog.reject()
        dlg = ApplyLinkDialog(self.db, mention_id, pairs, self)
        dlg.accepted.connect(lambda: self._apply_to_surface(mention_id, dlg.chosen_ids()))
        dlg.finished.connect(lambda _r: self._dialog_done(dlg))
        self.apply_dialog = dlg
        dlg.open()
        return dlg

    def _dialog_done(self, dlg: ApplyLinkDialog) -> None:
        if self.apply_dialog is dlg:
            self.apply_dialog = None
        dlg.deleteLater()

    def _apply_to_surface(self, mention_id: int, mention_ids: list[int]) -> int:
        if not mention_ids:
            return 0
        done = self.ops.run(lambda db: kb.apply_link_to_surface(db, mention_id, mention_ids=mention_ids),
                            initiator=self)
        if done is None:
            return 0
        n = done.count or 0
        show_message(self.message, f"Linked {n} more mention{'s' if n != 1 else ''} in other articles.", error=False)
        return n

    def _on_changes(self, changes: Changes, _initiator) -> None:
        """Reload when the shown mention, its entity or the candidates' entities changed."""
        if self.mention_id is None:
            return
        ent = self.current_entity_id()
        shown = {c.entity_id for c in self.model.candidates()}
        if (changes.everything or self.mention_id in changes.mentions or (ent is not None and ent in changes.entities)
                or shown & changes.entities or (changes.entities and self.search_edit.text().strip())
                or (self.proposal is not None and changes.mentions & {mid for mid, _a, _v in self.proposal.mentions})):
            self.refresh()


def _html(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
