"""``python -m matstats`` runs the command-line interface."""

import sys

from matstats.cli import main

sys.exit(main())
