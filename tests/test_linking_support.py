"""Helpers shared by the linking, knowledge-base and relation tests."""

from __future__ import annotations

import hashlib

from desktop.db import Database
from desktop.models import Article, Mention


def make_article(db: Database, text: str, title: str = "t") -> int:
    with db.transaction() as s:
        a = Article(title=title, text=text, content_hash=hashlib.sha256(text.encode()).hexdigest(), language="bn")
        s.add(a)
        s.flush()
        return a.id


def suggest(db: Database, article_id: int, surface: str, type_: str, *, occurrence: int = 0,
            status: str = "suggested", entity_id=None) -> int:
    """A detector-style suggestion on the n-th occurrence of `surface` in the article."""
    with db.transaction() as s:
        text = s.get(Article, article_id).text
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(surface, start + 1)
        m = Mention(article_id=article_id, start=start, end=start + len(surface), text=surface, type=type_,
                    status=status, source="gazetteer", entity_id=entity_id, confidence=0.9)
        s.add(m)
        s.flush()
        return m.id
