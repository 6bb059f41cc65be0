"""Writers of the annotation formats (JSONL, CoNLL, brat, Label Studio, spaCy).

Each takes export records — one dict an article with its mentions (of the chosen status), their
linked entities and the relations between them — and writes through
:class:`desktop.fileio.AtomicFileSet`, so a failed export changes no file.  Offsets in the
records are code points; each writer converts at its own boundary (see desktop.formats).
"""

from __future__ import annotations

import json
from typing import Callable

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


#: articles read (with their mentions and relations) per query while streaming records
CHUNK = 200


def records(db, status: str) -> list[dict]:
    """Every article with its mentions of ``status`` (and their entities) and the relations
    whose two mentions are both exported (all in memory: :func:`iter_records` streams them)."""
    return list(iter_records(db, status))


def count_articles(db) -> int:
    from sqlalchemy import func

    with db.session() as s:
        return s.exec(select(func.count()).select_from(Article)).one()


def iter_records(db, status: str):
    """The records of :func:`records`, one article at a time in id order: the articles, their
    mentions and relations are read ``CHUNK`` articles at a time, so the memory an export
    holds is that of the knowledge base and one chunk, whatever the number of mentions.  One
    session (one read snapshot) for the whole pass."""
    mention_filter(status)
    M, A, R = Mention, Article, Relation
    with db.session() as s:
        conn = s.connection()
        ents = {eid: (name, typ, qid, desc) for eid, name, typ, qid, desc in
                conn.execute(select(Entity.id, Entity.name, Entity.type, Entity.external_id, Entity.description))}
        als: dict[int, list[str]] = {}
        for eid, text in conn.execute(select(Alias.entity_id, Alias.text).order_by(Alias.id)):
            als.setdefault(eid, []).append(text)
        ids = list(conn.execute(select(A.id).order_by(A.id)).scalars())
        mq = select(M.article_id, M.id, M.start, M.end, M.type, M.status, M.source, M.confidence, M.value,
                    M.entity_id)
        if status != "all":
            mq = mq.where(M.status == status)
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i:i + CHUNK]
            arts = conn.execute(select(A.id, A.title, A.source, A.language, A.status, A.text)
                                .where(A.id.in_(chunk)).order_by(A.id)).all()
            by_art: dict[int, list] = {}
            for row in conn.execute(mq.where(M.article_id.in_(chunk))
                                    .order_by(M.article_id, M.start, M.end, M.id)):
                by_art.setdefault(row[0], []).append(row)
            rels: dict[int, list] = {}
            for row in conn.execute(select(R.article_id, R.id, R.head_mention_id, R.tail_mention_id, R.type)
                                    .where(R.article_id.in_(chunk)).order_by(R.id)):
                rels.setdefault(row[0], []).append(row)
            for aid, title, source, language, astatus, text in arts:
                yield _record(aid, title, source, language, astatus, text, by_art.get(aid, ()),
                              rels.get(aid, ()), ents, als)


def _record(aid, title, source, language, status, text, ms, rels, ents, als) -> dict:
    ids = {m[1] for m in ms}
    mentions = []
    for _aid, mid, start, end, typ, mstatus, msource, conf, value, eid in ms:
        e = ents.get(eid) if eid else None
        mentions.append({
            "id": mid, "start": start, "end": end, "type": typ, "status": mstatus, "source": msource,
            "confidence": round(conf, 4), "value": value,
            "entity": None if e is None else {
                "id": eid, "name": e[0], "type": e[1], "qid": e[2], "description": e[3],
                "aliases": [x for x in als.get(eid, []) if x != e[0]]},
        })
    return {
        "id": aid, "title": title, "source": source, "language": language, "status": status,
        "text": text, "mentions": mentions,
        "relations": [{"id": rid, "head": head, "tail": tail, "type": rtype}
                      for _aid, rid, head, tail, rtype in rels if head in ids and tail in ids],
    }


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
    n = count_articles(db)
    with files.open("annotations.jsonl") as fh:  # streamed: one article in memory at a time
        for i, rec in enumerate(iter_records(db, status)):
            fh.write(json.dumps(jsonl_record(rec), ensure_ascii=False) + "\n")
            _progress(progress, should_cancel, i, n)


