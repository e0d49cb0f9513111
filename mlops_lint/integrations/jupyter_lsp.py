"""JupyterLab through jupyter-lsp: the server spec it discovers, and the notebook text it sends.

jupyter-lsp finds language servers through the ``jupyter_lsp_spec_v1`` entry point group; ours
(pyproject.toml) names ``spec`` below, which starts ``mlops-lint server`` with the Python that runs
Jupyter. jupyterlab-lsp then sends each notebook as one *virtual document*: the Python of all its
code cells, joined by blank lines, under ``.virtual_documents/<notebook path>``. It maps the
positions we publish back to cells itself. Nothing here imports jupyter-lsp.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any

from mlops_lint.diagnostics import Diagnostic, Location, Position, TextEdit

SERVER_KEY = "mlops-lint"
SPEC_VERSION = 2  # jupyter-lsp's schema version for language server specs
# jupyter-lsp's LanguageServerManager.virtual_documents_dir: JP_LSP_VIRTUAL_DIR, else this.
DEFAULT_VIRTUAL_DIR = ".virtual_documents"


class MlopsLintSpec:
    """A jupyter-lsp spec finder: called with jupyter-lsp's manager, returns ``{key: spec}``.

    ``is_installed`` lets jupyter-lsp skip the server when the ``lsp`` extra (pygls) is missing;
    the spec is still listed, with the command that installs it.
    """

    key = SERVER_KEY

    def is_installed(self, manager: Any = None) -> bool:
        return importlib.util.find_spec("pygls") is not None

    def __call__(self, manager: Any = None) -> dict[str, dict[str, Any]]:
        return {self.key: {
            "argv": [sys.executable, "-m", "mlops_lint", "server"] if self.is_installed(manager) else [],
            "languages": ["python"],
            "version": SPEC_VERSION,
            "display_name": "mlops-lint",
            "mime_types": ["text/python", "text/x-ipython"],
            "urls": {
                "home": "https://github.com/mlops-lint/mlops-lint",
                "issues": "https://github.com/mlops-lint/mlops-lint/issues",
            },
            "install": {"pip": "pip install 'mlops-lint[lsp]'"},
            # Documents are linted from the text jupyterlab-lsp sends; no shadow copy on disk is read.
            "requires_documents_on_disk": False,
            "env": {"PYTHONUNBUFFERED": "1"},
        }}


spec = MlopsLintSpec()


@dataclass(frozen=True)
class Lintable:
    """A document as the engine should read it, and the way back to the document's lines."""

    path: str
    text: str
    # The document line (1-based) where each cell of ``text`` (an nbformat notebook) begins; empty
    # when ``text`` is the document itself.
    cell_starts: tuple[int, ...] = ()
    cell_lengths: tuple[int, ...] = ()  # how many lines each of those cells has

    def to_document(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Findings in (cell, line) of the cells, moved to the lines of the document they came from."""
        if not self.cell_starts:
            return diagnostics
        return [
            replace(d, location=self._moved(d.location), related=tuple(replace(r, location=self._moved(r.location)) for r in d.related))
            for d in diagnostics
        ]

    def edit_in_document(self, edit: TextEdit) -> TextEdit:
        """A fix's edit (lines of the joined cells) on the lines of the document they came from."""
        if not self.cell_starts:
            return edit
        module_starts = [1]
        for length in self.cell_lengths[:-1]:
            module_starts.append(module_starts[-1] + length)
        cell = max(i for i, start in enumerate(module_starts) if start <= edit.start.line)

        def moved(position: Position) -> Position:
            return Position(position.line - module_starts[cell] + self.cell_starts[cell], position.column)

        # The end may be the start of the next cell: the line after this cell's last line, a blank separator.
        return TextEdit(moved(edit.start), moved(edit.end), edit.new_text)

    def _moved(self, location: Location) -> Location:
        if location.cell is None or not 1 <= location.cell <= len(self.cell_starts):
            return location
        offset = self.cell_starts[location.cell - 1] - 1
        start, end = location.start, location.end
        return Location(location.path, Position(start.line + offset, start.column), Position(end.line + offset, end.column))


def as_lintable(path: str, text: str) -> Lintable:
    """``(path, text)`` unchanged, unless the document is a notebook's virtual document.

    A virtual document is Python named like the notebook (``.ipynb``), which the engine would
    read as nbformat JSON. Its cells become the cells of a notebook at the notebook's own path
    (so the configuration and ``per-file-ignores`` for notebooks apply), so that each cell is
    parsed on its own as Jupyter does (a cell being typed does not hide the others' findings)
    and IPython syntax is read as in any notebook. jupyterlab-lsp puts two blank lines after
    each cell, so runs of two or more blank lines separate cells here; cells are numbered
    among code cells, as for the notebook documents of other editors.
    """
    parts = PurePath(path).parts
    virtual_dir = os.environ.get("JP_LSP_VIRTUAL_DIR") or DEFAULT_VIRTUAL_DIR
    in_virtual_dir = virtual_dir in parts
    if not in_virtual_dir and not path.endswith(".ipynb"):
        return Lintable(path, text)
    if in_virtual_dir:
        index = parts.index(virtual_dir)
        path = str(PurePath(*parts[:index], *parts[index + 1:]))
    path = path.removesuffix(".py")
    if not path.endswith(".ipynb"):
        path += ".ipynb"
    cells = _cells(text)
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": "\n".join(lines)}
        for _, lines in cells
    ]}
    return Lintable(path, json.dumps(notebook), tuple(start for start, _ in cells), tuple(len(lines) for _, lines in cells))


def _cells(text: str) -> list[tuple[int, list[str]]]:
    """(first line, lines) of each part of ``text`` between runs of two or more blank lines."""
    cells: list[tuple[int, list[str]]] = []
    blank = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            blank += 1
            continue
        if cells and blank < 2:
            cells[-1][1].extend([""] * blank + [line])
        else:
            cells.append((number, [line]))
        blank = 0
    return cells
