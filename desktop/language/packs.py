"""Language packs: everything Curate knows about one language, found by folder.

A pack is a folder ``resources/languages/<code>/`` with a ``language.toml``::

    code = "bn"
    name = "Bengali"
    script = "bengali"            # a key of desktop.language.scripts.SCRIPTS
    transliteration = "bengali"   # an indic_transliteration (sanscript) scheme, or ""
    order = 1                     # place in menus and lists

and its word lists beside it (``titles.tsv``, ``months.tsv``, ``stopwords.txt``,
``suffixes.tsv``…; ``resources/languages/SOURCES.md`` says what each holds and where it comes
from).  Every list is optional: a pack without ``suffixes.tsv`` has no case endings.  The
detector merges the packs' lists into one :class:`~desktop.language.lexicon.Lexicon`, so a new
language is a new folder (and, for a new script, one entry in
:data:`desktop.language.scripts.SCRIPTS`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from desktop.language.data import read_rows
from desktop.language.scripts import SCRIPTS
from desktop.paths import resource

#: what an article is tagged when no one language's script dominates it
MIXED = "mixed"


class PackError(ValueError):
    """A language pack folder that cannot be read (names the folder and the reason)."""


@dataclass(frozen=True)
class LanguagePack:
    code: str
    name: str
    script: str
    transliteration: str
    folder: Path
    order: int = 100

    @classmethod
    def load(cls, folder: Path) -> "LanguagePack":
        folder = Path(folder)
        meta_path = folder / "language.toml"
        try:
            meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise PackError(f"{meta_path}: cannot read the language pack ({exc})") from None
        code, script = str(meta.get("code", "")), str(meta.get("script", ""))
        if not code or code == MIXED:
            raise PackError(f"{meta_path}: 'code' must be a language code such as \"bn\"")
        if script not in SCRIPTS:
            raise PackError(f"{meta_path}: unknown script {script!r} (one of {', '.join(SCRIPTS)})")
        return cls(code, str(meta.get("name", code)), script, str(meta.get("transliteration", "")),
                   folder, int(meta.get("order", 100)))

    def rows(self, name: str) -> list[list[str]]:
        """The rows of one of the pack's lists ([] when the pack has none)."""
        return read_rows(self.folder / name)


def languages_dir() -> Path:
    return resource("languages")


def discover(root: Path) -> tuple[LanguagePack, ...]:
    """The packs in the sub-folders of ``root`` that have a ``language.toml``, in menu order."""
    found = [LanguagePack.load(p.parent) for p in sorted(Path(root).glob("*/language.toml"))]
    return tuple(sorted(found, key=lambda p: (p.order, p.code)))


@lru_cache(maxsize=1)
def available() -> tuple[LanguagePack, ...]:
    """The bundled packs (``resources/languages/``)."""
    return discover(languages_dir())


def codes() -> tuple[str, ...]:
    """Language codes of the bundled packs: ``("bn", "hi", "en")``."""
    return tuple(p.code for p in available())


def names() -> dict[str, str]:
    """Code -> English name of the bundled packs."""
    return {p.code: p.name for p in available()}


def article_languages() -> tuple[str, ...]:
    """What an article's language can be: a pack's code or ``mixed``."""
    return (*codes(), MIXED)


def pack_rows(name: str, packs: "tuple[LanguagePack, ...] | None" = None) -> list[list[str]]:
    """The rows of one list over all packs, pack after pack."""
    out: list[list[str]] = []
    for p in available() if packs is None else packs:
        out += p.rows(name)
    return out
