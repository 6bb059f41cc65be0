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


#: encodings offered when a file was refused as not UTF-8 (nothing is guessed: the curator picks)
ENCODINGS = ("cp1252", "latin-1", "utf-16-le", "utf-16-be", "cp1251", "mac-roman")
_ENCODING_REASONS = ("not UTF-8 text", "binary data (NUL bytes)")


def encoding_failures(report) -> list[str]:
    """Files the import refused for their encoding (those a known encoding could read)."""
    paths = [f.path for f in report.failed if f.line is None and f.reason.startswith(_ENCODING_REASONS)]
    return [p for p in dict.fromkeys(paths) if Path(p).is_file()]


def add_encoding_retry(parent: QWidget, box: QMessageBox, report, reimport) -> None:
    """An "Import again as…" button on the failure report, for files refused as not UTF-8;
    ``reimport(paths, encoding=...)`` starts the import again."""
    paths = encoding_failures(report)
    if not paths:
        return
    button = box.addButton("Import again as…", QMessageBox.ButtonRole.ActionRole)

    def retry() -> None:
        from PySide6.QtWidgets import QInputDialog

        enc, ok = QInputDialog.getItem(parent, "Import again", f"Encoding of {len(paths)} file(s):",
                                       list(ENCODINGS), 0, False)
        if ok and enc:
            reimport(paths, encoding=enc)

    button.clicked.connect(retry)
