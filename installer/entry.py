"""Entry point of the frozen Curate bundle (build_installer.spec): `curate` with no arguments opens
the window, with a command runs the command line — the same as the `curate` console script."""

import os
import sys


def _coerce_c_locale() -> None:
    """Do what the python executable does at start-up (PEP 538) and the frozen bootloader does
    not: under the plain C/POSIX locale (e.g. an empty environment), use C.UTF-8, so file names,
    Bengali and Hindi text and Qt (which otherwise switches itself and warns on stderr) all work
    in UTF-8."""
    if not sys.platform.startswith("linux") or os.environ.get("LC_ALL"):
        return
    ctype = os.environ.get("LC_CTYPE") or os.environ.get("LANG") or "C"
    if ctype in ("C", "POSIX"):
        os.environ["LC_CTYPE"] = "C.UTF-8"


if __name__ == "__main__":
    _coerce_c_locale()
    from desktop.cli import main

    sys.exit(main())
