"""The data model: articles, entity types, mentions, the knowledge base, relations and history.

Offsets (`Mention.start`, `Mention.end`) are Python code-point offsets into `Article.text`,
end exclusive.  The article text is immutable after import and stored NFC with `\\n` newlines.

This module is pure SQLModel (no Qt, no SQLite specifics); `desktop.db` owns engines,
sessions, transactions and migrations.
"""

from __future__ import annotations

import datetime as _dt
from typing import Optional

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, LargeBinary, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

from desktop.language.packs import article_languages
from desktop.vocabulary import ARTICLE_STATUSES, MENTION_STATUSES


def _sql_list(values: tuple[str, ...]) -> str:
    """``'a','b'``: the values of a CHECK constraint (plain identifiers, no quoting needed)."""
    return ",".join(f"'{v}'" for v in values)


def utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


# -- enumerations kept as plain strings (stable in the database and the exports) ----------------

MENTION_SOURCES = ("gazetteer", "rule", "learned", "model", "manual", "import")
#: an article's language: the code of a language pack (resources/languages/<code>/) or "mixed"
LANGUAGES = article_languages()

#: Default entity types: name, colour (works on light and dark backgrounds), shortcut key.
DEFAULT_ENTITY_TYPES = (
    ("PERSON", "#e6550d", "1"),
    ("ORG", "#3182bd", "2"),
    ("LOC", "#31a354", "3"),
    ("DATE", "#756bb1", "4"),
    ("EVENT", "#d6a000", "5"),
)

#: Default relation types: name, description.
DEFAULT_RELATION_TYPES = (
    ("member_of", "PERSON is a member / office holder of ORG"),
    ("met", "PERSON met PERSON"),
    ("held_in", "EVENT took place in LOC"),
    ("located_in", "ORG or LOC is located in LOC"),
    ("participant_in", "PERSON / ORG took part in EVENT"),
    ("held_on", "EVENT took place on DATE"),
)


class Article(SQLModel, table=True):
    __tablename__ = "article"

    id: Optional[int] = Field(default=None, primary_key=True)
    title: str = Field(default="")
    text: str
    source: str = Field(default="")
    language: str = Field(default="en", index=True)
    content_hash: str = Field(sa_column_kwargs={"unique": True}, index=False)
    status: str = Field(default="new", index=True)
    imported_at: _dt.datetime = Field(default_factory=utcnow)
    # row version: +1 on every tracked change (see history.py); the server default serves bulk inserts
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    assigned_to: Optional[str] = Field(default=None, index=True)  # the curator it was given to (team mode)
    # imported, detection (and auto-linking) not yet finished: the next import, `detect` or window
    # start finishes it (a killed or failed detection is made up, never lost)
    detect_pending: bool = Field(default=False)

    __table_args__ = (
        CheckConstraint(f"status IN ({_sql_list(ARTICLE_STATUSES)})", name="ck_article_status"),
    )


class EntityType(SQLModel, table=True):
    __tablename__ = "entity_type"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(sa_column_kwargs={"unique": True})
    colour: str = Field(default="#888888")
    shortcut: str = Field(default="")
    position: int = Field(default=0)


class Entity(SQLModel, table=True):
    __tablename__ = "entity"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    type: str = Field(index=True)
    external_id: Optional[str] = Field(default=None, index=True)
    description: str = Field(default="")
    created_at: _dt.datetime = Field(default_factory=utcnow)
    updated_at: _dt.datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})

    # ids are never reused (an undo record names rows by id): AUTOINCREMENT on SQLite, a
    # sequence on PostgreSQL
    __table_args__ = {"sqlite_autoincrement": True}


