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
from typing import Iterable, Iterator

import regex
from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel, create_engine, select

from desktop import db_postgres as pg
from desktop import models
from desktop.errors import CurateError

from desktop.schema import SCHEMA_VERSION  # noqa: E402 - the current schema version (one source)

BUSY_TIMEOUT_MS = 5000
#: How long the one-time work on a database (creating its schema, a migration, the first
#: seeding) waits for another process doing the same work at the same moment, which is then
#: found done; an ordinary writer waits BUSY_TIMEOUT_MS.
SETUP_WAIT_MS = 300_000
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
        return f"{path}: could not write the database ({msg}); free some space, the last change was not saved"
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


def _on_connect(dbapi_conn: sqlite3.Connection, record) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see module doc)
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    record.info["busy_ms"] = BUSY_TIMEOUT_MS
    cur.execute("PRAGMA foreign_keys = ON")
    mode = cur.execute("PRAGMA journal_mode = WAL").fetchone()
    cur.execute("PRAGMA synchronous = FULL")
    cur.close()
    del mode


def _on_connect_ro(dbapi_conn: sqlite3.Connection, record) -> None:
    """A read-only connection: no journal-mode switch (that writes the header), no writes."""
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    record.info["busy_ms"] = BUSY_TIMEOUT_MS
    cur.execute("PRAGMA query_only = ON")
    cur.close()


def _on_begin(conn) -> None:
    opts = conn.get_execution_options()
    # a connection of the pool keeps its busy timeout: set only when this transaction wants
    # another one (a setup transaction, see Database.patient)
    wait = opts.get("curate_wait_ms") or BUSY_TIMEOUT_MS
    info = conn.connection.info
    if info.get("busy_ms") != wait:
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(wait)}")
        info["busy_ms"] = wait
    conn.exec_driver_sql(opts.get("sqlite_begin", "BEGIN"))


def is_server_url(target) -> bool:
    """True for a ``postgresql://`` address (team mode), False for a database file path."""
    return pg.is_server_url(target)


def display_name(target) -> str:
    """How to name a database in a message or title: the path, or the server URL without any
    password."""
    return pg.public_url(str(target)) if is_server_url(target) else str(target)


