"""Recording row changes and undoing/redoing them, per curator.

Every curation action runs inside one write transaction with a :class:`Tracker`: it inserts,
updates and deletes rows through the tracker, which snapshots them.  At the end the tracker
appends one :class:`~desktop.models.History` row holding the diffs and the curator's name, so
the action, its inverse and its audit record are committed together or not at all.

* **Cascades are recorded.**  Deleting a row first deletes (or, for ``SET NULL`` references,
  unlinks) the rows that refer to it through the tracker, so undo brings back a deleted
  mention's relations too, and nothing changes behind the history's back.
* **Per curator.**  Undo takes the current curator's own latest action; redo is theirs alone; a
  new action drops only their own redo stack.  The curator is ``--user`` / ``CURATE_USER`` /
  the OS user name (:func:`set_user`, :func:`current_user`).
* **Conflicts.**  Undo applies the ``before`` snapshots in reverse order, redo the ``after``
  snapshots in order; both refuse (:class:`~desktop.errors.ConflictError`) when a row no longer
  looks the way the action left it, naming who changed it and when.  Such an action can be
  skipped (:func:`skip`, ``curate undo --skip``): it never blocks the curator's older actions.
* **Row versions.**  Every tracked change bumps the row's ``version``; an action given the
  version the curator saw (:meth:`Tracker.expect`) refuses a row changed since
  (:class:`StaleError`), so no update is lost.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import getpass
import json
import os
from typing import Any, Iterator, Optional

from sqlalchemy import DateTime
from sqlmodel import Session, SQLModel, select

from desktop.db import Database
from desktop.errors import ConflictError, CurateError
from desktop.models import TABLES, History, utcnow

_IGNORED = {"updated_at", "version"}  # not compared when checking for conflicts
_USER: Optional[str] = None
#: ids of the history rows this process wrote, by database URL (the live view shows only other
#: people's work)
WRITTEN_HERE: dict[str, set[int]] = {}


def written_here(bind) -> set[int]:
    """The history ids this process wrote in the database of ``bind`` (an engine or session)."""
    engine = bind.get_bind() if hasattr(bind, "get_bind") else bind
    return WRITTEN_HERE.setdefault(str(engine.url), set())


class StaleError(ConflictError):
    """A row changed since the curator saw it (their action was not applied)."""


# -- who --------------------------------------------------------------------------------------------


def set_user(name: Optional[str]) -> None:
    """The curator for this process (``--user``); None goes back to the default."""
    global _USER
    _USER = (name or "").strip() or None


@contextlib.contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Run a block as another curator (a colleague in tests and benchmarks; a script acting for
    someone), then go back to whoever was set before."""
    global _USER
    before = _USER
    set_user(name)
    try:
        yield
    finally:
        _USER = before


def current_user() -> str:
    if _USER:
        return _USER
    env = os.environ.get("CURATE_USER", "").strip()
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no user name in the environment
        return "unknown"


# -- snapshots --------------------------------------------------------------------------------------


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


def _referrers(table: str) -> list[tuple[str, str, str]]:
    """(table, column, ondelete) of every tracked table's foreign key to ``table``."""
    out = []
    for name, model in TABLES.items():
        for fk in model.__table__.foreign_keys:  # type: ignore[attr-defined]
            if fk.column.table.name == table:
                out.append((name, fk.parent.name, (fk.ondelete or "").upper()))
    return out


def _bump(obj: SQLModel) -> None:
    if hasattr(obj, "version"):
        obj.version = (getattr(obj, "version", None) or 0) + 1  # type: ignore[attr-defined]


class Tracker:
    """Makes row changes inside one session and remembers them for the history."""

    def __init__(self, session: Session, user: Optional[str] = None):
        self.session = session
        self.user = user or current_user()
        self.changes: list[dict[str, Any]] = []

    def expect(self, obj: SQLModel, seen_version: Optional[int], shown: str = "the article") -> None:
        """Refuse (:class:`StaleError`) when ``obj`` changed since the curator saw it at
        ``seen_version`` (None: no check, e.g. a command-line action on the current state).
        ``shown``: what the window re-reads on the refusal, for the message."""
        if seen_version is None or getattr(obj, "version", None) in (None, seen_version):
            return
        who = last_change(self.session, _table_of(obj), obj.id)  # type: ignore[attr-defined]
        raise StaleError(f"{_table_of(obj)} {obj.id} was changed{who} since you saw it; "  # type: ignore[attr-defined]
                         f"nothing was saved ({shown} was reloaded)")

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
        _bump(obj)
        self.session.add(obj)
        self.session.flush()
        self.changes.append({"table": _table_of(obj), "id": obj.id, "before": before, "after": snapshot(obj)})
        return obj

    def delete(self, obj: SQLModel) -> None:
        """Delete ``obj`` and, first, what refers to it (cascade: deleted; SET NULL:
        unlinked), each recorded, so undo restores all of it."""
        table = _table_of(obj)
        for ref_table, column, ondelete in _referrers(table):
            model = TABLES[ref_table]
            for dep in self.session.exec(select(model).where(getattr(model, column) == obj.id)).all():  # type: ignore[attr-defined]
                if ondelete == "CASCADE":
                    self.delete(dep)
                elif ondelete == "SET NULL":
                    self.update(dep, **{column: None})
        if self.session.get(type(obj), obj.id) is None:  # type: ignore[attr-defined]
            return  # already deleted through another reference (a relation of two deleted mentions)
        before = snapshot(obj)
        self.session.delete(obj)
        self.session.flush()
        self.changes.append({"table": table, "id": before["id"], "before": before, "after": None})

    def record(self, action: str, summary: str, article_id: int | None = None) -> History | None:
        """Append the history row (nothing when nothing changed) and drop this curator's redo
        stack (a colleague's stays theirs)."""
        if not self.changes:
            return None
        for h in self.session.exec(select(History).where(History.state == "undone", History.user == self.user)):
            h.state = "dropped"
            self.session.add(h)
        entry = History(
            user=self.user,
            kind="action",
            action=action,
            summary=summary,
            article_id=article_id,
            changes=json.dumps(self.changes, ensure_ascii=False),
        )
        self.session.add(entry)
        self.session.flush()
        written_here(self.session).add(entry.id)  # type: ignore[arg-type]
        return entry


