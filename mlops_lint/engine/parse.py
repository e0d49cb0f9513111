"""Parse Python text with the stdlib ast, turning every failure into an MLO001 description."""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass

from mlops_lint.source import SourceDocument

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
    """

    tree: ast.Module | None
    text: str
    failures: tuple[ParseFailure, ...]


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


def _parse_cells(document: SourceDocument) -> Parsed:
    """Jupyter compiles each cell on its own, and so do we: a broken cell is reported, the others analysed.

    Each cell's tree is shifted to its module lines and the bodies are joined into one module, so
    rules see the notebook as one script. A broken cell's lines are blanked in the returned text.
    """
    cell_map = document.cell_map
    assert cell_map is not None
    lines = document.text.split("\n")
    bounds = [*cell_map.starts, max(len(lines), cell_map.starts[-1] if cell_map.starts else 1)]
    body: list[ast.stmt] = []
    failures: list[ParseFailure] = []
    for index in range(len(cell_map.starts)):
        start, stop = bounds[index] - 1, bounds[index + 1] - 1
        result = parse("\n".join(lines[start:stop]) + "\n", document.path)
        if isinstance(result, ParseFailure):
            # An error at end of input points one line past the cell: keep it in the cell.
            line = min(result.line, max(stop - start, 1)) + start
            failures.append(ParseFailure(result.message, line, result.column))
            lines[start:stop] = [""] * (stop - start)
            continue
        if start:
            _shift_lines(result, start)
        body.extend(result.body)
    return Parsed(ast.Module(body=body, type_ignores=[]), "\n".join(lines), tuple(failures))


def parse_document(document: SourceDocument) -> Parsed:
    if document.cell_map is not None:
        return _parse_cells(document)
    result = parse(document.text, document.path)
    if isinstance(result, ParseFailure):
        return Parsed(None, document.text, (result,))
    return Parsed(result, document.text, ())
