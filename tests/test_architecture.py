"""The layering is checked by import-linter (contracts in pyproject.toml), not by memory."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert exe, "import-linter is not installed (pip install -e '.[test]')"
    proc = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Contracts: " in proc.stdout and " broken" in proc.stdout and "0 broken" in proc.stdout


def test_no_qt_import_in_core_sources():
    """A second, plain check: no PySide6 import in desktop/ outside desktop/ui/."""
    offenders = []
    for py in (ROOT / "desktop").rglob("*.py"):
        if "ui" in py.relative_to(ROOT / "desktop").parts[:1]:
            continue
        for line in py.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith(("import PySide6", "from PySide6")):
                offenders.append(str(py))
    assert offenders == []


def test_the_core_has_a_layers_contract_with_language_at_the_bottom():
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers" and not c.get("containers")]
    flat = [m.strip() for layer in layers for m in layer.split("|")]
    assert flat.index("desktop.language") > flat.index("desktop.models") > flat.index("desktop.detection")
    # every core package is in some layer, so a new hidden import between them is checked
    core = {f"desktop.{p.stem if p.is_file() else p.name}" for p in (ROOT / "desktop").iterdir()
            if (p.suffix == ".py" or (p / "__init__.py").exists()) and not p.name.startswith("_")}
    entry_points = {"desktop.ui", "desktop.cli", "desktop.selftest"}
    assert core - entry_points - set(flat) == set()


def test_the_database_package_has_one_module_per_job_and_each_is_in_its_layers_contract():
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c.get("containers") == ["desktop.db"]]
    flat = {m.strip() for layer in layers for m in layer.split("|")}
    package = {p.stem for p in (ROOT / "desktop" / "db").glob("*.py")} - {"__init__"}
    assert package == flat
    assert {"engine", "migrations", "sqlite", "postgres"} <= package
    assert not (ROOT / "desktop" / "db.py").exists() and not (ROOT / "desktop" / "db_postgres.py").exists()


def test_no_backend_import_outside_the_database_package():
    """A second, plain check of the backend contract: outside desktop/db/, no source line imports
    psycopg or a backend module of the package."""
    offenders = []
    for py in (ROOT / "desktop").rglob("*.py"):
        if py.relative_to(ROOT / "desktop").parts[0] == "db":
            continue
        for line in py.read_text(encoding="utf-8").splitlines():
            words = line.strip().replace(",", " ").split()
            if words[:1] in (["import"], ["from"]) and any(
                    w.split(".")[0] == "psycopg" or w in ("desktop.db.postgres", "desktop.db.sqlite")
                    or (words[1:2] == ["desktop.db"] and w in ("postgres", "sqlite")) for w in words[1:]):
                offenders.append(f"{py}: {line.strip()}")
    assert offenders == []
