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
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

import regex
from sqlmodel import select

from desktop import fileio
from desktop import text as textmod
from desktop.db import Database
from desktop.errors import CurateError
from desktop.formats import Doc, FormatError, Problem
from desktop.models import Article, utcnow

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".json", ".csv", ".ann", ".conll", ".iob",
             ".iob2", ".bio")
#: file-dialog filter text, one entry a format
FILE_FILTERS = (
    "Articles and annotations (*.txt *.md *.markdown *.html *.htm *.jsonl *.json *.csv *.ann *.conll *.iob *.iob2 *.bio)",
    "Curate or doccano JSONL (*.jsonl)", "Label Studio JSON export (*.json)", "brat standoff (*.ann *.txt)",
    "CoNLL / IOB2 (*.conll *.iob *.iob2 *.bio)", "Text, Markdown, HTML, CSV (*.txt *.md *.markdown *.html *.htm *.csv)",
)
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
    mentions: int = 0
    relations: int = 0
    conflicts: list[str] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)  # counted, not imported
    new_types: set[str] = field(default_factory=set)

    def summary(self) -> str:
        return (f"imported {self.imported} articles, {self.mentions} mentions, {self.relations} relations, "
                f"conflicts {len(self.conflicts)}, duplicates {self.duplicates}, failed {len(self.failed)}")

    def details(self) -> list[str]:
        """Lines after the summary: new types, what was counted and not imported, conflicts."""
        out = []
        if self.new_types:
            out.append(f"new entity types: {', '.join(sorted(self.new_types))}")
        out += [f"{what}: {n}" for what, n in sorted(self.notes.items())]
        out += [f"conflict: {c}" for c in self.conflicts]
        return out


class _FileError(Exception):
    def __init__(self, reason: str, line: Optional[int] = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line


# -- decoding ---------------------------------------------------------------------------------------


def decode(data: bytes, encoding: Optional[str] = None) -> str:
    """UTF-8 (BOM optional) or UTF-16 with BOM (:func:`desktop.fileio.decode_text`); with
    ``encoding``, that codec and nothing else (``latin-1``, ``cp1252``, ``utf-16-le`` for UTF-16
    without a BOM).  Raises _FileError with the reason otherwise."""
    if encoding:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            raise _FileError(f"unknown encoding {encoding!r}") from None
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise _FileError(f"not {encoding} text ({exc.reason} at byte {exc.start})") from None
        text = text.lstrip("\ufeff")
        if "\x00" in text:
            raise _FileError(f"binary data (NUL bytes) when read as {encoding}")
        return text
    try:
        return fileio.decode_text(data)
    except fileio.FileProblem as exc:
        raise _FileError(exc.reason) from None


# -- readers ----------------------------------------------------------------------------------------

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
    "article", "header", "footer", "blockquote", "pre", "hr", "dd", "dt", "figcaption", "main", "aside", "nav",
}
_HIDDEN_TAGS = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object",
                # page furniture, not the article: site menus, banners, sidebars, forms
                "nav", "header", "footer", "aside", "form"}
# a body element opens the page's content: HTML5 lets </head> be left out
_BODY_TAGS = {"body", "main", "article", "p", "div", "h1", "h2", "h3", "section", "table", "ul", "ol"}


