"""The language server (`mlops-lint server`): lint open documents, publish diagnostics, offer quick fixes.

Documents are linted after each change, off the event loop, and only the lint of what the editor
holds now is ever published (lint_jobs.py); a document above the size limit is not analysed.
The lint on a change proposes no fixes (a sixth of its cost): when the editor asks for code
actions about a finding whose rule has a fixer, the document is linted once more with its fixes,
off the event loop too, and that lint is kept for the document's version. The lint's child encodes
the notifications that publish its findings (publication.py): the server checks they are still
about what the editor holds, and writes them.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import os
from contextlib import nullcontext
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, Callable, ContextManager

from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path
from pygls.uris import to_fs_path as _uri_to_fs_path
from pygls.workspace import TextDocument

from mlops_lint import __version__
from mlops_lint.diagnostics import Applicability, Diagnostic, Location, Position, TextEdit
from mlops_lint.integrations.jupyter_lsp import as_lintable
from mlops_lint.integrations.lint_jobs import (
    MAX_DOCUMENT_BYTES,
    Debouncer,
    Job,
    Outcome,
    Publication,
    Publications,
    Work,
    forks,
    size_above_limit,
)
from mlops_lint.integrations.lint_jobs import start as start_lint
from mlops_lint.integrations.publication import (
    SOURCE,
    DiagnosticJson,
    Target,
    client_units,
    lsp_diagnostic,
    notification_json,
    same_units,
)

if TYPE_CHECKING:
    from mlops_lint.engine.reuse import FrontEnds

log = logging.getLogger(__name__)

FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.{SOURCE}"  # "source.fixAll.mlops-lint", as ruff names its own
LspJson = dict[str, Any]  # the JSON value of an LSP diagnostic (publication.lsp_diagnostic)


_WARM_UP = (
    "from sklearn.model_selection import train_test_split\n"
    "from sklearn.preprocessing import StandardScaler\n"
    "X = StandardScaler().fit_transform(X)\n"
    "X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
)


def _notebook_json(sources: list[str], kept: dict[str, str] | None = None) -> str:
    """Code cells as the nbformat JSON the engine reads; its cell numbers count these cells.

    Exactly ``json.dumps`` of that notebook, written cell by cell. ``kept``: the cells' JSON of the
    document's last snapshot, by source, replaced by this one's: a keystroke changes one cell, and
    the others' JSON is reused (a 300-cell notebook's took 1 ms to write on every keystroke). Only
    the last snapshot's are kept: every keystroke makes a cell's source that never comes back."""
    if kept is None:
        cells = [_code_cell_json(source) for source in sources]
    else:
        cells = [kept.get(source) or _code_cell_json(source) for source in sources]
        kept.clear()
        kept.update(zip(sources, cells))
    return '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [' + ", ".join(cells) + "]}"


def _code_cell_json(source: str) -> str:
    return '{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null, "source": ' + json.dumps(source) + "}"


def too_large(path: str, size: int, limit: int) -> Diagnostic:
    """The one diagnostic of a document above the size limit, which is not analysed: the command line's."""
    from mlops_lint.catalog import load_catalog
    from mlops_lint.engine.lint import engine_diagnostic
    from mlops_lint.source.reading import too_large as detail

    return engine_diagnostic(load_catalog(), "MLO002", path, detail(size, limit))


def lint_text(path: str, text: str, overlay: tuple[tuple[str, bytes], ...] = (), fixes: bool = True) -> list[Diagnostic]:
    """Lint an unsaved buffer exactly as `mlops-lint check - --stdin-filename PATH` would (config included).

    ``overlay``: the editor's other open buffers, (path, bytes), read instead of the disk when the
    buffer imports a module of its project (mlops_lint/project/). ``fixes``: False leaves every
    finding without its fix (the findings themselves are the same).
    """
    from mlops_lint.run import RunRequest, run

    # A lone surrogate (JSON allows "\ud800") becomes bytes the decoder reports as MLO002, not a crash.
    data = text.encode("utf-8", "surrogatepass")
    return run(RunRequest(paths=("-",), stdin_filename=_as_given_on_the_command_line(path), stdin=data, overlay=overlay,
                          propose_fixes=fixes))


