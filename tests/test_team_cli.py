"""Curation from the command line and several curators at once, with real processes, on both
backends."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select

from desktop import history
from desktop.db import Database
from desktop.models import Article, History, Mention

TEXT = "Rajnath Singh met Anil Kumar in Delhi on Monday."


def curate(target, *args, user="alice", env=None):
    e = dict(os.environ, CURATE_DB=str(target), CURATE_USER=user, **(env or {}))
    return subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True, text=True, env=e,
                          timeout=300)


def _article(tmp_path, n=1):
    paths = []
    for i in range(n):
        p = tmp_path / f"a{i}.txt"
        p.write_text(f"{TEXT} Story {i}.", encoding="utf-8")
        paths.append(p)
    return paths


def test_mention_and_article_commands(any_target, tmp_path):
    (p,) = _article(tmp_path)
    assert curate(any_target, "import", "--no-detect", str(p)).returncode == 0
    db = Database(any_target)
    with db.session() as s:
        aid = s.exec(select(Article.id)).one()
    out = curate(any_target, "mention", "add", str(aid), "0", "13", "person")
    assert out.returncode == 0, out.stderr
    assert "‘Rajnath Singh’ PERSON" in out.stdout
    with db.session() as s:
        mid = s.exec(select(Mention.id)).one()
    assert curate(any_target, "mention", "type", str(mid), "ORG").returncode == 0
    assert curate(any_target, "mention", "reject", str(mid)).returncode == 0
    assert curate(any_target, "article", "status", str(aid), "done", user="bob").returncode == 0
    with db.session() as s:
        m = s.get(Mention, mid)
        assert (m.type, m.status) == ("ORG", "rejected")
        assert s.get(Article, aid).status == "done"
        users = [h.user for h in s.exec(select(History).order_by(History.id))]
    assert users == ["alice", "alice", "alice", "bob"]
    # one clear line for a bad id, type or span
    for args, why in ((("mention", "confirm", "999"), "mention 999 does not exist"),
                      (("mention", "type", str(mid), "NOPE"), "unknown entity type"),
                      (("mention", "add", str(aid), "5", "500", "PERSON"), "outside the article"),
                      (("mention", "link", str(mid), "999999"), "entity 999999 does not exist")):
        r = curate(any_target, *args)
        assert r.returncode == 1 and why in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    # undo is per curator: alice undoes her reject, not bob's status
    r = curate(any_target, "undo")
    assert r.returncode == 0 and "Reject" in r.stdout
    with db.session() as s:
        assert s.get(Mention, mid).status == "confirmed" and s.get(Article, aid).status == "done"
    db.close()


def test_assign(any_target, tmp_path):
    paths = _article(tmp_path, 4)
    assert curate(any_target, "import", "--no-detect", *map(str, paths)).returncode == 0
    r = curate(any_target, "assign", "--to", "alice", "--status", "new", "--count", "3")
    assert r.returncode == 0 and "assigned 3 articles to alice" in r.stdout
    r = curate(any_target, "assign", "--to", "bob", "--status", "new", "--count", "3")
    assert "assigned 1 article to bob" in r.stdout  # only unassigned ones are picked
    db = Database(any_target)
    with db.session() as s:
        who = sorted((a.assigned_to for a in s.exec(select(Article))), key=str)
    assert who == ["alice", "alice", "alice", "bob"]
    assert curate(any_target, "assign", "--to", "x").returncode == 1
    db.close()


def test_two_curators_on_one_mention_end_in_a_state_one_chose(any_target, tmp_path):
    """Alice confirms and Bob retypes the same mention, many times at once, in two processes:
    the end state is the last committed action, each action is in the history, none is lost."""
    (p,) = _article(tmp_path)
    curate(any_target, "import", "--no-detect", str(p))
    db = Database(any_target)
    with db.session() as s:
        aid = s.exec(select(Article.id)).one()
    curate(any_target, "mention", "add", str(aid), "0", "13", "PERSON")
    with db.session() as s:
        mid = s.exec(select(Mention.id)).one()
    script = (
        "import sys\n"
        "from desktop import curation, history\n"
        "from desktop.db import Database\n"
        "history.set_user(sys.argv[2]); db = Database(sys.argv[1]); mid = int(sys.argv[3])\n"
        "for i in range(15):\n"
        "    if sys.argv[2] == 'alice': curation.set_status(db, mid, 'rejected' if i % 2 else 'confirmed')\n"
        "    else: curation.set_type(db, mid, 'ORG' if i % 2 else 'LOC')\n"
    )
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda u: subprocess.run([sys.executable, "-c", script, str(any_target), u, str(mid)],
                                                      capture_output=True, text=True, timeout=300), ["alice", "bob"]))
    assert all(r.returncode == 0 for r in runs), [r.stderr for r in runs]
    with db.session() as s:
        m = s.get(Mention, mid)
        rows = list(s.exec(select(History).where(History.action.in_(["confirm", "reject", "type"]))
                           .order_by(History.id)))
    import json

    last = json.loads(rows[-1].changes)[0]["after"]
    assert (m.type, m.status) == (last["type"], last["status"])  # exactly what the last action chose
    assert m.version == 1 + sum(1 for h in rows for ch in json.loads(h.changes) if ch["table"] == "mention")
    db.close()


def _counts(summary: str) -> tuple[int, int]:
    """(imported, duplicates) from an import summary line."""
    import re

    m = re.search(r"imported (\d+) articles.*duplicates (\d+)", summary)
    assert m, summary
    return int(m.group(1)), int(m.group(2))


def test_two_importers_give_each_article_once(any_target, tmp_path):
    """Two ``curate import`` processes on the same folder of a database that does not exist
    yet: both create, seed and import it at once.  Each article is stored once, each process
    counts what the other stored first as duplicates, and neither fails on a locked database."""
    paths = _article(tmp_path, 30)
    folder = tmp_path
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda u: curate(any_target, "import", str(folder), user=u), ["alice", "bob"]))
    assert all(r.returncode == 0 for r in runs), [r.stderr for r in runs]
    counts = [_counts(r.stdout) for r in runs]
    assert sum(i for i, _ in counts) == len(paths)                 # stored once between them
    assert all(i + d == len(paths) for i, d in counts), counts     # the rest counted as duplicates
    db = Database(any_target)
    with db.session() as s:
        hashes = [a.content_hash for a in s.exec(select(Article))]
        spans = [(m.article_id, m.start, m.end, m.type) for m in s.exec(select(Mention))]
    assert len(hashes) == len(paths) == len(set(hashes))
    assert len(spans) == len(set(spans)) and spans  # detection ran, and twice never duplicates
    db.close()


IMPORTER = """
import json, sys, time
from desktop import importing
from desktop.db import Database
from desktop.importing import Draft, import_drafts

