"""Read-side queries: paging, filters, sorting, counts, stats."""

from desktop import curation
from desktop.importing import Draft, import_drafts
from desktop.models import Mention
from desktop.queries import ArticleFilter, article_ids, article_rows, list_articles, stats


def _fill(db):
    import_drafts(db, [
        Draft(text="ভারত ও রাশিয়ার বৈঠক হয়েছে আজ", title="B"),
        Draft(text="रक्षा मंत्री राजनाथ सिंह ने चर्चा की", title="A"),
        Draft(text="India and Kazakhstan held talks", title="C"),
    ])
    with db.transaction() as s:
        s.add(Mention(article_id=3, start=0, end=5, text="India", type="LOC", status="suggested", source="gazetteer"))
        s.add(Mention(article_id=3, start=10, end=20, text="Kazakhstan", type="LOC", status="suggested", source="gazetteer"))
    curation.confirm(db, 1)


def test_counts_and_filters(db):
    _fill(db)
    rows = {r.title: r for r in list_articles(db)}
    assert (rows["C"].suggested, rows["C"].confirmed) == (1, 1)
    assert rows["C"].status == "in_progress"
    assert [r.title for r in list_articles(db, ArticleFilter(language="hi"))] == ["A"]
    assert [r.title for r in list_articles(db, ArticleFilter(status="in_progress"))] == ["C"]
    assert [r.title for r in list_articles(db, ArticleFilter(search="রাশিয়া"))] == ["B"]


def test_sorting_and_paging(db):
    _fill(db)
    assert article_ids(db, sort="title") == [2, 1, 3]
    assert article_ids(db, sort="title", descending=True) == [3, 1, 2]
    assert article_ids(db, sort="confirmed", descending=True)[0] == 3
    ids = article_ids(db)
    assert [r.id for r in article_rows(db, ids[1:])] == ids[1:]


def test_stats(db):
    _fill(db)
    st = stats(db)
    assert st["articles"] == 3 and st["mentions"] == 2
    assert st["mentions_by_status"] == {"suggested": 1, "confirmed": 1}
    assert st["history_actions"] == 1
