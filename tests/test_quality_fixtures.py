"""Invariants of the blind detection gold (``tests/fixtures/gold/blind.json``).

The blind set is scored by ``benchmarks/quality.py --set blind``; a wrong offset there would
silently turn a right suggestion into a false positive and a miss, so the fixture is checked
here: every span matches its text, the text is stored NFC (as ``clean_text`` keeps it), spans do
not overlap, types are the five the detector emits, and a span never cuts a grapheme cluster —
except where a Bengali case ending that starts with a vowel sign is left off (মতিঝিলে → মতিঝিল).
"""

from __future__ import annotations

import copy
import json
import unicodedata
from pathlib import Path

import pytest

from desktop.text import clean_text

BLIND = Path(__file__).parent / "fixtures" / "gold" / "blind.json"
TYPES = {"PERSON", "ORG", "LOC", "DATE", "EVENT"}
BENGALI_VOWEL_SIGNS = {chr(c) for c in range(0x09BE, 0x09CD)} | {"\u09D7"}
VIRAMAS = {"\u09CD", "\u094D"}


def fixture_problems(data: dict) -> list[str]:
    """Every broken invariant in a gold file (name -> {"text", "mentions"}), as readable strings."""
    problems = []
    for name, para in data.items():
        text = para["text"]
        if clean_text(text) != text or unicodedata.normalize("NFC", text) != text:
            problems.append(f"{name}: text is not stored form (NFC, trimmed)")
        prev_end = 0
        for m in sorted(para["mentions"], key=lambda m: (m["start"], m["end"])):
            s, e, where = m["start"], m["end"], f"{name} {m.get('text')!r}"
            if not 0 <= s < e <= len(text) or text[s:e] != m["text"]:
                problems.append(f"{where}: offsets {s}:{e} give {text[s:e]!r}")
                continue
            if unicodedata.normalize("NFC", m["text"]) != m["text"]:
                problems.append(f"{where}: mention text not NFC")
            if m["type"] not in TYPES:
                problems.append(f"{where}: unknown type {m['type']!r}")
            if s < prev_end:
                problems.append(f"{where}: overlaps the previous mention")
            prev_end = max(prev_end, e)
            if m["text"] != m["text"].strip():
                problems.append(f"{where}: leading or trailing space")
            if unicodedata.category(text[s])[0] == "M":
                problems.append(f"{where}: starts on a combining mark")
            if text[e - 1] in VIRAMAS:
                problems.append(f"{where}: ends on a virama")
            if e < len(text) and unicodedata.category(text[e])[0] == "M":
                if not (name.startswith("bn") and text[e] in BENGALI_VOWEL_SIGNS):
                    problems.append(f"{where}: cuts a grapheme cluster before {text[e]!r}")
    return problems


@pytest.fixture(scope="module")
def blind():
    return json.loads(BLIND.read_text(encoding="utf-8"))


def test_blind_gold_is_consistent(blind):
    by_lang = {}
    for name, para in blind.items():
        by_lang.setdefault(name.split("_")[0], []).append(len(para["mentions"]))
    assert {lang: len(v) for lang, v in by_lang.items()} == {"bn": 6, "hi": 6, "en": 6}
    assert all(n >= 5 for v in by_lang.values() for n in v)
    assert fixture_problems(blind) == []


@pytest.mark.parametrize("breakage,expected", [
    (lambda p: p["mentions"][0].update(start=p["mentions"][0]["start"] + 1), "offsets"),
    (lambda p: p["mentions"].append(dict(p["mentions"][0])), "overlaps"),
    (lambda p: p["mentions"][0].update(type="PER"), "unknown type"),
    (lambda p: p.update(text=unicodedata.normalize("NFD", p["text"])), "not stored form"),
])
def test_the_check_catches_a_broken_fixture(blind, breakage, expected):
    broken = copy.deepcopy(blind)
    breakage(broken["bn_court"])
    assert any(expected in p for p in fixture_problems(broken))


def test_the_check_catches_a_span_that_cuts_a_hindi_cluster():
    text = "अध्यक्ष सुरेश चंद्र वर्मा ने कहा"

    def problems(start, end):
        return fixture_problems({"hi_x": {"text": text, "mentions": [
            {"start": start, "end": end, "text": text[start:end], "type": "PERSON"}]}})

    assert text[8:11] == "सुर" and text[11] == "\u0947"  # before the vowel sign of सुरेश
    assert any("cuts a grapheme cluster" in p for p in problems(8, 11))
    assert text[8:18] == "सुरेश चंद्"
    assert any("ends on a virama" in p for p in problems(8, 18))
    assert problems(8, 25) == []
