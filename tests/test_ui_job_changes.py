"""Imports and detection runs tell the window exactly what they wrote (the articles, their
mentions, the entities made), so the panels re-read only that: an open article the job did not
touch is not rebuilt."""

from __future__ import annotations

import pytest

from desktop import curation, queries

from ui_support import make_window

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


def _spy(w):
    """(published Changes, ids of the articles the view rebuilt while they were open)."""
    published, rebuilt = [], []
    w.ops.changed.connect(lambda ch, _who: published.append(ch))
    real = w.view.refresh_article

    def refresh():
        rebuilt.append(w.view.article_id)
        real()

    w.view.refresh_article = refresh
    return published, rebuilt


def _shared_link(db):
    """(open article A, other article B, a linked suggestion of B whose entity A shows too)."""
    ids = queries.article_ids(db)
    for a in ids:
        shown = {m.entity_id for m in queries.mentions(db, a) if m.entity_id is not None}
        for b in ids:
            if b == a:
                continue
            for m in queries.mentions(db, b):
                if m.entity_id in shown and m.status == "suggested" and m.source == "gazetteer":
                    return a, b, m
    pytest.fail("no two seeds linking one entity")


def test_detecting_another_article_leaves_the_open_one_alone(qtbot, seeded, tmp_path):
    a, b, gone = _shared_link(seeded)
    curation.delete_mention(seeded, gone.id)  # detection proposes it again, linked to the same entity
    w = make_window(qtbot, seeded, tmp_path / "s.ini")
    w.open_article(a)
    spans_before = list(w.text_pane.spans)
    published, rebuilt = _spy(w)
    w.jobs.detect([b])
    qtbot.waitUntil(lambda: not w.runner.busy and bool(published), timeout=60000)
    ch = published[-1]
    again = next(m for m in queries.mentions(seeded, b) if (m.start, m.end, m.type) == (gone.start, gone.end, gone.type))
    assert not ch.everything and ch.articles == {b}, ch
    assert again.id in ch.mentions and again.entity_id == gone.entity_id and gone.entity_id in ch.entities, ch
    assert rebuilt == [] and w.text_pane.spans == spans_before  # A shows that entity, but nothing in A changed
    row = w.article_model.row_data(w.article_model.row_of(b))
    assert row.suggested == sum(m.status == "suggested" for m in queries.mentions(seeded, b))


def test_an_import_names_the_new_article_and_its_mentions(qtbot, seeded, tmp_path):
    f = tmp_path / "new.txt"
    f.write_text("Talks in Astana\n\nIndia and Kazakhstan met in Astana on Monday.\n", encoding="utf-8")
    w = make_window(qtbot, seeded, tmp_path / "s.ini")
    first = w.articles.ids[0]
    w.open_article(first)
    published, rebuilt = _spy(w)
    before = set(w.articles.ids)
    w.jobs.import_paths([str(f)])
    qtbot.waitUntil(lambda: not w.runner.busy and bool(published), timeout=60000)
    ch = published[-1]
    (new,) = set(queries.article_ids(seeded)) - before
    mentions = {m.id for m in queries.mentions(seeded, new)}
    assert not ch.everything and ch.articles == {new} and mentions and ch.mentions == mentions, ch
    assert first not in rebuilt
    assert w.article_model.row_of(new) is not None  # the list holds the new article
    assert w.article_id == new  # and the window opened it


def test_a_new_entity_shown_renamed_rebuilds_the_view(qtbot, seeded, tmp_path):
    """The other side: an entity the open article shows, renamed, is re-read (its name shows
    beside the mention)."""
    from desktop import kb

    w = make_window(qtbot, seeded, tmp_path / "s.ini")
    aid = next(a for a in w.articles.ids if any(m.entity_id for m in queries.mentions(seeded, a)))
    w.open_article(aid)
    span = next(s for s in w.text_pane.spans if s.entity_id is not None)
    published, rebuilt = _spy(w)
    w.run_action(lambda db: kb.edit_entity(db, span.entity_id, name=span.entity + " (renamed)"))
    assert rebuilt == [aid]
    assert w.text_pane.span(span.id).entity == span.entity + " (renamed)"


