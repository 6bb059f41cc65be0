"""Knowledge-base files: Curate's CSV and JSON (export and import) and Wikidata files (a
query-service result as CSV, TSV or JSON; ``wbgetentities`` JSON; dump lines, read by
:mod:`desktop.formats.wikidata`).

Importing a KB file is an undoable action like any KB edit (:func:`desktop.history.action`),
committed in parts of :data:`KB_IMPORT_BATCH` rows: malformed rows are skipped and reported
with the file name and line number, the rest imports.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from sqlmodel import Session, select

from desktop import fileio
from desktop import text as textmod
from desktop.db import Database
from desktop.errors import CurateError, InputError
from desktop.formats import join_aliases, split_aliases, validate_qid
from desktop.history import action
from desktop.kb import _new_alias
from desktop.language.packs import codes as language_codes
from desktop.models import Alias, Entity, EntityType

CSV_COLUMNS = ["name", "type", "aliases", "external_id", "description"]
JSON_LANGUAGES = language_codes()
_short = textmod.short


@dataclass
class KbImportReport:
    created: int = 0
    updated: int = 0
    aliases_added: int = 0
    failed: list[str] = field(default_factory=list)
    #: a file's description that differs from the entity's (which is kept, never overwritten)
    differences: list[str] = field(default_factory=list)


@dataclass
class _Spec:
    where: str
    name: str
    type: str
    aliases: list[str]
    external_id: Optional[str]
    description: str


def _safe(value: Optional[str]) -> str:
    return fileio.safe_cell(value or "")


def _unsafe(value: Optional[str]) -> str:
    return fileio.unsafe_cell((value or "").strip())


def _atomic_write(path: Path, data: str, encoding: str) -> None:
    try:
        fileio.write_atomic(path, data, encoding=encoding)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None


def _read_text(path: Path) -> str:
    return fileio.read_text(path)


def _sorted_aliases(ent: Entity, als: list[Alias]) -> list[Alias]:
    name_key = textmod.match_key(ent.name)
    return sorted(als, key=lambda a: (a.key != name_key, a.language, a.text))


def _all_entities(s: Session) -> list[tuple[Entity, list[Alias]]]:
    by_ent: dict[int, list[Alias]] = defaultdict(list)
    for a in s.exec(select(Alias).order_by(Alias.id)):
        by_ent[a.entity_id].append(a)
    ents = sorted(s.exec(select(Entity)), key=lambda e: (e.type, e.name, e.external_id or "", e.id))
    return [(e, _sorted_aliases(e, by_ent.get(e.id, []))) for e in ents]


def export_csv(db: Database, path: str | os.PathLike) -> int:
    """Write the KB as CSV (name, type, aliases joined with ``|``, external_id, description):
    UTF-8 with BOM for spreadsheets, formula-safe cells, written atomically.  Returns the
    number of entities."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    with db.session() as s:
        items = _all_entities(s)
    for ent, als in items:
        name_key = textmod.match_key(ent.name)
        alias_texts = [a.text for a in als if a.key != name_key]
        # "|" between aliases; a "|" inside one is written "\|" (desktop.exporting.join_aliases)
        w.writerow([_safe(ent.name), _safe(ent.type), _safe(join_aliases(alias_texts)), _safe(ent.external_id),
                    _safe(ent.description)])
    _atomic_write(Path(path), buf.getvalue(), "utf-8-sig")
    return len(items)


