"""Wikidata files as knowledge-base input.

- A query-service (SPARQL) result: CSV or TSV with ``item``, ``itemLabel`` and optional
  ``itemAltLabel`` (the label service joins alternative labels with ", "), ``itemDescription``
  and ``type`` columns; or its JSON (``{"head": {"vars"}, "results": {"bindings": [...]}}``).
  The TSV form writes ``?item`` headers, ``<http://www.wikidata.org/entity/Q42>`` and
  ``"Douglas Adams"@en`` values; both forms are read.
- ``wbgetentities`` JSON (``{"entities": {"Q42": {"labels", "aliases", "descriptions"}}}``)
  and dump lines (one entity object a line, inside ``[`` … ``]``), with their bn/hi/en labels
  and aliases; the English description, else the first of bn/hi.

Without a type column, ``default_type`` (``curate kb import --type``) gives every row's type.
Yields (where, name, type, aliases, qid, description) rows or (where, reason) problems.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Iterator, Optional

LANGS = ("en", "bn", "hi")
_LITERAL = re.compile(r'^"(.*)"(?:@[\w-]+|\^\^<[^>]*>)?$', re.S)

Row = tuple[str, str, str, list[str], Optional[str], str]


def _plain(v: str) -> str:
    v = v.strip()
    if v.startswith("<") and v.endswith(">"):
        return v[1:-1]
    m = _LITERAL.match(v)
    return m.group(1).replace('\\"', '"') if m else v


def is_sparql_header(cols: list[str]) -> bool:
    return "item" in [c.lstrip("?").strip() for c in cols]


def sparql_table(raw: str, where: str, delimiter: str, default_type: Optional[str]) -> Iterator[Row | tuple[str, str]]:
    reader = csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter,
                        quoting=csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL)
    header = [c.lstrip("?").strip() for c in next(reader, [])]
    for row in reader:
        if not any(c.strip() for c in row):
            continue
        rec = {h: _plain(c) for h, c in zip(header, row)}
        yield from _row(f"{where}:{reader.line_num}", rec, default_type)


def sparql_json(doc: dict, where: str, default_type: Optional[str]) -> Iterator[Row | tuple[str, str]]:
    for i, b in enumerate(doc.get("results", {}).get("bindings", []), 1):
        rec = {k: str(v.get("value", "")) for k, v in b.items() if isinstance(v, dict)}
        yield from _row(f"{where}: result {i}", rec, default_type)


def _row(w: str, rec: dict, default_type: Optional[str]) -> Iterator[Row | tuple[str, str]]:
    qid = rec.get("item", "")
    name = rec.get("itemLabel", "")
    typ = rec.get("type") or default_type or ""
    if not typ:
        yield (w, "no type: add a type column or give --type")
        return
    if not name or name == qid.rsplit("/", 1)[-1]:  # the label service falls back to the QID
        yield (w, f"{qid or 'a row'} has no label")
        return
    alt = [a.strip() for a in rec.get("itemAltLabel", "").split(", ") if a.strip()]
    yield (w, name, typ, alt, qid, rec.get("itemDescription", ""))


def entity(obj: dict, where: str, default_type: Optional[str]) -> Iterator[Row | tuple[str, str]]:
    qid = obj.get("id") or obj.get("title") or ""
    labels = obj.get("labels") or {}
    names = [labels[lang]["value"] for lang in LANGS if isinstance(labels.get(lang), dict)]
    if not names:
        yield (f"{where} ({qid})", "no bn, hi or en label")
        return
    if not default_type:
        yield (f"{where} ({qid})", "no type: give --type")
        return
    aliases = names[1:]
    for lang in LANGS:
        aliases += [a["value"] for a in (obj.get("aliases") or {}).get(lang, []) if isinstance(a, dict)]
    descs = obj.get("descriptions") or {}
    desc = next((descs[lang]["value"] for lang in LANGS if isinstance(descs.get(lang), dict)), "")
    yield (f"{where} ({qid})", names[0], default_type, aliases, qid, desc)


def wbgetentities(doc: dict, where: str, default_type: Optional[str]) -> Iterator[Row | tuple[str, str]]:
    for qid, obj in (doc.get("entities") or {}).items():
        if isinstance(obj, dict) and "missing" not in obj:
            yield from entity(obj, where, default_type)


def dump_lines(raw: str, where: str, default_type: Optional[str]) -> Iterator[Row | tuple[str, str]]:
    from desktop.formats import FormatError, loads_checked

    for lineno, line in enumerate(raw.split("\n"), 1):
        line = line.strip().rstrip(",")
        if line in ("", "[", "]"):
            continue
        try:
            obj = loads_checked(line)
        except FormatError as exc:
            yield (f"{where}:{lineno}", exc.reason)
            continue
        if isinstance(obj, dict):
            yield from entity(obj, f"{where}:{lineno}", default_type)


def looks_like_dump(raw: str) -> bool:
    head = raw.lstrip()[:2000]
    return head.startswith("[\n") or head.startswith("[\r\n") or (head.startswith("{") and '"labels"' in head
                                                                    and "\n{" in raw[:200000])
