"""Team mode in the window: actions carry the row version the window showed, so a colleague's
change first is never overwritten (refused, said once, the article re-read); Assign to… and the
"Mine" filter."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from desktop import curation, history, queries, team

from ui_support import add_articles, make_window, suggest

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]

TEXT = "Rahim Uddin met Karim Ahmed in Dhaka on Monday."


def _errors(w):
    out = []
    w.ops.failed.connect(lambda text, _who: out.append(text))
    return out


def test_a_colleagues_change_first_refuses_the_action_and_rereads_the_article(qtbot, anydb, any_target, tmp_path):
    """bob retypes the mention from another process (another connection) after the window read
    it; the curator's Reject on what they saw is refused, nothing is saved, the message names
    bob, and the window shows bob's state — on which the curator can then act."""
    (aid,) = add_articles(anydb, TEXT)
    mid = suggest(anydb, aid, TEXT, "Karim Ahmed")
    w = make_window(qtbot, anydb, tmp_path / "s.ini")
    w.open_article(aid)
    w.select_mention(mid)
    seen = w.text_pane.span(mid)
    assert (seen.type, seen.status) == ("PERSON", "suggested")
    env = dict(os.environ, CURATE_DB=any_target, CURATE_USER="bob")
    subprocess.run([sys.executable, "-m", "desktop", "mention", "type", str(mid), "ORG"], env=env, check=True,
                   capture_output=True, timeout=120)
    errors = _errors(w)
    undo_before = history.peek(anydb)[0]
    w.actions["reject"].trigger()
    assert len(errors) == 1 and "changed by bob" in errors[0] and "nothing was saved" in errors[0], errors
    assert w.statusBar().currentMessage() == errors[0]
    now = queries.mention(anydb, mid)
    assert (now.type, now.status) == ("ORG", "confirmed")  # bob's choice stands
    assert history.peek(anydb)[0] == undo_before  # nothing recorded for the curator
    shown = w.text_pane.span(mid)
    assert (shown.type, shown.status, shown.version) == ("ORG", "confirmed", now.version)  # re-read at once
    assert w.selected_mention == mid
    w.actions["reject"].trigger()  # on the state the window now shows: applied
    assert queries.mention(anydb, mid).status == "rejected" and len(errors) == 1


def test_a_mention_a_colleague_deleted_is_said_and_leaves_the_view(qtbot, db, tmp_path):
    (aid,) = add_articles(db, TEXT)
    mid = suggest(db, aid, TEXT, "Karim Ahmed")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid)
    w.select_mention(mid)
    with history.acting_as("bob"):
        curation.delete_mention(db, mid)
    errors = _errors(w)
    w.actions["confirm"].trigger()
    assert errors == [f"mention {mid} does not exist"]
    assert w.text_pane.span(mid) is None and w.selected_mention is None  # re-read: it is gone


def test_marking_an_article_a_colleague_just_marked_is_refused(qtbot, db, tmp_path):
    (aid,) = add_articles(db, TEXT)
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid)
    with history.acting_as("bob"):
        curation.set_article_status(db, aid, "done")
    errors = _errors(w)
    w.actions["mark_in_progress"].trigger()
    assert len(errors) == 1 and "changed by bob" in errors[0], errors
    assert queries.article(db, aid).status == "done"
    assert "done" in w.view.title_label.text() and w.view.article_version == queries.article(db, aid).version
    w.actions["mark_in_progress"].trigger()  # now on what it shows
    assert queries.article(db, aid).status == "in_progress" and len(errors) == 1


def test_the_link_panel_sends_the_version_it_showed(qtbot, db, tmp_path):
    (aid,) = add_articles(db, TEXT)
    mid = suggest(db, aid, TEXT, "Karim Ahmed")
    ent = curation.create_entity(db, "Karim Ahmed", "PERSON").id
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid)
    w.select_mention(mid)
    with history.acting_as("bob"):
        curation.reject(db, mid)
    errors = _errors(w)
    assert not w.view.link_panel.link_to(ent)
    assert len(errors) == 1 and "changed by bob" in errors[0]
    assert queries.mention(db, mid).entity_id is None
    assert w.view.link_panel._mention.status == "rejected"  # the panel shows bob's state now
    assert w.view.link_panel.link_to(ent) and queries.mention(db, mid).entity_id == ent


def test_assign_to_gives_the_listed_articles_and_undoes(qtbot, seeded, tmp_path, monkeypatch):
    from desktop.ui.assign import AssignDialog

    w = make_window(qtbot, seeded, tmp_path / "s.ini")
    assert w.actions["assign"] in w.article_view.actions()  # right-click in the list

    def answer(dlg, name, every):
        assert dlg.this_one.isEnabled() and dlg.this_one.isChecked()  # the open article by default
        dlg.name_combo.setCurrentText(name)
        (dlg.all_listed if every else dlg.this_one).setChecked(True)
        return True

    monkeypatch.setattr(AssignDialog, "exec", lambda dlg: answer(dlg, "alice", False))
    w.actions["assign"].trigger()
    assert queries.article(seeded, w.article_id).assigned_to == "alice"
    monkeypatch.setattr(AssignDialog, "exec", lambda dlg: answer(dlg, "bob", True))
    w.actions["assign"].trigger()
    ids = queries.article_ids(seeded)
    assert {queries.article(seeded, a).assigned_to for a in ids} == {"bob"}
    assert "Gave 5 articles to bob" in w.statusBar().currentMessage()
    row = w.article_model.index(0, 0)
    assert "assigned to bob" in w.article_model.data(row, 3)  # the row's tooltip (ToolTipRole)
    assert w.actions["undo"].text() == "&Undo Assign 5 articles to bob"
    w.actions["undo"].trigger()
    assert queries.article(seeded, w.article_id).assigned_to == "alice"
    assert queries.curators(seeded) == sorted({"alice", history.current_user()})  # the dialog offers them


