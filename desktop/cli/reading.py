"""Read-only views of the articles: `curate search`, `list` (on a local file through the plain
sqlite3 path of desktop.db_light), `stats`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

from desktop.cli.common import EXIT_OK, _open, _print_json


def cmd_search(args) -> int:
    db = _open(args, read_only=True)
    hits = db.search(args.query, limit=args.limit)
    if args.json:
        _print_json([{"article_id": i, "title": t, "snippet": s} for i, t, s in hits])
    else:
        for i, t, s in hits:
            print(f"{i}\t{t}\t{s}")
        if not hits:
            print("no articles match", file=sys.stderr)
    return EXIT_OK


def _light_target(args) -> Optional[Path]:
    """The database file of a read-only command when the light read path may serve it: a local
    file named by --db, CURATE_DB or the default (no --user: that is for writes)."""
    if getattr(args, "user", None):
        return None
    target = args.db or os.environ.get("CURATE_DB")
    if not target:
        from desktop.paths import default_db_path

        target = default_db_path()
    return Path(target)


def cmd_list(args) -> int:
    from desktop import db_light

    target = _light_target(args)
    light = db_light.list_articles(target, args.status, args.language) if target is not None else None
    if light is not None:  # plain sqlite3: the common case without importing the database stack
        rows = [_Row(**dict(zip(db_light.ROW_FIELDS, r))) for r in light]
    else:
        from desktop.queries import ArticleFilter, list_articles

        db = _open(args, read_only=True)
        rows = list_articles(db, ArticleFilter(status=args.status, language=args.language))
    if args.json:
        _print_json([dict(r.__dict__) for r in rows])
    else:
        print("id\tlanguage\tstatus\tsuggested\tconfirmed\trejected\ttitle")
        for r in rows:
            print(f"{r.id}\t{r.language}\t{r.status}\t{r.suggested}\t{r.confirmed}\t{r.rejected}\t{r.title}")
    return EXIT_OK


class _Row:
    """A row of the light path, read like desktop.queries.ArticleRow."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


def cmd_stats(args) -> int:
    from desktop.queries import stats

    db = _open(args, read_only=True)
    st = stats(db)
    if args.json:
        _print_json(st)
    else:
        for k, v in st.items():
            if isinstance(v, dict):
                v = ", ".join(f"{kk} {vv}" for kk, vv in sorted(v.items())) or "-"
            print(f"{k.replace('_', ' ')}: {v}")
    return EXIT_OK
