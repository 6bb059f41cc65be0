"""The one interface every source of suggestions implements: rules and learned models alike.

A *suggester* looks at one article through a shared :class:`Context` and returns raw candidates
(:class:`Raw`: folded-text offsets, type, source, confidence).  The detector runs its suggesters
in order, adds what each returns to ``ctx.raws`` (so a later one sees what earlier ones found),
then resolves overlaps once for all of them.  Nothing else is needed to add a source:

* a new rule: a module under :mod:`desktop.detection.rules` with a ``suggest(ctx, lex)``
  function, listed in :data:`desktop.detection.rules.RULES`;
* a learned suggester (a CRF, a classifier): any object with ``name`` and
  ``suggest(ctx, lex)``, given to ``Detector(..., suggesters=[...])`` or registered once for every
  detector built afterwards with :func:`register`.  Its candidates compete with the rules'
  in overlap resolution (``source`` ranks them: see ``SOURCE_RANK`` in :mod:`.detector`; an
  unknown source ranks below ``rule`` at equal span length, so a model does not override the
  lists until it is trusted).

Offsets in ``Raw`` are into ``ctx.norm`` (the folded text); a model that works on the stored text
converts with :meth:`Context.to_norm`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Protocol, runtime_checkable

if TYPE_CHECKING:  # the context only carries these
    from desktop.language.lexicon import Lexicon
    from desktop.language.fold import NormView


@dataclass(slots=True)
class Raw:
    """A candidate in folded offsets, before overlap resolution."""

    start: int
    end: int
    type: str
    source: str
    confidence: float
    value: str | None = None
    entity_id: int | None = None


@dataclass(eq=False)
class Context:
    """What the suggesters of one article share.  ``raws`` grows as suggesters run; the cue
    lists are the rule cue words the one automaton scan found (folded offsets)."""

    text: str                    # the stored article text (NFC)
    view: "NormView"             # folded view with the offset map back to ``text``
    lex: "Lexicon"               # the language packs' words, merged
    raws: list[Raw] = field(default_factory=list)
    #: (surface in folded text, template Raw, not before offset): looked for again in the article
    memory: list[tuple[str, Raw, int]] = field(default_factory=list)
    titles: list[tuple[int, int]] = field(default_factory=list)
    title_spans: dict[int, int] = field(default_factory=dict)   # start -> end of the longest title
    months: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, month 1..12)
    years: list[tuple[int, int]] = field(default_factory=list)
    events: list[tuple[int, int]] = field(default_factory=list)
    place_orgs: list[tuple[int, int]] = field(default_factory=list)
    alias_starts: set[int] = field(default_factory=set)     # where a known name starts
    alias_ends: dict[int, Raw] = field(default_factory=dict)  # end -> a known name ending there
    loc_ends: dict[int, Raw] = field(default_factory=dict)    # end -> a known place ending there
    words: object = None         # desktop.detection.rules.common.Words over ``norm``
    detector: object = None      # the Detector running (its build-time indexes: ``variants``)
    #: what each step of the pipeline returned, by its name
    step_output: dict[str, list[Raw]] = field(default_factory=dict)
    _pieces: set[str] | None = None

    @property
    def norm(self) -> str:
        return self.view.norm

    @property
    def pieces(self) -> set[str]:
        """The whitespace-separated words of the folded text."""
        if self._pieces is None:
            self._pieces = set(self.view.norm.split())
        return self._pieces

    def to_norm(self, i: int) -> int:
        """Folded offset of stored-text offset ``i`` (the inverse of ``view.start``)."""
        src = self.view.src
        if src is None:
            return i
        return bisect.bisect_left(src, i)


@runtime_checkable
class Suggester(Protocol):
    """Anything that proposes entity spans for one article."""

    name: str

    def suggest(self, ctx: Context, lex: "Lexicon") -> Iterable[Raw]: ...


#: suggesters added to every detector built after they were registered (learned models)
REGISTERED: list[Suggester] = []


def register(suggester: Suggester) -> Suggester:
    """Add ``suggester`` to every :class:`~desktop.detection.Detector` built from now on
    (after the rules, before overlap resolution).  Registering the same name again replaces it."""
    REGISTERED[:] = [s for s in REGISTERED if s.name != suggester.name]
    REGISTERED.append(suggester)
    return suggester


def unregister(name: str) -> None:
    REGISTERED[:] = [s for s in REGISTERED if s.name != name]