def export_json(db: Database, path: str | os.PathLike) -> int:
    """Write the KB as JSON with aliases grouped by language (``bn``, ``hi``, ``en``, and
    ``other`` when needed).  Returns the number of entities."""
    out = []
    with db.session() as s:
        items = _all_entities(s)
    for ent, als in items:
        groups: dict[str, list[str]] = {lang: [] for lang in JSON_LANGUAGES}
        for a in als:
            lang = a.language if a.language in JSON_LANGUAGES else (textmod.script_of(a.text) or "other")
            groups.setdefault(lang if lang in JSON_LANGUAGES else "other", []).append(a.text)
        out.append({"name": ent.name, "type": ent.type, "external_id": ent.external_id,
                    "description": ent.description, "aliases": groups})
    _atomic_write(Path(path), json.dumps({"entities": out}, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return len(out)


MAX_FIELD = 131_072  # characters in one KB CSV cell (the csv module's default limit)


def _csv_specs(path: Path, report: KbImportReport) -> list[_Spec]:
    raw = _read_text(path)
    csv.field_size_limit(max(len(raw) + 1, MAX_FIELD))
    reader = csv.reader(io.StringIO(raw, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{path}: the file is empty") from None
    except csv.Error as exc:
        raise InputError(f"{path}:1: malformed CSV ({exc})") from None
    cols = [h.strip().lower() for h in header]
    missing = [c for c in ("name", "type") if c not in cols]
    if missing:
        raise InputError(f"{path}:1: missing column(s) {', '.join(missing)} "
                         f"(expected {', '.join(CSV_COLUMNS)})")
    specs = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.failed.append(f"{path}:{reader.line_num}: malformed CSV ({exc})")
            break
        if not any(c.strip() for c in row):
            continue
        where = f"{path}:{reader.line_num}"
        if len(row) > len(cols):
            report.failed.append(f"{where}: {len(row)} cells, the header has {len(cols)}")
            continue
        big = next((i for i, c in enumerate(row) if len(c) > MAX_FIELD), None)
        if big is not None:
            report.failed.append(f"{where}: the {cols[big]} cell has {len(row[big]):,} characters "
                                 f"(at most {MAX_FIELD:,})")
            continue
        cell = dict(zip(cols, row))
        specs.append(_Spec(where, _unsafe(cell.get("name")), _unsafe(cell.get("type")),
                           split_aliases(_unsafe(cell.get("aliases"))),
                           _unsafe(cell.get("external_id")) or None, _unsafe(cell.get("description"))))
    return specs


def _json_specs(path: Path, report: KbImportReport) -> list[_Spec]:
    raw = _read_text(path)
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise InputError(f"{path}: not usable JSON (nested too deeply)") from None
    from desktop.formats import FormatError, loads_checked

    try:
        loads_checked(raw)
    except FormatError as exc:
        raise InputError(f"{path}: {exc.reason}") from None
    items = doc.get("entities") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise InputError(f"{path}: expected {{\"entities\": [...]}}")
    specs = []
    for i, item in enumerate(items, 1):
        where = f"{path}: entity {i}"
        if not isinstance(item, dict):
            report.failed.append(f"{where}: not an object")
            continue
        als = item.get("aliases") or {}
        flat: list[str] = []
        if isinstance(als, dict):
            for v in als.values():
                flat.extend(x for x in (v if isinstance(v, list) else [v]) if isinstance(x, str))
        elif isinstance(als, list):
            flat.extend(x for x in als if isinstance(x, str))
        else:
            report.failed.append(f"{where}: aliases must be an object of lists")
            continue
        specs.append(_Spec(where, str(item.get("name") or ""), str(item.get("type") or ""), flat,
                           (str(item["external_id"]) if item.get("external_id") else None),
                           str(item.get("description") or "")))
    return specs


_TYPE_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


#: Rows of a knowledge-base file written per transaction.  A long import commits in parts, each an
#: undoable action of its own, so the window's and colleagues' actions never wait for the whole
#: file (readers never wait at all: WAL, or PostgreSQL's MVCC).
KB_IMPORT_BATCH = 2000


def _import_specs(db: Database, path: Path, specs: list[_Spec], report: KbImportReport) -> KbImportReport:
    parts = [specs[i:i + KB_IMPORT_BATCH] for i in range(0, len(specs), KB_IMPORT_BATCH)] or [[]]
    for k, part in enumerate(parts, 1):
        summary = f"Import knowledge base {path.name}"
        if len(parts) > 1:
            summary += f" (part {k} of {len(parts)})"
        _import_part(db, summary, part, report)
    return report


def _import_part(db: Database, summary: str, specs: list[_Spec], report: KbImportReport) -> None:
    with action(db, "kb_import", summary) as t:
        s = t.session
        types = {et.name for et in s.exec(select(EntityType))}
        by_qid = {e.external_id: e for e in s.exec(select(Entity).where(Entity.external_id.is_not(None)))}  # type: ignore[union-attr]
        by_name = {(textmod.match_key(e.name), e.type): e for e in s.exec(select(Entity).order_by(Entity.id))
                   if not e.external_id}
        for sp in specs:
            name = textmod.clean_text(sp.name)
            typ = sp.type.strip().upper()
            if not name:
                report.failed.append(f"{sp.where}: no name")
                continue
            if not _TYPE_NAME.match(typ):
                report.failed.append(f"{sp.where}: invalid type ‘{sp.type}’")
                continue
            try:
                qid = validate_qid(sp.external_id)
            except CurateError as exc:
                report.failed.append(f"{sp.where}: {exc}")
                continue
            if typ not in types:
                t.insert(EntityType(name=typ, position=len(types)))
                types.add(typ)
            # by QID first; by name and type only when neither side has a QID, so homonyms with
            # different QIDs stay separate entities
            if qid:
                ent = by_qid.get(qid)
            else:
                ent = by_name.get((textmod.match_key(name), typ))
                if ent is not None and ent.external_id:
                    ent = None
            if ent is not None and ent.type != typ:
                report.failed.append(f"{sp.where}: {qid} is the {ent.type} ‘{ent.name}’, not a {typ}")
                continue
            desc = sp.description.strip()
            if ent is None:
                ent = t.insert(Entity(name=name, type=typ, external_id=qid, description=desc))  # type: ignore[assignment]
                report.created += 1
                if qid:
                    by_qid[qid] = ent
                if not qid:
                    by_name[(textmod.match_key(name), typ)] = ent
            else:
                fields = {}
                if qid and not ent.external_id:
                    fields["external_id"] = qid
                    by_qid[qid] = ent
                if desc and not ent.description:
                    fields["description"] = desc
                elif desc and desc != ent.description:
                    report.differences.append(f"{sp.where}: ‘{ent.name}’ keeps its description "
                                              f"‘{_short(ent.description)}’ (the file says ‘{_short(desc)}’)")
                if fields:
                    t.update(ent, **fields)
                    report.updated += 1
            for a in [name, *sp.aliases]:
                if _new_alias(t, ent.id, a, "import") is not None:
                    report.aliases_added += 1


def import_csv(db: Database, path: str | os.PathLike) -> KbImportReport:
    """Import a KB CSV (see :func:`export_csv`).  A known entity (same external id, else same
    name and type) gains the file's new aliases and a description or external id it lacks;
    others are created; unknown types are added.  Malformed rows are skipped and listed in
    ``failed`` as ``file:line: reason``; the rest is imported as one undoable action.
    Importing the same file twice changes nothing."""
    path = Path(path)
    report = KbImportReport()
    specs = _csv_specs(path, report)
    return _import_specs(db, path, specs, report)


def import_json(db: Database, path: str | os.PathLike) -> KbImportReport:
    """Import a KB JSON file (see :func:`export_json`); same rules as :func:`import_csv`."""
    path = Path(path)
    report = KbImportReport()
    specs = _json_specs(path, report)
    return _import_specs(db, path, specs, report)


def import_file(db: Database, path: str | os.PathLike, *, type: Optional[str] = None) -> KbImportReport:
    """Import any KB file: Curate's CSV or JSON, or a Wikidata file (a query-service result as
    CSV, TSV or JSON; ``wbgetentities`` JSON; dump lines), told apart by extension and content
    (see desktop.formats.wikidata).  ``type`` is the type of a Wikidata file's rows without one."""
    from desktop.formats import FormatError, loads_checked
    from desktop.formats import wikidata as wd

    path = Path(path)
    report = KbImportReport()
    raw = _read_text(path)
    ext = path.suffix.lower()
    rows = None
    if ext in (".csv", ".tsv"):
        first = raw.split("\n", 1)[0]
        delim = "\t" if ext == ".tsv" or ("\t" in first and "," not in first) else ","
        if wd.is_sparql_header(next(csv.reader([first], delimiter=delim), [])):
            rows = wd.sparql_table(raw, str(path), delim, type)
        elif ext == ".csv":
            return import_csv(db, path)
        else:
            raise InputError(f"{path}: a TSV file needs an item column (a Wikidata query result)")
    elif ext in (".json", ".jsonl", ".ndjson"):
        if wd.looks_like_dump(raw) or ext != ".json":
            rows = wd.dump_lines(raw, str(path), type)
        else:
            try:
                doc = loads_checked(raw)
            except FormatError as exc:
                raise InputError(f"{path}: {exc.reason}") from None
            if isinstance(doc, dict) and isinstance(doc.get("results"), dict):
                rows = wd.sparql_json(doc, str(path), type)
            elif isinstance(doc, dict) and isinstance(doc.get("entities"), dict):
                rows = wd.wbgetentities(doc, str(path), type)
            else:
                return import_json(db, path)
    else:
        raise InputError(f"{path}: not a knowledge-base file (.csv, .tsv or .json)")
    specs = []
    for r in rows:
        if len(r) == 2:
            report.failed.append(f"{r[0]}: {r[1]}")
        else:
            w, name, typ, als, qid, desc = r
            specs.append(_Spec(w, name, typ, als, qid or None, desc))
    return _import_specs(db, path, specs, report)