class Database:
    """An open Curate database.  ``Database(path)`` creates it when the path does not exist (or is
    an empty file) and migrates it as needed; ``Database("postgresql://user@host:port/dbname")``
    opens a server database (team mode), creating the schema in an empty one.

    An existing file is judged through a read-only connection before anything writes to it
    (:func:`sqlite_file_state`): another program's file is refused and left byte-identical.  A
    read-only file or folder, or a file that fails SQLite's quick check, is opened read-only:
    :attr:`read_only` is True, :attr:`read_only_reason` says why and what to do, and every
    :meth:`transaction` is refused with that line.  ``read_only=True`` asks for that mode
    (commands that only read: ``check``, ``list``, ``stats``, ``search``, ``export``)."""

    #: True on a database server (for what must differ: a file path to back up beside, a
    #: watcher's mechanism); the curation core never asks.
    server = False

    def __init__(self, path: str | os.PathLike, *, create: bool = True, read_only: bool = False):
        if is_server_url(path):
            self._open_server(str(path))
            return
        self.path = str(path)
        self.read_only = False
        self.read_only_reason: str | None = None
        self.damaged = False
        p = Path(self.path)
        state = sqlite_file_state(p)
        if state == "missing":
            if not create:
                raise DatabaseError(f"{self.path}: no such database")
            if read_only:
                raise DatabaseError(f"{self.path}: no such database (nothing to open read-only)")
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"{self.path}: cannot create the folder ({exc.strerror})") from None
        elif state == "curate":
            why = sqlite_file_read_only_reason(p)
            if why:
                self._set_read_only(f"{self.path}: {why}; it is open read-only "
                                    "(copy it to a writable folder to change it)")
            elif read_only:
                if sqlite_schema_version(p) < SCHEMA_VERSION:
                    Database(p).close()  # an older Curate's file: upgraded once, then read as asked
                self.read_only = True  # asked for: no reason to report
            else:
                problems = sqlite_quick_check(p)
                if problems:
                    self.damaged = True
                    self._set_read_only(
                        f"{self.path}: the database is damaged ({problems[0]}); it is open read-only and "
                        f"nothing was written. Run: curate recover {self.path} NEW.db"
                    )
        elif read_only:  # an empty file: nothing to read
            raise DatabaseError(f"{self.path}: empty file, not a Curate database yet")

        self.engine: Engine = create_engine(
            sqlite_url(p, read_only=self.read_only),
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            poolclass=NullPool if os.environ.get("CURATE_DB_NULLPOOL") else None,
        )
        event.listen(self.engine, "connect", _on_connect_ro if self.read_only else _on_connect)
        event.listen(self.engine, "begin", _on_begin)
        self._write_engine = self.engine.execution_options(sqlite_begin="BEGIN IMMEDIATE")
        try:
            self._migrate()
        except DBAPIError as exc:
            self.engine.dispose()
            raise DatabaseError(_explain(exc, self.path)) from None

    def _open_server(self, url: str) -> None:
        self.server = True
        self.read_only, self.read_only_reason, self.damaged = False, None, False
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

    def _set_read_only(self, reason: str) -> None:
        self.read_only = True
        self.read_only_reason = reason

    def refuse_if_read_only(self) -> None:
        """Raise the one-line reason when this database cannot be written."""
        if self.read_only:
            raise DatabaseError(self.read_only_reason or f"{self.path}: opened read-only; nothing can be changed")

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
        """A write transaction: committed when the block ends, rolled back on any exception.
        Refused at once (one line, the next step) on a database opened read-only."""
        self.refuse_if_read_only()
        with Session(self._write_engine, expire_on_commit=False) as s:
            try:
                yield s
                if self.server:  # delivered to every listener at commit (the live view)
                    s.connection().exec_driver_sql(f"NOTIFY {pg.CHANNEL}")
                s.commit()
            except DBAPIError as exc:
                s.rollback()
                raise DatabaseError(self._explain(exc)) from None
            except BaseException:
                s.rollback()
                raise

    @contextlib.contextmanager
    def patient(self, wait_ms: int | None = None) -> Iterator["Database"]:
        """Write transactions inside this block wait up to ``wait_ms`` (default
        :data:`SETUP_WAIT_MS`) for another writer, instead of :data:`BUSY_TIMEOUT_MS`: for the
        one-time setup of a new database (seeding), which another process may be doing at the
        same moment.  Such work must check inside its transaction whether it is still needed:
        the process that waited then finds it done instead of failing on a locked database."""
        saved = self._write_engine
        self._write_engine = saved.execution_options(curate_wait_ms=int(wait_ms or SETUP_WAIT_MS))
        try:
            yield self
        finally:
            self._write_engine = saved

    def close(self) -> None:
        self.engine.dispose()

    def change_signal(self) -> "ChangeSignal":
        """Something that tells when another connection committed a change: LISTEN/NOTIFY on
        the server, ``PRAGMA data_version`` polled on a SQLite file (which also sees another
        process, such as a command-line run, writing the same file)."""
        if self.server:
            return pg.Listener(self.path)
        return _DataVersion(self.path)

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
        # Read first, without the write lock: a reader must not wait for (or fail on) a long
        # writer, and a read-only database must never be written.
        with self.engine.connect() as c:
            # tables before the version: on the server each statement sees the latest commit,
            # and a schema another process commits in between must not look like tables with
            # no version (a foreign database)
            tables = self._tables(c)
            version = self._version(c) or 0
            c.rollback()
        self._judge(version, tables)
        if tables and version == SCHEMA_VERSION:
            return
        if self.read_only:
            raise DatabaseError(
                f"{self.path}: this database needs an upgrade (schema {version} to {SCHEMA_VERSION}), "
                "which cannot be done while it is read-only"
            )
        with self.engine.connect() as c:
            if not self.server:  # outside any transaction, where the pragma has its effect
                c.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
            try:
                # another process creating or migrating the same database is waited for (then
                # the work is found done below), not reported as a locked database
                opts = {"curate_write": True} if self.server else {"sqlite_begin": "BEGIN IMMEDIATE"}
                opts["curate_wait_ms"] = SETUP_WAIT_MS
                with c.execution_options(**opts).begin():
                    tables = self._tables(c)  # another process may have been first
                    version = self._version(c) or 0
                    self._judge(version, tables)
                    if not tables:
                        SQLModel.metadata.create_all(c)
                        self._create_search_index(c)
                        _seed_defaults(c)
                        self._set_version(c, SCHEMA_VERSION)
                        return
                    for target in range(version + 1, SCHEMA_VERSION + 1):
                        if target in MIGRATIONS:  # numbers are reserved per branch until merged
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
        """A consistent copy through SQLite's online backup API, safe while the app is running
        (it reads; it never waits for a writer to finish).  The copy is written to a temporary
        file, verified with an integrity check, and only then moved into place: a damaged
        database never yields a backup that looks healthy."""
        dest = Path(dest)
        if self.server:
            return self._backup_server(dest)
        if self.damaged:
            raise DatabaseError(f"{dest}: backup refused: {self.read_only_reason}")
        tmp = dest.with_name(f".{dest.name}.part")
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            src = _connect_ro(Path(self.path))
            try:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                out = sqlite3.connect(str(tmp))
                try:
                    src.backup(out)
                    problems = [_one_line(r[0]) for r in out.execute("PRAGMA integrity_check(5)") if r[0] != "ok"]
                    out.execute("PRAGMA journal_mode = DELETE")
                finally:
                    out.close()
            finally:
                src.close()
            if problems:
                tmp.unlink()
                raise DatabaseError(
                    f"{self.path}: the database is damaged ({problems[0]}); no backup was made, so no "
                    f"damaged copy can pass for a good one. Run: curate recover {self.path} NEW.db"
                )
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, dest)
        except (sqlite3.Error, OSError) as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            low = str(exc).lower()
            if "malformed" in low or "not a database" in low:
                raise DatabaseError(
                    f"{self.path}: the database is damaged ({exc}); no backup was made. "
                    f"Run: curate recover {self.path} NEW.db"
                ) from None
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

    def damaged_rows(self, limit: int = 20) -> list[str]:
        """The rows a reader cannot use (see :func:`sqlite_damaged_rows`); none on a server,
        whose pages PostgreSQL checks itself."""
        if self.server:
            return []
        try:
            return sqlite_damaged_rows(Path(self.path), limit)
        except sqlite3.Error as exc:
            return [_explain(exc, self.path)]

    def check(self) -> list[str]:
        """Integrity problems found (empty list when healthy).  Reads only: works on a
        read-only file and never changes the database."""
        if self.server:
            return self._check_server()
        problems: list[str] = []
        try:
            with self.engine.connect() as c:
                for (row,) in c.exec_driver_sql("PRAGMA integrity_check"):
                    if row != "ok":
                        problems.append(f"integrity: {_one_line(row)}")
                for row in c.exec_driver_sql("PRAGMA foreign_key_check"):
                    problems.append(f"foreign key: table {row[0]} row {row[1]} -> {row[2]}")
                if not self.read_only:
                    # FTS5's check is spelled as an INSERT (it changes nothing); SQLite refuses it
                    # on a read-only connection, so it runs only where the file is writable.
                    try:
                        c.exec_driver_sql("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 1)")
                    except DBAPIError as exc:
                        problems.append(f"full-text index: {getattr(exc, 'orig', exc)}")
                problems += _check_offsets(c)
                c.rollback()
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
    def insert_new(session: Session, table, rows: list[dict], key: str) -> list[int]:
        """Insert the ``rows`` whose ``key`` (a column with a unique constraint, such as an
        article's content hash) is not in ``table`` yet, and return the ids of the rows
        inserted.  One ``INSERT … ON CONFLICT (key) DO NOTHING RETURNING id`` on both backends:
        the constraint itself decides, so two processes importing the same files each insert
        only what the other has not, and neither fails; the rows left out are the duplicates."""
        if not rows:
            return []
        conn = session.connection()
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        stmt = dialect_insert(table).on_conflict_do_nothing(index_elements=[table.c[key]]).returning(table.c.id)
        return list(session.execute(stmt, rows).scalars().all())

    @staticmethod
    def insert_rows(session: Session, table, columns: list[str], rows: list[tuple],
                    constants: dict | None = None, skip_conflicts: bool = False) -> int:
        """The fast path of :meth:`insert_many` for bulk writers (detection writes 100,000+
        suggestions): ``rows`` are tuples in ``columns`` order holding plain ints, floats,
        strings and None (what sqlite3 binds natively, so no per-value conversion runs);
        ``constants`` are columns with one value for every row (timestamps, a status), converted
        once by their column type and appended to each tuple.  ``skip_conflicts`` leaves out a
        row that would break a unique constraint (``ON CONFLICT DO NOTHING``, the same words on
        SQLite and PostgreSQL).  Returns the number of rows inserted."""
        if not rows:
            return 0
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
        if skip_conflicts:
            sql += " ON CONFLICT DO NOTHING"
        t = tuple(tail)
        before = _total_changes(conn)
        res = conn.exec_driver_sql(sql, [r + t for r in rows] if t else rows)
        if before is not None:
            return _total_changes(conn) - before
        return res.rowcount if res.rowcount is not None and res.rowcount >= 0 else len(rows)

    def rebuild_search_index(self) -> None:
        self.refuse_if_read_only()
        with self._write_engine.begin() as c:
            if self.server:
                c.exec_driver_sql(f"REINDEX INDEX {pg.SEARCH_INDEX}")
                return
            c.exec_driver_sql("INSERT INTO article_fts(article_fts) VALUES ('rebuild')")


