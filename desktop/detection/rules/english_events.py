"""English and Indic events next to a keyword.

* "Operation X", "Exercise X", "Cyclone X" (X capitalised, a year may follow); capitalised
  words and/or a year before an event word ("2024 Paris Olympics", "G20 Summit", "Durga Puja").
* In Bengali and Hindi a single unknown word next to a keyword — ऑपरेशन X, অ্যাক্সারসাইজ X (the
  keyword is part of the name), X মহড়া, X अभ्यास (the name alone) — that is not a stop word,
  an adjective, a known name of another type or a common modifier, and that has a second
  signal: a year glued on, quotes around it elsewhere in the article, or a second such use; a
  word (or a known place) before a tournament word, which belongs to the name (রঞ্জি ট্রফি).

Word lists and word context: :mod:`.english_common`.
"""

from __future__ import annotations

import re

from desktop.detection.rules.english_common import MAX_GROUP, CueContext, cue_context, cue_hits, indic_name, words
from desktop.detection.gazetteer import ends_before_suffix
from desktop.detection.suggest import Context, Raw
from desktop.language.lexicon import Lexicon
from desktop.language.scripts import DIGITS, INDIC_LETTERS

name = "english_events"

_YEAR = re.compile(r"(?:1[89]|20)\d\d$")
_INDIC_YEAR = re.compile(rf"[-\s]*-?\s*([{DIGITS}]{{2,4}})(?![{DIGITS}])")
_AFTER_YEAR = re.compile(rf"[\w{INDIC_LETTERS}]")


def suggest(ctx: Context, lex: Lexicon) -> list[Raw]:
    w = words(lex)
    cues, cctx = cue_context(ctx, lex, w.event_head)
    if cctx is None and not ctx.events:
        return []
    cctx = cctx or CueContext(ctx.norm, ctx.text, ctx.view, ctx.raws, lex)
    norm = ctx.norm
    out = [r for _, s, e in cue_hits(norm, cues) if (r := _event_head(cctx, s, e))]
    indic: list[tuple[Raw, str, bool]] = []
    for s, e in ctx.events:
        kw = norm[s:e]
        if kw in w.event_lead:
            r = _event_lead(cctx, s, e)
            if r:
                out.append(r)
        elif kw in w.meeting:
            r = _indic_meeting(cctx, s, e)
            if r:
                out.append(r)
        elif kw in w.head:
            r = _indic_head(cctx, s, e)
            if r:
                out.append(r)
        elif kw in w.before or kw in w.after:
            found = _indic_before(cctx, s, e) if kw in w.before else _indic_after(cctx, s, e)
            if found:
                indic.append(found)
    return out + _second_signal(norm, indic)


def _second_signal(norm: str, indic: list[tuple[Raw, str, bool]]) -> list[Raw]:
    """A Bengali/Hindi word has no capital to show it is a name: keep it when a year follows it,
    when it is quoted elsewhere in the article, or when it stands next to a keyword twice."""
    seen: dict[str, int] = {}
    for _, found, _ in indic:
        seen[found] = seen.get(found, 0) + 1
    return [r for r, found, year in indic
            if year or seen[found] > 1 or f"'{found}" in norm or f'"{found}' in norm]


def _event_head(ctx: CueContext, hs: int, he: int) -> Raw | None:
    if not ctx.cap(hs):
        return None
    norm = ctx.norm
    start, pre, pos, year = hs, 0, hs, False
    while pre < MAX_GROUP:
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
    return Raw(start, he if year else _with_year(ctx, he), "EVENT", "rule", 0.7)


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
    if ctx.norm[ks:ke] in ctx.w.storm_lead:   # a storm by its name only
        return Raw(t[0], end, "EVENT", "rule", 0.7)
    return Raw(ks, _with_year(ctx, end), "EVENT", "rule", 0.7)


def _with_year(ctx: CueContext, end: int) -> int:
    m = _INDIC_YEAR.match(ctx.norm, end)
    if m and len(m.group(1)) in (2, 4) and m.start(1) - end <= 2:
        e = m.end()
        # a word goes on (2024th, ২০২৪সাল) unless it is a case ending: "সংলাপ ২০২৪ে" -> "... ২০২৪"
        if e < len(ctx.norm) and _AFTER_YEAR.match(ctx.norm, e) and not ends_before_suffix(ctx.norm, e, ctx.lex):
            return end
        return e
    return end


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


def _indic_meeting(ctx: CueContext, ks: int, ke: int) -> Raw | None:
    """<name> সংলাপ ২০২৪, <place> संवाद: a dialogue or conference named by the word before it,
    with the keyword and a year right after in the span.  Meeting words follow common nouns too
    (সাংবাদিক সম্মেলন, a press conference), so the name must be a known place or organisation,
    or a year must follow."""
    t = ctx.prev(ks)
    if t is None:
        return None
    end = _with_year(ctx, ke)
    known = [(a, b) for a, b, typ in ctx.known if typ in ("LOC", "ORG") and a < t[1] and t[0] < b]
    if known and max(b for _, b in known) == t[1]:
        return Raw(min(a for a, _ in known), end, "EVENT", "rule", 0.7)
    if end > ke and indic_name(ctx, t):
        return Raw(t[0], end, "EVENT", "rule", 0.65)
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
