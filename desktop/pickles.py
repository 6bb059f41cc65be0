"""Objects that are slow to build and cheap to load, kept on disk between processes as pickles
in the per-user cache folder (``<cache>/<kind>/<key>.pickle``).

The caller names each file by a digest of everything the object is made of, so a stale object
is never loaded: another input gives another name.  Files are written atomically (a temporary
file, then a rename) and only the newest few of a kind are kept.  A file that cannot be read is
ignored and replaced; a cache that cannot be written (a full disk, a read-only folder) only
costs the next process the build.  Used for the detector (:mod:`desktop.detection.cache`) and
the linking index (:mod:`desktop.linking.index`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import Callable, Optional, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

#: files kept per kind (one per knowledge-base state; the newest are kept)
KEEP = 3


def cache_dir(kind: str) -> Path:
    """The folder of one kind of cached object (``CURATE_CACHE_DIR`` overrides the per-user
    cache folder)."""
    env = os.environ.get("CURATE_CACHE_DIR")
    if env:
        return Path(env) / kind
    import appdirs

    from desktop.paths import APP_AUTHOR, APP_NAME

    return Path(appdirs.user_cache_dir(APP_NAME, APP_AUTHOR)) / kind


def load(kind: str, key: str):
    """The object stored under ``key``, or None (absent or unreadable)."""
    path = cache_dir(kind) / f"{key}.pickle"
    try:
        with open(path, "rb") as fh:
            obj = pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign-version file: rebuilt by the caller
        log.warning("%s cache %s unreadable (%s); rebuilding", kind, path, exc)
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # the newest used are the ones kept
    return obj


def store(kind: str, key: str, obj) -> None:
    """Keep ``obj`` under ``key`` (atomically); drop the oldest files past :data:`KEEP`."""
    folder = cache_dir(kind)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{kind}-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / f"{key}.pickle")
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        old = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)[KEEP:]
        for p in old:
            with contextlib.suppress(OSError):
                p.unlink()
    except OSError as exc:  # a full disk or a read-only cache: the work goes on without it
        log.warning("%s cache not written (%s)", kind, exc)


def _state(code: str, db_key: str, signature: tuple) -> str:
    import hashlib

    return hashlib.sha1(f"{code}|{db_key}|{signature!r}".encode()).hexdigest()[:24]


def named(kind: str, code: str, db_key: str, signature: tuple) -> Optional[str]:
    """The key of the ``kind`` last cached for a database (its path or URL) in the state
    ``signature`` describes, made by ``code`` (a digest of the code that builds it), or None.
    Naming an object by its content means reading all of it (every alias, for the detector and
    the linking index), which costs about as much as loading it; this tiny second file, under
    ``<kind>-state``, spares that when the database has not changed since.  The signature is the
    one the in-memory caches trust (counts, highest ids, latest edits)."""
    key = load(f"{kind}-state", _state(code, db_key, signature))
    return key if isinstance(key, str) else None


def name(kind: str, code: str, db_key: str, signature: tuple, key: str) -> None:
    """Remember that the database in this state has its ``kind`` cached under ``key``."""
    store(f"{kind}-state", _state(code, db_key, signature), key)


def load_or_build(kind: str, key: str, build: Callable[[], T]) -> T:
    """The object cached under ``key``, else ``build()`` (stored for next time)."""
    obj = load(kind, key)
    if obj is None:
        obj = build()
        store(kind, key, obj)
    return obj
