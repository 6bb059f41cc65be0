"""Make docs/screenshot.png: the main window at 1280x720 (a common laptop) on a Bengali seed article.

Builds a temporary database, imports the bundled seeds with detection, opens the Bengali seed
article with the most suggestions, confirms a couple of them, selects a person the knowledge
base lacks (the link panel offers its proposed new entity) and grabs the window.  Runs
offscreen when there is no display:

    .venv/bin/python scripts/screenshot.py [OUT.png] [WIDTHxHEIGHT]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(out: Path, size: tuple[int, int] = (1280, 720)) -> int:
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="curate-shot-") as tmp:
        # a clean home so the user's own settings don't change the picture
        os.environ.update(HOME=tmp, XDG_CONFIG_HOME=str(Path(tmp) / "config"), XDG_DATA_HOME=str(Path(tmp) / "data"))
        if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
            # Qt's offscreen screen is 800×800 unless told otherwise, and the window fits its screen
            screen = Path(tmp) / "screen.json"
            screen.write_text(json.dumps({"screens": [{"name": "shot", "x": 0, "y": 0, "width": size[0],
                                                       "height": size[1], "logicalDpi": 96, "logicalBaseDpi": 96,
                                                       "dpr": 1.0}]}), encoding="utf-8")
            os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen}"

        from desktop import curation, queries
        from desktop.db import Database
        from desktop.queries import ArticleFilter
        from desktop.seeds import load_seeds, seed_knowledge_base
        from desktop.ui.app import application
        from desktop.ui.main_window import MainWindow
        from desktop.ui.settings import Settings

        db = Database(Path(tmp) / "shot.db")
        seed_knowledge_base(db)
        load_seeds(db)
        app = application()
        ids = queries.article_ids(db, ArticleFilter(language="bn"), sort="suggested", descending=True)
        if not ids:
            ids = queries.article_ids(db, sort="suggested", descending=True)
        aid = ids[0]
        suggested = [m for m in queries.mentions(db, aid) if m.status == "suggested"]
        for m in suggested[:2]:
            curation.confirm(db, m.id)
        window = MainWindow(db, Settings(Path(tmp) / "settings.ini"))
        window.show()
        window.resize(*size)
        window.open_article(aid)
        window.text_pane.setFocus()
        rest = [m for m in queries.mentions(db, aid) if m.status == "suggested"]
        # a name the knowledge base lacks, so the link panel shows its proposed new entity
        proposed = [m for m in rest if m.proposal and m.entity_id is None and m.type == "PERSON"]
        if proposed or rest:
            window.select_mention((proposed or rest)[0].id)
        for _ in range(5):
            app.processEvents()
        pix = window.grab()
        out.parent.mkdir(parents=True, exist_ok=True)
        ok = pix.save(str(out), "PNG")
        window.close()
        db.close()
        print(f"{'wrote' if ok else 'FAILED to write'} {out} ({pix.width()}x{pix.height()}), article {aid}")
        return 0 if ok else 1


if __name__ == "__main__":
    size = tuple(int(n) for n in sys.argv[2].split("x")) if len(sys.argv) > 2 else (1280, 720)
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot.png", size))
