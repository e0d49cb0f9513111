"""The notifications the lint's child encodes (integrations/publication.py) are the bytes pygls sends
for the same diagnostics as lsprotocol objects: what the editor receives did not change."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytest.importorskip("pygls")

from lsprotocol import types  # noqa: E402
from pygls.workspace import PositionCodec, TextDocument  # noqa: E402

from mlops_lint.diagnostics import Diagnostic, Location, Position, Related, Severity  # noqa: E402
from mlops_lint.integrations.lint_jobs import Publication  # noqa: E402
from mlops_lint.integrations.lsp import MlopsLintServer, Published  # noqa: E402
from mlops_lint.integrations.publication import (  # noqa: E402
    DiagnosticJson,
    Target,
    client_units,
    lsp_diagnostic,
    notification_json,
    same_units,
)

TEXT = "x = 1\n𝒳 = f(a)  # é\n\nlast = 'ü'\n"
URI = "file:///project/t.py"
OTHER = "file:///project/other.py"
LEVELS = {Severity.ERROR: types.DiagnosticSeverity.Error, Severity.WARNING: types.DiagnosticSeverity.Warning,
          Severity.INFO: types.DiagnosticSeverity.Information}


def _at(line: int, column: int, end_line: int, end_column: int, path: str = "/project/t.py") -> Location:
    return Location(path, Position(line, column), Position(end_line, end_column))


DIAGNOSTICS = [
    Diagnostic("MLO101", "leak", "fitted on 'X' → before the split \"é\"\n", Severity.ERROR, _at(2, 4, 2, 8),
               related=(Related(_at(1, 0, 1, 5), "fitted here"), Related(_at(3, 0, 3, 2, "/project/other.py"), "ü there")),
               url="https://example.org/MLO101"),
    Diagnostic("MLO402", "seed", "no seed", Severity.WARNING, _at(4, 0, 4, 40)),  # past the line's end
    Diagnostic("MLO203", "info", "lone \udcff surrogate", Severity.INFO, _at(9, 3, 9, 4), url=""),  # past the last line
]


def _reference(diagnostic: Diagnostic, target_of: Any) -> types.Diagnostic:
    """The lsprotocol object the server built for a finding before it encoded findings itself."""
    def range_(location: Location) -> types.Range:
        return target_of(location).to_client(types.Range(
            start=types.Position(line=location.start.line - 1, character=location.start.column),
            end=types.Position(line=location.end.line - 1, character=location.end.column)))

    related = [types.DiagnosticRelatedInformation(location=types.Location(uri=target_of(r.location).uri, range=range_(r.location)),
                                                  message=r.label) for r in diagnostic.related]
    return types.Diagnostic(range=range_(diagnostic.location), message=diagnostic.message, severity=LEVELS[diagnostic.severity],
                            code=diagnostic.code, source="mlops-lint", related_information=related or None,
                            code_description=types.CodeDescription(href=diagnostic.url) if diagnostic.url else None)


class Capture:
    def __init__(self) -> None:
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.written.append(data)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
@pytest.mark.parametrize("version", [7, None])
def test_a_publication_is_the_bytes_pygls_sends_for_the_same_diagnostics(encoding, version):
    document = TextDocument(URI, TEXT, position_codec=PositionCodec(types.PositionEncodingKind(encoding)))
    here, there = Target(URI, client_units(document)), Target(OTHER, same_units)

    def target_of(location: Location) -> Target:
        return there if location.path.endswith("other.py") else here

    pygls_server, ours = MlopsLintServer(), MlopsLintServer()
    pygls_server.protocol.set_writer(pygls_writer := Capture())
    ours.protocol.set_writer(our_writer := Capture())
    reference = [_reference(d, target_of) for d in DIAGNOSTICS]
    pygls_server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=URI, diagnostics=reference, version=version))
    as_json = DiagnosticJson(target_of)
    ours._send((Publication(URI, notification_json(URI, [as_json(d) for d in DIAGNOSTICS], version)),))

    assert our_writer.written == pygls_writer.written and len(our_writer.written) == 1
    # "𝒳" before the first finding's column is one code point, and 4, 2 or 1 units in the client's encoding.
    assert reference[0].range.start.character == {"utf-8": 7, "utf-16": 5, "utf-32": 4}[encoding]
    assert ours.published[URI].keys() == [(d.code, d.range.start.line, d.range.start.character) for d in reference]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_diagnostics_json_text_is_json_dumps_of_its_lsp_value(encoding):
    document = TextDocument(URI, TEXT, position_codec=PositionCodec(types.PositionEncodingKind(encoding)))
    here, there = Target(URI, client_units(document)), Target(OTHER, same_units)

    def target_of(location: Location) -> Target:
        return there if location.path.endswith("other.py") else here

    as_json = DiagnosticJson(target_of)
    again = Diagnostic("MLO101", "leak", "another 'message'", Severity.ERROR, _at(1, 0, 1, 1), url="https://example.org/MLO101")
    for diagnostic in (*DIAGNOSTICS, again):  # the second finding of a rule reuses the text of what they share
        assert as_json(diagnostic) == json.dumps(lsp_diagnostic(diagnostic, target_of))


def test_notifications_of_several_documents_go_out_in_one_write_each_framed_as_pygls_frames_it():
    pygls_server, ours = MlopsLintServer(), MlopsLintServer()
    pygls_server.protocol.set_writer(pygls_writer := Capture())
    ours.protocol.set_writer(our_writer := Capture())
    for uri in (URI, OTHER):
        pygls_server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[], version=1))
    ours._send(tuple(Publication(uri, notification_json(uri, [], 1)) for uri in (URI, OTHER)))
    assert our_writer.written == [b"".join(pygls_writer.written)]
    assert isinstance(ours.published[OTHER], Published) and ours.published[OTHER].keys() == []


def test_a_documents_changed_diagnostics_are_written_before_the_unchanged_ones():
    # A notebook republishes every cell on each lint: the cells whose diagnostics changed go first.
    server = MlopsLintServer()
    server.protocol.set_writer(writer := Capture())
    cells = [f"vscode-notebook-cell:/n.ipynb#C{n}" for n in range(4)]
    server._send(tuple(Publication(uri, notification_json(uri, [], 1)) for uri in cells))
    again = [notification_json(uri, [], 1) for uri in cells]
    again[2] = notification_json(cells[2], [], 2)  # the edited cell: a new version
    server._send(tuple(Publication(uri, body) for uri, body in zip(cells, again)))
    bodies = [b"{" + message.split(b"\r\n\r\n{", 1)[1] for message in writer.written[1].split(b"Content-Length")[1:]]
    assert bodies == [again[2], again[0], again[1], again[3]]
    assert [server.published[uri].body for uri in cells] == again
