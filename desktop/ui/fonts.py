"""Bundled fonts: Bengali and Devanagari must render on a machine that has no Indic fonts.

Every .ttf/.otf under ``resources/fonts`` is registered with Qt at start-up; the text pane then
asks for a family list (Latin first, then the Indic families) so Qt picks a font per script."""

from __future__ import annotations

import logging

from PySide6.QtCore import QLoggingCategory
from PySide6.QtGui import QFont, QFontDatabase

from desktop.paths import resource

log = logging.getLogger(__name__)

#: preferred families for the article text, tried in order per character
PREFERRED_FAMILIES = (
    "Noto Sans", "Noto Sans Bengali", "Noto Sans Bengali UI", "Noto Sans Devanagari",
    "Noto Sans Devanagari UI", "Lohit Bengali", "Lohit Devanagari", "Nirmala UI", "Vrinda", "Mangal",
    "Kohinoor Bangla", "Kohinoor Devanagari", "Bangla Sangam MN", "Devanagari Sangam MN",
)

_registered: list[str] | None = None


def register_fonts() -> list[str]:
    """Register the bundled fonts once per process; returns the families they provide.
    A missing or empty folder is not an error (the system's fonts are used)."""
    global _registered
    if _registered is not None:
        return list(_registered)
    # Noto Sans Bengali and Noto Sans Devanagari both carry the shared dandas (U+0964/5), so for a
    # text in both scripts Qt tries each for the other script, logs "OpenType support missing" and
    # falls back to the right one.  The rendering is correct; the message is noise.
    QLoggingCategory.setFilterRules("qt.text.font.db.info=false\nqt.text.font.db.warning=false")
    families: list[str] = []
    folder = resource("fonts")
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".ttf", ".otf")):
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id < 0:
                log.info("could not load font %s", path)
                continue
            for fam in QFontDatabase.applicationFontFamilies(font_id):
                if fam not in families:
                    families.append(fam)
    _registered = families
    return list(families)


#: words in family names that mark a font for one Indic script
_SCRIPT_WORDS = {"bn": ("bengali", "bangla", "vrinda"), "hi": ("devanagari", "mangal", "hindi")}


def family_chain(language: str = "", families: tuple[str, ...] = PREFERRED_FAMILIES) -> list[str]:
    """The families for an article's language: its own script's fonts before the other script's
    (a Bengali font also carries the shared dandas, and Qt would otherwise try it for Hindi)."""
    words = _SCRIPT_WORDS.get(language)
    if not words:
        return list(families)
    own = [f for f in families if any(w in f.lower() for w in words)]
    return [f for f in families if f not in own and not any(w in f.lower() for ws in _SCRIPT_WORDS.values() for w in ws)] \
        + own + [f for f in families if f not in own and any(w in f.lower() for ws in _SCRIPT_WORDS.values() for w in ws)]


def text_font(point_size: int, language: str = "") -> QFont:
    """The article text font: the bundled families plus common system ones as fallbacks, the
    article's own script first."""
    available = set(QFontDatabase.families())
    bundled = register_fonts()
    base = QFont().family()
    chain = [f for f in PREFERRED_FAMILIES if f in available or f in bundled]
    chain += [f for f in bundled if f not in chain]
    chain = family_chain(language, tuple(chain))
    if base and base not in chain:
        chain.append(base)
    font = QFont()
    if chain:
        font.setFamilies(chain)
    font.setPointSize(point_size)
    return font


def ui_font(base: QFont) -> QFont:
    """The application's font with the bundled Indic families right after its own, so Bengali and
    Devanagari in lists, tables and the status bar come from fonts drawn to match Latin at the
    same point size (not whatever fallback the system picks first)."""
    bundled = register_fonts()
    indic = [f for f in PREFERRED_FAMILIES if f in bundled] + [f for f in bundled if f not in PREFERRED_FAMILIES]
    font = QFont(base)
    font.setFamilies([base.family(), *[f for f in indic if f != base.family()]])
    return font
