"""What Curate knows about scripts and languages, in one package (Qt-free, no database).

* :mod:`.scripts` — Unicode ranges and word characters (the only place with ranges);
* :mod:`.fold` — the folding ladder: alias key, detection fold (with an offset map), and why
  each level exists; :mod:`.keys` — the loose linking keys, romanisation and phonetic skeleton;
* :mod:`.data` — the one reader of the tab-separated data files;
* :mod:`.packs` — a :class:`~.packs.LanguagePack` per folder of ``resources/languages/<code>/``
  (code, name, script, transliteration scheme, word lists);
* :mod:`.lexicon` — the packs' word lists merged for the detector.

Adding a language: a folder ``resources/languages/<code>/`` with a ``language.toml`` and the
lists it has (see :mod:`.packs`); a new script also needs an entry in ``scripts.SCRIPTS``.
"""
