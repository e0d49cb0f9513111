"""Human output with rich: the finding, a code frame, its other locations and the rule's page."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Sequence

from mlops_lint.diagnostics import Diagnostic, Location
from mlops_lint.report.concise import place

_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold blue"}


def _frame(location: Location, context: int = 1) -> list[str]:
    """A few numbered lines around the location, read again from the file (cells are not re-read)."""
    if location.cell is not None:
        return []
    try:
        lines = Path(location.path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    first = max(location.start.line - context, 1)
    last = min(location.end.line + context, len(lines))
    width = len(str(last))
    out = []
    for number in range(first, last + 1):
        marker = ">" if location.start.line <= number <= location.end.line else " "
        out.append(f" {marker} {number:>{width}} | {lines[number - 1]}")
    return out


def render(diagnostics: Sequence[Diagnostic], color: bool = False) -> str:
    from rich.console import Console
    from rich.markup import escape

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=120, highlight=False, soft_wrap=True)
    for d in diagnostics:
        console.print(
            f"[bold]{escape(place(d.location))}[/]: [{_STYLE[d.severity.value]}]{d.code}[/] "
            f"[{_STYLE[d.severity.value]}]{escape(d.name)}[/]"
        )
        console.print(f"  {escape(d.message)}")
        for frame_line in _frame(d.location):
            console.print(escape(frame_line), style="dim")
        for related in d.related:
            console.print(f"  [cyan]{escape(related.label)}[/]: {escape(place(related.location))}")
        if d.fix is not None:
            console.print(f"  [green]fixable[/] ({d.fix.applicability.value}): {escape(d.fix.title)}")
        if d.url:
            console.print(f"  [dim]docs: {escape(d.url)}[/]")
        console.print()
    return buffer.getvalue()
