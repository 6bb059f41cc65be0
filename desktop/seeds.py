"""First launch: a new database gets the starter knowledge base and the bundled seed articles,
so a new curator sees real content at once."""

from __future__ import annotations

import time
from pathlib import Path

from desktop.db import SETUP_WAIT_MS, Database, DatabaseError, is_locked, is_server_url
from desktop.importing import ImportReport, import_paths
from desktop.paths import seeds_dir


def seed_files() -> list[Path]:
    d = seeds_dir()
    return sorted(p for p in d.glob("*.txt")) if d.is_dir() else []


def seed_knowledge_base(db: Database) -> int:
    """Load the bundled starter gazetteer into the knowledge base (idempotent)."""
    from desktop.detection.service import seed_knowledge_base as _seed

    return _seed(db)


def load_seeds(db: Database, *, detect: bool = True) -> ImportReport:
    """Import the bundled seed articles (duplicates are skipped, so this is idempotent)."""
    return import_paths(db, seed_files(), detect=detect)


#: a database file this small may still be being created by another process: in WAL mode the
#: creating transaction lives in the ``-wal`` file and the main file holds little more than its
#: header until the first checkpoint, while one in use holds at least the starter knowledge base
YOUNG_BYTES = 1 << 20


def _young(p) -> bool:
    try:
        return isinstance(p, Path) and p.stat().st_size < YOUNG_BYTES
    except OSError:
        return True


def _open(p, created: bool) -> tuple[Database, bool]:
    db = Database(p)
    if db.read_only or created:
        return db, created
    # a database whose first seeding was interrupted (nothing in it at all) is still new
    from desktop.queries import stats

    try:
        st = stats(db)
    except BaseException:
        db.close()
        raise
    return db, st["articles"] == 0 and st["entities"] == 0 and st["history_actions"] == 0


def open_or_create(path: str | Path, *, with_seeds: bool) -> tuple[Database, bool]:
    """Open the database at `path`, creating it when missing.  A newly created one gets the
    starter knowledge base, and the seed articles when `with_seeds`.  Returns (db, created)."""
    if is_server_url(path):  # a server database: new when it holds nothing yet
        created, p = False, str(path)
    else:
        p = Path(path)
        created = not p.exists() or p.stat().st_size == 0
    young = created or _young(p)
    deadline = time.monotonic() + SETUP_WAIT_MS / 1000
    while True:
        db = None
        try:
            db, created = _open(p, created)
            if db.read_only:  # a read-only or damaged file: opened to read, never seeded
                return db, False
            if created:
                # another process may be seeding the same new database right now: wait for it
                # (the seeding is idempotent and then adds nothing) rather than fail on a lock
                with db.patient():
                    seed_knowledge_base(db)
                    if with_seeds:
                        load_seeds(db)
            return db, created
        except DatabaseError as exc:
            # a database made moments ago may still be being created by another process (three
            # started at once): a lock met while opening it is waited out too, not reported
            if db is not None:
                db.close()
            if not (young and is_locked(exc)) or time.monotonic() > deadline:
                raise
            time.sleep(0.2)
