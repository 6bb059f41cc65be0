"""The database file itself: `curate check`, `backup`, `backups`, `restore`, `recover`."""

from __future__ import annotations

from desktop.cli.common import EXIT_FAIL, EXIT_OK, _db_path, _open, _print_json
from desktop.errors import CurateError


def cmd_check(args) -> int:
    from desktop.db import Database

    path, _ = _db_path(args)
    if not path.exists():
        raise CurateError(f"{path}: no such database")
    db = Database(path, create=False, read_only=True)  # a check never writes
    path = db.path  # a server URL without any password
    problems = db.check()
    for p in problems:
        print(p)
    print(f"{path}: {'ok' if not problems else f'{len(problems)} problem(s)'} (schema {db.schema_version()})")
    return EXIT_FAIL if problems else EXIT_OK


def cmd_backup(args) -> int:
    db = _open(args, must_exist=True)
    db.backup(args.file)
    print(f"backed up to {args.file}")
    return EXIT_OK


def cmd_backups(args) -> int:
    from desktop import backups

    path, _ = _db_path(args)
    rows = backups.list_backups(path)
    if args.json:
        _print_json([{"file": str(b.path), "at": b.at.isoformat(), "articles": b.articles,
                      "mentions": b.mentions, "problem": b.problem} for b in rows])
        return EXIT_OK
    if not rows:
        print(f"no backups of {path} yet (they are kept in {backups.backup_dir(path)})")
        return EXIT_OK
    print("date\tarticles\tmentions\tfile")
    for b in rows:
        extra = f"\t(unreadable: {b.problem})" if b.problem else ""
        print(f"{b.at:%Y-%m-%d %H:%M:%S}\t{b.articles if b.articles is not None else '?'}\t"
              f"{b.mentions if b.mentions is not None else '?'}\t{b.path}{extra}")
    return EXIT_OK


def cmd_restore(args) -> int:
    from desktop import backups
    from desktop.db import Database

    path, _ = _db_path(args)
    if not path.exists():
        raise CurateError(f"{path}: no such database")
    db = Database(path, create=False)
    safety = backups.restore(db, args.backup)
    print(f"restored {args.backup} into {path}; the previous content was saved as {safety}")
    return EXIT_OK


def cmd_recover(args) -> int:
    from desktop import backups

    rep = backups.recover(args.damaged, args.new)
    print(rep.summary())
    for line in rep.lost[:200]:
        print(f"  not recovered: {line}")
    if len(rep.lost) > 200:
        print(f"  ... and {len(rep.lost) - 200} more")
    print(f"the salvaged database is {args.new}; check it with: curate --db {args.new} check")
    return EXIT_FAIL if rep.lost else EXIT_OK
