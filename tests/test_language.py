"""Language packs: one folder of data per language, read through one package of code."""

import pytest

from desktop import models, text
from desktop.detection import Detector, GazetteerEntry
from desktop.language import fold, keys, packs, scripts
from desktop.language.lexicon import build_lexicon, lexicon


def write_toy_pack(root):
    """An Esperanto-like toy language in Latin script: titles, months, stop words, a case ending."""
    folder = root / "eo"
    folder.mkdir()
    (folder / "language.toml").write_text(
        'code = "eo"\nname = "Esperanto"\nscript = "latin"\ntransliteration = ""\norder = 9\n', encoding="utf-8")
    (folder / "titles.tsv").write_text("# language\ttitle\neo\tSinjoro\neo\tD-ro\thonorific\n", encoding="utf-8")
    (folder / "months.tsv").write_text("# language\tmonth\tname\neo\t3\tmarto\neo\t12\tdecembro\n", encoding="utf-8")
    (folder / "stopwords.txt").write_text("# stop words\nla\nkaj\nvenis\n", encoding="utf-8")
    return folder


def test_the_bundled_packs_are_the_languages_everywhere():
    assert packs.codes() == ("bn", "hi", "en")
    assert models.LANGUAGES == ("bn", "hi", "en", "mixed")
    assert {p.code: (p.script, p.transliteration) for p in packs.available()} == {
        "bn": ("bengali", "bengali"), "hi": ("devanagari", "devanagari"), "en": ("latin", "")}
    for p in packs.available():  # every pack has its lists under resources/languages/<code>/
        assert p.folder.name == p.code and p.rows("titles.tsv") and p.rows("months.tsv")
        assert all(row[0] == p.code for row in p.rows("titles.tsv"))
    assert lexicon().case_endings == lexicon().suffixes["bn"] and lexicon().ending_scripts == {"bengali"}


def test_a_toy_pack_from_a_folder_detects_with_the_rules(tmp_path):
    toy = packs.LanguagePack.load(write_toy_pack(tmp_path))
    assert packs.discover(tmp_path) == (toy,)
    lex = build_lexicon(packs.available() + (toy,))
    sentence = "Sinjoro Ludoviko Zamenhof venis la 15 marto 1887 kaj D-ro Baghy."
    found = [(c.text, c.type, c.value) for c in Detector(lex=lex).detect(sentence)]
    assert found == [("Ludoviko Zamenhof", "PERSON", None), ("15 marto 1887", "DATE", "1887-03-15"),
                     ("Baghy", "PERSON", None)]
    # without the pack, none of it is known
    assert Detector().detect(sentence) == []
    # and the pack's aliases match like any other
    hits = Detector([GazetteerEntry("Varsovio", "LOC")], lex=lex).detect("en Varsovio la 1 decembro")
    assert [(c.text, c.type) for c in hits] == [("Varsovio", "LOC"), ("1 decembro", "DATE")]


def test_a_broken_pack_names_its_file_and_reason(tmp_path):
    folder = tmp_path / "xx"
    folder.mkdir()
    (folder / "language.toml").write_text('code = "xx"\nscript = "klingon"\n', encoding="utf-8")
    with pytest.raises(packs.PackError, match=r"language.toml: unknown script 'klingon'"):
        packs.LanguagePack.load(folder)
    (folder / "language.toml").write_text('code = "xx\n', encoding="utf-8")
    with pytest.raises(packs.PackError, match="cannot read the language pack"):
        packs.LanguagePack.load(folder)


def test_scripts_are_told_apart_in_one_place():
    assert scripts.script_name("ক") == "bengali" and scripts.script_name("क") == "devanagari"
    assert scripts.script_name("é") == "latin" and scripts.script_name("1") == ""
    assert scripts.word_script("Dhaka") == "latin" and scripts.word_script("ঢাকা") == "indic"
    assert scripts.dominant_script("ঢাকা Dha") == "bengali" and scripts.dominant_script("123") == ""
    assert scripts.is_word_char("\u09c7") and scripts.is_word_char("\u200c") and not scripts.is_word_char("-")
    assert text.detect_language("ঢাকায় বৈঠক") == "bn" and text.script_of("दिल्ली") == "hi"


def test_the_folding_ladder_goes_from_strict_to_loose():
    # level 1 (alias key): only what never changes the word
    assert fold.match_key("Kazakh\u2013stan\u200c") == "kazakh-stan"
    assert text.match_key is fold.match_key
    # level 2 (detection): long/short vowels meet, but khanda ta and candra o stay apart
    assert fold.fold("ইউনূস") == fold.fold("ইউনুস")
    assert fold.fold("উৎপল") != fold.fold("উতপল") and fold.fold("कॉल") != fold.fold("कोल")
    # level 3 (linking): those meet too; the phonetic key crosses scripts
    assert keys.norm_key("উৎপল") == keys.norm_key("উতপল") and keys.norm_key("कॉल") == keys.norm_key("कोल")
    assert keys.phonetic_key("কাজাখস্তান") == keys.phonetic_key("कजाकिस्तान") == keys.phonetic_key("Kazakhstan")
