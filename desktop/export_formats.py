"""Writers of the annotation formats (JSONL, CoNLL, brat, Label Studio, spaCy).

Each takes export records — one dict an article with its mentions (of the chosen status), their
linked entities and the relations between them — and writes through
:class:`desktop.fileio.AtomicFileSet`, so a failed export changes no file.  Offsets in the
records are code points; each writer converts at its own boundary (see desktop.formats).
"""

from __future__ import annotations

import json
from typing import Callable, Optional

from sqlmodel import select

from desktop.errors import CurateError
from desktop.fileio import AtomicFileSet as AtomicFiles
from desktop.formats import brat, conll, labelstudio
from desktop.formats.jsonl import CURATE_FORMAT
from desktop.formats.tokens import token_span, tokenize
from desktop.models import Alias, Article, Entity, EntityType, Mention, Relation, RelationType
from desktop.vocabulary import EXPORT_STATUSES


STATUS_CHOICES = EXPORT_STATUSES


def mention_filter(status: str):
    if status not in STATUS_CHOICES:
        raise CurateError(f"unknown status {status!r} (one of {', '.join(STATUS_CHOICES)})")
    stmt = select(Mention)
    if status != "all":
        stmt = stmt.where(Mention.status == status)
    return stmt.order_by(Mention.article_id, Mention.start, Mention.end, Mention.id)


class Cancelled(CurateError):
    def __init__(self) -> None:
        super().__init__("export cancelled; no file was changed")


def check_cancel(should_cancel) -> None:
    if should_cancel and should_cancel():
        raise Cancelled()


def records(db, status: str) -> list[dict]:
    """Every article with its mentions of ``status`` (and their entities) and the relations
    whose two mentions are both exported."""
    with db.session() as s:
        arts = list(s.exec(select(Article).order_by(Article.id)))
        ents = {e.id: e for e in s.exec(select(Entity))}
        als: dict[int, list[str]] = {}
        for a in s.exec(select(Alias).order_by(Alias.id)):
            als.setdefault(a.entity_id, []).append(a.text)
        by_art: dict[int, list] = {}
        for m in s.exec(mention_filter(status)):
            by_art.setdefault(m.article_id, []).append(m)
        rels: dict[int, list] = {}
        for r in s.exec(select(Relation).order_by(Relation.id)):
            rels.setdefault(r.article_id, []).append(r)
    out = []
    for a in arts:
        ms = by_art.get(a.id, [])
        ids = {m.id for m in ms}
        mentions = []
        for m in ms:
            e = ents.get(m.entity_id) if m.entity_id else None
            mentions.append({
                "id": m.id, "start": m.start, "end": m.end, "type": m.type, "status": m.status, "source": m.source,
                "confidence": round(m.confidence, 4), "value": m.value,
                "entity": None if e is None else {
                    "id": e.id, "name": e.name, "type": e.type, "qid": e.external_id, "description": e.description,
                    "aliases": [x for x in als.get(e.id, []) if x != e.name]},
            })
        out.append({
            "id": a.id, "title": a.title, "source": a.source, "language": a.language, "status": a.status,
            "text": a.text, "mentions": mentions,
            "relations": [{"id": r.id, "head": r.head_mention_id, "tail": r.tail_mention_id, "type": r.type}
                          for r in rels.get(a.id, []) if r.head_mention_id in ids and r.tail_mention_id in ids],
        })
    return out


def _progress(progress, should_cancel, i: int, n: int) -> None:
    if i % 100 == 0:
        if progress:
            progress(i, n)
        check_cancel(should_cancel)


def jsonl_record(rec: dict) -> dict:
    text = rec["text"]
    ms = rec["mentions"]
    toks = tokenize(text, [b for m in ms for b in (m["start"], m["end"])], space_tokens=True)
    spans = []
    for m in ms:
        ts = token_span(toks, m["start"], m["end"])
        if ts is not None:
            spans.append({"start": m["start"], "end": m["end"], "label": m["type"], "token_start": ts[0],
                          "token_end": ts[1], "id": m["id"]})
    return {
        "curate_format": CURATE_FORMAT,
        "id": rec["id"], "title": rec["title"], "source": rec["source"], "language": rec["language"],
        "status": rec["status"], "text": text,
        "label": [[m["start"], m["end"], m["type"]] for m in ms],
        "entities": [
            {"id": m["id"], "start_offset": m["start"], "end_offset": m["end"], "label": m["type"],
             "text": text[m["start"]:m["end"]], "status": m["status"], "source": m["source"],
             "confidence": m["confidence"], "value": m["value"], "entity": m["entity"],
             "entity_id": m["entity"]["id"] if m["entity"] else None,
             "entity_name": m["entity"]["name"] if m["entity"] else None,
             "external_id": m["entity"]["qid"] if m["entity"] else None}
            for m in ms],
        "relations": [{"id": r["id"], "from_id": r["head"], "to_id": r["tail"], "type": r["type"]}
                      for r in rec["relations"]],
        "tokens": [{"text": t.text, "start": t.start, "end": t.end, "id": i, "ws": t.ws} for i, t in enumerate(toks)],
        "spans": spans,
    }


