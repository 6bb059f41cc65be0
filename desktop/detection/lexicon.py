"""The language data the detector reads from ``resources/gazetteer/`` (loaded once, cached).

Every list is a UTF-8 text file with ``#`` comments; ``SOURCES.md`` beside them says where each
came from.  No domain words live in the code.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from desktop.detection.normalize import fold
from desktop.paths import resource


def gazetteer_dir() -> Path:
    return resource("gazetteer")


def rows(name: str) -> list[list[str]]:
    """The rows of a tab-separated data file (comments and blank lines skipped)."""
    path = gazetteer_dir() / name
    if not path.exists():
        return []
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
                continue
            out.append([c.strip() for c in row])
    return out


@dataclass(frozen=True, eq=False)
class Lexicon:
    suffixes: dict[str, frozenset[str]]      # language -> case endings (folded)
    titles: frozenset[str]                   # folded titles/ranks, any language
    honorifics: frozenset[str]               # titles always followed by a name (Mr, Dr)
    stopwords: frozenset[str]                # folded function words (and weekdays), any language
    months: dict[str, int]                   # folded month name -> 1..12
    event_keywords: frozenset[str]
    summit_words: frozenset[str]             # meeting words: ORG + summit word = EVENT
    org_keywords: frozenset[str]
    letters: dict[str, str]                  # folded Indic letter name -> Latin letter
    year_words: frozenset[str]               # "year" words after a year (সাল, साल)
    range_words: frozenset[str]              # "from"/"to" connectors of date ranges
    connectors: frozenset[str]               # "and"/"of" words allowed inside organisation names
    nonname_endings: tuple[str, ...]         # word endings that end a name after a title
    place_org_words: frozenset[str]          # place + word = organisation (Delhi Police)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    suffixes: dict[str, set[str]] = {}
    for row in rows("suffixes.tsv"):
        suffixes.setdefault(row[0], set()).add(fold(row[1]))
    months: dict[str, int] = {}
    for row in rows("months.tsv") + rows("months_extra.tsv"):
        months[fold(row[2])] = int(row[1])
    letters = {fold(r[1]): r[2] for r in rows("letters.tsv")}
    by_kind: dict[str, set[str]] = {}
    for row in rows("words.tsv"):
        by_kind.setdefault(row[0], set()).add(fold(row[2]))
    stop = {fold(r[0]) for r in rows("stopwords_bn.txt") + rows("stopwords_hi.txt")}
    stop |= by_kind.get("stopword", set()) | {fold(r[2]) for r in rows("weekdays.tsv")}
    return Lexicon(
        suffixes={k: frozenset(v) for k, v in suffixes.items()},
        titles=frozenset(fold(r[1]) for r in rows("titles.tsv")),
        honorifics=frozenset(fold(r[1]) for r in rows("titles.tsv") if r[2:3] == ["honorific"]),
        stopwords=frozenset(stop),
        months=months,
        event_keywords=frozenset(by_kind.get("event", set()) | by_kind.get("summit", set())),
        summit_words=frozenset(by_kind.get("summit", ())),
        org_keywords=frozenset(by_kind.get("org", ())),
        letters=letters,
        year_words=frozenset(by_kind.get("year", ())),
        range_words=frozenset(by_kind.get("range", ())),
        connectors=frozenset(by_kind.get("connector", ())),
        nonname_endings=tuple(sorted(by_kind.get("nonname_ending", ()), key=len, reverse=True)),
        place_org_words=frozenset(by_kind.get("place_org", ())),
    )
