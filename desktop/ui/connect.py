"""File → Connect to Server…: switch the window to a team database on PostgreSQL.

The address is libpq's ``postgresql://user@host:port/dbname`` (``?sslmode=…`` allowed); the
password comes from ``~/.pgpass`` or ``PGPASSWORD``.  A password typed into the address is used
for this session only: the address Curate remembers (so ``curate`` reopens the server next time)
and shows never holds it."""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from desktop.db import Database, is_server_url
from desktop.errors import CurateError

PROMPT = ("Server database (postgresql://user@host:5432/dbname).\n"
          "The password is read from ~/.pgpass or PGPASSWORD; Curate never stores it.")


def ask_address(window: Any, current: str = "") -> Optional[str]:
    text, ok = QInputDialog.getText(window, "Connect to Server", PROMPT, QLineEdit.EchoMode.Normal,
                                    current or "postgresql://")
    return text.strip() if ok and text.strip() else None


def connect_to_server(window: Any, address: Optional[str] = None) -> bool:
    """Open ``address`` (asked for when None) and switch ``window`` to it; one message when it
    cannot be opened (the current database stays open)."""
    if address is None:
        address = ask_address(window, window.db.path if window.db.server else "")
        if address is None:
            return False
    if not is_server_url(address):
        QMessageBox.warning(window, "Connect to Server", "The address must start with postgresql://")
        return False
    try:
        db = Database(address)
    except CurateError as exc:
        QMessageBox.warning(window, "Cannot connect", f"{exc}\n\nStill working in {window.db.path}.")
        return False
    window.set_database(db)
    return True


def remembered(db: Database) -> str:
    """What the settings keep to reopen ``db`` next time (a server address has no password)."""
    from pathlib import Path

    return db.path if db.server else str(Path(db.path).resolve())