def export_conll(db, files: AtomicFiles, status, progress, should_cancel) -> None:
    n = count_articles(db)
    with files.open("annotations.conll") as fh:
        for i, rec in enumerate(iter_records(db, status)):
            conll.write(fh, rec)
            _progress(progress, should_cancel, i, n)


def _types(db) -> tuple[list[tuple[str, str]], list[str]]:
    with db.session() as s:
        ets = [(t.name, t.colour) for t in s.exec(select(EntityType).order_by(EntityType.position, EntityType.id))]
        rts = [r.name for r in s.exec(select(RelationType).order_by(RelationType.id))]
    return ets, rts


def export_brat(db, files: AtomicFiles, status, progress, should_cancel) -> None:
    ets, rts = _types(db)
    names = [n for n, _ in ets]
    used: dict[str, tuple[set, set]] = {r: (set(), set()) for r in rts}
    n = count_articles(db)
    with db.session() as s:
        any_relation = s.exec(select(Relation.id).limit(1)).first() is not None
    for rec in iter_records(db, status) if any_relation else ():  # two streamed passes: relation types first
        mt = {m["id"]: m["type"] for m in rec["mentions"]}
        for r in rec["relations"]:
            a1, a2 = used.setdefault(r["type"], (set(), set()))
            a1.add(mt[r["head"]])
            a2.add(mt[r["tail"]])
    rel_lines = [(r, "|".join(sorted(a1)) or "<ENTITY>", "|".join(sorted(a2)) or "<ENTITY>")
                 for r, (a1, a2) in used.items()]
    for i, rec in enumerate(iter_records(db, status)):
        stem = f"article-{rec['id']}"
        with files.open(f"{stem}.txt") as fh:
            fh.write(rec["text"])
        with files.open(f"{stem}.ann") as fh:
            fh.write(brat.ann(rec))
        _progress(progress, should_cancel, i, n)
    with files.open("annotation.conf") as fh:
        fh.write(brat.conf(names, rel_lines))


def export_labelstudio(db, files: AtomicFiles, status, progress, should_cancel) -> None:
    ets, rts = _types(db)
    with files.open("labelstudio-tasks.json") as fh:
        labelstudio.write_tasks(fh, iter_records(db, status))
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


#: articles per DocBin file: a DocBin holds its documents in memory until it is written, so a
#: larger export is split into several files, which spaCy reads as one corpus from their folder
#: (``spacy train … --paths.train <folder>``, spacy.training.Corpus walks it for ``.spacy`` files)
SPACY_SHARD = 500


def export_spacy(db, files: AtomicFiles, status, progress, should_cancel) -> None:
    """``annotations.spacy``; past :data:`SPACY_SHARD` articles ``annotations-0001.spacy``,
    ``annotations-0002.spacy``… of that many articles each, streamed: memory is flat in the
    number of articles (a file of 500 news articles takes ~230 MB to make)."""
    n = count_articles(db)
    split = n > SPACY_SHARD
    batch: list[dict] = []
    written = 0

    def flush() -> None:
        nonlocal written
        written += 1
        data, _, _ = docbin_bytes(batch)
        with files.open(f"annotations-{written:04d}.spacy" if split else "annotations.spacy", binary=True) as fh:
            fh.write(data)
        batch.clear()

    for i, rec in enumerate(iter_records(db, status)):
        batch.append(rec)
        if len(batch) >= SPACY_SHARD:
            flush()
        _progress(progress, should_cancel, i, n)
    if batch or not written:
        flush()


WRITERS: dict[str, Callable] = {
    "jsonl": export_jsonl, "conll": export_conll, "brat": export_brat, "labelstudio": export_labelstudio,
    "spacy": export_spacy,
}
