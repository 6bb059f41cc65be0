"""The `curate` command line, end to end (in-process through main(), and once as a real process)."""

import csv
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from desktop import __version__
from desktop.cli import main


@pytest.fixture
def dbfile(tmp_path):
    return str(tmp_path / "cli.db")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0 and __version__ in capsys.readouterr().out
    for cmd in ("import", "detect", "export", "kb", "search", "list", "stats", "check", "backup", "selftest"):
        with pytest.raises(SystemExit) as e:
            main([cmd, "--help"])
        assert e.value.code == 0
        assert "usage: curate" in capsys.readouterr().out


def test_import_detect_export_roundtrip(capsys, dbfile, seeds_dir, tmp_path):
    code, out, err = run(capsys, "--db", dbfile, "import", str(seeds_dir))
    assert code == 0, err
    assert out.splitlines()[0] == "imported 5 articles, 0 mentions, 0 relations, conflicts 0, duplicates 0, failed 0"
    code, out, _ = run(capsys, "--db", dbfile, "import", str(seeds_dir))
    assert out.splitlines()[0] == "imported 0 articles, 0 mentions, 0 relations, conflicts 0, duplicates 5, failed 0"
    code, out, _ = run(capsys, "--db", dbfile, "list", "--json")
    rows = json.loads(out)
    assert len(rows) == 5 and sum(r["suggested"] for r in rows) > 0
    before = sum(r["suggested"] for r in rows)
    run(capsys, "--db", dbfile, "detect")
    code, out, _ = run(capsys, "--db", dbfile, "list", "--json")
    assert sum(r["suggested"] for r in json.loads(out)) == before  # idempotent
    outdir = tmp_path / "export"
    code, out, err = run(capsys, "--db", dbfile, "export", "--format", "csv", "--out", str(outdir), "--status", "all")
    assert code == 0, err
    texts = {}
    con = sqlite3.connect(dbfile)
    for aid, text in con.execute("SELECT id, text FROM article"):
        texts[aid] = text
    con.close()
    with open(outdir / "mentions.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and "value" in rows[0]
    for r in rows:
        assert texts[int(r["article_id"])][int(r["start"]):int(r["end"])] == r["text"]


def test_import_failures_exit_nonzero_and_name_files(capsys, dbfile, tmp_path):
    (tmp_path / "good.txt").write_text("a good article", encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text('{"text": "fine"}\n{oops\n', encoding="utf-8")
    (tmp_path / "latin.txt").write_bytes("é".encode("latin-1"))
    code, out, err = run(capsys, "--db", dbfile, "import", "--no-detect", str(tmp_path))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "imported 2 articles, 0 mentions, 0 relations, conflicts 0, duplicates 0, failed 2"
    assert any("bad.jsonl:2" in ln for ln in lines[1:])
    assert any("latin.txt" in ln and "UTF-8" in ln for ln in lines[1:])
    assert "Traceback" not in out + err


def test_user_errors_are_one_line(capsys, tmp_path):
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"garbage" * 50)
    code, out, err = run(capsys, "--db", str(damaged), "list")
    assert code == 1 and err.count("\n") == 1 and "damaged" in err and "Traceback" not in err
    assert damaged.read_bytes() == b"garbage" * 50
    code, out, err = run(capsys, "--db", str(tmp_path / "none.db"), "check")
    assert code == 1 and "no such database" in err
    code, out, err = run(capsys, "--db", str(tmp_path / "x.db"), "kb", "import", str(tmp_path / "missing.csv"))
    assert code == 1 and "missing.csv" in err


def test_search_list_stats_check_backup(capsys, dbfile, seeds_dir, tmp_path):
    run(capsys, "--db", dbfile, "import", "--no-detect", str(seeds_dir))
    code, out, _ = run(capsys, "--db", dbfile, "search", "দ্বিবেদী", "--json")
    hits = json.loads(out)
    assert code == 0 and len(hits) >= 1
    code, out, _ = run(capsys, "--db", dbfile, "search", 'AND "(')
    assert code == 0
    code, out, _ = run(capsys, "--db", dbfile, "stats", "--json")
    st = json.loads(out)
    assert st["articles"] == 5 and st["articles_by_language"]["hi"] == 1
    code, out, _ = run(capsys, "--db", dbfile, "check")
    assert code == 0 and "ok" in out
    code, out, _ = run(capsys, "--db", dbfile, "backup", str(tmp_path / "b.db"))
    assert code == 0
    code, out, _ = run(capsys, "--db", str(tmp_path / "b.db"), "stats", "--json")
    assert json.loads(out)["articles"] == 5


def test_check_reports_damage(capsys, dbfile, seeds_dir):
    run(capsys, "--db", dbfile, "import", "--no-detect", str(seeds_dir))
    con = sqlite3.connect(dbfile)
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("INSERT INTO mention(article_id, start, \"end\", text, type, status, source, confidence, "
                "created_at, updated_at) VALUES (999, 0, 3, 'abc', 'PERSON', 'confirmed', 'manual', 1, "
                "'2024-01-01', '2024-01-01')")
    con.commit()
    con.close()
    code, out, _ = run(capsys, "--db", dbfile, "check")
    assert code == 1 and "foreign key" in out


def test_env_var_picks_database(capsys, tmp_path, monkeypatch, seeds_dir):
    target = tmp_path / "env.db"
    monkeypatch.setenv("CURATE_DB", str(target))
    run(capsys, "import", "--no-detect", str(seeds_dir / "000_424f1ce68c7b95a9.txt"))
    assert target.exists()


def test_first_launch_default_database_gets_seeds(capsys):
    from desktop.paths import default_db_path

    path = default_db_path()
    assert not path.exists()
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0 and len(json.loads(out)) == 5
    assert path.exists()


def test_undo_redo_history_commands(capsys, dbfile, seeds_dir):
    from desktop import curation
    from desktop.db import Database

    run(capsys, "--db", dbfile, "import", "--no-detect", str(seeds_dir))
    db = Database(dbfile)
    curation.add_mention(db, 1, 0, 5, "ORG")
    code, out, _ = run(capsys, "--db", dbfile, "history", "--json")
    assert json.loads(out)[0]["action"] == "add"
    code, out, _ = run(capsys, "--db", dbfile, "undo")
    assert code == 0 and out.startswith("undo: Add ORG")
    code, out, _ = run(capsys, "--db", dbfile, "redo")
    assert code == 0 and out.startswith("redo: Add ORG")


def test_module_entry_point_as_a_process(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-m", "desktop", "--db", str(tmp_path / "p.db"), "stats"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0 and "articles: 0" in proc.stdout and proc.stderr == ""


# Runs main() in a fresh interpreter, then names the heavy modules it loaded on the way.
_COLD_PROBE = """
import sys
from desktop.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlmodel", "sqlalchemy", "PySide6")
               or m == "desktop.detection" or m.startswith("desktop.detection."))
print("HEAVY:" + " ".join(heavy), file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.parametrize("command", ["--help", "--version", "list"])
def test_cold_start_loads_neither_the_database_stack_nor_detection(command, capsys, dbfile, seeds_dir):
    """`curate --help` / `--version`, and `curate list` on a local file (the plain-sqlite3 path),
    import no SQLModel/SQLAlchemy, no detection and no Qt: the commands' modules import them only
    inside the commands that need them."""
    argv = [command]
    if command == "list":
        run(capsys, "--db", dbfile, "import", "--no-detect", str(seeds_dir))
        argv = ["--db", dbfile, "list"]
    proc = subprocess.run([sys.executable, "-c", _COLD_PROBE, *argv], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    (heavy,) = [line for line in proc.stderr.splitlines() if line.startswith("HEAVY:")]
    assert heavy == "HEAVY:"
    if command == "list":
        assert len(proc.stdout.splitlines()) == 1 + 5  # the header and the five seed articles


def test_kb_built_on_one_machine_links_on_another(capsys, tmp_path, seeds_dir):
    """A curator's knowledge base (CSV and JSON) carries to a fresh database, where detection then
    suggests and links its entities — including spellings the file does not list."""
    from desktop import curation
    from desktop.db import Database
    from desktop.models import Alias, Entity, Mention
    from sqlmodel import select

    first = str(tmp_path / "first.db")
    db = Database(first)
    curation.create_entity(db, "KAZIND", "EVENT", aliases=["কাজিন্দ", "KAZIND"], external_id="Q99999999",
                           description="India–Kazakhstan army exercise")
    db.close()
    for name in ("kb.csv", "kb.json"):
        code, out, _ = run(capsys, "--db", first, "kb", "export", str(tmp_path / name))
        assert code == 0 and "1 entities" in out
    data = json.loads((tmp_path / "kb.json").read_text(encoding="utf-8"))
    ent = next(e for e in data["entities"] if e["name"] == "KAZIND")
    assert "কাজিন্দ" in ent["aliases"]["bn"]

    for name in ("kb.csv", "kb.json"):
        other = str(tmp_path / f"other-{name}.db")
        code, out, _ = run(capsys, "--db", other, "kb", "import", str(tmp_path / name))
        assert code == 0 and "entities created 1" in out
        code, out, _ = run(capsys, "--db", other, "kb", "import", str(tmp_path / name))
        assert code == 0 and "entities created 0" in out and "aliases added 0" in out  # idempotent
        code, out, _ = run(capsys, "--db", other, "import", str(seeds_dir))
        assert code == 0
        db = Database(other)
        with db.session() as s:
            kazind = s.exec(select(Entity).where(Entity.name == "KAZIND")).one()
            assert kazind.external_id == "Q99999999"
            linked = list(s.exec(select(Mention).where(Mention.entity_id == kazind.id)))
        db.close()
        surfaces = {m.text for m in linked}
        assert linked and all(m.type == "EVENT" for m in linked)
        assert "কাজিন্দ" in surfaces  # an alias from the file, in Bengali
        assert surfaces - {"কাজিন্দ", "KAZIND"}, surfaces  # and a spelling the file does not list


def test_detect_link_options(capsys, dbfile, seeds_dir):
    code, out, _ = run(capsys, "--db", dbfile, "import", "--no-detect", str(seeds_dir))
    code, out, _ = run(capsys, "--db", dbfile, "detect", "--link-threshold", "0.95")
    assert code == 0 and "linked" in out
    code, out, err = run(capsys, "--db", dbfile, "detect", "--link-threshold", "7")
    assert code == 1 and "link-threshold" in err and "Traceback" not in err
