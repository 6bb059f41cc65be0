"""`python -m desktop.cli`, like `curate`."""

import sys

from desktop.cli import main

sys.exit(main())
