"""The one module that owns the database: engine, connections, sessions, transactions,
migrations, full-text search, backup and integrity checks.

Everything SQLite-specific lives here (pragmas, FTS5, the online backup API, `user_version`).
Nothing else in Curate writes SQL; the window never touches this module directly except to open
a :class:`Database` and pass it to core functions.

Transactions: Python 3.11's sqlite3 driver opens transactions lazily and on its own terms, so
(as the SQLAlchemy docs describe for pysqlite) we switch the driver to autocommit mode on
connect and emit ``BEGIN`` ourselves when SQLAlchemy starts a transaction.  Writes go through
:meth:`Database.transaction`, which uses ``BEGIN IMMEDIATE`` so that a second writer waits for
the busy timeout instead of failing half-way.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Iterator

import regex
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel, create_engine, select

from desktop import models
from desktop.errors import CurateError

#: Current schema version, stored in ``PRAGMA user_version``.
SCHEMA_VERSION = 6

BUSY_TIMEOUT_MS = 5000
_SQLITE_MAGIC = b"SQLite format 3\x00"

# FTS5 configuration.  `unicode61` treats combining marks (Mn/Mc: Indic vowel signs, virama,
# nukta, anusvara...) as separators by default, which cuts Bengali and Devanagari words into
# pieces; adding M* to the token categories keeps them inside words.  Diacritics are not removed
# (that would strip Indic marks too).  Inflected forms are found with prefix queries.
FTS_TOKENIZE = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"


class DatabaseError(CurateError):
    """A database problem worth one clear line to the user."""


def _explain(exc: BaseException, path: str) -> str:
    msg = str(getattr(exc, "orig", exc) or exc)
    low = msg.lower()
    if "locked" in low or "busy" in low:
        return f"{path}: the database is locked by another program (try again when it is done)"
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return f"{path}: the database file is damaged ({msg}); it was left untouched"
    if "disk is full" in low or "disk i/o" in low:
        return f"{path}: could not write the database: {msg}; nothing was changed"
    if "readonly" in low or "read-only" in low:
        return f"{path}: the database is read-only"
    if "unable to open" in low:
        return f"{path}: cannot open the database file ({msg})"
    return f"{path}: database error: {msg}"


def _header(p: Path) -> bytes:
    """The first 16 bytes of an existing file that should be a database (one clear error if it
    is a folder or cannot be read)."""
    if p.is_dir():
        raise DatabaseError(f"{p}: is a directory, not a database file")
    try:
        with open(p, "rb") as fh:
            return fh.read(16)
    except OSError as exc:
        raise DatabaseError(f"{p}: cannot read the database file ({exc.strerror})") from None


def _on_connect(dbapi_conn: sqlite3.Connection, _record) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see module doc)
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys = ON")
    mode = cur.execute("PRAGMA journal_mode = WAL").fetchone()
    cur.execute("PRAGMA synchronous = FULL")
    cur.close()
    del mode


def _on_begin(conn) -> None:
    conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))


class Database:
    """An open Curate database.  ``Database(path)`` creates or migrates it as needed."""

    def __init__(self, path: str | os.PathLike, *, create: bool = True):
        self.path = str(path)
        p = Path(self.path)
        if p.exists():
            head = _header(p)
            if head and head != _SQLITE_MAGIC:
                raise DatabaseError(
                    f"{self.path}: not a Curate database (the file is damaged or of another kind); "
                    "it was left untouched"
                )
        elif not create:
            raise DatabaseError(f"{self.path}: no such database")
        else:
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"{self.path}: cannot create the folder ({exc.strerror})") from None

        self.engine: Engine = create_engine(
            f"sqlite:///{self.path}",
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            poolclass=NullPool if os.environ.get("CURATE_DB_NULLPOOL") else None,
        )
        event.listen(self.engine, "connect", _on_connect)
        event.listen(self.engine, "begin", _on_begin)
        self._write_engine = self.engine.execution_options(sqlite_begin="BEGIN IMMEDIATE")
        try:
            self._migrate()
        except DBAPIError as exc:
            self.engine.dispose()
            raise DatabaseError(_explain(exc, self.path)) from None

    # -- sessions and transactions -----------------------------------------------------------

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A read session (also fine for a single small write: commit it yourself)."""
        with Session(self.engine, expire_on_commit=False) as s:
            try:
                yield s
            except DBAPIError as exc:
                s.rollback()
                raise DatabaseError(_explain(exc, self.path)) from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write transaction: committed when the block ends, rolled back on any exception."""
        with Session(self._write_engine, expire_on_commit=False) as s:
            try:
                yield s
                s.commit()
            except DBAPIError as exc:
                s.rollback()
                raise DatabaseError(_explain(exc, self.path)) from None
            except BaseException:
                s.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()

    # -- schema ------------------------------------------------------------------------------

    def schema_version(self) -> int:
        with self.engine.connect() as c:
            return int(c.exec_driver_sql("PRAGMA user_version").scalar() or 0)

    def _migrate(self) -> None:
        with self._write_engine.begin() as c:
            version = int(c.exec_driver_sql("PRAGMA user_version").scalar() or 0)
            has_tables = c.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='article'"
            ).scalar()
            if version > SCHEMA_VERSION:
                raise DatabaseError(
                    f"{self.path}: made by a newer Curate (schema {version}, this one knows {SCHEMA_VERSION})"
                )
            if not has_tables:
                SQLModel.metadata.create_all(c)
                _create_fts(c)
                _seed_defaults(c)
                c.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
                return
            if version == 0:
                raise DatabaseError(f"{self.path}: not a Curate database (no schema version); left untouched")
            for target in range(version + 1, SCHEMA_VERSION + 1):
                if target not in MIGRATIONS:  # a number reserved for a migration of another branch
                    continue
                MIGRATIONS[target](c)
                c.exec_driver_sql(f"PRAGMA user_version = {target}")

    # -- full-text search --------------------------------------------------------------------

    def search(self, query: str, limit: int = 200) -> list[tuple[int, str, str]]:
        """Articles matching `query`: (article_id, title, snippet), best first.

        Each word of the query is a prefix, so a stem finds its inflected forms (ঢাকা finds
        ঢাকায়); quotes and FTS operators typed by the user are treated as plain text."""
        fts_query = fts_query_from_user(query)
        if not fts_query:
            return []
        sql = (
            "SELECT rowid, title, replace(snippet(article_fts, 1, '[', ']', '…', 12), char(10), ' ') "
            "FROM article_fts WHERE article_fts MATCH ? ORDER BY rank LIMIT ?"
        )
        try:
            with self.engine.connect() as c:
                return [tuple(r) for r in c.exec_driver_sql(sql, (fts_query, limit)).fetchall()]
        except DBAPIError as exc:
            raise DatabaseError(_explain(exc, self.path)) from None

    def search_ids(self, query: str) -> list[int]:
        fts_query = fts_query_from_user(query)
        if not fts_query:
            return []
        with self.engine.connect() as c:
            return [r[0] for r in c.exec_driver_sql(
                "SELECT rowid FROM article_fts WHERE article_fts MATCH ?", (fts_query,))]

    # -- maintenance -------------------------------------------------------------------------

    def backup(self, dest: str | os.PathLike) -> None:
        """A consistent copy through SQLite's online backup API, safe while the app is running.
        Written to a temporary file first, then moved into place."""
        dest = Path(dest)
        tmp = dest.with_name(dest.name + ".part")
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            src = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                out = sqlite3.connect(str(tmp))
                try:
                    src.backup(out)
                finally:
                    out.close()
            finally:
                src.close()
            os.replace(tmp, dest)
        except (sqlite3.Error, OSError) as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise DatabaseError(f"{dest}: backup failed: {exc}") from None

    def check(self) -> list[str]:
        """Integrity problems found (empty list when healthy)."""
        problems: list[str] = []
        try:
            with self.engine.connect() as c:
                for (row,) in c.exec_driver_sql("PRAGMA integrity_check"):
                    if row != "ok":
                        problems.append(f"integrity: {row}")
                for row in c.exec_driver_sql("PRAGMA foreign_key_check"):
                    problems.append(f"foreign key: table {row[0]} row {row[1]} -> {row[2]}")
                try:
                    c.exec_driver_sql("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 1)")
                except DBAPIError as exc:
                    problems.append(f"full-text index: {getattr(exc, 'orig', exc)}")
                bad = c.exec_driver_sql(
                    "SELECT m.id FROM mention m JOIN article a ON a.id = m.article_id "
                    "WHERE m.\"end\" > length(a.text) OR substr(a.text, m.start + 1, m.\"end\" - m.start) <> m.text"
                ).fetchall()
                for (mid,) in bad[:20]:
                    problems.append(f"mention {mid}: text does not match the article at its offsets")
                if len(bad) > 20:
                    problems.append(f"... and {len(bad) - 20} more mentions")
        except DBAPIError as exc:
            problems.append(_explain(exc, self.path))
        return problems

    @staticmethod
    def insert_many(session: Session, table, rows: list[dict]) -> None:
        """Insert many rows that share the same keys with one driver-level executemany, inside
        the session's transaction.  (SQLAlchemy's per-row parameter processing costs ~15 µs a
        row, which dominates when detection writes 100,000 suggestions; here each column's
        bind processor runs once per distinct value.)"""
        if not rows:
            return
        conn = session.connection()
        dialect = conn.dialect
        compiled = table.insert().compile(dialect=dialect, column_keys=list(rows[0]))
        order = list(compiled.positiontup or ())
        procs = []
        for key in order:
            proc = table.c[key].type._cached_bind_processor(dialect)
            if proc is None:
                procs.append(None)
            else:
                memo: dict = {}
                procs.append(lambda v, proc=proc, memo=memo: memo[v] if v in memo else memo.setdefault(v, proc(v)))
        params = [tuple(row[k] if p is None else p(row[k]) for k, p in zip(order, procs)) for row in rows]
        conn.exec_driver_sql(compiled.string, params)

    @staticmethod
    def insert_rows(session: Session, table, columns: list[str], rows: list[tuple],
                    constants: dict | None = None) -> None:
        """The fast path of :meth:`insert_many` for bulk writers (detection writes 100,000+
        suggestions): ``rows`` are tuples in ``columns`` order holding plain ints, floats,
        strings and None (what sqlite3 binds natively, so no per-value conversion runs);
        ``constants`` are columns with one value for every row (timestamps, a status), converted
        once by their column type and appended to each tuple."""
        if not rows:
            return
        conn = session.connection()
        dialect = conn.dialect
        quote = dialect.identifier_preparer.quote
        tail_cols = list(constants or ())
        tail = []
        for key in tail_cols:
            proc = table.c[key].type._cached_bind_processor(dialect)
            value = constants[key]
            tail.append(value if proc is None else proc(value))
        names = ", ".join(quote(c) for c in list(columns) + tail_cols)
        marks = ", ".join("?" * (len(columns) + len(tail_cols)))
        sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"
        t = tuple(tail)
        conn.exec_driver_sql(sql, [r + t for r in rows] if t else rows)

    def rebuild_search_index(self) -> None:
        with self._write_engine.begin() as c:
            c.exec_driver_sql("INSERT INTO article_fts(article_fts) VALUES ('rebuild')")


# -- FTS helpers ----------------------------------------------------------------------------------

_WORD = regex.compile(r"[\p{L}\p{M}\p{N}\p{Co}]+")


def fts_query_from_user(query: str) -> str:
    """Turn whatever the user typed into a safe FTS5 query: each word quoted and made a prefix,
    all words required.  Returns '' when the query has no words."""
    words = _WORD.findall(query or "")
    import unicodedata

    words = [unicodedata.normalize("NFC", w) for w in words]
    return " ".join(f'"{w}"*' for w in words)


def _create_fts(c) -> None:
    c.exec_driver_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS article_fts USING fts5("
        f"title, text, content='article', content_rowid='id', tokenize=\"{FTS_TOKENIZE}\")"
    )
    c.exec_driver_sql(
        "CREATE TRIGGER IF NOT EXISTS article_fts_ai AFTER INSERT ON article BEGIN "
        "INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END"
    )
    c.exec_driver_sql(
        "CREATE TRIGGER IF NOT EXISTS article_fts_ad AFTER DELETE ON article BEGIN "
        "INSERT INTO article_fts(article_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END"
    )
    c.exec_driver_sql(
        "CREATE TRIGGER IF NOT EXISTS article_fts_au AFTER UPDATE OF title, text ON article BEGIN "
        "INSERT INTO article_fts(article_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); "
        "INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END"
    )


def _seed_defaults(c) -> None:
    for pos, (name, colour, key) in enumerate(models.DEFAULT_ENTITY_TYPES):
        c.exec_driver_sql(
            "INSERT OR IGNORE INTO entity_type(name, colour, shortcut, position) VALUES (?,?,?,?)",
            (name, colour, key, pos),
        )
    for name, desc in models.DEFAULT_RELATION_TYPES:
        c.exec_driver_sql(
            "INSERT OR IGNORE INTO relation_type(name, description) VALUES (?,?)", (name, desc)
        )


# -- migrations -----------------------------------------------------------------------------------
# MIGRATIONS[n] takes a connection inside a transaction at version n-1 to version n.
# Version 1 was the first released schema (articles, types, mentions, entities, aliases,
# history, FTS).  Version 2 added relations, the detector's original span on mentions and
# the source of each alias.  Version 3 dropped two mention indexes (see _to_v3).


def _to_v2(c) -> None:
    cols = {r[1] for r in c.exec_driver_sql("PRAGMA table_info(mention)")}
    if "origin_start" not in cols:
        c.exec_driver_sql("ALTER TABLE mention ADD COLUMN origin_start INTEGER")
    if "origin_end" not in cols:
        c.exec_driver_sql("ALTER TABLE mention ADD COLUMN origin_end INTEGER")
    cols = {r[1] for r in c.exec_driver_sql("PRAGMA table_info(alias)")}
    if "source" not in cols:
        c.exec_driver_sql("ALTER TABLE alias ADD COLUMN source VARCHAR NOT NULL DEFAULT 'curator'")
    models.RelationType.__table__.create(c, checkfirst=True)
    models.Relation.__table__.create(c, checkfirst=True)
    _create_fts(c)
    _seed_defaults(c)


def _to_v3(c) -> None:
    """Two mention indexes that cost every write and helped no read: article_id alone
    (ix_mention_article_span starts with it) and type (five values)."""
    c.exec_driver_sql("DROP INDEX IF EXISTS ix_mention_article_id")
    c.exec_driver_sql("DROP INDEX IF EXISTS ix_mention_type")


def _to_v6(c) -> None:
    """The learned model table (desktop.learning): portable DDL from the table's metadata."""
    models.SQLModel.metadata.create_all(c, tables=[models.LearnedModel.__table__])


