"""Import: formats, encodings, bad input, duplicates, atomicity."""

import json

import pytest
from sqlmodel import select

from desktop.importing import decode, html_to_text, import_paths, _FileError
from desktop.models import Article


def _articles(db):
    with db.session() as s:
        return list(s.exec(select(Article).order_by(Article.id)))


def test_seeds_import_once_then_duplicates(db, seeds_dir):
    rep = import_paths(db, [seeds_dir], detect=False)
    assert (rep.imported, rep.duplicates, len(rep.failed)) == (5, 0, 0)
    rep2 = import_paths(db, [seeds_dir], detect=False)
    assert (rep2.imported, rep2.duplicates) == (0, 5)
    arts = _articles(db)
    assert [a.source for a in arts] == sorted(p.name for p in seeds_dir.glob("*.txt"))
    assert {a.language for a in arts} == {"bn", "hi"}
    for a in arts:
        assert "\r" not in a.text and not a.text.startswith("\ufeff")
        assert a.title and "\n" not in a.title


def test_formats_and_titles(db, tmp_path):
    (tmp_path / "a.html").write_text(
        "<html><head><title>শিরোনাম</title><style>.x{color:red}</style><script>var a='hidden';</script></head>"
        "<body><p>ভারত ও রাশিয়া</p><div>second&nbsp;para</div></body></html>", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Heading **bold**\n\nSome [linked](http://x) text.", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(
        json.dumps({"text": "राजनाथ सिंह", "title": "T1", "url": "http://example.org/1"}, ensure_ascii=False) + "\n"
        + json.dumps({"text": "Second article", "source": "feed"}) + "\n", encoding="utf-8")
    (tmp_path / "d.csv").write_text("title,text,source\nCsv title,\"Body, with comma\",src\n", encoding="utf-8")
    rep = import_paths(db, [tmp_path], detect=False)
    assert rep.imported == 5 and not rep.failed
    by_title = {a.title: a for a in _articles(db)}
    html = by_title["শিরোনাম"]
    assert "hidden" not in html.text and "color" not in html.text
    assert "ভারত ও রাশিয়া" in html.text and "second para" in html.text
    md = by_title["Heading bold"]
    assert "Some linked text." in md.text and "http" not in md.text
    assert by_title["T1"].source == "http://example.org/1"
    assert by_title["Second article"].source == "feed"
    assert by_title["Csv title"].text == "Body, with comma"


def test_encodings(db, tmp_path):
    (tmp_path / "bom8.txt").write_bytes("\ufeffবাংলা লেখা এক".encode("utf-8"))
    (tmp_path / "u16.txt").write_bytes("हिन्दी पाठ दो".encode("utf-16"))  # with BOM
    (tmp_path / "latin1.txt").write_bytes("café crème".encode("latin-1"))
    (tmp_path / "u16nobom.txt").write_bytes("abc def".encode("utf-16-le"))
    rep = import_paths(db, [tmp_path], detect=False)
    assert rep.imported == 2
    reasons = {f.path.rsplit("/", 1)[-1]: f.reason for f in rep.failed}
    assert set(reasons) == {"latin1.txt", "u16nobom.txt"}
    assert "not UTF-8" in reasons["latin1.txt"]
    texts = {a.text for a in _articles(db)}
    assert "বাংলা লেখা এক" in texts and "हिन्दी पाठ दो" in texts


def test_text_is_nfc_and_newlines_normalised(db, tmp_path):
    decomposed = "क\u093c" + "य\u09bc"  # already NFC-stable; use an e + combining acute too
    (tmp_path / "x.txt").write_bytes(("line1\r\nline2\rcafe\u0301 " + decomposed).encode("utf-8"))
    import_paths(db, [tmp_path / "x.txt"], detect=False)
    (a,) = _articles(db)
    assert a.text.startswith("line1\nline2\ncafé")
    import unicodedata

    assert unicodedata.is_normalized("NFC", a.text)


def test_bad_jsonl_and_csv_lines_reported_with_line_numbers(db, tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"text": "ok one"}\n{not json}\n[1,2]\n{"title": "no text"}\n{"text": "ok two"}\n',
                                        encoding="utf-8")
    (tmp_path / "bad.csv").write_text("title,text\nA,first body\nB\nC,third body\n", encoding="utf-8")
    (tmp_path / "nocol.csv").write_text("title,body\nA,b\n", encoding="utf-8")
    rep = import_paths(db, [tmp_path], detect=False)
    assert rep.imported == 4
    lines = sorted((f.path.rsplit("/", 1)[-1], f.line) for f in rep.failed)
    assert lines == [("bad.csv", 3), ("bad.jsonl", 2), ("bad.jsonl", 3), ("bad.jsonl", 4), ("nocol.csv", None)]
    nocol = [f for f in rep.failed if f.path.endswith("nocol.csv")][0]
    assert "no 'text' column" in nocol.reason


def test_missing_unsupported_empty_and_binary(db, tmp_path):
    (tmp_path / "empty.txt").write_text("   \n  ", encoding="utf-8")
    (tmp_path / "bin.txt").write_bytes(b"abc\x00\x01def")
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4")
    rep = import_paths(db, [tmp_path / "empty.txt", tmp_path / "bin.txt", tmp_path / "doc.pdf",
                            tmp_path / "missing.txt"], detect=False)
    assert rep.imported == 0
    reasons = [f.reason for f in rep.failed]
    assert len(reasons) == 4
    assert any("no text" in r for r in reasons)
    assert any("binary" in r or "NUL" in r for r in reasons)
    assert any("unsupported" in r for r in reasons)
    assert any("no such file" in r for r in reasons)
    # unsupported files inside a folder are skipped, not failures
    rep2 = import_paths(db, [tmp_path], detect=False)
    assert rep2.skipped == 1


def test_decode_refuses_garbage():
    with pytest.raises(_FileError):
        decode(b"\xff\xfe\x00\xd8")  # lone surrogate in UTF-16
    assert decode(b"\xef\xbb\xbfabc") == "abc"


def test_html_visible_text_only():
    title, body = html_to_text("<title>X</title><noscript>no</noscript><p>a</p><p>b</p>")
    assert title == "X" and body == "a\n\nb"


def test_failed_write_leaves_no_half_article(db, tmp_path, monkeypatch):
    """A failing transaction (e.g. disk full) imports nothing of that batch and reports it."""
    from desktop import importing
    from desktop.db import DatabaseError

    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"article number {i}", encoding="utf-8")
    real = db.transaction

    class Boom:
        def __enter__(self):
            self.cm = real()
            s = self.cm.__enter__()
            return s

        def __exit__(self, *exc):
            self.cm.__exit__(DatabaseError, DatabaseError("disk is full"), None)
            raise DatabaseError("x.db: could not write the database: database or disk is full")

    monkeypatch.setattr(db, "transaction", lambda: Boom())
    rep = import_paths(db, [tmp_path], detect=False)
    assert rep.imported == 0 and rep.failed == []
    assert "3 file(s)" in rep.stopped and "disk is full" in rep.stopped  # one line, not one per file
    monkeypatch.setattr(db, "transaction", real)
    assert _articles(db) == []
