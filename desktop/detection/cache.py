"""The built detector, kept on disk between processes.

Building a :class:`~desktop.detection.detector.Detector` over 40,000 aliases (automata, spelling
variants) takes a second or more; loading its pickle takes a fraction of that.  The file is named
by a digest of everything the detector is made of:

* the entries it was built from (every alias with its type, entity, source and language, the
  surfaces learned from confirmed mentions) and the suppressed keys, in a stable order;
* the detection code and the language data under ``resources/`` (contents), the Python
  and pyahocorasick versions (the pickle format).

So any change to the knowledge base, to what the curator confirmed or rejected, or to the code
gives another name, and a stale detector is never loaded.  Naming it means reading every
alias, which costs as much as loading it; so a second, tiny file remembers which detector a
database (its path or URL) built in the state its signature describes, the same signature the
in-memory cache trusts (entity, alias and curated-mention counts, highest ids, latest edits).  Files live in the per-user cache
folder (``<cache>/detector/``, :mod:`desktop.pickles`).
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
from pathlib import Path
from typing import Callable, Optional

from desktop import pickles

FORMAT = "1"

_CODE_DIGEST: Optional[str] = None


def cache_dir() -> Path:
    return pickles.cache_dir("detector")


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


def load(key: str):
    """The detector cached under ``key``, or None."""
    return pickles.load("detector", key)


def named_for(db_key: str, signature: tuple) -> Optional[str]:
    """The key of the detector last built for this database in the state ``signature``
    describes (:func:`desktop.pickles.named`), or None."""
    return pickles.named("detector", _code_digest(), db_key, signature)


def name_for(db_key: str, signature: tuple, key: str) -> None:
    """Remember that the database in this state builds the detector ``key``."""
    pickles.name("detector", _code_digest(), db_key, signature, key)


def load_or_build(key: str, build: Callable[[], object]):
    """The detector cached under ``key``, else ``build()`` (stored for next time)."""
    return pickles.load_or_build("detector", key, build)
