"""English rules over capitalised words, and unquoted names next to exercise/operation keywords.

Conservative by design: a capitalised word at the start of a sentence is no evidence, so every
rule needs a second signal — an organisation's head word, a verb of saying, a kind-of-place word,
an event word — from the lists in ``resources/languages/<code>/latin_words.tsv`` and
``event_names.tsv``.

* ORG: capitalised words ending in a head word ("Election Commission", "Delhi High Court"), or a
  head word followed by "of"/"for"/"on" and capitalised words ("Ministry of External Affairs",
  "Reserve Bank of India"); "and"/"&" join a one-word group ("Jammu and Kashmir Police").
  A head word alone ("The Ministry") is nothing; "X Court and Y Ltd" is two organisations.
* PERSON: two or three capitalised words right before a verb of saying ("Ravi Kumar said"),
  right after one and followed by punctuation or a lower-case word ("said Ravi Kumar,"), or
  before ", who" / ", whose".  Never after "the", never with a known name, a title or an
  organisation word.
* LOC: see :mod:`.places` (it shares this module's word lists and word context).
* EVENT: "Operation X", "Exercise X", "Cyclone X" (X capitalised, a year may follow); capitalised
  words and/or a year before an event word ("2024 Paris Olympics", "G20 Summit", "Durga Puja"); in
  Bengali and Hindi a single unknown word next to a keyword — ऑपरेशन X, অ্যাক্সারসাইজ X (the
  keyword is part of the name), X মহড়া, X अभ्यास (the name alone) — that is not a stop word,
  an adjective, a known name of another type or a common modifier, and that has a second
  signal: a year glued on, quotes around it elsewhere in the article, or a second such use; a
  word (or a known place) before a tournament word, which belongs to the name (রঞ্জি ট্রফি).

Cheap: the cue words are found from the set of the article's space-separated pieces (built once
for the variant matcher) and the event cue positions the alias scan already produced; rules look
only at the few words around a cue.  Offsets are folded (see :mod:`desktop.language.fold`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from desktop.detection.rules.common import Words, strip_unknown_ending
from desktop.detection.suggest import Context, Raw
from desktop.language.fold import fold
from desktop.language.lexicon import Lexicon
from desktop.language.scripts import DIGITS, INDIC_LETTERS, is_latin_alnum, is_word_char

name = "english"

_TRAIL = ("", ",", ".", ";", ":", "'s", ")", '"', "'", "?", "!")
_YEAR = re.compile(r"(?:1[89]|20)\d\d$")
_INDIC_YEAR = re.compile(rf"[-\s]*-?\s*([{DIGITS}]{{2,4}})(?![\w{INDIC_LETTERS}])")
_MAX_PRE = 5
_MAX_GROUP = 4


@dataclass(frozen=True)
class _Words:
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
    cues: dict[str, str]          # every cue word with the punctuation that may follow it -> the word
    before: frozenset[str]        # Bengali/Hindi keywords before a name
    after: frozenset[str]         # ... after a name
    head: frozenset[str]          # tournament words after a name, part of the span
    nonname: frozenset[str]
    adj_endings: tuple[str, ...]


@lru_cache(maxsize=8)
def words(lex: Lexicon) -> _Words:
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
    return _Words(
        org_head=fs.get("org_head", frozenset()), org_lead=fs.get("org_lead", frozenset()),
        org_tail=fs.get("org_tail", frozenset()), org_inner=fs.get("org_inner", frozenset()),
        stop=fs.get("stop", frozenset()), notname=fs.get("notname", frozenset()),
        person_verb=fs.get("person_verb", frozenset()),
        person_relative=fs.get("person_relative", frozenset()), place_word=fs.get("place_word", frozenset()),
        indic_place_word=fs.get("indic_place_word", frozenset()),
        place_nonname=fs.get("place_nonname", frozenset()),
        event_head=fs.get("event_head", frozenset()), event_lead=fs.get("event_lead", frozenset()),
        cues={w + t: w for w in cue_words for t in _TRAIL},
        before=frozenset(ev.get("before", ())), after=frozenset(ev.get("after", ())),
        head=frozenset(ev.get("head", ())),
        nonname=frozenset(ev.get("nonname", ())),
        adj_endings=tuple(sorted(ev.get("adj_ending", ()), key=len, reverse=True)),
    )


def _is_latin(w: str) -> bool:
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
        if not _is_latin(w) or not self.cap(s) or w in self.w.stop or w in lex.months or w in lex.stopwords:
            return False
        if person and (w in self.w.notname or w in lex.titles or w in self.w.org_head or w in self.w.event_head
                       or w in self.w.event_lead or any(c.isdigit() for c in w)):
            return False
        return True

    def group_after(self, pos: int, limit: int = _MAX_GROUP):
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


def suggest(ctx: Context, lex: Lexicon) -> list[Raw]:
    """The English rules, then the persons they and the spelling variants found are remembered
    for the rest of the article (:mod:`.memory`)."""
    found = find(ctx.norm, ctx.text, ctx.view, ctx.pieces, ctx.raws, ctx.events, lex)
    ctx.memory += person_memory(ctx.norm, ctx.step_output.get("variants", []) + found)
    return found


def find(norm: str, text: str, view, pieces: set[str], raws: list[Raw], events, lex: Lexicon) -> list[Raw]:
    w = words(lex)
    present = pieces & w.cues.keys()
    if not present and not events:
        return []
    ctx = CueContext(norm, text, view, raws, lex)
    out: list[Raw] = []
    # cue words -> the rule that reads the words around one of them and gives one candidate
    # (the kind-of-place words are read by desktop.detection.rules.places)
    single = ((w.org_head, _org), (w.event_head, _event_head))
    if present:
        for cue, s, e in cue_hits(norm, {w.cues[p] for p in present}):
            for cue_words, rule in single:
                if cue in cue_words and (r := rule(ctx, s, e)):
                    out.append(r)
            if cue in w.person_verb:
                left, right = _capital_near(norm, text, view, s, e)
                if left or right:
                    out += _person(ctx, s, e, left, right)
            if cue in w.person_relative and norm.startswith(", ", s - 2):
                r = _person_before_comma(ctx, s - 2)
                if r:
                    out.append(r)
    indic: list[tuple[Raw, str, bool]] = []
    for s, e in events:
        kw = norm[s:e]
        if kw in w.event_lead:
            r = _event_lead(ctx, s, e)
            if r:
                out.append(r)
        elif kw in w.head:
            r = _indic_head(ctx, s, e)
            if r:
                out.append(r)
        elif kw in w.before or kw in w.after:
            found = _indic_before(ctx, s, e) if kw in w.before else _indic_after(ctx, s, e)
            if found:
                indic.append(found)
    if indic:
        # a Bengali/Hindi word has no capital to show it is a name: keep it when a year follows it,
        # when it is quoted elsewhere in the article, or when it stands next to a keyword twice
        seen: dict[str, int] = {}
        for _, name, _ in indic:
            seen[name] = seen.get(name, 0) + 1
        for r, name, year in indic:
            if year or seen[name] > 1 or f"'{name}" in norm or f'"{name}' in norm:
                out.append(r)
    return out


def cue_hits(norm: str, cues):
    """(cue, start, end) of every whole-word occurrence of the cue words in the folded text."""
    for cue in cues:
        s = norm.find(cue)
        while s >= 0:
            e = s + len(cue)
            if not (s > 0 and is_word_char(norm[s - 1])) and not (e < len(norm) and is_word_char(norm[e])):
                yield cue, s, e
            s = norm.find(cue, s + 1)


def _capital_near(norm: str, text: str, view, s: int, e: int) -> tuple[bool, bool]:
    """Quick test: is the word right before / right after ``norm[s:e]`` capitalised?"""
    left = right = False
    if s >= 2 and norm[s - 1] == " ":
        p = norm.rfind(" ", 0, s - 1) + 1
        p = p if view.src is None else view.start(p)
        left = text[p:p + 1].isupper()
    if e + 1 < len(norm) and norm[e] == " ":
        p = e + 1 if view.src is None else view.start(e + 1)
        right = text[p:p + 1].isupper()
    return left, right


def person_memory(norm: str, found: list[Raw]) -> list[tuple[str, Raw, int]]:
    """In-article memory entries (surface, template, not before) for the persons found here: the
    full name anywhere, the surname alone after the full name (as the detector does for persons
    after titles).  Linked persons first: when a rule and a known name's variant find the same
    person, the surname alone is recalled with the link."""
    out = []
    for p in sorted(found, key=lambda r: r.entity_id is None):
        if p.type != "PERSON":
            continue
        toks = norm[p.start:p.end].split()
        if len(toks) >= 2:
            out.append((norm[p.start:p.end], p, p.start))
            if len(toks[-1]) > 2:
                out.append((toks[-1], Raw(0, 0, "PERSON", p.source, 0.6, None, p.entity_id), p.end))
    return out


# -- organisations ---------------------------------------------------------------------------------


def _org(ctx: CueContext, hs: int, he: int) -> Raw | None:
    if not ctx.cap(hs):
        return None
    norm, w = ctx.norm, ctx.w
    start, pre, pos = hs, 0, hs
    while pre < _MAX_PRE:
        t = (pos - 2, pos - 1) if pos >= 3 and norm[pos - 3:pos] == " & " else ctx.prev(pos)
        if t is None:
            break
        word = norm[t[0]:t[1]]
        if word in ("and", "&") and not ctx.cap(t[0]):
            # "Jammu and Kashmir Police": one capitalised word before "and", nothing named before it
            b = ctx.prev(t[0]) if word == "and" else ctx.words.prev(t[0] - 1)
            if b is None or not ctx.name_word(b) or norm[b[0]:b[1]] in w.org_head or ctx.possessive(b[1]):
                break   # "X Court and Y Ltd" is two organisations
            bb = ctx.words.prev(b[0])
            if bb is not None and (ctx.cap(bb[0]) and norm[bb[0]:bb[1]] not in w.stop
                                   or norm[bb[0]:bb[1]] in w.org_inner and norm[bb[0]:bb[1]] != "the") \
                    and norm[bb[1]:b[0]].strip() == "" and not sentence_start(ctx, b[0]):
                break   # "Science and Technology and X Organisation": not one name
            start = b[0]
            pre += 1
            break
        if word == "&" or not ctx.name_word(t) or word in ctx.lex.titles or ctx.possessive(t[1]):
            break
        start, pos = t[0], t[0]
        pre += 1
    end = _org_tail(ctx, he) if norm[hs:he] in w.org_lead or pre else None
    if pre == 0 and end is None:
        return None   # a head word alone ("The Ministry")
    return Raw(start, end or he, "ORG", "rule", 0.7)


def _org_tail(ctx: CueContext, he: int) -> int | None:
    """End of "of/for [the] Capitalised ..." after a head word (None when there is none)."""
    norm, w = ctx.norm, ctx.w
    if ctx.possessive(he):
        return None
    end = None
    pos = he
    for _ in range(3):
        t = (pos + 1, pos + 2) if norm.startswith(" & ", pos) else ctx.next(pos)
        if t is None:
            break
        word = norm[t[0]:t[1]]
        if ctx.cap(t[0]) or (word not in w.org_tail and not (end and word in ("and", "&"))):
            break
        p = t[1]
        t2 = ctx.next(p)
        if t2 is not None and norm[t2[0]:t2[1]] == "the" and not ctx.cap(t2[0]):
            if word in ("and", "&"):
                break   # "... and the Reserve Bank": another name
            p = t2[1]
        g = ctx.group_after(p)
        if g is None:
            break
        if word in ("and", "&"):
            nxt = ctx.next(g)
            if nxt is not None and ctx.cap(nxt[0]) or norm[ctx.words.prev(g)[0]:g] in w.org_head:
                break   # "... and Foreign Minister X", "... and Y Bank": the name ended before "and"
        end = pos = g
        if norm[ctx.words.prev(g)[0]:g] in w.org_head:
            break   # "... of X Commission": another organisation's name ends the chain
    return end


def sentence_start(ctx: CueContext, s: int) -> bool:
    a = ctx.view.start(s)
    text = ctx.text
    while a > 0 and text[a - 1] in " \t":
        a -= 1
    return a == 0 or text[a - 1] in ".!?\n\r:;\"'\u201c\u2018|-\u2013\u2014"


# -- persons ------------------------------------------------------------------------------------------


def _name_run(ctx: CueContext, pos: int, forward: bool) -> tuple[list[tuple[int, int]], int]:
    """Up to four capitalised name words from ``pos`` on (or back), one space apart, none part of
    a known name; and where the run stopped."""
    toks: list[tuple[int, int]] = []
    while len(toks) < 4:
        t = ctx.next(pos) if forward else ctx.prev(pos)
        if t is None or ctx.in_known(t) or not ctx.name_word(t, person=True):
            break
        toks.append(t)
        pos = t[1] if forward else t[0]
    return toks, pos


def _person(ctx: CueContext, vs: int, ve: int, left: bool = True, right: bool = True) -> list[Raw]:
    out = []
    if ctx.cap(vs):
        return out
    ctx.known  # noqa: B018 (builds known_edges)
    left = left and vs - 1 not in ctx.known_edges     # a known name ends right before the verb
    right = right and ve + 1 not in ctx.known_edges   # ... or starts right after it
    if left:  # "Ravi Kumar said"
        toks, _ = _name_run(ctx, vs, forward=False)
        if 2 <= len(toks) <= 3 and _person_ok(ctx, toks[-1][0], toks[0][1]):
            out.append(Raw(toks[-1][0], toks[0][1], "PERSON", "rule", 0.7))
    if right:  # "said Ravi Kumar," / "told Ravi Kumar."
        toks, pos = _name_run(ctx, ve, forward=True)
        if 2 <= len(toks) <= 3 and _person_ok(ctx, toks[0][0], toks[-1][1]):
            after = ctx.next(pos)
            if after is None or not ctx.cap(after[0]):
                out.append(Raw(toks[0][0], toks[-1][1], "PERSON", "rule", 0.7))
    return out


def _person_before_comma(ctx: CueContext, comma: int) -> Raw | None:
    """ "Ravi Kumar, who ...": two or three capitalised words before the comma."""
    last = ctx.words.prev(comma)
    if last is None or last[1] != comma or ctx.in_known(last) or not ctx.name_word(last, person=True):
        return None
    toks, _ = _name_run(ctx, last[0], forward=False)
    toks = [last] + toks[:3]
    if 2 <= len(toks) <= 3 and _person_ok(ctx, toks[-1][0], toks[0][1]):
        return Raw(toks[-1][0], toks[0][1], "PERSON", "rule", 0.7)
    return None


def _person_ok(ctx: CueContext, s: int, e: int) -> bool:
    if ctx.known_at(s, e) is not None or ctx.possessive(e):
        return False
    before = ctx.prev(s)
    if before is not None:
        w = ctx.norm[before[0]:before[1]]
        if w == "the" or ctx.cap(before[0]) and w not in ctx.lex.titles and not sentence_start(ctx, s):
            return False   # "the United States said"; inside a longer capitalised run
    return True


# -- places -------------------------------------------------------------------------------------------


# -- events ---------------------------------------------------------------------------------------------


def _event_head(ctx: CueContext, hs: int, he: int) -> Raw | None:
    if not ctx.cap(hs):
        return None
    norm = ctx.norm
    start, pre, pos, year = hs, 0, hs, False
    while pre < _MAX_GROUP:
        t = ctx.prev(pos)
        if t is None:
            break
        word = norm[t[0]:t[1]]
        if _YEAR.match(word) and len(word) == 4:
            start, year = t[0], True
            break
        if not ctx.name_word(t) or word in ctx.lex.titles or ctx.possessive(t[1]) or word in ctx.w.event_head:
            break
        start, pos = t[0], t[0]
        pre += 1
    if pre == 0 and not year:
        return None
    if pre == 1 and not year and norm[start:pos + (hs - pos)].split()[0] in ctx.w.notname:
        return None
    return Raw(start, he, "EVENT", "rule", 0.7)


def _event_lead(ctx: CueContext, ks: int, ke: int) -> Raw | None:
    if not ctx.cap(ks):
        return None
    t = ctx.next(ke)
    if t is None or not ctx.name_word(t) or ctx.norm[t[0]:t[1]] in ctx.w.stop:
        return None
    end = t[1]
    t2 = ctx.next(end)
    if t2 is not None and ctx.name_word(t2, person=True) and ctx.known_at(*t2) is None:
        end = t2[1]
    return Raw(ks, _with_year(ctx, end), "EVENT", "rule", 0.7)


def _with_year(ctx: CueContext, end: int) -> int:
    m = _INDIC_YEAR.match(ctx.norm, end)
    if m and len(m.group(1)) in (2, 4) and m.start(1) - end <= 2:
        return m.end()
    return end


def indic_name(ctx: CueContext, t) -> bool:
    w = ctx.norm[t[0]:t[1]]
    lex, ws = ctx.lex, ctx.w
    name = w.split("-", 1)[0]
    if len(name) < 3 or _is_latin(name) or any(c.isdigit() for c in name):
        return False
    if name in lex.stopwords or name in ws.nonname or name in lex.titles or name in lex.event_keywords \
            or name in lex.org_keywords or name in lex.months or name.endswith(ws.adj_endings):
        return False
    if lex.inflects(name[0]) and strip_unknown_ending(name, lex):
        return False   # a genitive or another case ending: "পুলিশের মহড়া"
    known = ctx.known_at(*t)
    return known is None or known == "EVENT"


def _indic_before(ctx: CueContext, ks: int, ke: int):
    t = ctx.next(ke)
    if t is None or not indic_name(ctx, t):
        return None
    end = _with_year(ctx, t[1])
    name = ctx.norm[t[0]:t[1]].split("-", 1)[0]
    return Raw(ks, end, "EVENT", "rule", 0.65), name, end > t[0] + len(name) + 1


def _indic_head(ctx: CueContext, ks: int, ke: int) -> Raw | None:
    """<name> ট্রফি, <place> कप: the word before a tournament word names it; the span holds both.
    The tournament word is the signal a Bengali/Hindi name lacks (no capitals), so a known place
    may be the name (an Asia cup), and no second use is needed."""
    t = ctx.prev(ks)
    if t is None:
        return None
    if indic_name(ctx, t):
        return Raw(t[0], ke, "EVENT", "rule", 0.65)
    known = [(a, b) for a, b, typ in ctx.known if typ in ("LOC", "ORG") and a < t[1] and t[0] < b]
    if known and max(b for _, b in known) == t[1]:   # a known name ends right there
        return Raw(min(a for a, _ in known), ke, "EVENT", "rule", 0.65)
    return None


def _indic_after(ctx: CueContext, ks: int, ke: int):
    t = ctx.prev(ks)
    if t is None:
        return None
    word = ctx.norm[t[0]:t[1]]
    if all(c.isdigit() for c in word) and len(word) in (2, 4):   # "<name> 2019 अभ्यास"
        t0 = ctx.prev(t[0])
        if t0 is None or not indic_name(ctx, t0):
            return None
        return Raw(t0[0], t[1], "EVENT", "rule", 0.65), ctx.norm[t0[0]:t0[1]], True
    if not indic_name(ctx, t):
        return None
    name = word.split("-", 1)[0]
    return Raw(t[0], t[1], "EVENT", "rule", 0.65), name, len(name) < len(word)
