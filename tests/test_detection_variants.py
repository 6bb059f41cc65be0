"""Spelling variants of names the knowledge base knows (desktop.detection.variants): skeleton
keys per script, Bengali case endings, multi-word aliases, and the precision guards."""

from __future__ import annotations

from desktop.detection import Detector, GazetteerEntry
from desktop.detection.variants import skeleton, skeletons


def E(text, type="LOC", entity_id=None):
    return GazetteerEntry(text, type, entity_id)


def found(det, text):
    return [(c.text, c.type, c.source, c.confidence, c.entity_id) for c in det.detect(text)]


# -- skeletons ---------------------------------------------------------------------------------------


def test_skeletons_fold_the_usual_transliteration_differences():
    assert skeleton("পুটিন") == skeleton("পুতিন")          # retroflex / dental
    assert skeleton("মাস্কো") == skeleton("মস্কো")          # aa / inherent vowel
    assert skeleton("ভারত") == skeleton("বারত")             # aspirated / unaspirated
    assert skeleton("ताश्कंद") == skeleton("ताशकंद")        # virama
    assert skeleton("kazakstan") == skeleton("kazakhstan")  # a dropped h
    assert skeleton("mohammad") == skeleton("muhammad")     # vowel quality, doubled letter
    assert skeleton("yunus") != skeleton("anas")            # the first letter keeps its identity


def test_skeletons_keep_different_names_apart():
    assert skeleton("পুতিন") != skeleton("পতন")              # u and i are kept as marks
    assert skeleton("putin") != skeleton("patna")
    assert skeletons(["putin", "পুতিন", "पुतिन"]) == [skeleton("putin"), skeleton("পুতিন"), skeleton("पुतिन")]


# -- the matcher -------------------------------------------------------------------------------------


def test_bengali_variant_with_a_case_ending_is_proposed_without_the_ending():
    det = Detector([E("পুতিন", "PERSON", 7)])
    assert found(det, "রাশিয়ার প্রেসিডেন্ট পুটিনের সঙ্গে বৈঠক।") == [("পুটিন", "PERSON", "gazetteer", 0.6, 7)]


def test_variants_in_each_script_are_linked_to_the_known_entity():
    det = Detector([E("মস্কো", "LOC", 1), E("Kazakhstan", "LOC", 2), E("ताशकंद", "LOC", 3)])
    assert found(det, "তিনি মাস্কো সফরে যান।") == [("মাস্কো", "LOC", "gazetteer", 0.6, 1)]
    assert found(det, "He flew to Kazakstan on Monday.") == [("Kazakstan", "LOC", "gazetteer", 0.6, 2)]
    assert found(det, "वे ताश्कंद पहुंचे।") == [("ताश्कंद", "LOC", "gazetteer", 0.6, 3)]


def test_multi_word_alias_matches_consecutive_variant_words():
    det = Detector([E("Muhammad Yunus", "PERSON", 5)])
    assert found(det, "Chief Adviser Mohammad Yunus spoke.") == [("Mohammad Yunus", "PERSON", "gazetteer", 0.6, 5)]
    assert found(det, "Mohammad Ali spoke.") == []   # the second word differs


def test_a_latin_variant_must_be_capitalised():
    det = Detector([E("Kazakhstan", "LOC", 2)])
    assert found(det, "a kazakstan rug") == []


def test_an_exact_alias_is_found_once_and_not_again_as_a_variant():
    det = Detector([E("পুতিন", "PERSON", 7)])
    assert found(det, "পুতিন বলেন।") == [("পুতিন", "PERSON", "gazetteer", 0.9, 7)]


def test_a_word_that_is_an_alias_of_something_else_is_not_a_variant():
    det = Detector([E("Kazakhstan", "LOC", 1), E("Kazakstan", "ORG", 2)])
    assert found(det, "Kazakstan rose.") == [("Kazakstan", "ORG", "gazetteer", 0.9, 2)]


def test_a_common_word_whose_skeleton_collides_with_a_name_is_not_proposed():
    # বালেন (a name) and বলেন ("said") share a skeleton: the stop word is never a variant
    assert skeleton("বালেন") == skeleton("বলেন")
    det = Detector([E("বালেন", "PERSON", 4)])
    assert found(det, "তিনি বলেন যে বৈঠক হবে।") == []


def test_several_entities_with_one_skeleton_give_an_unlinked_suggestion():
    det = Detector([E("মস্কো", "LOC", 1), E("মোস্কো", "LOC", 9)])
    assert found(det, "মাস্কো শহরে") == [("মাস্কো", "LOC", "gazetteer", 0.6, None)]


def test_a_skeleton_of_several_types_and_short_names_are_left_alone():
    det = Detector([E("Kazakhstan", "LOC", 1), E("Kazakhsten", "ORG", 2), E("Iran", "LOC", 3)])
    assert found(det, "Kazakstan and Iron ore.") == []


def test_the_judgement_cache_gives_the_same_answer_twice():
    det = Detector([E("পুতিন", "PERSON", 7)])
    text = "পুটিনের সফর। পুটিন, আবার।"
    first = found(det, text)
    assert first == found(det, text)
    assert [t for t, *_ in first] == ["পুটিন", "পুটিন"]


def test_a_suppressed_alias_has_no_variants():
    det = Detector([E("মস্কো", "LOC", 1)], suppressed_keys=["মস্কো"])
    assert found(det, "তিনি মাস্কো সফরে যান।") == []


def test_the_surname_of_a_multi_word_variant_is_recalled_and_linked():
    det = Detector([E("Muhammad Yunus", "PERSON", 5)])
    got = found(det, "Chief Adviser Mohammad Yunus spoke. Yunus later left.")
    assert got == [("Mohammad Yunus", "PERSON", "gazetteer", 0.6, 5), ("Yunus", "PERSON", "gazetteer", 0.6, 5)]


def test_a_common_courtesy_word_is_not_a_variant_of_a_town():
    """ধন্যবাদ / धन्यवाद ("thanks") have the skeleton of a town's name (GeoNames writes Dhanbad
    ধানাবাদ, धनबाद); they are stop words, so never proposed."""
    det = Detector([E("ধানাবাদ", "LOC", 3), E("धनबाद", "LOC", 3)])
    assert det.detect("তিনি সবাইকে ধন্যবাদ জানান।") == []
    assert det.detect("उन्होंने सबका धन्यवाद किया।") == []
    assert [c.text for c in det.detect("धनबाद में बारिश हुई।")] == ["धनबाद"]