importing.BATCH = 3  # many small transactions, so the two processes interleave
db = Database(sys.argv[1])
n, reverse, start = int(sys.argv[2]), sys.argv[3] == "1", float(sys.argv[4])
drafts = [Draft(text=f"Article {i}: Rajnath Singh met Anil Kumar in Delhi.", title=f"t{i}") for i in range(n)]


def slowly(items):  # time between transactions: the other process gets the write lock too
    for d in items:
        time.sleep(0.01)
        yield d


time.sleep(max(0.0, start - time.time()))
rep = import_drafts(db, slowly(reversed(drafts) if reverse else drafts))
print(json.dumps({"imported": rep.imported, "duplicates": rep.duplicates, "ids": rep.article_ids,
                  "stopped": rep.stopped}))
"""


def test_two_importers_meet_row_by_row_through_the_content_hash(any_target):
    """Two processes import the same 60 articles in opposite orders, three a transaction, from
    the same moment: the content-hash upsert (ON CONFLICT DO NOTHING) gives each article once,
    every article is imported by exactly one of them and counted as a duplicate by the other."""
    import json
    import time

    Database(any_target).close()
    n = 60
    start = time.time() + 3
    procs = [subprocess.Popen([sys.executable, "-c", IMPORTER, str(any_target), str(n), rev, str(start)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for rev in ("0", "1")]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e for _, e in outs]
    reps = [json.loads(o.strip().splitlines()[-1]) for o, _ in outs]
    assert all(r["stopped"] is None for r in reps), reps
    assert reps[0]["imported"] + reps[1]["imported"] == n
    assert all(r["imported"] + r["duplicates"] == n for r in reps), reps
    assert not set(reps[0]["ids"]) & set(reps[1]["ids"])
    db = Database(any_target)
    with db.session() as s:
        ids = set(s.exec(select(Article.id)))
        hashes = list(s.exec(select(Article.content_hash)))
    assert ids == set(reps[0]["ids"]) | set(reps[1]["ids"]) and len(hashes) == len(set(hashes)) == n
    db.close()


def test_undo_refused_after_a_colleagues_change_in_another_process(any_target, tmp_path):
    (p,) = _article(tmp_path)
    curate(any_target, "import", "--no-detect", str(p))
    db = Database(any_target)
    with db.session() as s:
        aid = s.exec(select(Article.id)).one()
    curate(any_target, "mention", "add", str(aid), "0", "13", "PERSON", user="alice")
    with db.session() as s:
        mid = s.exec(select(Mention.id)).one()
    assert curate(any_target, "mention", "type", str(mid), "ORG", user="bob").returncode == 0
    r = curate(any_target, "undo", user="alice")
    assert r.returncode == 1 and "changed by bob at" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = curate(any_target, "undo", "--skip", user="alice")
    assert r.returncode == 0 and "skipped" in r.stdout
    assert curate(any_target, "undo", user="bob").returncode == 0
    history.set_user(None)
    db.close()


def test_undo_of_a_new_entity_refused_after_a_colleague_added_an_alias_in_another_process(any_target):
    """Alice creates an entity; Bob, in his own process, adds an alias to it; Alice's `curate
    undo` is refused in one line naming Bob, takes nothing of his, and --skip goes on."""
    Database(any_target).close()
    script = (
        "import sys\n"
        "from desktop import curation, history, kb\n"
        "from desktop.db import Database\n"
        "history.set_user(sys.argv[2]); db = Database(sys.argv[1])\n"
        "if sys.argv[2] == 'alice': print(curation.create_entity(db, 'Rajnath Singh', 'PERSON').value.id)\n"
        "else: print(kb.add_alias(db, int(sys.argv[3]), 'R. Singh').value.id)\n"
    )

    def run(user, *extra):
        r = subprocess.run([sys.executable, "-c", script, str(any_target), user, *extra], capture_output=True,
                           text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        return int(r.stdout.strip().splitlines()[-1])

    ent = run("alice")
    alias = run("bob", str(ent))
    r = curate(any_target, "undo", user="alice")
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert f"alias {alias} was changed by bob at" in r.stderr
    from desktop.models import Alias, Entity

    db = Database(any_target)
    with db.session() as s:
        assert s.get(Entity, ent) is not None and s.get(Alias, alias) is not None
    assert curate(any_target, "undo", "--skip", user="alice").returncode == 0
    assert curate(any_target, "undo", user="bob").returncode == 0  # bob's own alias: his to undo
    with db.session() as s:
        assert s.get(Alias, alias) is None and s.get(Entity, ent) is not None
    db.close()
