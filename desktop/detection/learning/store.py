"""Learning against the database: training data, the stored model, the suggester for detection.

* **Training data**: every article with a confirmed mention and no suggestion left to review
  (or marked done): its confirmed mentions are the names, everything else is not a name.
  Mentions confirmed by import count like the curator's.
* **Baseline**: the rules-and-gazetteer detector — the starter lists only, nothing learned —
  whose output is also a feature of the model and the reference of its self-evaluation.
* **Storage**: :class:`desktop.models.LearnedModel`, one row per training with its held-out
  evaluation; only the newest keeps the model bytes.  It travels with the database.
* **When**: :func:`train` on demand (``curate learn``, the window's Statistics view), and in the
  background after every ``every`` new confirmations (:func:`train_in_background`, default 20,
  Preferences in the window), whether a curator made them or an import brought them
  (:func:`train_detached_if_due` after ``curate import``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Optional

from sqlalchemy import case, delete, func, update
from sqlmodel import select

from desktop.db import Database
from desktop.errors import CurateError
from desktop.detection.detector import Detector
from desktop.detection.gazetteer import GazetteerEntry
from desktop.detection.learning import crf
from desktop.detection.learning.common_words import common_words
from desktop.detection.learning.suggester import LearnedSuggester
from desktop.detection.learning.surfaces import SurfaceLearner, context_key
from desktop.detection.learning.tokens import Knowledge
from desktop.models import Alias, Article, Entity, LearnedModel, Mention, utcnow

#: train again after this many new confirmations (the window's Preferences change it)
EVERY = 20
#: the model must beat the baseline's held-out F1 by at least this to make suggestions
MIN_GAIN = 0.0

_SIDE = 40   # characters of context each side of a rejected mention
_LOCK = threading.Lock()
_CACHE: dict[str, tuple[tuple, object]] = {}


@dataclass
class TrainReport:
    version: int
    articles: int
    mentions: int
    active: bool
    evaluation: dict
    seconds: float


# -- what the model learns from ----------------------------------------------------------------


def _gazetteer_signature(s) -> tuple:
    return tuple(s.exec(select(func.count(Alias.id), func.max(Alias.id)).where(Alias.source == "gazetteer")).one())


def baseline_parts(db: Database) -> tuple[Detector, Knowledge]:
    """The rules-and-gazetteer detector and the KB knowledge of the features (starter lists
    only, so what was learned from an article never shows up in its own features)."""
    with db.session() as s:
        sig = ("baseline",) + _gazetteer_signature(s)
        key = db.path + "#baseline"
        with _LOCK:
            hit = _CACHE.get(key)
            if hit and hit[0] == sig:
                return hit[1]
        q = select(Alias.text, Alias.entity_id, Entity.type).join(Entity, Entity.id == Alias.entity_id) \
            .where(Alias.source == "gazetteer")
        aliases = s.connection().execute(q).all()
    from desktop.detection import cache

    entries = [GazetteerEntry(t, typ, eid, "gazetteer") for t, eid, typ in aliases]
    det = cache.load_or_build(cache.digest(entries, ()), lambda: Detector(entries, suggesters=[]))
    det.suggesters = []   # the rules and the lists only (a cached detector may carry others)
    k = Knowledge.build((t, typ) for t, _eid, typ in aliases)
    with _LOCK:
        _CACHE[key] = (sig, (det, k))
    return det, k


def training_docs(db: Database) -> list[crf.Doc]:
    with db.session() as s:
        pending = set(s.exec(select(Mention.article_id).where(Mention.status == "suggested").distinct()))
        spans: dict[int, list] = defaultdict(list)
        for aid, st, en, typ in s.exec(select(Mention.article_id, Mention.start, Mention.end, Mention.type)
                                       .where(Mention.status == "confirmed")):
            spans[aid].append((st, en, typ))
        done = set(s.exec(select(Article.id).where(Article.status == "done")))
        ids = sorted(a for a in spans if a not in pending or a in done)
        texts = dict(s.exec(select(Article.id, Article.text).where(Article.id.in_(ids))).all()) if ids else {}
    return [crf.Doc(texts[a], tuple(sorted(spans[a]))) for a in ids if a in texts]


def confirmations(db: Database) -> int:
    with db.session() as s:
        return s.exec(select(func.count(Mention.id)).where(Mention.status == "confirmed")).one()


# -- training ----------------------------------------------------------------------------------


def train(db: Database, *, folds: int = 1) -> TrainReport:
    """Evaluate held out (80/20 by article), train on everything, store the model.  The model is
    active (makes suggestions) only when its held-out F1 beats the baseline's."""
    t0 = time.perf_counter()
    n_conf = confirmations(db)
    docs = training_docs(db)
    det, k = baseline_parts(db)
    evaluation = crf.evaluate(docs, k, det.detect, folds=folds, combine=_combined(k, det.detect)) \
        if len(docs) >= 2 else {}
    data = crf.train(docs, k, det.detect) if docs else b""
    seconds = time.perf_counter() - t0
    active, types = judge(evaluation)
    active = active and bool(data)
    if evaluation:
        evaluation["types"] = types
    mentions = sum(len(d.spans) for d in docs)
    with db.transaction() as s:
        last = s.exec(select(func.max(LearnedModel.version))).one() or 0
        s.execute(update(LearnedModel).values(data=None))
        row = LearnedModel(version=last + 1, articles=len(docs), mentions=mentions, confirmations=n_conf,
                           active=active, evaluation=json.dumps(evaluation), seconds=round(seconds, 3),
                           data=data or None, created_at=utcnow())
        s.add(row)
        s.flush()
        version = row.version
    return TrainReport(version, len(docs), mentions, active, evaluation, seconds)


