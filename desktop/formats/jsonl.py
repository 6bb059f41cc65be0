"""JSON Lines: Curate's own export, doccano's, and plain ``{"text": ...}`` records.

Curate's records (``"curate_format": 1``) keep every mention's status, source, confidence,
value and link, and the relations by mention id; offsets are code points.  doccano's
sequence-labelling export has ``label: [[start, end, "TYPE"], ...]`` or, in a project with
relations, ``entities: [{id, label, start_offset, end_offset}]`` and
``relations: [{id, from_id, to_id, type}]`` (doccano's data_export/models.py); doccano counts
UTF-16 code units.  Prodigy-style ``spans: [{start, end, label}]`` are read too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Optional

from desktop.formats import Doc, EntityRef, FormatError, Problem, RelSpec, Span, loads_checked, resolve_offsets
from desktop.text import Utf16Map
from desktop.vocabulary import ARTICLE_STATUSES, MENTION_STATUSES

CURATE_FORMAT = 1


def _str(v, what: str) -> str:
    if v is None:
        return ""
    if not isinstance(v, str):
        raise FormatError(f"'{what}' is not a string")
    return v


def _int(v) -> Optional[int]:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def read(raw: str, where: str) -> Iterator[Doc | Problem]:
    name = Path(where).name
    for lineno, line in enumerate(raw.split("\n"), start=1):
        if not line.strip():
            continue
        at = f"{where}:{lineno}"
        try:
            obj = loads_checked(line)
            if not isinstance(obj, dict):
                raise FormatError("expected a JSON object with a 'text' field")
            yield record(obj, at, f"{name}:{lineno}")
        except FormatError as exc:
            yield Problem(where, exc.reason, lineno)


def record(obj: dict, at: str, default_source: str) -> Doc:
    text = obj.get("text")
    if text is None and isinstance(obj.get("data"), str):
        text = obj["data"]
    if not isinstance(text, str):
        raise FormatError("no 'text' field with a string value" if text is None else "'text' is not a string")
    title = _str(obj.get("title"), "title")
    source = _str(obj.get("source") or obj.get("url"), "source") or default_source
    ours = obj.get("curate_format") == CURATE_FORMAT
    doc = Doc(text=text, title=title, source=source, where=at)
    if ours and obj.get("status") in ARTICLE_STATUSES:
        doc.status = obj["status"]
    prefer = "cp" if ours else "utf16"
    m = Utf16Map(text)
    ents, labels, spans = obj.get("entities"), obj.get("label", obj.get("labels")), obj.get("spans")
    if isinstance(ents, list) and ents:
        for i, e in enumerate(ents, 1):
            _entity_span(doc, e, f"{at}: entity {i}", prefer, m, ours)
    elif isinstance(labels, list) and labels and all(isinstance(x, str) for x in labels):
        doc.note("document categories not imported", len(labels))
        doc.annotated = False
    elif isinstance(labels, list) and labels:
        for i, lab in enumerate(labels, 1):
            w = f"{at}: label {i}"
            if (isinstance(lab, list) and len(lab) >= 3 and _int(lab[0]) is not None and _int(lab[1]) is not None
                    and isinstance(lab[2], str)):
                s, e = resolve_offsets(text, lab[0], lab[1], None, prefer, m)
                doc.spans.append(Span(s, e, lab[2], where=w))
            else:
                doc.problems.append(Problem(w, "expected [start, end, \"LABEL\"]"))
    elif isinstance(spans, list) and spans:
        for i, sp in enumerate(spans, 1):
            w = f"{at}: span {i}"
            if isinstance(sp, dict) and _int(sp.get("start")) is not None and _int(sp.get("end")) is not None \
                    and isinstance(sp.get("label"), str):
                s, e = resolve_offsets(text, sp["start"], sp["end"], sp.get("text"), "cp", m)
                doc.spans.append(Span(s, e, sp["label"], where=w, surface=sp.get("text")))
            else:
                doc.problems.append(Problem(w, "expected {start, end, label}"))
    else:
        doc.annotated = any(k in obj for k in ("entities", "label", "labels", "spans", "relations"))
    rels = obj.get("relations")
    if isinstance(rels, list):
        for i, r in enumerate(rels, 1):
            w = f"{at}: relation {i}"
            if isinstance(r, dict) and r.get("from_id") is not None and r.get("to_id") is not None \
                    and isinstance(r.get("type"), str):
                doc.relations.append(RelSpec(str(r["from_id"]), str(r["to_id"]), r["type"], w))
            else:
                doc.problems.append(Problem(w, "expected {from_id, to_id, type}"))
    return doc


def _entity_span(doc: Doc, e, w: str, prefer: str, m: Utf16Map, ours: bool) -> None:
    if not isinstance(e, dict):
        doc.problems.append(Problem(w, "not an object"))
        return
    s, en, label = _int(e.get("start_offset")), _int(e.get("end_offset")), e.get("label")
    if s is None or en is None or not isinstance(label, str):
        doc.problems.append(Problem(w, "expected {start_offset, end_offset, label}"))
        return
    surface = e.get("text") if isinstance(e.get("text"), str) else None
    s, en = resolve_offsets(doc.text, s, en, surface, prefer, m)
    sp = Span(s, en, label, where=w, key=str(e["id"]) if e.get("id") is not None else None, surface=surface)
    if ours:
        sp.status = e.get("status") if e.get("status") in MENTION_STATUSES else None
        sp.source = e.get("source") if isinstance(e.get("source"), str) else None
        conf = e.get("confidence")
        sp.confidence = float(conf) if isinstance(conf, (int, float)) and not isinstance(conf, bool) else None
        sp.value = e.get("value") if isinstance(e.get("value"), str) else None
    link = e.get("entity")
    if isinstance(link, dict) and (link.get("name") or link.get("qid")):
        als = link.get("aliases")
        sp.entity = EntityRef(name=str(link.get("name") or ""), type=str(link.get("type") or ""),
                              qid=str(link["qid"]) if link.get("qid") else None,
                              description=str(link.get("description") or ""),
                              aliases=[a for a in als if isinstance(a, str)] if isinstance(als, list) else [])
    elif e.get("entity_name") or e.get("external_id"):  # Curate's export before curate_format 1
        sp.entity = EntityRef(name=str(e.get("entity_name") or ""),
                              qid=str(e["external_id"]) if e.get("external_id") else None)
    doc.spans.append(sp)