def test_mine_lists_only_the_curators_articles(qtbot, seeded, tmp_path):
    ids = queries.article_ids(seeded)
    team.assign(seeded, "alice", ids[:2])
    team.assign(seeded, "bob", ids[2:3])
    try:
        history.set_user("alice")
        w = make_window(qtbot, seeded, tmp_path / "s.ini")
        assert w.articles.ids == ids
        w.articles.mine.click()
        assert w.articles.ids == ids[:2] and w.articles.count_label.text() == "2 articles"
        w.curation.assign("", [ids[0]])  # taken back: it leaves the list
        assert w.articles.ids == ids[1:2]
        w.articles.mine.click()
        assert w.articles.ids == ids
    finally:
        history.set_user(None)


def test_ops_rereads_what_a_refused_action_was_on(qtbot, db):
    """The one path: a stale refusal publishes what the caller showed (everything when it did
    not say), any other refusal only what the caller named; a success publishes its own record."""
    from desktop.changes import Changes
    from desktop.errors import CurateError
    from desktop.history import StaleError
    from desktop.ui.operations import Ops

    ops = Ops(db)
    seen, failed = [], []
    ops.changed.connect(lambda ch, who: seen.append((ch, who)))
    ops.failed.connect(lambda text, who: failed.append(text))
    mine = Changes(articles=frozenset({7}))

    def refuse(exc):
        def op(_db):
            raise exc
        return op

    assert ops.run(refuse(StaleError("mention 3 was changed by bob")), initiator="me", stale=mine) is None
    assert failed == ["mention 3 was changed by bob"] and seen == [(mine, None)]
    ops.run(refuse(StaleError("again")))
    assert seen[-1][0].everything
    seen.clear()
    ops.run(refuse(CurateError("mention 3 does not exist")), stale=mine)
    ops.run(refuse(CurateError("unknown entity type 'X'")))
    assert seen == [(mine, None)] and failed[-1] == "unknown entity type 'X'"


def test_confirm_all_after_a_colleague_retyped_a_suggestion_is_refused_and_rereads(qtbot, anydb, any_target,
                                                                                    tmp_path):
    """bob retypes one of the two suggestions from another process after the window showed
    them; Confirm all on what the curator saw is refused as a whole, said once, and the article
    re-read — then Confirm all confirms what is left."""
    (aid,) = add_articles(anydb, TEXT)
    m1 = suggest(anydb, aid, TEXT, "Rahim Uddin")
    m2 = suggest(anydb, aid, TEXT, "Karim Ahmed")
    w = make_window(qtbot, anydb, tmp_path / "s.ini")
    w.open_article(aid)
    assert [w.text_pane.span(m).status for m in (m1, m2)] == ["suggested", "suggested"]
    env = dict(os.environ, CURATE_DB=any_target, CURATE_USER="bob")
    subprocess.run([sys.executable, "-m", "desktop", "mention", "type", str(m2), "ORG"], env=env, check=True,
                   capture_output=True, timeout=120)
    errors = _errors(w)
    undo_before = history.peek(anydb)[0]
    w.actions["confirm_all"].trigger()
    assert len(errors) == 1 and f"mention {m2} was changed by bob" in errors[0] and "nothing was saved" in errors[0]
    assert w.statusBar().currentMessage() == errors[0]
    assert queries.mention(anydb, m1).status == "suggested"            # nothing applied
    assert history.peek(anydb)[0] == undo_before
    shown = w.text_pane.span(m2)
    assert (shown.type, shown.status) == ("ORG", "confirmed")          # re-read at once
    w.actions["confirm_all"].trigger()                                 # on what it shows now
    assert queries.mention(anydb, m1).status == "confirmed" and len(errors) == 1
    assert (queries.mention(anydb, m2).type, queries.mention(anydb, m2).status) == ("ORG", "confirmed")
    assert "Confirmed 1 suggestion" in w.statusBar().currentMessage()


def test_mark_done_leaves_a_suggestion_a_colleague_added_meanwhile_for_review(qtbot, db, tmp_path, monkeypatch):
    from desktop.ui import curation_actions

    (aid,) = add_articles(db, TEXT)
    m1 = suggest(db, aid, TEXT, "Rahim Uddin")
    w = make_window(qtbot, db, tmp_path / "s.ini")
    w.open_article(aid)
    with history.acting_as("bob"):
        m2 = suggest(db, aid, TEXT, "Karim Ahmed")                     # bob's detection, unseen here
    monkeypatch.setattr(w.curation, "ask_unreviewed", lambda n: curation_actions.CONFIRM_ALL)
    w.actions["mark_done"].trigger()
    assert queries.mention(db, m1).status == "confirmed"
    assert queries.mention(db, m2).status == "suggested"               # never confirmed unseen
    assert queries.article(db, aid).status != "done" and w.article_id == aid
    assert "1 suggestion added since you opened the article was left" in w.statusBar().currentMessage()
