"""The floor every timing is compared with: read each listed file and ast.parse it, in one process.

    python benchmarks/floor.py FILE_LIST      (one path per line)

``parse_all`` is the same floor for a benchmark that times it in its own process (project_steps.py).
"""

import ast
import sys
import warnings


def parse_all(paths: list[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in paths:
            with open(path, "rb") as handle:
                data = handle.read()
            try:
                ast.parse(data)
            except (SyntaxError, ValueError):
                pass


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as listing:
        parse_all(listing.read().splitlines())
