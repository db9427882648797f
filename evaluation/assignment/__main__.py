"""``python -m evaluation.assignment assign ...``"""

import sys

from .cli import main

sys.exit(main())
