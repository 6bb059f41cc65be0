"""Places found by rule: a name before a kind-of-place word (``place_word`` in the
English pack's ``latin_words.tsv``, ``indic_place_word`` in the Bengali and Hindi packs'
``place_words.tsv``).

* English: one or two capitalised words before a lower-case kind-of-place word ("Pune
  district", "the Teesta river"), not at a sentence start when it is one word, not a name the
  lists know, not after another capitalised word.
* Bengali and Hindi: one word that could be a name before such a word, in any of its case
  forms (<name> জেলার, <name> नदी), not a modifier from the ``place_nonname`` list.
"""

from __future__ import annotations

from desktop.detection.rules.english_common import CueContext, cue_hits, indic_name, sentence_start, words
from desktop.detection.suggest import Context, Raw
from desktop.language.lexicon import Lexicon

name = "places"


def suggest(ctx: Context, lex: Lexicon) -> list[Raw]:
    w = words(lex)
    present = ctx.pieces & w.cues.keys()
    cues = {w.cues[p] for p in present} & (w.place_word | w.indic_place_word)
    if not cues:
        return []
    wctx = CueContext(ctx.norm, ctx.text, ctx.view, ctx.raws, lex)
    out: list[Raw] = []
    for cue, s, e in cue_hits(ctx.norm, cues):
        if cue in w.indic_place_word and (r := _indic_place(wctx, s, e)):
            out.append(r)
        if cue in w.place_word and (r := _place(wctx, s, e)):
            out.append(r)
    return out


def _place(ctx: CueContext, ks: int, ke: int) -> Raw | None:
    if ctx.cap(ks):
        return None
    toks = []
    pos = ks
    while len(toks) < 3:
        t = ctx.prev(pos)
        if t is None or not ctx.name_word(t, person=True):
            break
        toks.append(t)
        pos = t[0]
    if not 1 <= len(toks) <= 2:
        return None
    s, e = toks[-1][0], toks[0][1]
    if ctx.known_at(s, e) is not None or ctx.possessive(e):
        return None
    before = ctx.prev(s)
    if before is not None and ctx.cap(before[0]) and not sentence_start(ctx, s):
        return None
    if len(toks) == 1 and sentence_start(ctx, s):
        return None
    return Raw(s, e, "LOC", "rule", 0.65)


def _indic_place(ctx: CueContext, ks: int, ke: int) -> Raw | None:
    """<name> জেলার, <name> नदी: the one word before a kind-of-place word, when it could be a name
    (not a stop word, modifier, adjective, inflected word or a name the lists know)."""
    t = ctx.prev(ks)
    if t is None or ctx.norm[t[0]:t[1]] in ctx.w.place_nonname or not indic_name(ctx, t):
        return None
    if ctx.known_at(*t) is not None:
        return None
    return Raw(t[0], t[1], "LOC", "rule", 0.6)
