"""Persons: after a title or rank, a known person's surname later on, initials before a known name.

* After a title (``titles.tsv``; chains like "রক্ষা সচিব ডॉ." are skipped, as is a short
  parenthesis): up to three Indic or four Latin name words, the span without the title.  A name
  stops at a stop word, a digit, punctuation, a month, a known name (the lists handle it), an
  organisation's head word, an acronym, a case ending on a word the lists don't know (the span
  ends before it), or a surname already seen.  One capitalised word after an English title
  counts only after an honorific (Mr, Dr): "General Assembly" is no person.
* In-article memory: a person with two or more words found here is looked for again, and so is
  the surname alone after the full name (:mod:`.memory`); the same for a known person's alias.
* Initials (एस. जयशंकर, জে.পি. …) before a known name join it, linked to the same entity.
"""

from __future__ import annotations

from desktop.detection.rules.common import Words, acronym_letters, is_name_word, strip_unknown_ending
from desktop.detection.suggest import Context, Raw
from desktop.language.lexicon import Lexicon
from desktop.language.scripts import is_word_char, word_script

name = "persons"
#: the longest name after a title, in words, by script (Indic names are shorter in words)
_MAX_NAME_WORDS = {"latin": 4, "indic": 3}


def suggest(ctx: Context, lex: Lexicon) -> list[Raw]:
    norm = ctx.norm
    persons = _persons(lex, norm, ctx.text, ctx.view, ctx.words, sorted(set(ctx.titles)), ctx.title_spans,
                       ctx.alias_starts, ctx.alias_ends)
    for p in persons:
        toks = norm[p.start:p.end].split()
        if len(toks) >= 2:
            ctx.memory.append((norm[p.start:p.end], p, p.start))
            ctx.memory.append((toks[-1], Raw(0, 0, "PERSON", "rule", 0.6), p.end))
    for r in ctx.raws + persons:  # a known person's surname alone, after the full name
        if r.type == "PERSON" and r.source != "rule" and " " in norm[r.start:r.end]:
            surname = norm[r.start:r.end].rsplit(" ", 1)[1]
            if len(surname) > 2:
                ctx.memory.append((surname, Raw(0, 0, "PERSON", r.source, 0.6, None, r.entity_id), r.end))
    return persons


def initials(ctx: Context, lex: Lexicon) -> list[Raw]:
    """Initials before a known person's name (a step of its own: it runs after the organisation
    rules, see ``desktop.detection.rules.RULES``)."""
    return _initials_before_known(lex, ctx.norm, ctx.text, ctx.view, ctx.words, ctx.raws)


def _persons(lex: Lexicon, norm, text, view, words: Words, titles, title_spans, alias_starts,
             alias_ends=None) -> list[Raw]:
    out: list[Raw] = []
    surnames: set[str] = set()
    done_starts: set[int] = set()
    for ts, te in titles:
        if title_spans.get(ts, te) != te:
            continue  # a longer title starts here
        known = alias_ends.get(te) if alias_ends else None
        if known is not None and known.type == "PERSON" and known.start < ts:
            continue  # the word ends a known person's name (शुभेंदु अधिकारी: Adhikari is a surname too)
        if te < len(norm) and is_word_char(norm[te]):
            continue  # the title carries a case ending (মন্ত্রীর, মন্ত্রীকে): no name follows
        pos = _after_titles(norm, te, title_spans)
        if pos in done_starts:
            continue
        toks, script, first_cut = _name_words(lex, norm, text, view, words, pos, title_spans, alias_starts,
                                              surnames)
        toks = _trim(lex, norm, words, toks, first_cut)
        if not toks:
            continue
        single = norm[toks[0][0]:toks[0][1]] if len(toks) == 1 else None
        if single is not None and single not in surnames:
            if script == "latin" and norm[ts:te] not in lex.honorifics:
                continue  # one capitalised word after an English title is too often not a name
            if script == "indic" and len(single) < 3:
                continue  # मंत्री पद: a short word is not a name
        start, end = toks[0][0], toks[-1][1]
        after = words.next(end)
        if len(toks) == 1 and after is not None and after[0] in title_spans:
            continue  # "Chief of General Staff Lieutenant General ...": a title, not a name
        done_starts.add(pos)
        out.append(Raw(start, end, "PERSON", "rule", 0.8 if len(toks) > 1 else 0.7))
        if len(toks) > 1:
            surnames.add(norm[toks[-1][0]:toks[-1][1]])
    return out


