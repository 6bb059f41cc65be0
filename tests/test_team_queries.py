"""The window's read side on a server: the queries of desktop/queries.py, search, stats and the
knowledge-base browser's reads give the same answers on PostgreSQL as on SQLite.

Each test builds the same database on both backends (or takes the seeded one, the starter
knowledge base with the five detected seed articles, on both) and compares what the window would
show, by content rather than by id.  Orders by name or title agree because the server database
uses the C.UTF-8 collation that docs/team.md asks for (code-point order, as SQLite's)."""

import re

import pytest
from sqlmodel import select

from desktop import curation, kb, queries
from desktop.db import Database
from desktop.importing import Draft, import_drafts
from desktop.models import Article, Entity, Mention
from desktop.queries import ArticleFilter

DRAFTS = [
    Draft(text="ভারত ও রাশিয়ার বৈঠক হয়েছে আজ। দ্বিবেদীর বক্তব্য শোনা গেল।", title="B"),
    Draft(text="रक्षा मंत्री राजनाथ सिंह ने चर्चा की", title="A"),
    Draft(text="India and Kazakhstan held talks in Astana.", title="C"),
    Draft(text="Kazakhstan and India signed a deal.", title="D"),
]


@pytest.fixture
def both(tmp_path, pg):
    """The same small curated database on SQLite and on PostgreSQL."""
    url = pg.create()
    dbs = [Database(tmp_path / "curate.db"), Database(url)]
    for db in dbs:
        import_drafts(db, DRAFTS)
        ids = {a.title: a.id for a in _articles(db)}
        curation.add_mention(db, ids["C"], 0, 5, "LOC", status="suggested")
        k = curation.add_mention(db, ids["C"], 10, 20, "LOC", status="suggested").value
        curation.confirm(db, k.id)
        curation.add_mention(db, ids["D"], 0, 10, "LOC", status="suggested")
        r = curation.add_mention(db, ids["D"], 15, 20, "LOC", status="suggested").value
        curation.reject(db, r.id)
        curation.set_article_status(db, ids["A"], "done")
    yield dbs
    for db in dbs:
        db.close()
    pg.drop(url)


def _articles(db):
    with db.session() as s:
        return list(s.exec(select(Article).order_by(Article.id)))


def _titles(db, ids):
    by_id = {a.id: a.title for a in _articles(db)}
    return [by_id[i] for i in ids]


