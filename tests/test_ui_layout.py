"""The window on real screen sizes, each in its own process with an offscreen screen of that size:
a 1280×720 laptop, the same with a geometry saved on a bigger screen, a 1600×1000 desktop and a
4K screen at 200 %."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui
PROBE = Path(__file__).with_name("layout_probe.py")


def probe(tmp_path, seeded, width, height, dpr=1.0, saved=""):
    screens = {"screens": [{"name": "s", "x": 0, "y": 0, "width": width, "height": height,
                            "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": dpr}]}
    cfg = tmp_path / f"screen-{width}x{height}.json"
    cfg.write_text(json.dumps(screens), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={cfg}")
    seeded.close()
    res = subprocess.run([sys.executable, str(PROBE), seeded.path, str(tmp_path / f"s{width}.ini"), saved],
                         env=env, capture_output=True, text=True, timeout=240, cwd=Path(__file__).parent.parent)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_a_1280x720_laptop(tmp_path, seeded):
    r = probe(tmp_path, seeded, 1280, 720)
    assert r["fits"] and r["size"][0] <= 1280 and r["size"][1] <= 720, r
    assert r["mention_rows"] >= 5, r
    assert r["mention_hscroll"] == 0, r  # every mention column fits: no sideways scrolling
    assert r["candidate_rows"] >= 3.5, r
    assert r["title_chars"] >= 10, r  # the Title column shows titles, not "…"
    assert r["toolbar_hidden"] == [] and r["toolbar_tips"], r
    assert r["kb_visible"] and r["fits_with_kb"], r  # opening the KB browser never grows the window
    assert r["mention_rows_with_kb"] >= 5, r
    assert r["fits_with_history"] and r["list_columns_with_history"] == 5, r
    assert r["floating_kb_on_screen"], r
    # Bengali and Devanagari as large as Latin at the same point size (status bar font)
    assert r["bn_over_latin"] >= 0.9 and r["hi_over_latin"] >= 0.9, r
    assert r["ui_families"][1:3] == ["Noto Sans Bengali", "Noto Sans Devanagari"], r  # not a system fallback
    every_control_seen(r)


def every_control_seen(r):
    """Each dock, opened on its own, shows every button and field whole (none below a scroll
    area's fold or off the screen); so does the Relations tab, with the knowledge base open too."""
    assert set(r["unseen_in_docks"]) >= {"KbBrowser", "HistoryDock", "LearningDock"}, r
    assert all(v == [] for v in r["unseen_in_docks"].values()), r["unseen_in_docks"]
    assert r["unseen_with_kb_and_history"] == [] and r["fits_with_kb_and_history"], r  # both open at once
    assert r["unseen_in_relations"] == [] and r["unseen_in_relations_with_kb"] == [], r
    assert r["relation_rows"] >= 3 and r["relation_rows_with_kb"] >= 3, r


def test_a_1600x1000_desktop(tmp_path, seeded):
    r = probe(tmp_path, seeded, 1600, 1000)
    assert r["fits"] and r["fits_with_kb"] and r["mention_rows"] >= 5 and r["toolbar_hidden"] == [], r
    every_control_seen(r)


def test_a_geometry_saved_on_a_bigger_screen_is_clamped(tmp_path, seeded):
    r = probe(tmp_path, seeded, 1280, 720, saved="100,80,1900,1150")
    assert r["fits"] and r["size"][0] <= 1280 and r["size"][1] <= 720, r


def test_a_4k_screen_at_200_percent(tmp_path, seeded):
    r = probe(tmp_path, seeded, 3840, 2160, dpr=2.0)
    assert r["dpr"] == 2.0 and r["fits"] and r["fits_with_kb"], r
    assert r["mention_rows"] >= 5 and r["toolbar_hidden"] == [], r
    every_control_seen(r)
