"""Allows ``python -m expertise.engine score ...``."""

import sys

from expertise.engine.cli import main

sys.exit(main())
