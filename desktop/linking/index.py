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

Schema migration 5 (:mod:`desktop.db`) fills the table of an existing database.
"""

from __future__ import annotations

import gc
import hashlib
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from sqlalchemy import delete, insert, select
from sqlalchemy import func

from desktop.language import keys
from desktop.language.packs import pack_rows
from desktop.models import Alias, Entity, History, LinkKey
from desktop.text import match_key

#: bump when the meaning of a stored column changes without keys.py changing
KEYS_FORMAT = "1"

# -- the keys of one text --------------------------------------------------------------------------


@lru_cache(maxsize=262144)
def alias_keys(text: str):
    """Every key of one alias: (match key, normalised key, romanisation, phonetic key, phonetic
    key without a number, its romanisation, name-word keys, initials), or None for an empty
    alias."""
    mk = match_key(text)
    if not mk:
        return None
    r = keys.roman(text)
    pk = keys.phonetic_key(text)
    base, num = keys.split_number(text)
    pb = keys.phonetic_key(base) if num else pk
    rb = keys.roman(base) if pb else ""
    ini = initials(text)
    return (mk, keys.norm_key(text), r, pk, pb, rb, name_tokens(text), ini if len(ini) >= 2 else "")


#: words left out of a name's initials (``initials_skip`` in the language packs' words.tsv)
_SMALL_WORDS = frozenset(r[2].lower() for r in pack_rows("words.tsv") if r[0] == "initials_skip" and len(r) > 2)


@lru_cache(maxsize=65536)
def initials(surface: str) -> str:
    """Initials of a Latin name of two words or more (small words such as *of* skipped):
    ``SCO`` for Shanghai Cooperation Organisation; '' otherwise."""
    words = [w for w in re.split(r"[\s\-]+", surface) if w]
    if len(words) < 2 or not all(w.isascii() for w in words):
        return ""
    return "".join(w[0].upper() for w in words if w.lower() not in _SMALL_WORDS and w[0].isalpha())


_TITLES: Optional[tuple[frozenset[str], frozenset[str]]] = None


def _titles() -> tuple[frozenset[str], frozenset[str]]:
    """(phonetic keys, written words) of the words of titles and ranks
    (``titles.tsv`` of every language pack).  A title word whose phonetic key is one letter (ডঃ,
    डॉ. → "d") is known by its written form only: the key alone would also drop surnames such as
    দে or Dey."""
    global _TITLES
    if _TITLES is None:
        phon, written = set(), set()
        for row in pack_rows("titles.tsv"):
            if len(row) >= 2:
                for tok in keys.tokens(row[1]):
                    pk = keys.phonetic_key(tok)
                    if len(pk) >= 2:
                        phon.add(pk)
                    elif pk:
                        written.add(tok)
        _TITLES = (frozenset(phon), frozenset(written))
    return _TITLES


def title_keys() -> frozenset[str]:
    """Phonetic keys of the words of titles and ranks (two letters or more)."""
    return _titles()[0]


@lru_cache(maxsize=65536)
def name_tokens(surface: str) -> tuple[str, ...]:
    """Phonetic keys of the words of a surface that are not titles."""
    phon, written = _titles()
    out = []
    for tok in keys.tokens(surface):
        pk = keys.phonetic_key(tok)
        if pk and pk not in phon and tok not in written:
            out.append(pk)
    return tuple(out)


# -- the stored keys -------------------------------------------------------------------------------

_VERSION: Optional[str] = None


def key_version() -> str:
    """A digest of what the keys depend on: the key code, the title words and the words left
    out of initials (language packs), the transliteration library's version."""
    global _VERSION
    if _VERSION is None:
        h = hashlib.sha1(KEYS_FORMAT.encode())
        for path in (Path(keys.__file__), Path(__file__)):
            try:
                h.update(path.read_bytes())
            except OSError:  # a frozen bundle without sources: its version stands for them
                from desktop import __version__

                h.update(__version__.encode())
        h.update(repr(sorted(_titles()[0]) + sorted(_titles()[1]) + sorted(_SMALL_WORDS)).encode())
        try:
            from importlib.metadata import version

            h.update(version("indic-transliteration").encode())
        except Exception:  # noqa: BLE001 - no metadata in a bundle: the code digest stands
            pass
        _VERSION = h.hexdigest()[:16]
    return _VERSION


