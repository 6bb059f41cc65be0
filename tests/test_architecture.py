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
