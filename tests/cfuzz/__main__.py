"""Print the program of a seed: `python -m cfuzz 5` (from tests/)."""

import sys

from cfuzz import generate

print(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