def test_the_list_reloads_only_for_articles_that_belong_in_it(qtbot, seeded, tmp_path):
    w = make_window(qtbot, seeded, tmp_path / "s.ini")
    w.articles.language_filter.setCurrentIndex(w.articles.language_filter.findData("hi"))
    listed = list(w.articles.ids)
    reloads = []
    w.article_model.reloaded.connect(lambda: reloads.append(1))
    other = next(a for a in queries.article_ids(seeded) if a not in listed)
    mid = queries.mentions(seeded, other)[0].id
    w.run_action(lambda db: curation.reject(db, mid))  # an article the filter leaves out
    assert reloads == [] and w.articles.ids == listed
    f = tmp_path / "hi.txt"
    f.write_text("नई दिल्ली में बैठक\n\nभारत और कज़ाख़स्तान के मंत्री नई दिल्ली में मिले।\n", encoding="utf-8")
    w.jobs.import_paths([str(f)])
    qtbot.waitUntil(lambda: not w.runner.busy and bool(reloads), timeout=60000)
    assert len(w.articles.ids) == len(listed) + 1  # the new Hindi article joined the list


def test_changed_since_on_both_backends(any_seeded):
    """The read behind it: what a detection run and an import wrote after the mark, on SQLite
    and PostgreSQL (the time comparison included)."""
    from desktop.detection.service import detect_articles
    from desktop.importing import Draft, import_drafts

    db = any_seeded
    a, b, gone = _shared_link(db)
    kept = next(m for m in queries.mentions(db, b) if m.id != gone.id)
    curation.delete_mention(db, gone.id)
    before = queries.mark(db)
    detect_articles(db, [b])
    rows = queries.changed_since(db, before, [b])
    again = next(m for m in queries.mentions(db, b) if (m.start, m.end, m.type) == (gone.start, gone.end, gone.type))
    assert rows.articles == {b} and again.id in rows.mentions and kept.id not in rows.mentions, rows
    assert gone.entity_id in rows.entities and not rows.entity_types and not rows.everything
    curation.confirm(db, kept.id)  # a later change of an older mention in that article: seen by time
    assert kept.id in queries.changed_since(db, before, [b]).mentions
    before = queries.mark(db)
    (new,) = import_drafts(db, [Draft(text="Astana hosted the talks.", title="Talks", source="x")]).article_ids
    ent = curation.create_entity(db, "Talks Committee", "ORG").id
    rows = queries.changed_since(db, before)
    assert rows.articles == {new} and ent in rows.entities and rows.aliases, rows


def test_a_job_that_fails_half_way_still_shows_what_it_wrote(qtbot, seeded, tmp_path, monkeypatch):
    """Detection commits a batch at a time: when a later batch fails with an unexpected error,
    the articles already written are refreshed (their new suggestions counted in the list), and
    the error is shown once."""
    from desktop.detection import service

    a, b, gone = _shared_link(seeded)
    curation.delete_mention(seeded, gone.id)  # the first batch brings it back
    monkeypatch.setattr(service, "BATCH", 1)  # one article a batch
    real = service._new_suggestions
    seen = []

    def fail_on_the_second(article_id, cands, existing):
        seen.append(article_id)
        if len(seen) > 1:
            raise RuntimeError("disk on fire")
        return real(article_id, cands, existing)

    monkeypatch.setattr(service, "_new_suggestions", fail_on_the_second)
    w = make_window(qtbot, seeded, tmp_path / "s.ini")
    monkeypatch.setattr("desktop.ui.jobs.show_error", lambda *a, **k: shown.append(a))
    shown = []
    published, _rebuilt = _spy(w)
    w.jobs.detect([b, a])
    qtbot.waitUntil(lambda: not w.runner.busy and bool(shown), timeout=60000)
    assert published, "nothing published after the failure"
    ch = published[-1]
    again = next(m for m in queries.mentions(seeded, b) if (m.start, m.end, m.type) == (gone.start, gone.end, gone.type))
    assert again.id in ch.mentions and b in ch.articles, ch
    row = w.article_model.row_data(w.article_model.row_of(b))
    assert row.suggested == sum(m.status == "suggested" for m in queries.mentions(seeded, b))
    assert len(shown) == 1 and "disk on fire" in shown[0][2]
