"""flake8's format: ``path:line:col: CODE message``, 1-based line and column; notebooks add ``cell_N``."""

from __future__ import annotations

from typing import Sequence

from mlops_lint.diagnostics import Diagnostic, Location


def place(location: Location) -> str:
    prefix = f"{location.path}:cell_{location.cell}" if location.cell is not None else location.path
    return f"{prefix}:{location.start.line}:{location.start.column + 1}"


def line(diagnostic: Diagnostic) -> str:
    return f"{place(diagnostic.location)}: {diagnostic.code} {diagnostic.message}"


def render(diagnostics: Sequence[Diagnostic]) -> str:
    return "".join(line(d) + "\n" for d in diagnostics)