def _log(s: Session, row: History) -> None:
    s.add(row)
    s.flush()
    written_here(s).add(row.id)  # type: ignore[arg-type]


@contextlib.contextmanager
def action(db: Database, name: str, summary: str = "", article_id: int | None = None) -> Iterator[Tracker]:
    """``with action(db, "confirm", "Confirm ‘X’") as t: t.update(...)`` — one transaction, one
    history row.  Any exception rolls the whole action back."""
    with db.transaction() as s:
        t = Tracker(s)
        yield t
        t.record(name, summary or name, article_id)


# -- who changed a row ------------------------------------------------------------------------------


def last_change(session: Session, table: str, row_id: int, after_id: int = 0) -> str:
    """`` by bob at 2026-12-01 20:14`` for the newest history row after ``after_id`` that
    touched the row, or '' when none did (a change made by detection or an import)."""
    rows = session.exec(select(History).where(History.id > after_id).order_by(History.id.desc()).limit(2000))
    for h in rows:
        for ch in json.loads(h.changes or "[]"):
            if ch.get("table") == table and ch.get("id") == row_id:
                return f" by {h.user or 'someone'} at {h.at:%Y-%m-%d %H:%M}"
    return ""


def _touched_since(session: Session, entry: History) -> dict[tuple[str, int], str]:
    """`` by bob at 2026-12-01 20:14`` (the latest) for every (table, id) that a history row
    after ``entry`` changed, leaving out the undos and redos of ``entry`` itself (they put back
    only what it did) — one read of the history, however many rows are asked about."""
    out: dict[tuple[str, int], str] = {}
    q = (select(History).where(History.id > entry.id)
         .where((History.target_id.is_(None)) | (History.target_id != entry.id))  # type: ignore[union-attr]
         .order_by(History.id))
    for h in session.exec(q):
        for ch in json.loads(h.changes or "[]"):
            out[(ch.get("table"), ch.get("id"))] = f" by {h.user or 'someone'} at {h.at:%Y-%m-%d %H:%M}"
    return out


# -- undo / redo ------------------------------------------------------------------------------------


def _matches(obj: SQLModel | None, values: dict[str, Any] | None) -> bool:
    if values is None:
        return obj is None
    if obj is None:
        return False
    now = snapshot(obj)
    return all(now.get(k) == v for k, v in values.items() if k not in _IGNORED)


def _apply(t: Tracker, entry: History, *, reverse: bool) -> None:
    """Undo (``reverse``) or redo ``entry`` through ``t``, which records what is applied, and
    the rows that referred to a row being deleted (marked ``cascade``)."""
    changes = json.loads(entry.changes)
    seq = reversed(changes) if reverse else changes
    src, dst = ("after", "before") if reverse else ("before", "after")
    verb = "undo" if reverse else "redo"
    s = t.session
    for ch in seq:
        model = TABLES[ch["table"]]
        obj = s.get(model, ch["id"])
        if _matches(obj, ch[dst]):
            continue  # already as wanted (a colleague made the same change): nothing to do
        if not _matches(obj, ch[src]):
            who = last_change(s, ch["table"], ch["id"], entry.id)
            raise ConflictError(
                f"cannot {verb} ‘{entry.summary}’: {ch['table']} {ch['id']} was changed{who} since"
                + ("; skip it with `curate undo --skip` (Edit → Skip Undo), older actions stay undoable"
                   if reverse else "")
            )
        target = ch[dst]
        if target is None:
            before = len(t.changes)
            t.delete(obj)  # type: ignore[arg-type]
            touched = None
            for extra in t.changes[before:-1]:
                # what refers to the row goes with it: fine for rows nobody curated since (an
                # auto-link by detection), refused for a row an action after this one wrote (a
                # colleague's alias of a new entity), so the whole undo rolls back
                if touched is None:
                    touched = _touched_since(s, entry)
                who = touched.get((extra["table"], extra["id"]))
                if who:
                    raise ConflictError(
                        f"cannot {verb} ‘{entry.summary}’: {extra['table']} {extra['id']} was changed{who} since"
                        + ("; skip it with `curate undo --skip` (Edit → Skip Undo), older actions stay undoable"
                           if reverse else ""))
                extra["cascade"] = True
        elif obj is None:
            values = _restore_values(model, target)
            values["version"] = (values.get("version") or 0) + 1 if "version" in values else None
            if values["version"] is None:
                del values["version"]
            new = model(**values)
            s.add(new)
            s.flush()
            t.changes.append({"table": ch["table"], "id": ch["id"], "before": None, "after": snapshot(new)})
        else:
            before = snapshot(obj)
            for k, v in _restore_values(model, target).items():
                if k not in ("id", "version"):
                    setattr(obj, k, v)
            _bump(obj)
            s.add(obj)
            s.flush()
            t.changes.append({"table": ch["table"], "id": ch["id"], "before": before, "after": snapshot(obj)})