def _as_given_on_the_command_line(path: str) -> str:
    """Relative to the server's folder (the workspace root, as editors start it), so that
    per-file-ignores globs such as ``notebooks/*`` match as they do for ``mlops-lint check .``."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if relative.startswith(os.pardir) else relative


@lru_cache(maxsize=4096)
def to_fs_path(uri: str) -> str | None:
    """pygls's path of a uri, kept: the server asks it of every open document on each keystroke
    (a notebook's 300 cells took 1.4 ms to parse as uris every time)."""
    return _uri_to_fs_path(uri)


@lru_cache(maxsize=1)
def _converter() -> Any:
    return get_converter()


def to_lsp(diagnostic: Diagnostic, target_of: Callable[[Location], Target]) -> types.Diagnostic:
    """One of our diagnostics as an LSP diagnostic (the object of what is published for it);
    ``target_of`` maps a location to its document."""
    return as_lsp(lsp_diagnostic(diagnostic, target_of))


def as_lsp(value: LspJson) -> types.Diagnostic:
    diagnostic: types.Diagnostic = _converter().structure(value, types.Diagnostic)
    return diagnostic


# Where a fix's edit lands: its edits are in the lines of what was linted (a notebook's cells
# joined into one module); this gives the document (uri) and the edit in that document's lines.
EditPlace = Callable[[TextEdit], "tuple[str, TextEdit] | None"]


def _lsp_range(start: Position, end: Position) -> types.Range:
    return types.Range(start=types.Position(line=start.line - 1, character=start.column),
                       end=types.Position(line=end.line - 1, character=end.column))


def quick_fix(diagnostic: Diagnostic, published: types.Diagnostic, place: EditPlace,
              target_of: Callable[[str], Target | None]) -> types.CodeAction | None:
    """The diagnostic's fix as a code action, the same edits ``--fix`` makes first; None when it has none.

    An unsafe fix is offered too (choosing it is the user's explicit act), marked "(unsafe)" in its
    title and never preferred.
    """
    fix = diagnostic.fix
    if fix is None or not fix.edits:
        return None
    changes: dict[str, list[types.TextEdit]] = {}
    for edit in fix.edits:
        placed = place(edit)
        target = target_of(placed[0]) if placed is not None else None
        if placed is None or target is None:
            return None
        uri, moved = placed
        changes.setdefault(uri, []).append(types.TextEdit(range=target.to_client(_lsp_range(moved.start, moved.end)), new_text=moved.new_text))
    safe = fix.applicability is Applicability.SAFE
    return types.CodeAction(
        title=fix.title if safe else f"{fix.title} (unsafe)",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[published],
        edit=types.WorkspaceEdit(changes=changes),
        is_preferred=safe,
    )


def fix_all_edits(path: str, text: str) -> tuple[TextEdit, ...]:
    """What ``mlops-lint check --fix - --stdin-filename PATH`` would make of the buffer (its safe
    fixes, in rounds, the project's configuration applied), as whole-line edits."""
    from mlops_lint.fixes.editor import line_edits
    from mlops_lint.fixes.result import FixMode, FixRequest
    from mlops_lint.run import RunRequest, run_request

    data = text.encode("utf-8", "surrogatepass")
    result = run_request(RunRequest(paths=("-",), stdin_filename=_as_given_on_the_command_line(path), stdin=data,
                                    fix=FixRequest(FixMode.DIFF, unsafe=False)))
    fixed = result.fixes.stdin if result.fixes is not None else None
    if fixed is None or not fixed.fixed or fixed.new is None:
        return ()
    return line_edits(text, fixed.new.decode("utf-8", "surrogatepass"))


@dataclass(frozen=True)
class Snapshot:
    """What a lint job read: the documents of one text file or notebook at one moment.

    ``state`` tells whether they are still what the editor holds when the job ends: the version
    and the very text objects (pygls replaces a document's text on every change).
    """

    path: str
    text: str
    documents: tuple[TextDocument, ...]
    state: tuple[object, ...]
    # From the engine's positions back to the document's (a JupyterLab virtual document is linted
    # as the notebook it joins: jupyter_lsp.py).
    to_document: Callable[[list[Diagnostic]], list[Diagnostic]] = lambda found: found
    # And a fix's edit, in the lines of what was linted, back to the document's lines.
    edit_to_document: Callable[[TextEdit], TextEdit] = lambda edit: edit
    # A notebook's code cells, whose ``_notebook_json`` is ``text`` (None for a text file).
    cells: tuple[str, ...] | None = None


def _state(version: Any, documents: tuple[TextDocument, ...]) -> tuple[object, ...]:
    return (version, *((document.uri, document.version, id(document.source)) for document in documents))


Pairs = list[tuple[Diagnostic, LspJson]]  # our diagnostic, and the LSP diagnostic made of it


@dataclass(frozen=True)
class Converted:
    """One lint of a snapshot in the editor's terms: per document uri, its findings and their LSP form."""

    pairs: dict[str, Pairs]
    versions: dict[str, int | None]
    place: EditPlace  # where the edits of its findings' fixes land


@dataclass(frozen=True)
class Landing:
    """Where a lint's findings of a snapshot land in the editor: its documents (uri → version, in
    the order to publish them), the document of each finding, and each location's target."""

    versions: dict[str, int | None]
    target_of: Callable[[Location], Target]
    document_of: Callable[[Diagnostic], str]


# What is computed off the loop for a code action, kept per document and kind: its fixes, its fix-all.
FIXES, FIX_ALL_EDITS = "fixes", "fix all"
Stamp = tuple[int, tuple[object, ...]]  # the lints asked for a document so far, and its state


@dataclass(frozen=True)
class Kept:
    """A code action's lint (or fix) of one state of a document, in the editor's terms."""

    stamp: Stamp
    value: object


class MlopsLintServer(LanguageServer):
    """Lints each open document after every change, off the event loop (lint_jobs.py), and keeps the
    last findings per document; a code action about one lints the document again with its fixes
    (or fixes it, for "fix all"), off the event loop too, once per state of the document."""

    def __init__(self, max_document_bytes: int = MAX_DOCUMENT_BYTES) -> None:
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
        # uri → the diagnostics last published for it
        self.published: dict[str, Published] = {}
        # notebook key → its code cells' JSON at its last snapshot, by source (_notebook_json)
        self.cell_json: dict[str, dict[str, str]] = {}
        self.max_document_bytes = max_document_bytes
        self.lints = Debouncer(self._begin, self._finish)
        self.snapshots: dict[str, Snapshot] = {}
        # Per document, the parse and walk of the version last linted, for the next version to
        # reuse what its edit did not touch (engine/reuse.py); only where lints are forked.
        self.front_ends: FrontEnds | None = None
        self._warm = False
        self._last_error: str | None = None
        # Per document key: how many lints were asked for (a change of it, or of a module it imports);
        # per (key, kind): what a code action needs of its latest state, and the job computing it.
        self.generations: dict[str, int] = {}
        self.kept: dict[tuple[str, str], Kept] = {}
        self.running: dict[tuple[str, str], tuple[Stamp, Job]] = {}

    def _report_config_error(self, message: str) -> None:
        if message != self._last_error:  # once per distinct error, not on every keystroke
            self._last_error = message
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"mlops-lint: {message}"))

    def warm_up(self) -> None:
        """Import and load everything a lint needs, on this (the event loop's) thread, before any fork."""
        if self._warm:
            return
        import gc

        from mlops_lint.run import RunError

        for name, text in (("warm_up.py", _WARM_UP), ("warm_up.ipynb", _notebook_json([_WARM_UP]))):
            try:
                lint_text(name, text)
            except RunError:
                pass  # a broken configuration is reported by the real lints
        gc.freeze()  # what is loaded now lives as long as the server: forks need not copy it
        self._warm = True

    # -- scheduling: every change asks for a lint; the lint of the newest state only is published --

    def schedule(self, uri: str) -> None:
        notebook = self.workspace.get_notebook_document(cell_uri=uri)
        self.request_lint(notebook.uri if notebook is not None else uri)
        path = to_fs_path(uri) if notebook is None else None
        if path and path.endswith(".py"):
            for key in self._dependents(path):  # their findings may follow data into this module
                self.request_lint(key)

    def request_lint(self, key: str) -> None:
        """Lint the document ``key`` soon; its fixes of an earlier lint are dropped (they may have changed)."""
        self.generations[key] = self.generations.get(key, 0) + 1
        self._forget_fixes(key)
        self.lints.request(key)

    def _forget_fixes(self, key: str) -> None:
        for kind in (FIXES, FIX_ALL_EDITS):
            self._drop((key, kind))

    def _drop(self, slot: tuple[str, str]) -> None:
        self.kept.pop(slot, None)
        running = self.running.pop(slot, None)
        if running is not None:
            running[1].cancel()

    def _dependents(self, path: str) -> list[str]:
        """The other open documents (text files and notebooks) that may import the module at ``path``."""
        from mlops_lint.project.dependents import dependents
        from mlops_lint.source import SourceError, read_bytes
        from mlops_lint.source.document import decode_python

        files: dict[str, str] = {}  # path → key
        texts: list[tuple[str, str]] = []
        buffers: dict[str, str] = {}
        for key, document in list(self.workspace.text_documents.items()):
            own = to_fs_path(key)
            if own and self.workspace.get_notebook_document(cell_uri=key) is None:
                buffers[os.path.normpath(own)] = document.source
                if own.endswith(".py"):
                    files[own] = key
                    texts.append((own, document.source))
        for key, notebook in list(self.workspace.notebook_documents.items()):
            own = to_fs_path(key)
            if own:
                files[own] = key
                texts.append((own, "\n".join(self.workspace.get_text_document(c.document).source for c in notebook.cells)))
        if len(texts) < 2:
            return []

        def read(module: str) -> str | None:
            if module in buffers:
                return buffers[module]
            try:
                return decode_python(read_bytes(module, self.max_document_bytes))
            except SourceError:
                return None

        return [files[p] for p in dependents(path, texts, read, (os.getcwd(),))]

    def close(self, key: str) -> None:
        self.lints.forget(key)
        self._forget_fixes(key)
        self.generations.pop(key, None)
        self.snapshots.pop(key, None)
        self.cell_json.pop(key, None)
        if self.front_ends is not None:
            self.front_ends.drop(key)

    def _snapshot(self, key: str) -> Snapshot | None:
        notebook = self.workspace.get_notebook_document(notebook_uri=key)
        if notebook is not None:
            documents = tuple(
                document
                for cell in notebook.cells
                if cell.kind == types.NotebookCellKind.Code
                and (document := self.workspace.get_text_document(cell.document)).language_id in (None, "python")
            )
            path = to_fs_path(key) or key
            sources = [d.source for d in documents]
            return Snapshot(path if path.endswith(".ipynb") else path + ".ipynb",
                            _notebook_json(sources, self.cell_json.setdefault(key, {})), documents, _state(notebook.version, documents), cells=tuple(sources))
        if key not in self.workspace.text_documents:
            return None
        document = self.workspace.get_text_document(key)
        if document.language_id != "python" and not key.endswith((".py", ".pyi")):
            return None
        # A JupyterLab notebook arrives as one Python "virtual document" named like the notebook.
        lintable = as_lintable(to_fs_path(key) or key, document.source)
        return Snapshot(lintable.path, lintable.text, (document,), _state(document.version, (document,)),
                        lintable.to_document, lintable.edit_in_document)

    def _current(self, key: str, snapshot: Snapshot) -> bool:
        fresh = self._snapshot_state(key)
        return fresh is not None and fresh == snapshot.state

    def _snapshot_state(self, key: str) -> tuple[object, ...] | None:
        notebook = self.workspace.get_notebook_document(notebook_uri=key)
        if notebook is not None:
            documents = tuple(self.workspace.get_text_document(c.document) for c in notebook.cells
                              if c.kind == types.NotebookCellKind.Code)
            documents = tuple(d for d in documents if d.language_id in (None, "python"))
            return _state(notebook.version, documents)
        if key not in self.workspace.text_documents:
            return None
        document = self.workspace.get_text_document(key)
        return _state(document.version, (document,))

    def _begin(self, key: str) -> Job | None:
        snapshot = self._snapshot(key)
        if snapshot is None:
            return None
        # A notebook's code must fit, as on the command line: its cells, not the JSON around them.
        size = size_above_limit("".join(d.source for d in snapshot.documents), self.max_document_bytes)
        if size is not None:  # never analysed: one finding says why, at once
            self._send(self._publications(key, snapshot, [too_large(snapshot.path, size, self.max_document_bytes)]).items)
            return None
        self.warm_up()
        self.snapshots[key] = snapshot
        in_child = forks()
        lint = partial(self._lint_and_encode, key, snapshot, self._open_modules(key), in_child)
        if not in_child:  # a lint on a thread would mutate the tree kept for the next version
            return start_lint(lint)
        with self._front_end_handed_over(key, snapshot):
            return start_lint(lint)

    def _front_end_handed_over(self, key: str, snapshot: Snapshot) -> ContextManager[None]:
        """The parse and walk of the text the forked lint will read, done here from the last
        version's where the edit left them (engine/reuse.py), for the child to take over."""
        from mlops_lint.engine.collector import young_garbage_only
        from mlops_lint.engine.parse import handed_over
        from mlops_lint.engine.reuse import FrontEnds
        from mlops_lint.source import SourceError, document_from_bytes
        from mlops_lint.source.cells import code_cells_document
        from mlops_lint.source.document import remember_read

        # The document exactly as the lint will read it (lint_text: the buffer as stdin).
        data = snapshot.text.encode("utf-8", "surrogatepass")
        if snapshot.cells is not None:
            # A notebook's, made from the cells its JSON was written from rather than decoding that
            # JSON again (the same document: tests/integration/test_lsp_reuse.py), and remembered
            # for the child's read of those bytes.
            document = code_cells_document(snapshot.path, snapshot.cells)
            remember_read(snapshot.path, data, document)
        else:
            try:
                document = document_from_bytes(snapshot.path, data)
            except SourceError:
                return nullcontext()  # the lint reports it
        if self.front_ends is None:
            self.front_ends = FrontEnds()
        try:
            with young_garbage_only():
                parsed = self.front_ends.parsed(key, document)
        except Exception:  # a bug here must not cost the lint: the child parses the text itself
            log.exception("reusing the parse of %s failed", snapshot.path)
            self.front_ends.drop(key)
            return nullcontext()
        return handed_over(document.text, document.cell_map.starts if document.cell_map is not None else None, parsed)

    def _lint_and_encode(self, key: str, snapshot: Snapshot, overlay: tuple[tuple[str, bytes], ...],
                         in_child: bool = False) -> Publications:
        """The lint on a change, and its findings encoded as notifications (in the lint's child)."""
        if in_child:
            from mlops_lint.engine.lint import exit_after_lint

            exit_after_lint()
        found = lint_text(snapshot.path, snapshot.text, overlay, fixes=False)
        return self._publications(key, snapshot, snapshot.to_document(found))

    def _open_modules(self, key: str) -> tuple[tuple[str, bytes], ...]:
        """The other open Python files' texts as the editor holds them (what a lint reads instead of the disk)."""
        found = []
        for uri, document in list(self.workspace.text_documents.items()):
            path = to_fs_path(uri)
            if uri != key and path and path.endswith(".py"):
                found.append((path, document.source.encode("utf-8", "surrogatepass")))
        return tuple(found)

    def _target_elsewhere(self, location: Location) -> Target:
        """Where a place in another file of the project lands: its own uri (its open buffer's units, if open)."""
        uri = from_fs_path(os.path.abspath(location.path)) or location.path
        document = self.workspace.text_documents.get(uri)
        return Target(uri, client_units(document) if document is not None else same_units)

    def _finish(self, key: str, outcome: Outcome) -> None:
        snapshot = self.snapshots.pop(key, None)
        if snapshot is None or not self._current(key, snapshot):
            return  # the editor holds newer text: its own lint is on the way
        if outcome.run_error is not None:
            self._report_config_error(outcome.run_error)
            return
        if outcome.failure is not None:
            log.error("lint of %s failed: %s", snapshot.path, outcome.failure)
            return
        self._last_error = None
        self._send(outcome.publications or ())

    def _publications(self, key: str, snapshot: Snapshot, found: list[Diagnostic]) -> Publications:
        """The notifications publishing ``found``, one per document, their diagnostics written as JSON
        text directly (publication.DiagnosticJson): the lint's child does this on every keystroke."""
        landing = self._landing(key, snapshot)
        as_json = DiagnosticJson(landing.target_of)
        texts: dict[str, list[str]] = {uri: [] for uri in landing.versions}
        for diagnostic in found:
            texts[landing.document_of(diagnostic)].append(as_json(diagnostic))
        return Publications(tuple(Publication(uri, notification_json(uri, diagnostics, landing.versions[uri]))
                                  for uri, diagnostics in texts.items()))

    def _send(self, publications: tuple[Publication, ...]) -> None:
        """Write the notifications, framed as pygls frames a message it sends (JsonRPCProtocol._send_data),
        in one write: first those that differ from the document's last one, then the others.

        A notebook's lint republishes every cell (300 messages for the benchmark's), most of them
        unchanged: the editor reads them in order, so the edited cell's diagnostics come first.
        """
        unchanged = {p.uri for p in publications if (last := self.published.get(p.uri)) is not None and last.body == p.body}
        ordered = sorted(publications, key=lambda p: p.uri in unchanged)  # stable: the changed first, each in its order
        protocol = self.protocol
        for publication in publications:
            self.published[publication.uri] = Published(publication.body)
        if protocol.writer is None or not publications:
            return
        framed = []
        for publication in ordered:
            if protocol._include_headers:
                framed.append(f"Content-Length: {len(publication.body)}\r\n"
                              f"Content-Type: {protocol.CONTENT_TYPE}; charset={protocol.CHARSET}\r\n\r\n".encode("ascii"))
            framed.append(publication.body)
        written = protocol.writer.write(b"".join(framed))
        if inspect.isawaitable(written):
            asyncio.ensure_future(written)

    def _landing(self, key: str, snapshot: Snapshot) -> Landing:
        documents = snapshot.documents
        elsewhere = self._targets_elsewhere(snapshot.path)
        if self.workspace.get_notebook_document(notebook_uri=key) is None:
            [document] = documents
            target = Target(document.uri, client_units(document))

            def target_here(location: Location) -> Target:
                return elsewhere(location) or target

            return Landing({key: document.version}, target_here, lambda diagnostic: key)

        targets = [Target(document.uri, client_units(document)) for document in documents]

        def target_of(location: Location) -> Target:
            return elsewhere(location) or targets[min((location.cell or 1), len(documents)) - 1]

        # The engine read the notebook as nbformat JSON; its cell numbers count the cells we passed (code only).
        return Landing({d.uri: d.version for d in documents}, target_of, lambda diagnostic: target_of(diagnostic.location).uri)

    def _convert(self, key: str, snapshot: Snapshot, found: list[Diagnostic]) -> Converted:
        landing = self._landing(key, snapshot)
        pairs: dict[str, Pairs] = {uri: [] for uri in landing.versions}
        for diagnostic in found:
            pairs[landing.document_of(diagnostic)].append((diagnostic, lsp_diagnostic(diagnostic, landing.target_of)))
        if self.workspace.get_notebook_document(notebook_uri=key) is None:
            return Converted(pairs, landing.versions, lambda edit: (key, snapshot.edit_to_document(edit)))
        documents = snapshot.documents
        return Converted(pairs, landing.versions, _cell_place([d.uri for d in documents], [d.source for d in documents]))

    def _targets_elsewhere(self, path: str) -> Callable[[Location], Target | None]:
        """Where a location in another file than ``path`` lands (None for one in ``path``), once per
        file a lint names: a finding and its related places name few files, and each costs an
        absolute path (and an open buffer's lines split) to place."""
        here = os.path.abspath(path)
        known: dict[str, Target | None] = {}

        def target(location: Location) -> Target | None:
            if location.path not in known:
                known[location.path] = None if os.path.abspath(location.path) == here else self._target_elsewhere(location)
            return known[location.path]

        return target

    def _target(self, uri: str) -> Target | None:
        if uri not in self.workspace.text_documents:
            return None
        return Target(uri, client_units(self.workspace.get_text_document(uri)))

    def _key_of(self, uri: str) -> str:
        """The document a lint reads ``uri`` in: its notebook for a cell, else itself."""
        notebook = self.workspace.get_notebook_document(cell_uri=uri)
        return notebook.uri if notebook is not None else uri

    def _fixable(self, code: str, safe_only: bool = False) -> bool:
        """Whether the rule ``code`` has a fixer (``safe_only``: a safe one), as the catalog declares."""
        from mlops_lint.catalog import load_catalog

        spec = load_catalog().rules.get(code)
        declared = spec.fix if spec is not None else None
        return declared is not None and (not safe_only or Applicability(declared.safety) is Applicability.SAFE)

    async def _with_fixes(self, key: str) -> Converted | None:
        """The findings of what the editor holds now, with their fixes."""
        def work(snapshot: Snapshot) -> Work:
            return partial(lint_text, snapshot.path, snapshot.text, self._open_modules(key))

        def convert(snapshot: Snapshot, outcome: Outcome) -> Converted:
            return self._convert(key, snapshot, snapshot.to_document(outcome.diagnostics))

        converted = await self._this_state(key, FIXES, work, convert)
        return converted if isinstance(converted, Converted) else None

    async def _this_state(self, key: str, kind: str, work: Callable[[Snapshot], Work],
                          convert: Callable[[Snapshot, Outcome], object]) -> object:
        """``convert`` of the outcome of ``work`` on what the editor holds now (None if it changes
        meanwhile): computed off the event loop once per state of the document, then kept until
        the next lint of it is asked for."""
        stamp = self._stamp(key)
        if stamp is None:
            return None
        slot = (key, kind)
        kept = self.kept.get(slot)
        if kept is not None and kept.stamp == stamp:
            return kept.value
        running = self.running.get(slot)
        if running is None or running[0] != stamp:
            snapshot = self._snapshot(key)
            if snapshot is None or size_above_limit("".join(d.source for d in snapshot.documents), self.max_document_bytes):
                return None
            self._drop(slot)
            self.warm_up()
            running = self.running[slot] = (stamp, start_lint(work(snapshot)))
            running[1].future.add_done_callback(partial(self._done, slot, snapshot, running, convert))
        await asyncio.shield(running[1].future)
        kept = self.kept.get(slot)
        return kept.value if kept is not None and kept.stamp == stamp else None

    def _stamp(self, key: str) -> Stamp | None:
        state = self._snapshot_state(key)
        return None if state is None else (self.generations.get(key, 0), state)

    def _done(self, slot: tuple[str, str], snapshot: Snapshot, running: tuple[Stamp, Job],
              convert: Callable[[Snapshot, Outcome], object], future: asyncio.Future[Outcome | None]) -> None:
        if self.running.get(slot) is not running:
            return  # superseded: a newer lint of the document was asked for
        del self.running[slot]
        outcome = future.result()
        if outcome is None or self._stamp(slot[0]) != running[0]:
            return
        if outcome.run_error is not None:
            self._report_config_error(outcome.run_error)
        elif outcome.failure is not None:
            log.error("%s of %s failed: %s", slot[1], snapshot.path, outcome.failure)
        else:
            self.kept[slot] = Kept(running[0], convert(snapshot, outcome))

    async def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        """A quick fix per fixable finding asked about, and "fix all" for a Python document."""
        uri = params.text_document.uri
        only = params.context.only
        actions: list[types.CodeAction] = []
        published = self.published[uri].keys() if uri in self.published else []
        if not only or any(kind == types.CodeActionKind.QuickFix or types.CodeActionKind.QuickFix.startswith(kind) for kind in only):
            wanted = {(d.code, d.range.start.line, d.range.start.character) for d in params.context.diagnostics
                      if d.source == SOURCE}
            # Linted again with fixes only when a finding asked about has a rule with a fixer.
            if any(key in wanted and self._fixable(key[0]) for key in published):
                converted = await self._with_fixes(self._key_of(uri))
                if converted is not None:
                    for ours, lsp in converted.pairs.get(uri, []):
                        if _key(lsp) in wanted:
                            action = quick_fix(ours, as_lsp(lsp), converted.place, self._target)
                            if action is not None:
                                actions.append(action)
        if (not only or any(FIX_ALL.startswith(kind) for kind in only)) and any(self._fixable(key[0], True) for key in published):
            fix_all = await self._fix_all(uri)
            if fix_all is not None:
                actions.append(fix_all)
        return actions

    async def _fix_all(self, uri: str) -> types.CodeAction | None:
        """Every safe fix of the document, as one edit: only for a Python file (a notebook's cells
        are documents of their own, and a virtual document stands for a notebook)."""
        if uri not in self.published or self.workspace.get_notebook_document(cell_uri=uri) is not None:
            return None
        path = to_fs_path(uri) or uri
        if as_lintable(path, self.workspace.get_text_document(uri).source).cell_starts or path.endswith(".ipynb"):
            return None

        def work(snapshot: Snapshot) -> Work:
            return partial(fix_all_edits, path, snapshot.text)

        def convert(snapshot: Snapshot, outcome: Outcome) -> types.CodeAction | None:
            if not outcome.edits:
                return None  # no finding with a safe fix
            target = Target(uri, client_units(snapshot.documents[0]))
            changes = [types.TextEdit(range=target.to_client(_lsp_range(e.start, e.end)), new_text=e.new_text)
                       for e in outcome.edits]
            return types.CodeAction(title="mlops-lint: fix all safely fixable findings", kind=FIX_ALL,
                                    edit=types.WorkspaceEdit(changes={uri: changes}))

        action = await self._this_state(uri, FIX_ALL_EDITS, work, convert)
        return action if isinstance(action, types.CodeAction) else None


