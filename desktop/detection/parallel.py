"""Detection in worker processes for large batches: workers detect, the parent writes.

A detector is pure (same text, same candidates), so the result does not depend on which process
ran it; the parent consumes results in article order, so suggestions, links and their row order
are the same as in one process (tests/test_detection_parallel.py checks it).  Workers also
compute the linking keys of the surfaces that will need linking (the transliteration-heavy part
of linking), which the parent's linker then uses instead of computing them again.

Workers are forked, so they inherit the parent's detector without pickling it; where fork is
not available or not safe (Windows, macOS, a process running Qt), detection stays in one
process.  Below :data:`MIN_ARTICLES` articles a pool does not pay for itself.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from typing import Callable, Optional

#: fewer articles than this are detected in the calling process
MIN_ARTICLES = 100
#: articles sent to a worker at a time
PIECE = 16
MAX_WORKERS = 8

_DET = None  # the worker's detector (inherited at fork)
#: texts whose linking keys the parent has already (stored by an earlier run), or None when
#: the parent does not link (no keys wanted)
_SKIP: "frozenset[str] | None" = frozenset()


def default_workers(n_articles: int) -> int:
    """How many worker processes to use for ``n_articles`` (0: detect in this process)."""
    if n_articles < MIN_ARTICLES:  # the window's one article: not even a look at the cores
        return 0
    env = os.environ.get("CURATE_WORKERS")
    if env is not None and env.strip().isdigit():
        n = int(env)
    else:
        n = min(os.cpu_count() or 1, MAX_WORKERS)
    if n < 2 or n_articles < MIN_ARTICLES or not can_fork():
        return 0
    return n


def can_fork() -> bool:
    """Fork is available and safe here: a POSIX system other than macOS, and no Qt in the
    process (forking a process with Qt's threads is not)."""
    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and "PySide6.QtCore" not in sys.modules)


def _init(det, skip) -> None:
    global _DET, _SKIP
    _DET = det
    _SKIP = skip
    # what the fork inherited (the detector above all) is kept out of the cycle collector: its
    # full passes would walk it again and again while the worker makes each piece's rows, and
    # writing their object headers would copy the parent's shared pages into this process
    gc.freeze()


def candidate_rows(cands) -> list[tuple]:
    """Candidates as plain tuples (start, end, text, type, source, confidence, value, entity_id):
    cheap to send between processes."""
    return [(c.start, c.end, c.text, c.type, c.source, c.confidence, c.value, c.entity_id) for c in cands]


def surface_keys(rows_by_article, skip: frozenset[str] = frozenset()) -> dict[str, tuple]:
    """Linking keys of the surfaces without an entity (see desktop.linking.index.alias_keys),
    but those of ``skip``."""
    from desktop.language import keys
    from desktop.language.linkkeys import alias_keys

    texts = sorted({r[2] for rows in rows_by_article for r in rows
                    if r[7] is None and r[3] != "DATE" and r[2] not in skip})
    keys.prime(texts)
    out = {}
    for t in texts:
        k = alias_keys(t)
        if k is not None:
            out[t] = k
    return out


def _work(piece: list[tuple[int, str]]):
    rows = [_DET.detect_rows(text) for _aid, text in piece]
    return [aid for aid, _ in piece], rows, (surface_keys(rows, _SKIP) if _SKIP is not None else {})


class Pool:
    """A pool of forked workers holding ``det``; :meth:`submit` returns a handle whose
    :meth:`Pending.get` gives ``({article id: candidate rows}, surface keys)``."""

    def __init__(self, det, workers: int, skip: "frozenset[str] | None" = frozenset()):
        ctx = multiprocessing.get_context("fork")
        self._pool = ctx.Pool(workers, initializer=_init, initargs=(det, skip))

    def submit(self, items: list[tuple[int, str]]) -> "Pending":
        pieces = [items[i:i + PIECE] for i in range(0, len(items), PIECE)]
        return Pending(self._pool.map_async(_work, pieces))

    def close(self, *, cancel: bool = False) -> None:
        if cancel:
            self._pool.terminate()
        else:
            self._pool.close()
        self._pool.join()


class Pending:
    def __init__(self, result):
        self._result = result

    def get(self) -> tuple[dict[int, list[tuple]], dict[str, tuple]]:
        by_article: dict[int, list[tuple]] = {}
        keys: dict[str, tuple] = {}
        for aids, rows, k in self._result.get():
            by_article.update(zip(aids, rows))
            keys.update(k)
        return by_article, keys


def pool_for(det, n_articles: int, workers: Optional[int],
             skip: "Optional[Callable[[], frozenset[str]]]" = frozenset) -> Optional[Pool]:
    """A pool for ``n_articles``, or None to detect in this process.  An explicit ``workers``
    is the caller's choice (used where fork exists at all).  ``skip`` gives the texts whose
    linking keys the workers need not compute (called only when a pool is made); None when
    the caller does not link."""
    if workers is None:
        n = default_workers(n_articles)
    else:
        n = workers if "fork" in multiprocessing.get_all_start_methods() else 0
    if n < 2:
        return None
    return Pool(det, n, None if skip is None else frozenset(skip()))
