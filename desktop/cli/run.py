"""`main`: parse the arguments, run the command, and turn every failure into one line on stderr
(an internal error: one line naming the log file that holds the traceback)."""

from __future__ import annotations

import sys
import traceback
from typing import Optional, Sequence

from desktop.cli.app import cmd_gui
from desktop.cli.common import EXIT_FAIL, EXIT_OK
from desktop.cli.parser import build_parser
from desktop.errors import CurateError


def _log_internal_error(exc: BaseException) -> str:
    try:
        from desktop.paths import user_log_dir

        d = user_log_dir()
        d.mkdir(parents=True, exist_ok=True)
        f = d / "curate.log"
        with open(f, "a", encoding="utf-8") as fh:
            fh.write("".join(traceback.format_exception(exc)))
        return str(f)
    except OSError:
        return "(log not writable)"


def _search_terms_first(argv: list[str]) -> list[str]:
    """`curate search -ভারত`: a word after `search` that starts with '-' but is no option of
    ours is a query, not an option (argparse would refuse it): pass it after '--'."""
    i = 0
    while i < len(argv) and argv[i].startswith("-"):  # global options before the command
        i += 2 if argv[i] == "--db" else 1
    if i >= len(argv) or argv[i] != "search" or "--" in argv:
        return argv
    known = {"-h", "--help", "--json", "--limit"}
    head, rest, terms = argv[:i + 1], [], []
    tail = argv[i + 1:]
    j = 0
    while j < len(tail):
        tok = tail[j]
        if tok.startswith("-") and len(tok) > 1 and tok.split("=", 1)[0] not in known:
            terms.append(tok)
        else:
            rest.append(tok)
            if tok == "--limit" and j + 1 < len(tail):
                rest.append(tail[j + 1])
                j += 1
        j += 1
    return head + rest + (["--", *terms] if terms else [])


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    argv = _search_terms_first(list(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    if args.licenses:
        from desktop.licenses import summary

        print(summary())
        return EXIT_OK
    if not getattr(args, "func", None):
        args.func = cmd_gui
    try:
        return args.func(args)
    except CurateError as exc:
        print(f"curate: {exc}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        print("curate: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # an internal error: one line here, the traceback in the log
        where = _log_internal_error(exc)
        print(f"curate: internal error: {exc.__class__.__name__}: {exc} (details in {where})", file=sys.stderr)
        return 70
