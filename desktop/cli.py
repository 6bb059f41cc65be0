"""The `curate` command line.  With no command it opens the main window.

Errors a user can cause (missing file, bad CSV, locked or damaged database, bad query) print one
line on stderr and exit non-zero; an unexpected internal error prints one line naming the log
file that holds the traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import traceback
from pathlib import Path
from typing import Optional, Sequence

from desktop import __version__
from desktop.errors import CurateError
from desktop.language.packs import article_languages as _article_languages
from desktop.vocabulary import ARTICLE_STATUSES, EXPORT_STATUSES

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
MAX_LIMIT = 1_000_000

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


def _limit(text: str) -> int:
    """--limit: a whole number from 1 to 1,000,000 (argparse shows the message)."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= n <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"{text} is out of range (1 to {MAX_LIMIT:,})")
    return n


def _megabytes(text: str) -> int:
    try:
        n = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of megabytes") from None
    if not 0 < n <= 100_000:
        raise argparse.ArgumentTypeError(f"{text} MB is out of range (above 0, at most 100000)")
    return int(n * 1024 * 1024)


def _print_json(obj) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


# -- commands -------------------------------------------------------------------------------------


def cmd_import(args) -> int:
    import time

    from desktop.importing import MAX_FILE_BYTES, import_paths

    started = time.monotonic()
    db = _open(args)
    report = import_paths(db, args.paths, detect=not args.no_detect,
                          max_file_bytes=args.max_file_size or MAX_FILE_BYTES, as_suggestions=args.as_suggestions,
                          text_only=args.text_only, encoding=args.encoding, csv_delimiter=args.csv_delimiter)
    print(report.summary())
    for line in report.details():
        print(f"  {line}")
    for f in report.failed:
        print(f"  failed: {f}")
    if report.stopped:
        print(f"curate: {report.stopped}", file=sys.stderr)
        return EXIT_FAIL
    if report.imported:
        _backup_after_write(db, started)
        from desktop.detection.learning import store

        if store.train_detached_if_due(db) is not None:  # confirmed mentions came in: learn from them
            print("  learning: training the model in the background on the new confirmations")
    return EXIT_FAIL if report.failed else EXIT_OK


def cmd_detect(args) -> int:
    import time

    from desktop.detection.service import detect_articles

    started = time.monotonic()
    db = _open(args)
    db.refuse_if_read_only()
    ids = args.article or None
    if ids:
        from desktop.importing import pending_detection

        ids = sorted(set(ids) | set(pending_detection(db)))  # finish what a killed import left
    if args.link_threshold is not None:
        if not 0.0 < args.link_threshold <= 1.0:
            raise CurateError(f"--link-threshold {args.link_threshold}: must be above 0 and at most 1")
    res = detect_articles(db, ids, link=not args.no_link, link_threshold=args.link_threshold)
    print(f"detected over {res.articles} articles: {res.added} new suggestions, {res.linked} linked")
    _backup_after_write(db, started)
    return EXIT_OK


def cmd_learn(args) -> int:
    from desktop.detection.learning import store

    db = _open(args)
    if args.reset:
        n = store.reset(db)
        print(f"dropped the learned model ({n} trainings); suggestions come from the rules, the lists and the "
              f"learned surfaces again")
        return EXIT_OK
    rep = store.train(db)
    if args.json:
        _print_json(dict(version=rep.version, articles=rep.articles, mentions=rep.mentions, active=rep.active,
                         seconds=round(rep.seconds, 2), evaluation=rep.evaluation))
        return EXIT_OK
    print(f"model {rep.version}: trained on {rep.mentions} confirmed mentions in {rep.articles} articles "
          f"in {rep.seconds:.1f} s")
    for line in store.evaluation_lines(rep.evaluation):
        print(line)
    print("the model makes suggestions (it beat the rules and lists held out)" if rep.active else
          "the model makes no suggestions (it did not beat the rules and lists held out)")
    return EXIT_OK


def cmd_export(args) -> int:
    from desktop.exporting import export

    db = _open(args, read_only=True)
    files = export(db, args.out, fmt=args.format, status=args.status, all_entities=args.all_entities)
    for f in files:
        print(f)
    return EXIT_OK


