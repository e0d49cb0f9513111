"""Read `# noqa` and `# mlops-lint: skip-file` comments, and drop the findings they cover."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass

# flake8's own pattern, so the two front ends agree on what a noqa comment is.
NOQA = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
SKIP_FILE = re.compile(r"#\s*mlops-lint:\s*skip-file\b", re.IGNORECASE)
_MAYBE = re.compile(r"#.*(?:noqa|mlops-lint)", re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)


@dataclass(frozen=True)
class Suppressions:
    skip_file: bool
    # line → None (blanket noqa) or the set of codes named
    noqa: dict[int, frozenset[str] | None]

    def covers(self, code: str, lines: tuple[int, ...]) -> bool:
        for line in lines:
            if line in self.noqa:
                codes = self.noqa[line]
                if codes is None or any(code.startswith(c) for c in codes):
                    return True
        return False


def _comments(text: str) -> list[tuple[int, str]]:
    try:
        return [
            (token.start[0], token.string)
            for token in tokenize.generate_tokens(io.StringIO(text).readline)
            if token.type == tokenize.COMMENT
        ]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # Unparseable text still gets its comments honoured, read line by line.
        return [(number, line[line.index("#"):]) for number, line in enumerate(text.split("\n"), 1) if "#" in line]


def read_suppressions(text: str) -> Suppressions:
    # Tokenizing costs about as much as parsing; most files have no suppression comment at all.
    if not _MAYBE.search(text):
        return Suppressions(False, {})
    skip = False
    noqa: dict[int, frozenset[str] | None] = {}
    for line, comment in _comments(text):
        if SKIP_FILE.search(comment):
            skip = True
        match = NOQA.search(comment)
        if match:
            codes = match.group("codes")
            noqa[line] = frozenset(c.upper() for c in _CODE.findall(codes)) if codes else None
    return Suppressions(skip, noqa)


def statement_starts(tree: ast.AST) -> dict[int, int]:
    """Map each line to the first line of the innermost statement that contains it."""
    starts: dict[int, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                if starts.get(line, 0) < node.lineno:
                    starts[line] = node.lineno
    return starts
