"""English persons: two or three capitalised words right before a verb of saying ("Ravi Kumar
said"), right after one and followed by punctuation or a lower-case word ("said Ravi Kumar,"),
or before ", who" / ", whose" / a lower-case office (", director general of"), or before "of the"
and an organisation's name.  Never after "the", never with a known name, a title or an
organisation word.  The persons found here, and the known persons the spelling variants found,
are remembered for the rest of the article (:mod:`.memory`).
"""

from __future__ import annotations

from desktop.detection.rules.english_common import CueContext, cue_context, cue_hits, sentence_start, words
from desktop.detection.suggest import Context, Raw
from desktop.language.lexicon import Lexicon

name = "english_persons"
_OF_THE = " of the "


def suggest(ctx: Context, lex: Lexicon) -> list[Raw]:
    w = words(lex)
    cues, cctx = cue_context(ctx, lex, w.person_verb | w.person_relative)
    found: list[Raw] = []
    if cctx is not None:
        norm = ctx.norm
        for cue, s, e in cue_hits(norm, cues):
            if cue in w.person_verb:
                left, right = _capital_near(norm, ctx.text, ctx.view, s, e)
                if left or right:
                    found += _person(cctx, s, e, left, right)
            if cue in w.person_relative and norm.startswith(", ", s - 2) and not cctx.cap(s):
                r = _person_before_comma(cctx, s - 2)
                if r:
                    found.append(r)
    found += _person_of_org(ctx, lex, cctx)
    ctx.memory += person_memory(ctx.norm, ctx.step_output.get("variants", []) + found)
    return found


def _person_of_org(ctx: Context, lex: Lexicon, cctx: CueContext | None) -> list[Raw]:
    """"Rajesh Kumar Sinha of the Central Water Commission": two or three capitalised words right
    before "of the" and an organisation's name (found by the lists or the rules before this
    step).  The words must not be a title, an organisation word or part of a longer capitalised
    run (:func:`_person_ok`)."""
    norm = ctx.norm
    starts = [r.start for r in ctx.raws if r.type == "ORG" and norm.startswith(_OF_THE, r.start - len(_OF_THE))]
    if not starts:
        return []
    cctx = cctx or CueContext(norm, ctx.text, ctx.view, ctx.raws, lex)
    out = []
    for s in starts:
        toks, _ = _name_run(cctx, s - len(_OF_THE) + 1, forward=False)   # from "of"
        if 2 <= len(toks) <= 3 and _person_ok(cctx, toks[-1][0], toks[0][1]):
            out.append(Raw(toks[-1][0], toks[0][1], "PERSON", "rule", 0.65))
    return out


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
