"""Annotation formats other tools read and write.

One module a format; each reader turns a file's text into :class:`Doc` records (the article
text, its spans and relations, all offsets already converted to Python code points) and
:class:`Problem` records naming the line or task and the reason.  The database side — merging
into existing articles, conflicts, links, learning — is :mod:`desktop.importing`'s; the writers
get plain export records from :mod:`desktop.exporting`.

Offset conventions at each boundary (checked in each tool's source):

- Curate's JSONL, brat standoff, spaCy: Python code points.
- Label Studio's ``Text`` tag: code points in its current frontend (its tests "Should calculate
  offsets by code points in text"); older exports counted UTF-16 code units.  Each result
  carries its ``text``, so the reader checks both and takes the one that matches.
- doccano: UTF-16 code units, as its browser counts them (doccano issue #2290), unless the
  project counts grapheme clusters; the reader checks the span it gets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from desktop.errors import CurateError
from desktop.text import Utf16Map

#: Labels of other tools mapped to Curate's entity types.
LABELS = {
    "PER": "PERSON", "PERSON": "PERSON", "PERS": "PERSON",
    "ORG": "ORG", "ORGANIZATION": "ORG", "ORGANISATION": "ORG",
    "LOC": "LOC", "GPE": "LOC", "FAC": "LOC", "LOCATION": "LOC",
    "DATE": "DATE", "EVENT": "EVENT",
}


def map_label(label: str) -> str:
    """Curate's type for another tool's label; an unknown label keeps its (upper-cased) name."""
    key = label.strip().upper().replace(" ", "_").replace("-", "_")
    return LABELS.get(key, key)


@dataclass
class EntityRef:
    """What a span is linked to, as the file says it."""

    name: str = ""
    type: str = ""
    qid: Optional[str] = None
    description: str = ""
    aliases: list[str] = field(default_factory=list)


@dataclass
class Span:
    start: int
    end: int
    label: str
    where: str = ""  # "line 3", "task 2", "T4"
    key: Optional[str] = None  # the file's id of this span (for relations)
    surface: Optional[str] = None  # text the file says the span covers, when it says
    status: Optional[str] = None  # None: confirmed, or suggested with --as-suggestions
    source: Optional[str] = None
    confidence: Optional[float] = None
    value: Optional[str] = None
    entity: Optional[EntityRef] = None


@dataclass
class RelSpec:
    head: str
    tail: str
    type: str
    where: str = ""


@dataclass
class Problem:
    where: str  # the file, or "file:line: entity 2", "file: task 7 region x"
    reason: str
    line: Optional[int] = None  # with ``where`` the bare file


@dataclass
class Doc:
    """One annotated article as a file has it; offsets are code points into ``text``."""

    text: str
    title: str = ""
    source: str = ""
    where: str = ""
    status: Optional[str] = None  # article status, when the file keeps it (Curate's JSONL)
    spans: list[Span] = field(default_factory=list)
    relations: list[RelSpec] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: things counted, not imported ("discontinuous spans": 2, "annotations passed over": 1)
    notes: dict[str, int] = field(default_factory=dict)
    annotated: bool = True  # False: a plain text record with no annotation fields

    def note(self, what: str, n: int = 1) -> None:
        if n:
            self.notes[what] = self.notes.get(what, 0) + n


def from_utf16(text: str, start: int, end: int, m: Optional[Utf16Map] = None) -> tuple[int, int]:
    m = m or Utf16Map(text)
    return m.to_cp(start), m.to_cp(end)


@lru_cache(maxsize=64)
def has_astral(text: str) -> bool:
    """Whether the text has characters outside the BMP (where code points and UTF-16 differ);
    cached, as every span of an article asks (a str caches its hash)."""
    return any(ord(ch) > 0xFFFF for ch in text)


def resolve_offsets(text: str, start: int, end: int, surface: Optional[str], prefer: str,
                    m: Optional[Utf16Map] = None) -> tuple[int, int]:
    """Code-point offsets of a span given in ``prefer`` ("cp" or "utf16") units.  With a surface
    to check against, the other convention is tried when the preferred one does not match."""
    if not has_astral(text):
        return start, end
    m = m or Utf16Map(text)
    cands = [(start, end), from_utf16(text, start, end, m)]
    if prefer == "utf16":
        cands.reverse()
    if surface is not None:
        for s, e in cands:
            if text[s:e] == surface:
                return s, e
    return cands[0]


def to_utf16(text: str, start: int, end: int, m: Optional[Utf16Map] = None) -> tuple[int, int]:
    m = m or Utf16Map(text)
    return m.to_utf16(start), m.to_utf16(end)


class FormatError(Exception):
    """A whole file cannot be read as this format."""

    def __init__(self, reason: str, line: Optional[int] = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line


def loads_checked(line: str):
    """``json.loads`` that refuses what Curate cannot store: nesting too deep for the parser
    and unpaired surrogates (``"\\ud800"`` escapes).  Raises FormatError with the reason."""
    import json

    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise FormatError(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise FormatError("invalid JSON (nested too deeply)") from None
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start:exc.end]
        raise FormatError(f"an unpaired surrogate (\\u{ord(bad[0]):04x} escape) is not text") from None
    except (RecursionError, ValueError):
        raise FormatError("invalid JSON (nested too deeply)") from None
    return obj


# -- shared by the KB files, the CSV export and the linking of imported mentions ----------------

_QID_FORMS = re.compile(r"^(?:wd:|wikidata:|https?://(?:www\.|m\.)?wikidata\.org/(?:entity|wiki)/)?([Qq][1-9]\d*)/?$")


def validate_qid(value: Optional[str]) -> Optional[str]:
    """A Wikidata id in its canonical form (``Q`` + digits), None for empty; CurateError else.
    Accepts ``Q42``, ``wd:Q42``, ``http(s)://www.wikidata.org/entity/Q42`` and ``…/wiki/Q42``.
    Checked for form only: no network is used."""
    if value is None:
        return None
    v = value.strip()
    if not v:
        return None
    m = _QID_FORMS.match(v)
    if not m:
        raise CurateError(f"‘{value}’ is not a Wikidata id (Q followed by digits, e.g. Q232)")
    return "Q" + m.group(1)[1:]


def join_aliases(texts) -> str:
    """Aliases in one CSV cell, ``|`` between them; a ``|`` or ``\\`` inside an alias is
    escaped with a backslash."""
    return "|".join(t.replace("\\", "\\\\").replace("|", "\\|") for t in texts)


def split_aliases(cell: str) -> list[str]:
    """Inverse of :func:`join_aliases`."""
    out, cur, i = [], [], 0
    while i < len(cell):
        ch = cell[i]
        if ch == "\\" and i + 1 < len(cell) and cell[i + 1] in "|\\":
            cur.append(cell[i + 1])
            i += 2
            continue
        if ch == "|":
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    out.append("".join(cur))
    return [a.strip() for a in out if a.strip()]