Key = tuple[str, int, int]


def _key(diagnostic: LspJson) -> Key:
    """What identifies a published diagnostic in a code action request: its code and where it starts."""
    start = diagnostic["range"]["start"]
    return diagnostic["code"], start["line"], start["character"]


class Published:
    """A document's last published diagnostics: the body of their notification, and their keys
    once a code action asks (editors ask on every move of the cursor: decoded once)."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self._keys: list[Key] | None = None

    def keys(self) -> list[Key]:
        if self._keys is None:
            self._keys = [_key(d) for d in json.loads(self.body)["params"]["diagnostics"]]
        return self._keys


def _cell_place(uris: list[str], sources: list[str]) -> EditPlace:
    """Edits of a notebook's joined cells, each moved to the cell document it lands in."""
    bodies = [source[:-1] if source.endswith("\n") else source for source in sources]
    lengths = [len(body.split("\n")) for body in bodies]
    starts = [1]
    for length in lengths[:-1]:
        starts.append(starts[-1] + length)

    def place(edit: TextEdit) -> tuple[str, TextEdit] | None:
        cell = max(i for i, start in enumerate(starts) if start <= edit.start.line)
        start = Position(edit.start.line - starts[cell] + 1, edit.start.column)
        end = Position(edit.end.line - starts[cell] + 1, edit.end.column)
        if end.line > lengths[cell] + 1 or (end.line == lengths[cell] + 1 and end.column):
            return None  # it runs into the next cell
        if end.line == lengths[cell] + 1 and not sources[cell].endswith("\n"):
            # To the end of the cell, whose last line has no newline: take the one before it instead.
            last = bodies[cell].split("\n")
            end = Position(lengths[cell], len(last[-1]))
            if start.column == 0 and start.line > 1 and not edit.new_text:
                start = Position(start.line - 1, len(last[start.line - 2]))
        return uris[cell], TextEdit(start, end, edit.new_text)

    return place


