"""The detector: alias hits + rules + acronyms + in-article memory, overlaps resolved.

See the package docstring for the design and the overlap precedence.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import Iterable

import ahocorasick

from desktop.detection import latin, rules, variants
from desktop.detection.gazetteer import GazetteerEntry, Index, ends_before_suffix, is_word_char, whole_word
from desktop.detection.lexicon import Lexicon, lexicon
from desktop.detection.normalize import NormView, fold
from desktop.detection.rules import Words
from desktop.detection.suggest import REGISTERED, Context, Raw, Suggester

#: above this many names to look for again in an article, one automaton pass replaces str.find
_RECALL_FIND_MAX = 16
#: higher wins at equal span length
SOURCE_RANK = {"learned": 3, "gazetteer": 2, "rule": 1}
_MAX_NAME_WORDS = {"latin": 4, "indic": 3}
_OPEN_QUOTES = "'\""


@dataclass(frozen=True)
class Candidate:
    """A suggestion: code-point offsets into the stored article text, end exclusive."""

    start: int
    end: int
    text: str
    type: str
    source: str            # "gazetteer" | "rule" | "learned"
    confidence: float      # 0..1
    value: str | None = None       # ISO date for DATE ("2024-04-08", "2015-10-28/2015-10-29", "--10-29")
    entity_id: int | None = None   # KB entity when an alias matched unambiguously


def _precedence(r: Raw):
    return -(r.end - r.start), -SOURCE_RANK.get(r.source, 0), -r.confidence, r.start


def resolve_overlaps(raws: Iterable[Raw]) -> list[Raw]:
    """Greedy in precedence order: longer span; then learned > gazetteer > rule; then higher
    confidence; then earlier.  No two results overlap (whatever their types).

    Raws are first cut into clusters of transitively overlapping spans; a raw alone in its
    cluster (most of them) is kept as it is, and the greedy choice runs inside each cluster,
    which gives the same result as running it over all raws at once."""
    order = sorted(raws, key=_START)
    chosen: list[Raw] = []
    cluster: list[Raw] = []
    cluster_end = -1
    for r in order:
        if r.start >= cluster_end:
            if len(cluster) == 1:
                chosen.append(cluster[0])
            elif cluster:
                chosen += _greedy(cluster)
            cluster = [r]
            cluster_end = r.end
        else:
            cluster.append(r)
            if r.end > cluster_end:
                cluster_end = r.end
    if len(cluster) == 1:
        chosen.append(cluster[0])
    elif cluster:
        chosen += _greedy(cluster)
    chosen.sort(key=_SPAN)
    return chosen


def _greedy(cluster: list[Raw]) -> list[Raw]:
    taken: list[tuple[int, int]] = []
    out = []
    for r in sorted(cluster, key=_precedence):
        if any(s < r.end and r.start < e for s, e in taken):
            continue
        taken.append((r.start, r.end))
        out.append(r)
    return out


_START = attrgetter("start")
_SPAN = attrgetter("start", "end")


def _script(word: str) -> str:
    return "latin" if word[:1].isascii() or "\u00c0" <= word[:1] <= "\u024f" else "indic"


class Detector:
    """Pure and reusable: build once from alias entries, then ``detect(text)`` per article."""

    def __init__(self, entries: Iterable[GazetteerEntry] = (), *, suppressed_keys: Iterable[str] = frozenset(),
                 lex: Lexicon | None = None, suggesters: Iterable[Suggester] | None = None):
        self.lex = lex or lexicon()
        #: run after the rules, before overlap resolution (:mod:`.suggest`); by default the
        #: suggesters registered with :func:`desktop.detection.suggest.register`
        self.suggesters: list[Suggester] = list(REGISTERED if suggesters is None else suggesters)
        self.suppressed = frozenset(fold(k) for k in suppressed_keys)
        cues = {"title": self.lex.titles, "year": self.lex.year_words, "event": self.lex.event_keywords,
                "place_org": self.lex.place_org_words}
        cues.update({f"month:{n}": [w for w, m in self.lex.months.items() if m == n] for n in range(1, 13)})
        entries = list(entries)
        self.index = Index(entries, cues, suppressed_keys=self.suppressed)
        self.variants = variants.VariantIndex(entries, self.lex, self.suppressed)

    # -- the pipeline ------------------------------------------------------------------------

    def detect(self, text: str) -> list[Candidate]:
        view = NormView(text)
        norm = view.norm
        raws: list[Raw] = []
        alias_starts: set[int] = set()   # where known names start (for the rules)
        alias_ends: dict[int, Raw] = {}
        titles: list[tuple[int, int]] = []
        months: list[tuple[int, int, int]] = []
        years: list[tuple[int, int]] = []
        events: list[tuple[int, int]] = []
        place_orgs: list[tuple[int, int]] = []
        loc_ends: dict[int, Raw] = {}
        for s, e, info in self.index.scan(norm, text, view, self.lex):
            if info.hits:
                alias_starts.add(s)
                for typ, source, conf, eid in info.hits:
                    r = Raw(s, e, typ, source, conf, None, eid)
                    raws.append(r)
                    alias_ends[e] = r
                    if typ == "LOC":
                        loc_ends[e] = r
            for cue in info.cues:
                end = s + info.length
                if cue == "title":
                    titles.append((s, end))
                elif cue == "year":
                    years.append((s, end))
                elif cue == "event":
                    events.append((s, end))
                elif cue == "place_org":
                    place_orgs.append((s, end))
                else:
                    months.append((s, end, int(cue[6:])))
        words = Words(norm)
        raws += rules.dates(norm, sorted(months), years, self.lex)
        raws += rules.numeric_dates(norm)
        for s, e in place_orgs:  # "কলকাতা পুলিশ", "Delhi University": a place's organisation
            loc = loc_ends.get(s - 1) if s > 0 and norm[s - 1] == " " else None
            if loc is not None:
                raws.append(Raw(loc.start, e, "ORG", "rule", 0.75))
        title_spans = {s: e for s, e in titles}
        for s, e in titles:  # a longer title starting at the same place wins
            title_spans[s] = max(title_spans[s], e)
        persons = self._persons(norm, text, view, words, sorted(set(titles)), title_spans, alias_starts)
        raws += persons
        memory: list[tuple[str, Raw, int]] = []   # (folded surface, template, not before)
        for p in persons:
            toks = norm[p.start:p.end].split()
            if len(toks) >= 2:
                memory.append((norm[p.start:p.end], p, p.start))
                memory.append((toks[-1], Raw(0, 0, "PERSON", "rule", 0.6), p.end))
        for r in list(raws):  # a known person's surname alone, after the full name
            if r.type == "PERSON" and r.source != "rule" and " " in norm[r.start:r.end]:
                surname = norm[r.start:r.end].rsplit(" ", 1)[1]
                if len(surname) > 2:
                    memory.append((surname, Raw(0, 0, "PERSON", r.source, 0.6, None, r.entity_id), r.end))
        for full, acr in self._acronyms(norm, text, view, words, alias_ends):
            raws += [full, acr]
            memory.append((norm[acr.start:acr.end], acr, 0))
        for ev in self._quoted_events(norm, words, events):
            raws.append(ev)
            memory.append((norm[ev.start:ev.end], ev, 0))
        raws += self._indic_orgs(norm, words, raws, title_spans)
        raws += self._initials_before_known(norm, text, view, words, raws)
        pieces = set(norm.split())  # spelling variants of known names; English capitalised-word rules
        found = self.variants.find(norm, text, view, raws, pieces)
        found += latin.find(norm, text, view, pieces, raws + found, events, self.lex)
        raws += found
        memory += latin.person_memory(norm, found)
        if memory:
            raws += self._recall(norm, text, view, memory)
        org_ends = {}
        for r in raws:
            if r.type == "ORG":
                org_ends[r.end] = r
        for s, e in events:  # "এসসিও শীর্ষ সম্মেলন", "SCO Summit": an organisation's meeting
            if norm[s:e] in self.lex.summit_words:
                q = s
                while q > 0 and norm[q - 1] == " ":
                    q -= 1
                org = org_ends.get(q) if q < s else None
                if org is not None:
                    raws.append(Raw(org.start, e, "EVENT", "rule", 0.75))
        if self.suggesters:
            ctx = Context(text, view, self.lex, raws, memory, titles, title_spans, months, years, events,
                          place_orgs, alias_starts, alias_ends, loc_ends, words)
            for sug in self.suggesters:
                raws += list(sug.suggest(ctx, self.lex))
        if self.suppressed:
            raws = [r for r in raws if norm[r.start:r.end] not in self.suppressed]
        out = []
        for r in resolve_overlaps(raws):
            a, b = view.start(r.start), view.end(r.end)
            if a < b:
                out.append(Candidate(a, b, text[a:b], r.type, r.source, r.confidence, r.value, r.entity_id))
        return out

    # -- persons after titles ------------------------------------------------------------------

    def _persons(self, norm, text, view, words: Words, titles, title_spans, alias_starts) -> list[Raw]:
        lex = self.lex
        out: list[Raw] = []
        surnames: set[str] = set()
        done_starts: set[int] = set()
        for ts, te in titles:
            if title_spans.get(ts, te) != te:
                continue  # a longer title starts here
            if te < len(norm) and is_word_char(norm[te]):
                continue  # the title carries a case ending (মন্ত্রীর, মন্ত্রীকে): no name follows
            pos = te
            # skip "." after an abbreviated title, more titles, a short parenthesis
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
            if pos in done_starts:
                continue
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
                sc = _script(w)
                if script is None:
                    script = sc
                if sc != script or w in lex.stopwords or w in lex.months or s in title_spans \
                        or any(ch.isdigit() for ch in w):
                    break
                if s in alias_starts:
                    break  # a known name starts here: the lists handle it
                bn = sc == "indic" and "\u0980" <= w[0] <= "\u09ff"
                named = sc == "indic" and (w in surnames or rules.is_name_word(w, lex))
                if sc == "indic" and not named and w not in lex.letters and w.endswith(lex.nonname_endings):
                    break  # a locative or a verb (পদে, বলেছেন): the name, if any, ended
                stem_org = bn and w[:len(w) - rules.strip_unknown_ending(w, lex)] in lex.org_keywords
                if w in lex.org_keywords or stem_org:
                    if sc == "indic" and toks:
                        break  # "<name> কমিশনের": the name ended before an organisation's head word
                    toks = []
                    break  # "General Assembly", "Secretary General's Council": not a person
                if sc == "latin":
                    if not src[:1].isupper():
                        break
                elif len(w) > 2 and rules.acronym_letters(w, src, lex) and len(toks) + 1 >= 1 \
                        and len(rules.acronym_letters(w, src, lex) or "") >= 2:
                    break  # an acronym (সিআইএসসি) after a name is not part of it
                cut = 0
                if bn and not named:
                    cut, end_before, pending = self._name_ending(norm, words, w, e, not toks, title_spans,
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
            if not toks:
                continue
            if first_cut and len(toks) == 1:
                toks[0] = (toks[0][0], toks[0][1] - first_cut)  # no name word followed: a genitive
            if len(toks) > 1 and lex.light_verbs:
                after = words.next(toks[-1][1])
                if after is not None and after[0] > toks[-1][1] and norm[after[0]:after[1]] in lex.light_verbs:
                    toks.pop()  # "<name> প্রশংসা করেন": the noun of a compound verb is no name
            # a trailing initial is not a name
            while toks and (toks[-1][1] - toks[-1][0] == 1 or norm[toks[-1][0]:toks[-1][1]] in lex.letters):
                toks.pop()
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

    def _name_ending(self, norm, words: Words, w, e, first, title_spans, surnames) -> tuple[int, bool, int]:
        """A Bengali word after a title that may carry a case ending: (characters to cut, end the
        name before the word, characters to cut if no other name word follows).  A genitive can only end a name: right after the title -র (মোদীর,
        হাসিনার) is kept when another name word follows (ভ্লাদিমির পুটিন); later in a name an
        ambiguous -ার word (a common noun's genitive as often as a name's) ends the name before it,
        and so does any word whose stem is a known common word (an event or organisation word)."""
        lex = self.lex
        cut = rules.strip_unknown_ending(w, lex)
        ambiguous = 0 if cut else rules.strip_unknown_ending(w, lex, ambiguous=True)
        if not cut and not ambiguous:
            return 0, False, 0
        stem = w[:len(w) - (cut or ambiguous)]
        if stem in lex.event_keywords or stem in lex.org_keywords or stem in lex.stopwords \
                or stem in lex.summit_words or stem in lex.titles:
            return 0, True, 0
        if stem in surnames:
            return cut or ambiguous, False, 0  # a name seen before in the article, in the genitive
        single_r = cut == 1 or ambiguous == 1
        if first and single_r and self._name_follows(norm, words, e, title_spans):
            return 0, False, cut or ambiguous  # a given name ending in -র: the name goes on
        if ambiguous and not first:
            return 0, True, 0
        return cut or ambiguous, False, 0

    def _name_follows(self, norm, words: Words, e, title_spans) -> bool:
        """True when the word after ``e`` (after spaces only) could go on a name."""
        lex = self.lex
        t = words.next(e)
        if t is None or t[0] == e:
            return False
        w = norm[t[0]:t[1]]
        if _script(w) != "indic" or w in lex.stopwords or w in lex.months or t[0] in title_spans \
                or any(ch.isdigit() for ch in w):
            return False
        if rules.is_name_word(w, lex):
            return True
        if w.endswith(lex.nonname_endings) or w in lex.org_keywords:
            return False
        stem = w[:len(w) - (rules.strip_unknown_ending(w, lex) or rules.strip_unknown_ending(w, lex, True))]
        return not (stem in lex.org_keywords or stem in lex.event_keywords or stem in lex.stopwords)

    # -- acronyms defined in parentheses -----------------------------------------------------

    def _acronyms(self, norm, text, view, words: Words, alias_ends):
        lex = self.lex
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
                        and rules.acronym_letters(acr, src, lex):
                    found = self._acronym_full_name(norm, text, view, words, p, acr, src, alias_ends)
                    if found:
                        full, typ, eid = found
                        yield full, Raw(inner_s, inner_e, typ, "rule", 0.85, None, eid)
            p = nxt

    def _acronym_full_name(self, norm, text, view, words: Words, paren, acr, src, alias_ends):
        lex = self.lex
        q = paren
        while q > 0 and norm[q - 1] == " ":
            q -= 1
        # 1. a known name right before: জাতিসংঘের (ইউএন)
        prev = words.prev(q)
        if prev is None:
            return None
        for end in range(q, max(prev[0], q - 6), -1):
            hit = alias_ends.get(end)
            if hit is not None and (end == q or norm[end:q] in lex.suffixes.get("bn", ())):
                if hit.type in ("ORG", "LOC", "EVENT"):
                    return Raw(hit.start, hit.end, hit.type, hit.source, hit.confidence, None, hit.entity_id), \
                        hit.type, hit.entity_id
                return None
        # 2. words ending in an organisation head word, at most one word per letter
        letters = rules.acronym_letters(acr, src, lex) or ""
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
            if toks and "\u0980" <= w[:1] <= "\u09ff" and rules.strip_unknown_ending(w, lex):
                break  # a genitive before the name qualifies it: ভারতের | বিদেশ মন্ত্রক
            toks.append(t)
            counted += w not in lex.connectors
            pos = t[0]
        while toks and norm[toks[-1][0]:toks[-1][1]] in lex.connectors:
            toks.pop()
        if len(toks) < 2 and not (toks and norm[toks[0][0]:toks[0][1]] in lex.org_keywords):
            return None
        head = norm[toks[0][0]:toks[0][1]]
        cut = rules.strip_unknown_ending(head, lex) if "\u0980" <= head[:1] <= "\u09ff" else 0
        if head not in lex.org_keywords and head[:len(head) - cut] not in lex.org_keywords:
            return None
        if _script(head) == "latin":
            initials = "".join(text[view.start(s)] for s, _ in reversed(toks)
                               if norm[s:_] not in lex.connectors)
            if not initials.isupper():
                return None
        end = toks[0][1] - (cut if head not in lex.org_keywords else 0)
        return Raw(toks[-1][0], end, "ORG", "rule", 0.8), "ORG", None

    # -- Indic organisation names ending in a head word -----------------------------------------

    def _indic_orgs(self, norm, words: Words, raws, title_spans) -> list[Raw]:
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
        lex = self.lex
        bn_suffixes = lex.suffixes.get("bn", frozenset())
        n = len(norm)
        not_mod = rules.not_org_modifiers(lex)
        of_words = tuple(" " + w for w in lex.org_of) or ("\0",)
        persons = places = ruled = None
        out: list[Raw] = []
        if not rules.has_indic(norm):
            return out
        for last, length in rules.org_heads(lex).iter(norm):
            hs, he = last - length + 1, last + 1
            if hs > 0 and norm[hs - 1] != " " and is_word_char(norm[hs - 1]):
                continue  # inside a word (दल in प्रतिनिधिदल)
            if he < n and norm[he] != " " and is_word_char(norm[he]) \
                    and not ends_before_suffix(norm, he, bn_suffixes):
                continue
            if ruled is None:
                persons = set()
                for r in raws:
                    if r.type == "PERSON":
                        persons.update(range(r.start, r.end))
                places = {r.start: r.end for r in raws if r.type == "LOC"}
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
            while len(mods) < 4:
                t = words.prev(pos)
                if t is None or t[1] == pos or norm[t[1]:pos].strip(" \t"):
                    break
                w = norm[t[0]:t[1]]
                if w in not_mod or t[0] in title_spans or t[0] in persons or w.endswith(lex.org_break_endings) \
                        or _script(w) != "indic" or any(map(str.isdigit, w)):
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

    def _initials_before_known(self, norm, text, view, words: Words, raws) -> list[Raw]:
        """A known person's name after initials (एस. राव, জে.পি. মিত্র, S. Rao when only
        the surname is known): the initials join the name, linked to the same entity.  An initial
        is one Latin capital or an Indic letter name (letters.tsv) followed by ".", or an Indic
        letter name of two or more characters that is not a stop word (এস রাও)."""
        lex = self.lex
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
                if _script(w) == "latin":
                    ok = dot and len(w) == 1 and text[view.start(t[0])].isupper()
                else:
                    ok = w in lex.letters and (dot or len(w) >= 2 and w not in lex.stopwords)
                if not ok or t[0] > 0 and norm[t[0] - 1] == "-":
                    break
                start = t[0]
            if start < r.start:
                out.append(Raw(start, r.end, "PERSON", r.source, r.confidence, None, r.entity_id))
        return out

    # -- quoted names of exercises and operations ----------------------------------------------

    def _quoted_events(self, norm, words: Words, events):
        kw_near = sorted(events)
        if not kw_near:
            return
        import bisect

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

    # -- in-article memory: acronyms, surnames, event names seen elsewhere in the article -------

    def _recall(self, norm, text, view, memory) -> list[Raw]:
        entries: dict[str, tuple[Raw, int]] = {}
        for surface, tmpl, not_before in memory:
            if not surface:
                continue
            seen = entries.get(surface)
            # the first template per surface, unless a later one knows the entity (a rule and a
            # known name's variant found the same person: recall the surname with the link)
            if seen is None or seen[0].entity_id is None and tmpl.entity_id is not None:
                entries[surface] = (tmpl, min(not_before, seen[1]) if seen else not_before)
        suffixes = self.lex.suffixes.get("bn", frozenset())
        out = []
        if len(entries) <= _RECALL_FIND_MAX:
            for key, (tmpl, not_before) in entries.items():
                s = norm.find(key, not_before)
                while s >= 0:
                    e = s + len(key)
                    if whole_word(norm, s, e, suffixes):
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
            if s >= not_before and whole_word(norm, s, e, suffixes):
                out.append(Raw(s, e, tmpl.type, tmpl.source, min(tmpl.confidence, 0.75), tmpl.value, tmpl.entity_id))
        return out
