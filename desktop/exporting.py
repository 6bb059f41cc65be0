"""Exporting curated data.

Formats:
- ``csv``: ``articles.csv``, ``mentions.csv``, ``entities.csv``, ``relations.csv`` — UTF-8 with
  BOM (Excel and LibreOffice open Bengali and Hindi correctly), safe from formula injection (a
  text cell starting with ``= + - @`` or a tab/CR gets a leading apostrophe, as OWASP advises).
- ``jsonl``: ``annotations.jsonl``, one article a line with its spans
  (``{"id", "title", "text", "entities": [...], "label": [[start, end, type], ...]}``), the shape
  doccano and spaCy's converters read.
- ``conll``: ``annotations.conll``, CoNLL-2003 style BIO tags, one token a line, articles
  separated by ``-DOCSTART-``.

Offsets are Python code points into the article text, end exclusive.  The files of one export
appear together or not at all (:class:`desktop.fileio.AtomicFileSet`: staged, fsynced, renamed;
a killed export's leftovers are finished or removed by the next one).
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Callable, Iterable, Optional

import regex
from sqlmodel import select

from desktop.db import Database, DatabaseError
from desktop.errors import CurateError
from desktop.fileio import AtomicFileSet, safe_cell, unsafe_cell  # noqa: F401 (re-exported)
from desktop.models import Alias, Article, Entity, Mention, Relation

FORMATS = ("csv", "jsonl", "conll")
STATUS_CHOICES = ("confirmed", "suggested", "rejected", "all")

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


def _mention_filter(status: str):
    if status not in STATUS_CHOICES:
        raise CurateError(f"unknown status {status!r} (one of {', '.join(STATUS_CHOICES)})")
    stmt = select(Mention)
    if status != "all":
        stmt = stmt.where(Mention.status == status)
    return stmt.order_by(Mention.article_id, Mention.start, Mention.end, Mention.id)


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
        writer = {"csv": _export_csv, "jsonl": _export_jsonl, "conll": _export_conll}[fmt]
        writer(db, files, status, progress, should_cancel)
        return files.commit()
    except OSError as exc:
        files.discard()
        raise CurateError(f"{out}: export failed ({exc.strerror or exc}); no file was changed") from None
    except DatabaseError:
        files.discard()
        bad = db.damaged_rows()
        if not bad:
            raise
        more = f" (and more)" if len(bad) >= 20 else ""
        raise CurateError(
            f"{db.path}: export stopped, no file was changed: damaged rows {'; '.join(bad[:5])}{more}. "
            f"Run: curate recover {db.path} NEW.db"
        ) from None
    except BaseException:
        files.discard()
        raise


class Cancelled(CurateError):
    def __init__(self) -> None:
        super().__init__("export cancelled; no file was changed")


def _check_cancel(should_cancel) -> None:
    if should_cancel and should_cancel():
        raise Cancelled()


def _articles_by_id(s) -> dict[int, Article]:
    return {a.id: a for a in s.exec(select(Article).order_by(Article.id))}


def _export_csv(db, files: AtomicFileSet, status, progress, should_cancel) -> None:
    with db.session() as s:
        articles = _articles_by_id(s)
        entities = {e.id: e for e in s.exec(select(Entity).order_by(Entity.id))}
        mentions = list(s.exec(_mention_filter(status)))
        aliases: dict[int, list[str]] = {}
        for a in s.exec(select(Alias).order_by(Alias.entity_id, Alias.id)):
            aliases.setdefault(a.entity_id, []).append(a.text)
        relations = list(s.exec(select(Relation).order_by(Relation.id)))
        by_id = {m.id: m for m in s.exec(select(Mention))} if relations else {}
    total = len(articles) + len(mentions) + len(entities) + 1
    done = 0

    with files.open("articles.csv", bom=True) as fh:
        w = csv.writer(fh)
        w.writerow(ARTICLE_COLUMNS)
        for a in articles.values():
            w.writerow([a.id, safe_cell(a.title), safe_cell(a.source), a.language, a.status, _iso(a.imported_at)])
        done += len(articles)
    _check_cancel(should_cancel)

    counts: dict[int, int] = {}
    with files.open("mentions.csv", bom=True) as fh:
        w = csv.writer(fh)
        w.writerow(MENTION_COLUMNS)
        for i, m in enumerate(mentions):
            art = articles[m.article_id]
            ent = entities.get(m.entity_id) if m.entity_id else None
            if ent:
                counts[ent.id] = counts.get(ent.id, 0) + 1
            w.writerow([
                m.id, m.article_id, safe_cell(art.title), m.start, m.end, safe_cell(m.text), m.type, m.status,
                m.source, m.entity_id or "", safe_cell(ent.name if ent else ""),
                safe_cell(ent.external_id if ent else ""), round(m.confidence, 4), safe_cell(m.value or ""),
                _iso(m.created_at), _iso(m.updated_at), safe_cell(_context(art.text, m.start, m.end)),
            ])
            if progress and i % 1000 == 0:
                progress(done + i, total)
                _check_cancel(should_cancel)
        done += len(mentions)

    with files.open("entities.csv", bom=True) as fh:
        w = csv.writer(fh)
        w.writerow(ENTITY_COLUMNS)
        for e in entities.values():
            w.writerow([e.id, safe_cell(e.name), e.type, safe_cell(e.external_id or ""), safe_cell(e.description),
                        safe_cell("|".join(aliases.get(e.id, []))), counts.get(e.id, 0)])

    with files.open("relations.csv", bom=True) as fh:
        w = csv.writer(fh)
        w.writerow(RELATION_COLUMNS)
        for r in relations:
            h, t = by_id.get(r.head_mention_id), by_id.get(r.tail_mention_id)
            if h is None or t is None:
                continue
            if status != "all" and (h.status != status or t.status != status):
                continue
            w.writerow([r.id, r.article_id, r.type, h.id, safe_cell(h.text), h.entity_id or "",
                        t.id, safe_cell(t.text), t.entity_id or ""])
    if progress:
        progress(total, total)


def _grouped_mentions(db, status) -> tuple[dict[int, Article], dict[int, list[Mention]], dict[int, Entity]]:
    with db.session() as s:
        articles = _articles_by_id(s)
        entities = {e.id: e for e in s.exec(select(Entity))}
        grouped: dict[int, list[Mention]] = {}
        for m in s.exec(_mention_filter(status)):
            grouped.setdefault(m.article_id, []).append(m)
    return articles, grouped, entities


def _export_jsonl(db, files: AtomicFileSet, status, progress, should_cancel) -> None:
    articles, grouped, entities = _grouped_mentions(db, status)
    with files.open("annotations.jsonl") as fh:
        for i, a in enumerate(articles.values()):
            ms = grouped.get(a.id, [])
            rec = {
                "id": a.id, "title": a.title, "source": a.source, "language": a.language, "status": a.status,
                "text": a.text,
                "label": [[m.start, m.end, m.type] for m in ms],
                "entities": [
                    {"id": m.id, "start_offset": m.start, "end_offset": m.end, "label": m.type, "text": m.text,
                     "status": m.status, "source": m.source, "value": m.value, "entity_id": m.entity_id,
                     "entity_name": entities[m.entity_id].name if m.entity_id in entities else None,
                     "external_id": entities[m.entity_id].external_id if m.entity_id in entities else None}
                    for m in ms
                ],
            }
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            if progress and i % 100 == 0:
                progress(i, len(articles))
                _check_cancel(should_cancel)


_TOKEN = regex.compile(r"[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]")


def bio_tokens(text: str, mentions: Iterable[Mention]) -> list[tuple[str, str]]:
    """(token, tag) pairs with BIO tags; a token is inside a mention when it overlaps it.
    Overlapping mentions: the first (by start) wins."""
    spans = sorted(((m.start, m.end, m.type) for m in mentions), key=lambda x: (x[0], -x[1]))
    out: list[tuple[str, str]] = []
    j = 0
    prev_span = None
    for tok in _TOKEN.finditer(text):
        ts, te = tok.span()
        while j < len(spans) and spans[j][1] <= ts:
            j += 1
        tag = "O"
        if j < len(spans) and spans[j][0] < te:
            span = spans[j]
            tag = ("I-" if prev_span == span else "B-") + span[2]
            prev_span = span
        else:
            prev_span = None
        out.append((tok.group(), tag))
    return out


def _export_conll(db, files: AtomicFileSet, status, progress, should_cancel) -> None:
    articles, grouped, _ = _grouped_mentions(db, status)
    with files.open("annotations.conll") as fh:
        for i, a in enumerate(articles.values()):
            fh.write("-DOCSTART- -X- -X- O\n\n")
            buf = io.StringIO()
            for para in _paragraph_spans(a.text):
                toks = bio_tokens(a.text[para[0]:para[1]], _shift(grouped.get(a.id, []), para))
                for tok, tag in toks:
                    buf.write(f"{tok} {tag}\n")
                if toks:
                    buf.write("\n")
            fh.write(buf.getvalue())
            if progress and i % 100 == 0:
                progress(i, len(articles))
                _check_cancel(should_cancel)


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


class _Shifted:
    __slots__ = ("start", "end", "type")

    def __init__(self, start, end, type_):
        self.start, self.end, self.type = start, end, type_


def _shift(mentions: list[Mention], para: tuple[int, int]) -> list[_Shifted]:
    s0, e0 = para
    return [_Shifted(max(m.start, s0) - s0, min(m.end, e0) - s0, m.type)
            for m in mentions if m.start < e0 and m.end > s0]
