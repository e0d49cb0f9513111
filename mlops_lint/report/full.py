"""Human output with rich: the finding, a code frame, its other locations, the fix, the rule's page."""

from __future__ import annotations

import io
from typing import Sequence

from mlops_lint.diagnostics import Diagnostic, Location
from mlops_lint.report.concise import place
from mlops_lint.report.source_lines import NOT_READ, SourceLines
from mlops_lint.report.text_safety import printable

_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold blue"}


def _frame(sources: SourceLines, location: Location, context: int = 1) -> list[str]:
    """A few numbered lines around the location ('>' marks the finding's own lines)."""
    lines = sources.lines_of(location, location.start.line - context, location.end.line + context)
    if not lines:
        return []
    width = len(str(lines[-1][0]))
    return [
        f" {'>' if location.start.line <= number <= location.end.line else ' '} {number:>{width}} | {printable(text)}".rstrip()
        for number, text in lines
    ]


def render(diagnostics: Sequence[Diagnostic], color: bool = False, sources: SourceLines | None = None) -> str:
    """``sources``: the text behind the findings (unsaved stdin included); default, the files on disk.

    No summary line: the command line prints one on stderr for every human format (report/summary.py).
    """
    from rich.console import Console
    from rich.markup import escape

    sources = sources or SourceLines()
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=120, highlight=False, soft_wrap=True)
    for d in diagnostics:
        # place() escapes the file name; the message quotes the tree's literals: control characters
        # are shown escaped (report/text_safety.py), and rich markup in them is escaped too.
        style = _STYLE[d.severity.value]
        console.print(f"[bold]{escape(place(d.location))}[/]: [{style}]{d.code}[/] [{style}]{escape(d.name)}[/]")
        console.print(f"  {escape(printable(d.message))}")
        for frame_line in _frame(sources, d.location) if d.code != NOT_READ else ():
            console.print(escape(frame_line), style="dim")
        for related in d.related:
            console.print(f"  [cyan]{escape(printable(related.label))}[/]: {escape(place(related.location))}")
            if related.location.path != d.location.path:  # a place in another file: show it too
                for frame_line in _frame(sources, related.location, context=0):
                    console.print("  " + escape(frame_line), style="dim")
        if d.fix is not None:
            console.print(f"  [green]fixable[/] ({d.fix.applicability.value}): {escape(printable(d.fix.title))}")
        if d.url:
            console.print(f"  [dim]docs: {escape(d.url)}[/]")
        console.print()
    return buffer.getvalue()