def _total_changes(conn) -> int | None:
    """sqlite3's count of rows changed on this connection (its executemany rowcount is not
    reliable with ON CONFLICT); None on another driver."""
    raw = conn.connection.driver_connection
    return raw.total_changes if isinstance(raw, sqlite3.Connection) else None


class ChangeSignal:
    def wait(self, timeout: float = 0.0) -> bool:  # pragma: no cover - interface
        """True when a change was committed elsewhere since the last call (waits up to
        ``timeout`` seconds for one)."""
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - interface
        pass


class _DataVersion(ChangeSignal):
    """SQLite: ``PRAGMA data_version`` of one read-only connection moves when any other
    connection commits."""

    POLL_S = 0.25

    def __init__(self, path: str):
        self._conn = _connect_ro(Path(path))
        self._last = self._version()

    def _version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, timeout: float = 0.0) -> bool:
        import time

        deadline = time.monotonic() + timeout
        while True:
            now = self._version()
            if now != self._last:
                self._last = now
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(min(self.POLL_S, max(0.0, deadline - time.monotonic())))

    def close(self) -> None:
        self._conn.close()


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


# -- the stored linking keys (table link_key; desktop.linking.index) ----------------------------
# The keys are pure functions of the text (desktop.language.linkkeys); a row holds them with the
# version they were computed under, and rows of another version are recomputed.

