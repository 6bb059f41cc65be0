"""Bringing annotated articles into the database: one article, one transaction.

An article already in the database (same cleaned text) takes the file's annotations as a merge:
an identical mention changes nothing; a new one is added; a suggestion the file confirms or
rejects takes the file's decision; a disagreement with a curator's decision (the database says
rejected or confirmed, or another type, at that span) is never overwritten: it is counted and
listed as a conflict.  Each bad annotation is reported with its place and skipped; the article
and its other annotations still import.  Confirmed, linked mentions teach the way a curator's
confirmation does (:func:`desktop.curation._learn_alias`).  The mentions and relations one
article gains are one history action, so they can be undone.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Optional

from sqlmodel import select

from desktop import text as textmod
from desktop.curation import _case_endings, _fold, _learn_alias, _validate_span
from desktop.db import Database
from desktop.errors import CurateError
from desktop.formats import Doc, Span, map_label, validate_qid
from desktop.history import Tracker
from desktop.models import Alias, Article, Entity, EntityType, Mention, Relation, RelationType


@dataclass
class MergeResult:
    article_id: Optional[int] = None
    new_article: bool = False
    mentions: int = 0
    relations: int = 0
    duplicates: int = 0
    conflicts: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)
    new_types: set[str] = field(default_factory=set)


def offset_map(raw: str, offsets: set[int]) -> tuple[str, dict[int, int]]:
    """The cleaned text (desktop.text.clean_text) and where each raw offset lands in it."""
    body = textmod.clean_text(raw)
    if body == raw:
        return body, {o: o for o in offsets}
    pre = raw.lstrip("\ufeff")
    shift0 = len(raw) - len(pre)

    def clean(seg: str) -> str:
        return unicodedata.normalize("NFC", textmod._CONTROL.sub("", textmod._NEWLINES.sub("\n", seg)))

    unstripped = clean(pre)
    lead = len(unstripped) - len(unstripped.lstrip())
    out, pos, acc = {}, 0, 0
    for o in sorted(offsets):
        r = max(0, o - shift0)
        acc += len(clean(pre[pos:r])) if r > pos else 0
        pos = max(pos, r)
        out[o] = min(max(0, acc - lead), len(body))
    return body, out


def _same(a: str, b: str) -> bool:
    return a == b or unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b)


class _Linker:
    """Entities by QID, then by name or alias of the same type; creates what is missing."""

    def __init__(self, t: Tracker):
        self.t = t

    def resolve(self, ref, typ: str) -> Optional[int]:
        s = self.t.session
        try:
            qid = validate_qid(ref.qid) if ref.qid else None
        except CurateError:
            qid = None
        if qid:
            e = s.exec(select(Entity).where(Entity.external_id == qid)).first()
            if e is not None:
                return e.id if e.type == typ else None
        name = textmod.clean_text(ref.name or "")
        if name:
            key = textmod.match_key(name)
            q = select(Entity).where(Entity.type == typ)
            for e in s.exec(q.where(Entity.name == name)):
                if not qid or not e.external_id:
                    return self._fill(e, qid)
            hit = s.exec(select(Entity).join(Alias, Alias.entity_id == Entity.id)
                         .where(Alias.key == key, Entity.type == typ)).first()
            if hit is not None and (not qid or not hit.external_id):
                return self._fill(hit, qid)
        if not name:
            return None
        e = self.t.insert(Entity(name=name, type=typ, external_id=qid, description=ref.description or ""))
        seen = set()
        for a in [name, *ref.aliases]:
            a = textmod.clean_text(a)
            key = textmod.match_key(a)
            if key and key not in seen:
                seen.add(key)
                self.t.insert(Alias(entity_id=e.id, text=a, key=key, language=textmod.script_of(a), source="import"))
        return e.id

    def _fill(self, e: Entity, qid: Optional[str]) -> int:
        if qid and not e.external_id:
            self.t.update(e, external_id=qid)
        return e.id  # type: ignore[return-value]


def merge_doc(db: Database, doc: Doc, row: dict, *, as_suggestions: bool = False) -> MergeResult:
    """Insert or merge one annotated article (``row``: article values from importing.prepare
    of the same text)."""
    res = MergeResult()
    raw = doc.text
    offs = {o for sp in doc.spans for o in (sp.start, sp.end) if isinstance(o, int)}
    body, where = offset_map(raw, offs)
    with db.transaction() as s:
        art = s.exec(select(Article).where(Article.content_hash == row["content_hash"])).first()
        if art is None:
            art = Article(**row)
            if doc.status:
                art.status = doc.status
            s.add(art)
            s.flush()
            res.new_article = True
        res.article_id = art.id
        t = Tracker(s)
        bounds = set(textmod.grapheme_boundaries(art.text))
        types = {et.name for et in s.exec(select(EntityType))}
        existing = list(s.exec(select(Mention).where(Mention.article_id == art.id)))
        by_key: dict[str, Mention] = {}
        placed: list[tuple[int, int, str, str]] = []  # accepted spans of this file
        linker = _Linker(t)
        for sp in doc.spans:  # in file order: of two overlapping spans of one type, the first stays
            reason = _check(raw, sp)
            if reason:
                res.failed.append((sp.where, reason))
                continue
            start, end = where[sp.start], where[sp.end]
            if start >= end:
                res.failed.append((sp.where, "the span is empty once the text is cleaned"))
                continue
            # as curation._validate_span, with the article's cluster boundaries computed once: a span
            # is widened to whole clusters, except an end before a case ending (কাজাখস্তান|ের)
            if start not in bounds or (end not in bounds and not textmod.is_suffix_boundary(
                    art.text, end, _case_endings(), key=_fold)):
                start, end = _validate_span(art, start, end)
            typ = map_label(sp.label)
            if not typ.replace("_", "").isalnum():
                res.failed.append((sp.where, f"label ‘{sp.label}’ cannot be an entity type"))
                continue
            clash = next((p for p in placed if p[2] == typ and p[0] < end and start < p[1]
                          and (p[0], p[1]) != (start, end)), None)
            if clash:
                res.failed.append((sp.where, f"overlaps the {typ} span ‘{body[clash[0]:clash[1]]}’ ({clash[3]})"))
                continue
            placed.append((start, end, typ, sp.where))
            if typ not in types:
                t.insert(EntityType(name=typ, position=len(types)))
                types.add(typ)
                res.new_types.add(typ)
            status = "suggested" if as_suggestions else (sp.status or "confirmed")
            m = _merge_mention(t, art, existing, start, end, typ, status, sp, res)
            if m is None:
                continue
            if sp.key:
                by_key[sp.key] = m
            if sp.entity and m.entity_id is None:
                ent_id = linker.resolve(sp.entity, typ)
                if ent_id is not None:
                    t.update(m, entity_id=ent_id)
            _learn_alias(t, m)
        rtypes = {rt.name for rt in s.exec(select(RelationType))}
        for r in doc.relations:
            h, tl = by_key.get(r.head), by_key.get(r.tail)
            if h is None or tl is None:
                res.failed.append((r.where, f"relation {r.type} to a missing span {r.head if h is None else r.tail}"))
                continue
            if h.id == tl.id:
                res.failed.append((r.where, "a relation needs two different mentions"))
                continue
            if s.exec(select(Relation).where(Relation.head_mention_id == h.id, Relation.tail_mention_id == tl.id,
                                             Relation.type == r.type)).first():
                res.duplicates += 1
                continue
            if r.type not in rtypes:
                t.insert(RelationType(name=r.type, description="from an imported file"))
                rtypes.add(r.type)
            t.insert(Relation(article_id=art.id, type=r.type, head_mention_id=h.id, tail_mention_id=tl.id))
            res.relations += 1
        if t.changes:
            title = art.title if len(art.title) <= 40 else art.title[:39] + "…"
            t.record("import", f"Import annotations of ‘{title}’", art.id)
    return res


def _check(raw: str, sp: Span) -> Optional[str]:
    if not (isinstance(sp.start, int) and isinstance(sp.end, int)):
        return "offsets are not integers"
    if sp.start >= sp.end:
        return f"start {sp.start} is not before end {sp.end}"
    if sp.start < 0 or sp.end > len(raw):
        return f"span {sp.start}-{sp.end} is outside the text (length {len(raw)})"
    if sp.surface is not None and not _same(raw[sp.start:sp.end], sp.surface) \
            and not _same(raw[sp.start:sp.end].strip(), sp.surface.strip()):
        return f"the file's text ‘{sp.surface[:40]}’ differs from the article's ‘{raw[sp.start:sp.end][:40]}’ there"
    return None


def _merge_mention(t: Tracker, art: Article, existing: list[Mention], start: int, end: int, typ: str,
                   status: str, sp: Span, res: MergeResult) -> Optional[Mention]:
    here = [m for m in existing if m.start == start and m.end == end]
    same = next((m for m in here if m.type == typ), None)
    decided_other = next((m for m in here if m.type != typ and m.status == "confirmed"), None)
    surface = art.text[start:end]
    if same is not None:
        if same.status == status or status == "suggested":
            res.duplicates += 1
            return same
        if same.status == "suggested":
            t.update(same, status=status)
            res.mentions += 1
            return same
        res.conflicts.append(f"{sp.where}: ‘{surface}’ is {status} {typ} in the file, {same.status} in the database")
        return None
    if decided_other is not None and status == "confirmed":
        res.conflicts.append(f"{sp.where}: ‘{surface}’ is {typ} in the file, confirmed {decided_other.type} "
                             "in the database")
        return None
    m = t.insert(Mention(article_id=art.id, start=start, end=end, text=surface, type=typ, status=status,
                         source=sp.source if sp.source in ("gazetteer", "rule", "learned", "manual", "import")
                         else "import",
                         confidence=sp.confidence if sp.confidence is not None else 1.0, value=sp.value))
    existing.append(m)  # type: ignore[arg-type]
    res.mentions += 1
    return m  # type: ignore[return-value]
