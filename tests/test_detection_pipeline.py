"""The plug-in point: a suggester beside the rules, through one interface."""

from desktop.detection import Context, Detector, GazetteerEntry, Raw, Suggester, suggest


class WordModel:
    """A stand-in for a learned model: proposes every occurrence of one word as a PERSON."""

    name = "toy-model"

    def __init__(self, word: str, confidence: float = 0.5):
        self.word, self.confidence = word, confidence
        self.seen: list[int] = []

    def suggest(self, ctx: Context, lex):
        self.seen.append(len(ctx.raws))
        start = ctx.norm.find(self.word.lower())
        while start >= 0:
            yield Raw(start, start + len(self.word), "PERSON", "model", self.confidence)
            start = ctx.norm.find(self.word.lower(), start + 1)


def test_a_suggester_adds_candidates_and_sees_the_rules_results():
    model = WordModel("Zorba")
    assert isinstance(model, Suggester)
    det = Detector([GazetteerEntry("Athens", "LOC")], suggesters=[model])
    found = [(c.text, c.type, c.source) for c in det.detect("Zorba went to Athens; Zorba stayed.")]
    assert found == [("Zorba", "PERSON", "model"), ("Athens", "LOC", "gazetteer"), ("Zorba", "PERSON", "model")]
    assert model.seen == [1]  # it ran once, after the alias hit was already in the context


def test_a_suggester_loses_to_a_list_at_equal_span_and_to_a_longer_span():
    model = WordModel("Athens", confidence=0.99)
    det = Detector([GazetteerEntry("Athens", "LOC"), GazetteerEntry("Athens Stock Exchange", "ORG")],
                   suggesters=[model])
    found = [(c.text, c.type, c.source) for c in det.detect("Athens fell; the Athens Stock Exchange too.")]
    assert found == [("Athens", "LOC", "gazetteer"), ("Athens Stock Exchange", "ORG", "gazetteer")]


def test_registered_suggesters_join_every_new_detector_and_offsets_map_back():
    model = WordModel("Zorba")
    suggest.register(model)
    try:
        text = "Hi\u00ad Zorba"  # a soft hyphen folds away: folded and stored offsets differ
        (c,) = Detector().detect(text)
        assert (c.start, c.end, c.text, c.source) == (4, 9, "Zorba", "model")
    finally:
        suggest.unregister(model.name)
    assert Detector().detect("Zorba") == []


def test_context_maps_stored_offsets_to_folded_ones():
    from desktop.language.fold import NormView

    view = NormView("a\u00adb c")
    ctx = Context("a\u00adb c", view, None)
    assert ctx.norm == "ab c"
    assert [ctx.to_norm(i) for i in (0, 2, 3, 4)] == [0, 1, 2, 3]
