"""CoNLL-2003 / IOB2: one token a line (``token … TAG``), blank lines between sentences,
``-DOCSTART- -X- O O`` between documents.

Written as ``token TAG`` with the tokens of :mod:`desktop.formats.tokens`, one sentence a line
of the article, so a case ending after a name is its own ``O`` token (``কাজাখস্তান B-LOC``,
``ের O``); inside a mention, tokens with no space between them are one token, so
``spacy convert --converter ner -n 0`` (``-n 0``: the file has its own document delimiters)
finds every entity with its mention's surface.
Read back, the text is rebuilt with one space between tokens, except that a token starting
with a combining mark or joiner is glued to the one before (the case ending above); B-/I- runs
become mentions (an I- after O starts one too, as in IOB1).
"""

from __future__ import annotations

import io
from typing import Iterator

import regex

from desktop.formats import Doc, Problem, Span
from desktop.formats.tokens import tokenize

DOCSTART = "-DOCSTART- -X- O O"
_GLUE = regex.compile(r"^[\p{M}\u200c\u200d]")


def looks_like(raw: str) -> bool:
    lines = [ln for ln in raw.split("\n", 200)[:200] if ln.strip()]
    if not lines:
        return False
    tagged = sum(1 for ln in lines if len(ln.split()) >= 2 and
                 (ln.split()[-1] == "O" or ln.split()[-1][:2] in ("B-", "I-")))
    return tagged >= 0.9 * len(lines) or lines[0].startswith("-DOCSTART-")


def read(raw: str, where: str, source: str) -> Iterator[Doc | Problem]:
    docs: list[list[tuple[int, list[tuple[str, str]]]]] = [[]]
    sent: list[tuple[str, str]] = []
    sent_line = 0
    problems: list[Problem] = []
    for lineno, line in enumerate(raw.split("\n"), 1):
        line = line.rstrip("\r")
        cols = line.split()
        if not cols:
            if sent:
                docs[-1].append((sent_line, sent))
                sent = []
            continue
        if cols[0] == "-DOCSTART-":
            if sent:
                docs[-1].append((sent_line, sent))
                sent = []
            docs.append([])
            continue
        if len(cols) < 2:
            problems.append(Problem(f"{where}:{lineno}", "a token line needs a token and a tag"))
            continue
        if not sent:
            sent_line = lineno
        sent.append((cols[0], cols[-1]))
    if sent:
        docs[-1].append((sent_line, sent))
    n = 0
    for p in problems:
        yield p
    for d in docs:
        if not d:
            continue
        n += 1
        yield _doc(d, where, f"{source} #{n}")


def _doc(sents, where: str, source: str) -> Doc:
    buf = io.StringIO()
    pos = 0
    spans: list[Span] = []
    problems: list[Problem] = []
    for si, (lineno, toks) in enumerate(sents):
        if si:
            buf.write("\n")
            pos += 1
        cur = None  # [start, end, label, line]
        for ti, (tok, tag) in enumerate(toks):
            if ti and not _GLUE.match(tok):
                buf.write(" ")
                pos += 1
            s = pos
            buf.write(tok)
            pos += len(tok)
            kind, _, label = tag.partition("-")
            if tag == "O" or kind not in ("B", "I") or not label:
                if tag != "O":
                    problems.append(Problem(f"{where}:{lineno + ti}", f"tag ‘{tag}’ is not O, B-TYPE or I-TYPE"))
                if cur:
                    spans.append(Span(cur[0], cur[1], cur[2], where=f"{where}:{cur[3]}"))
                cur = None
            elif kind == "I" and cur and cur[2] == label:
                cur[1] = pos
            else:
                if cur:
                    spans.append(Span(cur[0], cur[1], cur[2], where=f"{where}:{cur[3]}"))
                cur = [s, pos, label, lineno + ti]
        if cur:
            spans.append(Span(cur[0], cur[1], cur[2], where=f"{where}:{cur[3]}"))
    return Doc(text=buf.getvalue(), source=source, where=f"{where}:{sents[0][0]}", spans=spans, problems=problems)


def _inside_glued(text: str, toks: list, kept: list[dict]) -> list:
    """Inside a mention, tokens with no space between them become one token (``কো-অপারেশন``,
    ``এপ্রিল,``), so the mention's tokens joined with spaces, as spaCy's converter joins them,
    spell the mention."""
    from desktop.formats.tokens import Token

    out: list = []
    j = 0
    for t in toks:
        while j < len(kept) and kept[j]["end"] <= t.start:
            j += 1
        inside = j < len(kept) and kept[j]["start"] <= t.start and t.end <= kept[j]["end"]
        if out and inside and out[-1].end == t.start and out[-1].start >= kept[j]["start"]:
            p = out.pop()
            t = Token(text[p.start:t.end], p.start, t.end, t.ws)
        out.append(t)
    return out


def write(fh, rec: dict) -> None:
    """One article (an export record) as IOB2 lines; overlapping mentions: the first one wins."""
    text = rec["text"]
    ms = sorted(rec["mentions"], key=lambda m: (m["start"], -m["end"]))
    kept, last = [], -1
    for m in ms:
        if m["start"] >= last:
            kept.append(m)
            last = m["end"]
    toks = _inside_glued(text, tokenize(text, [b for m in kept for b in (m["start"], m["end"])]), kept)
    fh.write(DOCSTART + "\n\n")
    j, pending = 0, False
    for i, t in enumerate(toks):
        while j < len(kept) and kept[j]["end"] <= t.start:
            j += 1
        inside = j < len(kept) and kept[j]["start"] <= t.start and t.end <= kept[j]["end"]
        # a line break ends a sentence, except inside a mention (an I- tag never starts one)
        if pending and "\n" in text[toks[i - 1].end:t.start] and not (inside and t.start != kept[j]["start"]):
            fh.write("\n")
        tag = ("B-" if t.start == kept[j]["start"] else "I-") + kept[j]["type"] if inside else "O"
        fh.write(f"{t.text} {tag}\n")
        pending = True
    if pending:
        fh.write("\n")