def _link_cols():
    L = models.LinkKey
    return (L.match, L.norm, L.roman, L.phonetic, L.phonetic_base, L.roman_base, L.tokens, L.initials)


_LINK_BATCH = 5000


def _link_row(text: str, k, version: str) -> dict:
    mk, nk, r, pk, pb, rb, toks, ini = k
    return {"text": text, "version": version, "match": mk, "norm": nk, "roman": r, "phonetic": pk,
            "phonetic_base": pb, "roman_base": rb, "tokens": " ".join(toks), "initials": ini}


def _link_keys_of(row) -> tuple:
    mk, nk, r, pk, pb, rb, toks, ini = row
    return (mk, nk, r, pk, pb, rb, tuple(toks.split()) if toks else (), ini)


def load_link_keys(conn, texts: Iterable[str], *, persist: bool) -> dict[str, tuple]:
    """The linking keys of each (non-empty) text: read from ``link_key``, the missing ones
    computed (one transliteration call per script) and, with ``persist``, stored.  ``conn`` is
    a connection inside a transaction (a write transaction with ``persist``)."""
    from sqlalchemy import delete, insert, select

    from desktop.language import linkkeys
    from desktop.language.keys import prime

    LinkKey = models.LinkKey
    wanted = set(texts)
    out: dict[str, tuple] = {}
    ver = linkkeys.key_version()
    stale = False
    for text, version, *cols in conn.execute(select(LinkKey.text, LinkKey.version, *_link_cols())):
        if version != ver:
            stale = True
        elif text in wanted:
            out[text] = _link_keys_of(cols)
    missing = sorted(t for t in wanted if t not in out)
    if missing:
        prime(missing)
    new = []
    for text in missing:
        k = linkkeys.alias_keys(text)
        if k is not None:
            out[text] = k
            new.append(_link_row(text, k, ver))
    if persist and (new or stale):
        if stale:  # their texts, if still wanted, are among the missing and come back in ``new``
            conn.execute(delete(LinkKey).where(LinkKey.version != ver))
        for i in range(0, len(new), _LINK_BATCH):
            conn.execute(insert(LinkKey), new[i:i + _LINK_BATCH])
    return out


