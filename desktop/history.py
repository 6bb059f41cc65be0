"""Recording row changes and undoing/redoing them.

Every curation action runs inside one write transaction with a :class:`Tracker`: it inserts,
updates and deletes rows through the tracker, which snapshots them.  At the end the tracker
appends one :class:`~desktop.models.History` row holding the diffs, so the action, its inverse
and its audit record are committed together or not at all.

Undo applies the ``before`` snapshots in reverse order, redo the ``after`` snapshots in order;
both refuse (:class:`~desktop.errors.ConflictError`) when a row no longer looks the way the
action left it, rather than overwrite somebody's later work.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import getpass
import json
from typing import Any, Iterator

from sqlalchemy import DateTime
from sqlmodel import Session, SQLModel, select

from desktop.db import Database
from desktop.errors import ConflictError, CurateError
from desktop.models import TABLES, History, utcnow

_IGNORED = {"updated_at"}  # not compared when checking for conflicts


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no user name in the environment
        return "unknown"


def snapshot(obj: SQLModel) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in obj.__table__.columns:  # type: ignore[attr-defined]
        v = getattr(obj, col.name)
        if isinstance(v, _dt.datetime):
            v = v.isoformat()
        out[col.name] = v
    return out


def _is_datetime(coltype) -> bool:
    impl = getattr(coltype, "impl", coltype)
    return isinstance(coltype, DateTime) or isinstance(impl, DateTime) or impl is DateTime


def _restore_values(model: type[SQLModel], values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for col in model.__table__.columns:  # type: ignore[attr-defined]
        if col.name not in values:
            continue
        v = values[col.name]
        if isinstance(v, str) and _is_datetime(col.type):
            v = _dt.datetime.fromisoformat(v)
        out[col.name] = v
    return out


def _table_of(obj: SQLModel) -> str:
    return obj.__tablename__  # type: ignore[attr-defined,return-value]


class Tracker:
    """Makes row changes inside one session and remembers them for the history."""

    def __init__(self, session: Session):
        self.session = session
        self.changes: list[dict[str, Any]] = []

    def insert(self, obj: SQLModel) -> SQLModel:
        self.session.add(obj)
        self.session.flush()
        self.changes.append({"table": _table_of(obj), "id": obj.id, "before": None, "after": snapshot(obj)})
        return obj

    def update(self, obj: SQLModel, **fields: Any) -> SQLModel:
        before = snapshot(obj)
        changed = False
        for k, v in fields.items():
            if getattr(obj, k) != v:
                setattr(obj, k, v)
                changed = True
        if not changed:
            return obj
        if hasattr(obj, "updated_at") and "updated_at" not in fields:
            obj.updated_at = utcnow()  # type: ignore[attr-defined]
        self.session.add(obj)
        self.session.flush()
        self.changes.append({"table": _table_of(obj), "id": obj.id, "before": before, "after": snapshot(obj)})
        return obj

    def delete(self, obj: SQLModel) -> None:
        before = snapshot(obj)
        self.session.delete(obj)
        self.session.flush()
        self.changes.append({"table": _table_of(obj), "id": before["id"], "before": before, "after": None})

    def record(self, action: str, summary: str, article_id: int | None = None) -> History | None:
        """Append the history row (nothing when nothing changed) and drop the redo stack."""
        if not self.changes:
            return None
        for h in self.session.exec(select(History).where(History.state == "undone")):
            h.state = "dropped"
            self.session.add(h)
        entry = History(
            user=current_user(),
            kind="action",
            action=action,
            summary=summary,
            article_id=article_id,
            changes=json.dumps(self.changes, ensure_ascii=False),
        )
        self.session.add(entry)
        self.session.flush()
        return entry


@contextlib.contextmanager
def action(db: Database, name: str, summary: str = "", article_id: int | None = None) -> Iterator[Tracker]:
    """``with action(db, "confirm", "Confirm ‘X’") as t: t.update(...)`` — one transaction, one
    history row.  Any exception rolls the whole action back."""
    with db.transaction() as s:
        t = Tracker(s)
        yield t
        t.record(name, summary or name, article_id)


# -- undo / redo ------------------------------------------------------------------------------


def _get(session: Session, table: str, row_id: int):
    return session.get(TABLES[table], row_id)


def _matches(obj: SQLModel | None, values: dict[str, Any] | None) -> bool:
    if values is None:
        return obj is None
    if obj is None:
        return False
    now = snapshot(obj)
    return all(now.get(k) == v for k, v in values.items() if k not in _IGNORED)


def _apply(session: Session, changes: list[dict[str, Any]], *, reverse: bool) -> None:
    seq = reversed(changes) if reverse else changes
    src, dst = ("after", "before") if reverse else ("before", "after")
    for ch in seq:
        model = TABLES[ch["table"]]
        obj = _get(session, ch["table"], ch["id"])
        if not _matches(obj, ch[src]):
            raise ConflictError(
                f"cannot {'undo' if reverse else 'redo'}: {ch['table']} {ch['id']} was changed since"
            )
        target = ch[dst]
        if target is None:
            session.delete(obj)
        elif obj is None:
            session.add(model(**_restore_values(model, target)))
        else:
            for k, v in _restore_values(model, target).items():
                if k != "id":
                    setattr(obj, k, v)
            session.add(obj)
        session.flush()


def undo(db: Database) -> History | None:
    """Undo the latest action still done.  Returns that action's history row, or None."""
    with db.transaction() as s:
        entry = s.exec(
            select(History).where(History.kind == "action", History.state == "done").order_by(History.id.desc())
        ).first()
        if entry is None:
            return None
        _apply(s, json.loads(entry.changes), reverse=True)
        entry.state = "undone"
        s.add(entry)
        s.add(History(user=current_user(), kind="undo", action=entry.action, summary=entry.summary,
                      article_id=entry.article_id, target_id=entry.id, changes="[]"))
        return entry


def redo(db: Database) -> History | None:
    """Redo the action undone most recently (if no new action happened since)."""
    with db.transaction() as s:
        entry = s.exec(
            select(History).where(History.kind == "action", History.state == "undone").order_by(History.id)
        ).first()
        if entry is None:
            return None
        _apply(s, json.loads(entry.changes), reverse=False)
        entry.state = "done"
        s.add(entry)
        s.add(History(user=current_user(), kind="redo", action=entry.action, summary=entry.summary,
                      article_id=entry.article_id, target_id=entry.id, changes="[]"))
        return entry


def peek(db: Database) -> tuple[History | None, History | None]:
    """(next action to undo, next action to redo) — for "Undo <action>" labels."""
    with db.session() as s:
        u = s.exec(select(History).where(History.kind == "action", History.state == "done")
                   .order_by(History.id.desc())).first()
        r = s.exec(select(History).where(History.kind == "action", History.state == "undone")
                   .order_by(History.id)).first()
        return u, r


def entries(db: Database, article_id: int | None = None, limit: int = 500) -> list[History]:
    with db.session() as s:
        q = select(History).order_by(History.id.desc()).limit(limit)
        if article_id is not None:
            q = q.where(History.article_id == article_id)
        return list(s.exec(q))


__all__ = ["Tracker", "action", "undo", "redo", "peek", "entries", "snapshot", "CurateError"]
