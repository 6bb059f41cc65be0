"""Events found by rule: a quoted name next to an exercise/operation keyword (``event`` in
``words.tsv``: 'Sampriti', "Kazind"), looked for again in the article; and an organisation's
name followed by a summit word (এসসিও শীর্ষ সম্মেলন, SCO Summit).  Named events in English and
unquoted Bengali/Hindi ones next to a keyword are in :mod:`.english`.
"""

from __future__ import annotations

import bisect

from desktop.detection.rules.common import Words
from desktop.detection.suggest import Context, Raw
from desktop.language.lexicon import Lexicon
from desktop.language.scripts import is_word_char

name = "events"
_OPEN_QUOTES = "'\""


def suggest(ctx: Context, lex: Lexicon) -> list[Raw]:
    """Quoted names next to an event keyword."""
    out = []
    norm = ctx.norm
    for ev in _quoted_events(norm, ctx.words, ctx.events):
        out.append(ev)
        ctx.memory.append((norm[ev.start:ev.end], ev, 0))
    return out


def summits(ctx: Context, lex: Lexicon) -> list[Raw]:
    """"এসসিও শীর্ষ সম্মেলন", "SCO Summit": an organisation's meeting (it runs last, after the
    in-article memory found every organisation)."""
    norm = ctx.norm
    org_ends = {}
    for r in ctx.raws:
        if r.type == "ORG":
            org_ends[r.end] = r
    out = []
    for s, e in ctx.events:
        if norm[s:e] in lex.summit_words:
            q = s
            while q > 0 and norm[q - 1] == " ":
                q -= 1
            org = org_ends.get(q) if q < s else None
            if org is not None:
                out.append(Raw(org.start, e, "EVENT", "rule", 0.75))
    return out


def _quoted_events(norm, words: Words, events):
    kw_near = sorted(events)
    if not kw_near:
        return
    starts = [s for s, _ in kw_near]
    for q in _OPEN_QUOTES:
        p = norm.find(q)
        while p >= 0:
            opening = (p == 0 or not is_word_char(norm[p - 1])) and p + 1 < len(norm) and is_word_char(norm[p + 1])
            close = norm.find(q, p + 1, p + 60) if opening else -1
            if close > 0 and "\n" not in norm[p:close] and (close + 1 >= len(norm) or not is_word_char(norm[close + 1])):
                inner = norm[p + 1:close].strip()
                n_words = len(inner.split())
                if inner and n_words <= 5:
                    # a keyword inside, or within ~30 characters before or after the quotes
                    i = bisect.bisect_left(starts, p - 40)
                    near = any(p - 40 <= s <= close + 40 for s in starts[i:i + 8])
                    if near:
                        s0 = p + 1 + (len(norm[p + 1:close]) - len(norm[p + 1:close].lstrip()))
                        yield Raw(s0, s0 + len(inner), "EVENT", "rule", 0.7)
                p = norm.find(q, close + 1)
                continue
            p = norm.find(q, p + 1)
