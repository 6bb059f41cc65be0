"""The argparse tree of `curate`: global options, one subcommand per command, each pointing at
its ``cmd_*`` function."""

from __future__ import annotations

import argparse

from desktop import __version__
from desktop.cli.app import cmd_selftest
from desktop.cli.articles import cmd_detect, cmd_export, cmd_import, cmd_learn
from desktop.cli.curating import cmd_article, cmd_assign, cmd_history, cmd_mention, cmd_undo
from desktop.cli.database import cmd_backup, cmd_backups, cmd_check, cmd_recover, cmd_restore
from desktop.cli.knowledge import cmd_kb, cmd_proposals
from desktop.cli.reading import cmd_list, cmd_search, cmd_stats
from desktop.language.packs import article_languages as _article_languages
from desktop.vocabulary import ARTICLE_STATUSES, EXPORT_STATUSES

MAX_LIMIT = 1_000_000


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

    s = sub.add_parser("proposals", help="new entities proposed for names the knowledge base lacks: list or create them")
    s.add_argument("--min-mentions", type=_limit, default=1, metavar="N",
                   help="only proposals with at least N mentions (default 1)")
    s.add_argument("--type", metavar="TYPE", help="only proposals of this entity type")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--accept", metavar="KEY", help="create the entity of this proposal and link its mentions "
                   "(they stay suggested)")
    g.add_argument("--accept-all", action="store_true",
                   help="create every listed proposal's entity (with --min-mentions and --type)")
    s.add_argument("--name", metavar="NAME", help="with --accept: the entity's name (default: the proposed one)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_proposals)

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
