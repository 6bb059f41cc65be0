"""The hand-entered starter lists of people and organisations (resources/gazetteer/people.tsv,
organisations.tsv): well-formed rows, one type and QID per entity, aliases in the script of their
language, no alias shared by two entities unless it is known to be ambiguous, no function word or
common surname as an alias; and the detector finds and links new entries in sentences written
for this test (Bengali with case endings, Hindi, English)."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

import pytest
from sqlmodel import select

from desktop.detection import Detector, GazetteerEntry
from desktop.language.data import read_rows
from desktop.language.lexicon import lexicon
from desktop.language.fold import fold
from desktop.detection.service import ENTITY_FILES, bundled_entities, gazetteer_dir, detect_articles, seed_knowledge_base
from desktop.importing import Draft, import_drafts
from desktop.models import Entity, Mention

FILES = {"people.tsv": "PERSON", "organisations.tsv": "ORG"}
LANG_SCRIPT = {"en": "LATIN", "bn": "BENGALI", "hi": "DEVANAGARI"}

#: aliases that knowingly name several entities of one type; the detector finds them but does not
#: link them (the curator picks the entity)
AMBIGUOUS = {
    "ICC": {"org:icc-cricket", "org:icc-court"},
    "আইসিসি": {"org:icc-cricket", "org:icc-court"},
    "आईसीसी": {"org:icc-cricket", "org:icc-court"},
    "আইএসআই": {"org:isi", "org:isi-kolkata"},
    "ISI": {"org:isi", "org:isi-kolkata"},
    "DU": {"org:du-dhaka", "org:du-delhi"},
    "NCP": {"org:ncp", "org:ncp-bd"},
    "এনসিপি": {"org:ncp", "org:ncp-bd"},
    "Supreme Court": {"org:sc-india", "org:sc-bd"},
    "সুপ্রিম কোর্ট": {"org:sc-india", "org:sc-bd"},
    "High Court": {"org:hc-bd", "org:hc-calcutta"},
    "হাইকোর্ট": {"org:hc-bd", "org:hc-calcutta"},
    "হাই কোর্ট": {"org:hc-bd", "org:hc-calcutta"},
    "Election Commission": {"org:eci", "org:ec-bd"},
    "নির্বাচন কমিশন": {"org:eci", "org:ec-bd"},
}

#: surnames shared by too many people to name one; never an alias on their own
COMMON_SURNAMES = {
    "Singh", "Khan", "Kumar", "Gandhi", "Yadav", "Sharma", "Shah", "Patel", "Reddy", "Das",
    "Rahman", "Hasan", "Hossain", "Ahmed", "Banerjee", "Chowdhury", "Sharif", "Zia", "Bhutto",
    "Thackeray", "Pawar", "Soren", "Rajapaksa", "Stalin", "Obama", "Pandya", "Paswan",
    "সিং", "খান", "কুমার", "গান্ধী", "যাদব", "শর্মা", "শাহ", "রহমান", "হাসান", "হোসেন", "আহমেদ",
    "বন্দ্যোপাধ্যায়", "চৌধুরী", "শরিফ", "জিয়া", "হাসিনা", "খালেদা", "মমতা",
    "सिंह", "खान", "कुमार", "गांधी", "यादव", "शर्मा", "शाह", "रहमान", "हसन", "बनर्जी", "चौधरी", "शरीफ",
}


def rows(name: str) -> list[list[str]]:
    return read_rows(gazetteer_dir() / name)


def entity_rows(name: str) -> list[list[str]]:
    return rows(name)


def script_of_letters(alias: str) -> set[str]:
    return {unicodedata.name(ch).split()[0] for ch in alias if ch.isalpha() or unicodedata.category(ch)[0] == "M"}


@pytest.mark.parametrize("name", sorted(FILES))
def test_rows_are_well_formed_and_aliases_are_in_their_language_script(name):
    bad = []
    for row in entity_rows(name):
        if len(row) != 5 or not all(row[i] for i in (0, 1, 3, 4)):
            bad.append(("columns", row))
            continue
        ident, typ, qid, lang, alias = row
        if typ != FILES[name]:
            bad.append(("type", row))
        if qid and not re.fullmatch(r"Q[1-9][0-9]*", qid):
            bad.append(("qid", row))
        if lang not in LANG_SCRIPT or script_of_letters(alias) != {LANG_SCRIPT[lang]}:
            bad.append(("script", row))
        if alias != alias.strip() or "  " in alias or unicodedata.normalize("NFC", alias) != alias:
            bad.append(("spacing/NFC", row))
    assert not bad, bad
    assert len({r[0] for r in entity_rows(name)}) > 100


def test_each_entity_has_one_type_one_qid_an_english_name_and_its_own_id():
    info: dict[str, set[tuple[str, str]]] = defaultdict(set)
    langs: dict[str, set[str]] = defaultdict(set)
    home: dict[str, set[str]] = defaultdict(set)
    for name in ENTITY_FILES:
        for ident, typ, qid, lang, _alias in (r[:5] for r in rows(name) if len(r) >= 5):
            info[ident].add((typ, qid))
            langs[ident].add(lang)
            home[ident].add(name)
    mine = {r[0] for name in FILES for r in entity_rows(name)}
    assert all(len(info[i]) == 1 for i in mine), [i for i in mine if len(info[i]) != 1]
    assert all(home[i] <= set(FILES) and len(home[i]) == 1 for i in mine)
    assert all("en" in langs[i] for i in mine), [i for i in mine if "en" not in langs[i]]
    by_qid: dict[str, set[str]] = defaultdict(set)
    for ident, pairs in info.items():
        (typ, qid), = pairs
        if qid:
            by_qid[qid].add(ident)
    assert {q: ids for q, ids in by_qid.items() if len(ids) > 1} == {}


def test_no_alias_names_two_entities_of_one_type_unless_listed_as_ambiguous():
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    surface: dict[str, str] = {}
    for name in FILES:
        for ident, typ, _q, _l, alias in entity_rows(name):
            k = fold(alias)
            owners[(k, typ)].add(ident)
            surface.setdefault(k, alias)
    shared = {surface[k]: ids for (k, _t), ids in owners.items() if len(ids) > 1}
    assert shared == AMBIGUOUS
    for alias, ids in AMBIGUOUS.items():  # and the detector indeed leaves them unlinked
        det = Detector([GazetteerEntry(alias, "ORG", i) for i, _ in enumerate(ids, start=1)])
        (c,) = det.detect(f"{alias} ")
        assert c.type == "ORG" and c.entity_id is None


def test_people_and_organisations_do_not_reuse_a_place_name():
    places = {fold(r[4]) for name in ENTITY_FILES if name not in FILES for r in rows(name) if len(r) >= 5}
    clash = [r[4] for name in FILES for r in entity_rows(name) if fold(r[4]) in places]
    assert clash == []


def test_no_alias_is_a_function_word_a_title_or_a_common_surname():
    lex = lexicon()
    words = lex.stopwords | lex.titles | lex.event_keywords | lex.org_keywords | lex.year_words \
        | lex.range_words | lex.connectors | set(lex.months)
    surnames = {fold(s) for s in COMMON_SURNAMES}
    aliases = [r[4] for name in FILES for r in entity_rows(name)]
    # "Congress" alone names the party in Indian news and is also the head word of longer party
    # names (তৃণমূল কংগ্রেস) for the head-word rule: the one word allowed to be both
    both = {fold("কংগ্রেস"), fold("कांग्रेस")}
    assert [a for a in aliases if fold(a) in words - both] == []
    assert [a for a in aliases if fold(a) in surnames] == []
    assert all(len(fold(a)) >= 2 for a in aliases)


# -- detection on sentences written for this test ------------------------------------------------


@pytest.fixture(scope="module")
def starter():
    """A detector over every bundled entity; entity ids are positions in id order."""
    ids = {}
    entries = []
    for i, (ident, spec) in enumerate(sorted(bundled_entities().items()), start=1):
        ids[ident] = i
        entries += [GazetteerEntry(a, spec["type"], i) for a in spec["aliases"]]
    return Detector(entries), ids


def found(starter, text):
    det, ids = starter
    back = {v: k for k, v in ids.items()}
    return {(c.text, c.type): back.get(c.entity_id) for c in det.detect(text)}


def test_bengali_party_acronyms_and_a_chief_minister_with_case_endings(starter):
    got = found(starter, "উত্তরপ্রদেশের মুখ্যমন্ত্রী যোগী আদিত্যনাথের সভায় বিজেপির পাশাপাশি "
                         "সমাজবাদী পার্টির কর্মীরাও ছিলেন, সিপিআই(এম) মিছিল করেছে।")
    assert got[("যোগী আদিত্যনাথ", "PERSON")] == "person:yogi"
    assert got[("বিজেপি", "ORG")] == "org:bjp"
    assert got[("সমাজবাদী পার্টি", "ORG")] == "org:sp"
    assert got[("সিপিআই(এম)", "ORG")] == "org:cpim"


def test_bangladesh_parties_advisers_and_an_ambiguous_commission(starter):
    got = found(starter, "বিএনপির মহাসচিব মির্জা ফখরুল ইসলাম আলমগীর বলেন, জামায়াতে ইসলামী ও "
                         "আওয়ামী লীগের বিষয়ে নির্বাচন কমিশনকে চিঠি দেওয়া হবে। বিজিবি ও র‍্যাবের "
                         "সদস্যরা উপস্থিত ছিলেন।")
    assert got[("বিএনপি", "ORG")] == "org:bnp"
    assert got[("মির্জা ফখরুল ইসলাম আলমগীর", "PERSON")] == "person:fakhrul"
    assert got[("জামায়াতে ইসলামী", "ORG")] == "org:jamaat"
    assert got[("আওয়ামী লীগ", "ORG")] == "org:awami-league"
    assert got[("বিজিবি", "ORG")] == "org:bgb"
    assert got[("র\u200d্যাব", "ORG")] == "org:rab"
    assert ("নির্বাচন কমিশন", "ORG") in got and got[("নির্বাচন কমিশন", "ORG")] is None


def test_hindi_party_short_forms_and_leaders(starter):
    got = found(starter, "भाजपा और सपा के नेताओं ने मुख्यमंत्री नीतीश कुमार से मुलाकात की, जबकि राजद "
                         "नेता तेजस्वी यादव ने प्रवर्तन निदेशालय की कार्रवाई पर सवाल उठाए।")
    assert got[("भाजपा", "ORG")] == "org:bjp"
    assert got[("सपा", "ORG")] == "org:sp"
    assert got[("राजद", "ORG")] == "org:rjd"
    assert got[("नीतीश कुमार", "PERSON")] == "person:nitish"
    assert got[("तेजस्वी यादव", "PERSON")] == "person:tejashwi"
    assert got[("प्रवर्तन निदेशालय", "ORG")] == "org:ed"


def test_english_sports_bodies_players_and_the_central_bank(starter):
    got = found(starter, "The BCCI rested Virat Kohli, and Bumrah will miss the ICC event. "
                         "RBI Governor Sanjay Malhotra met IMF chief Kristalina Georgieva.")
    assert got[("BCCI", "ORG")] == "org:bcci"
    assert got[("Virat Kohli", "PERSON")] == "person:kohli"
    assert got[("Bumrah", "PERSON")] == "person:bumrah"
    assert got[("ICC", "ORG")] is None
    assert got[("RBI", "ORG")] == "org:rbi"
    assert got[("Sanjay Malhotra", "PERSON")] == "person:malhotra"
    assert got[("Kristalina Georgieva", "PERSON")] == "person:georgieva"


def test_left_out_short_forms_stay_silent(starter):
    # आप ("you"), the district SP, "Let", a bare common surname
    got = found(starter, "आप कहाँ हैं? The SP said: Let the Khan family speak. জেলার এসপি জানান।")
    assert [k for k in got if k[1] in ("ORG", "PERSON")] == []


def test_seeded_knowledge_base_links_a_new_person_and_party(db):
    seed_knowledge_base(db)
    text = "পশ্চিমবঙ্গে শুভেন্দু অধিকারীর অভিযোগের জবাব দিল তৃণমূল। কেজরিওয়ালও মুখ খুলেছেন।"
    (aid,) = import_drafts(db, [Draft(text=text, title="t")]).article_ids
    detect_articles(db, [aid], link=False)
    with db.session() as s:
        rows_ = s.exec(select(Mention.text, Entity.name).join(Entity, Entity.id == Mention.entity_id)
                       .where(Mention.article_id == aid)).all()
    assert ("শুভেন্দু অধিকারী", "Suvendu Adhikari") in rows_
    assert ("কেজরিওয়াল", "Arvind Kejriwal") in rows_
    assert ("তৃণমূল", "Trinamool Congress") in rows_


def test_sources_md_describes_both_files():
    text = (gazetteer_dir() / "SOURCES.md").read_text(encoding="utf-8")
    for name in FILES:
        (line,) = [l for l in text.splitlines() if l.startswith(f"| `{name}`")]
        assert "hand-entered" in line and "2025" in line
