"""The built detector, kept on disk between processes.

Building a :class:`~desktop.detection.detector.Detector` over 40,000 aliases (automata, spelling
variants) takes a second or more; loading its pickle takes a fraction of that.  The file is named
by a digest of everything the detector is made of:

* the entries it was built from (every alias with its type, entity, source and language, the
  surfaces learned from confirmed mentions) and the suppressed keys, in a stable order;
* the detection code and the language data under ``resources/`` (contents), the Python
  and pyahocorasick versions (the pickle format).

So any change to the knowledge base, to what the curator confirmed or rejected, or to the code
gives another name, and a stale detector is never loaded.  Files live in the per-user cache
folder (``<cache>/detector/``), written atomically; only the newest few are kept.  A file that
cannot be read is ignored and replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Callable, Optional

log = logging.getLogger(__name__)

#: detectors kept on disk (one per knowledge-base state; the newest are kept)
KEEP = 3
FORMAT = "1"

_CODE_DIGEST: Optional[str] = None


def cache_dir() -> Path:
    env = os.environ.get("CURATE_CACHE_DIR")
    if env:
        return Path(env) / "detector"
    import appdirs

    from desktop.paths import APP_AUTHOR, APP_NAME

    return Path(appdirs.user_cache_dir(APP_NAME, APP_AUTHOR)) / "detector"


def _code_digest() -> str:
    """Digest of the detection code and the language data (computed once per process)."""
    global _CODE_DIGEST
    if _CODE_DIGEST is None:
        import ahocorasick

        from desktop import __version__
        from desktop.paths import resources_dir

        h = hashlib.sha1(f"{FORMAT}|{sys.version}|{getattr(ahocorasick, '__version__', '')}|{__version__}".encode())
        pkg = Path(__file__).resolve().parent.parent
        files: list[Path] = [pkg / "text.py"]
        for folder in (pkg / "detection", pkg / "language"):
            if folder.is_dir():
                files += sorted(folder.rglob("*.py"))
        res = resources_dir()
        if res.is_dir():
            files += sorted(p for p in res.rglob("*") if p.is_file()
                            and p.relative_to(res).parts[0] not in ("fonts", "icons", "licenses"))
        for p in files:
            h.update(str(p.name).encode())
            with contextlib.suppress(OSError):
                h.update(p.read_bytes())
        _CODE_DIGEST = h.hexdigest()
    return _CODE_DIGEST


def digest(entries, suppressed) -> str:
    """The name of the detector built from ``entries`` (a list in a stable order) and
    ``suppressed`` keys with the current code."""
    h = hashlib.sha1(_code_digest().encode())
    h.update(repr([tuple(e) for e in entries]).encode())
    h.update(repr(sorted(suppressed)).encode())
    return h.hexdigest()[:24]


def load_or_build(key: str, build: Callable[[], object]):
    """The detector cached under ``key``, else ``build()`` (stored for next time)."""
    folder = cache_dir()
    path = folder / f"{key}.pickle"
    try:
        with open(path, "rb") as fh:
            det = pickle.load(fh)
        with contextlib.suppress(OSError):
            os.utime(path)  # the newest used are the ones kept
        return det
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign-version file: rebuild
        log.warning("detector cache %s unreadable (%s); rebuilding", path, exc)
    det = build()
    _store(folder, path, det)
    return det


def _store(folder: Path, path: Path, det) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".detector-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(det, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        old = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)[KEEP:]
        for p in old:
            with contextlib.suppress(OSError):
                p.unlink()
    except OSError as exc:  # a full disk or a read-only cache: detection goes on without it
        log.warning("detector cache not written (%s)", exc)
