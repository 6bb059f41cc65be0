"""`curate selftest`: exercise the installation end to end in a temporary database and home.

Imports the bundled seeds, runs detection, opens the main window (offscreen when there is no
display) and renders an article with highlights, exports CSV and checks that every exported
mention's offsets point at its text.  Prints a summary; returns 0 when all checks pass."""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
from pathlib import Path


def _check(results: list[tuple[str, bool, str]], name: str, ok: bool, detail: str = "") -> bool:
    results.append((name, bool(ok), detail))
    return bool(ok)


def run(verbose: bool = True) -> int:
    from desktop import __version__
    from desktop.paths import seeds_dir

    results: list[tuple[str, bool, str]] = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="curate-selftest-") as tmp:
        tmpdir = Path(tmp)
        home = tmpdir / "home"
        home.mkdir()
        saved = {k: os.environ.get(k) for k in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
                                                 "QT_QPA_PLATFORM", "CURATE_DB")}
        os.environ.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
                          XDG_CACHE_HOME=str(home / "cache"))
        os.environ.pop("CURATE_DB", None)
        if sys.platform.startswith("linux") and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        try:
            from desktop.db import Database
            from desktop.exporting import export
            from desktop.importing import import_paths
            from desktop.seeds import seed_files, seed_knowledge_base

            db = Database(tmpdir / "selftest.db")
            n_kb = seed_knowledge_base(db)
            _check(results, "knowledge base", n_kb > 0, f"{n_kb} starter entities")
            files = seed_files()
            _check(results, "seeds found", len(files) > 0, f"{len(files)} in {seeds_dir()}")
            rep = import_paths(db, files, detect=True)
            _check(results, "import", rep.imported == len(files) and not rep.failed, rep.summary())
            _check(results, "detection", rep.detected > 0, f"{rep.detected} suggestions")
            try:
                from desktop.ui.app import selftest_window

                info = selftest_window(db)
                _check(results, "window", info.get("highlights", 0) > 0,
                       f"article {info.get('article_id')}: {info.get('highlights')} highlights rendered")
            except Exception as exc:  # report, don't crash: this is a diagnostic
                _check(results, "window", False, f"{exc.__class__.__name__}: {exc}")
            out = tmpdir / "export"
            files_out = export(db, out, fmt="csv", status="all")
            texts = {}
            from desktop.queries import article

            bad = rows = 0
            with open(out / "mentions.csv", encoding="utf-8-sig", newline="") as fh:
                for row in csv.DictReader(fh):
                    rows += 1
                    aid = int(row["article_id"])
                    if aid not in texts:
                        texts[aid] = article(db, aid).text
                    t = texts[aid]
                    if t[int(row["start"]):int(row["end"])] != row["text"]:
                        bad += 1
            _check(results, "export", len(files_out) == 4 and rows > 0 and bad == 0,
                   f"{len(files_out)} files, {rows} mentions, {bad} with wrong offsets")
            problems = db.check()
            _check(results, "integrity", not problems, "; ".join(problems[:3]) or "ok")
            db.close()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    ok = all(r[1] for r in results)
    if verbose:
        print(f"curate {__version__} selftest")
        for name, passed, detail in results:
            print(f"  {'ok  ' if passed else 'FAIL'} {name}: {detail}")
        print(f"{'passed' if ok else 'FAILED'} in {time.perf_counter() - t0:.1f} s")
    return 0 if ok else 1
