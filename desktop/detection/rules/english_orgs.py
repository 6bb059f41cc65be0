"""English organisations: capitalised words ending in a head word ("Election Commission", "Delhi
High Court"), or a head word followed by "of"/"for"/"on" and capitalised words ("Ministry of
External Affairs", "Reserve Bank of India"); "and"/"&" join a one-word group ("Jammu and Kashmir
Police").  A head word alone ("The Ministry") is nothing; "X Court and Y Ltd" is two
organisations.  Word lists and word context: :mod:`.english_common`.
"""

from __future__ import annotations

from desktop.detection.rules.english_common import CueContext, cue_context, cue_hits, sentence_start, words
from desktop.detection.suggest import Context, Raw
from desktop.language.lexicon import Lexicon

name = "english_orgs"

_MAX_PRE = 5


def suggest(ctx: Context, lex: Lexicon) -> list[Raw]:
    cues, cctx = cue_context(ctx, lex, words(lex).org_head)
    if cctx is None:
        return []
    return [r for _, s, e in cue_hits(ctx.norm, cues) if (r := _org(cctx, s, e))]


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
