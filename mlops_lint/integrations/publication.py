"""Findings as the ``textDocument/publishDiagnostics`` notifications an editor receives, encoded where the lint ran.

pygls publishes by building lsprotocol objects, unstructuring them with cattrs and encoding the
result: for the 1,000 findings of a 5k-line module that, with the decoding of the findings the
lint's child sent, was 50 ms of the server's event loop after each lint. Here a finding becomes
the JSON text of its LSP diagnostic directly (the keys pygls writes, in its order, as json.dumps
writes them), in the lint's own child process (lint_jobs.py), which sends each notification's body
as bytes; the server frames and writes them as they are. (``lsp_diagnostic``, the same diagnostic
as a JSON value, serves the code actions.) ``tests/integration/test_lsp_publication.py`` pins
these bytes to pygls's own for the same diagnostics.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii as _json_string  # json.dumps's own encoding of a str (ASCII)
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

    def range_json(self, location: Location) -> str:
        """``range`` as json.dumps writes it."""
        line, character = self.units(location.start.line - 1, location.start.column)
        end_line, end_character = self.units(location.end.line - 1, location.end.column)
        return (f'{{"start": {{"line": {line}, "character": {character}}}, '
                f'"end": {{"line": {end_line}, "character": {end_character}}}}}')

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


class DiagnosticJson:
    """Our diagnostics as the JSON text of their LSP diagnostics: ``json.dumps(lsp_diagnostic(...))``,
    written directly. A long module's thousand findings took 5 ms to become dictionaries and 7 ms
    to encode in the lint's child, on every keystroke; the text of what a rule's findings share
    (severity, code, link, source) is written once per rule here.
    ``tests/integration/test_lsp_publication.py`` checks it is json.dumps's text, byte for byte."""

    def __init__(self, target_of: Callable[[Location], Target]) -> None:
        self.target_of = target_of
        self._rule_parts: dict[tuple[Severity, str, str], str] = {}

    def _rule_part(self, diagnostic: Diagnostic) -> str:
        key = (diagnostic.severity, diagnostic.code, diagnostic.url)
        part = self._rule_parts.get(key)
        if part is None:
            part = f'"severity": {_SEVERITY[diagnostic.severity]}, "code": {_json_string(diagnostic.code)}'
            if diagnostic.url:
                part += f', "codeDescription": {{"href": {_json_string(diagnostic.url)}}}'
            part = self._rule_parts[key] = f'{part}, "source": {_json_string(SOURCE)}'
        return part

    def __call__(self, diagnostic: Diagnostic) -> str:
        target_of = self.target_of
        location = diagnostic.location
        text = (f'{{"range": {target_of(location).range_json(location)}, "message": {_json_string(diagnostic.message)}, '
                f'{self._rule_part(diagnostic)}')
        if diagnostic.related:
            items = []
            for item in diagnostic.related:
                other = target_of(item.location)
                items.append(f'{{"location": {{"uri": {_json_string(other.uri)}, "range": {other.range_json(item.location)}}}, '
                             f'"message": {_json_string(item.label)}}}')
            text += f', "relatedInformation": [{", ".join(items)}]'
        return text + "}"


def notification_json(uri: str, diagnostics: list[str], version: int | None) -> bytes:
    """The JSON-RPC notification publishing ``diagnostics`` (JSON texts: ``DiagnosticJson``) for
    ``uri``, as pygls encodes it (ASCII)."""
    text = f'{{"params": {{"uri": {_json_string(uri)}, "diagnostics": [{", ".join(diagnostics)}]'
    if version is not None:
        text += f', "version": {json.dumps(version)}'
    return f'{text}}}, "method": {_json_string(PUBLISH)}, "jsonrpc": "2.0"}}'.encode("ascii")
