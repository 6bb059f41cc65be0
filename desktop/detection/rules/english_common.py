"""What the English rules (and the places rule) share: their word lists, the words around a cue
word, and the tests a name's words must pass.

Conservative by design: a capitalised word at the start of a sentence is no evidence, so every
rule needs a second signal — an organisation's head word, a verb of saying, a kind-of-place word,
an event word — from the lists in the packs' ``latin_words.tsv`` / ``place_words.tsv`` and
``event_names.tsv``.

Cheap: the cue words are found from the set of the article's space-separated pieces (built once
for the variant matcher) and the event cue positions the alias scan already produced; rules look
only at the few words around a cue.  Offsets are folded (see :mod:`desktop.language.fold`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from desktop.detection.rules.common import Words, strip_unknown_ending
from desktop.detection.suggest import Context
from desktop.language.fold import fold
from desktop.language.lexicon import Lexicon
from desktop.language.scripts import is_latin_alnum, is_word_char

_TRAIL = ("", ",", ".", ";", ":", "'s", ")", '"', "'", "?", "!")
#: the most capitalised words a name group takes before or after a cue word
MAX_GROUP = 4


@dataclass(frozen=True)
class CueWords:
    org_head: frozenset[str]
    org_lead: frozenset[str]
    org_tail: frozenset[str]
    org_inner: frozenset[str]
    stop: frozenset[str]
    notname: frozenset[str]
    person_verb: frozenset[str]
    person_relative: frozenset[str]
    place_word: frozenset[str]
    indic_place_word: frozenset[str]
    place_nonname: frozenset[str]
    event_head: frozenset[str]
    event_lead: frozenset[str]
    storm_lead: frozenset[str]    # event_lead words outside the name (Cyclone Remal -> Remal)
    cues: dict[str, str]          # every cue word with the punctuation that may follow it -> the word
    before: frozenset[str]        # Bengali/Hindi keywords before a name
    after: frozenset[str]         # ... after a name
    head: frozenset[str]          # tournament words after a name, part of the span
    meeting: frozenset[str]       # dialogue/conference words after a known name or before a year
    nonname: frozenset[str]
    adj_endings: tuple[str, ...]  # adjectives' and common nouns' endings: not a name


@lru_cache(maxsize=8)
def words(lex: Lexicon) -> CueWords:
    """The packs' ``latin_words.tsv`` and ``event_names.tsv`` by kind (folded)."""
    by: dict[str, set[str]] = {}
    for row in lex.latin_words:
        by.setdefault(row[0], set()).add(fold(row[1]))
    ev: dict[str, set[str]] = {}
    for row in lex.event_names:
        ev.setdefault(row[0], set()).add(fold(row[2]))
    fs = {k: frozenset(v) for k, v in by.items()}
    cue_words = fs.get("org_head", frozenset()) | fs.get("person_verb", frozenset()) \
        | fs.get("person_relative", frozenset()) \
        | fs.get("place_word", frozenset()) | fs.get("event_head", frozenset()) \
        | fs.get("indic_place_word", frozenset())
    return CueWords(
        org_head=fs.get("org_head", frozenset()), org_lead=fs.get("org_lead", frozenset()),
        org_tail=fs.get("org_tail", frozenset()), org_inner=fs.get("org_inner", frozenset()),
        stop=fs.get("stop", frozenset()), notname=fs.get("notname", frozenset()),
        person_verb=fs.get("person_verb", frozenset()),
        person_relative=fs.get("person_relative", frozenset()), place_word=fs.get("place_word", frozenset()),
        indic_place_word=fs.get("indic_place_word", frozenset()),
        place_nonname=fs.get("place_nonname", frozenset()),
        event_head=fs.get("event_head", frozenset()), event_lead=fs.get("event_lead", frozenset()),
        storm_lead=fs.get("storm_lead", frozenset()),
        cues={w + t: w for w in cue_words for t in _TRAIL},
        before=frozenset(ev.get("before", ())), after=frozenset(ev.get("after", ())),
        head=frozenset(ev.get("head", ())), meeting=frozenset(ev.get("meeting", ())),
        nonname=frozenset(ev.get("nonname", ())),
        adj_endings=tuple(sorted(ev.get("adj_ending", set()) | ev.get("common_ending", set()), key=len, reverse=True)),
    )


def is_latin(w: str) -> bool:
    return is_latin_alnum(w[:1])


