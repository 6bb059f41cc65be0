"""Detection quality on the five seed articles against the hand-made gold annotations.

    python benchmarks/quality.py [--set {seeds,heldout,blind,all}] [--show-errors]

Runs the detector twice — with an empty knowledge base (rules only) and with the bundled starter
gazetteer loaded (``seed_knowledge_base``) — and prints precision, recall and F1 per type,
counting a suggestion correct only when its span and type both match a gold mention exactly.
Gold: ``tests/fixtures/gold/seeds.json`` (spans without Bengali case endings or titles).

Then the same on ``tests/fixtures/gold/heldout.json``: short Bengali, Hindi and English news
paragraphs written for this project (diplomacy, defence, elections, sports), never read while
writing the rules or the gazetteer, so their score is the honest one.  Format: name ->
``{"text": ..., "mentions": [{start, end, text, type}]}`` (offsets in code points).

Then ``tests/fixtures/gold/blind.json`` (heading "blind"): 18 more paragraphs in the same format
(6 each in Bengali, Hindi, English; politics, courts, economy, sports, weather, space, health,
diplomacy), written by someone who did not read the detection code and never shown to the rule
authors.  Keep it that way: do not tune rules or gazetteer entries against its errors.
``--set`` picks one of the three sets (default ``all``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop.db import Database  # noqa: E402
from desktop.detection import Detector  # noqa: E402
from desktop.detection.service import build_detector, seed_knowledge_base  # noqa: E402
from desktop.text import clean_text  # noqa: E402

GOLD = ROOT / "tests" / "fixtures" / "gold" / "seeds.json"
HELDOUT = ROOT / "tests" / "fixtures" / "gold" / "heldout.json"
BLIND = ROOT / "tests" / "fixtures" / "gold" / "blind.json"
SETS = ("seeds", "heldout", "blind")
TYPES = ("PERSON", "ORG", "LOC", "DATE", "EVENT")


def load_gold() -> dict[str, list[dict]]:
    return json.loads(GOLD.read_text(encoding="utf-8"))


def load_heldout() -> list[tuple[str, str, list[dict]]]:
    return load_paragraphs(HELDOUT)


def load_blind() -> list[tuple[str, str, list[dict]]]:
    return load_paragraphs(BLIND)


def load_paragraphs(path: Path) -> list[tuple[str, str, list[dict]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [(name, clean_text(v["text"]), v["mentions"]) for name, v in data.items()]


def seed_cases() -> list[tuple[str, str, list[dict]]]:
    return [(name, seed_text(name), spans) for name, spans in load_gold().items()]


def seed_text(name: str) -> str:
    return clean_text((ROOT / "seeds" / name).read_text(encoding="utf-8"))


def score(det: Detector, cases: list[tuple[str, str, list[dict]]], show: bool = False) -> dict[str, tuple[int, int, int]]:
    """type -> (true positives, predicted, gold) over (name, text, gold spans) cases."""
    tp, pred, ref = Counter(), Counter(), Counter()
    for name, text, spans in cases:
        want = {(g["start"], g["end"], g["type"]) for g in spans}
        got = {(c.start, c.end, c.type) for c in det.detect(text)}
        for _, _, t in want:
            ref[t] += 1
        for _, _, t in got:
            pred[t] += 1
        for _, _, t in want & got:
            tp[t] += 1
        if show:
            for s, e, t in sorted(got - want):
                print(f"  FP {name[:3]} {t:6} {text[s:e]!r}")
            for s, e, t in sorted(want - got):
                print(f"  FN {name[:3]} {t:6} {text[s:e]!r}")
    return {t: (tp[t], pred[t], ref[t]) for t in TYPES}


def report(title: str, res: dict[str, tuple[int, int, int]]) -> None:
    print(f"\n{title}")
    print(f"{'type':8}{'gold':>6}{'pred':>6}{'tp':>6}{'P':>8}{'R':>8}{'F1':>8}")
    total = [0, 0, 0]
    for t, (tp, pred, ref) in res.items():
        total = [total[0] + tp, total[1] + pred, total[2] + ref]
        _row(t, tp, pred, ref)
    _row("all", *total)


def _row(name, tp, pred, ref):
    p = tp / pred if pred else 0.0
    r = tp / ref if ref else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    print(f"{name:8}{ref:6}{pred:6}{tp:6}{p:8.2f}{r:8.2f}{f:8.2f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show-errors", action="store_true", help="list false positives and misses")
    ap.add_argument("--set", choices=(*SETS, "all"), default="all", help="which gold set to score (default: all)")
    args = ap.parse_args(argv)
    loaders = {"seeds": seed_cases, "heldout": load_heldout, "blind": load_blind}
    chosen = SETS if args.set == "all" else (args.set,)
    cases = {name: loaders[name]() for name in chosen}
    titles = {"seeds": "seeds", "heldout": "held-out", "blind": "blind"}
    with tempfile.TemporaryDirectory() as tmp:
        empty_db, starter_db = Database(Path(tmp) / "empty.db"), Database(Path(tmp) / "starter.db")
        n = seed_knowledge_base(starter_db)
        detectors = [
            ("empty knowledge base (rules only)", build_detector(empty_db)),
            (f"starter gazetteer loaded ({n} entities)", build_detector(starter_db)),
        ]
        # seeds and held-out in their usual order (empty KB, then starter KB); blind after them, under its own heading
        for kb, det in detectors:
            for name in (s for s in chosen if s != "blind"):
                report(f"{titles[name]}, {kb}", score(det, cases[name], args.show_errors))
        if "blind" in chosen:
            print("\n=== blind ===")
            for kb, det in detectors:
                report(f"blind, {kb}", score(det, cases["blind"], args.show_errors))
        empty_db.close()
        starter_db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
