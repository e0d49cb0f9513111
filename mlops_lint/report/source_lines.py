"""The user's source lines behind a location, for code frames and line-move-proof fingerprints."""

from __future__ import annotations

from typing import Iterable

from mlops_lint.diagnostics import Location
from mlops_lint.source import SourceDocument, SourceError, read_document


# Files read from disk kept at once: findings come sorted by path, so a file is rarely read twice,
# and a report over 20,000 files does not hold them all.
_KEPT = 64
# The run reports a file it did not read (too large, not a regular file, a link out of the walked
# folder, undecodable) as MLO002: the reporters must not read it either to quote its lines.
NOT_READ = "MLO002"


class SourceLines:
    """The text behind each location: the documents given (unsaved text, such as stdin) first, else
    the file on disk."""

    def __init__(self, documents: Iterable[SourceDocument] = ()) -> None:
        self._given = {document.path: document for document in documents}
        self._read: dict[str, SourceDocument | None] = {}

    def _document(self, path: str) -> SourceDocument | None:
        if path in self._given:
            return self._given[path]
        if path not in self._read:
            if len(self._read) >= _KEPT:
                del self._read[next(iter(self._read))]
            try:
                self._read[path] = read_document(path)
            except SourceError:
                self._read[path] = None
        return self._read[path]

    def lines_of(self, location: Location, first: int, last: int) -> list[tuple[int, str]]:
        """``(line, text)`` for lines ``first..last`` of the location's file (or notebook cell), clipped."""
        document = self._document(location.path)
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

    def line_text(self, location: Location) -> str | None:
        found = self.lines_of(location, location.start.line, location.start.line)
        return found[0][1] if found else None