def _combined(k: Knowledge, baseline) -> crf.Combine:
    """The rules with the model joined as detection uses it (no learned surfaces: the held-out
    articles' own surfaces would be learned from the training part only by chance)."""
    def combine(tagger, text, cands):
        return LearnedSuggester(tagger=tagger, knowledge=k, baseline=baseline).apply(text, list(cands))
    return combine


def judge(evaluation: dict) -> tuple[bool, list[str]]:
    """(does the model make suggestions, of which types).  What counts is the rules with the
    model joined, as detection would use it, against the rules alone on the same held-out
    articles (overall, then per type); an evaluation without that (older models) compares the
    model alone."""
    if not evaluation:
        return False, []
    mine = evaluation.get("combined") or evaluation.get("model", {})
    base = evaluation.get("baseline", {})
    f1 = lambda d, t: d.get(t, {}).get("f1", 0.0)  # noqa: E731
    active = f1(mine, "all") > f1(base, "all") + MIN_GAIN
    types = [t for t in crf.TYPES if f1(mine, t) > f1(base, t)]
    return active, types


def evaluation_lines(evaluation: dict) -> list[str]:
    """The held-out evaluation as a small table (the CLI and the Statistics view show it)."""
    if not evaluation:
        return ["no held-out evaluation: fewer than two curated articles"]
    model, base = evaluation.get("model", {}), evaluation.get("baseline", {})
    comb = evaluation.get("combined")
    out = [f"held out: {evaluation.get('held_out_mentions', 0)} mentions",
           f"{'type':8}{'gold':>6}{'model P':>9}{'R':>6}{'F1':>6}{'rules F1':>10}"
           + (f"{'rules+model F1':>16}" if comb is not None else "")]
    for typ in (*crf.TYPES, "all"):
        m, b = model.get(typ), base.get(typ)
        if not m and not b:
            continue
        m = m or {"gold": (b or {}).get("gold", 0), "p": 0.0, "r": 0.0, "f1": 0.0}
        line = f"{typ:8}{m['gold']:6}{m['p']:9.2f}{m['r']:6.2f}{m['f1']:6.2f}{(b or {}).get('f1', 0.0):10.2f}"
        if comb is not None:
            line += f"{comb.get(typ, {}).get('f1', 0.0):16.2f}"
        out.append(line)
    return out


def reset(db: Database) -> int:
    """Drop every stored model and its history; returns how many rows went."""
    with db.transaction() as s:
        n = s.exec(select(func.count(LearnedModel.id))).one()
        s.execute(delete(LearnedModel))
    return n


def history(db: Database) -> list[dict]:
    """Every training, newest first: version, when, counts, active, evaluation."""
    with db.session() as s:
        rows = s.exec(select(LearnedModel.version, LearnedModel.created_at, LearnedModel.articles,
                             LearnedModel.mentions, LearnedModel.active, LearnedModel.evaluation,
                             LearnedModel.seconds, func.length(LearnedModel.data))
                      .order_by(LearnedModel.version.desc())).all()
    return [dict(version=v, created_at=c, articles=a, mentions=m, active=bool(act), evaluation=json.loads(ev or "{}"),
                 seconds=sec, size=size or 0) for v, c, a, m, act, ev, sec, size in rows]


def current(db: Database) -> Optional[tuple[int, bool, bytes, dict]]:
    """(version, active, bytes, evaluation) of the newest model, or None."""
    with db.session() as s:
        row = s.exec(select(LearnedModel.version, LearnedModel.active, LearnedModel.data, LearnedModel.evaluation)
                     .where(LearnedModel.data.is_not(None)).order_by(LearnedModel.version.desc())).first()
    return (row[0], bool(row[1]), row[2], json.loads(row[3] or "{}")) if row else None


