"""The link panel's proposed new entity: shown for a mention that carries one, created for all
its mentions under an editable name through run_op, undone in one step (offscreen)."""
import pytest
from PySide6.QtCore import Qt

from desktop import curation, history, queries
from desktop.changes import Changes
from desktop.detection import service
from desktop.importing import Draft, import_drafts
from desktop.linking import proposals as props
from ui_support import make_link_panel

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]

TEXTS = [
    "Deputy Commissioner Saidul Arif said shelters were opened. Saidul Arif visited the camps in Dhaka.",
    "জেলা প্রশাসক সাইদুল আরিফ বলেন, আশ্রয়কেন্দ্র খোলা হয়েছে। সাইদুল আরিফের দপ্তর থেকে ত্রাণ দেওয়া হয়।",
    "जिलाधिकारी सैदुल आरिफ ने कहा कि राहत शिविर खोले गए हैं।",
]
KEY = "PERSON:arp sdl"


@pytest.fixture
def found(kb):
    ids = import_drafts(kb, [Draft(text=t, title=f"a{i}") for i, t in enumerate(TEXTS)]).article_ids
    service.detect_articles(kb, ids, workers=0)
    return kb


@pytest.fixture
def panel(qtbot, found):
    return make_link_panel(qtbot, found)


def _proposed(db):
    with db.session() as s:
        return props.proposal(s, KEY)


def test_the_panel_offers_the_proposal_and_creates_it_under_the_edited_name(panel, found, qtbot):
    p = _proposed(found)
    mid = p.mentions[0][0]
    panel.set_mention(mid)
    assert panel.proposal_box.isVisible()
    text = panel.proposal_label.text()
    assert "New entity proposed: <b>Saidul Arif</b>" in text and "5 mentions in 3 articles" in text
    assert panel.proposal_name.text() == "Saidul Arif"
    seen = []
    panel.ops.changed.connect(lambda ch, who: seen.append(ch))
    panel.proposal_name.setText("Saidul Arif (Deputy Commissioner)")
    with qtbot.waitSignal(panel.ops.changed):
        qtbot.mouseClick(panel.proposal_button, Qt.MouseButton.LeftButton)
    ch: Changes = seen[0]
    # what changed, and only that: the entity, its aliases, the five mentions in three articles
    assert len(ch.mentions) == 5 and len(ch.articles) == 3 and len(ch.entities) == 1
    m = queries.mention(found, mid)
    ent = queries.entity(found, m.entity_id)
    assert ent.name == "Saidul Arif (Deputy Commissioner)" and m.status == "suggested" and m.proposal is None
    assert not panel.proposal_box.isVisible() and "Linked to <b>Saidul Arif (Deputy Commissioner)</b>" in panel.link_label.text()
    assert panel.editor.entity_id == ent.id
    history.undo(found)
    panel.refresh()
    assert queries.entity(found, ent.id) is None and queries.mention(found, mid).proposal == KEY
    assert panel.proposal_box.isVisible()


def test_no_offer_for_a_linked_mention_or_once_the_count_changed(panel, found, qtbot):
    dhaka = next(m for aid in queries.article_ids(found) for m in queries.mentions(found, aid) if m.entity_id)
    panel.set_mention(dhaka.id)
    assert not panel.proposal_box.isVisible()
    p = _proposed(found)
    panel.set_mention(p.mentions[0][0])
    # a rejection elsewhere (run through the same operations) refreshes the count shown
    other = p.mentions[-1][0]
    with qtbot.waitSignal(panel.ops.changed):
        panel.ops.run(lambda db: curation.reject(db, other))
    assert "4 mentions in 2 articles" in panel.proposal_label.text()  # the Hindi one was its article's only


def test_a_colleagues_change_since_refuses_and_nothing_is_created(panel, found, qtbot):
    p = _proposed(found)
    panel.set_mention(p.mentions[0][0])
    curation.set_type(found, p.mentions[1][0], "ORG")  # not through the panel's operations
    with qtbot.waitSignal(panel.ops.failed):
        qtbot.mouseClick(panel.proposal_button, Qt.MouseButton.LeftButton)
    assert "changed" in panel.message.text()
    with found.session() as s:
        from sqlmodel import select

        from desktop.models import Entity

        assert s.exec(select(Entity).where(Entity.name == "Saidul Arif")).first() is None


def test_no_offer_once_the_knowledge_base_has_the_name(panel, found, qtbot):
    """An entity made by hand for one mention (New entity): the others' offer gives way to the
    candidate, so the entity is not made twice."""
    p = _proposed(found)
    first, second = p.mentions[0][0], p.mentions[1][0]
    panel.set_mention(first)
    with qtbot.waitSignal(panel.ops.changed):
        qtbot.mouseClick(panel.new_entity_button, Qt.MouseButton.LeftButton)
    panel.set_mention(second)
    assert not panel.proposal_box.isVisible()
    assert panel.model.candidate_at(0).name == "Saidul Arif"
