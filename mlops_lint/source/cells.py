"""A SourceDocument from cell sources: the code cells of a notebook, or the inputs of an IPython session."""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Mapping

from mlops_lint.source.document import SourceDocument
from mlops_lint.source.notebook import neutralise_cell
from mlops_lint.source.source_map import CellMap


def document_from_cells(path: str, cells: Iterable[tuple[int, str]],
                        outputs: Mapping[int, frozenset[str]] | None = None,
                        notes: tuple[tuple[int, str], ...] = ()) -> SourceDocument:
    """Join ``(number, source)`` cells into one module, IPython syntax neutralised line for line.

    ``number`` is what findings report as their cell: a notebook's 1-based cell index, or an
    IPython session's execution count. Numbers must increase, as the cells are given.
    ``outputs``: what a saved notebook's cells hold as outputs, by number (None: not a saved file);
    ``notes``: its Markdown cells, (number, text).
    """
    parts: list[str] = []
    shifts: list[tuple[int, int, int]] = []
    starts: list[int] = []
    numbers: list[int] = []
    rewritten: list[int] = []
    next_line = 1
    for number, source in cells:
        source = source.replace("\r\n", "\n").replace("\r", "\n")
        if source.endswith("\n"):
            source = source[:-1]
        lines, cell_shifts, cell_rewritten = _neutralised(source)
        shifts.extend((next_line + offset, column, shift) for offset, column, shift in cell_shifts)
        rewritten.extend(next_line + offset for offset in cell_rewritten)
        starts.append(next_line)
        numbers.append(number)
        parts.extend(lines)
        next_line += len(lines)
    text = "\n".join(parts) + ("\n" if parts else "")
    saved = tuple(outputs.get(number, frozenset()) for number in numbers) if outputs is not None else None
    cell_map = CellMap(tuple(starts), tuple(numbers), tuple(shifts), saved, notes, frozenset(rewritten))
    return SourceDocument(path=path, text=text, cell_map=cell_map)


def code_cells_document(path: str, sources: Iterable[str]) -> SourceDocument:
    """What ``notebook_document`` reads from a notebook of these code cells alone, without
    outputs nor metadata (the language server's nbformat JSON of an open notebook), without
    writing and decoding that JSON: cells numbered from 1, each without saved outputs."""
    numbered = list(enumerate(sources, start=1))
    return document_from_cells(path, numbered, dict.fromkeys(range(1, len(numbered) + 1), frozenset()))


# An editor's keystroke makes a cell source that never comes back, so the cache below fills with
# dead versions of the edited cell: only cells up to this size are kept (a larger one costs its
# neutralising each time, small beside its lint), which bounds the cache's memory.
_CACHED_CELL_CHARACTERS = 16_384


def _neutralised(source: str) -> tuple[tuple[str, ...], tuple[tuple[int, int, int], ...], tuple[int, ...]]:
    """A cell's lines as Python, its column shifts and the offsets of the lines that differ from
    the cell's own (by line offset); an IPython session re-lints the same cells after every run,
    so each distinct cell (up to a size) is neutralised once."""
    return _neutralised_kept(source) if len(source) <= _CACHED_CELL_CHARACTERS else _neutralise(source)


def _neutralise(source: str) -> tuple[tuple[str, ...], tuple[tuple[int, int, int], ...], tuple[int, ...]]:
    lines = neutralise_cell(source)
    original = source.split("\n")
    rewritten = tuple(offset for offset, (before, after) in enumerate(zip(original, lines)) if before != after)
    return tuple(lines), tuple(_column_shifts(original, lines, 0)), rewritten


_neutralised_kept = lru_cache(maxsize=2048)(_neutralise)


def _column_shifts(original: list[str], neutralised: list[str], first_line: int) -> list[tuple[int, int, int]]:
    """Where code was kept but moved left, its columns in the cell lie further right.

    ``%time x = f()`` became ``x = f()``, and an indented cell lost its margin: what is left of
    the line is a suffix of the cell's line. Stand-ins (``pass  # !ls``) and blanks are not.
    """
    shifts = []
    for offset, (before, after) in enumerate(zip(original, neutralised)):
        kept = after.lstrip()
        if before != after and kept and before.endswith(kept):
            shifts.append((first_line + offset, len(after) - len(kept), len(before) - len(after)))
    return shifts
