"""What the commands share: exit codes, the database a command opens, the automatic backup
after a long write, JSON output."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

from desktop.errors import CurateError

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2

log = logging.getLogger("curate")


class _ServerTarget(str):
    """A ``postgresql://`` address given as --db / $CURATE_DB: passed on as it is (a Path
    would fold its ``//``); it always "exists" (the server says otherwise, in one line)."""

    def exists(self) -> bool:
        return True


def _db_path(args) -> tuple[Path, bool]:
    """(path, is_default)."""
    from desktop.db import is_server_url
    from desktop.paths import default_db_path

    if getattr(args, "user", None):
        from desktop.history import set_user

        set_user(args.user)
    target = args.db or os.environ.get("CURATE_DB")
    if target and is_server_url(target):
        return _ServerTarget(target), False  # type: ignore[return-value]
    if target:
        return Path(target), False
    return default_db_path(), True


def _open(args, *, must_exist: bool = False, read_only: bool = False):
    """The database of the command.  ``read_only`` for commands that only read: an existing
    file is then opened read-only and never written (a missing one is still created)."""
    from desktop.seeds import open_or_create

    path, is_default = _db_path(args)
    if must_exist and not path.exists():
        raise CurateError(f"{path}: no such database")
    if read_only and (isinstance(path, _ServerTarget) or path.exists() and path.stat().st_size > 0):
        from desktop.db import Database

        return Database(path, create=False, read_only=True)
    db, _created = open_or_create(path, with_seeds=is_default)
    return db


def _backup_after_write(db, started: float) -> None:
    """Automatic backup after a long command-line write (see desktop.backups); never fatal."""
    from desktop import backups

    try:
        made = backups.after_cli_write(db, started)
    except CurateError as exc:
        print(f"curate: note: no automatic backup ({exc})", file=sys.stderr)
        return
    if made:
        log.info("backup %s", made)


def _print_json(obj) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
