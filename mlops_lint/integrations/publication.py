"""Findings as the ``textDocument/publishDiagnostics`` notifications an editor receives, encoded where the lint ran.

pygls publishes by building lsprotocol objects, unstructuring them with cattrs and encoding the
result: for the 1,000 findings of a 5k-line module that, with the decoding of the findings the
lint's child sent, was 50 ms of the server's event loop after each lint. Here a finding becomes
the plain JSON value of its LSP diagnostic directly (the keys pygls writes, in its order), in the
lint's own child process (lint_jobs.py), which sends each notification's body as bytes; the
server frames and writes them as they are. ``tests/integration/test_lsp_publication.py`` pins
these bytes to pygls's own for the same diagnostics.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from lsprotocol import types
from pygls.workspace import TextDocument

from mlops_lint.diagnostics import Diagnostic, Location, Severity

SOURCE = "mlops-lint"
PUBLISH = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error.value,
    Severity.WARNING: types.DiagnosticSeverity.Warning.value,
    Severity.INFO: types.DiagnosticSeverity.Information.value,
}

# An LSP position (0-based line, code-point column) → the same position in the client's units.
Units = Callable[[int, int], "tuple[int, int]"]


def same_units(line: int, column: int) -> tuple[int, int]:
    """For a file the editor has not open: its positions are sent as they are."""
    return line, column


def client_units(document: TextDocument) -> Units:
    """The document's conversion of positions to the client's units, its lines split once: pygls's
    own ``range_to_client_units`` splits the whole text for every range (300 ms for 557 findings)."""
    lines = document.lines
    to_client = document.position_codec.position_to_client_units

    def convert(line: int, column: int) -> tuple[int, int]:
        # On an ASCII line a code point is one unit in every encoding: pygls's answer (the column,
        # at most the line's length) without its count of the units (10 µs a range, 20 ms a lint).
        if line < len(lines) and (text := lines[line]).isascii():
            return line, column if column <= len(text) else len(text)
        at = to_client(lines, types.Position(line=line, character=column))
        return at.line, at.character

    return convert


@dataclass(frozen=True)
class Target:
    """Where a finding's positions land: a document uri and the conversion of its columns to client units."""

    uri: str
    units: Units

    def range(self, location: Location) -> dict[str, Any]:
        """The location (1-based lines, code-point columns) as an LSP range's JSON value."""
        line, character = self.units(location.start.line - 1, location.start.column)
        end_line, end_character = self.units(location.end.line - 1, location.end.column)
        return {"start": {"line": line, "character": character}, "end": {"line": end_line, "character": end_character}}

    def to_client(self, range_: types.Range) -> types.Range:
        """An LSP range in code points, in the client's units."""
        line, character = self.units(range_.start.line, range_.start.character)
        end_line, end_character = self.units(range_.end.line, range_.end.character)
        return types.Range(start=types.Position(line=line, character=character),
                           end=types.Position(line=end_line, character=end_character))


def lsp_diagnostic(diagnostic: Diagnostic, target_of: Callable[[Location], Target]) -> dict[str, Any]:
    """One of our diagnostics as the JSON value of an LSP diagnostic; ``target_of`` maps a location
    to its document. The keys are those pygls writes for the lsprotocol object, in the same order."""
    value: dict[str, Any] = {
        "range": target_of(diagnostic.location).range(diagnostic.location),
        "message": diagnostic.message,
        "severity": _SEVERITY[diagnostic.severity],
        "code": diagnostic.code,
    }
    if diagnostic.url:
        value["codeDescription"] = {"href": diagnostic.url}
    value["source"] = SOURCE
    if diagnostic.related:
        value["relatedInformation"] = [
            {"location": {"uri": (other := target_of(item.location)).uri, "range": other.range(item.location)},
             "message": item.label}
            for item in diagnostic.related
        ]
    return value


def notification_body(uri: str, diagnostics: list[dict[str, Any]], version: int | None) -> bytes:
    """The JSON-RPC notification publishing ``diagnostics`` for ``uri``, as pygls encodes it (ASCII)."""
    params: dict[str, Any] = {"uri": uri, "diagnostics": diagnostics}
    if version is not None:
        params["version"] = version
    return json.dumps({"params": params, "method": PUBLISH, "jsonrpc": "2.0"}).encode("ascii")
