"""Choosing and opening another database file (File → Open database, New database)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.db import Database

FILTER = "Curate databases (*.db *.sqlite *.sqlite3);;All files (*)"


def choose_existing(parent: QWidget, current: str) -> Optional[str]:
    path, _ = QFileDialog.getOpenFileName(parent, "Open a Curate database", str(Path(current).resolve().parent), FILTER)
    return path or None


def choose_new(parent: QWidget, current: str) -> Optional[str]:
    start = str(Path(current).resolve().parent / "curate-new.db")
    path, _ = QFileDialog.getSaveFileName(parent, "New Curate database", start, "Curate databases (*.db)")
    if not path:
        return None
    return path if Path(path).suffix else path + ".db"


def open_database(p: Path, *, create: bool) -> Database:
    """The Curate database at ``p`` (``create``: made with the starter knowledge base, no
    articles); a CurateError when an existing file is not one."""
    from desktop.db import probe_existing
    from desktop.seeds import open_or_create

    if p.exists() and (not create or p.stat().st_size > 0):
        probe_existing(p)  # an existing file is opened only when it is a Curate database
    return open_or_create(p, with_seeds=False)[0] if create else Database(p, create=False)
