"""The language packs' word lists merged into the one :class:`Lexicon` the detector reads.

Each pack (:mod:`desktop.language.packs`) keeps its lists in ``resources/languages/<code>/``;
``resources/languages/SOURCES.md`` says where each came from.  No domain words live in the code.
The rules look words up without asking which language they are in (a Bengali title and an
English one are both titles), so the lists of all packs are merged; what differs by script
(case endings glued to a word) is asked of :meth:`Lexicon.inflects`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from desktop.language import scripts
from desktop.language.fold import fold
from desktop.language.packs import LanguagePack, available


@dataclass(frozen=True, eq=False)
class Lexicon:
    suffixes: dict[str, frozenset[str]]      # language -> case endings (folded)
    titles: frozenset[str]                   # folded titles/ranks, any language
    honorifics: frozenset[str]               # titles always followed by a name (Mr, Dr)
    stopwords: frozenset[str]                # folded function words (and weekdays), any language
    months: dict[str, int]                   # folded month name -> 1..12
    event_keywords: frozenset[str]
    summit_words: frozenset[str]             # meeting words: ORG + summit word = EVENT
    org_keywords: frozenset[str]
    letters: dict[str, str]                  # folded Indic letter name -> Latin letter
    year_words: frozenset[str]               # "year" words after a year (সাল, साल)
    range_words: frozenset[str]              # "from"/"to" connectors of date ranges
    ordinals: tuple[str, ...]                # endings of a day number (8th, ৮ই), longest first
    connectors: frozenset[str]               # "and"/"of" words allowed inside organisation names
    nonname_endings: tuple[str, ...]         # word endings that end a name after a title
    place_org_words: frozenset[str]          # place + word = organisation (Delhi Police)
    # Bengali endings stripped from a name the lists don't know: (ending, characters that must
    # come before it or "" for any) — suffixes.tsv rows marked "unknown"
    unknown_endings: tuple[tuple[str, str], ...] = ()
    ambiguous_endings: tuple[tuple[str, str], ...] = ()  # the same for endings also common on nouns
    name_words: frozenset[str] = frozenset()           # names that look inflected (কুমার, रায়)
    name_endings: tuple[str, ...] = ()                  # families of such names (-াধ্যায়)
    org_weak: frozenset[str] = frozenset()              # modifiers too generic to name an org alone
    org_stop: frozenset[str] = frozenset()              # words before a head that are not in the name
    org_break_endings: tuple[str, ...] = ()             # word endings that are not inside an org name
    light_verbs: frozenset[str] = frozenset()           # করেন in "প্রশংসা করেন": the noun before is no name
    org_loose: frozenset[str] = frozenset()             # heads that also mean a team/group: 2 modifiers
    org_of: frozenset[str] = frozenset()                # "of" after a head: the name goes on (অফ)
    #: the rows (kind, word) of the English rules' ``latin_words.tsv`` and of the Bengali and Hindi
    #: kind-of-place words' ``place_words.tsv``, read by the English and place rules
    latin_words: tuple[tuple[str, ...], ...] = ()
    #: the packs' ``event_names.tsv`` rows (kind, language, word)
    event_names: tuple[tuple[str, ...], ...] = ()
    #: the packs' ``skeleton.tsv`` rows (script, from, to[, inner])
    skeleton_rows: tuple[tuple[str, ...], ...] = ()
    case_endings: frozenset[str] = frozenset()          # every pack's case endings (folded)
    ending_scripts: frozenset[str] = frozenset()        # scripts whose words carry case endings
    packs: tuple[LanguagePack, ...] = ()
    #: char -> :meth:`inflects`, filled on first use (the alias scan asks for every hit)
    _inflecting: dict = field(default_factory=dict, repr=False, compare=False)

    def inflects(self, ch: str) -> bool:
        """True when a word starting (or ending) with ``ch`` may carry a glued case ending:
        its script is that of a pack with ``suffixes.tsv`` (Bengali কাজাখস্তান|ের; Hindi writes
        postpositions as separate words)."""
        known = self._inflecting.get(ch)
        if known is None:
            known = self._inflecting[ch] = bool(self.ending_scripts) and scripts.script_name(ch) in self.ending_scripts
        return known


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon of the bundled packs (built once)."""
    return build_lexicon(available())


