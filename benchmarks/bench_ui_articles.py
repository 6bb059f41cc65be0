"""Article list benchmark: open the window's article list over N generated articles.

Builds a database of N articles (short texts in Bengali, Hindi and English, ~3 mentions each),
then measures, in the same run:

- reference: a bare ``sqlite3`` ``SELECT id FROM article ORDER BY id`` (all ids), and the same
  reading the rows' light columns (what a non-lazy model would do);
- open: ``ArticleModel`` + ``QTableView`` created, shown and painted (ids only + the visible page);
- the whole main window created, shown and painted with the first article open;
- scroll: jumps to 50 random positions, each painted (one page fetched per jump);
- sort by confirmed count, filter by language, full-text search: model reload times.

Usage:  QT_QPA_PLATFORM=offscreen python benchmarks/bench_ui_articles.py [--articles 100000]
Target (issue 4): 100,000 articles open in under 2 s and scroll smoothly.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WORDS = {
    "bn": "ভারত রাশিয়া প্রতিরক্ষা সহযোগিতা বৈঠক মন্ত্রী জেনারেল সামরিক সম্পর্ক আলোচনা ঢাকা কলকাতা".split(),
    "hi": "भारत रूस रक्षा सहयोग बैठक मंत्री जनरल सैन्य संबंध चर्चा दिल्ली मुंबई".split(),
    "en": "India Russia defence cooperation meeting minister general military relations talks Delhi Dhaka".split(),
}


def build(path: Path, n: int) -> float:
    from desktop.db import Database
    from desktop.importing import Draft, import_drafts
    from desktop.models import Mention, utcnow

    t0 = time.perf_counter()
    rng = random.Random(4)
    db = Database(path)
    langs = ("bn", "hi", "en")
    drafts = []
    for i in range(n):
        words = WORDS[langs[i % 3]]
        body = " ".join(rng.choice(words) for _ in range(40))
        drafts.append(Draft(text=f"{i} {body}", title=f"{rng.choice(words)} {i}", source=f"gen/{i}.txt"))
    ids = import_drafts(db, drafts).article_ids
    rows = []
    now = utcnow()
    for aid in ids:
        for k in range(3):
            rows.append(dict(article_id=aid, start=2 + 6 * k, end=5 + 6 * k, text="xxx", type="PERSON",
                             status=("suggested", "confirmed", "rejected")[rng.randrange(3)], source="gazetteer",
                             entity_id=None, confidence=0.9, value=None, origin_start=None, origin_end=None,
                             created_at=now, updated_at=now))
    with db.transaction() as s:
        for i in range(0, len(rows), 5000):
            db.insert_many(s, Mention.__table__, rows[i:i + 5000])
    db.close()
    return time.perf_counter() - t0


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="curate-bench-ui-") as tmp:
        path = Path(tmp) / "bench.db"
        build_s = build(path, args.articles)

        con = sqlite3.connect(path)
        ref_ids = timed(lambda: con.execute("SELECT id FROM article ORDER BY id").fetchall())
        ref_rows = timed(lambda: con.execute(
            "SELECT a.id, a.title, a.language, a.status, "
            "sum(m.status='suggested'), sum(m.status='confirmed') "
            "FROM article a LEFT JOIN mention m ON m.article_id = a.id GROUP BY a.id ORDER BY a.id").fetchall(), 1)
        con.close()

        from PySide6.QtWidgets import QTableView

        from desktop.db import Database
        from desktop.queries import ArticleFilter
        from desktop.ui.app import application
        from desktop.ui.article_model import ArticleModel

        app = application()
        db = Database(path)
        views = []

        def open_list():
            model = ArticleModel(db)
            view = QTableView()
            view.setModel(model)
            view.resize(420, 800)
            view.show()
            app.processEvents()
            view.viewport().repaint()
            views.append((model, view))

        open_s = timed(open_list)
        model, view = views[-1]
        rng = random.Random(1)
        positions = [rng.randrange(model.rowCount()) for _ in range(50)]
        jumps = []
        for r in positions:
            t0 = time.perf_counter()
            view.scrollTo(model.index(r, 0))
            view.viewport().repaint()
            app.processEvents()
            jumps.append(time.perf_counter() - t0)
        jumps.sort()

        sort_s = timed(lambda: model.sort(4, 1) or model.sort(4, 0), 1) / 2
        filter_s = timed(lambda: model.set_filter(ArticleFilter(language="bn")) or model.set_filter(ArticleFilter()), 1) / 2
        search_s = timed(lambda: model.set_filter(ArticleFilter(search="ঢাকা")) or model.set_filter(ArticleFilter()), 1) / 2
        from desktop.ui.main_window import MainWindow
        from desktop.ui.settings import Settings

        windows = []

        def open_window():
            w = MainWindow(db, Settings(Path(tmp) / "settings.ini"))
            w.resize(1400, 900)
            w.show()
            app.processEvents()
            w.repaint()
            windows.append(w)

        window_s = timed(open_window, 2)
        for w in windows:
            w.close()
        result = {
            "articles": args.articles,
            "build_s": round(build_s, 1),
            "reference_select_ids_s": round(ref_ids, 4),
            "reference_all_rows_with_counts_s": round(ref_rows, 3),
            "open_list_s": round(open_s, 4),
            "open_vs_select_ids": round(open_s / ref_ids, 1) if ref_ids else None,
            "open_main_window_s": round(window_s, 3),
            "scroll_jump_median_ms": round(1000 * jumps[len(jumps) // 2], 1),
            "scroll_jump_max_ms": round(1000 * jumps[-1], 1),
            "sort_by_confirmed_s": round(sort_s, 3),
            "filter_language_s": round(filter_s, 3),
            "search_s": round(search_s, 3),
        }
        for _m, v in views:
            v.close()
        db.close()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