def build_server() -> MlopsLintServer:
    server = MlopsLintServer()

    def lint_text_document(ls: MlopsLintServer, params: Any) -> None:
        ls.schedule(params.text_document.uri)

    def lint_notebook(ls: MlopsLintServer, params: Any) -> None:
        ls.request_lint(params.notebook_document.uri)

    # Opening, editing and saving all mean the same: lint what the editor now holds.
    for event in (types.TEXT_DOCUMENT_DID_OPEN, types.TEXT_DOCUMENT_DID_CHANGE, types.TEXT_DOCUMENT_DID_SAVE):
        server.feature(event)(lint_text_document)
    for event in (types.NOTEBOOK_DOCUMENT_DID_OPEN, types.NOTEBOOK_DOCUMENT_DID_CHANGE, types.NOTEBOOK_DOCUMENT_DID_SAVE):
        server.feature(event)(lint_notebook)

    @server.feature(types.INITIALIZED)
    def initialized(ls: MlopsLintServer, params: types.InitializedParams) -> None:
        ls.warm_up()  # now, while the editor is still opening files, rather than on the first keystroke

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: MlopsLintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.close(params.text_document.uri)
        ls.published.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_close(ls: MlopsLintServer, params: types.DidCloseNotebookDocumentParams) -> None:
        ls.close(params.notebook_document.uri)
        for cell in params.cell_text_documents:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=cell.uri, diagnostics=[]))

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: MlopsLintServer, params: Any) -> None:
        ls.lints.forget_all()
        for slot in list(ls.running):
            ls._drop(slot)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]),
    )
    async def code_action(ls: MlopsLintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return await ls.code_actions(params)

    return server


def serve_stdio() -> None:
    build_server().start_io()