def save_link_keys(session: Session, computed: dict[str, tuple]) -> int:
    """Store keys computed already (text -> :func:`desktop.language.linkkeys.alias_keys`) under
    the current version; a text stored meanwhile by another writer is left as it is."""
    from desktop.language import linkkeys

    if not computed:
        return 0
    ver = linkkeys.key_version()
    cols = ["text", "version", "match", "norm", "roman", "phonetic", "phonetic_base", "roman_base", "tokens",
            "initials"]
    rows = [tuple(_link_row(t, k, ver).values()) for t, k in computed.items() if k is not None]
    return Database.insert_rows(session, models.LinkKey.__table__, cols, rows, skip_conflicts=True)


def read_link_keys(conn, texts: Iterable[str]) -> dict[str, tuple]:
    """The stored keys (current version) of those of ``texts`` that have a row; nothing is
    computed (detection reads its surfaces' keys this way, a batch at a time)."""
    from sqlalchemy import select

    from desktop.language import linkkeys

    L = models.LinkKey
    ver = linkkeys.key_version()
    texts = list(texts)
    out: dict[str, tuple] = {}
    for i in range(0, len(texts), 500):
        q = select(L.text, *_link_cols()).where(L.version == ver, L.text.in_(texts[i:i + 500]))
        for text, *cols in conn.execute(q):
            out[text] = _link_keys_of(cols)
    return out


def stored_link_texts(conn) -> set[str]:
    """The texts whose keys are stored under the current version."""
    from sqlalchemy import select

    from desktop.language import linkkeys

    L = models.LinkKey
    return set(conn.execute(select(L.text).where(L.version == linkkeys.key_version())).scalars())


def store_link_keys(conn, texts: Iterable[str]) -> int:
    """Compute and store the keys of the texts that have no row yet (migration 5, seeding the
    starter knowledge base); returns how many were stored."""
    from sqlalchemy import func, select

    count = select(func.count()).select_from(models.LinkKey)
    before = conn.execute(count).scalar() or 0
    load_link_keys(conn, texts, persist=True)
    return (conn.execute(count).scalar() or 0) - before


def kb_texts(conn) -> list[str]:
    """Every alias text and entity name of the knowledge base."""
    from sqlalchemy import select

    names = conn.execute(select(models.Entity.name)).scalars().all()
    return list(dict.fromkeys([*names, *conn.execute(select(models.Alias.text)).scalars().all()]))



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


#: Tables whose ids are never reused (an undo record names rows by id).
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
    models.ArticleLock.__table__.create(c, checkfirst=True)
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


def _to_v5(c) -> None:
    """The stored linking keys (``link_key``, see :mod:`desktop.linking.index`), filled for every
    alias and entity name already there, so the first linking after the upgrade loads them."""
    models.LinkKey.__table__.create(c, checkfirst=True)
    store_link_keys(c, kb_texts(c))


def _to_v6(c) -> None:
    """The learned model table (desktop.detection.learning): portable DDL from the table's metadata."""
    models.SQLModel.metadata.create_all(c, tables=[models.LearnedModel.__table__])


def _to_v7(c) -> None:
    """The "detection not yet finished" mark on articles (an import killed before its detection
    is made up by the next import, ``detect`` or window start)."""
    from sqlalchemy import inspect

    cols = {col["name"] for col in inspect(c).get_columns("article")}
    if "detect_pending" not in cols:
        c.exec_driver_sql("ALTER TABLE article ADD COLUMN detect_pending BOOLEAN NOT NULL DEFAULT FALSE")


