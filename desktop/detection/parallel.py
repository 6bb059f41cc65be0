"""Detection in worker processes for large batches: workers detect, filter and link; the parent
writes.

A worker runs a *job* on a piece of articles (:class:`desktop.detection.service.PieceJob`:
detect, drop what the mentions already there rule out, link the new suggestions).  Each step
is a pure function of the article's text, its mentions and the knowledge base, so the result
does not depend on which process ran it; the parent consumes results in article order and
writes them, so suggestions, links and their row order are the same as in one process
(tests/test_detection_speed.py checks it).

Workers are forked, so they inherit the parent's detector and linking index without pickling
them; where fork is not available or not safe (Windows, macOS, a process running Qt), detection
stays in one process.  Below :data:`MIN_ARTICLES` articles a pool does not pay for itself.
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

_JOB: Optional[Callable] = None  # the worker's job (inherited at fork)


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


def workers_for(n_articles: int, workers: Optional[int]) -> int:
    """The number of workers to start (0: none).  An explicit ``workers`` is the caller's
    choice (used where fork exists at all)."""
    if workers is None:
        n = default_workers(n_articles)
    else:
        n = workers if "fork" in multiprocessing.get_all_start_methods() else 0
    return n if n >= 2 else 0


def _init(job) -> None:
    global _JOB
    _JOB = job
    start = getattr(job, "in_worker", None)
    if start is not None:
        start()
    # what the fork inherited (the detector and the linking index above all) is kept out of
    # the cycle collector: its full passes would walk it again and again while the worker makes
    # each piece's rows, and writing their object headers would copy the parent's shared pages
    # into this process
    gc.freeze()


def _work(piece: list):
    return _JOB(piece)


class Pool:
    """A pool of forked workers running ``job`` (a callable on a list of items, inherited at
    fork; its ``in_worker()``, if any, runs first in each worker); :meth:`submit` returns a
    handle whose :meth:`Pending.get` gives the job's results, one per piece, in order."""

    def __init__(self, job, workers: int):
        ctx = multiprocessing.get_context("fork")
        self._pool = ctx.Pool(workers, initializer=_init, initargs=(job,))

    def submit(self, items: list) -> "Pending":
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

    def get(self) -> list:
        return self._result.get()
