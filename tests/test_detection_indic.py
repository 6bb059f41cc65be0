"""Bengali and Hindi rules: organisation names ending in a head word, persons after titles whose
words look inflected (-র given names, long surnames, a common noun with a case ending after the
name), Indic initials, and the grammar data they read (suffixes.tsv, name_words.tsv, words.tsv).
All sentences are made up for these tests."""

from __future__ import annotations

import pytest

from desktop.detection import Detector, GazetteerEntry
from desktop.language.lexicon import lexicon
from desktop.language.fold import fold
from desktop.detection.rules import common as rules


def spans(cands, type=None):
    return [(c.text, c.type) for c in cands if type is None or c.type == type]


@pytest.fixture(scope="module")
def det():
    return Detector()


# -- organisation names ending in a head word ---------------------------------------------------------


@pytest.mark.parametrize("text,name", [
    ("দুর্নীতি দমন কমিশন বুধবার মামলা করে।", "দুর্নীতি দমন কমিশন"),
    ("জাতীয় অর্থনৈতিক পরিষদের বৈঠক বসছে।", "জাতীয় অর্থনৈতিক পরিষদ"),   # head with a case ending
    ("তিনি খুলনা বিশ্ববিদ্যালয়ে পড়েন।", "খুলনা বিশ্ববিদ্যালয়"),
    ("নেপাল হকি ফেডারেশন জানিয়েছে, খেলা হবে।", "নেপাল হকি ফেডারেশন"),
    ("শ্রীলঙ্কা নৌবাহিনীর একটি জাহাজ পৌঁছেছে।", "শ্রীলঙ্কা নৌবাহিনী"),
    ("वाणिज्य मंत्रालय की ओर से बयान आया।", "वाणिज्य मंत्रालय"),
    ("राष्ट्रीय हरित अधिकरण ने जुर्माना लगाया।", "राष्ट्रीय हरित अधिकरण"),
    ("सर्वोच्च न्यायालय ने याचिका खारिज की।", "सर्वोच्च न्यायालय"),
    ("भारतीय खेल प्राधिकरण ने शिविर लगाया।", "भारतीय खेल प्राधिकरण"),
])
def test_a_run_of_words_ending_in_an_organisation_head_word_is_an_org(det, text, name):
    assert spans(det.detect(text), "ORG") == [(name, "ORG")]


@pytest.mark.parametrize("text", [
    "সেনাবাহিনী মোতায়েন করা হয়েছে।",              # a head word alone
    "কমিশনের সিদ্ধান্ত জানা যায়নি।",
    "मंत्रालय ने कहा कि जांच होगी।",
    "জাতীয় দল শুক্রবার মাঠে নামবে।",                # only a generic modifier
    "केंद्रीय समिति की बैठक हुई।",
    "ভারতীয় দল শুক্রবার অনুশীলন করবে।",             # a team, not a party's name
    "विपक्षी दल ने बहिष्कार किया।",                  # a word that is never part of the name
    "রাজ্য সরকার নতুন প্রকল্প ঘোষণা করে।",          # a government is no organisation's name
    "केंद्र सरकार ने अधिसूचना जारी की।",
    "তিন দেশের নৌবাহিনী মহড়া দেয়।",              # a genitive before a bare head
    "শহরের সরকারি হাসপাতালে ভিড়।",
    "सीमा पर तैनात सेना ने घुसपैठ रोकी।",             # a participle is no part of a name
    "गांव के लोग अस्पताल पहुंचे।",
    "সংস্থার সদর দফতরে সভা হয়।",                  # headquarters: a generic office
])
def test_generic_phrases_and_bare_head_words_are_not_orgs(det, text):
    assert spans(det.detect(text), "ORG") == []


def test_a_genitive_before_the_name_qualifies_it_and_is_left_out(det):
    # documented convention: চীনের | বাণিজ্য মন্ত্রণালয়, चीन के | वाणिज्य मंत्रालय
    assert spans(det.detect("চীনের বাণিজ্য মন্ত্রণালয়ের মুখপাত্র বলেন।"), "ORG") == \
        [("বাণিজ্য মন্ত্রণালয়", "ORG")]
    assert spans(det.detect("चीन के वाणिज्य मंत्रालय ने बयान जारी किया।"), "ORG") == [("वाणिज्य मंत्रालय", "ORG")]


def test_the_name_starts_after_a_participle_or_a_stop_word(det):
    assert spans(det.detect("সেখানে আয়োজিত শিক্ষক সংগঠন কমিটির সভা"), "ORG") == \
        [("শিক্ষক সংগঠন কমিটি", "ORG")]
    assert spans(det.detect("इस संगठन ने जिम्मेदारी ली।"), "ORG") == []