class Alias(SQLModel, table=True):
    __tablename__ = "alias"

    id: Optional[int] = Field(default=None, primary_key=True)
    entity_id: int = Field(
        sa_column=Column(Integer, ForeignKey("entity.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    text: str
    key: str = Field(index=True)  # normalised matching key (see desktop.text.match_key)
    language: str = Field(default="")
    # where the alias came from: "gazetteer" (bundled starter lists), "curator" (typed in the
    # knowledge base), "learned" (a confirmed mention's surface), "import" (a KB file)
    source: str = Field(default="curator")
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})

    __table_args__ = (UniqueConstraint("entity_id", "key", name="uq_alias_entity_key"), {"sqlite_autoincrement": True})


class LinkKey(SQLModel, table=True):
    """The linking keys of one alias or entity-name text (:mod:`desktop.language.keys`), stored
    so that the linking index loads them instead of romanising every alias in every process.
    A pure function of the text and of ``version`` (the key code and the title list): rows of
    another version are recomputed.  Not curation data (no history); see
    :mod:`desktop.linking.index`."""

    __tablename__ = "link_key"

    text: str = Field(primary_key=True)
    version: str
    match: str = Field(default="")
    norm: str = Field(default="")
    roman: str = Field(default="")
    phonetic: str = Field(default="")
    phonetic_base: str = Field(default="")
    roman_base: str = Field(default="")
    tokens: str = Field(default="")  # phonetic keys of the name words (titles left out), space-separated
    initials: str = Field(default="")


class Mention(SQLModel, table=True):
    __tablename__ = "mention"

    id: Optional[int] = Field(default=None, primary_key=True)
    # no index of its own: uq_mention_article_span_type starts with article_id
    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), nullable=False)
    )
    start: int
    end: int
    text: str
    type: str  # five values: an index would cost every write more than it saves a read
    status: str = Field(default="suggested", index=True)
    source: str = Field(default="manual")
    entity_id: Optional[int] = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("entity.id", ondelete="SET NULL"), nullable=True, index=True),
    )
    confidence: float = Field(default=1.0)
    value: Optional[str] = Field(default=None)  # normalised value, e.g. ISO date or "start/end"
    # Span the detector originally proposed; kept when the curator edits the boundaries so that
    # re-detection never proposes the same thing again.
    origin_start: Optional[int] = Field(default=None)
    origin_end: Optional[int] = Field(default=None)
    created_at: _dt.datetime = Field(default_factory=utcnow)
    updated_at: _dt.datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # The new entity proposed for a suggestion no knowledge-base entity matches: a key shared by
    # every mention of the same name (desktop.linking.proposals); None once linked or rejected.
    proposal: Optional[str] = Field(default=None)

    __table_args__ = (
        CheckConstraint("start >= 0 AND start < \"end\"", name="ck_mention_span"),
        CheckConstraint(f"status IN ({_sql_list(MENTION_STATUSES)})", name="ck_mention_status"),
        # two detection runs never duplicate a suggestion (schema 8; writers skip conflicts); also
        # the index of reads by article and by span (its leading columns)
        Index("uq_mention_article_span_type", "article_id", "start", "end", "type", unique=True),
        # partial: only the few unlinked suggestions carry a proposal, and the bulk writes of
        # detection pay nothing for the others
        Index("ix_mention_proposal", "proposal", sqlite_where=sql_text("proposal IS NOT NULL"),
              postgresql_where=sql_text("proposal IS NOT NULL")),
        {"sqlite_autoincrement": True},
    )


class RelationType(SQLModel, table=True):
    __tablename__ = "relation_type"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(sa_column_kwargs={"unique": True})
    description: str = Field(default="")


class Relation(SQLModel, table=True):
    __tablename__ = "relation"

    id: Optional[int] = Field(default=None, primary_key=True)
    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    type: str
    head_mention_id: int = Field(
        sa_column=Column(Integer, ForeignKey("mention.id", ondelete="CASCADE"), nullable=False)
    )
    tail_mention_id: int = Field(
        sa_column=Column(Integer, ForeignKey("mention.id", ondelete="CASCADE"), nullable=False)
    )
    created_at: _dt.datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})

    __table_args__ = (CheckConstraint("head_mention_id <> tail_mention_id", name="ck_relation_distinct"),
                      {"sqlite_autoincrement": True})


class History(SQLModel, table=True):
    """Append-only log of curation actions.

    `changes` is a JSON list of row diffs ``{"table", "id", "before", "after"}`` (``before`` is
    null for an insert, ``after`` null for a delete): applying ``before`` in reverse order undoes
    the action, applying ``after`` in order redoes it.  ``kind`` is ``action`` for a curation
    action, ``undo``/``redo`` for the records of undoing and redoing (``target_id`` names the
    action).  ``state`` of an action is ``done``, ``undone``, or ``dropped`` (undone, then
    superseded by a new action, so it can no longer be redone).
    """

    __tablename__ = "history"

    id: Optional[int] = Field(default=None, primary_key=True)
    at: _dt.datetime = Field(default_factory=utcnow, index=True)
    user: str = Field(default="")
    kind: str = Field(default="action")
    action: str
    summary: str = Field(default="")
    article_id: Optional[int] = Field(default=None, index=True)
    target_id: Optional[int] = Field(default=None)
    state: str = Field(default="done", index=True)
    changes: str = Field(default="[]")


class ArticleLock(SQLModel, table=True):
    """A soft lock (team mode): ``user`` has the article open, and says so by a heartbeat.  Not
    curation data: never in the history; a lock whose heartbeat is older than the timeout is
    free (the colleague's app died)."""

    __tablename__ = "article_lock"

    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    )
    user: str
    heartbeat_at: _dt.datetime = Field(default_factory=utcnow)


class LearnedModel(SQLModel, table=True):
    """A sequence model trained on the confirmed mentions (desktop.detection.learning), with its
    held-out evaluation.  Only the newest row keeps its ``data``; older rows keep their
    evaluation as the training history.  Not a curation action: no history rows."""

    __tablename__ = "learned_model"

    id: Optional[int] = Field(default=None, primary_key=True)
    version: int = Field(default=1)          # increases with every training
    kind: str = Field(default="crf")         # the learner (CRFsuite)
    created_at: _dt.datetime = Field(default_factory=utcnow)
    articles: int = Field(default=0)         # training articles
    mentions: int = Field(default=0)         # training mentions
    confirmations: int = Field(default=0)    # confirmed mentions in the database when trained
    active: bool = Field(default=False)      # beat the rules-and-gazetteer detector held out
    evaluation: str = Field(default="{}")    # JSON: F1 per type, model and baseline
    seconds: float = Field(default=0.0)      # training time
    data: Optional[bytes] = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


#: Tables whose rows curation actions may change (used by the generic undo machinery).
TABLES = {
    "article": Article,
    "entity_type": EntityType,
    "entity": Entity,
    "alias": Alias,
    "mention": Mention,
    "relation_type": RelationType,
    "relation": Relation,
}