def cmd_kb(args) -> int:
    from desktop import kb_files as kb

    db = _open(args)
    path = Path(args.file)
    is_json = path.suffix.lower() == ".json"
    if args.kb_command == "import":
        if not path.is_file():
            raise CurateError(f"{path}: no such file")
        import time

        started = time.monotonic()
        db.refuse_if_read_only()
        rep = kb.import_file(db, path, type=getattr(args, "type", None))
        _backup_after_write(db, started)
        print(f"entities created {rep.created}, updated {rep.updated}, aliases added {rep.aliases_added}, "
              f"failed {len(rep.failed)}")
        for d in rep.differences:
            print(f"  kept: {d}")
        for f in rep.failed:
            print(f"  failed: {f}")
        return EXIT_FAIL if rep.failed else EXIT_OK
    n = kb.export_json(db, path) if is_json else kb.export_csv(db, path)
    print(f"{path}: {n} entities" if isinstance(n, int) else str(path))
    return EXIT_OK


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


def cmd_undo(args) -> int:
    from desktop import history

    db = _open(args)
    if getattr(args, "skip", False):
        entry = history.skip(db)
        if entry is None:
            print("nothing to skip")
            return EXIT_FAIL
        print(f"skipped: {entry.summary} (it stays applied; the next undo takes the action before it)")
        return EXIT_OK
    fn = history.undo if args.command == "undo" else history.redo
    entry = fn(db)
    if entry is None:
        print(f"nothing to {args.command} for {history.current_user()}")
        return EXIT_FAIL
    print(f"{args.command}: {entry.summary}")
    return EXIT_OK


def cmd_mention(args) -> int:
    from desktop import curation

    db = _open(args)
    verb = args.mention_command
    if verb in ("confirm", "reject"):
        fn = curation.confirm if verb == "confirm" else curation.reject
        for mid in args.ids:
            m = fn(db, mid).value
            print(f"{verb}ed mention {m.id} ‘{m.text}’" if verb == "confirm" else f"rejected mention {m.id} ‘{m.text}’")
    elif verb == "type":
        m = curation.set_type(db, args.id, args.type.upper()).value
        print(f"mention {m.id} ‘{m.text}’ is {m.type}")
    elif verb == "link":
        m = curation.link(db, args.id, args.entity_id).value
        print(f"mention {m.id} ‘{m.text}’ linked to entity {m.entity_id}")
    else:
        m = curation.add_mention(db, args.article, args.start, args.end, args.type.upper()).value
        print(f"mention {m.id} {m.start}-{m.end} ‘{m.text}’ {m.type}")
    return EXIT_OK


def cmd_article(args) -> int:
    from desktop import curation

    db = _open(args)
    art = curation.set_article_status(db, args.id, args.status).value
    print(f"article {art.id} is {art.status.replace('_', ' ')}")
    return EXIT_OK


def cmd_assign(args) -> int:
    from desktop.team import assign

    db = _open(args)
    ids = assign(db, args.to, args.ids, status=args.status, count=args.count)
    print(f"assigned {len(ids)} article{'s' if len(ids) != 1 else ''} to {args.to or 'nobody'}"
          + (f": {' '.join(map(str, ids))}" if 0 < len(ids) <= 20 else ""))
    return EXIT_OK


def cmd_history(args) -> int:
    from desktop import history

    db = _open(args)
    rows = history.entries(db, limit=args.limit)
    if args.json:
        _print_json([{"id": h.id, "at": h.at, "user": h.user, "kind": h.kind, "action": h.action,
                      "summary": h.summary, "article_id": h.article_id, "state": h.state} for h in rows])
    else:
        for h in rows:
            mark = "" if h.kind != "action" or h.state == "done" else f" ({h.state})"
            print(f"{h.id}\t{h.at:%Y-%m-%d %H:%M:%S}\t{h.user}\t{h.kind}\t{h.summary}{mark}")
    return EXIT_OK


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


# -- parser ---------------------------------------------------------------------------------------