def due(db: Database, every: Optional[int] = None) -> bool:
    """True when ``every`` (default :data:`EVERY`) confirmations were added since the last training."""
    every = EVERY if every is None else every
    with db.session() as s:
        last = s.exec(select(LearnedModel.confirmations).order_by(LearnedModel.version.desc())).first() or 0
        now = s.exec(select(func.count(Mention.id)).where(Mention.status == "confirmed")).one()
    return now - last >= every and now > 0


_RUNNING: dict[str, threading.Thread] = {}


def _learn_command(db_path: str) -> list[str]:
    cmd = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "desktop"]
    return cmd + ["--db", db_path, "learn", "--json"]


def train_detached_if_due(db: Database, *, every: Optional[int] = None) -> Optional[subprocess.Popen]:
    """After an import (which may bring confirmed mentions): when ``every`` new confirmations came
    in since the last training, train in a detached child process and return it at once, so a
    command-line import ends without waiting (the window trains after an import through
    :func:`train_in_background`, as after any action).  None when no training is due."""
    if db.path == ":memory:" or not due(db, every):
        return None
    return subprocess.Popen(_learn_command(db.path), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def train_in_process(db_path: str) -> TrainReport:
    """Train in a child process (``curate --db PATH learn --json``), so the caller's interpreter
    is never busy with it (CRFsuite holds Python's lock while it trains)."""
    proc = subprocess.run(_learn_command(db_path), capture_output=True, text=True,
                          encoding="utf-8", timeout=3600)
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        raise CurateError(lines[-1] if lines else f"training exited with {proc.returncode}")
    d = json.loads(proc.stdout)
    return TrainReport(d["version"], d["articles"], d["mentions"], d["active"], d["evaluation"], d["seconds"])


def train_in_background(db: Database, *, every: Optional[int] = None, force: bool = False, process: bool = False,
                        done: Optional[Callable[[Optional[TrainReport], Optional[BaseException]], None]] = None
                        ) -> Optional[threading.Thread]:
    """Start a training thread when one is due (or ``force``) and none is running for this
    database; returns the thread, or None.  ``done(report, error)`` runs on that thread.
    ``process``: the thread runs the training in a child process (the window uses this)."""
    with _LOCK:
        running = _RUNNING.get(db.path)
        if running is not None and running.is_alive():
            return None
    if not force and not due(db, every):
        return None

    def work():
        try:
            rep = train_in_process(db.path) if process else train(db)
        except BaseException as exc:  # reported to the caller, never lost on the thread
            if done:
                done(None, exc)
            return
        if done:
            done(rep, None)

    t = threading.Thread(target=work, name="curate-learn", daemon=True)
    with _LOCK:
        _RUNNING[db.path] = t
    t.start()
    return t


# -- the suggester detection uses --------------------------------------------------------------


def model_version(s) -> Optional[int]:
    """The newest model's version (part of the detector's cache key)."""
    return s.exec(select(func.max(LearnedModel.version))).one()


def _learning_signature(s) -> tuple:
    m = s.exec(select(func.count(Mention.id), func.max(Mention.updated_at))
               .where(Mention.status.in_(("confirmed", "rejected")))).one()
    v = s.exec(select(func.max(LearnedModel.version))).one()
    return tuple(m) + (v,) + _gazetteer_signature(s)


def suggester(db: Database, *, model: bool = True) -> LearnedSuggester:
    """The learned suggester for this database (cached until the curation or the model changes)."""
    with db.session() as s:
        sig = _learning_signature(s) + (model,)
        key = db.path + "#suggester"
        with _LOCK:
            hit = _CACHE.get(key)
            if hit and hit[0] == sig:
                return hit[1]
        confirmed = s.exec(select(Mention.text, Mention.type, Mention.entity_id)
                           .where(Mention.status == "confirmed")).all()
        # 40 characters each side of every rejected mention (not the whole article text)
        left_from = case((Mention.start > _SIDE, Mention.start - _SIDE + 1), else_=1)
        left_len = case((Mention.start > _SIDE, _SIDE), else_=Mention.start)
        rej = s.exec(select(Mention.text, func.substr(Article.text, left_from, left_len),
                            func.substr(Article.text, Mention.end + 1, _SIDE))
                     .join(Article, Article.id == Mention.article_id).where(Mention.status == "rejected")).all()
    rejected = [(t, context_key(left + t + right, len(left), len(left) + len(t))) for t, left, right in rej]
    surfaces = SurfaceLearner(confirmed, rejected)
    tagger = det = k = None
    cur = current(db) if model else None
    types = None
    if cur is not None and cur[1]:
        det, k = baseline_parts(db)
        tagger = crf.Tagger(cur[2])
        types = frozenset(cur[3].get("types", crf.TYPES))
    out = LearnedSuggester(surfaces, tagger=tagger, knowledge=k, baseline=det.detect if det else None,
                           common=common_words(), model_types=types)
    with _LOCK:
        _CACHE[key] = (sig, out)
    return out
