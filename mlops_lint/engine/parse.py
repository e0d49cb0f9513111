"""Parse Python text with the stdlib ast, turning every failure into an MLO001 description."""

from __future__ import annotations

import ast
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from mlops_lint.source import SourceDocument

if TYPE_CHECKING:
    from mlops_lint.analysis.walk import WalkIndex

TOO_DEEP = "too deeply nested to parse"


@dataclass(frozen=True, slots=True)
class ParseFailure:
    message: str
    line: int
    column: int  # 0-based, code points


@dataclass(frozen=True, slots=True)
class Parsed:
    """A tree for the parts of a document that parse, and a failure for each part that does not.

    ``text`` is the text the tree was parsed from: the document's text, except that a notebook's
    broken cells are blanked line for line (so every other line keeps its number and columns).
    ``tree`` is None when a .py file does not parse (a notebook always has a tree, maybe empty).
    ``index`` is the tree's walk when it was computed with the parse (engine/reuse.py).
    """

    tree: ast.Module | None
    text: str
    failures: tuple[ParseFailure, ...]
    index: WalkIndex | None = None


def _nul_position(text: str) -> tuple[int, int]:
    index = text.index("\0")
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1)


def parse(text: str, filename: str) -> ast.Module | ParseFailure:
    if "\0" in text:
        # Python 3.11 raises ValueError or a SyntaxError without a position (3.12 gives one):
        # report the first NUL ourselves so the outcome does not depend on the interpreter.
        line, column = _nul_position(text)
        return ParseFailure("SyntaxError: source code cannot contain null bytes", line, column)
    try:
        with warnings.catch_warnings():
            # Invalid escape sequences etc. are the user's business, not ours to print.
            warnings.simplefilter("ignore")
            # Never the real path: given one, CPython re-reads the file from disk to build the
            # SyntaxError, and a BOM there shifted the reported column (x = $ at 1:2, not 1:4).
            return ast.parse(text, filename="<mlops-lint>")
    except SyntaxError as error:  # includes IndentationError and TabError
        # CPython gives SyntaxError positions in code points (1-based offset) for str input.
        line = error.lineno or 1
        column = max((error.offset or 1) - 1, 0)
        return ParseFailure(f"SyntaxError: {error.msg}", line, column)
    except (RecursionError, MemoryError):
        # ast construction overflows past ~3000 nested nodes; the PEG parser reports MemoryError
        # for its own stack (e.g. 10,000 unary minus signs).
        return ParseFailure(f"SyntaxError: {TOO_DEEP}", 1, 0)
    except ValueError as error:  # defensive: other interpreters' refusals of the source string
        return ParseFailure(f"SyntaxError: {error}", 1, 0)


def _shift_lines(tree: ast.Module, offset: int) -> None:
    """``ast.increment_lineno(tree, offset)`` for a tree as ``ast.parse`` makes it, on the fast walk.

    ``ast.walk``'s two generators per node made the shift a third of a long notebook's parsing.
    A class has either no position attributes or all four (contexts and operators, which the
    walk skips, have none).
    """
    from mlops_lint.analysis.walk import walk

    for node in walk(tree):
        if node._attributes:
            node.lineno += offset  # type: ignore[attr-defined]  # a class with positions
            end = node.end_lineno  # type: ignore[attr-defined]
            if end is not None:
                node.end_lineno = end + offset  # type: ignore[attr-defined]


def cell_bounds(document: SourceDocument, lines: list[str]) -> list[int]:
    """Each code cell's first line (1-based), then one past the last cell's last line."""
    cell_map = document.cell_map
    assert cell_map is not None
    return [*cell_map.starts, max(len(lines), cell_map.starts[-1] if cell_map.starts else 1)]


def parse_cell(lines: list[str], start: int, stop: int, path: str) -> ast.Module | ParseFailure:
    """The cell of ``lines[start:stop]`` (0-based) parsed on its own and shifted to its module lines,
    or its failure (at a module line)."""
    result = parse("\n".join(lines[start:stop]) + "\n", path)
    if isinstance(result, ParseFailure):
        # An error at end of input points one line past the cell: keep it in the cell.
        line = min(result.line, max(stop - start, 1)) + start
        return ParseFailure(result.message, line, result.column)
    if start:
        _shift_lines(result, start)
    return result


def _parse_cells(document: SourceDocument) -> Parsed:
    """Jupyter compiles each cell on its own, and so do we: a broken cell is reported, the others analysed.

    Each cell's tree is shifted to its module lines and the bodies are joined into one module, so
    rules see the notebook as one script. A broken cell's lines are blanked in the returned text.
    """
    lines = document.text.split("\n")
    bounds = cell_bounds(document, lines)
    body: list[ast.stmt] = []
    failures: list[ParseFailure] = []
    for index in range(len(bounds) - 1):
        start, stop = bounds[index] - 1, bounds[index + 1] - 1
        result = parse_cell(lines, start, stop, document.path)
        if isinstance(result, ParseFailure):
            failures.append(result)
            lines[start:stop] = [""] * (stop - start)
            continue
        body.extend(result.body)
    return Parsed(ast.Module(body=body, type_ignores=[]), "\n".join(lines), tuple(failures))


def parse_document_afresh(document: SourceDocument) -> Parsed:
    """``parse_document`` without what was handed over: the text's parse from scratch."""
    if document.cell_map is not None:
        return _parse_cells(document)
    result = parse(document.text, document.path)
    if isinstance(result, ParseFailure):
        return Parsed(None, document.text, (result,))
    return Parsed(result, document.text, ())


# The front end of one text, computed ahead by the process that forks the lint of that text (the
# language server, engine/reuse.py): (text, cell starts or None, its Parsed). Set only around the
# fork, so that only the forked child finds it, and taken once: the lint empties the tree.
_handed_over: tuple[str, tuple[int, ...] | None, Parsed] | None = None


@contextmanager
def handed_over(text: str, cell_starts: tuple[int, ...] | None, parsed: Parsed) -> Iterator[None]:
    """While inside, ``parse_document`` of exactly this text (and cells) gives ``parsed`` once.

    Meant around a fork: the child inherits it, the parent takes it back at once (a lint in the
    parent itself would mutate the tree it keeps for the next version)."""
    global _handed_over
    _handed_over = (text, cell_starts, parsed)
    try:
        yield
    finally:
        _handed_over = None


def _take_handed_over(document: SourceDocument) -> Parsed | None:
    global _handed_over
    handed = _handed_over
    if handed is None:
        return None
    text, cell_starts, parsed = handed
    starts = tuple(document.cell_map.starts) if document.cell_map is not None else None
    if text != document.text or cell_starts != starts:
        return None
    _handed_over = None
    return parsed


def parse_document(document: SourceDocument) -> Parsed:
    handed = _take_handed_over(document)
    return handed if handed is not None else parse_document_afresh(document)
