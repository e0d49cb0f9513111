"""flake8's format: ``path:line:col: CODE message``, 1-based line and column; notebooks add ``cell_N``.

File names and messages come from the linted tree: control characters are escaped (report/text_safety.py),
so one finding is always exactly one line and nothing reaches the terminal as an escape sequence.
"""

from __future__ import annotations

from typing import Sequence

from mlops_lint.diagnostics import Diagnostic, Location
from mlops_lint.report.text_safety import printable


def place(location: Location) -> str:
    path = printable(location.path)
    prefix = f"{path}:cell_{location.cell}" if location.cell is not None else path
    return f"{prefix}:{location.start.line}:{location.start.column + 1}"


def line(diagnostic: Diagnostic) -> str:
    return f"{place(diagnostic.location)}: {diagnostic.code} {printable(diagnostic.message)}"


def render(diagnostics: Sequence[Diagnostic]) -> str:
    return "".join(line(d) + "\n" for d in diagnostics)
