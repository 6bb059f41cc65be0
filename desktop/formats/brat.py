"""brat standoff: ``X.txt`` with ``X.ann`` beside it, and ``annotation.conf`` for a folder.

``.ann`` lines (brat's server/src/annotation.py): ``T1<TAB>TYPE START END<TAB>surface``
(discontinuous: ``START END;START END``), ``R1<TAB>TYPE Arg1:T1 Arg2:T2``,
``N1<TAB>Reference T1 Wikidata:Q42<TAB>name``, and ``A``/``M``/``E``/``#`` lines.  Offsets
are character offsets into the ``.txt`` (code points; a server on a narrow Python build
counted UTF-16 units, so the surface decides when an emoji comes before a span).  The ``.txt``
is kept byte for byte — offsets count its ``\\r`` characters too.
"""

from __future__ import annotations

import re
from typing import Iterator

from desktop.formats import Doc, EntityRef, Problem, RelSpec, Span, resolve_offsets
from desktop.text import Utf16Map

_T = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")
_R = re.compile(r"^(R\d+)\t(\S+) (\S+):(T\d+) (\S+):(T\d+)\s*$")
_N = re.compile(r"^(N\d+)\t(\S+) (T\d+) ([^\t]+?)(?:\t(.*))?$")
_QID = re.compile(r"(?:wikidata|wd)?:?(Q[1-9]\d*)$", re.I)


def read(text: str, ann: str, where: str, source: str) -> Iterator[Doc | Problem]:
    doc = Doc(text=text, source=source, where=where)
    m = Utf16Map(text)
    spans: dict[str, Span] = {}
    for lineno, line in enumerate(ann.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        w = f"{where}:{lineno}"
        kind = line[0]
        if kind == "T":
            t = _T.match(line)
            if not t:
                doc.problems.append(Problem(w, "a T line needs ID<TAB>TYPE START END<TAB>text"))
                continue
            if ";" in t.group(3):
                doc.note("discontinuous spans not imported")
                continue
            s, e = (int(x) for x in t.group(3).split())
            s, e = resolve_offsets(text, s, e, t.group(4), "cp", m)
            sp = Span(s, e, t.group(2), where=f"{w} ({t.group(1)})", key=t.group(1), surface=t.group(4))
            spans[t.group(1)] = sp
            doc.spans.append(sp)
        elif kind == "R":
            r = _R.match(line)
            if not r:
                doc.problems.append(Problem(w, "an R line needs ID<TAB>TYPE Arg1:T1 Arg2:T2"))
                continue
            doc.relations.append(RelSpec(r.group(4), r.group(6), r.group(2), f"{w} ({r.group(1)})"))
        elif kind == "N":
            n = _N.match(line)
            q = _QID.match(n.group(4).strip()) if n else None
            if not n or n.group(3) not in spans:
                doc.problems.append(Problem(w, "an N line needs ID<TAB>Reference T1 DB:ID for a T line above it"))
            elif q is None:
                doc.note("normalizations to other databases not imported")
            else:
                spans[n.group(3)].entity = EntityRef(name=(n.group(5) or "").strip(), qid=q.group(1).upper())
        elif kind in "AME#*":
            doc.note({"A": "attributes", "M": "modifications", "E": "events", "#": "notes",
                      "*": "equivalences"}[kind] + " not imported")
        else:
            doc.problems.append(Problem(w, f"unknown annotation line ‘{line[:20]}’"))
    yield doc


# -- export -----------------------------------------------------------------------------------------


def _one_line(s: str) -> str:
    return s.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def ann(rec: dict) -> str:
    """The ``.ann`` of one export record (see desktop.exporting.records)."""
    out, tid, n = [], {}, 0
    for i, mt in enumerate(rec["mentions"], 1):
        tid[mt["id"]] = f"T{i}"
        out.append(f"T{i}\t{mt['type']} {mt['start']} {mt['end']}\t{_one_line(rec['text'][mt['start']:mt['end']])}")
        ent = mt.get("entity")
        if ent and ent.get("qid"):
            n += 1
            out.append(f"N{n}\tReference T{i} Wikidata:{ent['qid']}\t{_one_line(ent['name'])}")
    for j, r in enumerate((r for r in rec["relations"] if r["head"] in tid and r["tail"] in tid), 1):
        out.append(f"R{j}\t{r['type']} Arg1:{tid[r['head']]} Arg2:{tid[r['tail']]}")
    return "\n".join(out) + ("\n" if out else "")


def conf(types: list[str], relations: list[tuple[str, str, str]]) -> str:
    """``annotation.conf``: entity types; relations as ``name Arg1:A|B, Arg2:C`` (brat's
    configuration syntax); no events or attributes."""
    lines = ["[entities]", *types, "", "[relations]"]
    for name, a1, a2 in relations:
        lines.append(f"{name}\tArg1:{a1}, Arg2:{a2}")
    lines += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]", "", "[attributes]", ""]
    return "\n".join(lines)
