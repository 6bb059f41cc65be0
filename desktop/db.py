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
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel, create_engine, select

from desktop import db_postgres as pg
from desktop import models
from desktop.errors import CurateError

#: Current schema version, stored in ``PRAGMA user_version`` (SQLite) or the ``curate_schema``
#: table (PostgreSQL).
SCHEMA_VERSION = 4

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


def is_server_url(target) -> bool:
    """True for a ``postgresql://`` address (team mode), False for a database file path."""
    return pg.is_server_url(target)


def display_name(target) -> str:
    """How to name a database in a message or title: the path, or the server URL without any
    password."""
    return pg.public_url(str(target)) if is_server_url(target) else str(target)


class Database:
    """An open Curate database.  ``Database(path)`` creates or migrates it as needed;
    ``Database("postgresql://user@host:port/dbname")`` opens a server database (team mode),
    creating the schema in an empty one."""

    #: True on a database server (for what must differ: a file path to back up beside, a
    #: watcher's mechanism); the curation core never asks.
    server = False

    def __init__(self, path: str | os.PathLike, *, create: bool = True):
        if is_server_url(path):
            self._open_server(str(path))
            return
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

    def _open_server(self, url: str) -> None:
        self.server = True
        try:
            self.path = pg.public_url(url)
        except ValueError as exc:
            raise DatabaseError(str(exc)) from None
        self.engine = pg.make_engine(self.path)
        self._write_engine = self.engine.execution_options(curate_write=True)
        try:
            self._migrate()
        except DBAPIError as exc:
            self.engine.dispose()
            raise DatabaseError(self._explain(exc)) from None

    def _explain(self, exc: BaseException) -> str:
        return pg.explain(exc, self.path) if self.server else _explain(exc, self.path)

    # -- sessions and transactions -----------------------------------------------------------

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A read session (also fine for a single small write: commit it yourself)."""
        with Session(self.engine, expire_on_commit=False) as s:
            try:
                yield s
            except DBAPIError as exc:
                s.rollback()
                raise DatabaseError(self._explain(exc)) from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write transaction: committed when the block ends, rolled back on any exception."""
        with Session(self._write_engine, expire_on_commit=False) as s:
            try:
                yield s
                s.commit()
            except DBAPIError as exc:
                s.rollback()
                raise DatabaseError(self._explain(exc)) from None
            except BaseException:
                s.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()

    # -- schema ------------------------------------------------------------------------------

    def schema_version(self) -> int:
        with self.engine.connect() as c:
            return self._version(c) or 0

    def _version(self, c) -> int | None:
        if self.server:
            return pg.schema_version(c)
        return int(c.exec_driver_sql("PRAGMA user_version").scalar() or 0)

    def _set_version(self, c, version: int) -> None:
        if self.server:
            pg.set_schema_version(c, version)
        else:
            c.exec_driver_sql(f"PRAGMA user_version = {int(version)}")

    def _tables(self, c) -> set[str]:
        if self.server:
            return set(pg.user_tables(c))
        return {r[0] for r in c.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")} - {
            "sqlite_sequence"}

    def _migrate(self) -> None:
        """Create the schema in an empty database, or bring an older one up to
        :data:`SCHEMA_VERSION` with :data:`MIGRATIONS`, in one write transaction (DDL is
        transactional on both backends).  On SQLite, foreign keys are off while migrating (the
        documented way to rebuild a table: dropping one would otherwise cascade) and checked
        before the commit."""
        with self.engine.connect() as c:
            version, tables = self._version(c) or 0, self._tables(c)
        self._judge(version, tables)
        if tables and version == SCHEMA_VERSION:
            return
        with self.engine.connect() as c:
            if not self.server:  # outside any transaction, where the pragma has its effect
                c.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
            try:
                opts = {"curate_write": True} if self.server else {"sqlite_begin": "BEGIN IMMEDIATE"}
                with c.execution_options(**opts).begin():
                    version, tables = self._version(c) or 0, self._tables(c)  # another process may have been first
                    self._judge(version, tables)
                    if not tables:
                        SQLModel.metadata.create_all(c)
                        self._create_search_index(c)
                        _seed_defaults(c)
                        self._set_version(c, SCHEMA_VERSION)
                        return
                    for target in range(version + 1, SCHEMA_VERSION + 1):
                        MIGRATIONS[target](c)
                        self._set_version(c, target)
                    if not self.server:
                        bad = c.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                        if bad:
                            raise DatabaseError(
                                f"{self.path}: migrating would leave {len(bad)} broken references; nothing was changed")
            finally:
                if not self.server:
                    c.connection.driver_connection.execute("PRAGMA foreign_keys = ON")

    def _judge(self, version: int, tables: set[str]) -> None:
        if version > SCHEMA_VERSION:
            raise DatabaseError(
                f"{self.path}: made by a newer Curate (schema {version}, this one knows {SCHEMA_VERSION})")
        if tables and ("article" not in tables or version == 0):
            raise DatabaseError(f"{self.path}: not a Curate database (no schema version); left untouched")

    def _create_search_index(self, c) -> None:
        if self.server:
            pg.create_search_index(c)
        else:
            _create_fts(c)

    # -- full-text search --------------------------------------------------------------------

    def search(self, query: str, limit: int = 200) -> list[tuple[int, str, str]]:
        """Articles matching `query`: (article_id, title, snippet), best first.

        Each word of the query is a prefix, so a stem finds its inflected forms (ঢাকা finds
        ঢাকায়); quotes and FTS operators typed by the user are treated as plain text."""
        if self.server:
            words = search_words(query)
            if not words:
                return []
            try:
                with self.engine.connect() as c:
                    return pg.search(c, words, limit)
            except DBAPIError as exc:
                raise DatabaseError(self._explain(exc)) from None
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
        if self.server:
            words = search_words(query)
            if not words:
                return []
            with self.engine.connect() as c:
                return pg.search_ids(c, words)
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
        if self.server:
            return self._backup_server(dest)
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

    def _backup_server(self, dest: Path) -> None:
        """A server database to a SQLite file Curate opens: every table read in one REPEATABLE
        READ, read-only transaction (one consistent snapshot while curators keep working),
        written with the rows' own ids, then moved into place."""
        tmp = dest.with_name(dest.name + ".part")
        with contextlib.suppress(OSError):
            tmp.unlink()
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            out = Database(tmp)
            try:
                with self.engine.connect().execution_options(
                        isolation_level="REPEATABLE READ", postgresql_readonly=True) as src, \
                        out._write_engine.begin() as dst:
                    with src.begin():
                        for table in SQLModel.metadata.sorted_tables:
                            dst.execute(table.delete())
                        for table in SQLModel.metadata.sorted_tables:
                            rows = src.execute(table.select().order_by(*table.primary_key.columns))
                            while batch := rows.fetchmany(5000):
                                dst.execute(table.insert(), [dict(r._mapping) for r in batch])
            finally:
                out.close()
            os.replace(tmp, dest)
        except DBAPIError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise DatabaseError(f"{dest}: backup failed: {self._explain(exc)}") from None
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise DatabaseError(f"{dest}: backup failed: {exc}") from None

    def check(self) -> list[str]:
        """Integrity problems found (empty list when healthy)."""
        if self.server:
            return self._check_server()
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
                problems += _check_offsets(c)
        except DBAPIError as exc:
            problems.append(_explain(exc, self.path))
        return problems

    def _check_server(self) -> list[str]:
        """On the server: references (every foreign key of the schema, looked up row by row in
        case a constraint was dropped or deferred), the search index, mention offsets."""
        problems: list[str] = []
        try:
            with self.engine.connect() as c:
                for table in SQLModel.metadata.sorted_tables:
                    for fk in table.foreign_key_constraints:
                        (col,), (ref,) = fk.columns, [e.column for e in fk.elements]
                        q = (select(table.c.id if "id" in table.c else col)
                             .select_from(table.outerjoin(ref.table, col == ref))
                             .where(col.is_not(None), ref.is_(None)).limit(20))
                        for (rid,) in c.execute(q):
                            problems.append(f"foreign key: table {table.name} row {rid} -> {ref.table.name}")
                problems += pg.check_search_index(c)
                problems += _check_offsets(c)
        except DBAPIError as exc:
            problems.append(self._explain(exc))
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
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        marks = ", ".join([mark] * (len(columns) + len(tail_cols)))
        sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"
        t = tuple(tail)
        conn.exec_driver_sql(sql, [r + t for r in rows] if t else rows)

    def rebuild_search_index(self) -> None:
        with self._write_engine.begin() as c:
            if self.server:
                c.exec_driver_sql(f"REINDEX INDEX {pg.SEARCH_INDEX}")
                return
            c.exec_driver_sql("INSERT INTO article_fts(article_fts) VALUES ('rebuild')")