def test_a_known_place_right_before_the_head_is_part_of_the_name_a_subject_is_not():
    det = Detector([GazetteerEntry("সিলেট", "LOC"), GazetteerEntry("নেপাল", "LOC")])
    assert spans(det.detect("সিলেট বিশ্ববিদ্যালয় খোলা।"), "ORG") == [("সিলেট বিশ্ববিদ্যালয়", "ORG")]
    found = spans(det.detect("নেপাল দক্ষিণ এশীয় উন্নয়ন ব্যাংক থেকে ঋণ নেয়।"), "ORG")
    assert found == [("দক্ষিণ এশীয় উন্নয়ন ব্যাংক", "ORG")]


def test_a_head_followed_by_a_transliterated_of_is_left_to_the_lists(det):
    assert spans(det.detect("বোর্ড অফ ডিরেক্টরস সভায় বসে।"), "ORG") == []


def test_a_person_before_a_head_word_stays_a_person(det):
    found = spans(det.detect("জেলা সভাপতি সুমন দত্ত কমিশনকে চিঠি দেন।"))
    assert found == [("সুমন দত্ত", "PERSON")]


def test_an_org_found_by_the_head_rule_can_start_a_summit_event(det):
    found = spans(det.detect("নেপাল শিল্প পরিষদ শীর্ষ সম্মেলন শুরু হলো।"), "EVENT")
    assert found == [("নেপাল শিল্প পরিষদ শীর্ষ সম্মেলন", "EVENT")]


# -- persons after titles ---------------------------------------------------------------------------


@pytest.mark.parametrize("text,name", [
    ("রুশ প্রেসিডেন্ট ভ্লাদিমির পুতিন বলেন", "ভ্লাদিমির পুতিন"),      # a given name ending in -র
    ("রুশ প্রেসিডেন্ট ভ্লাদিমির পুতিনের সঙ্গে", "ভ্লাদিমির পুতিন"),
    ("প্রধানমন্ত্রী রেহানার সঙ্গে বৈঠক", "রেহানা"),                    # -ার right after the title: a genitive
    ("জেনারেল কুমার বলেন", "কুমার"),                                  # ... unless a known name word
    ("মুখ্যমন্ত্রী সুমিতা বন্দ্যোপাধ্যায় বলেন", "সুমিতা বন্দ্যোপাধ্যায়"),   # long surname ending in -য়
    ("মুখ্যমন্ত্রী সুমিতা বন্দ্যোপাধ্যায়ের সঙ্গে", "সুমিতা বন্দ্যোপাধ্যায়"),
    ("জেনারেল অমল চতুর্বেদীর সাথে", "অমল চতুর্বেদী"),
    ("জেনারেল অমল চতুর্বেদী মহড়ার প্রস্তুতি দেখেন", "অমল চতুর্বেদী"),     # a common noun with an ending
    ("কর্নেল তপন সেন অনুশীলনের সূচনা করেন", "তপন সেন"),
    ("জেনারেল মনোজ পান্ডে সেনা দিবসে বক্তব্য দেন", "মনোজ পান্ডে"),     # a surname ending in -ে
    ("উপদেষ্টা অমিত ঘোষ প্রশংসা করেন", "অমিত ঘোষ"),                # the noun of a compound verb
    ("खेल मंत्री रविशंकर वर्मा ने कहा", "रविशंकर वर्मा"),              # -कर is not a verb here
])
def test_bengali_and_hindi_names_after_titles(det, text, name):
    assert spans(det.detect(text), "PERSON") == [(name, "PERSON")]


@pytest.mark.parametrize("text,name", [
    ("खेल मंत्री एस. रामनाथन ने कहा", "एस. रामनाथन"),
    ("खेल मंत्री एस रामनाथन ने कहा", "एस रामनाथन"),
    ("ক্রীড়া মন্ত্রী এস. রামনাথন বলেন", "এস. রামনাথন"),
    ("মন্ত্রী কে শিবশঙ্কর বলেন", "কে শিবশঙ্কর"),
    ("खेल सचिव जे.पी. वर्मा ने", "जे.पी. वर्मा"),
])
def test_indic_initials_are_part_of_the_name(det, text, name):
    assert spans(det.detect(text), "PERSON") == [(name, "PERSON")]


@pytest.mark.parametrize("text,name", [
    ("প্রধানমন্ত্রী শেখ রেহানার সরকার", "রেহানা"),          # -ার kept only if a name word is added
    ("সচিব কবির বিন আনোয়ার বলেন", "কবির বিন আনোয়ার"),       # a name in -ার from name_words.tsv
    ("মন্ত্রী আবদুল কাদেরের সাথে", "আবদুল কাদের"),
    ("উপদেষ্টা মাহমুদুর রহমান জানান", "মাহমুদুর রহমান"),      # a speech verb is no light verb
])
def test_names_in_r_and_ar(det, text, name):
    assert spans(det.detect(text), "PERSON") == [(name, "PERSON")]