def _to_v8(c) -> None:
    """One mention per (article, start, end, type): duplicates left by earlier concurrent
    detection runs are merged first, keeping the curated one (any status but "suggested"), else
    the lowest id; relations that named a dropped duplicate are pointed at the kept one."""
    m = models.Mention.__table__
    rel = models.Relation.__table__
    rows = c.execute(select(m.c.id, m.c.article_id, m.c.start, m.c.end, m.c.type, m.c.status)
                     .order_by(m.c.id)).all()
    groups: dict[tuple, list] = {}
    for r in rows:
        groups.setdefault((r.article_id, r.start, r.end, r.type), []).append(r)
    for group in groups.values():
        if len(group) < 2:
            continue
        keep = min(group, key=lambda r: (r.status == "suggested", r.id))
        drop = [r.id for r in group if r.id != keep.id]
        group_ids = drop + [keep.id]
        c.execute(rel.delete().where(  # would join the kept mention to itself
            rel.c.head_mention_id.in_(group_ids), rel.c.tail_mention_id.in_(group_ids)))
        for col in (rel.c.head_mention_id, rel.c.tail_mention_id):
            c.execute(rel.update().where(col.in_(drop)).values({col.name: keep.id}))
        c.execute(m.delete().where(m.c.id.in_(drop)))
    for ix in m.indexes:
        if ix.name == "uq_mention_article_span_type":
            ix.create(c, checkfirst=True)


MIGRATIONS = {2: _to_v2, 3: _to_v3, 4: _to_v4, 5: _to_v5, 6: _to_v6, 7: _to_v7, 8: _to_v8}


# -- SQLite file specifics ------------------------------------------------------------------------
# Everything below applies only when the backend is a SQLite file: judging a file before anything
# writes to it, read-only and damaged files, URIs.  Nothing here opens a read-write connection.

_FOREIGN = "not a Curate database (an SQLite file of another program); it was left untouched"
_health_cache: dict[tuple, list[str]] = {}


