"""The `curate` command line.  With no command it opens the main window.

Errors a user can cause (missing file, bad CSV, locked or damaged database, bad query) print one
line on stderr and exit non-zero; an unexpected internal error prints one line naming the log
file that holds the traceback.

The package: ``run`` (``main``: parsing, dispatch and the one-line errors), ``parser`` (the
argparse tree), one module per group of commands (``articles``: import, detect, learn, export;
``reading``: search, list, stats; ``knowledge``: kb; ``curating``: mention, article, assign,
undo/redo, history; ``database``: check, backup, backups, restore, recover; ``app``: the window
and selftest) and ``common`` (opening the database, output helpers).  Every module imports the
database, detection and window stacks only inside the command that needs them, so
``curate --help`` stays a cold start of a few standard modules.
"""

from desktop.cli.run import main

__all__ = ["main"]
