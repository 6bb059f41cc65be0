"""File → Import: the choice of what to do with the annotations a file carries."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.importing import FILE_FILTERS

#: extensions whose files can carry annotations
ANNOTATED = {".jsonl", ".json", ".ann", ".conll", ".iob", ".iob2", ".bio"}


def dialog_filter() -> str:
    return ";;".join(FILE_FILTERS) + ";;All files (*)"


def ask_annotation_mode(parent: QWidget, files: list[str]) -> Optional[dict]:
    """Keyword arguments for import_paths (as_suggestions, text_only), or None when cancelled.
    Asks only when a chosen file can carry annotations."""
    if not any(Path(f).suffix.lower() in ANNOTATED for f in files):
        return {}
    box = QMessageBox(QMessageBox.Icon.Question, "Import annotations",
                      "These files may carry annotations (mentions, relations). Bring them in…", parent=parent)
    keep = box.addButton("As they are", QMessageBox.ButtonRole.AcceptRole)
    sugg = box.addButton("As suggestions", QMessageBox.ButtonRole.AcceptRole)
    text = box.addButton("Text only", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(keep)
    box.exec()
    clicked = box.clickedButton()
    if clicked is keep:
        return {}
    if clicked is sugg:
        return {"as_suggestions": True}
    if clicked is text:
        return {"text_only": True}
    return None
