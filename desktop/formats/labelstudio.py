"""Label Studio: its JSON export (a list of tasks) in, tasks plus a labeling config out.

A task is ``{"id", "data": {"text": ...}, "annotations": [{"id", "result": [...],
"was_cancelled", "updated_at", ...}], "predictions": [{"result": [...], "score"}]}``.  A
``labels`` result is ``{"id", "from_name", "to_name", "type": "labels", "value": {"start",
"end", "text", "labels": [...]}}``; a relation is ``{"type": "relation", "from_id", "to_id",
"direction", "labels": [...]}``.  Label Studio 1.23's own export lists predictions only by id
(``"predictions": [1]``): those are counted, not imported.

Offsets: the current Text tag counts code points; older exports counted UTF-16 code units.
Each region carries its ``text``, so both are tried and the one that matches is taken.
"""

from __future__ import annotations

import json
from typing import Iterator, Optional

from desktop.formats import Doc, FormatError, Problem, RelSpec, Span, resolve_offsets
from desktop.text import Utf16Map

TEXT_KEYS = ("text", "content", "body", "article")


def looks_like(obj) -> bool:
    return isinstance(obj, list) and bool(obj) and all(isinstance(t, dict) for t in obj[:5]) and \
        any("data" in t and ("annotations" in t or "predictions" in t or isinstance(t.get("data"), dict))
            for t in obj[:5])


def _task_text(data) -> Optional[str]:
    if not isinstance(data, dict):
        return None
    for k in TEXT_KEYS:
        if isinstance(data.get(k), str):
            return data[k]
    strings = [v for v in data.values() if isinstance(v, str)]
    return max(strings, key=len) if strings else None


def read(raw: str, where: str) -> Iterator[Doc | Problem]:
    from desktop.formats import loads_checked

    obj = loads_checked(raw)
    if isinstance(obj, dict):
        obj = [obj]
    if not isinstance(obj, list):
        raise FormatError("expected a list of Label Studio tasks")
    for i, task in enumerate(obj, 1):
        w = f"{where}: task {task.get('id', i) if isinstance(task, dict) else i}"
        if not isinstance(task, dict):
            yield Problem(w, "a task is not an object")
            continue
        if "data" not in task and "text" in task:  # a plain JSON list of records, or doccano's JSON
            from desktop.formats import jsonl

            try:
                yield jsonl.record(task, w, f"{where.rsplit('/', 1)[-1]} #{i}")
            except FormatError as exc:
                yield Problem(w, exc.reason)
            continue
        text = _task_text(task.get("data"))
        if text is None:
            yield Problem(w, "no text in the task's data")
            continue
        data = task.get("data") or {}
        doc = Doc(text=text, title=str(data.get("title") or ""), source=str(data.get("source") or data.get("url") or
                                                                              f"label-studio task {task.get('id', i)}"),
                  where=w)
        m = Utf16Map(text)
        anns = [a for a in task.get("annotations") or [] if isinstance(a, dict)]
        live = [a for a in anns if not a.get("was_cancelled")]
        doc.note("cancelled annotations passed over", len(anns) - len(live))
        if live:
            best = max(live, key=lambda a: (str(a.get("updated_at") or a.get("created_at") or ""), a.get("id") or 0))
            doc.note("older annotations passed over", len(live) - 1)
            _results(doc, best.get("result"), f"{w} annotation {best.get('id', '')}".rstrip(), m, None, "confirmed")
        for p in task.get("predictions") or []:
            if not isinstance(p, dict):
                doc.note("predictions listed only by id, not imported")
                continue
            score = p.get("score")
            _results(doc, p.get("result"), f"{w} prediction {p.get('id', '')}".rstrip(), m,
                     float(score) if isinstance(score, (int, float)) else None, "suggested")
        yield doc