_COLS = (LinkKey.match, LinkKey.norm, LinkKey.roman, LinkKey.phonetic, LinkKey.phonetic_base,
         LinkKey.roman_base, LinkKey.tokens, LinkKey.initials)
_INSERT_BATCH = 5000


def _row(text: str, k) -> dict:
    mk, nk, r, pk, pb, rb, toks, ini = k
    return {"text": text, "version": key_version(), "match": mk, "norm": nk, "roman": r, "phonetic": pk,
            "phonetic_base": pb, "roman_base": rb, "tokens": " ".join(toks), "initials": ini}


def _from_row(row) -> tuple:
    mk, nk, r, pk, pb, rb, toks, ini = row
    return (mk, nk, r, pk, pb, rb, tuple(toks.split()) if toks else (), ini)


def load_keys(conn, texts: Iterable[str], *, persist: bool) -> dict[str, tuple]:
    """The keys of each (non-empty) text: read from ``link_key``, the missing ones computed (in
    one transliteration call per script) and, with ``persist``, stored.  ``conn`` is a Core
    connection inside a transaction."""
    wanted = set(texts)
    out: dict[str, tuple] = {}
    ver = key_version()
    stale = False
    for text, version, *cols in conn.execute(select(LinkKey.text, LinkKey.version, *_COLS)):
        if version != ver:
            stale = True
        elif text in wanted:
            out[text] = _from_row(cols)
    missing = sorted(t for t in wanted if t not in out)
    if missing:
        keys.prime(missing)
    new = []
    for text in missing:
        k = alias_keys(text)
        if k is not None:
            out[text] = k
            new.append(_row(text, k))
    if persist and (new or stale):
        if stale:  # their texts, if still wanted, are among the missing and come back in ``new``
            conn.execute(delete(LinkKey).where(LinkKey.version != ver))
        for i in range(0, len(new), _INSERT_BATCH):
            conn.execute(insert(LinkKey), new[i:i + _INSERT_BATCH])
    return out


def store_keys(conn, texts: Iterable[str]) -> int:
    """Compute and store the keys of the texts that have no row yet (migration 5, seeding the
    starter knowledge base); returns how many were stored."""
    before = conn.execute(select(func.count()).select_from(LinkKey)).scalar() or 0
    load_keys(conn, texts, persist=True)
    return (conn.execute(select(func.count()).select_from(LinkKey)).scalar() or 0) - before


def kb_texts(conn) -> list[str]:
    """Every alias text and entity name of the knowledge base."""
    names = conn.execute(select(Entity.name)).scalars().all()
    return list(dict.fromkeys([*names, *conn.execute(select(Alias.text)).scalars().all()]))


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


def _build(conn, signature: tuple, persist: bool) -> Index:
    idx = Index(signature=signature)
    was = gc.isenabled()
    gc.disable()  # ~10 small objects an alias and no cycles: the collector's passes are pure cost
    try:
        entities = conn.execute(select(Entity.id, Entity.name, Entity.type, Entity.external_id)
                                .order_by(Entity.id)).all()
        aliases = conn.execute(select(Alias.entity_id, Alias.text).order_by(Alias.id)).all()
        known = load_keys(conn, [e[1] for e in entities] + [a[1] for a in aliases], persist=persist)
        for eid, name, type_, qid in entities:
            idx.entities[eid] = (name, type_, qid)
            if name in known:
                idx.add(eid, type_, name, known[name])
        for eid, text in aliases:
            ent = idx.entities.get(eid)
            if ent is not None and text in known:
                idx.add(eid, ent[1], text, known[text])
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
    idx = _build(conn, sig, persist)
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
