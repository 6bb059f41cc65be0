"""Files in and out: one spelling of each thing every reader and writer needs.

- :func:`read_input` reads one input file safely: only a regular file (a FIFO, a device such as
  ``/dev/zero`` or a socket is refused without waiting on it), never more than a size limit, and a
  clear reason for each refusal.
- :func:`decode_text` turns bytes into text: UTF-8 (BOM optional) or UTF-16 with a BOM; anything
  else is refused, never guessed.
- :func:`safe_cell` / :func:`unsafe_cell`: a CSV cell no spreadsheet runs as a formula (OWASP's
  advice: a leading apostrophe before ``= + - @``, tab or CR), and its inverse.
- :class:`AtomicFileSet` writes several files that appear together or not at all; :func:`write_atomic`
  is the one-file case.

How a set of files appears together: every file is written into one hidden staging folder beside
the targets (``.curate-<random>.part``), flushed and fsynced; then a ``COMMIT`` marker listing the
names is written and fsynced; then each file is renamed into place and the folder fsynced.  A kill
before the marker leaves only the staging folder, which the next write into that folder deletes; a
kill between the renames leaves the marker, and the next write (or :func:`recover_leftovers`)
finishes the renames first.  So a reader never keeps a new ``mentions.csv`` beside an old
``entities.csv``.  Files get the mode the umask gives (``0666 & ~umask``), like any other program's.

Qt-free; no database.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import IO, Optional

from desktop.errors import InputError

#: Default per-file size limit for imports (``--max-file-size``, Preferences).
DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024

_STAGING_PREFIX = ".curate-"
_STAGING_SUFFIX = ".part"
_COMMIT = "COMMIT"


class FileProblem(InputError):
    """One input file cannot be used; ``reason`` is the short reason (no path), ``str()`` names it."""

    def __init__(self, reason: str, path: Optional[os.PathLike | str] = None):
        self.reason = reason
        self.path = None if path is None else str(path)
        super().__init__(f"{self.path}: {reason}" if path is not None else reason)


# -- names ------------------------------------------------------------------------------------------


def display_name(path: os.PathLike | str) -> str:
    """A path as text that can always be printed and stored: bytes of a file name that is not valid
    UTF-8 (kept by Python as surrogate escapes) are shown as ``\\xNN``."""
    s = os.fspath(path)
    if isinstance(s, bytes):
        s = os.fsdecode(s)
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return os.fsencode(s).decode("utf-8", errors="backslashreplace")


# -- reading ----------------------------------------------------------------------------------------


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n} bytes"


def read_input(path: os.PathLike | str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> bytes:
    """The bytes of one regular file, at most ``max_bytes``.  Raises :class:`FileProblem` with one
    reason: no such file or folder, not a regular file, too large, permission denied, cannot read.

    The file is opened non-blocking and checked with ``fstat`` on the open descriptor, so a FIFO
    never blocks and a symlink to a device is judged by what it points to; the read stops one byte
    past the limit, so a file that grows (or lies about its size) never fills memory."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise FileProblem("no such file or folder") from None
    except PermissionError:
        raise FileProblem("permission denied") from None
    except OSError as exc:
        if exc.errno in (errno.ENXIO, errno.EOPNOTSUPP):  # a socket, a FIFO without a writer on some systems
            raise FileProblem("not a regular file") from None
        raise FileProblem(f"cannot read ({exc.strerror})") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise FileProblem("is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise FileProblem("not a regular file (a pipe, device or socket); skipped")
        if st.st_size > max_bytes:
            raise FileProblem(f"too large ({_mb(st.st_size)}; the limit is {_mb(max_bytes)}, see --max-file-size)")
        chunks: list[bytes] = []
        got = 0
        while got <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > max_bytes:
            raise FileProblem(f"too large (over {_mb(max_bytes)}, see --max-file-size)")
        return b"".join(chunks)
    except OSError as exc:
        if exc.errno == errno.EISDIR:
            raise FileProblem("is a folder, not a file") from None
        raise FileProblem(f"cannot read ({exc.strerror})") from None
    finally:
        os.close(fd)


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM optional) or UTF-16 with a BOM.  Raises :class:`FileProblem` otherwise, and for
    text holding NUL characters (a binary file)."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FileProblem(f"broken UTF-16 text ({exc.reason} at byte {exc.start})") from None
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FileProblem(
                f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at byte {exc.start}); "
                "save it as UTF-8 or UTF-16 with BOM"
            ) from None
    if "\x00" in text:
        raise FileProblem("binary data (NUL bytes), not a text file")
    return text


