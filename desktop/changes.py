"""What a curation action changed: the record every core action returns (Qt-free).

Anki's ``OpChanges`` is the model: an action returns which kinds of rows it touched, so a window
refreshes only those, and a colleague's change arriving from a shared database (team mode) is
described the same way.  A :class:`Changes` is built from the row diffs a
:class:`~desktop.history.Tracker` recorded (:meth:`Changes.from_tracker`), from a history row's
diffs (:meth:`Changes.from_history`, for undo, redo and other people's work), or by hand.

Besides the ids it carries what the caller asked for: ``value`` (the mention, entity, alias or
relation the action made or changed, detached from its session), ``count`` (how many rows a bulk
action decided) and ``notes`` (what the curator should be told, e.g. that a link was dropped).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, Generic, Iterable, Mapping, Optional, TypeVar

T = TypeVar("T")

#: history tables → the field of Changes their ids go to
_ID_FIELDS = {"article": "articles", "mention": "mentions", "entity": "entities", "alias": "aliases",
              "relation": "relations"}


@dataclass(frozen=True)
class Changes(Generic[T]):
    """Ids of the rows an action changed, by kind, plus its result.

    ``articles`` holds every article whose row *or annotations* (mentions, relations) changed, so a
    list of articles can refresh exactly those rows; ``entities`` includes the entities whose
    aliases changed or whose linked mentions moved."""

    articles: frozenset[int] = frozenset()
    mentions: frozenset[int] = frozenset()
    entities: frozenset[int] = frozenset()
    aliases: frozenset[int] = frozenset()
    relations: frozenset[int] = frozenset()
    entity_types: bool = False
    relation_types: bool = False
    history: bool = False  # a history row was written (undo labels, history list)
    summary: str = ""
    value: Optional[T] = None
    count: Optional[int] = None
    notes: tuple[str, ...] = ()
    #: the id of the history row the action wrote (None: nothing recorded)
    history_id: Optional[int] = None
    #: anything may have changed (another database opened, an import, a colleague's bulk work)
    everything: bool = False

    # -- building -------------------------------------------------------------------------------

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]], **extra: Any) -> "Changes":
        """From row diffs ``{"table", "id", "before", "after"}`` (a Tracker's, a history row's)."""
        ids: dict[str, set[int]] = {f: set() for f in _ID_FIELDS.values()}
        entity_types = relation_types = False
        for ch in rows:
            table, rid = ch.get("table"), ch.get("id")
            snaps = [s for s in (ch.get("before"), ch.get("after")) if s]
            if table in _ID_FIELDS and rid is not None:
                ids[_ID_FIELDS[table]].add(int(rid))
            if table == "entity_type":
                entity_types = True
            elif table == "relation_type":
                relation_types = True
            for snap in snaps:
                if table in ("mention", "relation") and snap.get("article_id") is not None:
                    ids["articles"].add(int(snap["article_id"]))
                if table in ("mention", "alias") and snap.get("entity_id") is not None:
                    ids["entities"].add(int(snap["entity_id"]))
        return cls(**{k: frozenset(v) for k, v in ids.items()}, entity_types=entity_types,
                   relation_types=relation_types, **extra)

    @classmethod
    def from_tracker(cls, tracker: Any, *, value: Any = None, count: Optional[int] = None,
                     notes: Iterable[str] = (), entry: Any = None) -> "Changes":
        """What ``tracker`` (a :class:`desktop.history.Tracker`) changed; ``entry`` is the
        history row its ``record`` returned."""
        return cls.from_rows(tracker.changes, value=value, count=count, notes=tuple(notes),
                             history=entry is not None, summary=getattr(entry, "summary", "") or "",
                             history_id=getattr(entry, "id", None))

    @classmethod
    def from_history(cls, entry: Any, *, value: Any = None) -> "Changes":
        """What a history row's action changed (after undo or redo, or a colleague's action)."""
        if entry is None:
            return cls()
        rows = json.loads(entry.changes) if isinstance(entry.changes, str) else (entry.changes or [])
        return cls.from_rows(rows, value=entry if value is None else value, history=True,
                             summary=entry.summary or "", history_id=entry.id)

    # -- reading --------------------------------------------------------------------------------

    @property
    def id(self) -> Optional[int]:
        """The id of ``value`` (Anki's ``OpChangesWithId``)."""
        return getattr(self.value, "id", None)

    @property
    def empty(self) -> bool:
        return not (self.everything or self.articles or self.mentions or self.entities or self.aliases or self.relations
                    or self.entity_types or self.relation_types or self.history)

    def touches_article(self, article_id: Optional[int]) -> bool:
        return article_id is not None and (self.everything or article_id in self.articles)

    def __or__(self, other: "Changes") -> "Changes":
        """Both changes together (the first one's value and summary)."""
        return replace(
            self,
            articles=self.articles | other.articles, mentions=self.mentions | other.mentions,
            entities=self.entities | other.entities, aliases=self.aliases | other.aliases,
            relations=self.relations | other.relations,
            entity_types=self.entity_types or other.entity_types,
            relation_types=self.relation_types or other.relation_types,
            history=self.history or other.history, summary=self.summary or other.summary,
            value=self.value if self.value is not None else other.value,
            count=self.count if self.count is not None else other.count,
            notes=self.notes + other.notes, everything=self.everything or other.everything,
        )

    def with_note(self, note: str) -> "Changes":
        return replace(self, notes=self.notes + (note,))


#: anything may have changed: every view reloads
EVERYTHING = Changes(entity_types=True, relation_types=True, history=True, everything=True)

__all__ = ["Changes", "EVERYTHING"]
