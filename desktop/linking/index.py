"""The linking index: every alias and entity name of the knowledge base under each of its keys
(:mod:`desktop.language.keys`), held in memory and rebuilt when the knowledge base changes.

The keys of a text (romanisation, phonetic skeleton, name words...) cost ~0.2 ms each, mostly
in transliteration: 50,000 aliases took seconds in every process.  They are a pure function of
the text, so they are stored once in the ``link_key`` table (one row per distinct text, with the
:func:`key_version` they were computed under) and loaded from there:

* a text without a row of the current version is computed, and stored when the caller may write
  (``persist=True``: detection and auto-linking, which hold a write transaction; the link panel
  only reads and keeps what it computed in memory);
* a change to the key code, to the title list or to the transliteration library changes the
  version, and every row is recomputed on the next build that may write;
* a knowledge-base change adds only the rows of its new texts; rows of texts no longer used are
  harmless and are dropped when the version changes.

The keys of one text are :mod:`desktop.language.linkkeys`; reading and writing the table is
:func:`desktop.db.load_link_keys`; schema migration 5 fills it in an existing database.
"""

from __future__ import annotations

import gc
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy import func, select

from desktop.db import kb_texts, load_link_keys, store_link_keys  # noqa: F401 - the stored keys
from desktop.language.linkkeys import (  # noqa: F401 - the keys of one text, re-exported
    _titles, alias_keys, initials, key_version, name_tokens, title_keys)
from desktop.models import Alias, Entity, History

# -- the stored keys -------------------------------------------------------------------------------

# -- the in-memory index ---------------------------------------------------------------------------


@dataclass
class Index:
    signature: tuple = ()
    entities: dict[int, tuple[str, str, Optional[str]]] = field(default_factory=dict)  # id -> name, type, qid
    exact: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    norm: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    phon: dict[tuple[str, str], list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    phon_base: dict[tuple[str, str], list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    tokens: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    fuzzy_choices: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    fuzzy_ids: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    acronyms: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    keys_of: dict[str, tuple] = field(default_factory=dict)  # text -> its keys (alias_keys)
    alias_count: int = 0

    def add(self, eid: int, type_: str, text: str, k=None) -> None:
        k = alias_keys(text) if k is None else k
        if k is None:
            return
        self.keys_of.setdefault(text, k)
        mk, nk, r, pk, pb, rb, toks, ini = k
        self.alias_count += 1
        self.exact[(type_, mk)].add(eid)
        if nk:
            self.norm[(type_, nk)].add(eid)
        if pk:
            self.phon[(type_, pk)].append((eid, r))
        if pb:
            self.phon_base[(type_, pb)].append((eid, rb))
        for tp in toks:
            self.tokens[(type_, tp)].add(eid)
        if ini:
            self.acronyms[(type_, ini)].add(eid)
        if r:
            self.fuzzy_choices[type_].append(r)
            self.fuzzy_ids[type_].append(eid)


_CACHE: dict[str, Index] = {}
_CACHE_SIZE = 4
_LOCK = threading.Lock()


def _signature(s) -> tuple:
    """The knowledge base's fingerprint and the latest history row (every knowledge-base edit,
    such as an alias changed in place, records one)."""
    from desktop.queries import kb_signature

    return kb_signature(s) + (s.exec(select(func.max(History.id))).one(),)


#: the in-memory layout of :class:`Index` (a change here makes the pickles of the old one unused)
FORMAT = "1"


def _digest(entities, aliases) -> str:
    """The name of the index built from these rows under the current keys and code."""
    import hashlib

    h = hashlib.sha1(_code().encode())
    h.update(repr(entities).encode())
    h.update(repr(aliases).encode())
    return h.hexdigest()[:24]


_CODE: Optional[str] = None


def _code() -> str:
    """What the index is made with besides its rows: the key version, this module's code (how
    the index is made from the keys), the Python version (the pickle format)."""
    global _CODE
    if _CODE is None:
        import hashlib
        import sys
        from pathlib import Path

        h = hashlib.sha1(f"{FORMAT}|{sys.version}|{key_version()}".encode())
        try:
            h.update(Path(__file__).read_bytes())
        except OSError:  # a frozen bundle without sources: its version stands for them
            from desktop import __version__

            h.update(__version__.encode())
        _CODE = h.hexdigest()
    return _CODE


def _stale_keys(conn) -> bool:
    """Stored keys of another version are left (their texts are recomputed on a build that may
    write, so the table is whole again)."""
    from desktop.models import LinkKey

    return conn.execute(select(LinkKey.text).where(LinkKey.version != key_version()).limit(1)).first() is not None


def _build(conn, signature: tuple, persist: bool, db_key: str) -> Index:
    """The index of the knowledge base: loaded from the per-user cache when one was built from
    the same entities and aliases (:mod:`desktop.pickles`, named by their digest; loading is a
    third of building from the stored keys), else built from the stored keys and cached."""
    from desktop import pickles

    was = gc.isenabled()
    gc.disable()  # ~10 small objects an alias and no cycles: the collector's passes are pure cost
    try:
        # a new process: the index this database built in this state, if any (naming it by
        # content means reading every alias, a third of the cost of loading it)
        known_key = pickles.named("linking", _code(), db_key, signature)
        if known_key is not None:
            idx = pickles.load("linking", known_key)
            if isinstance(idx, Index) and not (persist and _stale_keys(conn)):
                idx.signature = signature
                return idx
        entities = [tuple(e) for e in conn.execute(select(Entity.id, Entity.name, Entity.type, Entity.external_id)
                                                   .order_by(Entity.id))]
        aliases = [tuple(a) for a in conn.execute(select(Alias.entity_id, Alias.text).order_by(Alias.id))]
        key = _digest(entities, aliases)
        idx = pickles.load("linking", key)
        if isinstance(idx, Index) and not (persist and _stale_keys(conn)):
            idx.signature = signature
            pickles.name("linking", _code(), db_key, signature, key)
            return idx
        idx = Index(signature=signature)
        known = load_link_keys(conn, [e[1] for e in entities] + [a[1] for a in aliases], persist=persist)
        for eid, name, type_, qid in entities:
            idx.entities[eid] = (name, type_, qid)
            if name in known:
                idx.add(eid, type_, name, known[name])
        for eid, text in aliases:
            ent = idx.entities.get(eid)
            if ent is not None and text in known:
                idx.add(eid, ent[1], text, known[text])
        pickles.store("linking", key, idx)
        pickles.name("linking", _code(), db_key, signature, key)
    finally:
        if was:
            gc.enable()
    return idx


def index_for(s, db_key: str, *, persist: bool = False) -> Index:
    """The index of the session's database, rebuilt when its knowledge base changed.  With
    ``persist`` (the session holds a write transaction), keys computed are stored."""
    conn = s.connection()
    sig = _signature(s)
    with _LOCK:
        idx = _CACHE.get(db_key)
        if idx is not None and idx.signature == sig:
            return idx
    idx = _build(conn, sig, persist, db_key)
    with _LOCK:
        _CACHE.pop(db_key, None)
        _CACHE[db_key] = idx
        while len(_CACHE) > _CACHE_SIZE:  # keep the most recently built (one database in the app)
            _CACHE.pop(next(iter(_CACHE)))
    return idx


def invalidate() -> None:
    """Forget every cached index (the next ranking rebuilds it)."""
    with _LOCK:
        _CACHE.clear()
