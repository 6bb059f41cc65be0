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
