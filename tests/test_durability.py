"""Nothing is lost: a killed process leaves a consistent database with every committed action."""

import os
import signal
import subprocess
import sys
import time

from desktop import curation
from desktop.db import Database
from desktop.importing import Draft, import_drafts
from desktop.models import Article, Mention
from sqlmodel import select

WRITER = r"""
import sys
from desktop.db import Database
from desktop.importing import import_paths
db = Database(sys.argv[1])
print("ready", flush=True)
import_paths(db, [sys.argv[2]], detect=False)
print("done", flush=True)
"""


def test_kill_during_import_leaves_consistent_db(tmp_path):
    src = tmp_path / "many"
    src.mkdir()
    for i in range(3000):
        (src / f"{i:05d}.txt").write_text(f"Article {i}\n" + "ভারত ও রাশিয়া বৈঠক। " * 40, encoding="utf-8")
    dbp = tmp_path / "k.db"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(dbp), str(src)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.6)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    db = Database(dbp)
    assert db.check() == []
    with db.session() as s:
        arts = list(s.exec(select(Article)))
    # whole batches only: every stored article is complete and searchable
    assert len(arts) % 500 == 0 or len(arts) == 3000
    for a in arts:
        assert a.text.startswith("Article ") and a.text.endswith("বৈঠক।")
    if arts:
        assert db.search("Article")


def test_each_action_is_durable_at_once(tmp_path):
    """An action is committed when the function returns: a second connection sees it at once,
    and a crash right after (simulated by abandoning the process' engine) loses nothing."""
    dbp = tmp_path / "d.db"
    db = Database(dbp)
    import_drafts(db, [Draft(text="Rajnath Singh met the minister")])
    m = curation.add_mention(db, 1, 0, 13, "PERSON").value
    other = Database(dbp)
    with other.session() as s:
        assert s.get(Mention, m.id).status == "confirmed"
    code = (
        "import os, sys\n"
        "from desktop.db import Database\nfrom desktop import curation\n"
        f"db = Database({str(dbp)!r})\n"
        f"curation.reject(db, {m.id})\n"
        "os._exit(9)\n"  # no clean shutdown, no checkpoint
    )
    proc = subprocess.run([sys.executable, "-c", code], timeout=60)
    assert proc.returncode == 9
    with Database(dbp).session() as s:
        assert s.get(Mention, m.id).status == "rejected"
