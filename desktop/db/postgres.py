"""The PostgreSQL backend of the database package (team mode): the server's engine, write
lock, schema version, search index and change signal.  Only modules of :mod:`desktop.db`
import this module or psycopg (an import-linter contract says so): the rest of Curate never
learns which backend runs.

Connecting follows libpq's conventions: ``postgresql://user@host:port/dbname[?sslmode=...]``,
with the password from ``~/.pgpass`` or ``PGPASSWORD``.  A password typed into the URL is
taken out of it at once and kept in this process's memory only (:data:`_PASSWORDS`), so the
URL Curate shows, logs, remembers and passes to its worker threads never holds one.

Writes: every write transaction first takes one transaction-scoped advisory lock, so writers
queue one after the other exactly as SQLite's ``BEGIN IMMEDIATE`` makes them do, while readers
never wait (MVCC).  A curation action therefore reads and checks its rows with no other writer
between its check and its commit.

Search: PostgreSQL's text-search parser, with the ``simple`` configuration (lower-casing, no
stemming), keeps Bengali and Devanagari vowel signs, viramas and nuktas inside words (checked on
PostgreSQL 15 with a C.UTF-8 database, where glibc classifies them as letters, and with a "C"
database, where every non-ASCII character counts as a letter), so ``'নির্বাচন':*`` finds
নির্বাচনের just as FTS5's prefix query does on SQLite.  pg_trgm also handles these marks, but
needs an extension a database owner may not be allowed to create, and matches inside words; a
GIN expression index over ``to_tsvector('simple', title || ' ' || text)`` needs nothing beyond
the core server.
"""

from __future__ import annotations

import os
import re
from typing import Optional

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.engine.url import URL

#: Passwords typed into a URL, by the URL without them (this process's memory only).
_PASSWORDS: dict[str, str] = {}

#: Key of the advisory lock every write transaction takes (any constant; "CURA" in ASCII).
WRITE_LOCK_KEY = 0x43555241
LOCK_TIMEOUT = "30s"
SEARCH_CONFIG = "simple"
SEARCH_DOCUMENT = f"to_tsvector('{SEARCH_CONFIG}'::regconfig, (title || ' ' || text))"
SEARCH_INDEX = "ix_article_search"

_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_server_url(target) -> bool:
    return isinstance(target, str) and target.lower().startswith(_SCHEMES)


def _parse(target: str) -> URL:
    try:
        url = make_url(target)
    except Exception:
        raise ValueError(f"not a valid server address: {mask(target)}") from None
    return url.set(drivername="postgresql+psycopg")


def public_url(target: str) -> str:
    """The URL without a password (``postgresql://user@host:port/dbname?...``); a password it
    held is remembered in memory for this process, so reconnecting with the result works."""
    url = _parse(target)
    bare = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                      database=url.database, query=url.query)
    shown = bare.render_as_string(hide_password=False)
    if url.password is not None:
        _PASSWORDS[shown] = str(url.password)
    return shown


def mask(message: str) -> str:
    """``message`` with every password Curate knows and any ``user:password@`` replaced."""
    for pw in _PASSWORDS.values():
        if pw:
            message = message.replace(pw, "***")
    message = re.sub(r"(postgres(?:ql)?(?:\+\w+)?://[^:/@\s]*):[^@\s]*@", r"\1:***@", message)
    return re.sub(r"(password\s*=\s*)\S+", r"\1***", message, flags=re.I)


def make_engine(public: str) -> Engine:
    url = _parse(public)
    if public in _PASSWORDS:
        url = url.set(password=_PASSWORDS[public])
    engine = create_engine(
        url,
        pool_pre_ping=True,  # a connection the server dropped (restart, network) is replaced
        connect_args={"connect_timeout": int(os.environ.get("CURATE_PG_CONNECT_TIMEOUT", "10")),
                      "application_name": "curate",
                      # stored times are UTC on both backends; a writer waits at most this long
                      "options": f"-c timezone=UTC -c lock_timeout={LOCK_TIMEOUT}"},
    )

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        opts = conn.get_execution_options()
        if opts.get("curate_write"):
            if opts.get("curate_wait_ms"):  # a setup transaction (Database.patient) waits longer
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(opts['curate_wait_ms'])}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")

    return engine


#: The channel every write transaction notifies at commit (the live view listens).
CHANNEL = "curate_changes"


class Listener:
    """LISTEN on :data:`CHANNEL` through its own autocommit connection.  A lost connection
    (server restart) is reopened on the next :meth:`wait`, which then reports a change, since
    notifications sent meanwhile are lost."""

    def __init__(self, public: str):
        self.public = public
        self._conn = None
        self._open()

    def _open(self) -> None:
        import psycopg

        url = _parse(self.public)
        if self.public in _PASSWORDS:
            url = url.set(password=_PASSWORDS[self.public])
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._conn = psycopg.connect(dsn, autocommit=True, connect_timeout=10)
        self._conn.execute(f"LISTEN {CHANNEL}")

    def wait(self, timeout: float = 0.0) -> bool:
        import psycopg

        try:
            if self._conn is None or self._conn.closed:
                self._open()
                return True
            got = False
            for _ in self._conn.notifies(timeout=timeout, stop_after=1):
                got = True
            if got:  # take every notification already queued
                for _ in self._conn.notifies(timeout=0):
                    pass
            return got
        except psycopg.OperationalError:
            self.close()
            return False

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001 - closing a dead connection
                pass
            self._conn = None


