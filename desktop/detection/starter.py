"""The starter knowledge base: the bundled entities of ``resources/gazetteer`` (each with aliases in
every language it has, sources in ``SOURCES.md``) loaded into a database as entities and aliases
of source ``gazetteer``."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import insert
from sqlmodel import select

from desktop.db import Database, store_link_keys
from desktop.language.data import read_rows
from desktop.models import Alias, Entity
from desktop.paths import resource
from desktop.text import match_key, script_of

#: bundled entity files (id, type, qid, language, alias)
ENTITY_FILES = ("countries.tsv", "places.tsv", "geonames.tsv", "regions.tsv", "organisations.tsv", "people.tsv")


def gazetteer_dir():
    """The starter knowledge base (entities with aliases in every language; the languages' own
    word lists are in ``resources/languages/``)."""
    return resource("gazetteer")


def bundled_entities() -> dict[str, dict]:
    """Starter entities from ``resources/gazetteer``: id -> {type, qid, name, aliases}."""
    out: dict[str, dict] = {}
    for name in ENTITY_FILES:
        for row in read_rows(gazetteer_dir() / name):
            if len(row) < 5 or not row[4]:
                continue
            ident, typ, qid, lang, alias = row[:5]
            ent = out.setdefault(ident, {"type": typ, "qid": qid or None, "name": None, "aliases": []})
            if lang == "en" and ent["name"] is None:
                ent["name"] = alias
            if alias not in ent["aliases"]:
                ent["aliases"].append(alias)
    for ent in out.values():
        ent["name"] = ent["name"] or ent["aliases"][0]
    return out


def seed_knowledge_base(db: Database) -> int:
    """Load the bundled starter gazetteer into the KB as Entity + Alias(source="gazetteer").
    Idempotent: an entity is found again by its QID, else by name and type; only missing aliases
    are added.  Returns the number of entities created."""
    created = 0
    with db.transaction() as s:
        by_qid = {e.external_id: e for e in s.exec(select(Entity).where(Entity.external_id.is_not(None)))}
        by_name = {(e.name, e.type): e for e in s.exec(select(Entity))}
        keys: dict[int, set[str]] = defaultdict(set)
        for a in s.exec(select(Alias)):
            keys[a.entity_id].add(a.key)
        new_aliases = []
        for ident, spec in bundled_entities().items():
            ent = (by_qid.get(spec["qid"]) if spec["qid"] else None) or by_name.get((spec["name"], spec["type"]))
            if ent is None:
                ent = Entity(name=spec["name"], type=spec["type"], external_id=spec["qid"],
                             description=f"starter gazetteer ({ident})")
                s.add(ent)
                s.flush()
                created += 1
                by_name[(ent.name, ent.type)] = ent
            for alias in spec["aliases"]:
                k = match_key(alias)
                if k not in keys[ent.id]:
                    keys[ent.id].add(k)
                    new_aliases.append(dict(entity_id=ent.id, text=alias, key=k, language=script_of(alias),
                                            source="gazetteer"))
        if new_aliases:
            s.execute(insert(Alias), new_aliases)
            # their linking keys, stored now: the first linking loads them instead
            store_link_keys(s.connection(), [*(n for n, _ in by_name), *(a["text"] for a in new_aliases)])
    return created