class _Lazy:
    """The choices of an option, read from :mod:`desktop.exporting` only when argparse checks a
    value or prints them: ``curate --help`` and commands that do not export never import the
    database stack (cold start)."""

    def __init__(self, name: str):
        self.name = name

    def _values(self) -> tuple:
        from desktop import exporting

        return tuple(getattr(exporting, self.name))

    def __contains__(self, value) -> bool:
        return value in self._values()

    def __iter__(self):
        return iter(self._values())

    def __len__(self) -> int:
        return len(self._values())


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="curate",
        description="Annotate and link persons, organisations, places, dates and events in news articles "
        "(Bengali, Hindi, English). With no command, opens the main window.",
    )
    p.add_argument("--version", action="version", version=f"curate {__version__}")
    p.add_argument("--licenses", action="store_true", help="list the licences of Curate and what it ships, then exit")
    p.add_argument("--db", metavar="PATH", help="database file, or postgresql://user@host:port/dbname for a team "
                   "server (password from ~/.pgpass or PGPASSWORD) (default: $CURATE_DB, else the per-user data folder)")
    p.add_argument("--user", metavar="NAME", help="the curator recorded in the history (default: $CURATE_USER, "
                   "else your login name)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("import", help="import files and folders (.txt .md .html .jsonl .json .csv .ann .conll)")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument("--no-detect", action="store_true", help="do not run entity detection on the new articles")
    s.add_argument("--max-file-size", type=_megabytes, metavar="MB",
                   help="skip files larger than this (default 50 MB)")
    s.add_argument("--as-suggestions", action="store_true",
                   help="bring a file's annotations in as suggestions (a model's pre-annotations)")
    s.add_argument("--text-only", action="store_true", help="import the texts and ignore the files' annotations")
    s.add_argument("--encoding", metavar="NAME", help="read the files in this encoding (latin-1, cp1252, utf-16-le…)")
    s.add_argument("--csv-delimiter", metavar="CHAR", help="CSV delimiter (default: comma; 'tab' for a tab)")
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("detect", help="run entity detection (idempotent)")
    s.add_argument("--article", type=int, action="append", metavar="ID", help="only this article (repeatable)")
    s.add_argument("--no-link", action="store_true", help="do not link suggestions to knowledge-base entities")
    s.add_argument("--link-threshold", type=float, metavar="SCORE",
                   help="link a suggestion when its best candidate scores at least this (0..1, default 0.80)")
    s.set_defaults(func=cmd_detect)

    s = sub.add_parser("learn", help="train the model on the confirmed mentions now and print its evaluation")
    s.add_argument("--reset", action="store_true", help="drop the learned model")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_learn)

    s = sub.add_parser("export", help="export curated data")
    s.add_argument("--format", choices=_Lazy("FORMATS"), default="csv", metavar="FORMAT",
                   help="%(choices)s (default: csv)")
    s.add_argument("--out", required=True, metavar="DIR")
    s.add_argument("--status", choices=EXPORT_STATUSES, default="confirmed", metavar="STATUS",
                   help="which mentions: %(choices)s (default: confirmed)")
    s.add_argument("--all-entities", action="store_true",
                   help="csv: entities.csv holds the whole knowledge base, not only the linked entities")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("kb", help="knowledge base files (CSV, or JSON by extension)")
    kbsub = s.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    for name, help_ in (("import", "import entities and aliases"), ("export", "export the knowledge base")):
        k = kbsub.add_parser(name, help=help_)
        k.add_argument("file", metavar="FILE")
        if name == "import":
            k.add_argument("--type", metavar="TYPE",
                           help="entity type of a Wikidata file's rows that have no type column")
        k.set_defaults(func=cmd_kb)

    s = sub.add_parser("search", help="full-text search over titles and texts")
    s.add_argument("query", help="words to find (a query starting with '-' is fine: curate search -- -word)")
    s.add_argument("--json", action="store_true")
    s.add_argument("--limit", type=_limit, default=50, help=f"at most this many (1 to {MAX_LIMIT:,}, default 50)")
    s.set_defaults(func=cmd_search)

    s = sub.add_parser("list", help="articles with mention counts per status")
    s.add_argument("--json", action="store_true")
    s.add_argument("--status", choices=ARTICLE_STATUSES)
    s.add_argument("--language", choices=_article_languages())
    s.set_defaults(func=cmd_list)

    s = sub.add_parser("stats", help="totals")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_stats)

    s = sub.add_parser("check", help="integrity check (non-zero exit when damaged)")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("backup", help="consistent copy of the database (safe while the app runs)")
    s.add_argument("file", metavar="FILE")
    s.set_defaults(func=cmd_backup)

    s = sub.add_parser("backups", help="list the automatic backups of the database, newest first")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_backups)

    s = sub.add_parser("restore", help="restore a backup (the current database is saved as a backup first)")
    s.add_argument("backup", metavar="BACKUP")
    s.set_defaults(func=cmd_restore)

    s = sub.add_parser("recover", help="salvage every readable row of a damaged database into a new one")
    s.add_argument("damaged", metavar="DAMAGED")
    s.add_argument("new", metavar="NEW.db")
    s.set_defaults(func=cmd_recover)

    for name in ("undo", "redo"):
        s = sub.add_parser(name, help=f"{name} your last curation action")
        if name == "undo":
            s.add_argument("--skip", action="store_true",
                           help="give up undoing your last action (it stays applied), so undo goes on with older ones")
        s.set_defaults(func=cmd_undo)

    s = sub.add_parser("mention", help="curate mentions: confirm, reject, type, link, add")
    msub = s.add_subparsers(dest="mention_command", metavar="ACTION", required=True)
    for verb in ("confirm", "reject"):
        m = msub.add_parser(verb, help=f"{verb} mentions")
        m.add_argument("ids", nargs="+", type=int, metavar="ID")
    m = msub.add_parser("type", help="set a mention's type (it is confirmed)")
    m.add_argument("id", type=int, metavar="ID")
    m.add_argument("type", metavar="TYPE")
    m = msub.add_parser("link", help="link a mention to an entity")
    m.add_argument("id", type=int, metavar="ID")
    m.add_argument("entity_id", type=int, metavar="ENTITY_ID")
    m = msub.add_parser("add", help="add a confirmed mention (code-point offsets, end exclusive)")
    m.add_argument("article", type=int, metavar="ARTICLE")
    m.add_argument("start", type=int, metavar="START")
    m.add_argument("end", type=int, metavar="END")
    m.add_argument("type", metavar="TYPE")
    s.set_defaults(func=cmd_mention)

    s = sub.add_parser("article", help="article status")
    asub = s.add_subparsers(dest="article_command", metavar="ACTION", required=True)
    a = asub.add_parser("status", help="set an article's status")
    a.add_argument("id", type=int, metavar="ID")
    a.add_argument("status", choices=ARTICLE_STATUSES)
    s.set_defaults(func=cmd_article)

    s = sub.add_parser("assign", help="give articles to a curator (team mode)")
    s.add_argument("--to", required=True, metavar="NAME", help="the curator ('' takes them back)")
    s.add_argument("ids", nargs="*", type=int, metavar="ID")
    s.add_argument("--status", choices=ARTICLE_STATUSES, help="pick unassigned articles with this status")
    s.add_argument("--count", type=int, help="how many to pick with --status (default 50)")
    s.set_defaults(func=cmd_assign)

    s = sub.add_parser("history", help="the log of curation actions, newest first")
    s.add_argument("--json", action="store_true")
    s.add_argument("--limit", type=_limit, default=50)
    s.set_defaults(func=cmd_history)

    s = sub.add_parser("selftest", help="check the installation in a temporary database (exit 0 or 1)")
    s.add_argument("--quiet", action="store_true")
    s.set_defaults(func=cmd_selftest)
    return p


