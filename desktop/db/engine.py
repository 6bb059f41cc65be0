"""The open database: :class:`Database`, which owns the engine, sessions and transactions
(read-only mode, the patient setup transaction, one-line errors), creates or migrates the
schema on opening, and runs search, backup and the integrity check on either backend.

The class picks the backend from what it is given (a file path or a ``postgresql://`` address)
and leaves each backend's specifics to its module: :mod:`desktop.db.sqlite` (pragmas, judging a
file, quick check) and :mod:`desktop.db.postgres` (the server: engine, write lock, search
index).  The schema's history is in :mod:`desktop.db.migrations`, bulk writes in
:mod:`desktop.db.bulk`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Iterator

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel, select

from desktop.db import bulk
from desktop.db import postgres as pg
from desktop.db.base import ChangeSignal, DatabaseError
from desktop.db.migrations import MIGRATIONS, _seed_defaults
from desktop.db.search import _create_fts, fts_query_from_user, search_words
from desktop.db.sqlite import (
    _connect_ro,
    _DataVersion,
    _explain,
    _one_line,
    sqlite_damaged_rows,
    sqlite_engine,
    sqlite_file_read_only_reason,
    sqlite_file_state,
    sqlite_quick_check,
    sqlite_schema_version,
)
from desktop.schema import SCHEMA_VERSION

#: How long the one-time work on a database (creating its schema, a migration, the first
#: seeding) waits for another process doing the same work at the same moment, which is then
#: found done; an ordinary writer waits desktop.db.sqlite.BUSY_TIMEOUT_MS.
SETUP_WAIT_MS = 300_000


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

        self.engine: Engine = sqlite_engine(p, read_only=self.read_only)
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
        :data:`SETUP_WAIT_MS`) for another writer, instead of
        :data:`desktop.db.sqlite.BUSY_TIMEOUT_MS`: for the one-time setup of a new database
        (seeding), which another process may be doing at the same moment.  Such work must check inside its transaction whether it is still needed:
        the process that waited then finds it done instead of failing on a locked database."""
        saved = self._write_engine
        self._write_engine = saved.execution_options(curate_wait_ms=int(wait_ms or SETUP_WAIT_MS))
        try:
            yield self
        finally:
            self._write_engine = saved

    def close(self) -> None:
        self.engine.dispose()

    def forked(self) -> None:
        """Call first in a process forked from the one that opened this database (a detection
        worker): the connections in the pool are the parent's and stay open for it; this process
        opens its own when it first reads."""
        self.engine.dispose(close=False)

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

    # the bulk writes of desktop.db.bulk, reached as ``db.insert_rows(...)`` by their writers
    insert_many = staticmethod(bulk.insert_many)
    insert_new = staticmethod(bulk.insert_new)
    insert_rows = staticmethod(bulk.insert_rows)

    def rebuild_search_index(self) -> None:
        self.refuse_if_read_only()
        with self._write_engine.begin() as c:
            if self.server:
                c.exec_driver_sql(f"REINDEX INDEX {pg.SEARCH_INDEX}")
                return
            c.exec_driver_sql("INSERT INTO article_fts(article_fts) VALUES ('rebuild')")


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
