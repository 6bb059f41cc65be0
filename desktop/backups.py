"""Automatic backups, restore, and salvage of a damaged database (the anchors: Anki, Zotero).

- :func:`make_backup` copies the database with SQLite's online backup into the backup folder
  beside it (``<folder>/backups/<name>-YYYYMMDD-HHMMSS.db``; for the default database that folder
  is in the per-user data folder).  :meth:`desktop.db.Database.backup` verifies the copy with an
  integrity check before it is moved into place, so a damaged database never produces a backup
  that passes for a good one, and a good backup is never replaced (each backup is a new file).
- :func:`thin` keeps the last 12, the newest of each day for a week and of each week for a month.
- :func:`auto_backup` is what the window (on close, every 30 minutes while there are changes) and
  long command-line writes call.
- :func:`restore` first saves the current database as a backup, then copies the chosen backup in
  through the online backup API (one transaction: other connections see the old or the new data).
- :func:`recover` salvages every readable row of a damaged database into a new one and lists what
  it could not read.

Qt-free; used by the CLI (``curate backups``, ``curate restore``, ``curate recover``) and the window.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from desktop.db import Database, DatabaseError, _connect_ro, display_name, is_server_url, sqlite_file_state

KEEP_RECENT = 12
KEEP_DAILY_DAYS = 7
KEEP_WEEKLY_DAYS = 31
AUTO_INTERVAL_S = 30 * 60
LONG_WRITE_S = 10.0

_NAME = re.compile(r"^(?P<stem>.+)-(?P<ts>\d{8}-\d{6})(?:-(?P<n>\d+))?\.db$")


@dataclass
class BackupInfo:
    path: Path
    at: _dt.datetime
    articles: Optional[int] = None
    mentions: Optional[int] = None
    problem: Optional[str] = None


def _refuse_server(db_path: str | os.PathLike) -> None:
    """Automatic backups are files beside a SQLite file; a server database has none."""
    if is_server_url(str(db_path)):
        raise DatabaseError(f"{display_name(db_path)}: a server database has no automatic backups; "
                            "back it up with `curate backup FILE` (a snapshot Curate opens) or pg_dump "
                            "(see docs/team.md)")


def backup_dir(db_path: str | os.PathLike) -> Path:
    _refuse_server(db_path)
    return Path(db_path).resolve().parent / "backups"


def _stem(db_path: str | os.PathLike) -> str:
    return Path(db_path).stem or "curate"


def _parse_time(name: str) -> Optional[_dt.datetime]:
    m = _NAME.match(name)
    if not m:
        return None
    try:
        return _dt.datetime.strptime(m.group("ts"), "%Y%m%d-%H%M%S")
    except ValueError:
        return None


def _backup_files(db_path) -> list[tuple[_dt.datetime, Path]]:
    d = backup_dir(db_path)
    stem = _stem(db_path)
    out = []
    if d.is_dir():
        for f in d.iterdir():
            m = _NAME.match(f.name)
            if m and m.group("stem") == stem and f.is_file():
                at = _parse_time(f.name)
                if at:
                    out.append((at, int(m.group("n") or 0), f))
    return [(at, f) for at, _, f in sorted(out, reverse=True)]


def make_backup(db: Database, *, now: Optional[_dt.datetime] = None, keep: bool = True) -> Path:
    """A verified backup in the backup folder; then :func:`thin`.  Raises DatabaseError (one
    line) when the database is damaged or the copy cannot be written."""
    now = now or _dt.datetime.now()
    d = backup_dir(db.path)
    base = f"{_stem(db.path)}-{now:%Y%m%d-%H%M%S}"
    dest = d / f"{base}.db"
    n = 1
    while dest.exists():
        dest = d / f"{base}-{n}.db"
        n += 1
    db.backup(dest)
    if keep:
        thin(db.path, now=now)
    return dest


def thin(db_path, *, now: Optional[_dt.datetime] = None) -> list[Path]:
    """Delete backups beyond the last 12, one a day for a week, one a week for a month.
    Returns the deleted files."""
    now = now or _dt.datetime.now()
    files = _backup_files(db_path)  # newest first
    keep: set[Path] = {f for _, f in files[:KEEP_RECENT]}
    days: set = set()
    weeks: set = set()
    for at, f in files:
        age = now - at
        if age <= _dt.timedelta(days=KEEP_DAILY_DAYS) and at.date() not in days:
            days.add(at.date())
            keep.add(f)
        week = at.isocalendar()[:2]
        if age <= _dt.timedelta(days=KEEP_WEEKLY_DAYS) and week not in weeks:
            weeks.add(week)
            keep.add(f)
    gone = []
    for _, f in files:
        if f not in keep:
            try:
                f.unlink()
                gone.append(f)
            except OSError:
                pass
    return gone


def list_backups(db_path) -> list[BackupInfo]:
    """The backups of a database, newest first, with their article and mention counts.  A
    server database is refused in one line (its backups are ``curate backup`` snapshots)."""
    _refuse_server(db_path)
    out = []
    for at, f in _backup_files(db_path):
        info = BackupInfo(path=f, at=at)
        try:
            conn = _connect_ro(f)
            try:
                info.articles = conn.execute("SELECT count(*) FROM article").fetchone()[0]
                info.mentions = conn.execute("SELECT count(*) FROM mention").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.Error as exc:
            info.problem = str(exc)
        out.append(info)
    return out


def newest_backup_time(db_path) -> Optional[_dt.datetime]:
    files = _backup_files(db_path)
    return files[0][0] if files else None


def content_signature(path: str | os.PathLike) -> tuple:
    """Changes whenever curated data changes (cheap: a few indexed aggregates)."""
    conn = _connect_ro(Path(path))
    try:
        row = conn.execute(
            "SELECT (SELECT max(id) FROM history), (SELECT count(*) FROM article), (SELECT max(id) FROM article),"
            " (SELECT count(*) FROM mention), (SELECT max(updated_at) FROM mention),"
            " (SELECT count(*) FROM entity), (SELECT max(updated_at) FROM entity), (SELECT count(*) FROM alias)"
        ).fetchone()
    finally:
        conn.close()
    return tuple(row)


def auto_backup(db: Database, *, min_interval_s: float = AUTO_INTERVAL_S, force: bool = False) -> Optional[Path]:
    """Back up when the newest backup is older than ``min_interval_s`` (or ``force``) and the
    data differs from it.  Returns the new backup, or None when none was needed.  A read-only or
    damaged database is never backed up automatically (a damaged copy must not rotate out a good one)."""
    if db.read_only or db.server:  # a server database is backed up on the server (docs/team.md)
        return None
    files = _backup_files(db.path)
    now = _dt.datetime.now()
    if files and not force and (now - files[0][0]).total_seconds() < min_interval_s:
        return None
    if files:
        try:
            if content_signature(db.path) == content_signature(files[0][1]):
                return None
        except sqlite3.Error:
            pass
    return make_backup(db, now=now)


def after_cli_write(db: Database, started: float) -> Optional[Path]:
    """After a command-line write: a backup when it ran long, or when the last one is older than
    the automatic interval.  A failure to back up is reported by the caller, never fatal."""
    long = time.monotonic() - started >= LONG_WRITE_S
    return auto_backup(db, min_interval_s=0 if long else AUTO_INTERVAL_S)


def restore(db: Database, backup: str | os.PathLike) -> Path:
    """Replace the database's content with a backup's; the current content is saved as a backup
    first.  Returns that safety backup."""
    if db.server:
        raise DatabaseError(f"{db.path}: a server database is restored on the server (pg_dump/pg_restore, "
                            "see docs/team.md); `curate backup` copies it to a file for offline work")
    src = Path(backup)
    if not src.is_file():
        raise DatabaseError(f"{src}: no such backup")
    if sqlite_file_state(src) != "curate":
        raise DatabaseError(f"{src}: not a Curate backup")
    conn = _connect_ro(src)
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check(5)") if r[0] != "ok"]
        if problems:
            raise DatabaseError(f"{src}: this backup is damaged ({problems[0]}); choose another one")
        if db.damaged:  # keep the damaged file as it is (not as a backup: it must not pass for one)
            safety = backup_dir(db.path) / f"{_stem(db.path)}-damaged-{_dt.datetime.now():%Y%m%d-%H%M%S}.sqlite"
            safety.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(db.path, safety)
        else:
            db.refuse_if_read_only()
            safety = make_backup(db, keep=False)
        dest = sqlite3.connect(db.path, timeout=30)
        try:
            conn.backup(dest)
        finally:
            dest.close()
    except (sqlite3.Error, OSError) as exc:
        raise DatabaseError(f"{db.path}: restore failed ({exc}); the database was not changed") from None
    finally:
        conn.close()
    # the restored copy may be of an older schema: bring it up to date
    Database(db.path).close()
    return safety


# -- salvage -----------------------------------------------------------------------------------------

#: Tables in the order rows can be inserted (parents first).
_TABLES = ("entity_type", "relation_type", "article", "entity", "alias", "mention", "relation", "history")


@dataclass
class RecoverReport:
    saved: dict[str, int] = field(default_factory=dict)
    lost: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = ", ".join(f"{t} {n}" for t, n in self.saved.items())
        return f"recovered {parts}; {len(self.lost)} row(s) or ranges could not be read"


def _read_rows(conn: sqlite3.Connection, table: str, report: RecoverReport):
    """(columns, rows) of every readable row; what cannot be read goes to report.lost."""
    try:
        cols = [r[1].decode() if isinstance(r[1], bytes) else r[1]
                for r in conn.execute(f"PRAGMA table_info({table})")]
    except sqlite3.DatabaseError as exc:
        report.lost.append(f"{table}: table not readable ({exc})")
        return [], []
    if not cols:
        return [], []
    try:
        top = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
    except sqlite3.DatabaseError:
        top = 10_000_000
    rows: list[tuple] = []
    sel = "SELECT " + ", ".join(f'"{c}"' for c in cols) + f" FROM {table}"
    step = 1000
    for lo in range(1, top + 1, step):
        try:
            rows += conn.execute(f"{sel} WHERE rowid BETWEEN ? AND ?", (lo, lo + step - 1)).fetchall()
            continue
        except sqlite3.DatabaseError:
            pass
        for rid in range(lo, min(lo + step, top + 1)):
            try:
                rows += conn.execute(f"{sel} WHERE rowid = ?", (rid,)).fetchall()
            except sqlite3.DatabaseError as exc:
                report.lost.append(f"{table} {rid}: {exc}")
    seen = {r[0] for r in rows} if "id" == cols[0] else set()
    if seen:
        for rid in sorted(_index_rowids(conn, table) - seen):
            report.lost.append(f"{table} {rid}: on a damaged page (listed in an index, the row cannot be read)")
    return cols, rows


def _index_rowids(conn: sqlite3.Connection, table: str) -> set[int]:
    """Row ids the table's indexes still list (an index lives on other pages than the rows)."""
    out: set[int] = set()
    try:
        names = [r[1].decode() if isinstance(r[1], bytes) else r[1]
                 for r in conn.execute(f"PRAGMA index_list({table})")]
    except sqlite3.DatabaseError:
        return out
    for idx in names:
        try:
            out.update(r[0] for r in conn.execute(f'SELECT rowid FROM {table} INDEXED BY "{idx}"'))
        except sqlite3.DatabaseError:
            continue
    return out