def _file_signature(p: Path) -> tuple:
    """The main file's identity and state: a healthy file is quick-checked again only when the
    main file changed (in WAL mode writes go to the -wal file until a checkpoint), so the window,
    which opens the database for every background job, seldom pays for it twice."""
    try:
        st = p.stat()
        return (str(p.resolve()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    except OSError:
        return (str(p.resolve()), None, None, None, None)


def sqlite_uri(p: Path, *, read_only: bool, immutable: bool = False) -> str:
    """The ``file:`` URI of a database file (percent-encoded), read-only when asked."""
    uri = p.resolve().as_uri()
    if immutable:
        return uri + "?mode=ro&immutable=1"
    return uri + ("?mode=ro" if read_only else "?mode=rw")


def _connect_ro(p: Path) -> sqlite3.Connection:
    """A read-only connection that writes nothing, not even a ``-shm`` file when the folder is
    read-only (then the file is read as immutable: nobody can be writing it there)."""
    try:
        conn = sqlite3.connect(sqlite_uri(p, read_only=True), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        low = str(exc).lower()
        if "readonly" not in low and "unable to open" not in low:
            raise
    return sqlite3.connect(sqlite_uri(p, read_only=True, immutable=True), uri=True)


def _sqlite_can_open_ro(p: Path) -> bool:
    try:
        conn = sqlite3.connect(sqlite_uri(p, read_only=True), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
        return True
    except sqlite3.Error:
        return False


def sqlite_url(p: Path, *, read_only: bool) -> str:
    """The SQLAlchemy URL of a database file."""
    if not read_only:
        return f"sqlite:///{p}"
    if not p.exists() or _sqlite_can_open_ro(p):
        return f"sqlite:///{sqlite_uri(p, read_only=True)}&uri=true"
    return f"sqlite:///{sqlite_uri(p, read_only=True, immutable=True)}&uri=true"


def sqlite_file_state(p: Path) -> str:
    """``missing``, ``empty`` (a zero-byte file: may become a database) or ``curate`` (a Curate
    database).  Anything else raises :class:`DatabaseError` with one line, having read the file
    through a read-only connection only, so the file is left byte-identical."""
    if not p.exists():
        if p.is_symlink():
            raise DatabaseError(f"{p}: a link to a file that does not exist")
        return "missing"
    head = _header(p)
    if not head:
        return "empty"
    if head != _SQLITE_MAGIC:
        raise DatabaseError(f"{p}: not a Curate database (the file is damaged or of another kind); it was left untouched")
    try:
        conn = _connect_ro(p)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            version = int(conn.execute("PRAGMA user_version").fetchone()[0] or 0)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DatabaseError(_explain(exc, str(p))) from None
    if not tables and version == 0:
        return "empty"  # an SQLite file with nothing in it (e.g. made by File → New elsewhere)
    if "article" in tables and version > SCHEMA_VERSION:
        raise DatabaseError(f"{p}: made by a newer Curate (schema {version}, this one knows {SCHEMA_VERSION})")
    if not {"article", "mention", "entity"} <= tables or version == 0:
        raise DatabaseError(f"{p}: {_FOREIGN}")
    return "curate"


def sqlite_schema_version(p: Path) -> int:
    conn = _connect_ro(p)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0] or 0)
    finally:
        conn.close()


def sqlite_file_read_only_reason(p: Path) -> str | None:
    """Why a database file cannot be written (None when it can): the file or its folder is
    read-only.  A file with no write permission bits counts as read-only even for root."""
    try:
        st = p.stat()
    except OSError as exc:
        return f"cannot read the file ({exc.strerror})"
    if not st.st_mode & 0o222 or not os.access(p, os.W_OK):
        return "the file is read-only"
    folder = p.resolve().parent
    try:
        fst = folder.stat()
    except OSError:
        return "its folder cannot be read"
    if not fst.st_mode & 0o222 or not os.access(folder, os.W_OK | os.X_OK):
        return "its folder is read-only"
    return None


def _one_line(problem: str) -> str:
    return " ".join(problem.replace("*** in database main ***", "").split())


def sqlite_quick_check(p: Path) -> list[str]:
    """SQLite's quick check of a database file through a read-only connection (cached per process
    while the file does not change): the problems found, empty when healthy."""
    key = _file_signature(p)
    if _health_cache.get(key) == []:
        return []
    try:
        conn = _connect_ro(p)
        try:
            problems = [_one_line(r[0]) for r in conn.execute("PRAGMA quick_check(20)") if r[0] != "ok"]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        problems = [_one_line(str(exc))]
    _health_cache[key] = problems
    return problems


def sqlite_damaged_rows(p: Path, limit: int = 20) -> list[str]:
    """Rows whose text is not valid UTF-8 (raw bytes where text belongs), or that cannot be read,
    named ``table id: column ...`` — what a reader failing "on raw bytes" tripped over."""
    out: list[str] = []
    conn = _connect_ro(p)
    conn.text_factory = bytes
    try:
        tables = [r[0].decode() for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'article_fts%'")]
        for t in tables:
            cols = [r[1].decode() for r in conn.execute(f'PRAGMA table_info("{t}")')]
            try:
                for row in conn.execute(f'SELECT rowid, {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{t}"'):
                    for col, v in zip(cols, row[1:]):
                        if isinstance(v, bytes):
                            try:
                                v.decode("utf-8")
                            except UnicodeDecodeError:
                                out.append(f"{t} {row[0]}: {col} is not valid text (raw bytes)")
                    if len(out) >= limit:
                        return out
            except sqlite3.DatabaseError as exc:
                out.append(f"{t}: rows after the last readable one cannot be read ({exc})")
    finally:
        conn.close()
    return out


def probe_existing(path: str | os.PathLike) -> None:
    """Check, without changing anything, that ``path`` is a Curate database that can be opened
    (for the window's File → Open Database…).  An empty file is fine (it gets the schema);
    a missing file, a file of another kind, or another program's SQLite database raises
    :class:`DatabaseError` with one clear line."""
    p = Path(path)
    if sqlite_file_state(p) == "missing":
        raise DatabaseError(f"{p}: no such database")