def _name_words(lex: Lexicon, norm, text, view, words: Words, pos: int, title_spans, alias_starts,
                surnames) -> tuple[list[tuple[int, int]], str | None, int]:
    """The name words from ``pos`` on (as spans, the last one without a case ending the lists
    don't know), their script, and how much of the first word to cut when no other follows."""
    toks: list[tuple[int, int]] = []
    script = None
    p = pos
    first_cut = 0   # the first word's -র, kept only if another name word follows
    while True:
        t = words.next(p)
        if t is None:
            break
        s, e = t
        w = norm[s:e]
        src = text[view.start(s):view.end(e)]
        sc = word_script(w)
        if script is None:
            script = sc
        if sc != script or w in lex.stopwords or w in lex.months or s in title_spans \
                or any(ch.isdigit() for ch in w):
            break
        if s in alias_starts:
            break  # a known name starts here: the lists handle it
        bn = sc == "indic" and lex.inflects(w[0])
        named = sc == "indic" and (w in surnames or is_name_word(w, lex))
        if sc == "indic" and not named and w not in lex.letters and w.endswith(lex.nonname_endings):
            break  # a locative or a verb (পদে, বলেছেন): the name, if any, ended
        stem_org = bn and w[:len(w) - strip_unknown_ending(w, lex)] in lex.org_keywords
        if w in lex.org_keywords or stem_org:
            if sc == "indic" and toks:
                break  # "<name> কমিশনের": the name ended before an organisation's head word
            toks = []
            break  # "General Assembly", "Secretary General's Council": not a person
        if sc == "latin":
            if not src[:1].isupper():
                break
        elif len(w) > 2 and len(acronym_letters(w, src, lex) or "") >= 2:
            break  # an acronym (সিআইএসসি) after a name is not part of it
        cut = 0
        if bn and not named:
            cut, end_before, pending = _name_ending(lex, norm, words, w, e, not toks, title_spans,
                                                         surnames)
            if end_before:
                break
            if pending:
                first_cut = pending
        toks.append((s, e - cut))
        if cut or w in surnames or len(toks) >= _MAX_NAME_WORDS[sc]:
            break
        p = e
        if p < len(norm) and norm[p] == "." and (
                sc == "latin" and e - s == 1 or sc == "indic" and (w in lex.letters or e - s <= 2)):
            p += 1  # an initial: "S. Rao", "एस. राव"
        elif p < len(norm) and norm[p] not in " \t":
            break
    return toks, script, first_cut


def _after_titles(norm: str, te: int, title_spans) -> int:
    """Where a name after the title ending at ``te`` may start: past the "." of an abbreviated
    title, more titles ("রক্ষা সচিব ডॉ.") and a short parenthesis."""
    pos = te
    for _ in range(4):
        while pos < len(norm) and norm[pos] in ". ":
            pos += 1
        if pos in title_spans:
            pos = title_spans[pos]
            continue
        if pos < len(norm) and norm[pos] == "(":
            close = norm.find(")", pos, pos + 25)
            if close > 0:
                pos = close + 1
                continue
        break
    return pos


def _trim(lex: Lexicon, norm, words: Words, toks: list[tuple[int, int]], first_cut: int) -> list[tuple[int, int]]:
    """The name words after a title without what only looked like a name at their end."""
    if first_cut and len(toks) == 1:
        toks[0] = (toks[0][0], toks[0][1] - first_cut)  # no name word followed: a genitive
    if len(toks) > 1 and lex.light_verbs:
        after = words.next(toks[-1][1])
        if after is not None and after[0] > toks[-1][1] and norm[after[0]:after[1]] in lex.light_verbs:
            toks.pop()  # "<name> প্রশংসা করেন": the noun of a compound verb is no name
    # a trailing initial is not a name
    while toks and (toks[-1][1] - toks[-1][0] == 1 or norm[toks[-1][0]:toks[-1][1]] in lex.letters):
        toks.pop()
    return toks


