"""The language server (`mlops-lint server`): lint open documents, publish diagnostics, offer quick fixes."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, replace
from typing import Any, Callable

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from mlops_lint import __version__
from mlops_lint.diagnostics import Applicability, Diagnostic, Location, Severity
from mlops_lint.integrations.jupyter_lsp import as_lintable

log = logging.getLogger(__name__)

SOURCE = "mlops-lint"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


@dataclass(frozen=True)
class Target:
    """Where a finding's positions land: a document uri and its lines (to convert columns to client units)."""

    uri: str
    to_client: Callable[[types.Range], types.Range]


def lint_text(path: str, text: str) -> list[Diagnostic]:
    """Lint an unsaved buffer exactly as `mlops-lint check - --stdin-filename PATH` would (config included)."""
    from mlops_lint.run import RunRequest, run

    # A lone surrogate (JSON allows "\ud800") becomes bytes the decoder reports as MLO002, not a crash.
    data = text.encode("utf-8", "surrogatepass")
    return run(RunRequest(paths=("-",), stdin_filename=_as_given_on_the_command_line(path), stdin=data))


def _as_given_on_the_command_line(path: str) -> str:
    """Relative to the server's folder (the workspace root, as editors start it), so that
    per-file-ignores globs such as ``notebooks/*`` match as they do for ``mlops-lint check .``."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if relative.startswith(os.pardir) else relative


def _code_points(location: Location) -> types.Range:
    # Ours: 1-based lines, 0-based code-point columns. LSP: 0-based lines; columns are converted
    # to the negotiated encoding (UTF-16 unless the client offers another) by Target.to_client.
    return types.Range(
        start=types.Position(line=location.start.line - 1, character=location.start.column),
        end=types.Position(line=location.end.line - 1, character=location.end.column),
    )


def to_lsp(diagnostic: Diagnostic, target_of: Callable[[Location], Target]) -> types.Diagnostic:
    """One of our diagnostics as an LSP diagnostic; ``target_of`` maps a location to its document."""
    target = target_of(diagnostic.location)
    related = []
    for item in diagnostic.related:
        other = target_of(item.location)
        related.append(types.DiagnosticRelatedInformation(
            location=types.Location(uri=other.uri, range=other.to_client(_code_points(item.location))),
            message=item.label,
        ))
    return types.Diagnostic(
        range=target.to_client(_code_points(diagnostic.location)),
        message=diagnostic.message,
        severity=_SEVERITY[diagnostic.severity],
        code=diagnostic.code,
        code_description=types.CodeDescription(href=diagnostic.url) if diagnostic.url else None,
        source=SOURCE,
        related_information=related or None,
    )


def quick_fix(diagnostic: Diagnostic, published: types.Diagnostic, target: Target) -> types.CodeAction | None:
    """The diagnostic's fix as a code action editing ``target``; None when there is nothing to apply."""
    fix = diagnostic.fix
    if fix is None or not fix.edits:
        return None
    edits = [
        types.TextEdit(
            range=target.to_client(types.Range(
                start=types.Position(line=edit.start.line - 1, character=edit.start.column),
                end=types.Position(line=edit.end.line - 1, character=edit.end.column),
            )),
            new_text=edit.new_text,
        )
        for edit in fix.edits
    ]
    return types.CodeAction(
        title=fix.title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[published],
        edit=types.WorkspaceEdit(changes={target.uri: edits}),
        is_preferred=fix.applicability is Applicability.SAFE,
    )


def with_fix_edits(diagnostic: Diagnostic, text: str, path: str) -> Diagnostic:
    """The diagnostic with its fix's edits filled in by the fix engine (libcst, only when asked).

    The lint pass marks a finding fixable without rewriting anything; the edits are computed when
    the user asks for the code action. Unsafe fixes are offered too: choosing one is the user's
    explicit act, and only safe ones are marked preferred.
    """
    if diagnostic.fix is None or diagnostic.fix.edits:
        return diagnostic
    from mlops_lint.fixes import fix_edits

    edits = fix_edits(text, [diagnostic], unsafe=True, path=path)
    return replace(diagnostic, fix=replace(diagnostic.fix, edits=edits)) if edits else diagnostic


