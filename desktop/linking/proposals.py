"""Proposed new entities: one proposal for all the mentions of a name the knowledge base lacks.

When detection finds a name that no entity matches (its best linking candidate scores below
the cross-script level, :data:`PROPOSE_BELOW`), the suggestion gets a **proposal key**, stored on
the mention (``mention.proposal``, schema 10).  Every mention of the same name carries the same
key, across articles, scripts and spellings, so a curator creates the entity once
(:func:`desktop.curation.accept_proposal`) instead of once per mention.  TAC-KBP calls this NIL
clustering.

The key is the type and, word by word, what the linker compares across scripts
(:func:`desktop.language.linkkeys.alias_keys`, its name-word keys): the phonetic skeleton of each
word, a generic word by its meaning instead (``glosses.tsv`` of the language packs: Commission,
কমিশন, आयोग are one word), titles and connectors (and, ও, और) left out, the words sorted (the
head of a Bengali or Hindi name comes last), ``ng`` folded to ``n`` (বাংলাদেশ ``bnlds``,
बांग्लादेश ``bnglds``).  Measured on the topic gold sets (tests/fixtures/gold/topic_*.txt): equal
keys group 30 of 36 and 10 of 15 gold entities exactly, and merge none; with the tolerance below,
32/36 and 13/15, still merging none.  What is left apart is a word more or less (পানি উন্নয়ন
বোর্ড / Bangladesh Water Development Board, আবাহনী / Abahani Limited, Federation Cup /
Federation Cup 2025), a translation (ভারত / India) or a letter the skeleton keeps apart
(কুড়িগ্রাম ``kdgrm`` / Kurigram ``krgrm``, one-word names have no tolerance).

The key is a pure function of the text and type, made from the linking keys of the surface
(nothing is romanised again), in the process that linked the suggestion: a detection worker
marks the rows it linked (:func:`mark`), the parent gives them their final key as it writes them
(:func:`attach`), so a run in worker processes gives the same keys as one in a single process.
One tolerance is added there, in row order, so it is as deterministic as the rest: a key of two
words or more that is one letter off in one word (no number in it) from a key already proposed
(in the database or earlier in the run) takes that key, as the learned surfaces allow
(:mod:`desktop.detection.learning.surfaces`); on the gold sets it joins ফেডারেশন ``pdrsn`` /
Federation ``pdrtn`` and তাবিথ আউয়াল / Tabith Awal.

Mentions carry a proposal only while they are suggested and unlinked (DATE never): linking,
rejecting, retyping or re-spanning one clears it (:mod:`desktop.curation`, auto-linking).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Optional

from sqlalchemy import func, select

from desktop.language import keys as lkeys
from desktop.language.fold import fold, match_key
from desktop.language.lexicon import lexicon
from desktop.language.linkkeys import alias_keys
from desktop.language.packs import pack_rows
from desktop.models import Mention
from desktop.text import script_of

#: a mention whose best linking candidate scores below this gets a proposal (the cross-script
#: level with the number ignored, desktop.linking.candidates: a partial match of one word of a
#: known name is not evidence that the name is known)
PROPOSE_BELOW = 0.72
#: types whose mentions are values, never entities
UNPROPOSED_TYPES = frozenset({"DATE"})


# -- the key of one surface --------------------------------------------------------------------------


def _loose(skeleton: str) -> str:
    return skeleton.replace("ng", "n")


_GENERIC: Optional[dict[str, str]] = None
_CONNECTOR = ""  # the concept of a connector: left out of the key


def _generic_words() -> dict[str, str]:
    """Written generic word (as :func:`~desktop.language.fold.match_key` and
    :func:`~desktop.language.fold.fold` give it) -> "=concept" (``glosses.tsv`` of the language
    packs), or "" for a connector (and, ও, और)."""
    global _GENERIC
    if _GENERIC is None:
        rows = [("=" + r[0], r[1]) for r in pack_rows("glosses.tsv") if len(r) >= 2 and r[0] and r[1]]
        rows += [(_CONNECTOR, w) for w in sorted(lexicon().connectors)]
        out: dict[str, str] = {}
        for concept, word in rows:
            for form in (match_key(word), fold(word)):
                out.setdefault(form, concept)
        _GENERIC = out
    return _GENERIC


_WORD = re.compile(r"[^\s\-‐-―_/]+")  # the words of desktop.language.keys.tokens


def word_keys(text: str, linking_keys: Optional[tuple] = None) -> tuple[str, ...]:
    """The keys of the words of ``text``, sorted (Bengali and Hindi put the head of a name
    last: দুর্যোগ ব্যবস্থাপনা ও ত্রাণ মন্ত্রণালয়): the loosened phonetic skeleton of each word
    but titles (the linking keys' name-word keys), a generic word by its gloss concept instead,
    connectors left out.  ``linking_keys``: ``alias_keys(text)`` if known: then only a name with
    both a title and a generic word romanises anything again (that generic word)."""
    k = linking_keys if linking_keys is not None else alias_keys(text)
    if k is None:
        return ()
    skeletons = k[6]
    words = _WORD.findall(match_key(text))
    generic = _generic_words()
    hits = [generic.get(w) for w in words]
    if all(h is None for h in hits):
        return tuple(sorted(_loose(sk) for sk in skeletons))
    if len(words) == len(skeletons):  # no title left out: word i has skeleton i
        out = [_loose(sk) if h is None else h for h, sk in zip(hits, skeletons)]
    else:  # a title was left out: a generic word's own skeleton says which one is its
        rest = list(skeletons)
        out = []
        for w, h in zip(words, hits):
            if h is not None:
                own = lkeys.phonetic_key(w)
                if own in rest:
                    rest.remove(own)
                out.append(h)
        out += [_loose(sk) for sk in rest]
    return tuple(sorted(w for w in out if w))


def proposal_key(text: str, type: str, linking_keys: Optional[tuple] = None) -> Optional[str]:
    """``TYPE:word word…`` (see the module doc), or None when the text has no name word of two
    letters or more, or the type is a value (DATE)."""
    if type in UNPROPOSED_TYPES:
        return None
    words = word_keys(text, linking_keys)
    if not words or max(len(w) for w in words) < 2:
        return None
    return f"{type}:{' '.join(words)}"


def split_key(key: str) -> tuple[str, tuple[str, ...]]:
    """(type, word keys) of a proposal key."""
    typ, _, rest = key.partition(":")
    return typ, tuple(rest.split(" ")) if rest else ()


def _one_off(a: str, b: str) -> bool:
    """Two word skeletons one letter apart (insertion, deletion or substitution), the longer of
    three letters or more, neither a gloss concept nor holding a digit (2024 and 2025 differ)."""
    if a == b:
        return True
    if a.startswith("=") or b.startswith("=") or abs(len(a) - len(b)) > 1 or max(len(a), len(b)) < 3:
        return False
    if any(ch.isdigit() for ch in a + b):
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    if len(a) > len(b):
        a, b = b, a
    return any(b[:i] + b[i + 1:] == a for i in range(len(b)))


class Keys:
    """The proposal keys given so far (in the database and in this run), and the tolerance that
    makes a near-identical new key take an existing one.  Deterministic: the same keys, offered
    in the same order, give the same result."""

    def __init__(self, existing: Iterable[str] = ()):
        self._memo: dict[str, str] = {}   # every key seen -> the key to store
        self._by_sig: dict[tuple, tuple[str, str]] = {}  # key less one word -> (a key, that word)
        for k in existing:
            self.canonical(k, tolerant=False)

    def canonical(self, key: str, tolerant: bool = True) -> str:
        """The key to store for ``key``: itself, or a known key one letter off in one word."""
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        typ, _, rest = key.partition(":")
        words = rest.split(" ")
        sigs = [(typ, len(words), i, *words[:i], *words[i + 1:]) for i in range(len(words))] if len(words) > 1 else []
        if tolerant:
            for i, sig in enumerate(sigs):
                other = self._by_sig.get(sig)
                if other is not None and _one_off(words[i], other[1]):
                    self._memo[key] = other[0]
                    return other[0]
        self._memo[key] = key
        for i, sig in enumerate(sigs):
            self._by_sig.setdefault(sig, (key, words[i]))
        return key


def _existing_keys(s) -> list[str]:
    """The proposal keys in the database, first given first (through the partial index)."""
    q = (select(Mention.proposal).where(Mention.proposal.is_not(None))  # type: ignore[union-attr]
         .group_by(Mention.proposal).order_by(func.min(Mention.id)))
    return [r[0] for r in s.connection().execute(q)]


class _Known:
    """A database's :class:`Keys` kept between detection runs in this process (the window
    re-detects one article at a time: registering 10,000 keys again each time cost ~40 ms),
    with the highest mention id read."""

    __slots__ = ("keys", "last_id", "first")

    def __init__(self, keys: Keys, last_id: int, first):
        self.keys, self.last_id, self.first = keys, last_id, first


_KNOWN: dict[str, _Known] = {}
_KNOWN_LOCK = threading.Lock()


def _keys_for_run(s, db_key: str) -> Keys:
    """The keys already given in the database, first given first: those cached for it in this
    process plus the rows written since (above the highest id read), else read whole.  A key
    whose rows were since rejected or linked stays known: it is still a key a near spelling may
    take, and reading whole each time would cost every re-detection of one article ~40 ms.  A
    database whose smallest key is another, or whose rows above that id are gone
    (replaced, restored, made anew at the same path), is read whole again."""
    conn = s.connection()
    has = Mention.proposal.is_not(None)  # type: ignore[union-attr]
    # the smallest key, read from the partial index alone (the first row by id would scan the
    # mention table when few rows carry a proposal)
    first = conn.execute(select(Mention.proposal).where(has).order_by(Mention.proposal).limit(1)).scalar()
    with _KNOWN_LOCK:
        known = _KNOWN.get(db_key)
    if known is not None and known.first == first:  # the same database (one made anew differs)
        top = conn.execute(select(func.max(Mention.id)).select_from(Mention)).scalar() or 0
        if top >= known.last_id:
            new = conn.execute(select(Mention.id, Mention.proposal).where(has, Mention.id > known.last_id)
                               .order_by(Mention.id)).all()
            for _mid, key in new:
                known.keys.canonical(key, tolerant=False)
            known.last_id = max(known.last_id, new[-1][0] if new else 0)
            return known.keys
    last = conn.execute(select(func.max(Mention.id)).select_from(Mention).where(has)).scalar() or 0
    keys = Keys(_existing_keys(s))
    with _KNOWN_LOCK:
        _KNOWN[db_key] = _Known(keys, last, first)
        while len(_KNOWN) > 4:
            _KNOWN.pop(next(iter(_KNOWN)))
    return keys


# -- detection: the keys of new suggestions ----------------------------------------------------------


def _raw_keys(linker):
    """A function (text, type, entity id) -> raw proposal key or None, with the rankings and
    surface keys ``linker`` holds from the rows it linked last."""
    known = getattr(linker, "keys", None) or {}
    memo, idx = linker.memo, linker.idx
    # kept on the linker for the whole run (a worker's copy: its pieces): a raw key is a pure
    # function of the text, the type and the index, and names repeat across articles
    done: dict[tuple[str, str], Optional[str]] = linker.__dict__.setdefault("_proposal_raw", {})

    def raw(text: str, typ: str, entity_id) -> Optional[str]:
        if entity_id is not None or typ in UNPROPOSED_TYPES:
            return None
        tk = (text, typ)
        if tk in done:
            return done[tk]
        cands = memo.get(tk)
        if cands is None and idx is not None:
            from desktop.linking.candidates import rank_in_index

            cands = rank_in_index(idx, text, typ, limit=3, fuzzy=False, keys=known.get(text))
        key = proposal_key(text, typ, known.get(text)) if not cands or cands[0].score < PROPOSE_BELOW else None
        done[tk] = key
        return key

    return raw


_UNSEEN = object()


def mark(linker, articles: list[tuple[int, list[tuple], list[tuple]]]) -> None:
    """Append the raw proposal key (or None) to each new row of ``articles`` (as
    ``linker.link_rows`` takes them, right after it linked them: the process that linked them
    holds the rankings and keys the proposal needs, so a detection worker marks its rows and
    the parent does not rank again).  :func:`attach` makes them final."""
    raw = _raw_keys(linker)
    done = linker._proposal_raw
    for _aid, _existing, new in articles:
        for j, r in enumerate(new):
            if r[-1] is not None:
                new[j] = r + (None,)
            else:
                key = done.get((r[3], r[4]), _UNSEEN)
                new[j] = r + (raw(r[3], r[4], None) if key is _UNSEEN else key,)


def attach(s, linker, columns: list[str], rows: list[tuple]) -> list[str]:
    """``columns`` + ``proposal``, having given each of ``rows`` (new suggestions in ``columns``
    order, text and type at 3 and 4, entity last, as detection writes them after linking; the
    list is changed in place) the proposal key of an unlinked suggestion whose name the
    knowledge base lacks, None for the others.  A row one longer than ``columns`` carries its raw
    key already (:func:`mark`, in a worker); the others were linked here, by ``linker`` just
    before.  Raw keys become final in row order (:class:`Keys`): the same in one process as with
    workers.  ``s`` holds the batch's write transaction; the keys already given are read once per
    linker (one detection run)."""
    out = [*columns, "proposal"]
    if not rows:
        return out
    state = getattr(linker, "_proposal_keys", None)
    if state is None:
        state = linker._proposal_keys = _keys_for_run(s, getattr(linker, "url", ""))
    n = len(columns)
    raw = None
    canonical = state.canonical
    for i, r in enumerate(rows):
        if len(r) > n:  # marked by a worker: most carry None, and stay as they are
            key = r[n]
            if key is not None:
                rows[i] = r[:n] + (canonical(key),)
            continue
        if r[-1] is None:
            if raw is None:
                raw = _raw_keys(linker)
            key = raw(r[3], r[4], None)
            rows[i] = r + ((canonical(key) if key is not None else None),)
        else:
            rows[i] = r + (None,)
    return out


# -- reading proposals -------------------------------------------------------------------------------


@dataclass
class Proposal:
    key: str
    type: str
    surfaces: Counter = field(default_factory=Counter)   # surface -> mentions
    mentions: list[tuple[int, int, int]] = field(default_factory=list)  # (id, article id, version)

    @property
    def articles(self) -> int:
        return len({a for _m, a, _v in self.mentions})

    @property
    def name(self) -> str:
        return proposed_name(self.surfaces)


def _inflected(surface: str) -> bool:
    """The surface ends in a case ending glued on (কাজাখস্তানের): not the name to give."""
    lex = lexicon()
    if not surface or not lex.inflects(surface[-1]):
        return False
    # as the detector reads a learned surface: an ending that starts with a vowel sign, after a
    # letter (a span is widened to whole clusters, which pulls the vowel sign in)
    for n in (3, 2, 1):
        tail = surface[-n:]
        if (len(surface) > n + 1 and fold(tail) in lex.case_endings
                and unicodedata.category(tail[0]) in ("Mc", "Mn") and surface[-n - 1].isalpha()):
            return True
    return False


def proposed_name(surfaces: Counter) -> str:
    """The name for a proposal: its most frequent surface, an uninflected one first; ties go to
    Latin script (the knowledge base's names are mostly English), then the shorter, then the
    first in code-point order."""
    if not surfaces:
        return ""
    return min(surfaces, key=lambda t: (_inflected(t), -surfaces[t], script_of(t) != "latin", len(t), t))


def _rows(s, where) -> list[tuple]:
    q = (select(Mention.proposal, Mention.type, Mention.text, Mention.id, Mention.article_id, Mention.version)
         .where(Mention.proposal.is_not(None), Mention.entity_id.is_(None),  # type: ignore[union-attr]
                Mention.status != "rejected", *where)
         .order_by(Mention.id))
    return s.connection().execute(q).all()


def _group(rows) -> dict[str, Proposal]:
    out: dict[str, Proposal] = {}
    for key, typ, text, mid, aid, version in rows:
        p = out.get(key)
        if p is None:
            p = out[key] = Proposal(key, typ)
        p.surfaces[text] += 1
        p.mentions.append((mid, aid, version))
    return out


def proposals(s, *, min_mentions: int = 1, type: Optional[str] = None) -> list[Proposal]:
    """Every open proposal (of ``type``, with ``min_mentions`` or more), most mentions first."""
    where = [Mention.type == type] if type else []
    found = [p for p in _group(_rows(s, where)).values() if len(p.mentions) >= min_mentions]
    found.sort(key=lambda p: (-len(p.mentions), -p.articles, p.key))
    return found


def proposal(s, key: str) -> Optional[Proposal]:
    """The open proposal ``key`` (None when no open mention carries it)."""
    return _group(_rows(s, [Mention.proposal == key])).get(key)


__all__ = ["PROPOSE_BELOW", "Keys", "Proposal", "attach", "mark", "proposal", "proposal_key", "proposals", "read",
           "proposed_name", "split_key", "word_keys"]


def read(db, key: str) -> Optional[Proposal]:
    """:func:`proposal` in a session of its own (for the window, which holds none)."""
    with db.session() as s:
        return proposal(s, key)
