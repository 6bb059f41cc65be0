"""Entity linking: matching keys across scripts and spellings (:mod:`.keys`), ranked candidate
entities for a mention (:mod:`.candidates`) and automatic linking of suggestions
(:mod:`.autolink`).  Qt-free."""

from desktop.linking.candidates import LinkCandidate, rank

__all__ = ["LinkCandidate", "rank"]