class MlopsLintServer(LanguageServer):
    """Keeps the last findings per document so code actions can find the fix behind a diagnostic."""

    def __init__(self) -> None:
        super().__init__(
            SOURCE,
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                notebook_selector=[types.NotebookDocumentFilterWithCells(
                    cells=[types.NotebookCellLanguage(language="python")], notebook="*",
                )],
                save=True,
            ),
        )
        # uri → (our diagnostic, the LSP diagnostic published for it), for .py documents only:
        # fix edits are in module coordinates, which for a notebook span several cell documents.
        self.published: dict[str, list[tuple[Diagnostic, types.Diagnostic]]] = {}
        self._last_error: str | None = None

    def _report_config_error(self, message: str) -> None:
        if message != self._last_error:  # once per distinct error, not on every keystroke
            self._last_error = message
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"mlops-lint: {message}"))

    def _lint(self, path: str, text: str) -> list[Diagnostic] | None:
        from mlops_lint.run import RunError

        try:
            found = lint_text(path, text)
        except RunError as error:
            self._report_config_error(str(error))
            return None
        self._last_error = None
        return found

    def lint_text_document(self, uri: str) -> None:
        notebook = self.workspace.get_notebook_document(cell_uri=uri)
        if notebook is not None:
            self.lint_notebook(notebook.uri)
            return
        document = self.workspace.get_text_document(uri)
        if document.language_id != "python" and not uri.endswith((".py", ".pyi")):
            return
        # A JupyterLab notebook arrives as one Python "virtual document" named like the notebook.
        lintable = as_lintable(to_fs_path(uri) or uri, document.source)
        found = self._lint(lintable.path, lintable.text)
        if found is None:
            return
        found = lintable.to_document(found)
        target = Target(uri, document.range_to_client_units)
        pairs = [(d, to_lsp(d, lambda _location: target)) for d in found]
        self.published[uri] = pairs
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[lsp for _, lsp in pairs], version=document.version)
        )

    def lint_notebook(self, notebook_uri: str) -> None:
        notebook = self.workspace.get_notebook_document(notebook_uri=notebook_uri)
        if notebook is None:
            return
        documents = [
            document
            for cell in notebook.cells
            if cell.kind == types.NotebookCellKind.Code
            and (document := self.workspace.get_text_document(cell.document)).language_id in (None, "python")
        ]
        # The engine reads notebooks as nbformat JSON; its cell numbers count the cells we pass (code only).
        nbformat = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
            {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": d.source}
            for d in documents
        ]}
        path = to_fs_path(notebook_uri) or notebook_uri
        found = self._lint(path if path.endswith(".ipynb") else path + ".ipynb", json.dumps(nbformat))
        if found is None:
            return

        def target_of(location: Location) -> Target:
            document = documents[(location.cell or 1) - 1]
            return Target(document.uri, document.range_to_client_units)

        per_cell: dict[str, list[types.Diagnostic]] = {d.uri: [] for d in documents}
        for diagnostic in found:
            per_cell[target_of(diagnostic.location).uri].append(to_lsp(diagnostic, target_of))
        for uri, diagnostics in per_cell.items():
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        wanted = {(d.code, d.range.start.line, d.range.start.character) for d in params.context.diagnostics
                  if d.source == SOURCE}
        document = self.workspace.get_text_document(uri)
        target = Target(uri, document.range_to_client_units)
        actions = []
        for ours, published in self.published.get(uri, []):
            if (published.code, published.range.start.line, published.range.start.character) in wanted:
                action = quick_fix(with_fix_edits(ours, document.source, document.path), published, target)
                if action is not None:
                    actions.append(action)
        return actions


def build_server() -> MlopsLintServer:
    server = MlopsLintServer()

    def lint_text_document(ls: MlopsLintServer, params: Any) -> None:
        ls.lint_text_document(params.text_document.uri)

    def lint_notebook(ls: MlopsLintServer, params: Any) -> None:
        ls.lint_notebook(params.notebook_document.uri)

    # Opening, editing and saving all mean the same: lint what the editor now holds.
    for event in (types.TEXT_DOCUMENT_DID_OPEN, types.TEXT_DOCUMENT_DID_CHANGE, types.TEXT_DOCUMENT_DID_SAVE):
        server.feature(event)(lint_text_document)
    for event in (types.NOTEBOOK_DOCUMENT_DID_OPEN, types.NOTEBOOK_DOCUMENT_DID_CHANGE, types.NOTEBOOK_DOCUMENT_DID_SAVE):
        server.feature(event)(lint_notebook)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: MlopsLintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.published.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_close(ls: MlopsLintServer, params: types.DidCloseNotebookDocumentParams) -> None:
        for cell in params.cell_text_documents:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=cell.uri, diagnostics=[]))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def code_action(ls: MlopsLintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return ls.code_actions(params)

    return server


def serve_stdio() -> None:
    build_server().start_io()
