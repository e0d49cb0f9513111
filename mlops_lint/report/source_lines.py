"""The user's source lines behind a location, for code frames and line-move-proof fingerprints."""

from __future__ import annotations

from functools import lru_cache

from mlops_lint.diagnostics import Location
from mlops_lint.source import SourceDocument, SourceError, read_document


_UNSAVED: dict[str, SourceDocument] = {}


def remember(document: SourceDocument) -> None:
    """Show frames from this text rather than the file on disk (source read from stdin is unsaved)."""
    _UNSAVED[document.path] = document


def _document(path: str) -> SourceDocument | None:
    return _UNSAVED.get(path) or _read(path)


@lru_cache(maxsize=64)
def _read(path: str) -> SourceDocument | None:
    try:
        return read_document(path)
    except SourceError:
        return None


def lines_of(location: Location, first: int, last: int) -> list[tuple[int, str]]:
    """``(line, text)`` for lines ``first..last`` of the location's file (or notebook cell), clipped."""
    document = _document(location.path)
    if document is None:
        return []
    lines = document.text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the text's final newline ends the last line; it does not start another
    offset = 0
    if location.cell is not None and document.cell_map is not None:
        try:
            offset = document.cell_map.to_module(location.cell, 1) - 1
        except ValueError:
            return []
        cells = document.cell_map
        index = cells.cells.index(location.cell)
        cell_end = cells.starts[index + 1] - 1 if index + 1 < len(cells.starts) else len(lines)
        last = min(last, cell_end - offset)
    first = max(first, 1)
    last = min(last, len(lines) - offset)
    return [(number, lines[offset + number - 1]) for number in range(first, last + 1)]


def line_text(location: Location) -> str | None:
    found = lines_of(location, location.start.line, location.start.line)
    return found[0][1] if found else None
