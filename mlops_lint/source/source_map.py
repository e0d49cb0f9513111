"""Map module lines of a notebook's joined code back to (cell, line in cell)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from mlops_lint.diagnostics import Location, Position


@dataclass(frozen=True, slots=True)
class CellMap:
    """``starts[i]`` is the module line (1-based) where code cell ``cells[i]`` (1-based notebook index) begins."""

    starts: tuple[int, ...]
    cells: tuple[int, ...]
    # (module line, from column, shift): on that line, columns >= from column lie ``shift`` code
    # points further right in the cell, because a prefix such as ``%time `` was taken out.
    shifts: tuple[tuple[int, int, int], ...] = ()
    # What each code cell's saved outputs hold (``outputs[i]`` for ``cells[i]``; see
    # ``notebook.output_kinds``); None when there is no saved copy to read (an IPython session).
    outputs: tuple[frozenset[str], ...] | None = None
    # The Markdown cells of a saved notebook: (cell number, text), in order.
    notes: tuple[tuple[int, str], ...] = ()
    # Module lines that differ from their cell's line: stand-ins for IPython syntax (``pass  # !ls``),
    # code kept from a magic (``%time x = f()``), lines of a cell read without its margin. A fix may
    # not rewrite them, since the notebook could not be given back as the user wrote it.
    rewritten: frozenset[int] = frozenset()

    def to_cell(self, module_line: int) -> tuple[int, int]:
        """Return ``(cell, line_in_cell)`` for a module line; lines past the end stay in the last cell."""
        if not self.starts:
            return (1, module_line)
        index = max(bisect_right(self.starts, module_line) - 1, 0)
        return (self.cells[index], module_line - self.starts[index] + 1)

    def saved_outputs(self, module_line: int) -> frozenset[str] | None:
        """The kinds of output the saved notebook holds for the cell of this module line, None
        when the notebook was not read from a saved file."""
        if self.outputs is None or not self.starts:
            return None
        index = max(bisect_right(self.starts, module_line) - 1, 0)
        return self.outputs[index]

    def to_cell_column(self, module_line: int, column: int) -> int:
        for line, start, shift in self.shifts:
            if line == module_line and column >= start:
                return column + shift
        return column

    def to_module(self, cell: int, line_in_cell: int) -> int:
        index = self.cells.index(cell)
        return self.starts[index] + line_in_cell - 1

    def to_cell_location(self, location: Location) -> Location:
        """A span in module coordinates as the user sees it: (cell, line in cell, column in cell)."""
        cell, line = self.to_cell(location.start.line)
        end_cell, end_line = self.to_cell(location.end.line)
        start = Position(line, self.to_cell_column(location.start.line, location.start.column))
        end = Position(end_line, self.to_cell_column(location.end.line, location.end.column)) if end_cell == cell else start
        return Location(location.path, start, end, cell)
