"""The window shows a colleague's change (another process) without a reload, on both backends."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ui_support import add_articles, make_window, suggest  # noqa: E402

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


def test_window_shows_a_colleagues_confirm_within_seconds(qtbot, anydb, any_target, tmp_path):
    from desktop.ui.live import attach

    text = "Rahim Uddin met Karim Ahmed in Dhaka on Monday."
    (aid,) = add_articles(anydb, text)
    mid = suggest(anydb, aid, text, "Karim Ahmed")
    w = make_window(qtbot, anydb, tmp_path / "settings.ini")
    live = attach(w)
    w.open_article(aid)
    qtbot.waitUntil(lambda: any(s.id == mid and s.status == "suggested" for s in w.text_pane.spans), timeout=5000)
    env = dict(os.environ, CURATE_DB=any_target, CURATE_USER="bob")
    subprocess.run([sys.executable, "-m", "desktop", "mention", "confirm", str(mid)], env=env, check=True,
                   capture_output=True, timeout=120)
    qtbot.waitUntil(lambda: any(s.id == mid and s.status == "confirmed" for s in w.text_pane.spans), timeout=4000)
    assert not live.lost
    live.stop()


def test_connect_to_server_switches_the_window_and_is_remembered_without_password(qtbot, db, pg, tmp_path):
    from sqlalchemy.engine import make_url

    from desktop.ui.connect import connect_to_server

    url = pg.create()
    try:
        w = make_window(qtbot, db, tmp_path / "settings.ini")
        typed = make_url(url).set(password="typed-Secret").render_as_string(hide_password=False)
        assert connect_to_server(w, typed)  # trust authentication: the password is not even needed
        assert w.db.server and "typed-Secret" not in w.db.path and "typed-Secret" not in w.windowTitle()
        w.close()
        from desktop.ui.settings import Settings

        last = Settings(tmp_path / "settings.ini").last_database
        assert last.startswith("postgresql://") and "typed-Secret" not in last
        w.db.close()
    finally:
        pg.drop(url)


def test_window_says_who_is_curating_the_open_article(qtbot, anydb, tmp_path):
    from desktop import history, team
    from desktop.ui.live import attach

    (aid,) = add_articles(anydb, "Rahim Uddin met Karim Ahmed in Dhaka on Monday.")
    try:
        history.set_user("alice")
        assert team.open_article(anydb, aid) is None
        history.set_user("bob")
        w = make_window(qtbot, anydb, tmp_path / "settings.ini")
        live = attach(w)
        w.open_article(aid)
        qtbot.waitUntil(lambda: "alice is curating this article" in w.statusBar().currentMessage(), timeout=4000)
        assert live.user_label.text() == "Curator: bob"
        live.stop()
    finally:
        history.set_user(None)


def test_a_colleagues_import_shows_without_rebuilding_the_open_article(qtbot, any_seeded, tmp_path):
    """An import from another process writes no history: the window still learns exactly what
    came in (the new article and its mentions) and leaves the open article alone."""
    from desktop import queries
    from desktop.ui.live import attach

    db = any_seeded
    w = make_window(qtbot, db, tmp_path / "settings.ini")
    aid = w.articles.ids[0]
    before = set(w.articles.ids)
    live = attach(w)
    w.open_article(aid)
    published, rebuilt = [], []
    w.ops.changed.connect(lambda ch, who: who is live and published.append(ch))
    w.view.refresh_article = lambda: rebuilt.append(w.view.article_id)
    f = tmp_path / "talks.txt"
    f.write_text("Talks in Astana\n\nIndia and Kazakhstan met in Astana on Monday.\n", encoding="utf-8")
    env = dict(os.environ, CURATE_DB=db.path, CURATE_USER="bob")
    subprocess.run([sys.executable, "-m", "desktop", "import", str(f)], env=env, check=True,
                   capture_output=True, timeout=120)
    qtbot.waitUntil(lambda: len(w.articles.ids) == len(before) + 1, timeout=8000)
    (new,) = set(queries.article_ids(db)) - before
    ch = next(c for c in published if new in c.articles)
    assert not ch.everything and ch.articles == {new}, ch
    assert ch.mentions and ch.mentions == {m.id for m in queries.mentions(db, new)}
    assert rebuilt == [] and w.article_id == aid
    live.stop()