def _log_internal_error(exc: BaseException) -> str:
    try:
        from desktop.paths import user_log_dir

        d = user_log_dir()
        d.mkdir(parents=True, exist_ok=True)
        f = d / "curate.log"
        with open(f, "a", encoding="utf-8") as fh:
            fh.write("".join(traceback.format_exception(exc)))
        return str(f)
    except OSError:
        return "(log not writable)"


def _search_terms_first(argv: list[str]) -> list[str]:
    """`curate search -ভারত`: a word after `search` that starts with '-' but is no option of
    ours is a query, not an option (argparse would refuse it): pass it after '--'."""
    i = 0
    while i < len(argv) and argv[i].startswith("-"):  # global options before the command
        i += 2 if argv[i] == "--db" else 1
    if i >= len(argv) or argv[i] != "search" or "--" in argv:
        return argv
    known = {"-h", "--help", "--json", "--limit"}
    head, rest, terms = argv[:i + 1], [], []
    tail = argv[i + 1:]
    j = 0
    while j < len(tail):
        tok = tail[j]
        if tok.startswith("-") and len(tok) > 1 and tok.split("=", 1)[0] not in known:
            terms.append(tok)
        else:
            rest.append(tok)
            if tok == "--limit" and j + 1 < len(tail):
                rest.append(tail[j + 1])
                j += 1
        j += 1
    return head + rest + (["--", *terms] if terms else [])


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    argv = _search_terms_first(list(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    if args.licenses:
        from desktop.licenses import summary

        print(summary())
        return EXIT_OK
    if not getattr(args, "func", None):
        args.func = cmd_gui
    try:
        return args.func(args)
    except CurateError as exc:
        print(f"curate: {exc}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        print("curate: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # an internal error: one line here, the traceback in the log
        where = _log_internal_error(exc)
        print(f"curate: internal error: {exc.__class__.__name__}: {exc} (details in {where})", file=sys.stderr)
        return 70


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