def _name_ending(lex: Lexicon, norm, words: Words, w, e, first, title_spans, surnames) -> tuple[int, bool, int]:
    """A Bengali word after a title that may carry a case ending: (characters to cut, end the
    name before the word, characters to cut if no other name word follows).  A genitive can only end a name: right after the title -র (মোদীর,
    হাসিনার) is kept when another name word follows (ভ্লাদিমির পুটিন); later in a name an
    ambiguous -ার word (a common noun's genitive as often as a name's) ends the name before it,
    and so does any word whose stem is a known common word (an event or organisation word)."""
    cut = strip_unknown_ending(w, lex)
    ambiguous = 0 if cut else strip_unknown_ending(w, lex, ambiguous=True)
    if not cut and not ambiguous:
        return 0, False, 0
    stem = w[:len(w) - (cut or ambiguous)]
    if stem in lex.event_keywords or stem in lex.org_keywords or stem in lex.stopwords \
            or stem in lex.summit_words or stem in lex.titles:
        return 0, True, 0
    if stem in surnames:
        return cut or ambiguous, False, 0  # a name seen before in the article, in the genitive
    single_r = cut == 1 or ambiguous == 1
    if first and single_r and _name_follows(lex, norm, words, e, title_spans):
        return 0, False, cut or ambiguous  # a given name ending in -র: the name goes on
    if ambiguous and not first:
        return 0, True, 0
    return cut or ambiguous, False, 0


def _name_follows(lex: Lexicon, norm, words: Words, e, title_spans) -> bool:
    """True when the word after ``e`` (after spaces only) could go on a name."""
    t = words.next(e)
    if t is None or t[0] == e:
        return False
    w = norm[t[0]:t[1]]
    if word_script(w) != "indic" or w in lex.stopwords or w in lex.months or t[0] in title_spans \
            or any(ch.isdigit() for ch in w):
        return False
    if is_name_word(w, lex):
        return True
    if w.endswith(lex.nonname_endings) or w in lex.org_keywords:
        return False
    stem = w[:len(w) - (strip_unknown_ending(w, lex) or strip_unknown_ending(w, lex, True))]
    return not (stem in lex.org_keywords or stem in lex.event_keywords or stem in lex.stopwords)


def _initials_before_known(lex: Lexicon, norm, text, view, words: Words, raws) -> list[Raw]:
    """A known person's name after initials (एस. राव, জে.পি. মিত্র, S. Rao when only
    the surname is known): the initials join the name, linked to the same entity.  An initial
    is one Latin capital or an Indic letter name (letters.tsv) followed by ".", or an Indic
    letter name of two or more characters that is not a stop word (এস রাও)."""
    out: list[Raw] = []
    for r in [r for r in raws if r.type == "PERSON" and r.source != "rule" and r.start > 1
              and norm[r.start - 1] == " "]:
        if norm[r.start - 2] != "." and norm[max(0, r.start - 9):r.start - 1].rsplit(" ", 1)[-1] \
                not in lex.letters:
            continue  # no initial right before: the usual case, decided cheaply
        start = r.start
        for _ in range(3):
            q = start
            dot = q > 0 and norm[q - 1] == "."
            while q > 0 and norm[q - 1] in " .":
                q -= 1
            dot = dot or norm[q:start].startswith(".")
            t = words.prev(q)
            if t is None or t[1] != q or q == start and not dot:
                break
            w = norm[t[0]:t[1]]
            if word_script(w) == "latin":
                ok = dot and len(w) == 1 and text[view.start(t[0])].isupper()
            else:
                ok = w in lex.letters and (dot or len(w) >= 2 and w not in lex.stopwords)
            if not ok or t[0] > 0 and norm[t[0] - 1] == "-":
                break
            start = t[0]
        if start < r.start:
            out.append(Raw(start, r.end, "PERSON", r.source, r.confidence, None, r.entity_id))
    return out
