"""Count the instructions of one keystroke's lint in the language server, split between its two processes.

    python benchmarks/lsp_child_instructions.py [module] [notebook]

Since the server reuses the parse and walk of what an edit did not touch (mlops_lint/engine/reuse.py),
a keystroke's work is done in two places: the server builds the new version's front end from the
last one's, then the forked child lints with it and encodes the notifications to publish. For the
5k-line module and notebook of benchmarks/lsp_latency.py, with one character typed at the end of
the last line (of the last cell), this counts under callgrind (as benchmarks/instructions.py does,
``PYTHONHASHSEED=0``):

- ``from scratch``: the lint of the new text as a child without reuse does it (``lint_document``
  with the collector off, as in the child);
- ``server step``: what the real server (``MlopsLintServer``, its workspace holding the document
  in a fresh empty folder, as in lsp_latency.py) does before it forks: the snapshot of the edited
  version, its bytes decoded, ``FrontEnds.parsed`` of it (the last version's already kept);
- ``child lint_document``: ``lint_document`` alone with that front end handed over, without the
  release that the child's exit makes useless (the figure this benchmark gave until wave 9);
- ``child``: what the forked child really does: its whole answer (``lint_jobs._answer`` of the
  server's ``_lint_and_encode``: ``lint_text``, i.e. run() with the configuration, selection,
  project and per-file ignores around ``lint_document``, then the notifications encoded);
- ``server after``: the server reading that answer and writing the notifications.

``--typed N``: the counted character is the last of N + 1 typed at the same place, each handed to
a lint (the server keeps what they share: engine/reuse.py); ``from scratch`` stays the text with one.

Each figure is the difference between two runs of a fresh interpreter that stop at successive
stages (everything loaded, the last version's front end built, ...), so loading is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from instructions import callgrind_count  # noqa: E402  - a sibling script, as lsp_latency.py imports scaling

LINES = 5000
# The server's folder (its current directory, as an editor starts it): fixed, so that every count
# reads the same paths; empty, as lsp_latency.py's temporary folder is.
FOLDER = Path("/tmp/mlops-lint-lsp-child-instructions")
STAGES = ("loaded", "server step", "child lint_document", "child", "server after")


def _scratch(target: str, lint: bool) -> None:
    """Runs under callgrind: loads, and with ``lint`` lints the new text without reuse."""
    import gc

    from mlops_lint.engine.lint import lint_document
    from mlops_lint.source import document_from_bytes

    catalog, options = _loaded()
    old, new = _texts(target)
    path = str(FOLDER / ("long_module.py" if target == "module" else "long_notebook.ipynb"))
    document = document_from_bytes(path, (new if target == "module" else _as_linted(new)).encode())
    gc.disable()  # as in the forked child
    if lint:
        lint_document(document, catalog, options)
    os._exit(0)  # as the child leaves: the interpreter's clean-up is not the lint's


def _loaded() -> tuple[Any, Any]:
    sys.path.insert(0, str(HERE))
    from mlops_lint.analysis import module  # noqa: F401  - imported by the first lint otherwise
    from mlops_lint.catalog import load_catalog
    from mlops_lint.engine.lint import LintOptions
    from mlops_lint.engine.registry import check_pairing

    catalog = load_catalog(None)
    check_pairing(catalog)
    return catalog, LintOptions(selected=frozenset(code for code, spec in catalog.rules.items() if spec.default),
                                propose_fixes=False)


def _texts(target: str) -> tuple[str, str]:
    """The document before and after the keystroke: a module's text, or a notebook's JSON."""
    from scaling import notebook, python_module

    if target == "module":
        text = python_module("leaky script", LINES)
        return text, text + "x"
    data = json.loads(notebook(LINES))
    old = json.dumps(data)
    code = [cell for cell in data["cells"] if cell["cell_type"] == "code"]
    code[-1]["source"] = "".join(code[-1]["source"]) + "x"
    return old, json.dumps(data)


def _as_linted(document: str) -> str:
    data = json.loads(document)
    return json.dumps({**data, "cells": [cell for cell in data["cells"] if cell["cell_type"] == "code"]})


def _server(target: str, stage: int, typed: int = 0) -> None:
    """Runs under callgrind: the real server holding the document, up to ``stage`` (an index of STAGES),
    after ``typed`` characters typed at the same place, each handed to a lint (not counted)."""
    import gc
    from functools import partial

    from lsprotocol import types
    from pygls.workspace import Workspace

    from mlops_lint.engine.lint import exit_after_lint, lint_document
    from mlops_lint.integrations import lint_jobs
    from mlops_lint.integrations.lsp import MlopsLintServer
    from mlops_lint.source import document_from_bytes

    catalog, options = _loaded()
    old, new = _texts(target)
    os.chdir(FOLDER)
    server = MlopsLintServer()
    server.protocol._workspace = Workspace(FOLDER.as_uri())
    server.warm_up()  # as at `initialized`
    written: list[bytes] = []
    server.protocol.set_writer(type("Capture", (), {"write": lambda self, data: written.append(data)})())
    workspace = server.workspace
    if target == "module":
        key = (FOLDER / "long_module.py").as_uri()
        workspace.put_text_document(types.TextDocumentItem(uri=key, language_id="python", version=1, text=old))
        lines = old.split("\n")

        def change(k: int) -> Any:
            return types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=key, version=2 + k),
                content_changes=[_append(types, len(lines) - 1, len(lines[-1]) + k)])
    else:
        key = (FOLDER / "long_notebook.ipynb").as_uri()
        cells = ["".join(cell["source"]) for cell in json.loads(old)["cells"] if cell["cell_type"] == "code"]
        uris = [f"vscode-notebook-cell:{FOLDER / 'long_notebook.ipynb'}#C{n}" for n in range(len(cells))]
        workspace.put_notebook_document(types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(uri=key, notebook_type="jupyter-notebook", version=1, cells=[
                types.NotebookCell(kind=types.NotebookCellKind.Code, document=uri) for uri in uris]),
            cell_text_documents=[types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
                                 for uri, text in zip(uris, cells)]))
        lines = cells[-1].split("\n")

        def change(k: int) -> Any:
            return types.DidChangeNotebookDocumentParams(
                notebook_document=types.VersionedNotebookDocumentIdentifier(uri=key, version=2 + k),
                change=types.NotebookDocumentChangeEvent(cells=types.NotebookDocumentCellChanges(text_content=[
                    types.NotebookDocumentCellContentChanges(
                        document=types.VersionedTextDocumentIdentifier(uri=uris[-1], version=2 + k),
                        changes=[_append(types, len(lines) - 1, len(lines[-1]) + k)])])))

    def keystroke(k: int) -> None:
        if target == "module":
            workspace.update_text_document(change(k).text_document, change(k).content_changes[0])
        else:
            workspace.update_notebook_document(change(k))
    # The last version's lint as the server began it (its front end kept); then the keystroke
    # reaches the workspace.
    server._open_modules(key)
    with server._front_end_handed_over(key, server._snapshot(key)):  # type: ignore[arg-type]
        pass
    for k in range(typed):  # the keystrokes before the counted one, at the same place
        keystroke(k)
        with server._front_end_handed_over(key, server._snapshot(key)):  # type: ignore[arg-type]
            pass
    keystroke(typed)
    gc.collect()
    gc.disable()  # as in the forked child (the server's own collections are not a keystroke's)
    if stage >= 1:  # MlopsLintServer._begin, but the fork
        snapshot = server._snapshot(key)
        assert snapshot is not None
        lint_jobs.size_above_limit("".join(d.source for d in snapshot.documents), server.max_document_bytes)
        server.snapshots[key] = snapshot
        lint = partial(server._lint_and_encode, key, snapshot, server._open_modules(key), True)
        handed = server._front_end_handed_over(key, snapshot)
    if stage == 2:
        document = document_from_bytes(snapshot.path, snapshot.text.encode())
        exit_after_lint()
        with handed:
            lint_document(document, catalog, options)
    elif stage >= 3:
        with handed:
            answer = lint_jobs._answer(lint)
        if stage >= 4:  # the server takes the answer (Job._readable) and publishes (Debouncer._done)
            outcome = lint_jobs._outcome_from_answer(answer)
            assert outcome is not None and outcome.publications, outcome
            server._finish(key, outcome)
            assert written
    os._exit(0)


def _append(types: Any, line: int, character: int) -> Any:
    at = types.Position(line=line, character=character)
    return types.TextDocumentContentChangePartial(range=types.Range(start=at, end=at), text="x")


def _count(target: str, mode: str, stage: int, typed: int = 0) -> int:
    return callgrind_count(__file__, ["--child", target, "--mode", mode, "--stage", str(stage), "--typed", str(typed)], target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", default=["module", "notebook"], help="module, notebook or both")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="server", help=argparse.SUPPRESS)
    parser.add_argument("--stage", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--typed", type=int, default=0,
                        help="characters typed at the same place before the counted one (the server keeps what they had in common)")
    args = parser.parse_args()
    if args.child:
        if args.mode == "scratch":
            _scratch(args.child, bool(args.stage))
        else:
            _server(args.child, args.stage, args.typed)
        return 0
    if not set(args.targets) <= {"module", "notebook"}:
        parser.error("the targets are module and notebook")
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not on PATH (Debian/Ubuntu: apt install valgrind)")
    shutil.rmtree(FOLDER, ignore_errors=True)
    FOLDER.mkdir()
    print("| document | from scratch, million instructions | server step | child lint_document | child "
          "| server after | server step + child + server after |")
    print("|---|---|---|---|---|---|---|")
    try:
        for target in args.targets:
            # Once without counting: the bytecode of every module is written then, not compiled in a count.
            subprocess.run([sys.executable, __file__, "--child", target, "--stage", "4", "--typed", str(args.typed)], check=True,
                           env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})
            scratch = _count(target, "scratch", 1) - _count(target, "scratch", 0)
            counts = [_count(target, "server", stage, args.typed) for stage in range(len(STAGES))]
            step, alone = counts[1] - counts[0], counts[2] - counts[1]
            child, after = counts[3] - counts[1], counts[4] - counts[3]
            print(f"| {target} | {scratch / 1e6:.0f} | {step / 1e6:.0f} | {alone / 1e6:.0f} | {child / 1e6:.0f} "
                  f"| {after / 1e6:.0f} | {(step + child + after) / 1e6:.0f} |", flush=True)
    finally:
        shutil.rmtree(FOLDER, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
