"""Hypothesis: any bytes given to any import reader (articles and knowledge base) give an
import or one failure line per problem, never an internal error."""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop import kb_files as kb
from desktop.errors import CurateError
from desktop.importing import SUPPORTED, ImportFailure, import_paths

_FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# bytes that look like what the readers expect, and broken versions of it
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
_structured = st.one_of(
    st.binary(max_size=400),
    _text.map(lambda t: t.encode("utf-8")),
    st.lists(_text, max_size=6).map(lambda xs: ("text,title\n" + "\n".join(xs)).encode("utf-8", "surrogatepass")),
    st.lists(_text, max_size=6).map(lambda xs: "\n".join('{"text": "%s"}' % x for x in xs).encode("utf-8", "surrogatepass")),
    st.sampled_from([b'{"text": "\\ud800"}', b"[" * 5000, b'"a,"b\n"c', b"<html><body>x", b"\xff\xfe\x00\xd8",
                     b"name,type\n\"unterminated,PERSON\nb,PERSON", b'{"entities": [{"name": "\\udfff"}]}']),
)


@pytest.mark.parametrize("ext", SUPPORTED)
@_FUZZ
@given(data=_structured)
def test_article_readers_never_fail_internally(db, tmp_path_factory, ext, data):
    d = tmp_path_factory.mktemp("fuzz")
    f = d / f"input{ext}"
    f.write_bytes(data)
    rep = import_paths(db, [f], detect=False)
    assert all(isinstance(x, ImportFailure) and "\n" not in x.reason for x in rep.failed)
    assert rep.stopped is None
    str(rep.summary())


@pytest.mark.parametrize("ext", [".csv", ".json"])
@_FUZZ
@given(data=_structured)
def test_kb_readers_never_fail_internally(db, tmp_path_factory, ext, data):
    d = tmp_path_factory.mktemp("fuzzkb")
    f = d / f"kb{ext}"
    f.write_bytes(data)
    try:
        rep = (kb.import_json if ext == ".json" else kb.import_csv)(db, f)
    except CurateError as exc:
        assert "\n" not in str(exc)
        return
    assert all(isinstance(x, str) for x in rep.failed)
