"""The one reader of Curate's tab-separated data files (``resources/``): UTF-8, ``#`` starts a
comment line, blank lines skipped, cells stripped.  Language packs, the starter gazetteer and
the linker all read their lists through :func:`read_rows`."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=128)
def _read(path: Path) -> tuple[tuple[str, ...], ...]:
    if not path.exists():
        return ()
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
                continue
            out.append(tuple(c.strip() for c in row))
    return tuple(out)


def read_rows(path: Path) -> list[list[str]]:
    """The rows of one data file ([] when it does not exist); cached per path, so a caller gets
    its own list it may change."""
    return [list(r) for r in _read(Path(path))]
