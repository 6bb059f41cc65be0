"""desktop.fileio: safe reading of input files, decoding, formula-safe cells, atomic file sets."""

import os
import stat
import threading

import pytest

from desktop import fileio
from desktop.fileio import AtomicFileSet, FileProblem, decode_text, read_input, recover_leftovers


def test_fifo_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    done = threading.Event()
    result = {}

    def go():
        try:
            read_input(fifo)
        except FileProblem as exc:
            result["reason"] = exc.reason
        done.set()

    threading.Thread(target=go, daemon=True).start()
    assert done.wait(5), "reading a FIFO blocked"
    assert "not a regular file" in result["reason"]


def test_symlink_to_dev_zero_is_refused(tmp_path):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    with pytest.raises(FileProblem, match="not a regular file"):
        read_input(link)


def test_size_limit(tmp_path):
    f = tmp_path / "big.txt"
    f.write_bytes(b"a" * 2000)
    with pytest.raises(FileProblem, match="too large"):
        read_input(f, max_bytes=1000)
    assert read_input(f, max_bytes=2000) == b"a" * 2000


def test_missing_file(tmp_path):
    with pytest.raises(FileProblem, match="no such file or folder"):
        read_input(tmp_path / "nope.txt")


def test_decode():
    assert decode_text(b"\xef\xbb\xbfabc") == "abc"
    assert decode_text("ঢাকা".encode("utf-16")) == "ঢাকা"
    with pytest.raises(FileProblem, match="not UTF-8"):
        decode_text(b"caf\xe9")
    with pytest.raises(FileProblem, match="NUL"):
        decode_text(b"a\x00b")


def test_display_name_of_non_utf8_name(tmp_path):
    name = os.fsdecode(b"bad\xff.txt")
    shown = fileio.display_name(tmp_path / name)
    shown.encode("utf-8")  # printable and storable
    assert "\\xff" in shown


def test_safe_cell_round_trip():
    for cell in ("=1+1", "+x", "-ভারত", "@a", "\tx"):
        assert fileio.safe_cell(cell).startswith("'")
        assert fileio.unsafe_cell(fileio.safe_cell(cell)) == cell
    assert fileio.safe_cell(3) == "3" and fileio.safe_cell(None) == ""


def _no_leftovers(d):
    return [p.name for p in d.iterdir() if p.name.startswith(".")]


def test_atomic_set_appears_together(tmp_path):
    with AtomicFileSet(tmp_path) as files:
        with files.open("a.csv", bom=True) as fh:
            fh.write("x")
        with files.open("b.csv") as fh:
            fh.write("y")
        assert not (tmp_path / "a.csv").exists()
    assert (tmp_path / "a.csv").read_bytes() == b"\xef\xbb\xbfx"
    assert (tmp_path / "b.csv").read_text() == "y"
    assert _no_leftovers(tmp_path) == []


def test_atomic_set_discarded_on_error(tmp_path):
    (tmp_path / "a.csv").write_text("old")
    with pytest.raises(RuntimeError):
        with AtomicFileSet(tmp_path) as files:
            with files.open("a.csv") as fh:
                fh.write("new")
            raise RuntimeError("boom")
    assert (tmp_path / "a.csv").read_text() == "old"
    assert _no_leftovers(tmp_path) == []


def test_files_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        with AtomicFileSet(tmp_path) as files:
            with files.open("a.csv") as fh:
                fh.write("x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.csv").stat().st_mode) == 0o644


def test_killed_before_commit_marker_is_cleaned(tmp_path):
    (tmp_path / "a.csv").write_text("old")
    files = AtomicFileSet(tmp_path)
    with files.open("a.csv") as fh:
        fh.write("new")
    (tmp_path / ".a.csv.x1y2.part").write_text("left by an old export")  # the old export's leftover
    # the process dies here: no commit
    assert recover_leftovers(tmp_path) == 2
    assert (tmp_path / "a.csv").read_text() == "old"
    assert _no_leftovers(tmp_path) == []


def test_killed_between_renames_is_finished(tmp_path):
    (tmp_path / "a.csv").write_text("old a")
    (tmp_path / "b.csv").write_text("old b")
    files = AtomicFileSet(tmp_path)
    for n in ("a.csv", "b.csv"):
        with files.open(n) as fh:
            fh.write("new " + n[0])
    real_replace = os.replace
    calls = []

    def dying_replace(src, dst):
        if str(dst).endswith("b.csv") and not calls:
            calls.append(1)
            raise KeyboardInterrupt  # stands in for the kill between the renames
        return real_replace(src, dst)

    os.replace = dying_replace
    try:
        with pytest.raises(KeyboardInterrupt):
            files.commit()
    finally:
        os.replace = real_replace
    assert (tmp_path / "a.csv").read_text() == "new a"
    assert (tmp_path / "b.csv").read_text() == "old b"  # the mixed state a kill leaves...
    recover_leftovers(tmp_path)  # ...which the next export (or any writer) finishes first
    assert (tmp_path / "b.csv").read_text() == "new b"
    assert _no_leftovers(tmp_path) == []


def test_write_atomic(tmp_path):
    p = fileio.write_atomic(tmp_path / "sub" / "kb.csv", "ভারত", encoding="utf-8-sig")
    assert p.read_bytes().startswith(b"\xef\xbb\xbf")
    assert _no_leftovers(p.parent) == []