# -- FTS helpers ----------------------------------------------------------------------------------

_WORD = regex.compile(r"[\p{L}\p{M}\p{N}\p{Co}]+")


def search_words(query: str) -> list[str]:
    """The words of what the user typed (letters, marks, digits), NFC."""
    import unicodedata

    return [unicodedata.normalize("NFC", w) for w in _WORD.findall(query or "")]


def fts_query_from_user(query: str) -> str:
    """Turn whatever the user typed into a safe FTS5 query: each word quoted and made a prefix,
    all words required.  Returns '' when the query has no words."""
    return " ".join(f'"{w}"*' for w in search_words(query))


def _check_offsets(c) -> list[str]:
    """Mentions whose text is not the article's text at their offsets (portable SQL)."""
    problems = []
    bad = c.exec_driver_sql(
        "SELECT m.id FROM mention m JOIN article a ON a.id = m.article_id "
        "WHERE m.\"end\" > length(a.text) OR substr(a.text, m.start + 1, m.\"end\" - m.start) <> m.text"
    ).fetchall()
    for (mid,) in bad[:20]:
        problems.append(f"mention {mid}: text does not match the article at its offsets")
    if len(bad) > 20:
        problems.append(f"... and {len(bad) - 20} more mentions")
    return problems


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
    """The default entity and relation types that are missing (portable: runs in the schema
    transaction, so nobody else inserts meanwhile)."""
    et, rt = models.EntityType.__table__, models.RelationType.__table__
    have = set(c.execute(select(et.c.name)).scalars())
    rows = [dict(name=n, colour=col, shortcut=k, position=pos)
            for pos, (n, col, k) in enumerate(models.DEFAULT_ENTITY_TYPES) if n not in have]
    if rows:
        c.execute(et.insert(), rows)
    have = set(c.execute(select(rt.c.name)).scalars())
    rows = [dict(name=n, description=d) for n, d in models.DEFAULT_RELATION_TYPES if n not in have]
    if rows:
        c.execute(rt.insert(), rows)


