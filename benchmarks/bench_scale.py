"""Scale: import + detect + export of many articles with the 10,000-entity knowledge base, and the
export of a million mentions, with total time and peak RSS.

    python benchmarks/bench_scale.py                       # 100,000 articles (~300 MB)
    python benchmarks/bench_scale.py --articles 10000      # a tenth
    python benchmarks/bench_scale.py --export-mentions 1000000 --articles 0

1. ``--articles N``: N generated articles of ~3 KB (Bengali, Hindi, English; the generator of
   bench_detect.py) in JSONL files of 1,000, on a database with the starter knowledge base and
   10,000 generated entities.  One process runs ``curate import --no-detect``, ``detect_articles``
   (detection + linking, as ``curate detect``) and ``export`` (CSV of every suggestion), each
   timed, and reports its peak RSS after each phase (the high-water mark, so the last is the
   run's).  Target: peak RSS under 1 GB.
2. ``--export-mentions M``: databases with M/10 and M suggested mentions (bulk-written over
   generated articles, 50 each) are exported to each of ``--formats`` (CSV, JSONL, CoNLL by
   default), each export in its own process run under ``/usr/bin/time -v`` (its "Maximum
   resident set size" is the peak RSS reported; the process's own high-water mark where that
   tool is missing): streamed means the peaks at M/10 and M are close (flat memory).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _write_corpus(folder: Path, n: int, kb, starter) -> int:
    from bench_detect import make_articles

    rng = random.Random(11)
    total = 0
    for f in range(0, n, 1000):
        arts = make_articles(rng, kb, min(1000, n - f), size=3000, starter=starter)
        with open(folder / f"part{f // 1000:04d}.jsonl", "w", encoding="utf-8") as fh:
            for i, a in enumerate(arts):
                fh.write(json.dumps({"title": f"a{f + i}", "text": a}, ensure_ascii=False) + "\n")
                total += len(a.encode())
    return total


def _kb_db(path: Path, n_entities: int):
    """A database with the starter KB and ``n_entities`` generated ones; (db, kb, starter names)."""
    from bench_detect import kb_database

    return kb_database(path, random.Random(7), n_entities)


def child_pipeline(tmp: str, n: int, n_entities: int) -> dict:
    from desktop.detection.service import detect_articles
    from desktop.exporting import export
    from desktop.importing import import_paths

    out: dict = {}
    db, kb, starter = _kb_db(Path(tmp) / "scale.db", n_entities)
    corpus = Path(tmp) / "corpus"
    corpus.mkdir()
    out["bytes"] = _write_corpus(corpus, n, kb, starter)
    out["rss_setup"] = _rss_mb()
    t = time.perf_counter()
    rep = import_paths(db, sorted(corpus.glob("*.jsonl")), detect=False)
    out["import_s"], out["imported"], out["rss_import"] = time.perf_counter() - t, len(rep.article_ids), _rss_mb()
    t = time.perf_counter()
    drep = detect_articles(db)
    out["detect_s"], out["suggestions"], out["linked"] = time.perf_counter() - t, drep.added, drep.linked
    out["rss_detect"] = _rss_mb()
    t = time.perf_counter()
    files = export(db, Path(tmp) / "out", fmt="csv", status="suggested")
    out["export_s"], out["rss_export"] = time.perf_counter() - t, _rss_mb()
    out["export_mb"] = sum(Path(f).stat().st_size for f in files) / 1e6
    db.close()
    return out


def child_export(db_path: str, out_dir: str, fmt: str = "csv") -> dict:
    from desktop.db import Database
    from desktop.exporting import export

    db = Database(db_path)
    base = _rss_mb()
    t = time.perf_counter()
    files = export(db, out_dir, fmt=fmt, status="suggested")
    return {"export_s": time.perf_counter() - t, "rss_before": base, "rss": _rss_mb(),
            "export_mb": sum(Path(f).stat().st_size for f in files) / 1e6}


def make_mentions_db(path: Path, n_mentions: int) -> None:
    """Articles of ~3 KB with 50 suggestions each (bulk-written, no detection) up to n_mentions."""
    from desktop.db import Database
    from desktop.importing import Draft, import_drafts
    from desktop.models import Mention, utcnow

    db = Database(path)
    rng = random.Random(3)
    per = 50
    n_art = (n_mentions + per - 1) // per
    words = "alpha beta gamma delta kappa sigma omega theta".split()
    cols = ["article_id", "start", "end", "text", "type", "source", "confidence"]
    made = 0
    for f in range(0, n_art, 1000):
        drafts = [Draft(text=" ".join(f"{rng.choice(words)}{i % 997}" for i in range(300)) + f" #{f + j}",
                        title=f"m{f + j}") for j in range(min(1000, n_art - f))]
        ids = import_drafts(db, drafts).article_ids
        rows = []
        with db.session() as s:
            texts = dict(s.connection().exec_driver_sql(
                f"SELECT id, text FROM article WHERE id >= {min(ids)} AND id <= {max(ids)}").all())
        for aid in ids:
            text = texts[aid]
            for k, w in enumerate(re.finditer(r"\S+", text)):
                if k % 2 or k >= 2 * per or made >= n_mentions:
                    continue
                rows.append((aid, w.start(), w.end(), w.group(), "PERSON", "gazetteer", 0.9))
                made += 1
        now = utcnow()
        with db.transaction() as s:
            db.insert_rows(s, Mention.__table__, cols, rows,
                           constants={"status": "suggested", "created_at": now, "updated_at": now})
    db.close()


TIME = "/usr/bin/time"


def _run(args: list[str], measure: bool = False) -> dict:
    """Run a child; with ``measure``, under ``/usr/bin/time -v`` (``max_rss`` from its report)."""
    cmd = [sys.executable, __file__, "--child", *args]
    timed = measure and os.path.exists(TIME)
    out = subprocess.run([TIME, "-v", *cmd] if timed else cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    if timed:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr)
        if m:
            res["max_rss"] = int(m.group(1)) / 1024
    return res


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        kind, rest = argv[1], argv[2:]
        res = child_pipeline(rest[0], int(rest[1]), int(rest[2])) if kind == "pipeline" else child_export(*rest)
        res["load"] = os.getloadavg()[0]
        print(json.dumps(res))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--entities", type=int, default=10_000)
    ap.add_argument("--export-mentions", type=int, default=0, metavar="M",
                    help="also export M suggested mentions (and M/10) and compare peak RSS")
    ap.add_argument("--formats", default="csv,jsonl,conll", help="export formats for --export-mentions")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CURATE_CACHE_DIR"] = str(Path(tmp) / "cache")
        if args.articles:
            t = time.perf_counter()
            r = _run(["pipeline", tmp, str(args.articles), str(args.entities)])
            total = r["import_s"] + r["detect_s"] + r["export_s"]
            print(f"{r['imported']} articles ({r['bytes'] / 1e6:.0f} MB), {args.entities} generated entities "
                  f"on the starter KB (process {time.perf_counter() - t:.0f} s with the setup)")
            print(f"{'phase':28}{'time':>10}{'peak RSS so far':>18}")
            print(f"{'setup (KB, corpus files)':28}{'':>10}{r['rss_setup']:15.0f} MB")
            print(f"{'import (no detection)':28}{r['import_s']:8.1f} s{r['rss_import']:15.0f} MB")
            print(f"{'detect + link':28}{r['detect_s']:8.1f} s{r['rss_detect']:15.0f} MB  "
                  f"{r['suggestions']} suggestions, {r['linked']} linked")
            print(f"{'export CSV (suggestions)':28}{r['export_s']:8.1f} s{r['rss_export']:15.0f} MB  "
                  f"{r['export_mb']:.0f} MB written")
            print(f"{'total':28}{total:8.1f} s{max(r['rss_import'], r['rss_detect'], r['rss_export']):15.0f} MB "
                  "(target < 1 GB)")
        if args.export_mentions:
            print(f"{'format':8}{'mentions':>10}{'time':>10}{'peak RSS':>11}{'after opening':>15}{'written':>10}  load")
            for m in (args.export_mentions // 10, args.export_mentions):
                d = Path(tmp) / f"m{m}"
                d.mkdir()
                make_mentions_db(d / "m.db", m)
                for fmt in args.formats.split(","):
                    r = _run(["export", str(d / "m.db"), str(d / f"out-{fmt}"), fmt], measure=True)
                    print(f"{fmt:8}{m:10,}{r['export_s']:8.1f} s{r.get('max_rss', r['rss']):8.0f} MB"
                          f"{r['rss_before']:12.0f} MB{r['export_mb']:7.0f} MB  {r['load']:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