def test_a_surname_seen_before_takes_its_genitive_ending(det):
    found = spans(det.detect("প্রধানমন্ত্রী অনিল যোশী এলেন। প্রধানমন্ত্রী যোশীর মন্তব্য নিয়ে বিতর্ক"), "PERSON")
    assert found == [("অনিল যোশী", "PERSON"), ("যোশী", "PERSON")]


def test_a_genitive_r_after_a_title_is_stripped_when_no_name_follows(det):
    assert spans(det.detect("প্রধানমন্ত্রী মোদীর সঙ্গে বৈঠক"), "PERSON") == [("মোদী", "PERSON")]
    assert spans(det.detect("মন্ত্রী মহড়ার প্রস্তুতি দেখেন"), "PERSON") == []


# -- the grammar data behind the rules --------------------------------------------------------------


def test_unknown_name_endings_come_from_suffixes_tsv():
    lex = lexicon()
    endings = {e for e, _ in lex.unknown_endings}
    assert {fold("ের"), fold("কে"), fold("র")} <= endings
    assert rules.strip_unknown_ending(fold("দ্বিবেদীর"), lex) == 1      # -র after ী
    assert rules.strip_unknown_ending(fold("কুমার"), lex) == 0          # -র after া: not by default
    assert rules.strip_unknown_ending(fold("কুমার"), lex, ambiguous=True) == 1
    assert rules.strip_unknown_ending(fold("সেনের"), lex) == 2
    assert rules.strip_unknown_ending(fold("বন্দ্যোপাধ্যায়ের"), lex) == 2  # not -য়ের: the stem is a name


def test_name_words_and_org_lists_are_loaded():
    lex = lexicon()
    assert rules.is_name_word(fold("চট্টোপাধ্যায়"), lex)       # an ending from name_words.tsv
    assert rules.is_name_word(fold("जयशंकर"), lex)
    assert not rules.is_name_word(fold("মহড়া"), lex)
    assert fold("জাতীয়") in lex.org_weak and fold("विपक्षी") in lex.org_stop
    assert fold("কমিশন") in lex.org_keywords and fold("प्राधिकरण") in lex.org_keywords


def test_initials_before_a_known_surname_join_it_and_keep_its_entity():
    det = Detector([GazetteerEntry("रामनाथन", "PERSON", 5), GazetteerEntry("মিত্র", "PERSON", 6)])
    (c,) = det.detect("खेल मंत्री एस. रामनाथन ने कहा")
    assert (c.text, c.type, c.entity_id) == ("एस. रामनाथन", "PERSON", 5)
    (c,) = det.detect("সভাপতি জে.পি. মিত্র বলেন")
    assert (c.text, c.entity_id) == ("জে.পি. মিত্র", 6)
    # a one-letter word without a dot is no initial (এ is also "this")
    assert [c.text for c in det.detect("এ মিত্র বলেন")] == ["মিত্র"]


def test_a_time_word_after_a_name_ends_it(det):
    assert spans(det.detect("प्रधानमंत्री सुरेश पटेल अगले हफ्ते रूस जाएंगे"), "PERSON") == \
        [("सुरेश पटेल", "PERSON")]


# -- roles after an organisation ------------------------------------------------------------------------


@pytest.mark.parametrize("text,name", [
    ("যৌথ নদী কমিশনের সদস্য মাহিদুল কবির বলেন, পানি কমছে।", "মাহিদুল কবির"),
    ("পানি উন্নয়ন বোর্ডের কর্মকর্তা নাজনীন সুলতানা জানান, বাঁধ মেরামত চলছে।", "নাজনীন সুলতানা"),
    ("केंद्रीय जल आयोग के अधिकारी सुरेश चंद्र वर्मा भी बैठक में मौजूद थे।", "सुरेश चंद्र वर्मा"),
    ("आयोग के सदस्य अमित नारायण ने कहा कि पानी घट रहा है।", "अमित नारायण"),
])
def test_a_person_is_found_after_a_role_in_an_organisation(det, text, name):
    assert (name, "PERSON") in spans(det.detect(text), "PERSON")


def test_a_role_word_that_ends_a_known_name_is_the_name_not_a_title():
    """अधिकारी is a role (officer) and a surname (शुभेंदु अधिकारी): after the known name it
    ends, the next word is not taken for a person."""
    det = Detector([GazetteerEntry("शुभेंदु अधिकारी", "PERSON", 7)])
    found = spans(det.detect("राज्य में शुभेंदु अधिकारी बैठक में नहीं आए।"), "PERSON")
    assert found == [("शुभेंदु अधिकारी", "PERSON")]
