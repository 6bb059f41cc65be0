"""Importing articles from files and folders.

Readers turn one file into article drafts (title, text, source) or failures naming the file
(and line, for JSONL/CSV) and the reason.  Encodings accepted: UTF-8 with or without BOM, and
UTF-16 with a BOM; anything else is refused, never guessed.  Text is stored cleaned (see
:func:`desktop.text.clean_text`); the SHA-256 of the stored text is the duplicate key.

Articles are inserted in batches, each batch one transaction, so a crash or a failing write never
leaves half an article; a bad file never stops the others.
"""

from __future__ import annotations

import csv
import hashlib
import html.parser
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

import regex
from sqlalchemy import insert
from sqlmodel import select

from desktop import fileio
from desktop import text as textmod
from desktop.db import Database
from desktop.errors import CurateError
from desktop.models import Article, utcnow

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".csv")
BATCH = 500
MAX_FILE_BYTES = fileio.DEFAULT_MAX_FILE_BYTES

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class ImportFailure:
    path: str
    line: Optional[int]
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


@dataclass
class Draft:
    text: str
    title: str = ""
    source: str = ""


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    failed: list[ImportFailure] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)
    skipped: int = 0  # unsupported files met inside folders
    cancelled: bool = False
    detected: int = 0  # suggestions added by detection
    #: set when the import stopped at a database error (disk full, locked...): one line saying
    #: what was not saved and what to do; everything counted above was really saved
    stopped: Optional[str] = None

    def summary(self) -> str:
        return f"imported {self.imported}, duplicates {self.duplicates}, failed {len(self.failed)}"