class CueContext:
    """The article and what the rules share about it."""

    def __init__(self, norm, text, view, raws, lex: Lexicon):
        self.norm, self.text, self.view, self.lex = norm, text, view, lex
        self.w = words(lex)
        self.words = Words(norm)
        self.raws = raws
        self._known = None

    @property
    def known(self):
        if self._known is None:
            self._known = [(r.start, r.end, r.type) for r in self.raws if r.source != "rule"]
            self.known_edges = {x for a, b, _ in self._known for x in (a, b)}
        return self._known

    def in_known(self, t) -> bool:
        """Does a known name start or end at the edges of word ``t``? (cheap)"""
        if self._known is None:
            self.known  # noqa: B018 (builds known_edges)
        return t[0] in self.known_edges or t[1] in self.known_edges

    def cap(self, s: int) -> bool:
        return self.text[self.view.start(s):self.view.start(s) + 1].isupper()

    def known_at(self, s: int, e: int):
        for a, b, t in self.known:
            if a < e and s < b:
                return t
        return None

    def prev(self, pos: int):
        """The word right before ``pos`` when only one space separates them."""
        if pos < 2 or self.norm[pos - 1] != " " or not is_word_char(self.norm[pos - 2]):
            return None
        return self.words.prev(pos - 1)

    def next(self, pos: int):
        """The word right after ``pos`` when only one space separates them."""
        if pos + 1 >= len(self.norm) or self.norm[pos] != " " or not is_word_char(self.norm[pos + 1]):
            return None
        return self.words.next(pos + 1)

    def possessive(self, e: int) -> bool:
        return self.norm.startswith("'s", e) and not (e + 2 < len(self.norm) and is_word_char(self.norm[e + 2]))

    def name_word(self, t, *, person: bool = False) -> bool:
        """A capitalised Latin word that may belong to a name."""
        s, e = t
        w = self.norm[s:e]
        lex = self.lex
        if not is_latin(w) or not self.cap(s) or w in self.w.stop or w in lex.months or w in lex.stopwords:
            return False
        if person and (w in self.w.notname or w in lex.titles or w in self.w.org_head or w in self.w.event_head
                       or w in self.w.event_lead or any(c.isdigit() for c in w)):
            return False
        return True

    def group_after(self, pos: int, limit: int = MAX_GROUP):
        """End of the capitalised words right after ``pos`` (None when there is none)."""
        end = None
        for _ in range(limit):
            t = self.next(pos)
            if t is None or not self.name_word(t) or self.norm[t[0]:t[1]] in self.lex.titles:
                break
            end = pos = t[1]
            if self.possessive(end):
                return None
        return end


def cue_context(ctx: Context, lex: Lexicon, kinds: frozenset[str]):
    """The cue words of ``kinds`` the article holds, and a :class:`CueContext` to read around
    them; ``(set(), None)`` when there is none."""
    w = words(lex)
    cues = {w.cues[p] for p in ctx.pieces & w.cues.keys()} & kinds
    if not cues:
        return cues, None
    return cues, CueContext(ctx.norm, ctx.text, ctx.view, ctx.raws, lex)


def cue_hits(norm: str, cues):
    """(cue, start, end) of every whole-word occurrence of the cue words in the folded text."""
    for cue in cues:
        s = norm.find(cue)
        while s >= 0:
            e = s + len(cue)
            if not (s > 0 and is_word_char(norm[s - 1])) and not (e < len(norm) and is_word_char(norm[e])):
                yield cue, s, e
            s = norm.find(cue, s + 1)


def sentence_start(ctx: CueContext, s: int) -> bool:
    a = ctx.view.start(s)
    text = ctx.text
    while a > 0 and text[a - 1] in " \t":
        a -= 1
    return a == 0 or text[a - 1] in ".!?\n\r:;\"'\u201c\u2018|-\u2013\u2014"



def indic_name(ctx: CueContext, t) -> bool:
    w = ctx.norm[t[0]:t[1]]
    lex, ws = ctx.lex, ctx.w
    name = w.split("-", 1)[0]
    if len(name) < 3 or is_latin(name) or any(c.isdigit() for c in name):
        return False
    if name in lex.stopwords or name in ws.nonname or name in lex.titles or name in lex.event_keywords \
            or name in lex.org_keywords or name in lex.months or name.endswith(ws.adj_endings):
        return False
    if lex.inflects(name[0]) and strip_unknown_ending(name, lex):
        return False   # a genitive or another case ending: "পুলিশের মহড়া"
    known = ctx.known_at(*t)
    return known is None or known == "EVENT"