def _results(doc: Doc, results, w: str, m: Utf16Map, score, status: str) -> None:
    if not isinstance(results, list):
        return
    for r in results:
        if not isinstance(r, dict):
            continue
        kind = r.get("type")
        if kind == "relation":
            labels = r.get("labels") or []
            rtype = labels[0] if labels and isinstance(labels[0], str) else "related_to"
            head, tail = str(r.get("from_id")), str(r.get("to_id"))
            if r.get("direction") == "left":
                head, tail = tail, head
            doc.relations.append(RelSpec(head, tail, rtype, f"{w} relation {head}→{tail}"))
            continue
        if kind not in ("labels", "hypertextlabels"):
            doc.note(f"{kind} results not imported")
            continue
        v = r.get("value") or {}
        labels = v.get("labels") or []
        s, e = v.get("start"), v.get("end")
        rw = f"{w} region {r.get('id', '')}".rstrip()
        if not isinstance(s, int) or not isinstance(e, int) or not labels or not isinstance(labels[0], str):
            doc.problems.append(Problem(rw, "a labels result needs integer start and end and a label"))
            continue
        surface = v.get("text") if isinstance(v.get("text"), str) else None
        s, e = resolve_offsets(doc.text, s, e, surface, "cp", m)
        conf = r.get("score", score)
        doc.spans.append(Span(s, e, labels[0], where=rw, key=str(r.get("id")) if r.get("id") else None,
                              surface=surface, status=status,
                              confidence=float(conf) if isinstance(conf, (int, float)) else None))
        if len(labels) > 1:
            doc.note("extra labels on one region not imported", len(labels) - 1)


# -- export -----------------------------------------------------------------------------------------


def task(rec: dict) -> dict:
    """A Label Studio task from an export record (see desktop.exporting.records)."""
    text = rec["text"]
    ann, pred = [], []
    rid = {}
    for mt in rec["mentions"]:
        region = {
            "id": f"m{mt['id']}", "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": mt["start"], "end": mt["end"], "text": text[mt["start"]:mt["end"]],
                      "labels": [mt["type"]]},
            "origin": "manual" if mt["status"] == "confirmed" else "prediction",
        }
        if mt["status"] == "confirmed":
            ann.append(region)
            rid[mt["id"]] = "ann"
        elif mt["status"] == "suggested":
            region["score"] = mt["confidence"]
            pred.append(region)
            rid[mt["id"]] = "pred"
    for r in rec["relations"]:
        where = rid.get(r["head"])
        if where and where == rid.get(r["tail"]):
            (ann if where == "ann" else pred).append({
                "from_id": f"m{r['head']}", "to_id": f"m{r['tail']}", "type": "relation",
                "direction": "right", "labels": [r["type"]]})
    out = {"data": {"text": text, "title": rec["title"], "source": rec["source"], "curate_id": rec["id"]},
           "annotations": [{"result": ann, "was_cancelled": False, "ground_truth": False}] if ann else [],
           "predictions": [{"model_version": "curate", "score": 1.0, "result": pred}] if pred else []}
    return out


def dumps_tasks(recs: list[dict]) -> str:
    return json.dumps([task(r) for r in recs], ensure_ascii=False, indent=1) + "\n"


def write_tasks(fh, recs) -> None:
    """What :func:`dumps_tasks` returns, written one task at a time (an export streams its
    records): each task is the list's element indented one level deeper; JSON strings hold no
    raw newline, so indenting every line is exact."""
    first = True
    for r in recs:
        body = json.dumps(task(r), ensure_ascii=False, indent=1).replace("\n", "\n ")
        fh.write(("[\n " if first else ",\n ") + body)
        first = False
    fh.write("[]\n" if first else "\n]\n")


def _xml(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def config(types: list[tuple[str, str]], relation_types: list[str]) -> str:
    """A labeling config for these entity types (name, colour) and relation types."""
    lines = ["<View>", '  <Relations>']
    lines += [f'    <Relation value="{_xml(r)}"/>' for r in relation_types]
    lines += ['  </Relations>', '  <Labels name="label" toName="text">']
    lines += [f'    <Label value="{_xml(n)}" background="{_xml(c)}"/>' for n, c in types]
    lines += ['  </Labels>', '  <Text name="text" value="$text"/>', "</View>", ""]
    return "\n".join(lines)
