"""Entity detection for Bengali, Hindi and English news — Qt-free; the detector needs no database.

Design
------
* **One scan.**  :class:`Detector` holds one Aho–Corasick automaton (pyahocorasick) with every
  alias of the knowledge base *and* the cue words of the rules (titles, month names, year words,
  event keywords), so an article is scanned once, in C.  No large regex alternation.
* **Normalised view** (:mod:`desktop.language.fold`): NFC text folded for matching — dash and quote variants
  unified, ZWJ/ZWNJ dropped, nukta letters decomposed, whitespace unified, case folded — with an
  offset map back to the stored text (the identity when folding kept the length).
* **Learning.**  The service (:mod:`.service`) builds the detector from every KB alias (bundled
  ones count as source ``gazetteer``; curators', learned and imported ones as ``learned``) plus
  the surfaces of confirmed mentions without an entity; a surface rejected in 3+ articles and
  never confirmed is suppressed.  A learned Bengali surface ending in a vowel-sign case ending
  (a curator's selection is widened to whole grapheme clusters: মানেকশ সেন্টারে) is learned as
  its stem.
* **Whole words.**  A hit counts at word boundaries.  A Bengali hit may be followed by a case
  ending from ``resources/languages/bn/suffixes.tsv`` glued on (কাজাখস্তানের, আস্তানায়); the span
  ends before it — also when the ending starts with a vowel sign (কাজাখস্তান|ের), where the end
  falls inside an extended grapheme cluster (ন + ে) but on the morpheme boundary a curator marks.
  Anything else glued on makes another word (ভারতীয় is not ভারত).  Hindi
  postpositions are separate words and need nothing.  Latin aliases that start with a capital
  must start with one in the text; short all-capital ones (US, SCO) must be all capitals.
* **Rules**, one family per module under :mod:`.rules` (persons, organisations, places, dates, acronyms,
  events, English, in-article memory), each a ``suggest(ctx, lex)`` behind the interface of
  :mod:`.suggest` and started from a cue or a ``str.find``:
  persons after titles and ranks (span without the title; chains like "রক্ষা সচিব ডॉ." are
  skipped; a name stops at stop words, digits, punctuation, a known name, an acronym, a Bengali
  case ending, or a surname already seen); dates in Bengali, Devanagari or Latin digits with
  month names from CLDR (via Babel) in the three languages, day ranges and "X থেকে Y" ranges,
  with an ISO value (``2024-04-08``, ``2015-10-28/2015-10-29``, ``--10-29``, ``2001``);
  ``Full Name (ACR)`` (the acronym spelled in any script — এসসিও, एससीओ, SCO — takes the type and
  entity of the known name before it, or ORG when the words before end in an organisation head
  word); quoted names next to an exercise/operation keyword as EVENT; an organisation's name
  followed by a summit word (এসসিও শীর্ষ সম্মেলন, SCO Summit) as EVENT; a place followed by an
  organisation word (কলকাতা পুলিশ, Delhi University) as ORG; numeric dates (2024-04-08,
  day-first 08/04/2024 in any script's digits).
* **Organisations by their head word** (Bengali/Hindi, :mod:`.rules.organisations`):
  one to four modifier words ending in a head word from ``words.tsv`` (কমিশন, মন্ত্রণালয়, आयोग,
  विश्वविद्यालय…; the head may carry a case ending, the span ends before it).  The name starts after
  a stop word, title, digit, punctuation, a genitive or locative (ভারতের | পররাষ্ট্র মন্ত্রণালয়:
  the genitive qualifies, it is not part of the name), or a word listed as never inside a name;
  a place right before the head belongs to it (ঢাকা বিশ্ববিদ্যালয়).  A bare head word, or only
  generic modifiers (জাতীয় দল), is not a name; heads that also mean "team" need two modifiers.
* **English rules** (:mod:`.rules.english_orgs`, :mod:`.rules.english_persons`,
  :mod:`.rules.english_events`, sharing :mod:`.rules.english_common`): capitalised words ending in a head word, or a head word +
  of/for + capitalised words (Election Commission, Ministry of External Affairs, Reserve Bank of
  India); named events (Operation X, Exercise X, 2024 Paris Olympics, Durga Puja, G20 Summit) and
  the Bengali/Hindi forms next to an exercise/operation keyword when a second signal (a year,
  quotes elsewhere, a second use) says the word is a name; tournaments (রঞ্জি ট্রফি, एशिया कप);
  English persons next to a verb of saying or before ", who"; places before a kind-of-place word
  (Pune district, <name> জেলার, <name> नदी).  Word lists in ``latin_words.tsv``, ``place_words.tsv`` and
  ``event_names.tsv``.
* **Spelling variants** (:mod:`.variants`): every alias of four letters or more also gets a
  per-word consonant skeleton (``skeleton.tsv``: aspirated/retroflex pairs, sibilants and vowel
  length folded in Bengali and Devanagari; vowels as one class in Latin), so পুটিন finds the
  entity whose alias is পুতিন, Kazakstan finds Kazakhstan.  Only words no exact hit covered, never
  stop words or words of other aliases; linked only when one entity has that skeleton.
* **Initials** before a name (एस. जयशंकर, জে.পি. …) belong to it, after a title and before a known
  surname alike.
* **In-article memory** (:mod:`.rules.memory`).  Acronyms, quoted event names and persons found by the rules are looked
  for again in the same article; the surname of a person (found by a rule or a known alias) is
  suggested alone only after the full name was seen, linked to the same entity.
* **Overlaps** (:func:`.detector.resolve_overlaps`), greedy in this precedence:
  1. the longer span wins (a full organisation name over the country inside it);
  2. at equal length: learned (curators' aliases and confirmed surfaces) over gazetteer (bundled
     starter lists) over rule;
  3. then the higher confidence, then the earlier start.
  The result never has two overlapping candidates, of the same type or not.  In the database,
  curated mentions come first: a suggestion never overlaps a confirmed mention
  (:mod:`.service`), so manual work always wins.

* **Learned suggesters** plug in beside the rules through the same interface
  (:class:`Suggester`: ``Detector(..., suggesters=[...])`` or :func:`register`); their candidates
  go through the same overlap resolution.

Confidence: learned alias 0.95, gazetteer 0.9 (0.75 when the alias names several entities, 0.6
when it has several types), date 0.9, year 0.8, acronym 0.85, title + full name 0.8,
title + one word 0.7, quoted event 0.7, numeric date 0.85, place + organisation word 0.75,
summit 0.75, recalled elsewhere in the article ≤ 0.75, surname 0.6, head-word organisation 0.7,
English organisation/event 0.7, English person by a verb of saying 0.7, Bengali/Hindi event next to a
keyword 0.65, place before a kind-of-place word 0.6–0.65, spelling variant 0.6.

All domain words live in ``resources/languages/<code>/`` (the language packs) and the starter
entities in ``resources/gazetteer/`` (each with its ``SOURCES.md``).
"""

from desktop.detection.detector import Candidate, Detector, resolve_overlaps
from desktop.detection.gazetteer import GazetteerEntry
from desktop.detection.suggest import Context, Raw, Suggester, register

__all__ = ["Candidate", "Context", "Detector", "GazetteerEntry", "Raw", "Suggester", "register", "resolve_overlaps"]
