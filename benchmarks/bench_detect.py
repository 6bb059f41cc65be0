"""Detection speed: `curate detect` (detection + automatic linking) against a bare automaton and
spaCy's EntityRuler, in one run, over the same articles and the same aliases.

    python benchmarks/bench_detect.py                 # 2,000 articles (~8 MB), 10,000 entities
    python benchmarks/bench_detect.py --quick         # 300 articles, 2,000 entities, 2 rounds
    python benchmarks/bench_detect.py --profile       # + cProfile of one detect, top lines

Setup (not timed): a temporary database with the starter knowledge base, 10,000 generated
entities (an English, a Bengali and a Hindi alias each) on top, and 2,000 generated
Bengali/Hindi/English articles of about 4 KB.  Every pass then runs in a fresh process (so each
pays what a new `curate detect` pays and reports its own peak RSS), rounds alternate, best of N:

1. **automaton** (the limit): build a pyahocorasick automaton over the lower-cased aliases of
   the whole KB, iterate it over each lower-cased article, keep hits whose left edge is at a word
   boundary, write them to SQLite with one ``executemany`` (WAL, ``synchronous=FULL``, as Curate).
2. **spaCy** (the peer): ``spacy.blank("xx")`` + ``EntityRuler`` with ``phrase_matcher_attr=
   "LOWER"`` over the same aliases, ``nlp.pipe`` over the articles, spans written the same way.
3. **curate detect**: ``detect_articles(db)`` on the database (suggested mentions deleted before
   each round): detector (cached on disk after the first run), rules, variants, writing the
   suggestions, automatic linking.  "cold" is the first run on the new database (no cache yet).

Targets (issue 13): curate <= 8x the automaton and <= 0.5x spaCy (end to end, builds included);
re-detect of one 10 KB article < 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BN_SYL = "কা কি কু কে কো বা বি বু রা রি রু মা মি মু না নি সা সি সু তা তি লা লি দা দে জা জি গা গো পা পি হা হি শা শি চা চি".split()
HI_SYL = "का कि कु के को बा बि बु रा रि रु मा मि मु ना नि सा सि सु ता ति ला लि दा दे जा जि गा गो पा पि हा हि शा शि".split()
EN_SYL = "ka ki ku ke ko ba bi bu ra ri ru ma mi mu na ni sa si su ta ti la li da de ja ji ga go pa pi ha hi".split()
BN_WORDS = "এবং করে হয় সঙ্গে বৈঠক আলোচনা সহযোগিতা প্রতিরক্ষা দুই দেশের মধ্যে গুরুত্বপূর্ণ বলেছেন জানিয়েছে নতুন সম্পর্ক".split()
HI_WORDS = "और के साथ बैठक चर्चा सहयोग रक्षा दोनों देशों के बीच महत्वपूर्ण कहा बताया नए संबंध में".split()
EN_WORDS = "and the with meeting talks cooperation defence both countries between important said told new ties in".split()
SUFFIX = ["", "", "", "ের", "কে", "তে", "র"]
TYPES = ["PERSON", "ORG", "LOC"]
TITLES = {"bn": "জেনারেল", "hi": "जनरल", "en": "General"}
MONTHS = {"bn": "অক্টোবর", "hi": "अक्टूबर", "en": "October"}


def _name(rng, syl, parts, cap=False):
    words = ["".join(rng.choice(syl) for _ in range(rng.randint(2, 4))) for _ in range(parts)]
    return " ".join(w.capitalize() for w in words) if cap else " ".join(words)


def make_kb(rng, n_entities):
    """[(name, type, [en, bn, hi aliases])]"""
    kb = []
    for _ in range(n_entities):
        parts = rng.randint(1, 3)
        bn, hi, en = _name(rng, BN_SYL, parts), _name(rng, HI_SYL, parts), _name(rng, EN_SYL, parts, cap=True)
        kb.append((en, rng.choice(TYPES), [en, bn, hi]))
    return kb


def make_articles(rng, kb, n_articles, size=4000, starter=()):
    """Articles of about ``size`` UTF-8 bytes: generated names (12 %), starter-KB names (2 %),
    titled names, dates, filler words, sentence ends."""
    arts = []
    for _ in range(n_articles):
        lang = rng.choice(["bn", "hi", "en"])
        words = {"bn": BN_WORDS, "hi": HI_WORDS, "en": EN_WORDS}[lang]
        col = {"bn": 1, "hi": 2, "en": 0}[lang]
        out, b = [], 0
        while b < size:
            r = rng.random()
            if r < 0.12:
                w = kb[rng.randrange(len(kb))][2][col] + (rng.choice(SUFFIX) if lang == "bn" else "")
            elif r < 0.14 and starter.get(lang):
                w = rng.choice(starter[lang])
            elif r < 0.16:
                w = f"{TITLES[lang]} {_name(rng, {'bn': BN_SYL, 'hi': HI_SYL, 'en': EN_SYL}[lang], 2, lang == 'en')}"
            elif r < 0.17:
                w = f"{rng.randint(1, 28)} {MONTHS[lang]} {rng.randint(1990, 2030)}"
            else:
                w = rng.choice(words)
            out.append(w)
            b += len(w.encode()) + 1
            if rng.random() < 0.07:
                out[-1] += "।" if lang != "en" else "."
        arts.append(" ".join(out))
    return arts


# -- setup ---------------------------------------------------------------------------------------


def kb_database(path: Path, rng: random.Random, n_entities: int):
    """A database with the starter KB and ``n_entities`` generated ones: (db, kb, starter), where
    ``starter`` is every 50th alias of the starter KB by language (real names for the corpus)."""
    from sqlalchemy import insert, select

    from desktop.db import Database
    from desktop.detection.service import seed_knowledge_base
    from desktop.models import Alias, Entity
    from desktop.text import match_key, script_of

    kb = make_kb(rng, n_entities)
    db = Database(path)
    seed_knowledge_base(db)
    with db.session() as s:
        starter: dict[str, list[str]] = {}
        for text, lang in s.connection().execute(select(Alias.text, Alias.language)
                                                 .order_by(Alias.id)).all()[::50]:
            starter.setdefault(lang, []).append(text)
    with db.transaction() as s:
        ents = [Entity(name=n, type=t) for n, t, _ in kb]
        s.add_all(ents)
        s.flush()
        s.execute(insert(Alias), [dict(entity_id=e.id, text=a, key=match_key(a), language=script_of(a),
                                       source="import") for e, (_, _, al) in zip(ents, kb) for a in al])
    return db, kb, starter


def setup(path: Path, n_articles: int, n_entities: int) -> dict:
    from desktop.importing import Draft, import_drafts

    rng = random.Random(7)
    db, kb, starter = kb_database(path, rng, n_entities)
    arts = make_articles(rng, kb, n_articles, starter=starter)
    import_drafts(db, [Draft(text=a, title=f"a{i}") for i, a in enumerate(arts)])
    with db.session() as s:
        n_alias = s.connection().exec_driver_sql("SELECT count(*) FROM alias").scalar()
        n_ent = s.connection().exec_driver_sql("SELECT count(*) FROM entity").scalar()
    db.close()
    return {"articles": len(arts), "bytes": sum(len(a.encode()) for a in arts), "aliases": n_alias,
            "entities": n_ent}


# -- the passes, each in its own process ---------------------------------------------------------


def _cpu() -> float:
    """CPU seconds of this process and its finished children (worker processes)."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _read(db_path: str):
    con = sqlite3.connect(db_path)
    texts = con.execute("SELECT id, text FROM article ORDER BY id").fetchall()
    aliases = con.execute("SELECT a.text, e.type FROM alias a JOIN entity e ON e.id = a.entity_id "
                          "ORDER BY a.id").fetchall()
    con.close()
    return texts, aliases