class _FileError(Exception):
    def __init__(self, reason: str, line: Optional[int] = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line


# -- decoding ---------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (BOM optional) or UTF-16 with BOM (:func:`desktop.fileio.decode_text`).  Raises
    _FileError with the reason otherwise."""
    try:
        return fileio.decode_text(data)
    except fileio.FileProblem as exc:
        raise _FileError(exc.reason) from None


# -- readers ----------------------------------------------------------------------------------------

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
    "article", "header", "footer", "blockquote", "pre", "hr", "dd", "dt", "figcaption", "main", "aside", "nav",
}
_HIDDEN_TAGS = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}


class _HtmlText(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self._hidden = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = True
        elif tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title_parts.append(data)
        elif not self._hidden:
            self.parts.append(data)


_SPACES_RUN = regex.compile(r"[ \t\u00a0]+")
_BLANK_LINES = regex.compile(r"\n\s*\n\s*\n+")


def _tidy_lines(s: str) -> str:
    lines = [_SPACES_RUN.sub(" ", ln).strip() for ln in s.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(source: str) -> tuple[str, str]:
    """(title, visible text) of an HTML document."""
    p = _HtmlText()
    p.feed(source)
    p.close()
    title = _SPACES_RUN.sub(" ", "".join(p.title_parts)).strip()
    return title, _tidy_lines("".join(p.parts))


_MD_LINK = regex.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_HEADING = regex.compile(r"^\s{0,3}#{1,6}\s+", regex.M)
_MD_EMPH = regex.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def markdown_to_text(source: str) -> tuple[str, str]:
    """(title, text): headings, emphasis and link markup removed, the words kept."""
    title = ""
    for line in source.split("\n"):
        if line.strip():
            title = _MD_HEADING.sub("", line).strip()
            break
    out = _MD_LINK.sub(r"\1", source)
    out = _MD_HEADING.sub("", out)
    out = _MD_EMPH.sub(r"\2", out)
    return _MD_EMPH.sub(r"\2", title), out


def _read_bytes(path: Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    try:
        return fileio.read_input(path, max_bytes)
    except fileio.FileProblem as exc:
        raise _FileError(exc.reason) from None


def read_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Iterator[Draft | ImportFailure]:
    """Drafts (and per-record failures) of one file.  A whole-file problem raises _FileError."""
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        if not path.exists() and not path.is_symlink():
            raise _FileError("no such file or folder")
        raise _FileError(f"unsupported file type {ext or '(none)'} (supported: {', '.join(SUPPORTED)})")
    raw = decode(_read_bytes(path, max_bytes))
    name = fileio.display_name(path.name)
    if ext in (".txt",):
        yield Draft(text=raw, source=name)
    elif ext in (".md", ".markdown"):
        title, body = markdown_to_text(raw)
        yield Draft(text=body, title=title, source=name)
    elif ext in (".html", ".htm"):
        title, body = html_to_text(raw)
        yield Draft(text=body, title=title, source=name)
    elif ext == ".jsonl":
        yield from _read_jsonl(raw, fileio.display_name(path))
    elif ext == ".csv":
        yield from _read_csv(raw, fileio.display_name(path))


def _record_draft(obj: dict, default_source: str) -> Draft:
    text = obj.get("text")
    if not isinstance(text, str):
        raise _FileError("no 'text' field with a string value" if text is None else "'text' is not a string")
    title = obj.get("title") or ""
    source = obj.get("source") or obj.get("url") or default_source
    if not isinstance(title, str) or not isinstance(source, str):
        raise _FileError("'title' and 'source'/'url' must be strings")
    return Draft(text=text, title=title, source=source)


def _read_jsonl(raw: str, where: str) -> Iterator[Draft | ImportFailure]:
    name = Path(where).name
    for lineno, line in enumerate(raw.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ImportFailure(where, lineno, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield ImportFailure(where, lineno, "expected a JSON object with a 'text' field")
            continue
        try:
            yield _record_draft(obj, f"{name}:{lineno}")
        except _FileError as exc:
            yield ImportFailure(where, lineno, exc.reason)


def _read_csv(raw: str, where: str) -> Iterator[Draft | ImportFailure]:
    name = Path(where).name
    csv.field_size_limit(MAX_FILE_BYTES)
    try:
        dialect = csv.Sniffer().sniff(raw[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(raw, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise _FileError("empty CSV file") from None
    except csv.Error as exc:
        raise _FileError(f"malformed CSV header ({exc})") from None
    cols = [h.strip().lower() for h in header]
    if "text" not in cols:
        raise _FileError(f"no 'text' column (columns: {', '.join(header) or 'none'})")
    while True:
        lineno = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield ImportFailure(where, lineno, f"malformed CSV ({exc})")
            break
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(cols):
            yield ImportFailure(where, lineno, f"expected {len(cols)} fields, found {len(row)}")
            continue
        rec = dict(zip(cols, row))
        try:
            yield _record_draft(rec, f"{name}:{lineno}")
        except _FileError as exc:
            yield ImportFailure(where, lineno, exc.reason)


# -- walking ----------------------------------------------------------------------------------------


def iter_files(paths: Iterable[str | os.PathLike],
               problems: Optional[list[ImportFailure]] = None) -> Iterator[tuple[Path, bool]]:
    """(file, explicit) for each path: files as given, folders walked recursively in name order
    (hidden files and folders skipped).  A sub-folder that cannot be read is added to
    ``problems`` (when given), never silently left out."""

    def walk_error(exc: OSError) -> None:
        if problems is not None:
            where = fileio.display_name(exc.filename or "?")
            problems.append(ImportFailure(where, None, f"folder not read ({exc.strerror or exc})"))

    for p in paths:
        p = Path(p)
        if p.is_dir():
            for root, dirs, files in os.walk(p, onerror=walk_error):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for f in sorted(files):
                    if not f.startswith("."):
                        yield Path(root) / f, False
        else:
            yield p, True


# -- the import -------------------------------------------------------------------------------------


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def prepare(draft: Draft) -> Optional[dict]:
    """Row values for an article, or None when there is no text."""
    body = textmod.clean_text(draft.text)
    if not body:
        return None
    title = textmod.clean_text(draft.title).replace("\n", " ") if draft.title else ""
    return {
        "title": (title or textmod.title_line(body))[:500],
        "text": body,
        "source": draft.source,
        "language": textmod.detect_language(body),
        "content_hash": content_hash(body),
        "status": "new",
        "imported_at": utcnow(),
    }


class _Stop(Exception):
    """The database refused a write (disk full, locked...): the import stops there."""


class _Batcher:
    def __init__(self, db: Database, report: ImportReport, *, pending: bool = False):
        self.db = db
        self.report = report
        self.pending = pending  # mark the new articles "detection not yet done"
        self.rows: list[dict] = []
        self.origins: list[str] = []
        self.seen: set[str] = set()

    def add(self, row: dict, origin: str) -> None:
        if row["content_hash"] in self.seen:
            self.report.duplicates += 1
            return
        self.seen.add(row["content_hash"])
        self.rows.append(row)
        self.origins.append(origin)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        rows, origins = self.rows, self.origins
        self.rows, self.origins = [], []
        if self.pending:
            for r in rows:
                r["detect_pending"] = True
        try:
            with self.db.transaction() as s:
                hashes = [r["content_hash"] for r in rows]
                existing = set(s.exec(select(Article.content_hash).where(Article.content_hash.in_(hashes))))  # type: ignore[attr-defined]
                fresh = [r for r in rows if r["content_hash"] not in existing]
                ids = s.execute(insert(Article).returning(Article.id), fresh).scalars().all() if fresh else []
            # counted only once the transaction has committed
            self.report.duplicates += len(rows) - len(fresh)
            self.report.article_ids.extend(ids)
            self.report.imported += len(ids)
        except CurateError as exc:
            files = list(dict.fromkeys(origins))
            self.unsaved_from = files[0] if files else None
            self.report.stopped = str(exc)
            raise _Stop() from None


def pending_detection(db: Database) -> list[int]:
    """Articles imported but not yet detected (an import or detection that was killed or failed):
    the next import, ``curate detect`` or window start finishes them."""
    with db.session() as s:
        return list(s.exec(select(Article.id).where(Article.detect_pending == True).order_by(Article.id)))  # noqa: E712


def import_paths(
    db: Database,
    paths: Iterable[str | os.PathLike],
    *,
    detect: bool = True,
    progress: Optional[Progress] = None,
    should_cancel: Optional[Cancel] = None,
    max_file_bytes: int = MAX_FILE_BYTES,
) -> ImportReport:
    """Import files and folders.  Runs detection on the new articles unless `detect` is False
    (and finishes the articles an earlier import left undetected).

    A database error (disk full, locked) stops the import at once: the report counts only what
    was really saved and ``stopped`` says what was not and what to do."""
    db.refuse_if_read_only()
    report = ImportReport()
    walk_problems: list[ImportFailure] = []
    files = list(iter_files(paths, walk_problems))
    report.failed.extend(walk_problems)
    batch = _Batcher(db, report, pending=detect)
    total = len(files)
    stopped_at: Optional[int] = None
    try:
        for i, (path, explicit) in enumerate(files):
            if should_cancel and should_cancel():
                report.cancelled = True
                break
            if not explicit and path.suffix.lower() not in SUPPORTED:
                report.skipped += 1
                continue
            where = fileio.display_name(path)
            stopped_at = i
            try:
                for item in read_file(path, max_file_bytes):
                    if isinstance(item, ImportFailure):
                        report.failed.append(item)
                        continue
                    try:
                        row = prepare(item)
                    except (UnicodeError, ValueError):  # e.g. an escaped lone surrogate in JSON
                        report.failed.append(ImportFailure(where, None, f"bad record ({item.source}): "
                                                           "text that is not valid Unicode"))
                        continue
                    if row is None:
                        report.failed.append(ImportFailure(where, None, "no text"))
                        continue
                    batch.add(row, where)
            except _FileError as exc:
                report.failed.append(ImportFailure(where, exc.line, exc.reason))
            except (RecursionError, MemoryError, ValueError, UnicodeError, csv.Error) as exc:
                # a reader tripped over input it did not foresee: one line for the file, the import goes on
                report.failed.append(ImportFailure(where, None, f"could not be read ({exc.__class__.__name__})"))
            if progress:
                progress(i + 1, total)
        stopped_at = None
        batch.flush()
    except _Stop:
        first = getattr(batch, "unsaved_from", None)
        index = {fileio.display_name(p): i for i, (p, _) in enumerate(files)}
        left = total - index.get(first, stopped_at or 0)
        report.stopped = (
            f"not saved: {left} file(s) from {first or 'the last batch'} on — "
            f"{report.stopped}. Fix that and run the same import again: what was saved is kept and "
            "counts as duplicates"
        )
        return report
    if detect and not report.cancelled:
        todo = sorted(set(report.article_ids) | set(pending_detection(db)))
        if todo:
            from desktop.detection.service import detect_articles

            try:
                res = detect_articles(db, todo, should_cancel=should_cancel)
                report.detected = getattr(res, "added", 0)
            except CurateError as exc:
                report.stopped = (
                    f"detection not finished: {exc}. The {report.imported} new article(s) are saved and marked; "
                    "fix that, then run `curate detect` (or open the window) to finish them"
                )
    return report


def import_drafts(db: Database, drafts: Iterable[Draft], *, origin: str = "<memory>") -> ImportReport:
    """Import in-memory drafts (tests, generated data); no detection."""
    report = ImportReport()
    batch = _Batcher(db, report)
    try:
        for d in drafts:
            row = prepare(d)
            if row is None:
                report.failed.append(ImportFailure(origin, None, "no text"))
            else:
                batch.add(row, origin)
        batch.flush()
    except _Stop:
        report.stopped = f"not saved: the rest of {origin} — {report.stopped}"
    return report
