"""Organisations found by rule: a place followed by an organisation word (কলকাতা পুলিশ, Delhi
University: ``place_org`` in ``words.tsv``), and Bengali/Hindi names ending in a head word.
(English organisations by their head word are in :mod:`.english`.)
"""

from __future__ import annotations

from desktop.detection.gazetteer import ends_before_suffix
from desktop.detection.rules.common import Words, not_org_modifiers, org_heads
from desktop.detection.rules.english_common import words as cue_words
from desktop.detection.suggest import Context, Raw
from desktop.language.lexicon import Lexicon
from desktop.language.scripts import has_indic, is_word_char, word_script

name = "organisations"


def place_orgs(ctx: Context, lex: Lexicon) -> list[Raw]:
    """"কলকাতা পুলিশ", "Delhi University": a known place right before an organisation word."""
    norm = ctx.norm
    out = []
    for s, e in ctx.place_orgs:
        loc = ctx.loc_ends.get(s - 1) if s > 0 and norm[s - 1] == " " else None
        if loc is not None:
            out.append(Raw(loc.start, e, "ORG", "rule", 0.75))
    return out


def suggest(ctx: Context, lex: Lexicon) -> list[Raw]:
    """Bengali and Hindi organisations by their head word."""
    return _indic_orgs(lex, ctx.norm, ctx.words, ctx.raws, ctx.title_spans)


def _indic_orgs(lex: Lexicon, norm, words: Words, raws, title_spans) -> list[Raw]:
    """দুর্নীতি দমন কমিশন, রাজশাহী বিশ্ববিদ্যালয়, उच्चतम न्यायालय: one to four modifier words
    before a Bengali or Hindi organisation head word (``org`` in words.tsv; a Bengali head may
    carry a case ending: কমিশনকে).  The name starts after a stop word, a title, a digit,
    punctuation, a person, a word from ``org_stop`` (নতুন, विपक्षी, participles like "held") or a
    word with an ``org_break_ending`` — a genitive qualifies the name and is left out (চীনের |
    বাণিজ্য মন্ত্রণালয়, चीन के | वाणिज्य मंत्रालय); a known place is kept when only ``org_weak``
    words stand between it and the head (রাজশাহী বিশ্ববিদ্যালয়, নেপাল হকি ফেডারেশন).  A bare head
    word is no name, nor are only ``org_weak`` modifiers (জাতীয় দল, केंद्रीय समिति), nor one
    modifier before an ``org_loose`` head that also means a team (স্বাগতিক দল); a head
    followed by a transliterated "of" (``org_of``) is left to the lists."""
    n = len(norm)
    not_mod = not_org_modifiers(lex)
    adj_endings = cue_words(lex).adj_endings
    of_words = tuple(" " + w for w in lex.org_of) or ("\0",)
    persons = places = ruled = known_starts = None
    out: list[Raw] = []
    if not has_indic(norm):
        return out
    for last, length in org_heads(lex).iter(norm):
        hs, he = last - length + 1, last + 1
        if hs > 0 and norm[hs - 1] != " " and is_word_char(norm[hs - 1]):
            continue  # inside a word (दल in प्रतिनिधिदल)
        if he < n and norm[he] != " " and is_word_char(norm[he]) \
                and not ends_before_suffix(norm, he, lex):
            continue
        if ruled is None:
            persons = set()
            for r in raws:
                if r.type == "PERSON":
                    persons.update(range(r.start, r.end))
            places = {r.start: r.end for r in raws if r.type == "LOC"}
            known_starts = {r.start for r in raws if r.source != "rule"}   # a known name is one of the two
            # a full name before "(ACR)" or a place's organisation found by a rule stands
            ruled = {r.end for r in raws if r.type == "ORG" and r.source == "rule"}
        if he in ruled:
            continue
        if norm.startswith(of_words, he):
            nxt = words.next(he)
            if nxt is not None and norm[nxt[0]:nxt[1]] in lex.org_of:
                continue  # "<head> অফ ...": the name goes on in English word order
        mods: list[tuple[int, int]] = []
        pos = hs

        def modifier(t) -> bool:
            w = norm[t[0]:t[1]]
            # a generic modifier (যৌথ, केंद्रीय) is inside a name even where it also ends a person's
            return not ((w in not_mod and w not in lex.org_weak) or t[0] in title_spans or t[0] in persons
                        or w.endswith(lex.org_break_endings) or word_script(w) != "indic"
                        or any(map(str.isdigit, w)))

        while len(mods) < 4:
            t = words.prev(pos)
            if t is None or t[1] == pos or norm[t[1]:pos].strip(" \t"):
                break
            w = norm[t[0]:t[1]]
            if w in lex.connectors and mods and len(mods) < 3 and not any(m[0] in known_starts for m in mods):
                # "দুর্যোগ ব্যবস্থাপনা ও ত্রাণ মন্ত্রণালয়": a connector joins two modifiers of one name
                t0 = words.prev(t[0])
                w0 = norm[t0[0]:t0[1]] if t0 is not None else ""
                # not two names (সেনাবাহিনী এবং ... বাহিনী: a head word before the connector) nor two
                # adjectives (অর্থনৈতিক এবং নিরাপত্তা সংস্থা: a description)
                if t0 is not None and t0[1] < t[0] and not norm[t0[1]:t[0]].strip(" \t") and modifier(t0) \
                        and w0 not in lex.org_weak and w0 not in lex.org_keywords and t0[0] not in known_starts \
                        and not w0.endswith(adj_endings):
                    mods += [t, t0]
                    pos = t0[0]
                    continue
                break
            if not modifier(t):
                break
            if places.get(t[0]) == t[1] and any(norm[a:b] not in lex.org_weak for a, b in mods):
                break  # a place before a name (<place> | <name> <head>) is its subject, not part of it
            mods.append(t)
            pos = t[0]
        if norm[hs:he] in lex.org_loose and len(mods) < 2:
            continue  # স্বাগতিক দল: a team, not a party's name
        if any(norm[a:b] not in lex.org_weak for a, b in mods):
            out.append(Raw(mods[-1][0], he, "ORG", "rule", 0.7))
    return out
