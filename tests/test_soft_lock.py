"""Soft locks: "alice is curating this article", freed on close or after the timeout."""

import datetime as dt

from sqlmodel import select

from desktop import history, team
from desktop.importing import Draft, import_drafts
from desktop.models import Article, ArticleLock


def test_soft_lock_is_shown_freed_on_close_and_after_a_timeout(anydb):
    import_drafts(anydb, [Draft(text="Rajnath Singh met Anil Kumar.", title="t")])
    with anydb.session() as s:
        aid = s.exec(select(Article.id)).one()
    try:
        history.set_user("alice")
        assert team.open_article(anydb, aid) is None
        history.set_user("bob")
        assert team.open_article(anydb, aid) == "alice"     # viewing goes on; bob is told
        assert team.holder(anydb, aid) == "alice"
        history.set_user("alice")
        assert team.holder(anydb, aid) is None               # one's own lock is no news
        team.close_article(anydb, aid)
        history.set_user("bob")
        assert team.open_article(anydb, aid) is None          # freed on close: bob has it now
        with anydb.transaction() as s:                        # bob's app dies: no heartbeat
            lock = s.get(ArticleLock, aid)
            lock.heartbeat_at = lock.heartbeat_at - dt.timedelta(seconds=team.LOCK_TIMEOUT_S + 1)
            s.add(lock)
        history.set_user("alice")
        assert team.holder(anydb, aid) is None and team.open_article(anydb, aid) is None
        assert history.entries(anydb) == []                   # never curation history
    finally:
        history.set_user(None)
