"""Learning from curation (Qt-free): what the curator confirms is suggested again, and a
sequence model trained on the confirmed articles adds what the rules miss.

* :mod:`.surfaces` — learned surfaces in every inflected form, in the other scripts (the
  linker's cross-script keys), with a year joined to an event name; confidence from how often
  the curator gave each type; rejections kept.
* :mod:`.tokens`, :mod:`.crf` — a linear-chain CRF (python-crfsuite) on word, affix, script,
  Bengali stem/ending, shape, KB and word-list features and the baseline detector's tags;
  held-out self-evaluation against the rules-and-gazetteer detector.
* :mod:`.common_words` — ordinary Bengali/Hindi words are places only with a second signal.
* :mod:`.suggester` — how they combine with the detector (the precedence is documented there).
* :mod:`.store` — the database side: training data, the stored model (table ``learned_model``),
  background training after every N confirmations, the suggester that detection uses.

The database's detector (:func:`desktop.detection.service.build_detector`) runs the learned
suggester as one more suggester behind :mod:`desktop.detection.suggest`, after the rules and
before overlap resolution; ``curate detect``, import and the window all detect through it.
Learning reads the confirmed mentions themselves, so whatever confirms a mention — the curator,
confirm-all, an import of curated annotations — teaches.
"""
