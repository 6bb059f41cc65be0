"""Import benchmark: Curate's import against a bare sqlite3 reference, in the same run.

Generates N articles of ~3 KB in mixed scripts (Bengali, Hindi, English) as .txt files, then
times, each in its own process (so peak memory is its own):

- reference: plain `sqlite3` — read each file, decode, SHA-256, INSERT into a table with the same
  FTS5 index (external content + trigger), one transaction per 500 files;
- curate:    `desktop.importing.import_paths(..., detect=False)` into a fresh Curate database
  (cleaning, NFC, language detection, duplicate check, FTS).

Usage:  python benchmarks/bench_import.py [--articles 20000] [--repeat 1]
Target: curate within 2x of the reference.  Results go in the README.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BN = ("ভারত রাশিয়া প্রতিরক্ষা সহযোগিতা বৈঠক অনুষ্ঠিত হয়েছে মন্ত্রী জেনারেল সামরিক দ্বিপাক্ষিক সম্পর্ক আঞ্চলিক "
      "শান্তি প্রতিশ্রুতি আলোচনা কাজাখস্তানের আস্তানায় সন্ত্রাসবাদ দমন যৌথ মহড়া").split()
HI = ("भारत रूस रक्षा सहयोग बैठक मंत्री जनरल सैन्य द्विपक्षीय संबंध क्षेत्रीय शांति चर्चा कजाकिस्तान "
      "अस्ताना आतंकवाद संयुक्त अभ्यास प्रशिक्षण क्षमता निर्माण").split()
EN = ("India Russia defence cooperation meeting minister general military bilateral relations regional "
      "peace talks Kazakhstan Astana terrorism joint exercise training capacity building").split()


def make_corpus(folder: Path, n: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    total = 0
    for i in range(n):
        lang = (BN, HI, EN)[i % 3]
        words = []
        size = 0
        while size < 3000:
            w = rng.choice(lang) if rng.random() > 0.1 else rng.choice(EN)
            words.append(w)
            size += len(w.encode("utf-8")) + 1
            if rng.random() < 0.05:
                words.append(f"{rng.randint(1, 28)} {rng.randint(1990, 2030)}।\n")
        body = f"Article {i}\n" + " ".join(words)
        (folder / f"{i:06d}.txt").write_text(body, encoding="utf-8")
        total += len(body.encode("utf-8"))
    return total


REFERENCE = r"""
import hashlib, sqlite3, sys, time, unicodedata
from pathlib import Path
folder, dbpath = Path(sys.argv[1]), sys.argv[2]
con = sqlite3.connect(dbpath, isolation_level=None)
con.execute("PRAGMA journal_mode=WAL"); con.execute("PRAGMA synchronous=FULL")
con.execute("CREATE TABLE article(id INTEGER PRIMARY KEY, title TEXT, text TEXT, source TEXT, content_hash TEXT UNIQUE)")
con.execute("CREATE VIRTUAL TABLE article_fts USING fts5(title, text, content='article', content_rowid='id', "
            "tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* Co M*'\")")
con.execute("CREATE TRIGGER ai AFTER INSERT ON article BEGIN INSERT INTO article_fts(rowid, title, text) "
            "VALUES (new.id, new.title, new.text); END")
t0 = time.perf_counter()
files = sorted(folder.iterdir())
for i in range(0, len(files), 500):
    con.execute("BEGIN")
    for f in files[i:i + 500]:
        text = f.read_bytes().decode("utf-8")
        h = hashlib.sha256(text.encode("utf-8")).hexdigest()
        con.execute("INSERT OR IGNORE INTO article(title, text, source, content_hash) VALUES (?,?,?,?)",
                    (text.split("\n", 1)[0], text, f.name, h))
    con.execute("COMMIT")
print(time.perf_counter() - t0)
"""

CURATE = r"""
import sys, time
from desktop.db import Database
from desktop.importing import import_paths
db = Database(sys.argv[2])
t0 = time.perf_counter()
rep = import_paths(db, [sys.argv[1]], detect=False)
assert rep.imported == int(sys.argv[3]), rep.summary()
print(time.perf_counter() - t0)
"""


def run_child(code: str, *args: str) -> tuple[float, float]:
    """(seconds, peak RSS MB) of a child process running `code`."""
    proc = subprocess.run(
        [sys.executable, "-c", code + "\nimport resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)",
         *args],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    secs, rss_kb = proc.stdout.split()[-2:]
    return float(secs), int(rss_kb) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        nbytes = make_corpus(folder, args.articles)
        results = {"reference": [], "curate": []}
        for r in range(args.repeat):
            for name, code, extra in (("reference", REFERENCE, ()), ("curate", CURATE, (str(args.articles),))):
                dbp = Path(tmp) / f"{name}-{r}.db"
                results[name].append(run_child(code, str(folder), str(dbp), *extra))
        out = {"articles": args.articles, "mb": round(nbytes / 1e6, 1)}
        for name, runs in results.items():
            best = min(runs)
            out[name] = {"seconds": round(best[0], 2), "articles_per_s": round(args.articles / best[0]),
                         "peak_rss_mb": round(max(r[1] for r in runs), 1)}
        out["ratio"] = round(out["curate"]["seconds"] / out["reference"]["seconds"], 2)
        if args.json:
            print(json.dumps(out, indent=2))
        else:
            print(f"{args.articles} articles, {out['mb']} MB")
            for name in ("reference", "curate"):
                o = out[name]
                print(f"  {name:9s} {o['seconds']:7.2f} s  {o['articles_per_s']:6d} articles/s  "
                      f"peak {o['peak_rss_mb']:.0f} MB")
            print(f"  curate / reference = {out['ratio']}x (target <= 2x)")


if __name__ == "__main__":
    main()
