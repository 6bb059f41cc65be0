"""Text utilities: graphemes, selection snapping, UTF-16 mapping, language, keys."""

import pytest
import unicodedata

from hypothesis import given, strategies as st

from desktop.text import (
    Utf16Map, clean_text, detect_language, grapheme_boundaries, is_grapheme_aligned, match_key,
    snap_selection,
)


def test_conjuncts_are_one_cluster():
    word = "লেফটেন্যান্ট"
    b = grapheme_boundaries(word)
    # ন্য and ন্ট are conjuncts: no boundary right after a virama
    for i in b[1:-1]:
        assert word[i - 1] != "\u09cd"
    hindi = "द्विपक्षीय"
    assert all(hindi[i - 1] != "\u094d" for i in grapheme_boundaries(hindi)[1:-1])


def test_snap_selection_trims_and_widens():
    text = "সঙ্গে (কাজাখস্তান) আলোচনা"
    s = text.index("(")
    start, end = snap_selection(text, s, s + 5)  # "(কাজা" cut inside
    assert text[start] == "ক" and is_grapheme_aligned(text, start, end)
    start, end = snap_selection(text, text.index("(") - 1, text.index(")") + 2)
    assert text[start:end] == "কাজাখস্তান"
    assert snap_selection(text, 3, 3)[0] == snap_selection(text, 3, 3)[1]


def test_utf16_map_with_astral_characters():
    text = "😀a𝕏bc"
    m = Utf16Map(text)
    assert [m.to_utf16(i) for i in range(len(text) + 1)] == [0, 2, 3, 5, 6, 7]
    assert [m.to_cp(u) for u in (0, 2, 3, 5, 6, 7)] == [0, 1, 2, 3, 4, 5]
    assert m.to_cp(1) == 0  # inside a surrogate pair → that character


@given(st.text(alphabet=st.sampled_from(list("ab কখ্") + ["😀", "𝕏", "\u200d"]), max_size=30))
def test_utf16_roundtrip(text):
    m = Utf16Map(text)
    for i in range(len(text) + 1):
        u = m.to_utf16(i)
        assert u == len(text[:i].encode("utf-16-le")) // 2
        assert m.to_cp(u) == i


def test_language_from_script():
    assert detect_language("ভারত ও রাশিয়ার মধ্যে প্রতিরক্ষা সহযোগিতা সংক্রান্ত বৈঠক অনুষ্ঠিত হয়েছে (India-Russia)") == "bn"
    hindi = "Home / National / भारत-कजाकिस्तान रक्षा और औद्योगिक सहयोग पर सहमत हुए। दोनों रक्षा मंत्रियों ने द्विपक्षीय सहयोग मजबूत करने के तरीकों पर चर्चा की"
    assert detect_language(hindi) == "hi"
    assert detect_language("India and Russia") == "en"
    assert detect_language("India and Russia ভারত ও রাশিয়ার বৈঠক") == "mixed"


def test_clean_text_and_keys():
    assert clean_text("\ufeffa\r\nb\x07c ") == "a\nbc"
    assert unicodedata.is_normalized("NFC", clean_text("e\u0301"))
    assert match_key("क\u093c") == match_key("\u0958")          # nukta forms
    assert match_key("য\u09bc") == match_key("\u09df")
    assert match_key("Kazakh–India ‘x’") == match_key("kazakh-india 'x'")
    assert match_key("জয়\u200cশঙ্কর") == match_key("জয়শঙ্কর")


@pytest.mark.parametrize("text,title", [
    ("Home / National / भारत-कजाकिस्तान सहयोग पर सहमत\n\nभारत-कजाकिस्तान सहयोग पर सहमत\n", "भारत-कजाकिस्तान सहयोग पर सहमत"),
    ("প্রতিনিধি চিত্র।\nসন্ত্রাস দমনে সহযোগিতায় একমত দুই দেশ\nবাকি লেখা", "সন্ত্রাস দমনে সহযোগিতায় একমত দুই দেশ"),
    ("File photo.\nFloods hit Assam again\n", "Floods hit Assam again"),
    ("Photo: PTI\nRain in Kolkata\n", "Rain in Kolkata"),
    ("Photography exhibition opens in Dhaka with works by forty young artists from the region\n",
     "Photography exhibition opens in Dhaka with works by forty young artists from the region"),
    ("\n\n  A plain headline  \nbody", "A plain headline"),
    ("ছবি\n", "ছবি"),  # nothing better: the first line after all
])
def test_title_skips_breadcrumbs_and_captions(text, title):
    from desktop.text import title_line

    assert title_line(text) == title
