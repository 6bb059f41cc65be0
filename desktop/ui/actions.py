"""Every window action in one place: name, menu text, shortcuts, the menu it lives in and the
window method it calls.  The cheat-sheet (Help menu) is generated from this table, so it cannot
drift from the real shortcuts.

Each handler (``MainWindow.do_<name>``) calls one core function and then refreshes the text,
the mention panel and the article's row in the list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:  # pragma: no cover
    from .main_window import MainWindow

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
    # Help
    ActionSpec("cheat_sheet", "&Keyboard cheat-sheet", ("F1",), "Help", group="View"),
    ActionSpec("about", "&About Curate", (), "Help"),
)

MENUS = ("File", "Edit", "Mention", "Article", "View", "Help")
#: separators after these actions in their menu
SEPARATORS_AFTER = {"connect_server", "find", "export", "cancel_job", "redo", "delete_mention", "add_type", "shrink_start",
                    "prev_mention", "mark_in_progress", "prev_article", "zoom_reset", "focus_link"}


def type_action_name(n: int) -> str:
    return f"type_{n}"


class Actions:
    """The registry: ``actions["confirm"]`` is the QAction; all are added to the window."""

    def __init__(self, window: "MainWindow"):
        self.window = window
        self.by_name: dict[str, QAction] = {}
        self.specs: dict[str, ActionSpec] = {}
        for spec in ACTIONS:
            self._make(spec, getattr(window, f"do_{spec.name}"))
        for n in range(1, TYPE_KEYS + 1):
            spec = ActionSpec(type_action_name(n), f"Type {n}", (str(n),), "Mention",
                              f"Set the selected mention's type (or add the selected text) as type {n}", group="Curation")
            self._make(spec, lambda _checked=False, n=n: window.do_type(n))

    def _make(self, spec: ActionSpec, handler: Callable) -> QAction:
        act = QAction(spec.text, self.window)
        act.setObjectName(f"action_{spec.name}")
        if spec.shortcuts:
            act.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if spec.tip:
            act.setStatusTip(spec.tip)
            act.setToolTip(f"{spec.tip} ({spec.shortcuts[0]})" if spec.shortcuts else spec.tip)
        act.setCheckable(spec.checkable)
        if spec.checkable:
            act.toggled.connect(handler)
        else:
            act.triggered.connect(lambda _checked=False, h=handler: h())
        self.window.addAction(act)
        self.by_name[spec.name] = act
        self.specs[spec.name] = spec
        return act

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
            if n <= len(names):
                act.setText(f"Type: {names[n - 1]}")
                act.setEnabled(True)
                act.setVisible(True)
            else:
                act.setText(f"Type {n}")
                act.setEnabled(False)
                act.setVisible(False)

    def cheat_sheet(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(group, [(keys, what)]) for the Help → Keyboard cheat-sheet."""
        groups: dict[str, list[tuple[str, str]]] = {}
        for name, spec in self.specs.items():
            if not spec.shortcuts or not spec.group:
                continue
            act = self.by_name[name]
            if name.startswith("type_") and not act.isEnabled():
                continue
            keys = " / ".join(QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in spec.shortcuts)
            # the spec's words, not the live label ("Undo Mark … done"); number keys show their type
            label = act.text() if name.startswith("type_") else spec.text
            groups.setdefault(spec.group, []).append((keys, label.replace("&", "")))
        order = ["Curation", "Boundaries", "Navigation", "Work", "View"]
        return [(g, groups[g]) for g in order if g in groups]
