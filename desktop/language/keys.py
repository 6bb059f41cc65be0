"""Keys that let spelling variants of one name meet.

Three levels, from strict to loose:

These are levels 1 and 3 of the folding ladder in :mod:`desktop.language.fold`.

* :func:`desktop.language.fold.match_key` — the alias key stored in the database (NFC, joiners,
  dashes and quotes unified, case folded).  Equal keys are an exact alias match.
* :func:`norm_key` — same script, spelling variants folded: nukta dropped (ड़ → ड, য় → য),
  a nasal consonant + virama before a consonant written as anusvara (न्द → ंद), chandrabindu
  as anusvara (Devanagari) or dropped (Bengali), long vowels as short (ी → ि, ূ → ু), khanda ta
  as ta, Latin accents dropped, hyphens, spaces and dots removed.
* :func:`phonetic_key` — across scripts: Bengali and Devanagari are romanised with
  ``indic-transliteration`` (IAST), Latin is taken as written, then all three are reduced to a
  consonant skeleton (aspiration, retroflex/dental, sibilants, b/v/w and j/z merged, vowels
  dropped except a leading one), so কাজাখস্তান, कजाकिस्तान and Kazakhstan all give ``kjkstn``.

:func:`roman` gives the romanised form (vowels kept) for fuzzy comparison across scripts, and
:func:`split_number` separates a trailing number (KAZIND-2024, কাজইন্ড-২১) from the name.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable

from desktop.language import packs, scripts
from desktop.language.fold import match_key

# -- same-script folding -----------------------------------------------------------------------

_VIRAMAS = "\u094d\u09cd"
_NUKTAS = "\u093c\u09bc"
# long -> short vowels (independent and dependent), both scripts; candra o/e -> o/e
_VOWEL_FOLD = str.maketrans({
    "\u0940": "\u093f", "\u0942": "\u0941", "\u0908": "\u0907", "\u090a": "\u0909",
    "\u0949": "\u094b", "\u0911": "\u0913", "\u0945": "\u0947", "\u090d": "\u090f",
    "\u09c0": "\u09bf", "\u09c2": "\u09c1", "\u0988": "\u0987", "\u098a": "\u0989",
    "\u0901": "\u0902",  # Devanagari chandrabindu -> anusvara
    "\u0981": None,      # Bengali chandrabindu: often omitted
    "\u09ce": "\u09a4",  # khanda ta -> ta
    "\u00b7": None,
})
# nasal consonant + virama before a consonant -> anusvara
_NASAL_CLUSTER = re.compile(
    "([\u0919\u091e\u0923\u0928\u092e])\u094d(?=[\u0915-\u0939])"
    "|([\u0999\u099e\u09a3\u09a8\u09ae])\u09cd(?=[\u0995-\u09b9\u09dc-\u09df])"
)
_SEPARATORS = re.compile(r"[\s\-‐-―_./'’\"]+")


def _anusvara(m: re.Match) -> str:
    return "\u0902" if m.group(1) else "\u0982"


@lru_cache(maxsize=262144)
def norm_key(text: str) -> str:
    """Same-script key with the spelling variants above folded (see the module doc)."""
    k = match_key(text)
    k = unicodedata.normalize("NFD", k)
    k = "".join(ch for ch in k if ch not in _NUKTAS and not "\u0300" <= ch <= "\u036f")
    k = unicodedata.normalize("NFC", k)
    k = _NASAL_CLUSTER.sub(_anusvara, k)
    k = k.translate(_VOWEL_FOLD)
    k = _SEPARATORS.sub("", k)
    return _ascii_digits(k)


def _ascii_digits(s: str) -> str:
    if s.isascii():
        return s
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in s)


# -- romanisation --------------------------------------------------------------------------------

_INDIC_RUN = scripts.INDIC_RUN


#: Indic word -> its romanisation (before accents are dropped); filled one word at a time, or
#: for many words at once by :func:`prime`
_RUNS: dict[str, str] = {}
_RUNS_MAX = 500_000


@lru_cache(maxsize=1)
def _schemes() -> dict[str, str]:
    """Script name -> the transliteration scheme its language pack names."""
    out: dict[str, str] = {}
    for p in packs.available():
        if p.transliteration:
            out.setdefault(p.script, p.transliteration)
    return out


_SANSCRIPT = None


def _sanscript():
    """indic-transliteration, imported when a key is first computed: loading its scheme files
    costs ~0.1 s, which a run that finds every key stored (a re-detection) never pays."""
    global _SANSCRIPT
    if _SANSCRIPT is None:
        from indic_transliteration import sanscript

        _SANSCRIPT = sanscript
    return _SANSCRIPT


def _scheme(run: str) -> str:
    return _schemes().get(scripts.script_name(run[0])) or (
        "devanagari" if scripts.is_devanagari(run[0]) else "bengali")


def _post(out: str) -> str:
    # IAST: anusvara ṃ is a nasal before a consonant, visarga and the nukta sign drop
    return out.replace("ṃ", "n").replace("ḥ", "").replace("\u09bc", "").replace("\u093c", "").replace("~", "")


def _translit_run(m: re.Match) -> str:
    run = m.group(0)
    out = _RUNS.get(run)
    if out is None:
        sanscript = _sanscript()
        out = _post(sanscript.transliterate(run, _scheme(run), sanscript.IAST))
        if len(_RUNS) < _RUNS_MAX:
            _RUNS[run] = out
    return out


def prime(texts: Iterable[str]) -> None:
    """Romanise the Indic words of many texts with one library call per script (building the
    linking index romanises every alias; the library's cost is mostly per call).  Words are
    joined by newlines, which the transliteration keeps; if the pieces don't come back one for
    one, nothing is stored and words are done one at a time as usual."""
    todo: dict[str, set[str]] = {}
    for t in texts:
        for run in _INDIC_RUN.findall(match_key(t)):
            if run not in _RUNS:
                todo.setdefault(_scheme(run), set()).add(run)
    for scheme, runs in todo.items():
        if not runs or len(_RUNS) + len(runs) > _RUNS_MAX:
            continue
        words = sorted(runs)
        sanscript = _sanscript()
        out = sanscript.transliterate("\n".join(words), scheme, sanscript.IAST).split("\n")
        if len(out) == len(words):
            _RUNS.update(zip(words, map(_post, out)))


@lru_cache(maxsize=262144)
def roman(text: str) -> str:
    """Lower-case ASCII romanisation: Indic runs transliterated (IAST, then accents dropped),
    Latin kept, digits made ASCII, separators removed."""
    k = match_key(text)
    k = _INDIC_RUN.sub(_translit_run, k)
    k = _ascii_digits(k)
    k = unicodedata.normalize("NFD", k)
    k = "".join(ch for ch in k if not unicodedata.combining(ch))
    k = _SEPARATORS.sub("", k)
    return "".join(ch for ch in k if ch.isascii() and ch.isalnum())


# -- phonetic skeleton --------------------------------------------------------------------------

# English spellings of sounds that the romanisation writes otherwise (applied to Latin only)
_LATIN_RULES = (
    (re.compile(r"ng(?![aeiou])"), "n"),
    (re.compile(r"ch"), "c"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"c"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"q"), "k"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ee"), "i"),
    (re.compile(r"oo"), "u"),
)
_CLASSES = str.maketrans({"z": "j", "f": "p", "v": "b", "w": "b", "q": "k", "x": "k"})
_VOWELS = set("aeiouy")


def _skeleton(s: str) -> str:
    if not s:
        return ""
    out = []
    lead = s[0]
    if lead in _VOWELS:
        out.append("a")
    prev = ""
    for i, ch in enumerate(s):
        if ch in _VOWELS:
            prev = ""  # a vowel between two equal consonants keeps both
            continue
        if ch == "h" and i > 0:
            continue  # aspiration (kh, th, bh...) and sh: folded into the consonant
        ch = ch.translate(_CLASSES)
        if ch != prev:
            out.append(ch)
        prev = ch
    return "".join(out)


def _latin_prepare(word: str) -> str:
    for rx, rep in _LATIN_RULES:
        word = rx.sub(rep, word)
    return word


_TOKEN = re.compile(r"[^\s\-‐-―_/]+")


@lru_cache(maxsize=262144)
def phonetic_key(text: str) -> str:
    """Cross-script key: romanise, then reduce each word to its consonant skeleton.  Digits are
    kept as they are (ASCII); word boundaries and hyphens are dropped."""
    parts = []
    for tok in _TOKEN.findall(match_key(text)):
        latin = scripts.dominant_script(tok) in ("latin", "")
        r = roman(tok)
        if not r:
            continue
        letters = "".join(ch for ch in r if not ch.isdigit())
        digits = "".join(ch for ch in r if ch.isdigit())
        if latin:
            letters = _latin_prepare(letters)
        parts.append(_skeleton(letters) + digits)
    return "".join(parts)


# -- numbers -------------------------------------------------------------------------------------

_TRAILING_NUMBER = re.compile(r"^(.*?\w)[\s\-‐-―/]*[(\[]?(\d+)(?:st|nd|rd|th|তম|তম)?[)\]]?$")


def split_number(text: str) -> tuple[str, str]:
    """``("KAZIND", "2024")`` for ``KAZIND-2024``; ``(text, "")`` when it ends with no number.
    Bengali and Devanagari digits are read as digits."""
    t = _ascii_digits(match_key(text))
    m = _TRAILING_NUMBER.match(t)
    if not m or not any(ch.isalpha() for ch in m.group(1)):
        return text, ""
    return m.group(1), m.group(2)


def tokens(text: str) -> list[str]:
    """The words of a surface (split at spaces and hyphens), as norm keys."""
    return [k for k in (norm_key(t) for t in _TOKEN.findall(match_key(text))) if k]