def export_jsonl(db, files: AtomicFiles, status, progress, should_cancel) -> None:
    recs = records(db, status)
    with files.open("annotations.jsonl") as fh:
        for i, rec in enumerate(recs):
            fh.write(json.dumps(jsonl_record(rec), ensure_ascii=False) + "\n")
            _progress(progress, should_cancel, i, len(recs))


def export_conll(db, files: AtomicFiles, status, progress, should_cancel) -> None:
    recs = records(db, status)
    with files.open("annotations.conll") as fh:
        for i, rec in enumerate(recs):
            conll.write(fh, rec)
            _progress(progress, should_cancel, i, len(recs))


def _types(db) -> tuple[list[tuple[str, str]], list[str]]:
    with db.session() as s:
        ets = [(t.name, t.colour) for t in s.exec(select(EntityType).order_by(EntityType.position, EntityType.id))]
        rts = [r.name for r in s.exec(select(RelationType).order_by(RelationType.id))]
    return ets, rts


def export_brat(db, files: AtomicFiles, status, progress, should_cancel) -> None:
    recs = records(db, status)
    ets, rts = _types(db)
    names = [n for n, _ in ets]
    used: dict[str, tuple[set, set]] = {r: (set(), set()) for r in rts}
    for rec in recs:
        mt = {m["id"]: m["type"] for m in rec["mentions"]}
        for r in rec["relations"]:
            a1, a2 = used.setdefault(r["type"], (set(), set()))
            a1.add(mt[r["head"]])
            a2.add(mt[r["tail"]])
    rel_lines = [(r, "|".join(sorted(a1)) or "<ENTITY>", "|".join(sorted(a2)) or "<ENTITY>")
                 for r, (a1, a2) in used.items()]
    for i, rec in enumerate(recs):
        stem = f"article-{rec['id']}"
        with files.open(f"{stem}.txt") as fh:
            fh.write(rec["text"])
        with files.open(f"{stem}.ann") as fh:
            fh.write(brat.ann(rec))
        _progress(progress, should_cancel, i, len(recs))
    with files.open("annotation.conf") as fh:
        fh.write(brat.conf(names, rel_lines))


def export_labelstudio(db, files: AtomicFiles, status, progress, should_cancel) -> None:
    recs = records(db, status)
    ets, rts = _types(db)
    with files.open("labelstudio-tasks.json") as fh:
        fh.write(labelstudio.dumps_tasks(recs))
    with files.open("labelstudio-config.xml") as fh:
        fh.write(labelstudio.config(ets, rts))


def docbin_bytes(recs: list[dict]) -> tuple[bytes, int, int]:
    """(DocBin bytes, spans aligned, spans in all) from export records."""
    try:
        import spacy
        from spacy.tokens import DocBin, Span as SpacySpan
    except ImportError:
        raise CurateError("the spacy format needs spaCy: pip install 'curate[spacy]'") from None
    nlp = spacy.blank("xx")
    db_ = DocBin(store_user_data=False)
    aligned = total = 0
    for rec in recs:
        ms = rec["mentions"]
        toks = tokenize(rec["text"], [b for m in ms for b in (m["start"], m["end"])], space_tokens=True)
        from spacy.tokens import Doc as SpacyDoc

        doc = SpacyDoc(nlp.vocab, words=[t.text for t in toks], spaces=[t.ws for t in toks])
        spans, ents, last = [], [], -1
        for m in sorted(ms, key=lambda m: (m["start"], -m["end"])):
            total += 1
            ts = token_span(toks, m["start"], m["end"])
            if ts is None:
                continue
            sp = SpacySpan(doc, ts[0], ts[1] + 1, label=m["type"])
            aligned += 1
            spans.append(sp)
            if m["start"] >= last:
                ents.append(sp)
                last = m["end"]
        doc.ents = ents
        doc.spans["sc"] = spans
        doc.user_data = {}
        db_.add(doc)
    return db_.to_bytes(), aligned, total


def export_spacy(db, files: AtomicFiles, status, progress, should_cancel) -> None:
    data, _, _ = docbin_bytes(records(db, status))
    with files.open("annotations.spacy", binary=True) as fh:
        fh.write(data)


WRITERS: dict[str, Callable] = {
    "jsonl": export_jsonl, "conll": export_conll, "brat": export_brat, "labelstudio": export_labelstudio,
    "spacy": export_spacy,
}
