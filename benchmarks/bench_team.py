"""Team mode under load: simulated curators (processes) doing random curation actions at once.

    python benchmarks/bench_team.py [--server URL] [--curators 8] [--actions 500] [--articles 2000]
                                    [--sqlite-curators 2]

Without ``--server`` a private PostgreSQL instance is started (scripts/pg_server.py).  For each
backend: a fresh database with ``--articles`` generated articles (mixed scripts) and three
suggestions each; then N curator processes, each doing ``--actions`` random actions (confirm,
reject, retype, add a mention, article status) as its own user, timing each one; a watcher in
the parent measures how long a change takes to be seen.  Reported: actions/s, p50/p95 latency,
and the audit — every action a curator saw succeed is in the history exactly once (0 lost, 0
duplicated), and the final row of every mention equals the last recorded change to it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = ["Dhaka", "Delhi", "Rajnath Singh", "ঢাকা", "দ্বিবেদীর", "কাজাখস্তানের", "नई दिल्ली", "राजनाथ सिंह",
         "met", "said", "on Monday", "বৈঠক", "बैठक", "the minister", "in", "and"]


def _setup(target: str, articles: int) -> None:
    from sqlmodel import select

    from desktop.db import Database
    from desktop.importing import Draft, import_drafts
    from desktop.models import Article, Mention

    db = Database(target)
    rnd = random.Random(1)
    drafts = [Draft(text=" ".join(rnd.choice(WORDS) for _ in range(60)) + f" #{i}", title=f"a{i}")
              for i in range(articles)]
    import_drafts(db, drafts)
    with db.transaction() as s:
        rows = []
        for a in s.exec(select(Article)).all():
            for k in range(3):
                start = k * 20
                rows.append(Mention(article_id=a.id, start=start, end=start + 5, text=a.text[start:start + 5],
                                    type="PERSON", status="suggested", source="gazetteer"))
        s.add_all(rows)
    db.close()


def _curator(target: str, user: str, actions: int, seed: int, out) -> None:
    from sqlmodel import select

    from desktop import curation, history
    from desktop.db import Database
    from desktop.errors import CurateError
    from desktop.models import Article, Mention

    history.set_user(user)
    db = Database(target)
    rnd = random.Random(seed)
    with db.session() as s:
        mids = list(s.exec(select(Mention.id)))
        aids = list(s.exec(select(Article.id)))
    done, lat, refused = [], [], 0
    began = time.time()  # after the process started and opened the database
    for _ in range(actions):
        kind = rnd.random()
        mid = rnd.choice(mids)
        t0 = time.perf_counter()
        try:
            if kind < 0.35:
                ch = curation.confirm(db, mid)
            elif kind < 0.55:
                ch = curation.reject(db, mid)
            elif kind < 0.8:
                ch = curation.set_type(db, mid, rnd.choice(["PERSON", "ORG", "LOC"]))
            elif kind < 0.9:
                a = rnd.choice(aids)
                s0 = rnd.randrange(0, 200)
                ch = curation.add_mention(db, a, s0, s0 + 4, "LOC")
            else:
                ch = curation.set_article_status(db, rnd.choice(aids), rnd.choice(["in_progress", "done"]))
        except CurateError:
            refused += 1
            continue
        lat.append(time.perf_counter() - t0)
        if ch.history_id is not None:
            done.append(ch.history_id)
    ended = time.time()
    db.close()
    out.put({"user": user, "done": done, "lat": lat, "refused": refused, "began": began, "ended": ended})


def _watch_latency(target: str, samples: int = 10) -> list[float]:
    """A watcher in this process, a writer in another: time from the writer's commit to the
    watcher's report."""
    from desktop.db import Database
    from desktop.team import Watcher

    db = Database(target)
    w = Watcher(db)
    ctx = mp.get_context("spawn")
    out = []
    for i in range(samples):
        q = ctx.Queue()
        p = ctx.Process(target=_one_write, args=(target, q))
        p.start()
        committed = q.get(timeout=120)
        deadline = time.monotonic() + 30
        while w.poll(0.05) is None and time.monotonic() < deadline:
            pass
        out.append(time.time() - committed)
        p.join()
    w.close()
    db.close()
    return out


def _one_write(target: str, q) -> None:
    from sqlmodel import select

    from desktop import curation, history
    from desktop.db import Database
    from desktop.models import Mention

    history.set_user("writer")
    db = Database(target)
    with db.session() as s:
        m = s.exec(select(Mention).order_by(Mention.id)).first()
    curation.set_type(db, m.id, "ORG" if m.type != "ORG" else "PERSON")  # always a change
    q.put(time.time())
    db.close()


