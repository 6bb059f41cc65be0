"""Learning curve: curate k articles of a topic by confirming their gold, score the rest.

    python benchmarks/learning_curve.py [--topic teesta] [--ks 0,1,2,4,6,8] [--orders 3]
                                        [--plot docs/learning_curve.png] [--speed] [--show-errors K]

Gold: ``tests/fixtures/gold/topic_<name>.txt`` (related paragraphs in Bengali, Hindi and English,
``[surface|TYPE|entity]`` markup; converted here to code-point offsets).  Each figure is the mean
over ``--orders`` orders of the articles: the file's (the languages interleave), then seeded
shuffles.  For each k, in a fresh database with the starter
knowledge base: the first k articles are imported and curated as a curator would — every gold
mention added as confirmed and linked to its entity (found in the KB by name and type, else
created), the detector's other suggestions rejected, the article marked done — through the same core functions the window calls
(``desktop.curation``); then the other articles are imported and detected (``detect_articles``,
with auto-linking) and scored: exact span + type for detection; for linking, the share of the
correctly found mentions (DATE aside) linked right.  A mention whose gold entity is in the
knowledge base (curated, or a starter entity) is linked right when its entity is the gold one; a
mention whose gold entity is not in the knowledge base (a name nobody curated yet: nothing can
link it) is linked right when it carries a proposed new entity (``desktop.linking.proposals``)
whose mentions in the scored articles are exactly the found mentions of its gold entity
(cluster exact: one proposal per entity, no mention missing, none of another entity or of no
gold mention).  The table gives the share of all, then of those in the knowledge base and of
the new ones ("in KB", "new"); "linked before" is the share linked to an entity, proposals
aside (what linking gave before there were proposals).  Two runs per k: string
learning only, and string learning + the model (``desktop.detection.learning.store.train`` after
curating; the model makes suggestions only when it beat the rules-and-gazetteer detector held
out).  ``--speed``: training on ~2,000 confirmed mentions (every gold set, repeated), tagging a
10 KB article, the model's size, beside the rules-only detector in the same run; and a
5-fold cross-validation of the model alone against the rules-and-gazetteer detector on all the
gold sets together.

matplotlib (the ``bench`` extra) draws the plot; without it only the table is printed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import select  # noqa: E402

from desktop import curation  # noqa: E402
from desktop.db import Database  # noqa: E402
from desktop.detection.service import build_detector, detect_articles, seed_knowledge_base  # noqa: E402
from desktop.importing import Draft, import_drafts  # noqa: E402
from desktop.detection.learning import crf, store  # noqa: E402
from desktop.models import Entity, Mention  # noqa: E402
from desktop.text import clean_text  # noqa: E402

GOLD_DIR = ROOT / "tests" / "fixtures" / "gold"
_MARK = re.compile(r"\[([^\[\]|]+)\|([A-Z]+)(?:\|([^\[\]]+))?\]")


def parse_topic(path: Path) -> list[dict]:
    """[{name, text, mentions: [{start, end, text, type, entity}]}] from the markup file."""
    docs, name, lines = [], None, []

    def flush():
        if name is None:
            return
        raw = clean_text("\n".join(lines))
        text, mentions, pos, out = raw, [], 0, []
        for m in _MARK.finditer(raw):
            out.append(raw[pos:m.start()])
            start = sum(map(len, out))
            out.append(m.group(1))
            mentions.append({"start": start, "end": start + len(m.group(1)), "text": m.group(1),
                             "type": m.group(2), "entity": m.group(3)})
            pos = m.end()
        out.append(raw[pos:])
        text = "".join(out)
        for g in mentions:
            assert text[g["start"]:g["end"]] == g["text"], g
        docs.append({"name": name, "text": text, "mentions": mentions})

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if line.startswith("== "):
            flush()
            name, lines = line[3:].strip(), []
        elif name is not None:
            lines.append(line)
    flush()
    return docs


def entity_for(db: Database, name: str, typ: str) -> int:
    with db.session() as s:
        ent = s.exec(select(Entity).where(Entity.name == name, Entity.type == typ)).first()
        if ent is not None:
            return ent.id
    return curation.create_entity(db, name, typ).id


def curate(db: Database, aid: int, doc: dict) -> None:
    for g in doc["mentions"]:
        eid = entity_for(db, g["entity"], g["type"]) if g.get("entity") else None
        curation.add_mention(db, aid, g["start"], g["end"], g["type"], entity_id=eid)
        # the detector's suggestions that the curator did not confirm are rejected
    with db.session() as s:
        left = list(s.exec(select(Mention.id).where(Mention.article_id == aid, Mention.status == "suggested")))
    for mid in left:
        curation.reject(db, mid)
    curation.set_article_status(db, aid, "done")


def run(docs: list[dict], k: int, model: bool, show: bool = False) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "curve.db")
        seed_knowledge_base(db)
        curated = import_drafts(db, [Draft(text=d["text"], title=d["name"]) for d in docs[:k]]).article_ids
        for aid, d in zip(curated, docs[:k]):
            detect_articles(db, [aid])        # what the curator sees, then confirms or rejects
            curate(db, aid, d)
        trained = None
        if model and k >= 2:
            trained = store.train(db)
        rest = docs[k:]
        ids = import_drafts(db, [Draft(text=d["text"], title=d["name"]) for d in rest]).article_ids
        t0 = time.perf_counter()
        detect_articles(db, ids)
        detect_s = time.perf_counter() - t0
        tp = fp = fn = linked_ok = found_linkable = known_ok = found_known = 0
        new_found: list[tuple] = []   # (gold entity, mention key, proposal) of found NIL mentions
        gold_found: dict[tuple, set] = {}  # gold entity -> its found mentions (aid, start, end, type)
        by_proposal: dict[str, set] = {}   # proposal -> every scored mention carrying it
        with db.session() as s:
            names = {e.id: (e.name, e.type) for e in s.exec(select(Entity))}
            known = set(names.values())
            for m in s.exec(select(Mention).where(Mention.article_id.in_(ids), Mention.proposal.is_not(None))):
                by_proposal.setdefault(m.proposal, set()).add((m.article_id, m.start, m.end, m.type))
            for aid, d in zip(ids, rest):
                got = {(m.start, m.end, m.type): m for m in s.exec(select(Mention).where(Mention.article_id == aid))}
                want = {(g["start"], g["end"], g["type"]): g for g in d["mentions"]}
                tp += len(got.keys() & want.keys())
                fp += len(got.keys() - want.keys())
                fn += len(want.keys() - got.keys())
                for key in got.keys() & want.keys():
                    g = want[key]
                    if g["type"] == "DATE" or not g.get("entity"):
                        continue
                    found_linkable += 1
                    m = got[key]
                    in_kb = (g["entity"], g["type"]) in known
                    found_known += in_kb
                    gold_found.setdefault((g["entity"], g["type"]), set()).add((aid, *key))
                    if not in_kb:
                        new_found.append(((g["entity"], g["type"]), (aid, *key), m.proposal, d["name"], g["text"]))
                    if m.entity_id is not None and names.get(m.entity_id) == (g["entity"], g["type"]):
                        linked_ok += 1
                        known_ok += 1
                    elif show and in_kb:
                        print(f"  LINK {d['name']} {key[2]:6} {g['text']!r} -> {names.get(m.entity_id)} "
                              f"(want {g['entity']!r}{'' if in_kb else ', not in the KB'}, {m.source})")
                if show:
                    for key in sorted(got.keys() - want.keys()):
                        print(f"  FP {d['name']} {key[2]:6} {d['text'][key[0]:key[1]]!r} ({got[key].source})")
                    for key in sorted(want.keys() - got.keys()):
                        print(f"  FN {d['name']} {key[2]:6} {d['text'][key[0]:key[1]]!r}")
        new_ok = 0
        for ent, mkey, prop, doc_name, surface in new_found:
            if prop is not None and by_proposal.get(prop) == gold_found[ent]:
                new_ok += 1
            elif show:
                got_set = by_proposal.get(prop, set()) if prop else set()
                why = ("no proposal" if prop is None else
                       f"proposal {prop!r} has {len(got_set)} mention(s), the entity {len(gold_found[ent])} found")
                print(f"  NEW {doc_name} {mkey[3]:6} {surface!r} (want a new {ent[0]!r}: {why})")
        db.close()
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"k": k, "model": model, "p": p, "r": r, "f1": f1,
            "linked": (linked_ok + new_ok) / found_linkable if found_linkable else 0.0, "test_articles": len(rest),
            "linked_before": linked_ok / found_linkable if found_linkable else 0.0,
            "linked_known": known_ok / found_known if found_known else 0.0,
            "linked_new": new_ok / len(new_found) if new_found else 1.0,
            "new_share": len(new_found) / found_linkable if found_linkable else 0.0,
            "active": bool(trained and trained.active), "detect_s": detect_s,
            "eval": (trained.evaluation.get("combined") or trained.evaluation.get("model", {})).get("all", {}).get("f1")
            if trained else None,
            "eval_base": trained.evaluation.get("baseline", {}).get("all", {}).get("f1") if trained else None}


def table(results: list[dict]) -> str:
    lines = ["| curated k | scored articles | strings: P | R | F1 | linked | strings + model: P | R | F1 | linked "
             "| model active (held-out F1 rules + model / rules) |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
             ]
    lines[0] = lines[0].replace("| linked ", "| linked (in KB, new) ")
    by = {(r["k"], r["model"]): r for r in results}
    for k in sorted({r["k"] for r in results}):
        a, b = by.get((k, False)), by.get((k, True))
        cells = [str(k), str(a["test_articles"])]
        for r in (a, b):
            cells += [f"{r['p']:.2f}", f"{r['r']:.2f}", f"**{r['f1']:.2f}**", _linked(r)] if r else ["–"] * 4
        ev = f"{b['active']} ({b['eval']:.2f} / {b['eval_base']:.2f})" if b and b["eval"] is not None \
            else "–"
        lines.append("| " + " | ".join(cells + [ev]) + " |")
    return "\n".join(lines)


def _linked(r: dict) -> str:
    """``95 % (in KB 100 %, new 80 % of 12 %)``: all, of those in the KB, of the new ones (and
    their share of the found mentions); before proposals in the last brackets."""
    return (f"{r['linked']:.0%} (in KB {r['linked_known']:.0%}, new {r['linked_new']:.0%} of {r['new_share']:.0%}; "
            f"before {r['linked_before']:.0%})")


def plot(results: list[dict], path: Path, title: str) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install -e '.[bench]'): no plot", file=sys.stderr)
        return False
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    for model, style, label in ((False, "o--", "strings"), (True, "s-", "strings + model")):
        rs = sorted((r for r in results if r["model"] == model), key=lambda r: r["k"])
        ax.plot([r["k"] for r in rs], [r["f1"] for r in rs], style, label=f"detection F1, {label}")
        ax.plot([r["k"] for r in rs], [r["linked"] for r in rs], style, alpha=0.45, label=f"linked right, {label}")
    ax.axhline(0.92, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("articles curated (k)")
    ax.set_ylabel("score on the other articles")
    ax.set_ylim(0, 1.02)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return True


# -- speed -----------------------------------------------------------------------------------------


def _all_gold_docs(topic_docs: list[dict]) -> list[crf.Doc]:
    out = [crf.Doc(d["text"], tuple((g["start"], g["end"], g["type"]) for g in d["mentions"])) for d in topic_docs]
    for name in ("heldout.json", "blind.json"):
        for v in json.loads((GOLD_DIR / name).read_text(encoding="utf-8")).values():
            out.append(crf.Doc(clean_text(v["text"]), tuple((g["start"], g["end"], g["type"]) for g in v["mentions"])))
    for fname, spans in json.loads((GOLD_DIR / "seeds.json").read_text(encoding="utf-8")).items():
        text = clean_text((ROOT / "seeds" / fname).read_text(encoding="utf-8"))
        out.append(crf.Doc(text, tuple((g["start"], g["end"], g["type"]) for g in spans)))
    return out


def speed(topic_docs: list[dict]) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "speed.db")
        seed_knowledge_base(db)
        det, k = store.baseline_parts(db)
        base_docs = _all_gold_docs(topic_docs)
        docs = []
        while sum(len(d.spans) for d in docs) < 2000:
            docs += base_docs
        n_mentions = sum(len(d.spans) for d in docs)
        t0 = time.perf_counter()
        data = crf.train(docs, k, det.detect)
        train_s = time.perf_counter() - t0
        tagger = crf.Tagger(data)
        article = ""
        for d in base_docs:
            if len(article.encode("utf-8")) >= 10_000:
                break
            article += d.text + "\n\n"
        while len(article.encode("utf-8")) > 10_240:
            article = article[:-50]
        runs = 20

        def timed(fn):
            fn()
            t = time.perf_counter()
            for _ in range(runs):
                fn()
            return (time.perf_counter() - t) / runs * 1000

        rules_ms = timed(lambda: det.detect(article))
        model_ms = timed(lambda: tagger.tag(article, k, det.detect))
        sug = store.suggester(db)
        sug.tagger, sug.knowledge, sug.baseline = tagger, k, det.detect
        full = build_detector(db)
        full.suggesters = [sug]
        all_ms = timed(lambda: full.detect(article))
        db.close()
        t0 = time.perf_counter()
        ev = crf.evaluate(base_docs, k, det.detect, folds=5)
        eval_s = time.perf_counter() - t0
    kb = len(article.encode("utf-8")) / 1024
    cv = ["", f"5-fold cross-validation of the model alone on every gold set ({len(base_docs)} articles, "
              f"{ev['held_out_mentions']} mentions; {eval_s:.0f} s), exact span + type:", "",
          "| type | gold | model P | R | F1 | rules-and-gazetteer F1 |", "|---|---:|---:|---:|---:|---:|"]
    for typ in (*crf.TYPES, "all"):
        m, b = ev["model"].get(typ, {}), ev["baseline"].get(typ, {})
        cv.append(f"| {typ} | {b.get('gold', 0)} | {m.get('p', 0):.2f} | {m.get('r', 0):.2f} | {m.get('f1', 0):.2f} "
                  f"| {b.get('f1', 0):.2f} |")
    return "\n".join([
        "| what | figure |", "|---|---:|",
        f"| training on {n_mentions:,} confirmed mentions ({len(docs)} articles, {sum(len(d.text) for d in docs):,} "
        f"characters) | {train_s:.2f} s |",
        f"| model size | {len(data) / 1024:.0f} KB |",
        f"| rules-and-gazetteer detector, one {kb:.1f} KB article | {rules_ms:.1f} ms |",
        f"| the model alone on it (features include the detector's tags: detector + CRF) | {model_ms:.1f} ms |",
        f"| full detection: detector + learned surfaces + model | {all_ms:.1f} ms |",
    ] + cv)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--topic", default="teesta")
    ap.add_argument("--ks", default="0,1,2,4,6,8")
    ap.add_argument("--orders", type=int, default=3,
                    help="article orders averaged: the file's order, then seeded shuffles (default 3)")
    ap.add_argument("--plot", default=str(ROOT / "docs" / "learning_curve.png"))
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--show-errors", type=int, default=None, metavar="K", help="list the errors at this k")
    args = ap.parse_args(argv)
    docs = parse_topic(GOLD_DIR / f"topic_{args.topic}.txt")
    print(f"topic {args.topic}: {len(docs)} articles, {sum(len(d['mentions']) for d in docs)} mentions")
    orders = [docs] + [random.Random(seed).sample(docs, len(docs)) for seed in range(1, args.orders)]
    results = []
    for k in [int(x) for x in args.ks.split(",")]:
        if k >= len(docs):
            continue
        for model in (False, True):
            show = args.show_errors == k
            if show:
                print(f"-- k={k} model={model}")
            runs = [run(o, k, model, show) for o in orders]
            r = {key: (sum(x[key] for x in runs) / len(runs) if isinstance(runs[0][key], float) else runs[0][key])
                 for key in runs[0] if key not in ("eval", "eval_base", "active")}
            evs = [x["eval"] for x in runs if x["eval"] is not None]
            r["eval"] = sum(evs) / len(evs) if evs else None
            bases = [x["eval_base"] for x in runs if x["eval_base"] is not None]
            r["eval_base"] = sum(bases) / len(bases) if bases else None
            r["active"] = f"{sum(x['active'] for x in runs)}/{len(runs)}"
            results.append(r)
            print(f"k={k:2} model={'yes' if model else 'no ':3} P={r['p']:.2f} R={r['r']:.2f} F1={r['f1']:.2f} "
                  f"linked={_linked(r)} active={r['active']} eval={r['eval']} base={r['eval_base']}", flush=True)
    print()
    print(table(results))
    if args.plot and plot(results, Path(args.plot), f"Learning curve, topic '{args.topic}' ({len(docs)} articles)"):
        print(f"\nplot: {args.plot}")
    if args.speed:
        print()
        print(speed(docs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