def _restore_cascade(t: Tracker, entry: History) -> None:
    """On redo: the rows that referred to what undo deleted (an entity's auto-links, which
    detection wrote after the action) get their references back, where nobody changed them
    since the undo."""
    last_undo = t.session.exec(select(History).where(History.kind == "undo", History.target_id == entry.id)
                               .order_by(History.id.desc())).first()
    if last_undo is None:
        return
    for ch in json.loads(last_undo.changes or "[]"):
        if not ch.get("cascade") or ch["before"] is None:
            continue
        model = TABLES[ch["table"]]
        obj = t.session.get(model, ch["id"])
        if ch["after"] is None:
            if obj is None:
                new = model(**_restore_values(model, ch["before"]))
                _bump(new)
                t.session.add(new)
                t.session.flush()
                t.changes.append({"table": ch["table"], "id": ch["id"], "before": None, "after": snapshot(new)})
        elif _matches(obj, ch["after"]):
            fields = {k: v for k, v in _restore_values(model, ch["before"]).items()
                      if k not in ("id", "version", "updated_at") and v != ch["after"].get(k)}
            t.update(obj, **fields)  # type: ignore[arg-type]


def _mine(user: str):
    return (History.kind == "action") & (History.user == user)


def undo(db: Database) -> History | None:
    """Undo the current curator's latest action still done.  Returns that action's history
    row, or None when there is nothing to undo."""
    with db.transaction() as s:
        t = Tracker(s)
        entry = s.exec(select(History).where(_mine(t.user), History.state == "done")
                       .order_by(History.id.desc())).first()
        if entry is None:
            return None
        _apply(t, entry, reverse=True)
        entry.state = "undone"
        s.add(entry)
        _log(s, History(user=t.user, kind="undo", action=entry.action, summary=entry.summary,
                      article_id=entry.article_id, target_id=entry.id,
                      changes=json.dumps(t.changes, ensure_ascii=False)))
        return entry


def redo(db: Database) -> History | None:
    """Redo the action the current curator undid most recently (if they did nothing since)."""
    with db.transaction() as s:
        t = Tracker(s)
        entry = s.exec(select(History).where(_mine(t.user), History.state == "undone")
                       .order_by(History.id)).first()
        if entry is None:
            return None
        _apply(t, entry, reverse=False)
        _restore_cascade(t, entry)
        entry.state = "done"
        s.add(entry)
        _log(s, History(user=t.user, kind="redo", action=entry.action, summary=entry.summary,
                      article_id=entry.article_id, target_id=entry.id,
                      changes=json.dumps(t.changes, ensure_ascii=False)))
        return entry


def skip(db: Database) -> History | None:
    """Give up undoing the current curator's latest action (it stays applied, marked
    ``skipped``), so that the next undo takes the one before it."""
    with db.transaction() as s:
        user = current_user()
        entry = s.exec(select(History).where(_mine(user), History.state == "done")
                       .order_by(History.id.desc())).first()
        if entry is None:
            return None
        entry.state = "skipped"
        s.add(entry)
        _log(s, History(user=user, kind="skip", action=entry.action, summary=entry.summary,
                      article_id=entry.article_id, target_id=entry.id, changes="[]"))
        return entry


def peek(db: Database) -> tuple[History | None, History | None]:
    """(next action to undo, next action to redo) of the current curator — for "Undo <action>"
    labels."""
    user = current_user()
    with db.session() as s:
        u = s.exec(select(History).where(_mine(user), History.state == "done")
                   .order_by(History.id.desc())).first()
        r = s.exec(select(History).where(_mine(user), History.state == "undone")
                   .order_by(History.id)).first()
        return u, r


def entries(db: Database, article_id: int | None = None, limit: int = 500) -> list[History]:
    with db.session() as s:
        q = select(History).order_by(History.id.desc()).limit(limit)
        if article_id is not None:
            q = q.where(History.article_id == article_id)
        return list(s.exec(q))


__all__ = ["Tracker", "action", "undo", "redo", "skip", "peek", "entries", "snapshot", "set_user",
           "current_user", "last_change", "StaleError", "CurateError"]
