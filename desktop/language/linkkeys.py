"""The linking keys of one text: every key :mod:`desktop.linking` looks an alias or a mention up
by (match key, normalised key, romanisation, phonetic key with and without a trailing number,
name-word keys without titles, initials), and the version they are computed under.

Pure functions of the text and of the language packs' data; the linking index stores them in
the ``link_key`` table (:mod:`desktop.linking.index`) and schema migration 5 fills it, which is
why they live at this layer (the database module may use them).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

from desktop.language import keys
from desktop.language.fold import match_key
from desktop.language.packs import pack_rows

#: bump when the meaning of a stored key changes without the code below or keys.py changing
KEYS_FORMAT = "1"

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
        # the title rows themselves, not their keys: the keys follow from them and the code
        # above, and computing them would load the transliteration library for nothing
        h.update(repr(sorted(tuple(r) for r in pack_rows("titles.tsv")) + sorted(_SMALL_WORDS)).encode())
        try:
            from importlib.metadata import version

            h.update(version("indic-transliteration").encode())
        except Exception:  # noqa: BLE001 - no metadata in a bundle: the code digest stands
            pass
        _VERSION = h.hexdigest()[:16]
    return _VERSION
