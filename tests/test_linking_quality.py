"""The held-out linking fixture parses, and linking on it does not regress.

The floor is below the measured value (README: linking quality); the benchmark prints the
numbers, this test only guards against a change that breaks cross-script linking."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("linking_quality", ROOT / "benchmarks" / "linking_quality.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["linking_quality"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def test_fixture_marks_become_offsets():
    mod = _bench()
    docs = mod.parse("## x\nমন্ত্রী [[ঢাকা|LOC|city:dhaka]]য় এবং [[SCO|ORG|-]].\n")
    (name, text, gold), = docs
    assert name == "x" and text == "মন্ত্রী ঢাকায় এবং SCO."
    assert [(g.start, g.end, g.text, g.type, g.entity) for g in gold] == [
        (8, 12, "ঢাকা", "LOC", "city:dhaka"), (text.index("SCO"), text.index("SCO") + 3, "SCO", "ORG", "-")]


def test_heldout_linking_does_not_regress():
    res = _bench().measure()
    c = res["counts"]["all"]
    assert c["total"] >= 70
    assert c["top1"] / c["total"] >= 0.95  # ranking given the span
    assert c["linked"] / c["total"] >= 0.85  # found and linked end to end
    for lang in ("bn", "hi", "en"):
        assert res["counts"][lang]["linked"] / res["counts"][lang]["total"] >= 0.75, lang