def _row(r):
    """An article row as the list shows it, without its id."""
    return (r.title, r.source, r.language, r.status, r.suggested, r.confirmed, r.rejected,
            bool(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\+00:00)?", r.imported_at)))


def test_article_list_filters_sorting_and_paging_agree(both):
    answers = []
    for db in both:
        out = {}
        for sort in queries.SORT_COLUMNS:
            for desc in (False, True):
                out[sort, desc] = _titles(db, queries.article_ids(db, sort=sort, descending=desc))
        for flt in (ArticleFilter(status="in_progress"), ArticleFilter(status="done"), ArticleFilter(language="bn"),
                    ArticleFilter(search="দ্বিবেদী"), ArticleFilter(search="kazakh"), ArticleFilter(search="astana india"),
                    ArticleFilter(search="রাশিয়া", language="bn"), ArticleFilter(search="absentword")):
            out[flt] = [_row(r) for r in queries.list_articles(db, flt)]
        ids = queries.article_ids(db, sort="title")
        out["page"] = [_row(r) for r in queries.article_rows(db, ids[1:3])]
        answers.append(out)
    sqlite, server = answers
    assert server == sqlite
    # and they are right, not merely equal
    assert sqlite["title", False] == ["A", "B", "C", "D"] and sqlite["title", True] == ["D", "C", "B", "A"]
    assert sqlite["confirmed", True][0] == "C" and sqlite["suggested", True][:2] == ["C", "D"]
    assert [r[0] for r in sqlite[ArticleFilter(search="দ্বিবেদী")]] == ["B"]     # a stem finds দ্বিবেদীর
    assert [r[0] for r in sqlite[ArticleFilter(search="kazakh")]] == ["C", "D"]       # prefix, any case
    assert [r[0] for r in sqlite[ArticleFilter(search="astana india")]] == ["C"]      # every word required
    assert sqlite[ArticleFilter(search="absentword")] == []
    assert sqlite[ArticleFilter(status="done")][0][:4] == ("A", "", "hi", "done")
    c = next(r for r in sqlite[ArticleFilter(status="in_progress")] if r[0] == "C")
    assert c[4:7] == (1, 1, 0) and all(r[-1] for r in sqlite["page"])
    assert [r[0] for r in sqlite["page"]] == ["B", "C"]


def test_stats_status_line_and_the_next_article_agree(both):
    answers = []
    for db in both:
        ids = {a.title: a.id for a in _articles(db)}
        order = queries.article_ids(db, sort="title")
        nxt = [queries.next_unfinished(db, ArticleFilter(), order, ids[t]) for t in ("A", "B", "D")]
        answers.append({
            "stats": queries.stats(db),
            "line": queries.status_line(db),
            "next": _titles(db, [i for i in nxt if i is not None]),
            "done_filter": queries.next_unfinished(db, ArticleFilter(status="done"), order, ids["A"]),
            "suggestions": [queries.suggestion_count(db, ids[t]) for t in ("A", "B", "C", "D")],
        })
    sqlite, server = answers
    assert server == sqlite
    st = sqlite["stats"]
    assert st["articles"] == 4 and st["articles_by_status"] == {"new": 1, "in_progress": 2, "done": 1}
    assert st["mentions_by_status"] == {"suggested": 2, "confirmed": 1, "rejected": 1}
    assert st["articles_by_language"] == {"bn": 1, "hi": 1, "en": 2} and st["history_actions"] == 7
    assert sqlite["line"] == "4 articles (1 done) · 2 suggested · 1 confirmed"
    assert sqlite["next"] == ["B", "C", "B"] and sqlite["done_filter"] is None  # wraps around, skips done A
    assert sqlite["suggestions"] == [0, 0, 1, 1]


def test_an_articles_mentions_entities_and_types_agree(both):
    answers = []
    for db in both:
        ids = {a.title: a.id for a in _articles(db)}
        ms = queries.mentions(db, ids["D"])
        kept = queries.mentions(db, ids["D"], include_rejected=False)
        ent = curation.create_entity(db, "Kazakhstan", "LOC", aliases=["Qazaqstan"],
                                     link_mention_id=ms[0].id).value
        answers.append({
            "mentions": [(m.start, m.end, m.text, m.type, m.status) for m in ms],
            "kept": [(m.start, m.status) for m in kept],
            "one": (lambda m: (m.text, m.status, m.entity_id == ent.id))(queries.mention(db, ms[0].id)),
            "entity": queries.entity(db, ent.id).name,
            "names": sorted(queries.entity_names(db, {ent.id}).values()),
            "types": [(t.name, t.position, t.shortcut) for t in queries.entity_types(db)],
            "article": queries.article(db, ids["D"]).text,
            "missing": (queries.article(db, 10_000), queries.mention(db, 10_000), queries.entity(db, 10_000)),
        })
    sqlite, server = answers
    assert server == sqlite
    assert [m[2] for m in sqlite["mentions"]] == ["Kazakhstan", "India"] and sqlite["kept"] == [(0, "suggested")]
    assert sqlite["one"] == ("Kazakhstan", "confirmed", True) and sqlite["names"] == ["Kazakhstan"]
    assert [t[0] for t in sqlite["types"]][:3] == ["PERSON", "ORG", "LOC"]
    assert sqlite["missing"] == (None, None, None)


@pytest.fixture
def both_seeded(seeded, _pg_seeded_template, pg):
    """The seeded database (starter knowledge base, five detected seed articles) on both."""
    url = pg.create(_pg_seeded_template)
    server = Database(url)
    yield [seeded, server]
    server.close()
    pg.drop(url)


def _linked_entity(db):
    """The entity with the most linked mentions (the seeds link some on detection)."""
    with db.session() as s:
        rows = s.exec(select(Mention.entity_id).where(Mention.entity_id.is_not(None))).all()
    assert rows, "the seeds should have linked mentions"
    top = max(set(rows), key=lambda e: (rows.count(e), -e))
    return queries.entity(db, top)


def test_knowledge_base_browser_reads_agree_on_the_seeded_database(both_seeded):
    answers = []
    for db in both_seeded:
        ent = _linked_entity(db)
        name = ent.name
        probe = name[: max(2, len(name) // 2)]
        rows = kb.find_entities(db, probe)
        by_type = kb.find_entities(db, probe, type=ent.type)
        upper = kb.find_entities(db, name.upper())
        answers.append({
            "entity": (name, ent.type),
            "found": [(r.name, r.type, r.alias_count, r.mention_count) for r in rows],
            "by_type": [r.name for r in by_type],
            "upper": [r.name for r in upper],
            "all": len(kb.find_entities(db, "")),
            "row": (lambda r: (r.name, r.alias_count, r.mention_count))(kb.entity_row(db, ent.id)),
            "scripts": {k: sorted(a.text for a in v) for k, v in kb.aliases_by_script(db, ent.id).items()},
            "mentions": [(m.article_title, m.start, m.end, m.text, m.status, m.context)
                         for m in kb.entity_mentions(db, ent.id)],
            "candidates": [(c.name, c.type, round(c.score, 3), c.reason) for c in kb.search_candidates(db, name)][:10],
            # the titles found (each backend ranks them its own way: bm25, ts_rank); the
            # snippets differ in length (FTS5's snippet(), ts_headline), both mark the hit
            "search": sorted(t for _, t, _ in db.search(name.split()[0])),
            "marked": all("[" in snip and "]" in snip for _, _, snip in db.search(name.split()[0])),
            "stats": queries.stats(db),
        })
    sqlite, server = answers
    for key in sqlite:
        assert server[key] == sqlite[key], key
    assert any(sqlite["entity"][0] == f[0] for f in sqlite["found"])
    assert sqlite["marked"] and sqlite["search"]
    assert sqlite["entity"][0] in sqlite["upper"]                       # case-insensitive on both
    assert sqlite["row"][2] >= 1 and sqlite["mentions"] and sqlite["candidates"][0][0] == sqlite["entity"][0]
    assert sqlite["stats"]["articles"] == 5 and sqlite["all"] > 1000


def test_surface_matches_and_kb_signature_agree(both):
    answers = []
    for db in both:
        ids = {a.title: a.id for a in _articles(db)}
        c_ms = queries.mentions(db, ids["C"])
        kz = next(m for m in c_ms if m.text == "Kazakhstan")
        ent = curation.create_entity(db, "Kazakhstan", "LOC", link_mention_id=kz.id).value
        with db.session() as s:
            sig1 = queries.kb_signature(s)
        kb.add_alias(db, ent.id, "Qazaqstan")
        with db.session() as s:
            sig2 = queries.kb_signature(s)
        pairs = kb.surface_matches(db, kz.id)
        answers.append({"pairs": [(_titles(db, [a])[0], queries.mention(db, m).text) for m, a in pairs],
                        "moved": sig1 != sig2, "counts": (sig2[0] - sig1[0])})
    sqlite, server = answers
    assert server == sqlite
    assert sqlite == {"pairs": [("D", "Kazakhstan")], "moved": True, "counts": 1}


def test_every_export_format_writes_the_same_files_from_both_backends(both_seeded, tmp_path):
    """File → Export on a server writes what it writes from a SQLite file: the same files, byte
    for byte once the databases' own creation times are set aside."""
    from desktop.exporting import FORMATS, export

    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:\+00:00|Z)?")
    for db in both_seeded:  # the same curation on both: confirm every suggestion of the first article
        first = queries.article_ids(db)[0]
        curation.confirm_all(db, first)
    for fmt in FORMATS:
        outs = []
        for n, db in enumerate(both_seeded):
            files = export(db, tmp_path / f"{fmt}{n}", fmt=fmt, status="all")
            got = {}
            for f in files:
                data = f.read_bytes()
                try:
                    got[f.name] = stamp.sub("T", data.decode("utf-8"))
                except UnicodeDecodeError:  # spaCy's DocBin: no times inside
                    got[f.name] = data
            outs.append(got)
        assert outs[1] == outs[0], fmt
        assert outs[0], fmt
