"""In-article memory: names found once are looked for again in the same article.

The rules before this one leave entries in ``ctx.memory`` — (surface, template, not before): an
acronym defined in parentheses, a quoted event name, a person with two or more words and, after
the full name only, the surname alone (linked like the full name when a list knew it).  Every
whole-word occurrence becomes a candidate like its template, at most 0.75 confident.
"""

from __future__ import annotations

import ahocorasick

from desktop.detection.gazetteer import whole_word
from desktop.detection.suggest import Context, Raw
from desktop.language.lexicon import Lexicon

name = "memory"
#: above this many names to look for again in an article, one automaton pass replaces str.find
_RECALL_FIND_MAX = 16


def suggest(ctx: Context, lex: Lexicon) -> list[Raw]:
    return recall(lex, ctx.norm, ctx.memory) if ctx.memory else []


def recall(lex: Lexicon, norm: str, memory) -> list[Raw]:
    entries: dict[str, tuple[Raw, int]] = {}
    for surface, tmpl, not_before in memory:
        if not surface:
            continue
        seen = entries.get(surface)
        # the first template per surface, unless a later one knows the entity (a rule and a
        # known name's variant found the same person: recall the surname with the link)
        if seen is None or seen[0].entity_id is None and tmpl.entity_id is not None:
            entries[surface] = (tmpl, min(not_before, seen[1]) if seen else not_before)
    out = []
    if len(entries) <= _RECALL_FIND_MAX:
        for key, (tmpl, not_before) in entries.items():
            s = norm.find(key, not_before)
            while s >= 0:
                e = s + len(key)
                if whole_word(norm, s, e, lex):
                    out.append(Raw(s, e, tmpl.type, tmpl.source, min(tmpl.confidence, 0.75), tmpl.value,
                                   tmpl.entity_id))
                s = norm.find(key, s + 1)
        return out
    # a long text with many names to look for again: one automaton pass instead of one
    # str.find pass per name (same hits: every occurrence of every key)
    auto = ahocorasick.Automaton()
    for key, (tmpl, not_before) in entries.items():
        auto.add_word(key, (len(key), tmpl, not_before))
    auto.make_automaton()
    for last, (length, tmpl, not_before) in auto.iter(norm):
        s = last - length + 1
        e = last + 1
        if s >= not_before and whole_word(norm, s, e, lex):
            out.append(Raw(s, e, tmpl.type, tmpl.source, min(tmpl.confidence, 0.75), tmpl.value, tmpl.entity_id))
    return out
