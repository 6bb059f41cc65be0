"""The detection rules, one family per module, each behind the one interface of
:mod:`desktop.detection.suggest`: ``suggest(ctx, lex) -> list[Raw]``.

:data:`RULES` is the pipeline, in the order the detector runs it.  Order matters where a rule
reads what earlier ones found in ``ctx.raws``: the head-word organisation rule skips words
already inside a person, the initials rule extends known persons, the variant matcher and the
English rules skip words another candidate covers, the in-article memory looks again for what
every rule before it remembered, and a summit needs the organisations found before it.

To add a rule: write a module here with a ``suggest(ctx, lex)`` function and put a
:class:`Step` for it in :data:`RULES` where what it reads is ready.  A learned suggester needs no
place here: it is given to the detector (``Detector(..., suggesters=[...])``) or registered with
:func:`desktop.detection.suggest.register`, and runs after these rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from desktop.detection.rules import (acronyms, dates, english_events, english_orgs, english_persons, events, memory,
                                     organisations, persons, places)
from desktop.detection.suggest import Context, Raw
from desktop.language.lexicon import Lexicon


@dataclass(frozen=True)
class Step:
    """One rule of the pipeline: a name (for tests and profiles) and its suggest function."""

    name: str
    run: Callable[[Context, Lexicon], list[Raw]]

    def suggest(self, ctx: Context, lex: Lexicon) -> list[Raw]:
        return self.run(ctx, lex)


def _variants(ctx: Context, lex: Lexicon) -> list[Raw]:
    """Spelling variants of the knowledge base's names (:mod:`desktop.detection.variants`; the
    index is built with the detector, from its aliases)."""
    return ctx.detector.variants.find(ctx.norm, ctx.text, ctx.view, ctx.raws, ctx.pieces)


RULES: tuple[Step, ...] = (
    Step("dates", dates.suggest),                     # month, year-word and numeric dates
    Step("place_orgs", organisations.place_orgs),     # <known place> + organisation word
    Step("persons", persons.suggest),                 # after titles; remembers names, surnames
    Step("acronyms", acronyms.suggest),               # Full Name (ACR)
    Step("quoted_events", events.suggest),            # 'Name' next to an event keyword
    Step("indic_orgs", organisations.suggest),        # Bengali/Hindi names ending in a head word
    Step("initials", persons.initials),               # initials before a known person
    Step("variants", _variants),                      # spelling variants of known names
    Step("english_orgs", english_orgs.suggest),       # capitalised words + organisation head word
    Step("english_persons", english_persons.suggest), # capitalised words + verb of saying
    Step("english_events", english_events.suggest),   # Operation X, G20 Summit; Indic events
    Step("places", places.suggest),                   # <name> district, <name> জেলার
    Step("memory", memory.suggest),                   # what the rules remembered, found again
    Step("summits", events.summits),                  # <organisation> + summit word
)

__all__ = ["RULES", "Step"]
