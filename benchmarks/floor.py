"""The floor every timing is compared with: read each listed file and ast.parse it, in one process.

    python benchmarks/floor.py FILE_LIST      (one path per line)
"""

import ast
import sys
import warnings

warnings.simplefilter("ignore")
with open(sys.argv[1], encoding="utf-8") as listing:
    paths = listing.read().splitlines()
for path in paths:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        ast.parse(data)
    except (SyntaxError, ValueError):
        pass
