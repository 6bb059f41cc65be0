"""Reading the tab-separated language data under ``resources/`` (``#`` comments, blank lines
skipped).  The linker reads the titles and the names of Latin letters that the detector's
gazetteer already keeps (``resources/gazetteer/titles.tsv``, ``letters.tsv``): one list each."""

from __future__ import annotations

import csv
from functools import lru_cache

from desktop.paths import resource


@lru_cache(maxsize=32)
def _rows(folder: str, name: str) -> tuple[tuple[str, ...], ...]:
    path = resource(folder, name)
    if not path.exists():
        return ()
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
                continue
            out.append(tuple(c.strip() for c in row))
    return tuple(out)


def rows(folder: str, name: str) -> list[tuple[str, ...]]:
    return list(_rows(folder, name))
