"""An IPython session's inputs as one notebook-like module, linted after each cell (no IPython import here).

Which version of a cell counts: the kernel's state comes from what ran, in the order it ran, so
the module is the cells in execution order. A cell that runs again replaces its earlier version,
which leaves its old place: the module holds each cell once, at its latest execution. A cell is
the same cell when the front end sends the same cell id with it (JupyterLab, Notebook 7 and VS
Code do); without one (terminal IPython) an input is the same cell as an earlier input with the
very same text. Positions are reported per cell, numbered by execution count (``In [n]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from mlops_lint.catalog import Catalog
from mlops_lint.diagnostics import Diagnostic
from mlops_lint.engine.lint import LintOptions, lint_document_safely
from mlops_lint.engine.prefilter import Prefilter, build_prefilter
from mlops_lint.engine.registry import ENGINE_CODES
from mlops_lint.source.cells import document_from_cells

SESSION_PATH = "<ipython>"

# Rules whose finding says that *nothing else in the module* does something (grades on held-out
# data, records the search, compares with cross-validation, logs the run, saves metadata). Right
# after the cell that triggers them, the cells that would do it are not written yet; they are
# reported by ``%mlops_lint check`` (on the whole session), never below a cell.
CONCLUDED_FROM_LATER_CELLS = frozenset({"MLO204", "MLO302", "MLO402", "MLO403", "MLO602"})


@dataclass(frozen=True, slots=True)
class SessionCell:
    key: str  # what makes a later run the same cell: its cell id, or its text
    number: int  # execution count
    source: str


class SessionCells:
    """The cells executed so far, each at its latest execution, in execution order."""

    def __init__(self) -> None:
        self._cells: dict[str, SessionCell] = {}

    def record(self, number: int, source: str, cell_id: str | None = None) -> SessionCell | None:
        """Add a cell run as ``In [number]``; return the earlier version it replaces, if any."""
        key = f"id:{cell_id}" if cell_id else f"text:{source}"
        replaced = self._cells.pop(key, None)
        self._cells[key] = SessionCell(key, number, source)  # re-inserted last: execution order
        return replaced

    def __iter__(self) -> Iterator[SessionCell]:
        # By execution count: a cell that runs another one inside it (``%%capture``, ``%run``)
        # finishes after it but started before, and its code ran first.
        return iter(sorted(self._cells.values(), key=lambda cell: cell.number))

    def source_line(self, number: int, line: int) -> str:
        """Line ``line`` (1-based) of the cell run as ``In [number]``; empty if there is none."""
        for cell in self._cells.values():
            if cell.number == number:
                lines = cell.source.split("\n")
                return lines[line - 1] if 1 <= line <= len(lines) else ""
        return ""

    def numbers(self) -> set[int]:
        return {cell.number for cell in self._cells.values()}


class SessionLinter:
    """Lints a session's cells with fixed options; keeps the prefilter so a session without ML code costs a scan."""

    def __init__(self, catalog: Catalog, options: LintOptions) -> None:
        self.catalog, self.options = catalog, options
        self._prefilter: Prefilter | None = build_prefilter(catalog, options.selected)

    def lint(self, cells: Iterable[SessionCell]) -> list[Diagnostic]:
        document = document_from_cells(SESSION_PATH, ((cell.number, cell.source) for cell in cells))
        if self._prefilter is not None and not self._prefilter.keeps(document.text):
            return []
        # lint_document pauses the collector (engine/collector.py): a full collection would walk
        # every object of the user's kernel, data frames included.
        return lint_document_safely(document, self.catalog, self.options)


def shown_below(findings: Iterable[Diagnostic], number: int) -> list[Diagnostic]:
    """What to show below the cell just run as ``In [number]``: its own findings, as far as that cell can tell.

    Engine codes stay out: the kernel already judged the cell's syntax (a cell it could not
    compile is not in the session at all), and an internal error belongs to ``%mlops_lint check``.
    """
    return [
        d for d in findings
        if d.location.cell == number and d.code not in CONCLUDED_FROM_LATER_CELLS and d.code not in ENGINE_CODES
    ]


def finding_key(diagnostic: Diagnostic) -> tuple[str, int | None, int, int, str]:
    location = diagnostic.location
    return (diagnostic.code, location.cell, location.start.line, location.start.column, diagnostic.message)


def session_options(catalog: Catalog, cwd: Path, select: tuple[str, ...] | None) -> LintOptions:
    """``[tool.mlops-lint]`` of the pyproject.toml nearest to ``cwd``; ``select`` replaces its selection.

    Raises ConfigError (a bad file) or SelectionError (a bad ``select``), as the CLI does.
    """
    from mlops_lint.config import find_pyproject, load_settings
    from mlops_lint.selection import selected_codes

    settings = load_settings(find_pyproject(cwd), catalog)
    if select is not None:
        selected = selected_codes(catalog, select)
    else:
        selected = selected_codes(catalog, settings.select, settings.extend_select, settings.ignore)
    return LintOptions(selected=selected, rule_options=settings.rule_options)
