"""Matching keys: spelling variants meet in one script, and across Bengali, Devanagari and Latin."""

import pytest

from desktop.language.keys import norm_key, phonetic_key, roman, split_number, tokens


@pytest.mark.parametrize("group", [
    ["কাজাখস্তান", "कजाकिस्तान", "Kazakhstan"],
    ["আস্তানা", "আসতানা", "Astana", "अस्ताना"],
    ["নুর্তলু", "নুর্টলু", "Nurtlu"],
    ["কাজিন্দ", "काजिन्द", "काजिंद", "KAZIND"],
    ["জয়শঙ্কর", "जयशंकर", "Jaishankar"],
    ["উপেন্দ্র দ্বিবেদী", "उपेंद्र द्विवेदी", "Upendra Dwivedi"],
    ["राजनाथ सिंह", "Rajnath Singh"],
])
def test_cross_script_variants_share_a_phonetic_key(group):
    assert len({phonetic_key(w) for w in group}) == 1, {w: phonetic_key(w) for w in group}


@pytest.mark.parametrize("a,b", [
    ("काजिन्द", "काजिंद"),          # nasal consonant + virama vs anusvara
    ("दिल्ली", "दिल्लि"),            # vowel length
    ("ज़ाकिर", "जाकिर"),            # nukta
    ("चाँद", "चांद"),               # chandrabindu vs anusvara
    ("ভারত-কাজাখস্তান", "ভারত কাজাখস্তান"),  # hyphen vs space
    ("Zürich", "zurich"),            # Latin accents and case
    ("কাজিন্দ", "কাজিংদ"),
    ("দ্বিবেদী", "দ্বিবেদি"),
])
def test_normalised_key_folds_spelling_variants(a, b):
    assert norm_key(a) == norm_key(b)


@pytest.mark.parametrize("a,b", [("কাজাখস্তান", "আস্তানা"), ("Kazakhstan", "Kazan"), ("Astana", "Asia")])
def test_different_names_keep_different_keys(a, b):
    assert phonetic_key(a) != phonetic_key(b)
    assert norm_key(a) != norm_key(b)


def test_trailing_numbers_split_in_any_digits():
    assert split_number("KAZIND-2024") == ("kazind", "2024")
    assert split_number("কাজইন্ড-২১") == ("কাজইন্ড", "21")
    assert split_number("काजिंद 2019")[1] == "2019"
    assert split_number("Kazakhstan") == ("Kazakhstan", "")
    assert split_number("2024") == ("2024", "")


def test_roman_and_tokens():
    assert roman("আস্তানা") == "astana"
    assert roman("KAZIND-2024") == "kazind2024"
    assert tokens("জেনারেল উপেন্দ্র দ্বিবেদী") == [norm_key("জেনারেল"), norm_key("উপেন্দ্র"), norm_key("দ্বিবেদী")]


def test_prime_romanises_like_one_word_at_a_time():
    """Building the index romanises all aliases in one library call per script; the result must
    be what romanising each word alone gives (the newline joins must not leak context)."""
    from desktop.language import keys
    from desktop.detection.service import bundled_entities

    texts = [a for e in bundled_entities().values() for a in e["aliases"]]
    texts += ["রাম্‌ শ্যাম", "क़ुतुब मीनार", "সংস্কৃতি", "हिंदी-हिन्दी"]
    alone = {}
    for t in texts:
        for run in keys._INDIC_RUN.findall(keys.match_key(t)):
            alone[run] = keys._post(keys._sanscript().transliterate(run, keys._scheme(run), keys._sanscript().IAST))
    saved = dict(keys._RUNS)
    keys._RUNS.clear()
    try:
        keys.prime(texts)
        assert len(alone) > 100
        assert {run: keys._RUNS.get(run) for run in alone} == alone
    finally:
        keys._RUNS.clear()
        keys._RUNS.update(saved)


def test_title_words_never_hide_a_short_surname():
    """Title words are left out of a name's word keys; a one-letter key (ডঃ → "d", CEO → "s")
    would also drop surnames such as দে or Shah."""
    from desktop.language import keys
    from desktop.linking.index import name_tokens, title_keys

    assert all(len(k) >= 2 for k in title_keys())
    assert keys.phonetic_key("শাহ") in name_tokens("অমিত শাহ")
    assert name_tokens("ডঃ অমিত দে") == name_tokens("অমিত দে") != ()
