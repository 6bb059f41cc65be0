"""The database package: the one place in Curate that owns engines, connections, sessions,
transactions, migrations and every backend specific.  Nothing else writes SQL; the window never
touches it except to open a :class:`Database` and pass it to core functions, and only modules
of this package import a backend module or its driver (import-linter contracts in
pyproject.toml say so).

Each module has one job, listed from the top of the package down (a module imports only from
those below it, another contract):

- :mod:`~desktop.db.engine`: :class:`Database` (engines, sessions, transactions, read-only
  mode, the patient setup transaction, opening and migrating, search, backup, integrity check);
- :mod:`~desktop.db.migrations`: the schema's history (``MIGRATIONS``) and the default types;
- :mod:`~desktop.db.linkkeys`: the stored linking keys (table ``link_key``);
- :mod:`~desktop.db.bulk`: bulk writes (driver-level executemany, ``ON CONFLICT``);
- :mod:`~desktop.db.sqlite`: a SQLite file (pragmas, judging a foreign or damaged file, quick
  check, recovery's row reader, change signal); :mod:`~desktop.db.postgres`: a PostgreSQL
  server (team mode); :mod:`~desktop.db.search`: the user's words and the FTS5 table;
- :mod:`~desktop.db.base`: the error type and the change-signal interface.

The rest of Curate imports from ``desktop.db`` itself, the names below.  Two neighbours stay
outside on purpose: :mod:`desktop.schema` (the schema version) and :mod:`desktop.db_light` (a
plain-sqlite3 read path for short commands) are what a command imports *without* importing
SQLAlchemy, which importing this package does.
"""

from desktop.db.base import ChangeSignal, DatabaseError
from desktop.db.engine import SETUP_WAIT_MS, Database, display_name, is_server_url
from desktop.db.linkkeys import (
    kb_texts,
    load_link_keys,
    read_link_keys,
    save_link_keys,
    store_link_keys,
    stored_link_texts,
)
from desktop.db.migrations import MIGRATIONS
from desktop.db.search import fts_query_from_user, search_words
from desktop.db.sqlite import (
    _connect_ro,
    is_locked,
    probe_existing,
    sqlite_damaged_rows,
    sqlite_file_state,
    sqlite_quick_check,
)
from desktop.schema import SCHEMA_VERSION

__all__ = [
    "MIGRATIONS", "SCHEMA_VERSION", "SETUP_WAIT_MS", "ChangeSignal", "Database", "DatabaseError", "_connect_ro",
    "display_name", "fts_query_from_user", "is_locked", "is_server_url", "kb_texts", "load_link_keys", "probe_existing",
    "read_link_keys", "save_link_keys", "search_words", "sqlite_damaged_rows", "sqlite_file_state",
    "sqlite_quick_check", "store_link_keys", "stored_link_texts",
]
