"""Detection quality on the five seed articles against the hand-made gold annotations.

    python benchmarks/quality.py [--show-errors]

Runs the detector twice — with an empty knowledge base (rules only) and with the bundled starter
gazetteer loaded (``seed_knowledge_base``) — and prints precision, recall and F1 per type,
counting a suggestion correct only when its span and type both match a gold mention exactly.
Gold: ``tests/fixtures/gold/seeds.json`` (spans without Bengali case endings or titles).

Then the same on ``tests/fixtures/gold/heldout.json``: short Bengali, Hindi and English news
paragraphs written for this project (diplomacy, defence, elections, sports), never read while
writing the rules or the gazetteer, so their score is the honest one.  Format: name ->
``{"text": ..., "mentions": [{start, end, text, type}]}`` (offsets in code points).
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
TYPES = ("PERSON", "ORG", "LOC", "DATE", "EVENT")


def load_gold() -> dict[str, list[dict]]:
    return json.loads(GOLD.read_text(encoding="utf-8"))


def load_heldout() -> list[tuple[str, str, list[dict]]]:
    data = json.loads(HELDOUT.read_text(encoding="utf-8"))
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
    args = ap.parse_args(argv)
    seeds, heldout = seed_cases(), load_heldout()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "quality.db")
        det = build_detector(db)
        report("seeds, empty knowledge base (rules only)", score(det, seeds, args.show_errors))
        report("held-out, empty knowledge base (rules only)", score(det, heldout, args.show_errors))
        n = seed_knowledge_base(db)
        det = build_detector(db)
        report(f"seeds, starter gazetteer loaded ({n} entities)", score(det, seeds, args.show_errors))
        report(f"held-out, starter gazetteer loaded ({n} entities)", score(det, heldout, args.show_errors))
        db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
