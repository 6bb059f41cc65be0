"""The application itself: the main window (no command) and `curate selftest`."""

from __future__ import annotations

from pathlib import Path

from desktop.cli.common import _db_path, _ServerTarget


def cmd_selftest(args) -> int:
    from desktop.selftest import run

    return run(verbose=not args.quiet)


def cmd_gui(args) -> int:
    from desktop.seeds import open_or_create

    path, is_default = _db_path(args)
    if is_default:  # no --db, no $CURATE_DB: the database the window had open last time
        from desktop.ui.app import remembered_database

        last = remembered_database()
        path = _ServerTarget(last) if last and last.startswith("postgres") else Path(last or path)
    # a new database opened in the window gets the starter knowledge base and the seed articles
    db, _created = open_or_create(path, with_seeds=True)
    db.close()
    from desktop.ui.app import run

    return run(str(path))
