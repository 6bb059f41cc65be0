#!/usr/bin/env python3
"""Reliability drill: kill -9 at random moments of import, detect and export, then check that
nothing was lost or half-written; then fill a small disk (tmpfs, needs root) during an import.

    python scripts/drill.py [--rounds N] [--articles N] [--seed S] [--no-disk-full]

After every kill the same command is run again to the end, and the database is compared with a
reference built without kills: integrity check, article count, no article left marked
"not detected", the same suggestions and auto-links per article, the same search hits.  Export
kills: after the next export (which first finishes or removes what the killed one left) the
set of files is complete, one export's, with no leftovers.  Exit 0 when every check passed; the
last line gives the numbers.  Takes about a minute on two cores.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PY = sys.executable
FAILS: list[str] = []
NUMBERS: dict[str, int] = {}


def curate(db: Path, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, CURATE_DB=str(db))
    res = subprocess.run([PY, "-m", "desktop", "--db", str(db), *args], capture_output=True, text=True,
                         timeout=timeout, env=env, cwd=ROOT)
    if check and res.returncode not in (0,):
        raise SystemExit(f"drill: `curate {' '.join(args)}` failed ({res.returncode}): {res.stderr.strip()}")
    return res


def start(db: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([PY, "-m", "desktop", "--db", str(db), *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, cwd=ROOT)


def kill_after(proc: subprocess.Popen, seconds: float) -> bool:
    """SIGKILL the process after `seconds` (True when it was still running)."""
    try:
        proc.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True


def expect(cond: bool, what: str) -> None:
    NUMBERS["checks"] = NUMBERS.get("checks", 0) + 1
    if not cond:
        FAILS.append(what)
        print(f"  FAIL: {what}", flush=True)


def make_corpus(d: Path, n: int) -> None:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    d.mkdir(parents=True)
    for i in range(n):
        base = texts[i % len(texts)]
        paras = base.split("\n")
        (d / f"{i:05}.txt").write_text(f"Report {i}\n" + "\n".join(paras[: 3 + i % 5]) + f"\n(item {i})\n",
                                       encoding="utf-8")


def snapshot(db: Path) -> dict:
    c = sqlite3.connect(db)
    try:
        return {
            "integrity": c.execute("PRAGMA integrity_check").fetchone()[0],
            "articles": c.execute("SELECT count(*) FROM article").fetchone()[0],
            "pending": c.execute("SELECT count(*) FROM article WHERE detect_pending").fetchone()[0],
            "mentions": sorted(c.execute(
                "SELECT a.content_hash, m.start, m.\"end\", m.type, m.entity_id IS NOT NULL "
                "FROM mention m JOIN article a ON a.id = m.article_id")),
        }
    finally:
        c.close()


def search_hits(db: Path, word: str) -> int:
    from desktop.db import Database

    d = Database(db, read_only=True)
    try:
        return len(d.search(word, limit=100_000))
    finally:
        d.close()


def compare(db: Path, ref: dict, ref_hits: dict, what: str) -> None:
    from desktop.db import Database

    d = Database(db, read_only=True)
    problems = d.check()
    d.close()
    expect(problems == [], f"{what}: check found {problems[:3]}")
    got = snapshot(db)
    expect(got["integrity"] == "ok", f"{what}: integrity {got['integrity']}")
    expect(got["articles"] == ref["articles"], f"{what}: {got['articles']} articles, expected {ref['articles']}")
    expect(got["pending"] == 0, f"{what}: {got['pending']} articles left undetected")
    expect(got["mentions"] == ref["mentions"],
           f"{what}: {len(got['mentions'])} suggestions/links differ from the reference's {len(ref['mentions'])}")
    for word, n in ref_hits.items():
        expect(search_hits(db, word) == n, f"{what}: search {word!r} differs")


def drill_kills(work: Path, template: Path, corpus: Path, rounds: int, rng: random.Random) -> None:
    ref_db = work / "ref.db"
    shutil.copy(template, ref_db)
    t0 = time.monotonic()
    curate(ref_db, "import", str(corpus))
    import_s = time.monotonic() - t0
    ref = snapshot(ref_db)
    words = ["ঢাকা", "भारत", "Dhaka", "Report"]
    ref_hits = {w: search_hits(ref_db, w) for w in words}
    print(f"reference: {ref['articles']} articles, {len(ref['mentions'])} suggestions, import {import_s:.1f} s",
          flush=True)

    for r in range(rounds):  # import, killed, then run again
        db = work / f"imp{r}.db"
        shutil.copy(template, db)
        at = rng.uniform(0.3, max(0.5, import_s * 0.95))
        killed = kill_after(start(db, "import", str(corpus)), at)
        NUMBERS["kills"] = NUMBERS.get("kills", 0) + killed
        curate(db, "import", str(corpus), check=False)
        compare(db, ref, ref_hits, f"import killed at {at:.2f} s")

    base = work / "nodetect.db"
    shutil.copy(template, base)
    curate(base, "import", "--no-detect", str(corpus))
    detect_s = import_s
    for r in range(rounds):  # detect, killed, then run again
        db = work / f"det{r}.db"
        shutil.copy(base, db)
        at = rng.uniform(0.3, max(0.5, detect_s * 0.6))
        killed = kill_after(start(db, "detect"), at)
        NUMBERS["kills"] = NUMBERS.get("kills", 0) + killed
        curate(db, "detect")
        compare(db, ref, ref_hits, f"detect killed at {at:.2f} s")

    out = work / "export"
    curate(ref_db, "export", "--out", str(out), "--status", "confirmed")
    old = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir()}
    new_out = work / "export-new"
    curate(ref_db, "export", "--out", str(new_out), "--status", "all")
    new = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in new_out.iterdir()}
    expect(old != new, "the two reference exports should differ")
    from desktop.fileio import recover_leftovers

    for r in range(rounds):  # export, killed, then the leftovers finished as the next export does
        # kill while the files are being written: a random moment after the staging folder appears
        proc = start(ref_db, "export", "--out", str(out), "--status", "all")
        t_start = time.monotonic()
        while proc.poll() is None and not any(p.name.startswith(".curate-") for p in out.iterdir()):
            time.sleep(0.001)
        at = rng.uniform(0.0, 0.08)
        killed = kill_after(proc, at)
        at = time.monotonic() - t_start
        staged = [p for p in out.iterdir() if p.name.startswith(".curate-")]
        moment = ("while writing" if staged and not (staged[0] / "COMMIT").exists()
                  else "between renames" if staged else "after the renames")
        NUMBERS[f"export_killed_{moment.replace(' ', '_')}"] = NUMBERS.get(f"export_killed_{moment.replace(' ', '_')}", 0) + 1
        NUMBERS["kills"] = NUMBERS.get("kills", 0) + killed
        recover_leftovers(out)
        now = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir()}
        expect(now in (old, new), f"export killed at {at:.2f} s: a mixed or partial set of files {sorted(now)}")
        key = "export_kills_new_set" if now == new else "export_kills_old_set"
        NUMBERS[key] = NUMBERS.get(key, 0) + 1
        curate(ref_db, "export", "--out", str(out), "--status", "confirmed")  # back to the old set
        expect(not [p for p in out.iterdir() if p.name.startswith(".")], "export left hidden files")


def drill_disk_full(work: Path, template: Path, corpus: Path) -> None:
    if os.geteuid() != 0:
        print("disk full: skipped (needs root to mount a tmpfs)")
        return
    mnt = work / "small"
    mnt.mkdir()
    size_mb = template.stat().st_size // (1024 * 1024) + 24
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(mnt)],
                         capture_output=True, text=True)
    if res.returncode:
        print(f"disk full: skipped (cannot mount a tmpfs: {res.stderr.strip()})")
        return
    try:
        db = mnt / "full.db"
        shutil.copy(template, db)
        big = work / "big"
        big.mkdir()
        for i in range(1500):  # ~45 MB of text in three batches: the first fits, the second does not
            (big / f"{i:04}.txt").write_text(f"Big report {i}. " + ("ঢাকা নগরীর খবর। " * 600), encoding="utf-8")
        res = curate(db, "import", "--no-detect", str(big), check=False, timeout=600)
        lines = (res.stdout + res.stderr).strip().splitlines()
        print(f"disk full ({size_mb} MB): exit {res.returncode}; " + " | ".join(ln[:120] for ln in lines[:3]),
              flush=True)
        expect(res.returncode == 1, "disk full: exit status is not 1")
        expect(len(lines) <= 3, f"disk full: {len(lines)} lines of output (one summary, one line of what was not saved)")
        expect(any("not saved" in ln and "again" in ln for ln in lines), "disk full: no line saying what was not saved")
        # the summary: "imported N articles, M mentions, …" (or "imported N, …")
        m = re.match(r"imported (\d+)", lines[0]) if lines else None
        claimed = int(m.group(1)) if m else -1
        c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        real = c.execute("SELECT count(*) FROM article").fetchone()[0]
        integrity = c.execute("PRAGMA integrity_check").fetchone()[0]
        c.close()
        expect(claimed == real, f"disk full: the summary says {claimed} imported, the database holds {real}")
        expect(integrity == "ok", f"disk full: integrity {integrity}")
        NUMBERS["disk_full_saved"] = real
        with open(mnt / "filler", "wb") as fh:  # whatever space is left, so the export meets a full disk
            try:
                while True:
                    fh.write(b"\0" * (1 << 20))
                    fh.flush()
            except OSError:
                pass
        out = mnt / "export"
        res = curate(db, "export", "--out", str(out), "--status", "all", check=False)
        expect(res.returncode == 1 and "no file was changed" in res.stderr and res.stderr.count("\n") == 1,
               f"disk full export: {res.stderr.strip()[:200]}")
        expect(not out.exists() or not list(out.iterdir()), "disk full export left files")
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--no-disk-full", action="store_true")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="curate-drill-") as tmp:
        work = Path(tmp)
        os.environ["XDG_DATA_HOME"] = str(work / "data")
        from desktop.db import Database
        from desktop.detection.service import seed_knowledge_base

        template = work / "template.db"
        db = Database(template)
        seed_knowledge_base(db)
        db.close()
        corpus = work / "corpus"
        make_corpus(corpus, args.articles)
        drill_kills(work, template, corpus, args.rounds, rng)
        if not args.no_disk_full:
            drill_disk_full(work, template, corpus)
    took = time.monotonic() - started
    summary = ", ".join(f"{k} {v}" for k, v in NUMBERS.items())
    print(f"drill (seed {args.seed}): {summary}; failures {len(FAILS)}; {took:.0f} s")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