MIGRATIONS = {2: _to_v2, 3: _to_v3, 6: _to_v6}


def probe_existing(path: str | os.PathLike) -> None:
    """Check, without changing anything, that ``path`` is a Curate database that can be opened
    (for the window's File → Open Database…).  An empty SQLite file is fine (it gets the schema);
    a missing file, a file of another kind, or another program's SQLite database raises
    :class:`DatabaseError` with one clear line."""
    p = Path(path)
    if not p.exists():
        raise DatabaseError(f"{p}: no such database")
    head = _header(p)
    if not head:
        return
    if head != _SQLITE_MAGIC:
        raise DatabaseError(f"{p}: not a Curate database (the file is damaged or of another kind); it was left untouched")
    try:
        conn = sqlite3.connect(p.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            version = int(conn.execute("PRAGMA user_version").fetchone()[0] or 0)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DatabaseError(_explain(exc, str(p))) from None
    if tables and ("article" not in tables or version == 0):
        raise DatabaseError(f"{p}: not a Curate database (an SQLite file of another program); it was left untouched")
    if version > SCHEMA_VERSION:
        raise DatabaseError(f"{p}: made by a newer Curate (schema {version}, this one knows {SCHEMA_VERSION})")


def open_database(path: str | os.PathLike) -> Database:
    try:
        return Database(path)
    except OperationalError as exc:  # pragma: no cover - mapped in Database already
        raise DatabaseError(_explain(exc, str(path))) from None


def count(session: Session, stmt) -> int:
    """Number of rows a select statement would return."""
    from sqlalchemy import func

    return int(session.exec(select(func.count()).select_from(stmt.subquery())).one())
