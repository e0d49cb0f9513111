"""Findings of an IPython session as a display bundle: HTML for rich front ends, plain text for a terminal."""

from __future__ import annotations

from html import escape
from typing import Callable, Sequence

from mlops_lint.diagnostics import Diagnostic, Severity

# Translucent tints read on light and dark themes alike (JupyterLab, VS Code, Colab).
_COLOUR = {Severity.ERROR: "217, 83, 79", Severity.WARNING: "240, 173, 78", Severity.INFO: "91, 192, 222"}
_BOX = (
    "border-left: 4px solid rgb({rgb}); background: rgba({rgb}, 0.10); padding: 4px 10px; margin: 4px 0;"
    " font-family: var(--jp-ui-font-family, -apple-system, 'Segoe UI', sans-serif); font-size: 13px; line-height: 1.45;"
)

# (execution count, line) → the text of that line in the session, for the "fitted here" line.
LineOf = Callable[[int, int], str]


def _where(diagnostic: Diagnostic, with_cell: bool) -> str:
    location = diagnostic.location
    place = f"line {location.start.line}, col {location.start.column + 1}"
    return f"cell [{location.cell}], {place}" if with_cell and location.cell is not None else place


def _related(diagnostic: Diagnostic, line_of: LineOf) -> list[tuple[str, str, str]]:
    """(label, "cell [n], line k", the line's text) for each related location."""
    rows = []
    for related in diagnostic.related:
        location = related.location
        cell = location.cell if location.cell is not None else 0
        rows.append((related.label, f"cell [{cell}], line {location.start.line}", line_of(cell, location.start.line).strip()))
    return rows


def plain_text(diagnostics: Sequence[Diagnostic], line_of: LineOf, heading: str, with_cell: bool = False) -> str:
    lines = [heading]
    for diagnostic in diagnostics:
        lines.append(f"  {_where(diagnostic, with_cell)}: {diagnostic.code} [{diagnostic.name}] {diagnostic.message}")
        for label, where, text in _related(diagnostic, line_of):
            lines.append(f"      {label}: {where}: {text}" if text else f"      {label}: {where}")
        if diagnostic.url:
            lines.append(f"      {diagnostic.url}")
    return "\n".join(lines)


def html(diagnostics: Sequence[Diagnostic], line_of: LineOf, heading: str, with_cell: bool = False) -> str:
    parts = [f'<div class="mlops-lint"><div style="font-size: 12px; opacity: 0.75; margin-top: 4px;">{escape(heading)}</div>']
    for diagnostic in diagnostics:
        code = escape(diagnostic.code)
        if diagnostic.url:
            code = f'<a href="{escape(diagnostic.url)}" target="_blank" rel="noopener noreferrer">{code}</a>'
        parts.append(
            f'<div style="{_BOX.format(rgb=_COLOUR[diagnostic.severity])}">'
            f"<div><b>{code}</b> <span style=\"opacity: 0.75;\">{escape(diagnostic.name)}</span>"
            f" · {escape(_where(diagnostic, with_cell))}</div>"
            f"<div>{escape(diagnostic.message)}</div>"
        )
        for label, where, text in _related(diagnostic, line_of):
            code_line = f": <code>{escape(text)}</code>" if text else ""
            parts.append(f'<div style="opacity: 0.85;">↳ {escape(label)}: {escape(where)}{code_line}</div>')
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def bundle(diagnostics: Sequence[Diagnostic], line_of: LineOf, heading: str, with_cell: bool = False) -> dict[str, str]:
    """A MIME bundle: front ends that render HTML pick it, a terminal prints the text."""
    return {
        "text/plain": plain_text(diagnostics, line_of, heading, with_cell),
        "text/html": html(diagnostics, line_of, heading, with_cell),
    }


def heading(count: int, where: str) -> str:
    return f"mlops-lint: {count} finding{'s' if count != 1 else ''} {where}"
