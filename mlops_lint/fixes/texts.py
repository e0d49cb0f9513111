"""What a fix edits: a Python module's text, or a notebook's code cells joined into one module.

Fixes speak module coordinates. A script takes any edit. A notebook takes an edit only inside one
cell (an edit ending at the start of the next cell ends its own cell) and away from the lines
that stand in for IPython syntax (``!pip``, ``%%time``, ``%time x = f()``), which the joined module
shows as Python; each edit then lands in its own cell, and every line remembers the cell line it
came from, so writing back copies untouched lines (magics included) exactly as they were.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Sequence

from mlops_lint.diagnostics import Position, TextEdit
from mlops_lint.fixes.edits import apply_edits
from mlops_lint.source import SourceDocument
from mlops_lint.source.notebook import parses
from mlops_lint.source.source_map import CellMap


class NotExpressible(Exception):
    """An edit the file cannot hold (a notebook edit across cells or on an IPython line)."""


@dataclass(frozen=True)
class ScriptText:
    path: str
    text: str

    def document(self) -> SourceDocument:
        return SourceDocument(self.path, self.text)

    def check(self, edits: Sequence[TextEdit]) -> None:
        """Any edit is expressible in a script."""

    def edited(self, edits: Sequence[TextEdit]) -> ScriptText:
        return ScriptText(self.path, apply_edits(self.text, edits))

    def breaks_parse(self, before: ScriptText) -> bool:
        return parses(before.text) and not parses(self.text)


@dataclass(frozen=True)
class Cell:
    number: int  # the notebook's cell number (among all cells), as findings report it
    lines: tuple[str, ...]  # the cell as the module shows it (IPython syntax neutralised)
    origins: tuple[int | None, ...]  # per line: the cell line it still is, None once a fix wrote it
    original: tuple[str, ...] = field(repr=False)  # the cell's lines as saved
    # The cell lines that the module shows otherwise than saved (IPython syntax neutralised).
    rewritten: frozenset[int] = field(default=frozenset(), repr=False)

    def protected(self, index: int) -> bool:
        origin = self.origins[index]
        return origin is not None and origin in self.rewritten

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    @property
    def source(self) -> str:
        """The cell's source to save: untouched lines as they were, magics included."""
        return "\n".join(self.original[o] if o is not None else line for line, o in zip(self.lines, self.origins))


@dataclass(frozen=True)
class NotebookText:
    path: str
    cells: tuple[Cell, ...]
    # What the notebook holds besides its code, which rules read too (MLO302: saved outputs and
    # Markdown notes are a record). A fix edits code only, so each round's lint sees them unchanged.
    outputs: tuple[frozenset[str], ...] | None = None
    notes: tuple[tuple[int, str], ...] = ()

    @classmethod
    def shown(cls, document: SourceDocument) -> NotebookText:
        """The notebook as its joined module shows it, its IPython lines known from the cell map:
        enough to tell whether edits are expressible (``check``) before any saved source is read."""
        cell_map = document.cell_map
        assert cell_map is not None
        rewritten: dict[int, set[int]] = {}
        for line in cell_map.rewritten:
            number, line_in_cell = cell_map.to_cell(line)
            rewritten.setdefault(number, set()).add(line_in_cell - 1)
        lines = document.text.split("\n")
        starts = [*cell_map.starts, len(lines)]
        cells = []
        for index, number in enumerate(cell_map.cells):
            neutral = tuple(lines[starts[index] - 1: starts[index + 1] - 1])
            cells.append(Cell(number, neutral, tuple(range(len(neutral))), neutral, frozenset(rewritten.get(number, ()))))
        return cls(document.path, tuple(cells), cell_map.outputs, cell_map.notes)

    @classmethod
    def of(cls, document: SourceDocument, original_sources: dict[int, str]) -> NotebookText:
        """The notebook as the fixer edits it: ``document`` (its joined module) and each code cell's saved source."""
        shown = cls.shown(document)
        return replace(shown, cells=tuple(_saved(cell, original_sources.get(cell.number, "")) for cell in shown.cells))

    @cached_property
    def starts(self) -> list[int]:
        """Each cell's first module line; computed once per instance (each fix proposal in a notebook
        places its edits: per edit, this was a pass over every cell)."""
        starts, line = [], 1
        for cell in self.cells:
            starts.append(line)
            line += len(cell.lines)
        return starts

    @property
    def text(self) -> str:
        return "".join(cell.text for cell in self.cells)

    def document(self) -> SourceDocument:
        rewritten = frozenset(start + index for start, cell in zip(self.starts, self.cells)
                              for index in range(len(cell.lines)) if cell.protected(index))
        return SourceDocument(self.path, self.text, CellMap(tuple(self.starts), tuple(c.number for c in self.cells),
                                                            outputs=self.outputs, notes=self.notes, rewritten=rewritten))

    def _place(self, edit: TextEdit) -> tuple[int, TextEdit]:
        """The cell an edit lands in, and the edit in that cell's coordinates."""
        starts = self.starts
        # The last cell starting at or before the line (starts ascend): a bisection, not a scan.
        index = bisect_right(starts, edit.start.line) - 1 if edit.start.line >= 1 else 0
        cell = self.cells[index]
        first, after = starts[index], starts[index] + len(cell.lines)
        end = edit.end
        if end.line >= after and not (end.line == after and end.column == 0):
            raise NotExpressible(f"it spans cells {cell.number} and {self._cell_of(end.line)}, which a notebook cannot express")
        return index, TextEdit(Position(edit.start.line - first + 1, edit.start.column), Position(end.line - first + 1, end.column), edit.new_text)

    def _cell_of(self, line: int) -> int:
        starts = self.starts
        index = bisect_right(starts, line) - 1
        if index < 0:
            index = len(starts) - 1
        return self.cells[index].number

    def check(self, edits: Sequence[TextEdit]) -> None:
        self.edited(edits)

    def edited(self, edits: Sequence[TextEdit]) -> NotebookText:
        by_cell: dict[int, list[TextEdit]] = {}
        for edit in edits:
            index, local = self._place(edit)
            by_cell.setdefault(index, []).append(local)
        cells = list(self.cells)
        for index, local_edits in by_cell.items():
            cells[index] = _edited_cell(cells[index], local_edits)
        return replace(self, cells=tuple(cells))

    def breaks_parse(self, before: NotebookText) -> bool:
        """A cell that parsed before and does not now (Jupyter compiles each cell on its own)."""
        return any(new.lines != old.lines and parses("\n".join(old.lines)) and not parses("\n".join(new.lines))
                   for new, old in zip(self.cells, before.cells))

    def changed_sources(self, before: NotebookText) -> dict[int, str]:
        """Cell number → its new saved source, for the cells that changed."""
        return {new.number: new.source for new, old in zip(self.cells, before.cells) if new.lines != old.lines}