def _audit(target: str, results: list[dict]) -> dict:
    from sqlmodel import select

    from desktop.db import Database
    from desktop.models import History, Mention

    db = Database(target)
    with db.session() as s:
        ids = [h.id for h in s.exec(select(History).where(History.kind == "action"))]
        last = {}
        for h in s.exec(select(History).where(History.kind == "action").order_by(History.id)):
            for ch in json.loads(h.changes):
                if ch["table"] == "mention" and ch["after"] is not None:
                    last[ch["id"]] = (ch["after"]["status"], ch["after"]["type"])
        rows = {m.id: (m.status, m.type) for m in s.exec(select(Mention))}
    db.close()
    returned = [i for r in results for i in r["done"]]
    in_history = set(ids)
    lost = sum(1 for i in returned if i not in in_history)
    duplicated = len(returned) - len(set(returned))
    mismatched = sum(1 for mid, state in last.items() if rows.get(mid) != state)
    return {"lost": lost, "duplicated": duplicated, "rows_not_as_last_action": mismatched}


def _load() -> float:
    """The 1-minute load average (the machine may be shared: reported beside every timing)."""
    import os

    return round(os.getloadavg()[0], 2)


def run(target: str, curators: int, actions: int, articles: int, label: str) -> dict:
    t_setup = time.perf_counter()
    _setup(target, articles)
    setup_s = round(time.perf_counter() - t_setup, 1)
    load_before = _load()
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=_curator, args=(target, f"curator{i}", actions, i, q)) for i in range(curators)]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    results = [q.get(timeout=3600) for _ in procs]
    for p in procs:
        p.join()
    wall = time.perf_counter() - t0
    load_after = _load()
    # throughput over the time the curators were acting (process start-up and imports left out)
    acting = max(r["ended"] for r in results) - min(r["began"] for r in results)
    lat = sorted(x for r in results for x in r["lat"])
    n = len(lat)
    res = {
        "backend": label, "curators": curators, "actions": n,
        "refused": sum(r["refused"] for r in results),
        "actions_per_s": round(n / acting, 1), "acting_s": round(acting, 1), "wall_s": round(wall, 1),
        "setup_s": setup_s,
        "articles": articles, "load_before": load_before, "load_after": load_after,
        "p50_ms": round(statistics.median(lat) * 1000, 1),
        "p95_ms": round(lat[int(0.95 * (n - 1))] * 1000, 1),
        **_audit(target, results),
    }
    wl = _watch_latency(target, 8)
    res["watcher_p50_ms"] = round(statistics.median(wl) * 1000)
    res["watcher_max_ms"] = round(max(wl) * 1000)
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", help="admin URL of a PostgreSQL server (default: start a private one)")
    ap.add_argument("--curators", type=int, default=8)
    ap.add_argument("--sqlite-curators", type=int, default=2)
    ap.add_argument("--actions", type=int, default=500)
    ap.add_argument("--articles", type=int, default=2000)
    args = ap.parse_args()

    import importlib.util

    import psycopg
    from sqlalchemy.engine import make_url

    base = None
    url = args.server
    if not url:
        spec = importlib.util.spec_from_file_location("pg_server", ROOT / "scripts" / "pg_server.py")
        pgs = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(pgs)
        url, base = pgs.start()
    try:
        with psycopg.connect(url, autocommit=True) as c:
            c.execute("DROP DATABASE IF EXISTS curate_bench WITH (FORCE)")
            c.execute("CREATE DATABASE curate_bench")
        pg_target = make_url(url).set(database="curate_bench").render_as_string(hide_password=False)
        rows = [run(pg_target, args.curators, args.actions, args.articles, "PostgreSQL")]
        with tempfile.TemporaryDirectory() as d:
            rows.append(run(str(Path(d) / "bench.db"), args.sqlite_curators, args.actions, args.articles, "SQLite"))
    finally:
        if base is not None:
            pgs.stop(base)
    print(json.dumps(rows, indent=2))
    print("| backend | curators | actions | actions/s | p50 | p95 | lost | duplicated | rows ≠ last action "
          "| refused | watcher p50 / max | load avg (1 min) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['backend']} | {r['curators']} | {r['actions']} | {r['actions_per_s']} | {r['p50_ms']} ms | "
              f"{r['p95_ms']} ms | {r['lost']} | {r['duplicated']} | {r['rows_not_as_last_action']} | "
              f"{r['refused']} | {r['watcher_p50_ms']} / {r['watcher_max_ms']} ms | "
              f"{r['load_before']} → {r['load_after']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
