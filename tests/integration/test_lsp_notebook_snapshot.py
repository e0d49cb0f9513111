"""The language server writes an open notebook's code cells as nbformat JSON for the lint, and
builds the document that JSON reads to straight from the cells (integrations/lsp.py): both must be
exactly what the JSON route gives, or the reused front end would not be the lint's."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from mlops_lint.source.cells import code_cells_document
from mlops_lint.source.document import document_from_bytes, remember_read
from mlops_lint.source.notebook import code_cell_sources, notebook_document

pytest.importorskip("pygls")

from mlops_lint.integrations.lsp import _notebook_json  # noqa: E402

TESTS = Path(__file__).resolve().parents[1]
BENCHMARKS = TESTS.parent / "benchmarks"

EDGES = [
    [],
    [""],
    ["x = 1"],
    ["x = 1\n", "\n", "y = 2\r\nz = 3\r"],
    ["%time x = f()\n!pip install a \\\n  b\n", "%%bash\necho hi", "  indented = 1\n  more = 2"],
    ["s = '\ud800'", "\ufeffa = 1", "t = 'é\u2028\"\\\\'\t"],
    ["def f(:\n", "ok = 1"],  # a cell that does not parse
]


def _fixture_cells() -> list[list[str]]:
    return [list(code_cell_sources(path.read_bytes()).values()) for path in sorted(TESTS.rglob("*.ipynb"))]


def _benchmark_cells() -> list[str]:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from scaling import notebook
    finally:
        sys.path.remove(str(BENCHMARKS))
    return [("".join(c["source"])) for c in json.loads(notebook(5000))["cells"] if c["cell_type"] == "code"]


def _as_json_dumps(sources: list[str]) -> str:
    """What the server wrote until wave 10: one ``json.dumps`` of the whole notebook."""
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": source}
        for source in sources
    ]})


def _every_case() -> list[list[str]]:
    cases = [*EDGES, *_fixture_cells(), _benchmark_cells()]
    assert len(cases) > len(EDGES) + 20  # the fixtures' notebooks were found
    return cases


@pytest.mark.parametrize("sources", _every_case())
def test_the_notebook_json_is_json_dumps_of_the_notebook(sources: list[str]) -> None:
    assert _notebook_json(sources) == _as_json_dumps(sources)
    kept: dict[str, str] = {}
    assert _notebook_json(sources, kept) == _as_json_dumps(sources)
    assert _notebook_json(sources, kept) == _as_json_dumps(sources)  # the second time from the kept cells' JSON
    edited = [*sources[:-1], sources[-1] + "x"] if sources else ["x"]
    assert _notebook_json(edited, kept) == _as_json_dumps(edited)
    assert set(kept) == set(edited)  # only the last snapshot's cells are kept


@pytest.mark.parametrize("sources", _every_case())
def test_the_document_of_the_cells_is_the_one_their_json_reads_to(sources: list[str]) -> None:
    data = _notebook_json(sources).encode("utf-8", "surrogatepass")
    assert code_cells_document("nb.ipynb", sources) == notebook_document("nb.ipynb", data)


def test_a_remembered_document_is_what_the_next_read_of_its_bytes_gives() -> None:
    sources = ["import numpy as np\n", "x = np.load('x.npy')"]
    data = _notebook_json(sources).encode()
    document = code_cells_document("nb.ipynb", sources)
    remember_read("nb.ipynb", data, document)
    assert document_from_bytes("nb.ipynb", data) is document
    assert document_from_bytes("other/nb.ipynb", data) == code_cells_document("other/nb.ipynb", sources)
