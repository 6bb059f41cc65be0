"""Linking quality on held-out paragraphs (``tests/fixtures/links/heldout.txt``).

The paragraphs were written for this purpose and never used to tune the linker or the starter
gazetteer.  For every annotated mention of an entity the starter knowledge base knows, two
numbers are measured on a fresh database (starter KB only, nothing learned):

- **end to end**: after import (detection + automatic linking), a suggestion with exactly the
  gold span and type exists and is linked to the right entity;
- **ranking**: given the gold span, the right entity is the top candidate (what the curator
  sees first in the link panel), and within the top 5.

Run: ``python benchmarks/linking_quality.py`` (``--verbose`` lists every miss).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "links" / "heldout.txt"
MARK = re.compile(r"\[\[([^|\]]+)\|([A-Z]+)\|([^\]]+)\]\]")


@dataclass(frozen=True)
class Gold:
    doc: str
    start: int
    end: int
    text: str
    type: str
    entity: str  # starter-gazetteer id, or "-" when the KB does not know it


def parse(source: str) -> list[tuple[str, str, list[Gold]]]:
    """``## name`` paragraphs with ``[[surface|TYPE|entity]]`` marks → (name, text, gold)."""
    docs = []
    for block in re.split(r"^## ", source, flags=re.M):
        if not block.strip():
            continue
        name, _, body = block.partition("\n")
        body = body.strip()
        out, gold, pos = [], [], 0
        length = 0
        for m in MARK.finditer(body):
            out.append(body[pos:m.start()])
            length += m.start() - pos
            surface, typ, ent = m.group(1), m.group(2), m.group(3)
            gold.append(Gold(name.strip(), length, length + len(surface), surface, typ, ent))
            out.append(surface)
            length += len(surface)
            pos = m.end()
        out.append(body[pos:])
        text = "".join(out)
        assert all(text[g.start:g.end] == g.text for g in gold)
        docs.append((name.strip(), text, gold))
    return docs


def measure(verbose: bool = False) -> dict:
    from sqlmodel import select

    from desktop.db import Database
    from desktop.detection.service import seed_knowledge_base
    from desktop.importing import Draft, import_drafts
    from desktop.detection.service import detect_articles
    from desktop.linking import rank
    from desktop.models import Article, Entity, Mention

    docs = parse(FIXTURE.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "bench.db")
        seed_knowledge_base(db)
        rep = import_drafts(db, [Draft(text=t, title=n, source=n) for n, t, _ in docs])
        detect_articles(db, rep.article_ids)
        with db.session() as s:
            ident = {}
            for e in s.exec(select(Entity)):
                m = re.search(r"\(([^)]+)\)$", e.description or "")
                if m:
                    ident[m.group(1)] = e.id
            by_title = {a.title: a.id for a in s.exec(select(Article))}
            spans = defaultdict(dict)
            for m in s.exec(select(Mention).where(Mention.status != "rejected")):
                spans[m.article_id][(m.start, m.end, m.type)] = m.entity_id
        counts = defaultdict(lambda: defaultdict(int))
        misses = []
        for name, text, gold in docs:
            lang = name.split("-")[0]
            aid = by_title[name]
            for g in gold:
                if g.entity == "-":
                    continue
                want = ident.get(g.entity)
                if want is None:
                    raise SystemExit(f"{name}: entity {g.entity} is not in the starter knowledge base")
                for key in (lang, "all"):
                    c = counts[key]
                    c["total"] += 1
                    found = (g.start, g.end, g.type) in spans[aid]
                    linked = found and spans[aid][(g.start, g.end, g.type)] == want
                    cands = rank(db, g.text, g.type, limit=5)
                    top1 = bool(cands) and cands[0].entity_id == want
                    top5 = any(c_.entity_id == want for c_ in cands)
                    c["found"] += found
                    c["linked"] += linked
                    c["top1"] += top1
                    c["top5"] += top5
                if verbose and not (found and linked and top1):
                    misses.append(f"{name}: {g.text!r} {g.type} → {g.entity}: found={found} linked={linked} "
                                  f"top1={top1} top5={top5} ({cands[0].name + ' ' + cands[0].reason if cands else 'no candidates'})")
        db.close()
    return {"counts": {k: dict(v) for k, v in counts.items()}, "misses": misses}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    res = measure(args.verbose)
    print(f"{'lang':6} {'mentions':>8} {'found':>7} {'found+linked':>13} {'top-1':>7} {'top-5':>7}")
    for lang in ("bn", "hi", "en", "all"):
        c = res["counts"].get(lang)
        if not c:
            continue
        t = c["total"]
        print(f"{lang:6} {t:8d} {c['found'] / t:7.2f} {c['linked'] / t:13.2f} {c['top1'] / t:7.2f} {c['top5'] / t:7.2f}")
    for line in res["misses"]:
        print("  miss:", line)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