class _HtmlText(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self._hidden = 0
        self._in_title = False
        self._in_head = False
        self._content = 0  # depth inside <article>/<main>, whose own <header>/<footer> are kept
        self._furniture: list[bool] = []  # open <header>/<footer>: hidden or not

    def handle_starttag(self, tag, attrs):
        if tag in _BODY_TAGS and self._in_head:
            # the head ends implicitly (HTML5 lets </head> be left out)
            self._in_head = False
            self._hidden = max(0, self._hidden - 1)
        if tag == "title":
            self._in_title = True
        elif tag == "head":
            self._in_head = True
            self._hidden += 1
        elif tag in ("header", "footer"):
            hide = not self._content
            self._furniture.append(hide)
            self._hidden += hide
            self.parts.append("\n")
        elif tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            if tag in ("article", "main"):
                self._content += 1
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            if self._in_head:
                self._in_head = False
                self._hidden = max(0, self._hidden - 1)
        elif tag in ("header", "footer"):
            if self._furniture and self._furniture.pop():
                self._hidden = max(0, self._hidden - 1)
            self.parts.append("\n")
        elif tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            if tag in ("article", "main"):
                self._content = max(0, self._content - 1)
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


@dataclass
class ReadOptions:
    encoding: Optional[str] = None
    csv_delimiter: Optional[str] = None


def brat_pair(path: Path) -> Optional[tuple[Path, Path]]:
    """(txt, ann) when ``path`` is one half of a brat document whose other half exists."""
    ext = path.suffix.lower()
    if ext == ".ann":
        txt = path.with_suffix(".txt")
        return (txt, path) if txt.is_file() else None
    if ext == ".txt":
        ann = path.with_suffix(".ann")
        return (path, ann) if ann.is_file() else None
    return None


def read_file(path: Path, opts: Optional[ReadOptions] = None,
              max_bytes: int = MAX_FILE_BYTES) -> Iterator[Draft | Doc | ImportFailure]:
    """Drafts, annotated Docs and per-record failures of one file.  A whole-file problem raises
    _FileError."""
    from desktop.formats import brat, conll, labelstudio

    opts = opts or ReadOptions()
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        if not path.exists() and not path.is_symlink():
            raise _FileError("no such file or folder")
        raise _FileError(f"unsupported file type {ext or '(none)'} (supported: {', '.join(SUPPORTED)})")
    pair = brat_pair(path)
    if ext == ".ann" and pair is None:
        raise _FileError(f"a brat .ann file needs its text beside it ({path.with_suffix('.txt').name})")
    try:
        if pair is not None:
            txt = decode(_read_bytes(pair[0], max_bytes), opts.encoding)
            ann = decode(_read_bytes(pair[1], max_bytes), opts.encoding)
            yield from _docs(brat.read(txt, ann, fileio.display_name(pair[1]), fileio.display_name(pair[0].name)))
            return
        raw = decode(_read_bytes(path, max_bytes), opts.encoding)
        name = fileio.display_name(path.name)
        where = fileio.display_name(path)
        if ext in (".txt",):
            yield Draft(text=raw, source=name)
        elif ext in (".md", ".markdown"):
            title, body = markdown_to_text(raw)
            yield Draft(text=body, title=title, source=name)
        elif ext in (".html", ".htm"):
            title, body = html_to_text(raw)
            yield Draft(text=body, title=title, source=name)
        elif ext == ".jsonl":
            yield from _read_jsonl(raw, where)
        elif ext == ".json":
            yield from _docs(labelstudio.read(raw, where))
        elif ext in (".conll", ".iob", ".iob2", ".bio"):
            yield from _docs(conll.read(raw, where, name))
        elif ext == ".csv":
            yield from _read_csv(raw, where, opts.csv_delimiter)
    except FormatError as exc:
        raise _FileError(exc.reason, exc.line) from None


def _docs(items) -> Iterator[Doc | ImportFailure]:
    for it in items:
        if isinstance(it, Problem):
            yield ImportFailure(it.where, it.line, it.reason)
        else:
            yield it


def _read_jsonl(raw: str, where: str) -> Iterator[Draft | Doc | ImportFailure]:
    from desktop.formats import jsonl

    for it in _docs(jsonl.read(raw, where)):
        if isinstance(it, Doc) and not it.annotated and not it.problems and not it.notes:
            yield Draft(text=it.text, title=it.title, source=it.source)
        else:
            yield it


def _record_draft(obj: dict, default_source: str) -> Draft:
    text = obj.get("text")
    if not isinstance(text, str):
        raise _FileError("no 'text' field with a string value" if text is None else "'text' is not a string")
    title = obj.get("title") or ""
    source = obj.get("source") or obj.get("url") or default_source
    if not isinstance(title, str) or not isinstance(source, str):
        raise _FileError("'title' and 'source'/'url' must be strings")
    return Draft(text=text, title=title, source=source)


def _read_csv(raw: str, where: str, delimiter: Optional[str] = None) -> Iterator[Draft | ImportFailure]:
    """The standard dialect (comma, ``"`` quoting, newlines inside quotes), or ``delimiter``;
    nothing is guessed."""
    name = Path(where).name
    csv.field_size_limit(MAX_FILE_BYTES)
    delim = {"tab": "\t", "\\t": "\t"}.get(delimiter or ",", delimiter or ",")
    if len(delim) != 1:
        raise _FileError(f"--csv-delimiter must be one character, not {delimiter!r}")
    reader = csv.reader(io.StringIO(raw, newline=""), csv.excel, delimiter=delim, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise _FileError("empty CSV file") from None
    except csv.Error as exc:
        raise _FileError(f"malformed CSV header ({exc})") from None
    cols = [h.strip().lower() for h in header]
    if "text" not in cols:
        hint = "" if delim != "," or (";" not in header[0] and "\t" not in header[0]) else \
            " — another delimiter? use --csv-delimiter"
        raise _FileError(f"no 'text' column (columns: {', '.join(header) or 'none'}){hint}")
    while True:
        lineno = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            reason = str(exc)
            if "EOF" in reason or "unexpected end of data" in reason:
                reason = "a quoted field is never closed"
            yield ImportFailure(where, lineno, f"malformed CSV ({reason}); the rest of the file is not read")
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
                # the content-hash constraint decides what is new (an upsert): an article
                # another process imported meanwhile is a duplicate here, never a second copy
                ids = Database.insert_new(s, Article.__table__, rows, "content_hash")
            # counted only once the transaction has committed
            self.report.duplicates += len(rows) - len(ids)
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
    as_suggestions: bool = False,
    text_only: bool = False,
    encoding: Optional[str] = None,
    csv_delimiter: Optional[str] = None,
) -> ImportReport:
    """Import files and folders.  Annotated files (Curate's or doccano's JSONL, Label Studio
    JSON, brat, CoNLL) bring their mentions and relations (see desktop.merging); with
    ``as_suggestions`` every annotation arrives as a suggestion, with ``text_only`` none does.
    Runs detection on the new articles unless `detect` is False (and finishes the articles an
    earlier import left undetected).

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
    opts = ReadOptions(encoding=encoding, csv_delimiter=csv_delimiter)
    brat_seen: set[Path] = set()
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
            pair = brat_pair(path)
            if pair is not None:
                if pair[0] in brat_seen:
                    continue
                brat_seen.add(pair[0])
            try:
                for item in read_file(path, opts, max_file_bytes):
                    if isinstance(item, ImportFailure):
                        report.failed.append(item)
                        continue
                    if isinstance(item, Doc):
                        _add_doc(db, batch, report, item, where, as_suggestions, text_only)
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


def _add_doc(db: Database, batch: "_Batcher", report: ImportReport, doc: Doc, origin: str,
             as_suggestions: bool, text_only: bool) -> None:
    """One annotated article: its own transaction (after the pending plain articles)."""
    from desktop.merging import merge_doc

    for p in doc.problems:
        report.failed.append(ImportFailure(p.where, None, p.reason))
    for what, n in doc.notes.items():
        report.notes[what] = report.notes.get(what, 0) + n
    row = prepare(Draft(text=doc.text, title=doc.title, source=doc.source))
    if row is None:
        report.failed.append(ImportFailure(doc.where or origin, None, "no text"))
        return
    if text_only or not (doc.spans or doc.relations):
        batch.add(row, origin)
        return
    batch.flush()
    try:
        res = merge_doc(db, doc, row, as_suggestions=as_suggestions)
    except CurateError as exc:
        report.failed.append(ImportFailure(doc.where or origin, None, f"not saved: {exc}"))
        return
    if res.new_article:
        report.imported += 1
        report.article_ids.append(res.article_id)  # type: ignore[arg-type]
    elif not res.mentions and not res.relations:
        report.duplicates += 1
    report.mentions += res.mentions
    report.relations += res.relations
    report.duplicates += res.duplicates
    report.conflicts += res.conflicts
    report.new_types |= res.new_types
    report.failed += [ImportFailure(w, None, r) for w, r in res.failed]


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
