"""Every shortcut of the window in one table: name, menu text, keys, the menu it lives in, the
tool-bar icon and the cheat-sheet group.  The F1 cheat-sheet is generated from this table
(tests/test_ui_window.py checks that every QAction and QShortcut of the window is in it), so it
cannot drift from the real keys.

Handlers are bound by reference: each controller calls :meth:`Actions.bind` with its own method
for the names it serves (``actions.bind("confirm", curation.confirm)``), and
:meth:`Actions.check_bound` refuses a table entry nobody serves.  Keys that work inside one panel
only (the link panel's candidate list) are :class:`PanelKey` rows of the same table: the panel
reads its keys from here, and the cheat-sheet lists them under the panel's name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget

#: number keys change the type (or add a mention from a selection) in the type table's order
TYPE_KEYS = 9


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    shortcuts: tuple[str, ...] = ()
    menu: str = ""
    tip: str = ""
    checkable: bool = False
    group: str = ""  # heading in the cheat-sheet
    icon: str = ""   # a QStyle standard pixmap name, for the tool bar


@dataclass(frozen=True)
class PanelKey:
    """A key that works inside one panel (not a window action)."""

    panel: str
    keys: tuple[str, ...]
    text: str
    name: str = ""


ACTIONS: tuple[ActionSpec, ...] = (
    # File
    ActionSpec("open_database", "&Open database…", ("Ctrl+Alt+O",), "File",
               "Switch to another Curate database file", group="Work"),
    ActionSpec("new_database", "&New database…", ("Ctrl+Alt+N",), "File",
               "Create an empty Curate database (with the starter knowledge base) and switch to it", group="Work"),
    ActionSpec("connect_server", "Connect to &Server…", (), "File",
               "Work on a team database on a PostgreSQL server (postgresql://user@host/dbname)", group="Work"),
    ActionSpec("import_files", "&Import files…", ("Ctrl+O",), "File", "Import text, HTML, Markdown, JSONL or CSV files", group="Work"),
    ActionSpec("import_folder", "Import &folder…", ("Ctrl+Shift+O",), "File", "Import every supported file in a folder", group="Work"),
    ActionSpec("export", "&Export…", ("Ctrl+E",), "File", "Export annotations as CSV, JSONL or CoNLL", group="Work"),
    ActionSpec("cancel_job", "&Cancel running job", ("Ctrl+.",), "File", group="Work"),
    ActionSpec("quit", "&Quit", ("Ctrl+Q",), "File", group="Work"),
    # Edit
    ActionSpec("undo", "&Undo", ("Ctrl+Z",), "Edit", group="Curation"),
    ActionSpec("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Edit", group="Curation"),
    ActionSpec("find", "&Search articles", ("Ctrl+F",), "Edit", "Full-text search over titles and texts", group="Navigation"),
    ActionSpec("find_next", "Next search &hit", ("F3",), "Edit", "Go to the next hit of the search in the text",
               group="Navigation"),
    ActionSpec("find_prev", "Previous search hit", ("Shift+F3",), "Edit", group="Navigation"),
    ActionSpec("preferences", "&Preferences…", ("Ctrl+,",), "Edit",
               "Auto-link threshold, text size, whether rejected mentions show", group="View"),
    # Mention
    ActionSpec("confirm", "&Confirm mention", ("Return", "Enter"), "Mention", "Confirm the selected mention", group="Curation"),
    ActionSpec("reject", "&Reject mention", ("Delete", "Backspace"), "Mention", "Reject the selected mention", group="Curation"),
    ActionSpec("delete_mention", "De&lete mention", ("Shift+Delete",), "Mention", "Remove the mention altogether", group="Curation"),
    ActionSpec("add_from_selection", "&Add mention from selection", ("A",), "Mention",
               "Add the selected text as a mention of the selected mention's type (or the first type); "
               "a number key picks the type", group="Curation"),
    ActionSpec("apply_link_elsewhere", "Apply &link to the same surface elsewhere…", ("Ctrl+Shift+L",), "Mention",
               "Link the unlinked mentions with the same text in other articles to this mention's entity "
               "(all, or one by one)", group="Curation"),
    ActionSpec("add_type", "New entity &type…", ("Ctrl+T",), "Mention",
               "Add an entity type (it gets the next number key)", group="Curation"),
    ActionSpec("span_from_selection", "Set &boundaries from selection", ("B",), "Mention",
               "Move the selected mention to the selected text", group="Boundaries"),
    ActionSpec("grow_end", "Grow end", ("Shift+Right",), "Mention", "Extend the mention by one character cluster at the end", group="Boundaries"),
    ActionSpec("shrink_end", "Shrink end", ("Shift+Left",), "Mention", group="Boundaries"),
    ActionSpec("grow_start", "Grow start", ("Alt+Left",), "Mention", "Extend the mention by one character cluster at the start", group="Boundaries"),
    ActionSpec("shrink_start", "Shrink start", ("Alt+Right",), "Mention", group="Boundaries"),
    ActionSpec("grow_end_word", "Grow end by a word", ("Ctrl+Shift+Right",), "Mention", group="Boundaries"),
    ActionSpec("shrink_end_word", "Shrink end by a word", ("Ctrl+Shift+Left",), "Mention", group="Boundaries"),
    ActionSpec("grow_start_word", "Grow start by a word", ("Ctrl+Alt+Left",), "Mention", group="Boundaries"),
    ActionSpec("shrink_start_word", "Shrink start by a word", ("Ctrl+Alt+Right",), "Mention", group="Boundaries"),
    ActionSpec("next_suggestion", "&Next suggestion", ("J",), "Mention", group="Navigation"),
    ActionSpec("prev_suggestion", "&Previous suggestion", ("K",), "Mention", group="Navigation"),
    ActionSpec("next_mention", "Next mention", ("L",), "Mention", group="Navigation"),
    ActionSpec("prev_mention", "Previous mention", ("H",), "Mention", group="Navigation"),
    ActionSpec("deselect", "Deselect", ("Escape",), "Mention", group="Navigation"),
    # Article
    ActionSpec("confirm_all", "Confirm &all suggestions", ("Ctrl+Return", "Ctrl+Enter"), "Article", group="Curation"),
    ActionSpec("mark_done", "Mark article &done", ("Ctrl+D",), "Article", "Mark done and go to the next article", group="Curation"),
    ActionSpec("mark_in_progress", "Mark article in &progress", ("Ctrl+Shift+D",), "Article", group="Curation"),
    ActionSpec("next_article", "Ne&xt article", ("Ctrl+PgDown", "]"), "Article", group="Navigation"),
    ActionSpec("prev_article", "Pre&vious article", ("Ctrl+PgUp", "["), "Article", group="Navigation"),
    ActionSpec("assign", "A&ssign to…", (), "Article",
               "Give this article, or every article in the list, to a curator (team mode)", group="Work"),
    ActionSpec("detect_article", "&Detect in this article", ("Ctrl+R",), "Article", group="Work"),
    ActionSpec("detect_all", "Detect in &all articles", ("Ctrl+Shift+R",), "Article", group="Work"),
    # View
    ActionSpec("caret_mode", "&Caret mode (select text with the keyboard)", ("F7",), "View",
               "A caret in the text: arrows move it, Shift+arrows select whole letters (aksharas); "
               "then a number key or A adds the selection as a mention, B moves the selected mention to it",
               checkable=True, group="Navigation"),
    ActionSpec("toggle_rejected", "Show &rejected mentions", ("Ctrl+H",), "View", checkable=True, group="View"),
    ActionSpec("zoom_in", "Zoom &in", ("Ctrl++", "Ctrl+="), "View", group="View"),
    ActionSpec("zoom_out", "Zoom &out", ("Ctrl+-",), "View", group="View"),
    ActionSpec("zoom_reset", "&Reset zoom", ("Ctrl+0",), "View", group="View"),
    ActionSpec("focus_list", "Go to article &list", ("Ctrl+1",), "View", group="Navigation"),
    ActionSpec("focus_text", "Go to &text", ("Ctrl+2",), "View", group="Navigation"),
    ActionSpec("focus_mentions", "Go to &mentions", ("Ctrl+3",), "View", group="Navigation"),
    ActionSpec("focus_link", "Go to &link candidates", ("Ctrl+4",), "View",
               "Keys 1–9 there link the selected mention to a candidate", group="Navigation"),
    ActionSpec("toggle_kb", "&Knowledge base", ("Ctrl+K",), "View",
               "Show the knowledge-base browser with the keys in its filter box (again: hide it)", group="View"),
    ActionSpec("toggle_history", "&History", ("Ctrl+Shift+H",), "View", "Show every action, undone ones struck out",
               checkable=True, group="View"),
    # Help
    ActionSpec("cheat_sheet", "&Keyboard cheat-sheet", ("F1",), "Help", group="View"),
    ActionSpec("about", "&About Curate", (), "Help"),
)

MENUS = ("File", "Edit", "Mention", "Article", "View", "Help")
#: separators after these actions in their menu
SEPARATORS_AFTER = {"connect_server", "find_prev", "export", "cancel_job", "redo", "delete_mention", "add_type",
                    "shrink_start_word", "prev_mention", "mark_in_progress", "prev_article", "zoom_reset", "focus_link"}


#: keys inside panels, listed in the cheat-sheet under the panel's name
PANEL_KEYS: tuple[PanelKey, ...] = (
    PanelKey("Link panel", ("1", "2", "…", "9"), "Link the mention to the n-th candidate", "link_n"),
    PanelKey("Link panel", ("Return",), "Link to the selected candidate", "link_selected"),
    PanelKey("Link panel", ("N",), "New entity from the mention, linked", "new_entity"),
    PanelKey("Link panel", ("U",), "Unlink the mention", "unlink"),
    PanelKey("Link panel", ("/",), "Search the knowledge base (all types, all scripts)", "search"),
    PanelKey("Knowledge base", ("Delete",), "Delete the selected entity (asks first)", "delete_entity"),
    PanelKey("Knowledge base", ("Return",), "In Mentions: open the mention in its article", "jump"),
    PanelKey("Article list", ("Home", "End"), "First / last article", "first_last"),
)

#: tool-bar actions (None: a separator); each has an icon and a tooltip naming its key
TOOLBAR = ("import_files", "export", None, "undo", "redo", None, "confirm", "reject", "confirm_all", "mark_done",
           None, "prev_article", "next_article", None, "detect_article", "toggle_rejected", "toggle_kb")
ICONS = {
    "import_files": "SP_DialogOpenButton", "export": "SP_DialogSaveButton", "undo": "SP_ArrowBack",
    "redo": "SP_ArrowForward", "confirm": "SP_DialogApplyButton", "reject": "SP_DialogCancelButton",
    "confirm_all": "SP_DialogOkButton", "mark_done": "SP_DialogYesButton", "prev_article": "SP_ArrowUp",
    "next_article": "SP_ArrowDown", "detect_article": "SP_BrowserReload", "toggle_rejected": "SP_TrashIcon",
    "toggle_kb": "SP_FileDialogDetailedView",
}


def type_action_name(n: int) -> str:
    return f"type_{n}"


class Actions:
    """The registry: ``actions["confirm"]`` is the QAction; all are added to the window."""

    type_action_name = staticmethod(type_action_name)

    def __init__(self, window: QWidget):
        self.window = window
        self.by_name: dict[str, QAction] = {}
        self.specs: dict[str, ActionSpec] = {}
        self._handlers: dict[str, Callable] = {}
        for spec in ACTIONS:
            self._make(spec)
        for n in range(1, TYPE_KEYS + 1):
            self._make(ActionSpec(type_action_name(n), f"Type {n}", (str(n),), "Mention",
                                  f"Set the selected mention's type (or add the selected text) as type {n}",
                                  group="Curation"))

    def _make(self, spec: ActionSpec) -> QAction:
        act = QAction(spec.text, self.window)
        act.setObjectName(f"action_{spec.name}")
        if spec.shortcuts:
            act.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        key = f" ({spec.shortcuts[0]})" if spec.shortcuts else ""
        act.setStatusTip(spec.tip)
        act.setToolTip(f"{spec.tip or spec.text.replace('&', '')}{key}")
        if spec.name in ICONS:
            act.setIcon(self.window.style().standardIcon(getattr(QStyle.StandardPixmap, ICONS[spec.name])))
        act.setCheckable(spec.checkable)
        self.window.addAction(act)
        self.by_name[spec.name] = act
        self.specs[spec.name] = spec
        return act

    def bind(self, name: str, handler: Callable) -> None:
        """Serve action ``name`` with ``handler`` (checkable actions get the new state)."""
        if name not in self.by_name:
            raise KeyError(f"no action {name!r} in the table")
        if name in self._handlers:
            raise ValueError(f"action {name!r} is bound twice")
        act = self.by_name[name]
        self._handlers[name] = handler
        if self.specs[name].checkable:
            act.toggled.connect(handler)
        else:
            act.triggered.connect(lambda _checked=False: handler())

    def unbound(self) -> list[str]:
        return [n for n in self.by_name if n not in self._handlers]

    def check_bound(self) -> None:
        missing = self.unbound()
        if missing:
            raise RuntimeError(f"actions nobody serves: {', '.join(missing)}")

    def __getitem__(self, name: str) -> QAction:
        return self.by_name[name]

    def get(self, name: str) -> Optional[QAction]:
        return self.by_name.get(name)

    def menu_actions(self, menu: str) -> list[str]:
        return [s.name for s in ACTIONS if s.menu == menu]

    def set_type_names(self, names: list[str]) -> None:
        """Label the number-key actions with the type table's names (unused keys are disabled)."""
        for n in range(1, TYPE_KEYS + 1):
            act = self.by_name[type_action_name(n)]
            used = n <= len(names)
            act.setText(f"Type: {names[n - 1]}" if used else f"Type {n}")
            act.setEnabled(used)
            act.setVisible(used)

    def cheat_sheet(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(group, [(keys, what)]) for the Help → Keyboard cheat-sheet: every action with a key,
        then the panels' keys."""
        groups: dict[str, list[tuple[str, str]]] = {}
        for name, spec in self.specs.items():
            act = self.by_name[name]
            if not spec.shortcuts or (name.startswith("type_") and not act.isEnabled()):
                continue
            keys = " / ".join(QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in spec.shortcuts)
            # the spec's words, not the live label ("Undo Mark … done"); number keys show their type
            label = act.text() if name.startswith("type_") else spec.text
            groups.setdefault(spec.group or "Other", []).append((keys, label.replace("&", "")))
        for pk in PANEL_KEYS:
            groups.setdefault(pk.panel, []).append((" ".join(pk.keys), pk.text))
        order = ["Curation", "Boundaries", "Navigation", "Work", "View", "Other"]
        order += [p for p in dict.fromkeys(pk.panel for pk in PANEL_KEYS)]
        return [(g, groups[g]) for g in order if g in groups]


def panel_keys(panel: str) -> dict[str, PanelKey]:
    """The keys of ``panel`` by name (the panel binds its key handlers from these)."""
    return {pk.name: pk for pk in PANEL_KEYS if pk.panel == panel}