@lru_cache(maxsize=8)
def build_lexicon(packs: tuple[LanguagePack, ...]) -> Lexicon:
    """The lists of ``packs`` merged (a test or a tool may add a pack of its own)."""
    def rows(name: str) -> list[list[str]]:
        out: list[list[str]] = []
        for p in packs:
            out += p.rows(name)
        return out

    suffixes: dict[str, set[str]] = {}
    unknown: list[tuple[str, str]] = []
    ambiguous: list[tuple[str, str]] = []
    for row in rows("suffixes.tsv"):
        suffixes.setdefault(row[0], set()).add(fold(row[1]))
        if row[2:3] == ["unknown"]:
            unknown.append((fold(row[1]), fold(row[3]) if len(row) > 3 else ""))
        elif row[2:3] == ["ambiguous"]:
            ambiguous.append((fold(row[1]), fold(row[3]) if len(row) > 3 else ""))
    names = rows("name_words.tsv")
    months: dict[str, int] = {}
    for row in rows("months.tsv") + rows("months_extra.tsv"):
        months[fold(row[2])] = int(row[1])
    letters = {fold(r[1]): r[2] for r in rows("letters.tsv")}
    by_kind: dict[str, set[str]] = {}
    for row in rows("words.tsv"):
        by_kind.setdefault(row[0], set()).add(fold(row[2]))
    stop = {fold(r[0]) for r in rows("stopwords.txt")}
    stop |= by_kind.get("stopword", set()) | {fold(r[2]) for r in rows("weekdays.tsv")}
    return Lexicon(
        suffixes={k: frozenset(v) for k, v in suffixes.items()},
        titles=frozenset(fold(r[1]) for r in rows("titles.tsv")),
        honorifics=frozenset(fold(r[1]) for r in rows("titles.tsv") if r[2:3] == ["honorific"]),
        stopwords=frozenset(stop),
        months=months,
        event_keywords=frozenset(by_kind.get("event", set()) | by_kind.get("summit", set())),
        summit_words=frozenset(by_kind.get("summit", ())),
        org_keywords=frozenset(by_kind.get("org", ())),
        letters=letters,
        year_words=frozenset(by_kind.get("year", ())),
        range_words=frozenset(by_kind.get("range", ())),
        ordinals=tuple(sorted(by_kind.get("ordinal", ()), key=lambda w: (-len(w), w))),
        connectors=frozenset(by_kind.get("connector", ())),
        nonname_endings=tuple(sorted(by_kind.get("nonname_ending", ()), key=len, reverse=True)),
        place_org_words=frozenset(by_kind.get("place_org", ())),
        unknown_endings=tuple(sorted(unknown, key=lambda u: len(u[0]), reverse=True)),
        ambiguous_endings=tuple(ambiguous),
        name_words=frozenset(fold(r[2]) for r in names if r[0] == "word"),
        name_endings=tuple(fold(r[2]) for r in names if r[0] == "ending"),
        org_weak=frozenset(by_kind.get("org_weak", ())),
        org_stop=frozenset(by_kind.get("org_stop", ())),
        light_verbs=frozenset(by_kind.get("light_verb", ())),
        org_loose=frozenset(by_kind.get("org_loose", ())),
        org_of=frozenset(by_kind.get("org_of", ())),
        org_break_endings=tuple(sorted(by_kind.get("org_break_ending", ()), key=len, reverse=True)),
        latin_words=tuple(map(tuple, rows("latin_words.tsv") + rows("place_words.tsv"))),
        event_names=tuple(map(tuple, rows("event_names.tsv"))),
        skeleton_rows=tuple(map(tuple, rows("skeleton.tsv"))),
        case_endings=frozenset(e for endings in suffixes.values() for e in endings),
        ending_scripts=frozenset(p.script for p in packs if p.code in suffixes),
        packs=tuple(packs),
    )
