"""Everything that applies only when the database is a SQLite file: how its connections are
set up (pragmas, transactions, the busy timeout), judging an existing file before anything
writes to it (another program's file is refused and left byte-identical), read-only and
damaged files, SQLite's quick check and the rows a reader cannot use, the file's change signal
(``PRAGMA data_version``), and its error messages in one line.  Nothing here opens a
read-write connection except the engine :class:`desktop.db.Database` asks for.

Transactions: Python 3.11's sqlite3 driver opens transactions lazily and on its own terms, so
(as the SQLAlchemy docs describe for pysqlite) we switch the driver to autocommit mode on
connect and emit ``BEGIN`` ourselves when SQLAlchemy starts a transaction.  Writes go through
:meth:`desktop.db.Database.transaction`, which uses ``BEGIN IMMEDIATE`` so that a second writer
waits for the busy timeout instead of failing half-way.

WAL, ``foreign_keys=ON`` and ``synchronous=FULL`` are set on every read-write connection.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from sqlmodel import create_engine

from desktop.db.base import ChangeSignal, DatabaseError
from desktop.schema import SCHEMA_VERSION

#: How long an ordinary writer waits for another one (``PRAGMA busy_timeout``).
BUSY_TIMEOUT_MS = 5000
_SQLITE_MAGIC = b"SQLite format 3\x00"


#: what a database locked by another connection is reported as (see :func:`is_locked`)
LOCKED = "the database is locked by another program"


def is_locked(exc: BaseException) -> bool:
    """The error is a SQLite database locked by another connection past the busy timeout."""
    return LOCKED in str(exc)


def _explain(exc: BaseException, path: str) -> str:
    msg = str(getattr(exc, "orig", exc) or exc)
    low = msg.lower()
    if "locked" in low or "busy" in low:
        return f"{path}: {LOCKED} (try again when it is done)"
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


def sqlite_engine(p: Path, *, read_only: bool) -> Engine:
    """The SQLAlchemy engine of a database file, its connections set up as the module doc says
    (read-only ones write nothing)."""
    engine = create_engine(
        sqlite_url(p, read_only=read_only),
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        poolclass=NullPool if os.environ.get("CURATE_DB_NULLPOOL") else None,
    )
    event.listen(engine, "connect", _on_connect_ro if read_only else _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _total_changes(conn) -> int | None:
    """sqlite3's count of rows changed on this connection (its executemany rowcount is not
    reliable with ON CONFLICT); None on another driver."""
    raw = conn.connection.driver_connection
    return raw.total_changes if isinstance(raw, sqlite3.Connection) else None


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


# -- judging a database file ---------------------------------------------------------------------
# Before anything writes to it: read-only and damaged files, URIs.  Nothing below opens a
# read-write connection.

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
