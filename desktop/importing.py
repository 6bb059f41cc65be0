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
MAX_FILE_BYTES = 200 * 1024 * 1024

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
    """UTF-8 (BOM optional) or UTF-16 with BOM; with ``encoding``, that codec and nothing else
    (``latin-1``, ``cp1252``, ``utf-16-le`` for UTF-16 without a BOM).  Raises _FileError with the
    reason otherwise."""
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
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _FileError(f"broken UTF-16 text ({exc.reason} at byte {exc.start})") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _FileError(
            f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at byte {exc.start}); "
            "save it as UTF-8 or UTF-16 with BOM"
        ) from None
    if "\x00" in text:
        raise _FileError("binary data (NUL bytes), not a text file")
    return text


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


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _FileError(f"too large ({size // (1024 * 1024)} MB; the limit is {MAX_FILE_BYTES // (1024 * 1024)} MB)")
        return path.read_bytes()
    except _FileError:
        raise
    except PermissionError:
        raise _FileError("permission denied") from None
    except FileNotFoundError:
        raise _FileError("no such file or folder") from None
    except OSError as exc:
        raise _FileError(f"cannot read ({exc.strerror})") from None


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


def read_file(path: Path, opts: Optional[ReadOptions] = None) -> Iterator[Draft | Doc | ImportFailure]:
    """Drafts, annotated Docs and per-record failures of one file.  A whole-file problem raises
    _FileError."""
    from desktop.formats import brat, conll, labelstudio

    opts = opts or ReadOptions()
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise _FileError(f"unsupported file type {ext or '(none)'} (supported: {', '.join(SUPPORTED)})")
    pair = brat_pair(path)
    if ext == ".ann" and pair is None:
        raise _FileError(f"a brat .ann file needs its text beside it ({path.with_suffix('.txt').name})")
    try:
        if pair is not None:
            txt = decode(_read_bytes(pair[0]), opts.encoding)
            ann = decode(_read_bytes(pair[1]), opts.encoding)
            yield from _docs(brat.read(txt, ann, str(pair[1]), pair[0].name))
            return
        raw = decode(_read_bytes(path), opts.encoding)
        name = path.name
        if ext in (".txt",):
            yield Draft(text=raw, source=name)
        elif ext in (".md", ".markdown"):
            title, body = markdown_to_text(raw)
            yield Draft(text=body, title=title, source=name)
        elif ext in (".html", ".htm"):
            title, body = html_to_text(raw)
            yield Draft(text=body, title=title, source=name)
        elif ext == ".jsonl":
            yield from _read_jsonl(raw, str(path))
        elif ext == ".json":
            yield from _docs(labelstudio.read(raw, str(path)))
        elif ext in (".conll", ".iob", ".iob2", ".bio"):
            yield from _docs(conll.read(raw, str(path), name))
        elif ext == ".csv":
            yield from _read_csv(raw, str(path), opts.csv_delimiter)
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


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[tuple[Path, bool]]:
    """(file, explicit) for each path: files as given, folders walked recursively in name order
    (hidden files and folders skipped)."""
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
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


class _Batcher:
    def __init__(self, db: Database, report: ImportReport):
        self.db = db
        self.report = report
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
            for origin in dict.fromkeys(origins):
                self.report.failed.append(ImportFailure(origin, None, f"not saved: {exc}"))


def import_paths(
    db: Database,
    paths: Iterable[str | os.PathLike],
    *,
    detect: bool = True,
    progress: Optional[Progress] = None,
    should_cancel: Optional[Cancel] = None,
    as_suggestions: bool = False,
    text_only: bool = False,
    encoding: Optional[str] = None,
    csv_delimiter: Optional[str] = None,
) -> ImportReport:
    """Import files and folders.  Annotated files (Curate's or doccano's JSONL, Label Studio
    JSON, brat, CoNLL) bring their mentions and relations (see desktop.merging); with
    ``as_suggestions`` every annotation arrives as a suggestion, with ``text_only`` none does.
    Runs detection on the new articles unless `detect` is False."""
    report = ImportReport()
    files = list(iter_files(paths))
    batch = _Batcher(db, report)
    opts = ReadOptions(encoding=encoding, csv_delimiter=csv_delimiter)
    total = len(files)
    brat_seen: set[Path] = set()
    for i, (path, explicit) in enumerate(files):
        if should_cancel and should_cancel():
            report.cancelled = True
            break
        if not explicit and path.suffix.lower() not in SUPPORTED:
            report.skipped += 1
            continue
        pair = brat_pair(path)
        if pair is not None:
            if pair[0] in brat_seen:
                continue
            brat_seen.add(pair[0])
        try:
            for item in read_file(path, opts):
                if isinstance(item, ImportFailure):
                    report.failed.append(item)
                    continue
                if isinstance(item, Doc):
                    _add_doc(db, batch, report, item, str(path), as_suggestions, text_only)
                    continue
                row = prepare(item)
                if row is None:
                    report.failed.append(ImportFailure(str(path), None, "no text"))
                    continue
                batch.add(row, str(path))
        except _FileError as exc:
            report.failed.append(ImportFailure(str(path), exc.line, exc.reason))
        if progress:
            progress(i + 1, total)
    batch.flush()
    if detect and report.article_ids and not report.cancelled:
        from desktop.detection.service import detect_articles

        res = detect_articles(db, report.article_ids, should_cancel=should_cancel)
        report.detected = getattr(res, "added", 0)
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
    for d in drafts:
        row = prepare(d)
        if row is None:
            report.failed.append(ImportFailure(origin, None, "no text"))
        else:
            batch.add(row, origin)
    batch.flush()
    return report
