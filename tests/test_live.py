"""The live view's core: a second connection sees a colleague's change, made by another
process, within about two seconds, on both backends; the server going away and coming back."""

import os
import subprocess
import sys
import time

import pytest
from sqlmodel import select

from desktop import curation
from desktop.db import Database, DatabaseError
from desktop.importing import Draft, import_drafts
from desktop.models import Article
from desktop.team import Watcher


def _setup(db):
    import_drafts(db, [Draft(text="Rajnath Singh met Anil Kumar in Delhi.", title="t")])
    with db.session() as s:
        aid = s.exec(select(Article.id)).one()
    m = curation.add_mention(db, aid, 0, 13, "PERSON", status="suggested").value
    return aid, m


def test_watcher_sees_another_process_within_two_seconds(anydb, any_target):
    aid, m = _setup(anydb)
    watcher = Watcher(anydb)
    try:
        assert watcher.poll(0) is None  # our own work is not news
        env = dict(os.environ, CURATE_DB=any_target, CURATE_USER="bob")
        subprocess.run([sys.executable, "-m", "desktop", "mention", "confirm", str(m.id)], env=env, check=True,
                       capture_output=True, timeout=120)
        t0 = time.monotonic()
        changes = None
        while changes is None and time.monotonic() - t0 < 10:
            changes = watcher.poll(0.5)
        latency = time.monotonic() - t0
        assert changes is not None and m.id in changes.mentions and aid in changes.articles
        assert changes.summary.startswith("bob: Confirm")
        assert latency < 2.0, latency
        assert watcher.poll(0) is None  # reported once
        curation.reject(anydb, m.id)      # this process's own action: not reported
        assert watcher.poll(0.3) is None
    finally:
        watcher.close()


def test_an_import_without_history_is_reported_as_everything(anydb):
    _setup(anydb)
    watcher = Watcher(anydb)
    other = Database(anydb.path)
    try:
        import_drafts(other, [Draft(text="Another story about Dhaka.", title="u")])
        changes = watcher.poll(3)
        assert changes is not None and changes.everything
    finally:
        other.close()
        watcher.close()


def test_server_restart_mid_session(pg):
    """The server restarts: the next action either fails with one line (nothing saved) or
    succeeds on a fresh connection; nothing half-applied; the watcher reconnects by itself."""
    from desktop.models import Mention

    url = pg.create()
    db = Database(url)
    try:
        aid, m = _setup(db)
        watcher = Watcher(db)
        pg.restart()
        try:
            curation.confirm(db, m.id)
        except DatabaseError as exc:  # a pooled connection died: one clear line, nothing saved
            assert "nothing was saved" in str(exc) and len(str(exc).splitlines()) == 1
            curation.confirm(db, m.id)  # the next try reconnects
        with db.session() as s:
            assert s.get(Mention, m.id).status == "confirmed"
        watcher.poll(0)  # the first look after a restart may find LISTEN's connection dead
        env = dict(os.environ, CURATE_DB=url, CURATE_USER="bob")
        subprocess.run([sys.executable, "-m", "desktop", "mention", "reject", str(m.id)], env=env, check=True,
                       capture_output=True, timeout=120)
        deadline, seen = time.monotonic() + 20, []
        while not any(m.id in c.mentions for c in seen) and time.monotonic() < deadline:
            c = watcher.poll(0.5)
            if c is not None:  # after a reconnect, first "everything" (notifications may be lost)
                seen.append(c)
        assert any(m.id in c.mentions for c in seen), seen
        watcher.close()
    finally:
        db.close()
        pg.drop(url)


def test_a_soft_lock_heartbeat_is_not_news(anydb):
    from desktop import history, team

    aid, _m = _setup(anydb)
    watcher = Watcher(anydb)
    other = Database(anydb.path)
    try:
        history.set_user("bob")
        team.open_article(other, aid)
        assert watcher.poll(1.0) is None
    finally:
        history.set_user(None)
        other.close()
        watcher.close()
