"""Entry point of the frozen Curate bundle (build_installer.spec): `curate` with no arguments opens
the window, with a command runs the command line — the same as the `curate` console script."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