def _decoded(table: str, row: tuple, report: RecoverReport) -> Optional[tuple]:
    out = []
    for v in row:
        if isinstance(v, bytes):
            try:
                v = v.decode("utf-8")
            except UnicodeDecodeError:
                report.lost.append(f"{table} {row[0]}: damaged text (not valid UTF-8)")
                return None
        out.append(v)
    return tuple(out)


def recover(damaged: str | os.PathLike, new: str | os.PathLike) -> RecoverReport:
    """Copy every readable row of ``damaged`` into a new database ``new`` (which must not exist).
    Rows that cannot be read, or whose parent row was lost, are listed in the report."""
    src, dst = Path(damaged), Path(new)
    if not src.is_file():
        raise DatabaseError(f"{src}: no such database")
    if dst.exists():
        raise DatabaseError(f"{dst}: already exists; give the name of a new file")
    if src.resolve() == dst.resolve():
        raise DatabaseError("the new database must be another file")
    try:
        conn = _connect_ro(src)
    except sqlite3.Error as exc:
        raise DatabaseError(f"{src}: cannot be opened at all ({exc})") from None
    conn.text_factory = bytes
    report = RecoverReport()
    out_db = Database(dst)
    out_db.close()
    out = sqlite3.connect(dst, isolation_level=None)
    try:
        out.execute("PRAGMA foreign_keys = ON")
        out.execute("BEGIN")
        out.execute("DELETE FROM entity_type")
        out.execute("DELETE FROM relation_type")
        for table in _TABLES:
            cols, rows = _read_rows(conn, table, report)
            if not cols:
                continue
            target = [r[1] for r in out.execute(f"PRAGMA table_info({table})")]
            keep = [i for i, c in enumerate(cols) if c in target]
            names = ", ".join(f'"{cols[i]}"' for i in keep)
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(keep))})"
            n = 0
            for row in rows:
                row = _decoded(table, row, report)
                if row is None:
                    continue
                try:
                    out.execute(sql, [row[i] for i in keep])
                    n += 1
                except sqlite3.IntegrityError as exc:
                    report.lost.append(f"{table} {row[0]}: not restorable ({exc})")
            report.saved[table] = n
        out.execute("INSERT INTO article_fts(article_fts) VALUES ('rebuild')")
        out.execute("COMMIT")
    finally:
        out.close()
        conn.close()
    return report