def read_text(path: os.PathLike | str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> str:
    """:func:`read_input` then :func:`decode_text`; errors name the file."""
    try:
        return decode_text(read_input(path, max_bytes))
    except FileProblem as exc:
        raise FileProblem(exc.reason, display_name(path)) from None


# -- CSV cells --------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A CSV cell that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    s = str(value)
    if _formula_like(s):
        return "'" + s
    return s


def _formula_like(s: str) -> bool:
    # also after leading blanks: LibreOffice's "Trim spaces" import option evaluated "  =1+1"
    # and a newline followed by "=" as formulas
    return s.startswith(_FORMULA_START) or s.lstrip()[:1] in ("=", "+", "-", "@")


def unsafe_cell(s: str) -> str:
    """Inverse of :func:`safe_cell` for text cells read back."""
    if len(s) > 1 and s[0] == "'" and _formula_like(s[1:]):
        return s[1:]
    return s


# -- writing ----------------------------------------------------------------------------------------


def current_umask() -> int:
    """The process umask, read without changing it where the system allows."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    old = os.umask(0o022)
    os.umask(old)
    return old


def _fsync_dir(d: Path) -> None:
    with contextlib.suppress(OSError):  # not every system can open a folder
        fd = os.open(d, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _finish(staging: Path) -> None:
    """Complete or discard one staging folder left in its parent."""
    marker = staging / _COMMIT
    names: list[str] = []
    if marker.is_file():
        with contextlib.suppress(OSError, UnicodeDecodeError):
            names = [n for n in marker.read_text(encoding="utf-8").split("\n") if n]
    for name in names:
        src = staging / name
        if src.exists() and "/" not in name and name not in ("", ".", ".."):
            os.replace(src, staging.parent / name)
    if names:
        _fsync_dir(staging.parent)
    shutil.rmtree(staging, ignore_errors=True)


def recover_leftovers(folder: os.PathLike | str) -> int:
    """Finish (when committed) or delete staging folders and ``.part`` files a killed writer left in
    ``folder``.  Returns how many were found."""
    d = Path(folder)
    found = 0
    with contextlib.suppress(OSError):
        for entry in list(d.iterdir()):
            name = entry.name
            if not (name.startswith(".") and name.endswith(_STAGING_SUFFIX)):
                continue
            found += 1
            if entry.is_dir() and name.startswith(_STAGING_PREFIX):
                _finish(entry)
            elif entry.is_file():
                with contextlib.suppress(OSError):
                    entry.unlink()
    return found


class AtomicFileSet:
    """Write several files into ``out_dir``; on :meth:`commit` all appear, on failure or
    :meth:`discard` none does (see the module doc for how).  Use as a context manager::

        with AtomicFileSet(out) as files:
            with files.open("a.csv", bom=True) as fh: ...
            with files.open("b.csv") as fh: ...
        # committed here unless the block raised
    """

    def __init__(self, out_dir: os.PathLike | str):
        self.out_dir = Path(out_dir)
        recover_leftovers(self.out_dir)
        self.staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, suffix=_STAGING_SUFFIX, dir=self.out_dir))
        self._mode = 0o666 & ~current_umask()
        self.names: list[str] = []
        self._open: list[IO] = []
        self._done = False

    def open(self, name: str, *, bom: bool = False, binary: bool = False) -> IO:
        if "/" in name or os.sep in name or name in ("", ".", "..", _COMMIT):
            raise ValueError(f"not a plain file name: {name!r}")
        path = self.staging / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, self._mode)
        os.fchmod(fd, self._mode)
        raw = os.fdopen(fd, "wb")
        fh: IO = raw if binary else io.TextIOWrapper(raw, encoding="utf-8-sig" if bom else "utf-8", newline="")
        self.names.append(name)
        self._open.append(fh)
        return fh

    def commit(self) -> list[Path]:
        """Make every file appear; returns the final paths."""
        for fh in self._open:
            if not fh.closed:
                fh.close()
        for name in self.names:
            fd = os.open(self.staging / name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        marker = self.staging / _COMMIT
        with open(marker, "w", encoding="utf-8") as fh:
            fh.write("\n".join(self.names) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        _fsync_dir(self.staging)
        for name in self.names:
            os.replace(self.staging / name, self.out_dir / name)
        _fsync_dir(self.out_dir)
        shutil.rmtree(self.staging, ignore_errors=True)
        self._done = True
        return [self.out_dir / n for n in self.names]

    def discard(self) -> None:
        for fh in self._open:
            with contextlib.suppress(Exception):
                fh.close()
        shutil.rmtree(self.staging, ignore_errors=True)
        self._done = True

    def __enter__(self) -> "AtomicFileSet":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._done:
            return
        if exc_type is None:
            self.commit()
        else:
            self.discard()


def write_atomic(path: os.PathLike | str, data: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Write one file atomically (fsynced, renamed into place, mode from the umask)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with AtomicFileSet(path.parent) as files:
        if isinstance(data, bytes):
            with files.open(path.name, binary=True) as fh:
                fh.write(data)
        else:
            with files.open(path.name, binary=True) as fh:
                fh.write(data.encode(encoding))
    return path

