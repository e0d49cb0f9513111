"""The one place that tells a notebook from a Python file, and what each kind means for reading,
writing back and showing a change.

Each format reads a file's bytes into a ``SourceDocument`` (module text plus position map), puts a
changed module text back into the file's bytes, and shows a change as the user sees the file: a
``.py`` file as text, a notebook cell by cell (never its JSON).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Sequence

from mlops_lint.source.document import SourceDocument, decode_python

if TYPE_CHECKING:  # a plain check never imports write_back
    from mlops_lint.source.write_back import LineChange


@dataclass(frozen=True)
class SourceFormat:
    name: str
    read: Callable[[str, bytes], SourceDocument]
    write_back: Callable[[bytes, str, "Sequence[LineChange]"], bytes]
    diff: Callable[[str, bytes, bytes], str]


def _unified(path: str, old: str, new: str) -> str:
    import difflib  # only --diff shows a change

    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), path, path))


def _read_python(path: str, data: bytes) -> SourceDocument:
    return SourceDocument(path=path, text=decode_python(data))


def _python_bytes(data: bytes, old: str, changes: Sequence[LineChange]) -> bytes:
    from mlops_lint.source.write_back import python_bytes

    return python_bytes(data, old, changes)


def _python_diff(path: str, data: bytes, fixed: bytes) -> str:
    return _unified(path, decode_python(data), decode_python(fixed))


def _read_notebook(path: str, data: bytes) -> SourceDocument:
    from mlops_lint.source.notebook import notebook_document

    return notebook_document(path, data)


def _notebook_bytes(data: bytes, old: str, changes: Sequence[LineChange]) -> bytes:
    from mlops_lint.source.write_back import notebook_bytes

    return notebook_bytes(data, old, changes)


def _notebook_diff(path: str, data: bytes, fixed: bytes) -> str:
    """One diff per changed code cell, named as findings name it (``nb.ipynb:cell_3``), of the
    cell's own source: what Jupyter shows, not the JSON and not the joined module text."""
    from mlops_lint.source.notebook import code_cell_sources

    def lines(source: str) -> str:  # a cell's last line usually has no newline: diff it as if it had
        return source if source.endswith("\n") or not source else source + "\n"

    before, after = code_cell_sources(data), code_cell_sources(fixed)
    return "".join(_unified(f"{path}:cell_{number}", lines(source), lines(after[number]))
                   for number, source in before.items() if after.get(number, source) != source)


PYTHON = SourceFormat("python", _read_python, _python_bytes, _python_diff)
NOTEBOOK = SourceFormat("notebook", _read_notebook, _notebook_bytes, _notebook_diff)


def format_of(path: str) -> SourceFormat:
    """A notebook by its ``.ipynb`` name (also for stdin, by ``--stdin-filename``); anything else is Python."""
    return NOTEBOOK if path.endswith(".ipynb") else PYTHON