def _saved(cell: Cell, source: str) -> Cell:
    """``cell`` with its lines as saved, which writing back copies for the lines no fix touched."""
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    original = tuple((source[:-1] if source.endswith("\n") else source).split("\n"))
    if len(original) != len(cell.lines):
        return cell  # the saved cell does not line up: no line of it is copied back
    return replace(cell, original=original)


def _edited_cell(cell: Cell, edits: list[TextEdit]) -> Cell:
    """Apply cell-coordinate edits, last first; a line an edit rewrote loses its origin."""
    rows: list[tuple[str, int | None]] = [*zip(cell.lines, cell.origins), ("", None)]  # "" : after the final newline
    # Last first, so earlier positions hold; insertions at one place keep their given order.
    ordered = sorted(enumerate(dict.fromkeys(edits)), key=lambda pair: (pair[1].start, pair[1].end, pair[0]), reverse=True)
    for _, edit in ordered:
        rows = _edited_rows(rows, edit)
    if rows[-1][0] != "":
        raise NotExpressible(f"it would join cell {cell.number} to the next one")
    rows = rows[:-1] or [("", None)]
    kept = {origin for _, origin in rows if origin is not None}
    if any(cell.protected(i) and cell.origins[i] not in kept for i in range(len(cell.lines))):
        raise NotExpressible(f"it would change a line of cell {cell.number} that holds IPython syntax")
    return Cell(cell.number, tuple(t for t, _ in rows), tuple(o for _, o in rows), cell.original, cell.rewritten)


def _edited_rows(rows: list[tuple[str, int | None]], edit: TextEdit) -> list[tuple[str, int | None]]:
    start_line, end_line = edit.start.line, min(edit.end.line, len(rows))
    end_column = edit.end.column if edit.end.line <= len(rows) else len(rows[-1][0])
    first, last = rows[start_line - 1], rows[end_line - 1]
    prefix, suffix = first[0][: edit.start.column], last[0][end_column:]
    new = (prefix + edit.new_text + suffix).split("\n")
    origins: list[int | None] = [None] * len(new)
    # A line the edit only appended to (``insert_after``) or only inserted before (``insert_before``,
    # a deleted line above it) is still the line it was.
    if edit.start.column == len(first[0]) and edit.new_text.startswith("\n"):
        origins[0] = first[1]
    elif end_column == 0 and (end_line > start_line or edit.new_text.endswith("\n")):
        origins[-1] = last[1]
    return [*rows[: start_line - 1], *zip(new, origins), *rows[end_line:]]
