"""Acronyms defined in parentheses: ``Full Name (ACR)``, the acronym in any script (এসসিও,
एससीओ, SCO; ``letters.tsv`` reads spelled-out Latin letters).  The acronym takes the type and
entity of a known name right before it (জাতিসংঘের (ইউএন)), or is an ORG when the words before
it end in an organisation head word, at most one word per letter (Latin initials must be
capitals).  The acronym is then looked for again in the rest of the article (:mod:`.memory`).
"""

from __future__ import annotations

from desktop.detection.rules.common import Words, acronym_letters, strip_unknown_ending
from desktop.detection.suggest import Context, Raw
from desktop.language.lexicon import Lexicon
from desktop.language.scripts import is_word_char, word_script

name = "acronyms"


def suggest(ctx: Context, lex: Lexicon) -> list[Raw]:
    out: list[Raw] = []
    norm = ctx.norm
    for full, acr in acronyms(lex, norm, ctx.text, ctx.view, ctx.words, ctx.alias_ends):
        out += [full, acr]
        ctx.memory.append((norm[acr.start:acr.end], acr, 0))
    return out


def acronyms(lex: Lexicon, norm, text, view, words: Words, alias_ends):
    p = norm.find("(")
    while p >= 0:
        close = norm.find(")", p, p + 40)
        nxt = norm.find("(", p + 1)
        if close > 0:
            inner_s, inner_e = p + 1, close
            while inner_s < inner_e and norm[inner_s] == " ":
                inner_s += 1
            while inner_e > inner_s and norm[inner_e - 1] == " ":
                inner_e -= 1
            acr = norm[inner_s:inner_e]
            src = text[view.start(inner_s):view.end(inner_e)]
            if acr and " " not in acr and all(is_word_char(c) or c in "-&" for c in acr) \
                    and acronym_letters(acr, src, lex):
                found = _acronym_full_name(lex, norm, text, view, words, p, acr, src, alias_ends)
                if found:
                    full, typ, eid = found
                    yield full, Raw(inner_s, inner_e, typ, "rule", 0.85, None, eid)
        p = nxt


def _acronym_full_name(lex: Lexicon, norm, text, view, words: Words, paren, acr, src, alias_ends):
    q = paren
    while q > 0 and norm[q - 1] == " ":
        q -= 1
    # 1. a known name right before: জাতিসংঘের (ইউএন)
    prev = words.prev(q)
    if prev is None:
        return None
    for end in range(q, max(prev[0], q - 6), -1):
        hit = alias_ends.get(end)
        if hit is not None and (end == q or norm[end:q] in lex.case_endings):
            if hit.type in ("ORG", "LOC", "EVENT"):
                return Raw(hit.start, hit.end, hit.type, hit.source, hit.confidence, None, hit.entity_id), \
                    hit.type, hit.entity_id
            return None
    # 2. words ending in an organisation head word, at most one word per letter
    letters = acronym_letters(acr, src, lex) or ""
    toks = []
    pos = q
    counted = 0
    while counted < len(letters):
        t = words.prev(pos)
        if t is None or t[1] != pos and norm[t[1]:pos].strip(" "):
            break
        w = norm[t[0]:t[1]]
        if w in lex.stopwords and w not in lex.connectors or any(c.isdigit() for c in w):
            break
        if toks and lex.inflects(w[:1]) and strip_unknown_ending(w, lex):
            break  # a genitive before the name qualifies it: ভারতের | বিদেশ মন্ত্রক
        toks.append(t)
        counted += w not in lex.connectors
        pos = t[0]
    while toks and norm[toks[-1][0]:toks[-1][1]] in lex.connectors:
        toks.pop()
    if len(toks) < 2 and not (toks and norm[toks[0][0]:toks[0][1]] in lex.org_keywords):
        return None
    head = norm[toks[0][0]:toks[0][1]]
    cut = strip_unknown_ending(head, lex) if lex.inflects(head[:1]) else 0
    if head not in lex.org_keywords and head[:len(head) - cut] not in lex.org_keywords:
        return None
    if word_script(head) == "latin":
        initials = "".join(text[view.start(s)] for s, _ in reversed(toks)
                           if norm[s:_] not in lex.connectors)
        if not initials.isupper():
            return None
    end = toks[0][1] - (cut if head not in lex.org_keywords else 0)
    return Raw(toks[-1][0], end, "ORG", "rule", 0.8), "ORG", None
