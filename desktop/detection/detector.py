"""The detector: one alias scan, the rule pipeline, then overlap resolution.

``Detector.detect`` folds the text, scans it once with the automaton of aliases and cue words
(:mod:`.gazetteer`), puts what the scan found into a :class:`~.suggest.Context`, runs the
suggesters in order — the rules of :data:`desktop.detection.rules.RULES`, then any learned
ones (:mod:`.suggest`) — and keeps a set of non-overlapping candidates
(:func:`resolve_overlaps`).  See the package docstring for the design and the precedence.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import Iterable

from desktop.detection import variants
from desktop.detection.gazetteer import GazetteerEntry, Index
from desktop.detection.rules import RULES
from desktop.detection.rules.common import Words
from desktop.detection.suggest import REGISTERED, Context, Raw, Suggester
from desktop.language.fold import NormView, fold
from desktop.language.lexicon import Lexicon, lexicon

#: higher wins at equal span length; any other source (a learned model's) ranks below "rule"
SOURCE_RANK = {"learned": 3, "gazetteer": 2, "rule": 1}


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


class Detector:
    """Pure and reusable: build once from alias entries, then ``detect(text)`` per article.

    ``lex`` is the merged word lists of the language packs (the bundled ones by default);
    ``suggesters`` run after the rules (by default those registered with
    :func:`desktop.detection.suggest.register`)."""

    def __init__(self, entries: Iterable[GazetteerEntry] = (), *, suppressed_keys: Iterable[str] = frozenset(),
                 lex: Lexicon | None = None, suggesters: Iterable[Suggester] | None = None):
        self.lex = lex or lexicon()
        self.suppressed = frozenset(fold(k) for k in suppressed_keys)
        cues = {"title": self.lex.titles, "year": self.lex.year_words, "event": self.lex.event_keywords,
                "place_org": self.lex.place_org_words}
        cues.update({f"month:{n}": [w for w, m in self.lex.months.items() if m == n] for n in range(1, 13)})
        entries = list(entries)
        self.index = Index(entries, cues, suppressed_keys=self.suppressed)
        self.variants = variants.VariantIndex(entries, self.lex, self.suppressed)
        self.rules: tuple[Suggester, ...] = RULES
        self.suggesters: list[Suggester] = list(REGISTERED if suggesters is None else suggesters)

    def detect(self, text: str) -> list[Candidate]:
        return [Candidate(*row) for row in self.detect_rows(text)]

    def detect_rows(self, text: str) -> list[tuple]:
        """What :meth:`detect` finds, as plain tuples in :class:`Candidate`'s field order
        (start, end, text, type, source, confidence, value, entity_id): what bulk detection
        writes and sends between processes, without an object per candidate."""
        view = NormView(text)
        ctx = self._scan(text, view)
        lex = self.lex
        for step in (*self.rules, *self.suggesters):
            found = list(step.suggest(ctx, lex))
            ctx.step_output[step.name] = found
            ctx.raws += found
        raws = ctx.raws
        norm = view.norm
        if self.suppressed:
            raws = [r for r in raws if norm[r.start:r.end] not in self.suppressed]
        out = []
        for r in resolve_overlaps(raws):
            a, b = view.start(r.start), view.end(r.end)
            if a < b:
                out.append((a, b, text[a:b], r.type, r.source, r.confidence, r.value, r.entity_id))
        return out

    def _scan(self, text: str, view: NormView) -> Context:
        """The one automaton pass: alias hits become raws, cue words the rules' starting points."""
        norm = view.norm
        ctx = Context(text, view, self.lex, words=Words(norm), detector=self)
        raws, alias_starts, alias_ends, loc_ends = ctx.raws, ctx.alias_starts, ctx.alias_ends, ctx.loc_ends
        titles, years, events, place_orgs, months = ctx.titles, ctx.years, ctx.events, ctx.place_orgs, ctx.months
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
                    months.append((s, end, MONTH_CUES[cue]))
        title_spans = ctx.title_spans
        for s, e in titles:  # a longer title starting at the same place wins
            title_spans[s] = max(title_spans.get(s, e), e)
        ctx.step_output["aliases"] = list(raws)
        return ctx


#: cue kind of each month in the automaton -> the month's number
MONTH_CUES = {f"month:{n}": n for n in range(1, 13)}