def explain(exc: BaseException, name: str) -> str:
    orig = getattr(exc, "orig", exc)
    msg = mask(str(orig or exc).strip().splitlines()[0] if str(orig or exc).strip() else repr(orig))
    low = msg.lower()
    state = getattr(getattr(orig, "diag", None), "sqlstate", None) or getattr(orig, "sqlstate", None) or ""
    if state == "42501" or "permission denied" in low:
        return f"{name}: this role may only read the database ({msg}); nothing was changed"
    if state == "25006" or "read-only transaction" in low:
        return f"{name}: the database is read-only; nothing was changed"
    if state in ("55P03", "40P01") or "lock timeout" in low:
        return f"{name}: the database is busy with another curator's long write (try again)"
    if state.startswith("08") or any(w in low for w in ("connection refused", "could not connect",
                                                         "server closed", "terminating connection",
                                                         "connection failed", "timeout expired",
                                                         "consuming input failed", "the connection is lost")):
        return f"{name}: cannot reach the database server ({msg}); nothing was saved"
    if state == "3D000" or "does not exist" in low and "database" in low:
        return f"{name}: no such database on the server ({msg})"
    if "authentication failed" in low or "no password supplied" in low:
        return f"{name}: the server refused the login ({msg}); give the password in ~/.pgpass or PGPASSWORD"
    return f"{name}: database error: {msg}"


# -- schema ---------------------------------------------------------------------------------------


def schema_version(c) -> Optional[int]:
    """The version in ``curate_schema``, or None when there is no such table.  Asked of
    ``pg_tables`` (a scan under the statement's snapshot), not ``to_regclass``: a backend's
    cache can still say "no such table" after another process committed the schema while this
    transaction waited for the write lock."""
    exists = c.execute(text("SELECT 1 FROM pg_tables WHERE schemaname = current_schema() "
                            "AND tablename = 'curate_schema'")).scalar()
    if exists is None:
        return None
    return int(c.execute(text("SELECT max(version) FROM curate_schema")).scalar() or 0)


def set_schema_version(c, version: int) -> None:
    c.execute(text("CREATE TABLE IF NOT EXISTS curate_schema (version INTEGER NOT NULL)"))
    c.execute(text("DELETE FROM curate_schema"))
    c.execute(text("INSERT INTO curate_schema (version) VALUES (:v)"), {"v": version})


def user_tables(c) -> list[str]:
    return list(c.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars())


def create_search_index(c) -> None:
    c.execute(text(f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX} ON article USING gin ({SEARCH_DOCUMENT})"))


def tsquery(words: list[str]) -> str:
    """A to_tsquery string: every word a quoted prefix, all required."""
    return " & ".join("'" + w.replace("'", "''").replace("\\", "\\\\") + "':*" for w in words)


def search(c, words: list[str], limit: int) -> list[tuple[int, str, str]]:
    sql = text(
        f"SELECT id, title, ts_headline('{SEARCH_CONFIG}', text, q, "
        "'StartSel=[, StopSel=], MaxWords=14, MinWords=6, ShortWord=0, MaxFragments=1, FragmentDelimiter=…') "
        f"FROM article, to_tsquery('{SEARCH_CONFIG}', :q) AS q WHERE {SEARCH_DOCUMENT} @@ q "
        f"ORDER BY ts_rank({SEARCH_DOCUMENT}, q) DESC, id LIMIT :n"
    )
    rows = c.execute(sql, {"q": tsquery(words), "n": limit}).fetchall()
    return [(r[0], r[1], (r[2] or "").replace("\n", " ")) for r in rows]


def search_ids(c, words: list[str]) -> list[int]:
    sql = text(f"SELECT id FROM article WHERE {SEARCH_DOCUMENT} @@ to_tsquery('{SEARCH_CONFIG}', :q)")
    return list(c.execute(sql, {"q": tsquery(words)}).scalars())


def check_search_index(c) -> list[str]:
    row = c.execute(text(
        "SELECT i.indisvalid FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid "
        "WHERE x.relname = :n"), {"n": SEARCH_INDEX}).first()
    if row is None:
        return [f"full-text index: {SEARCH_INDEX} is missing"]
    if not row[0]:
        return [f"full-text index: {SEARCH_INDEX} is not valid (REINDEX INDEX {SEARCH_INDEX})"]
    return []


def reset_sequences(c, tables) -> None:
    """After rows were copied in with their ids: each id sequence continues after the highest."""
    for table in tables:
        if "id" not in table.c:
            continue
        c.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"GREATEST((SELECT max(id) FROM {table.name}), 1))"))
