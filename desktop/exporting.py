"""Exporting curated data.

Formats:
- ``csv``: ``articles.csv``, ``mentions.csv``, ``entities.csv``, ``relations.csv`` — UTF-8 with
  BOM (Excel and LibreOffice open Bengali and Hindi correctly), safe from formula injection (a
  text cell starting with ``= + - @`` or a tab/CR gets a leading apostrophe, as OWASP advises).
- ``jsonl``: ``annotations.jsonl``, one article a line with its spans
  (``{"id", "title", "text", "entities": [...], "label": [[start, end, type], ...]}``), the shape
  doccano and spaCy's converters read.
- ``conll``: ``annotations.conll``, IOB2 tags, one token a line, articles separated by
  ``-DOCSTART- -X- O O`` (see desktop.formats.conll).
- ``brat``: ``article-<id>.txt`` + ``.ann`` each, and ``annotation.conf``.
- ``labelstudio``: ``labelstudio-tasks.json`` and ``labelstudio-config.xml``.
- ``spacy``: ``annotations.spacy``, a DocBin (needs the optional ``spacy`` extra).

Offsets are Python code points into the article text, end exclusive.  The files of one export
appear together or not at all (:class:`desktop.fileio.AtomicFileSet`: staged, fsynced, renamed;
a killed export's leftovers are finished or removed by the next one).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Callable, Optional

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import select

from desktop.db import Database, DatabaseError
from desktop.errors import CurateError
from desktop.fileio import AtomicFileSet, safe_cell, unsafe_cell  # noqa: F401 (re-exported)
from desktop.export_formats import STATUS_CHOICES, Cancelled, mention_filter as _mention_filter  # noqa: F401
from desktop.export_formats import check_cancel as _check_cancel
from desktop.formats import join_aliases, split_aliases  # noqa: F401 (re-exported)
from desktop.models import Alias, Article, Entity, Mention, Relation

FORMATS = ("csv", "jsonl", "conll", "brat", "labelstudio", "spacy")

ARTICLE_COLUMNS = ["article_id", "title", "source", "language", "status", "imported_at"]
MENTION_COLUMNS = [
    "mention_id", "article_id", "article_title", "start", "end", "text", "type", "status", "source",
    "entity_id", "entity_name", "external_id", "confidence", "value", "created_at", "updated_at",
    "context",
]
ENTITY_COLUMNS = ["entity_id", "name", "type", "external_id", "description", "aliases", "mention_count"]
RELATION_COLUMNS = [
    "relation_id", "article_id", "type", "head_mention_id", "head_text", "head_entity_id",
    "tail_mention_id", "tail_text", "tail_entity_id",
]

def _iso(dt) -> str:
    return dt.isoformat(timespec="seconds") if dt else ""


def _context(text: str, start: int, end: int, width: int = 30) -> str:
    left = text[max(0, start - width):start].replace("\n", " ")
    right = text[end:end + width].replace("\n", " ")
    return f"{left}[{text[start:end]}]{right}"


def export(
    db: Database,
    out_dir: str | os.PathLike,
    *,
    fmt: str = "csv",
    status: str = "confirmed",
    all_entities: bool = False,
    progress: Optional[Callable[[int, int], None]] = None,
    should_cancel: Optional[Callable[[], bool]] = None,
) -> list[Path]:
    """Export to `out_dir` (created if needed); returns the files written."""
    if fmt not in FORMATS:
        raise CurateError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    _mention_filter(status)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CurateError(f"{out}: cannot create the folder ({exc.strerror})") from None
    try:
        files = AtomicFileSet(out)
    except OSError as exc:
        raise CurateError(f"{out}: cannot write there ({exc.strerror})") from None
    try:
        if fmt == "csv":
            _export_csv(db, files, status, progress, should_cancel, all_entities=all_entities)
        else:
            from desktop import export_formats

            export_formats.WRITERS[fmt](db, files, status, progress, should_cancel)
        return files.commit()
    except OSError as exc:
        files.discard()
        raise CurateError(f"{out}: export failed ({exc.strerror or exc}); no file was changed") from None
    except DatabaseError:
        files.discard()
        bad = db.damaged_rows()
        if not bad:
            raise
        more = " (and more)" if len(bad) >= 20 else ""
        raise CurateError(
            f"{db.path}: export stopped, no file was changed: damaged rows {'; '.join(bad[:5])}{more}. "
            f"Run: curate recover {db.path} NEW.db"
        ) from None
    except BaseException:
        files.discard()
        raise


def _write_mentions(s, w, status, entities, counts, done, total, progress, should_cancel) -> None:
    """The rows of mentions.csv, read with their articles' titles and texts (for the context
    column) a chunk of articles at a time: memory flat in the numbers of mentions and articles."""
    from desktop.export_formats import CHUNK

    M, A = Mention, Article
    conn = s.connection()
    mq = select(M.id, M.article_id, M.start, M.end, M.text, M.type, M.status, M.source, M.entity_id,
                M.confidence, M.value, M.created_at, M.updated_at)
    if status != "all":
        mq = mq.where(M.status == status)
    ids = list(conn.execute(select(A.id).order_by(A.id)).scalars())
    i = 0
    for c in range(0, len(ids), CHUNK):
        chunk = ids[c:c + CHUNK]
        arts = {aid: (title, text) for aid, title, text in
                conn.execute(select(A.id, A.title, A.text).where(A.id.in_(chunk)))}
        rows = conn.execute(mq.where(M.article_id.in_(chunk)).order_by(M.article_id, M.start, M.end, M.id))
        for (mid, aid, start, end, text, typ, mstatus, source, eid, conf, value, created, updated) in rows:
            title, atext = arts[aid]
            ent = entities.get(eid) if eid else None
            if ent:
                counts[ent.id] = counts.get(ent.id, 0) + 1
            w.writerow([
                mid, aid, safe_cell(title), start, end, safe_cell(text), typ, mstatus,
                source, eid or "", safe_cell(ent.name if ent else ""),
                safe_cell(ent.external_id if ent else ""), round(conf, 4), safe_cell(value or ""),
                _iso(created), _iso(updated), safe_cell(_context(atext, start, end)),
            ])
            if progress and i % 1000 == 0:
                progress(done + i, total)
                _check_cancel(should_cancel)
            i += 1


def _export_csv(db, files: AtomicFileSet, status, progress, should_cancel, *, all_entities: bool = False) -> None:
    A = Article
    with db.session() as s:
        entities = {e.id: e for e in s.exec(select(Entity).order_by(Entity.id))}
        # articles and mentions are streamed below (memory flat in their number); here counted
        n_articles = s.exec(select(func.count()).select_from(A)).one()
        n_mentions = s.exec(select(func.count()).select_from(_mention_filter(status).subquery())).one()
        aliases: dict[int, list[str]] = {}
        for a in s.exec(select(Alias).order_by(Alias.entity_id, Alias.id)):
            aliases.setdefault(a.entity_id, []).append(a.text)
    total = n_articles + n_mentions + len(entities) + 1
    done = 0

    with files.open("articles.csv", bom=True) as fh:
        w = csv.writer(fh)
        w.writerow(ARTICLE_COLUMNS)
        with db.session() as s:
            q = select(A.id, A.title, A.source, A.language, A.status, A.imported_at).order_by(A.id)
            for aid, title, source, language, astatus, imported in s.connection().execute(
                    q.execution_options(yield_per=2000)):
                w.writerow([aid, safe_cell(title), safe_cell(source), language, astatus,
                            _iso(imported)])
        done += n_articles
    _check_cancel(should_cancel)

    counts: dict[int, int] = {}
    with files.open("mentions.csv", bom=True) as fh:
        w = csv.writer(fh)
        w.writerow(MENTION_COLUMNS)
        with db.session() as s:
            _write_mentions(s, w, status, entities, counts, done, total, progress, should_cancel)
        done += n_mentions

    with files.open("entities.csv", bom=True) as fh:
        w = csv.writer(fh)
        w.writerow(ENTITY_COLUMNS)
        # the entities the exported mentions link to; the whole KB with all_entities
        for e in entities.values():
            if not all_entities and e.id not in counts:
                continue
            w.writerow([e.id, safe_cell(e.name), e.type, safe_cell(e.external_id or ""), safe_cell(e.description),
                        safe_cell(join_aliases(aliases.get(e.id, []))), counts.get(e.id, 0)])

    with files.open("relations.csv", bom=True) as fh:
        w = csv.writer(fh)
        w.writerow(RELATION_COLUMNS)
        H, T = aliased(Mention), aliased(Mention)
        q = (select(Relation.id, Relation.article_id, Relation.type, H.id, H.text, H.entity_id, H.status,
                    T.id, T.text, T.entity_id, T.status)
             .join(H, H.id == Relation.head_mention_id).join(T, T.id == Relation.tail_mention_id)
             .order_by(Relation.id))
        with db.session() as s:
            for rid, aid, rtype, hid, htext, heid, hstatus, tid, ttext, teid, tstatus in s.connection().execute(q):
                if status != "all" and (hstatus != status or tstatus != status):
                    continue
                w.writerow([rid, aid, rtype, hid, safe_cell(htext), heid or "", tid, safe_cell(ttext), teid or ""])
    if progress:
        progress(total, total)
