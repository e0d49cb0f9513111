"""Read `# noqa` and `# mlops-lint: skip-file` comments, and drop the findings they cover."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

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
    # line → (first, last) line of the logical line it belongs to, for logical lines of several
    # physical lines (a call over several lines, a multi-line string, a wrapped `for` header)
    logical: dict[int, tuple[int, int]] = field(default_factory=dict)

    def covers(self, code: str, line: int) -> bool:
        """A noqa comment on any physical line of the finding's logical line, as flake8 reads them."""
        first, last = self.logical.get(line, (line, line))
        for candidate in range(first, last + 1):
            if candidate in self.noqa:
                codes = self.noqa[candidate]
                if codes is None or any(code.startswith(c) for c in codes):
                    return True
        return False


_OUTSIDE_LOGICAL_LINES = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT,
                                    tokenize.ENCODING, tokenize.ENDMARKER})


def _comments(text: str) -> tuple[list[tuple[int, str]], list[tuple[int, int]]]:
    """The comments (line, text) and the multi-line logical lines (first, last) of ``text``."""
    comments: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []
    first: int | None = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                comments.append((token.start[0], token.string))
            if token.type == tokenize.NEWLINE:
                if first is not None and token.start[0] > first:
                    spans.append((first, token.start[0]))
                first = None
            elif token.type not in _OUTSIDE_LOGICAL_LINES and first is None:
                first = token.start[0]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # Unparseable text still gets its comments honoured, read line by line.
        return [(number, line[line.index("#"):]) for number, line in enumerate(text.split("\n"), 1) if "#" in line], []
    return comments, spans


def skips_file(text: str) -> bool:
    """Whether a ``# mlops-lint: skip-file`` comment ends the file's lint before it is parsed.

    A comment is a part of the text: without the pattern anywhere in it, no comment has it, and
    the text is not tokenized (``read_suppressions`` is needed only once there are findings).
    """
    return SKIP_FILE.search(text) is not None and read_suppressions(text).skip_file


def read_suppressions(text: str) -> Suppressions:
    # Tokenizing costs about as much as parsing; most files have no suppression comment at all.
    if not _MAYBE.search(text):
        return Suppressions(False, {})
    skip = False
    noqa: dict[int, frozenset[str] | None] = {}
    comments, spans = _comments(text)
    for line, comment in comments:
        if SKIP_FILE.search(comment):
            skip = True
        match = NOQA.search(comment)
        if match:
            codes = match.group("codes")
            noqa[line] = frozenset(c.upper() for c in _CODE.findall(codes)) if codes else None
    logical = {line: span for span in spans for line in range(span[0], span[1] + 1)} if noqa else {}
    return Suppressions(skip, noqa, logical)
