"""Full-text search, the part that does not depend on a connection: the words of what the user
typed (both backends search by them), their FTS5 query, and the FTS5 table with the triggers
that keep it in step with ``article`` on a SQLite file.  The server's search index and query
are in :mod:`desktop.db.postgres`; :meth:`desktop.db.Database.search` picks one."""

from __future__ import annotations

import regex

# FTS5 configuration.  `unicode61` treats combining marks (Mn/Mc: Indic vowel signs, virama,
# nukta, anusvara...) as separators by default, which cuts Bengali and Devanagari words into
# pieces; adding M* to the token categories keeps them inside words.  Diacritics are not removed
# (that would strip Indic marks too).  Inflected forms are found with prefix queries.
FTS_TOKENIZE = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"


_WORD = regex.compile(r"[\p{L}\p{M}\p{N}\p{Co}]+")


def search_words(query: str) -> list[str]:
    """The words of what the user typed (letters, marks, digits), NFC."""
    import unicodedata

    return [unicodedata.normalize("NFC", w) for w in _WORD.findall(query or "")]


def fts_query_from_user(query: str) -> str:
    """Turn whatever the user typed into a safe FTS5 query: each word quoted and made a prefix,
    all words required.  Returns '' when the query has no words."""
    return " ".join(f'"{w}"*' for w in search_words(query))


def _create_fts(c) -> None:
    c.exec_driver_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS article_fts USING fts5("
        f"title, text, content='article', content_rowid='id', tokenize=\"{FTS_TOKENIZE}\")"
    )
    c.exec_driver_sql(
        "CREATE TRIGGER IF NOT EXISTS article_fts_ai AFTER INSERT ON article BEGIN "
        "INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END"
    )
    c.exec_driver_sql(
        "CREATE TRIGGER IF NOT EXISTS article_fts_ad AFTER DELETE ON article BEGIN "
        "INSERT INTO article_fts(article_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END"
    )
    c.exec_driver_sql(
        "CREATE TRIGGER IF NOT EXISTS article_fts_au AFTER UPDATE OF title, text ON article BEGIN "
        "INSERT INTO article_fts(article_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); "
        "INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END"
    )