# -- migrations -----------------------------------------------------------------------------------
# MIGRATIONS[n] takes a connection inside a transaction at version n-1 to version n.
# Version 1 was the first released schema (articles, types, mentions, entities, aliases,
# history, FTS).  Version 2 added relations, the detector's original span on mentions and
# the source of each alias.  Version 3 dropped two mention indexes (see _to_v3).


def columns(c, table: str) -> set[str]:
    """Column names of ``table`` (either backend): for migrations that add a column."""
    return {col["name"] for col in sa_inspect(c).get_columns(table)}


def is_server(c) -> bool:
    """For a migration that must differ by backend (most need not: portable DDL runs on both)."""
    return c.dialect.name == "postgresql"


def _to_v2(c) -> None:
    cols = columns(c, "mention")
    if "origin_start" not in cols:
        c.exec_driver_sql("ALTER TABLE mention ADD COLUMN origin_start INTEGER")
    if "origin_end" not in cols:
        c.exec_driver_sql("ALTER TABLE mention ADD COLUMN origin_end INTEGER")
    cols = columns(c, "alias")
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


#: Tables whose ids are never reused (issue 11: an undo record names rows by id).
NEVER_REUSED = ("entity", "alias", "mention", "relation")
#: Tables with a row version (``version``), bumped by every tracked change (no lost update).
VERSIONED = ("article", "entity", "alias", "mention", "relation")


def _to_v4(c) -> None:
    """Team mode.  Row versions on the curated tables (an action checks that a row is still as
    the curator saw it), and ids that are never reused: on SQLite the four tables are rebuilt
    with AUTOINCREMENT (foreign keys are off while migrating, see Database._migrate); on
    PostgreSQL ``SERIAL`` ids come from sequences, which never go back."""
    for table in VERSIONED:
        if "version" not in columns(c, table):
            c.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
    if "assigned_to" not in columns(c, "article"):
        c.exec_driver_sql("ALTER TABLE article ADD COLUMN assigned_to VARCHAR")
        c.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_article_assigned_to ON article (assigned_to)")
    if is_server(c):
        return
    for table in NEVER_REUSED:
        _sqlite_autoincrement(c, table)


def _sqlite_autoincrement(c, table: str) -> None:
    """Rebuild ``table`` with ``id INTEGER PRIMARY KEY AUTOINCREMENT`` (the 12-step recipe of
    SQLite's ALTER TABLE page), keeping its columns, rows, ids and indexes."""
    (ddl,) = c.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type='table' AND name=?", (table,)).one()
    if "AUTOINCREMENT" in ddl.upper():
        return
    indexes = [r[0] for r in c.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name=? AND sql IS NOT NULL", (table,))]
    inline = regex.compile(r"\bid\s+INTEGER\s+(?:NOT\s+NULL\s+)?PRIMARY\s+KEY\b", regex.I)
    if inline.search(ddl):  # written by hand (schema 1): id INTEGER PRIMARY KEY
        new = inline.sub("id INTEGER PRIMARY KEY AUTOINCREMENT", ddl, count=1)
    else:  # written by SQLAlchemy: id INTEGER NOT NULL, ..., PRIMARY KEY (id)
        new = regex.sub(r"\bid INTEGER NOT NULL\s*,", "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,", ddl, count=1)
        new = regex.sub(r",\s*PRIMARY KEY \(id\)", "", new, count=1)
    if new == ddl or "AUTOINCREMENT" not in new:
        raise DatabaseError(f"cannot upgrade table {table}: unexpected definition")
    tmp = f"_{table}_v4"
    c.exec_driver_sql(regex.sub(r"^CREATE TABLE\s+\"?\w+\"?", f"CREATE TABLE {tmp}", new, count=1))
    c.exec_driver_sql(f"INSERT INTO {tmp} SELECT * FROM {table}")
    c.exec_driver_sql(f"DROP TABLE {table}")
    c.exec_driver_sql(f"ALTER TABLE {tmp} RENAME TO {table}")
    for sql in indexes:
        c.exec_driver_sql(sql)


MIGRATIONS = {2: _to_v2, 3: _to_v3, 4: _to_v4}


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
