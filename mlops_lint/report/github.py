"""GitHub Actions workflow commands: one ``::error file=…::message`` annotation per finding."""

from __future__ import annotations

from typing import Sequence

from mlops_lint.diagnostics import Diagnostic
from mlops_lint.report.text_safety import valid_unicode

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """The escaping GitHub's runner undoes in a command's message (actions/toolkit ``escapeData``);
    lone surrogates (a file name that is not UTF-8) are shown as ``\xff`` so the line can be written."""
    return valid_unicode(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Property values additionally escape ':' and ',' (actions/toolkit ``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def line(d: Diagnostic) -> str:
    location = d.location
    properties = [("file", location.path)]
    message = d.message
    if location.cell is None:
        properties += [
            ("line", str(location.start.line)),
            ("col", str(location.start.column + 1)),
            ("endLine", str(location.end.line)),
            ("endColumn", str(location.end.column + 1)),
        ]
    else:
        # Lines of the notebook's JSON are not the user's lines: annotate the file, name the cell in the text.
        message = f"cell_{location.cell}:{location.start.line}:{location.start.column + 1}: {message}"
    properties.append(("title", f"{d.code} {d.name}"))
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{_COMMAND[d.severity.value]} {joined}::{escape_data(message)}"


def render(diagnostics: Sequence[Diagnostic]) -> str:
    return "".join(line(d) + "\n" for d in diagnostics)
