"""The stored linking keys (table ``link_key``, read by :mod:`desktop.linking.index`), in their
own module because both the linker and a schema migration (5) use them.

The keys are pure functions of the text (:mod:`desktop.language.linkkeys`); a row holds them
with the version they were computed under, and rows of another version are recomputed.  The
SQL is portable: the same code runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Iterable

from sqlmodel import Session

from desktop import models
from desktop.db.bulk import insert_rows

def _link_cols():
    L = models.LinkKey
    return (L.match, L.norm, L.roman, L.phonetic, L.phonetic_base, L.roman_base, L.tokens, L.initials)


_LINK_BATCH = 5000


def _link_row(text: str, k, version: str) -> dict:
    mk, nk, r, pk, pb, rb, toks, ini = k
    return {"text": text, "version": version, "match": mk, "norm": nk, "roman": r, "phonetic": pk,
            "phonetic_base": pb, "roman_base": rb, "tokens": " ".join(toks), "initials": ini}


def _link_keys_of(row) -> tuple:
    mk, nk, r, pk, pb, rb, toks, ini = row
    return (mk, nk, r, pk, pb, rb, tuple(toks.split()) if toks else (), ini)


def load_link_keys(conn, texts: Iterable[str], *, persist: bool) -> dict[str, tuple]:
    """The linking keys of each (non-empty) text: read from ``link_key``, the missing ones
    computed (one transliteration call per script) and, with ``persist``, stored.  ``conn`` is
    a connection inside a transaction (a write transaction with ``persist``)."""
    from sqlalchemy import delete, insert, select

    from desktop.language import linkkeys
    from desktop.language.keys import prime

    LinkKey = models.LinkKey
    wanted = set(texts)
    out: dict[str, tuple] = {}
    ver = linkkeys.key_version()
    stale = False
    for text, version, *cols in conn.execute(select(LinkKey.text, LinkKey.version, *_link_cols())):
        if version != ver:
            stale = True
        elif text in wanted:
            out[text] = _link_keys_of(cols)
    missing = sorted(t for t in wanted if t not in out)
    if missing:
        prime(missing)
    new = []
    for text in missing:
        k = linkkeys.alias_keys(text)
        if k is not None:
            out[text] = k
            new.append(_link_row(text, k, ver))
    if persist and (new or stale):
        if stale:  # their texts, if still wanted, are among the missing and come back in ``new``
            conn.execute(delete(LinkKey).where(LinkKey.version != ver))
        for i in range(0, len(new), _LINK_BATCH):
            conn.execute(insert(LinkKey), new[i:i + _LINK_BATCH])
    return out


def save_link_keys(session: Session, computed: dict[str, tuple]) -> int:
    """Store keys computed already (text -> :func:`desktop.language.linkkeys.alias_keys`) under
    the current version; a text stored meanwhile by another writer is left as it is."""
    from desktop.language import linkkeys

    if not computed:
        return 0
    ver = linkkeys.key_version()
    cols = ["text", "version", "match", "norm", "roman", "phonetic", "phonetic_base", "roman_base", "tokens",
            "initials"]
    rows = [tuple(_link_row(t, k, ver).values()) for t, k in computed.items() if k is not None]
    return insert_rows(session, models.LinkKey.__table__, cols, rows, skip_conflicts=True)


def read_link_keys(conn, texts: Iterable[str]) -> dict[str, tuple]:
    """The stored keys (current version) of those of ``texts`` that have a row; nothing is
    computed (detection reads its surfaces' keys this way, a batch at a time)."""
    from sqlalchemy import select

    from desktop.language import linkkeys

    L = models.LinkKey
    ver = linkkeys.key_version()
    texts = list(texts)
    out: dict[str, tuple] = {}
    for i in range(0, len(texts), 500):
        q = select(L.text, *_link_cols()).where(L.version == ver, L.text.in_(texts[i:i + 500]))
        for text, *cols in conn.execute(q):
            out[text] = _link_keys_of(cols)
    return out


def stored_link_texts(conn) -> set[str]:
    """The texts whose keys are stored under the current version."""
    from sqlalchemy import select

    from desktop.language import linkkeys

    L = models.LinkKey
    return set(conn.execute(select(L.text).where(L.version == linkkeys.key_version())).scalars())


def store_link_keys(conn, texts: Iterable[str]) -> int:
    """Compute and store the keys of the texts that have no row yet (migration 5, seeding the
    starter knowledge base); returns how many were stored."""
    from sqlalchemy import func, select

    count = select(func.count()).select_from(models.LinkKey)
    before = conn.execute(count).scalar() or 0
    load_link_keys(conn, texts, persist=True)
    return (conn.execute(count).scalar() or 0) - before


def kb_texts(conn) -> list[str]:
    """Every alias text and entity name of the knowledge base."""
    from sqlalchemy import select

    names = conn.execute(select(models.Entity.name)).scalars().all()
    return list(dict.fromkeys([*names, *conn.execute(select(models.Alias.text)).scalars().all()]))