def _hits_db(tmp: str) -> sqlite3.Connection:
    p = Path(tmp) / "hits.db"
    if p.exists():
        p.unlink()
    con = sqlite3.connect(p, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = FULL")
    con.execute("CREATE TABLE hit (id INTEGER PRIMARY KEY, article_id INT, start INT, \"end\" INT, "
                "text TEXT, type TEXT)")
    return con


def child_automaton(db_path: str, tmp: str) -> dict:
    import ahocorasick

    texts, aliases = _read(db_path)
    con = _hits_db(tmp)
    t0, c0 = time.perf_counter(), _cpu()
    A = ahocorasick.Automaton()
    for a, typ in aliases:
        k = a.lower()
        A.add_word(k, (typ, len(k)))
    A.make_automaton()
    t_build = time.perf_counter() - t0
    rows = []
    for aid, text in texts:
        low = text.lower()
        for end, (typ, n) in A.iter(low):
            start = end - n + 1
            if start == 0 or not low[start - 1].isalnum():
                rows.append((aid, start, end + 1, text[start:end + 1], typ))
    con.execute("BEGIN IMMEDIATE")
    con.executemany("INSERT INTO hit (article_id, start, \"end\", text, type) VALUES (?,?,?,?,?)", rows)
    con.execute("COMMIT")
    secs = time.perf_counter() - t0
    return {"seconds": secs, "cpu": _cpu() - c0, "build": t_build, "count": len(rows)}


def child_spacy(db_path: str, tmp: str) -> dict:
    import spacy

    texts, aliases = _read(db_path)
    con = _hits_db(tmp)
    t0, c0 = time.perf_counter(), _cpu()
    nlp = spacy.blank("xx")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns([{"label": typ, "pattern": a} for a, typ in aliases])
    t_build = time.perf_counter() - t0
    rows = []
    for (aid, _), doc in zip(texts, nlp.pipe((t for _, t in texts), batch_size=64)):
        rows += [(aid, e.start_char, e.end_char, e.text, e.label_) for e in doc.ents]
    con.execute("BEGIN IMMEDIATE")
    con.executemany("INSERT INTO hit (article_id, start, \"end\", text, type) VALUES (?,?,?,?,?)", rows)
    con.execute("COMMIT")
    secs = time.perf_counter() - t0
    return {"seconds": secs, "cpu": _cpu() - c0, "build": t_build, "count": len(rows)}


def child_curate(db_path: str, tmp: str, profile: bool = False) -> dict:
    from desktop.db import Database
    from desktop.detection.service import detect_articles

    db = Database(db_path)
    with db.transaction() as s:  # a clean slate: the suggestions of the previous round go
        s.connection().exec_driver_sql("DELETE FROM mention WHERE status = 'suggested'")
    t0, c0 = time.perf_counter(), _cpu()
    if profile:
        import cProfile
        import pstats

        pr = cProfile.Profile()
        rep = pr.runcall(detect_articles, db)
        secs = time.perf_counter() - t0
        st = pstats.Stats(pr, stream=sys.stderr)
        st.sort_stats("cumulative").print_stats(30)
        st.sort_stats("tottime").print_stats(20)
    else:
        rep = detect_articles(db)
        secs = time.perf_counter() - t0
    db.close()
    return {"seconds": secs, "cpu": _cpu() - c0, "count": rep.added, "linked": rep.linked}


def child_redetect(db_path: str, tmp: str) -> dict:
    """Re-detect one ~10 KB article the way the window does (detect_article), median of 7,
    after one warm-up call (the window has its detector and linking index already)."""
    import statistics

    from desktop.db import Database
    from desktop.detection.service import detect_article
    from desktop.importing import Draft, import_drafts

    db = Database(db_path)
    texts, _ = _read(db_path)
    big = " ".join(t for _, t in texts[:8])
    while len(big.encode()) > 10_000:  # about 10 KB of UTF-8, cut at a space
        big = big[: big.rindex(" ", 0, len(big) - 50)]
    (aid,) = import_drafts(db, [Draft(text=big, title="big")]).article_ids
    detect_article(db, aid)
    times = []
    for _ in range(7):
        with db.transaction() as s:
            s.connection().exec_driver_sql(f"DELETE FROM mention WHERE article_id = {int(aid)}")
        t = time.perf_counter()
        detect_article(db, aid)
        times.append(time.perf_counter() - t)
    with db.transaction() as s:
        s.connection().exec_driver_sql(f"DELETE FROM article WHERE id = {int(aid)}")
    db.close()
    return {"seconds": statistics.median(times), "bytes": len(big.encode())}


CHILDREN = {"automaton": child_automaton, "spacy": child_spacy, "curate": child_curate, "redetect": child_redetect}


def run_child(kind: str, db_path: str, tmp: str, *extra: str) -> dict:
    t = time.perf_counter()
    env = dict(os.environ, CURATE_CACHE_DIR=str(Path(tmp) / "cache"))  # cold means cold
    out = subprocess.run([sys.executable, __file__, "--child", kind, db_path, tmp, *extra],
                         capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    if out.returncode != 0:
        raise SystemExit(f"{kind} pass failed:\n{out.stderr}")
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["wall"] = wall
    if out.stderr.strip():
        res["stderr"] = out.stderr
    return res


def _child_main(kind: str, db_path: str, tmp: str, extra: list[str]) -> int:
    import resource

    res = CHILDREN[kind](db_path, tmp, *(["1"] if "--profile" in extra else []))
    res["rss_mb"] = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    print(json.dumps(res))
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        return _child_main(argv[1], argv[2], argv[3], argv[4:])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="300 articles, 2,000 entities, 2 rounds")
    ap.add_argument("--articles", type=int, default=None, help="articles (default 2000)")
    ap.add_argument("--entities", type=int, default=None, help="generated entities (default 10000)")
    ap.add_argument("--rounds", type=int, default=None, help="rounds, best of (default 3)")
    ap.add_argument("--no-spacy", action="store_true", help="skip the spaCy pass")
    ap.add_argument("--profile", action="store_true", help="also profile one curate detect (cProfile)")
    ap.add_argument("--keep", metavar="DIR", help="build the database in DIR and keep it")
    args = ap.parse_args(argv)
    n_art = args.articles or (300 if args.quick else 2000)
    n_ent = args.entities or (2000 if args.quick else 10000)
    rounds = args.rounds or (2 if args.quick else 3)

    with tempfile.TemporaryDirectory() as tmp:
        where = Path(args.keep or tmp)
        where.mkdir(parents=True, exist_ok=True)
        db_path = where / "bench.db"
        if db_path.exists():
            for suffix in ("", "-wal", "-shm"):
                Path(str(db_path) + suffix).unlink(missing_ok=True)
        t = time.perf_counter()
        info = setup(db_path, n_art, n_ent)
        print(f"{info['articles']} articles, {info['bytes'] / 1e6:.1f} MB; {info['entities']} entities "
              f"({n_ent} generated on the starter KB), {info['aliases']} aliases; setup {time.perf_counter() - t:.0f} s")
        mb = info["bytes"] / 1e6
        cold = run_child("curate", str(db_path), tmp)
        kinds = ["automaton", "curate"] + ([] if args.no_spacy else ["spacy"])
        best: dict[str, dict] = {}
        for _ in range(rounds):
            for kind in kinds:
                res = run_child(kind, str(db_path), tmp)
                if kind not in best or res["seconds"] < best[kind]["seconds"]:
                    best[kind] = res
        redetect = run_child("redetect", str(db_path), tmp)
        if args.profile:
            prof = run_child("curate", str(db_path), tmp, "--profile")
            print(prof.get("stderr", ""))

    def line(name, r, extra=""):
        print(f"{name:34}{r['seconds']:8.2f} s{r['cpu']:8.2f} s{mb / r['seconds']:9.2f} MB/s{r['wall']:8.2f} s"
              f"{r['rss_mb']:8.0f} MB  {extra}")

    print(f"\nbest of {rounds}, alternating; each pass in a fresh process")
    print(f"{'pass':34}{'time':>10}{'CPU':>10}{'speed':>14}{'process':>10}{'peak RSS':>11}")
    a = best["automaton"]
    line("automaton + boundary + SQLite", a, f"{a['count']} hits; build {a['build']:.2f} s")
    if "spacy" in best:
        sp = best["spacy"]
        line("spaCy EntityRuler + SQLite", sp, f"{sp['count']} spans; build {sp['build']:.2f} s")
    c = best["curate"]
    line("curate detect", c, f"{c['count']} suggestions, {c['linked']} linked")
    line("curate detect, cold (first run)", cold, "builds and caches the detector")
    print(f"\ncurate / automaton: {c['seconds'] / a['seconds']:.2f}x time, {c['cpu'] / a['cpu']:.2f}x CPU "
          "(target <= 8x)")
    if "spacy" in best:
        sp = best["spacy"]
        print(f"curate / spaCy:     {c['seconds'] / sp['seconds']:.2f}x time, {c['cpu'] / sp['cpu']:.2f}x CPU "
              "(target <= 0.5x)")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    print(f"re-detect one {redetect['bytes'] / 1000:.1f} KB article: {redetect['seconds'] * 1000:.1f} ms "
          "(target < 50 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
