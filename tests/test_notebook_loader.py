"""Bad and unusual notebooks: MLO002 for what is not a notebook, (cell, line) positions for the rest."""

from __future__ import annotations

import base64
import json
import os
import tempfile
from dataclasses import replace

import pytest

from harness import notebook_json
from mlops_lint.catalog import load_catalog
from mlops_lint.engine.lint import LintOptions, lint_path

ALL = frozenset(load_catalog().rules)
IMPORTS = "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler"
FIT = "X = StandardScaler().fit_transform(X)"
SPLIT = "X_train, X_test, y_train, y_test = train_test_split(X, y)"


def lint_notebook(data: str | bytes, name: str = "nb.ipynb"):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, name)
        with open(path, "wb") as handle:
            handle.write(data.encode() if isinstance(data, str) else data)
        diagnostics = lint_path(path, load_catalog(), LintOptions(selected=ALL))
    return [replace(d, location=replace(d.location, path=name)) for d in diagnostics]


def where(diagnostics) -> list[tuple[str, int | None, int, int]]:
    return [(d.code, d.location.cell, d.location.start.line, d.location.start.column) for d in diagnostics]


def notebook(cells: list[dict], **top) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells, **top})


def code(source, **extra) -> dict:
    return {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": source, **extra}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "not a valid notebook: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        ("", "not a valid notebook: Expecting value: line 1 column 1 (char 0)"),
        ("[1, 2]", "not a valid notebook: top level is not a JSON object"),
        ('"cells"', "not a valid notebook: top level is not a JSON object"),
        ('{"nbformat": 4}', "not a valid notebook: no 'cells' list"),
        ('{"cells": {"0": {}}}', "not a valid notebook: 'cells' is not a list"),
        (b'{"cells": ["\xff"]}', "not a valid notebook: 'utf-8' codec can't decode byte 0xff in position 12: invalid start byte"),
        ("[" * 100_000 + "]" * 100_000, "not a valid notebook: maximum recursion depth exceeded while decoding a JSON array from a unicode string"),
    ],
)
def test_what_is_not_a_notebook_is_one_mlo002(data, message):
    [diagnostic] = lint_notebook(data)
    assert (diagnostic.code, diagnostic.message) == ("MLO002", message)


def test_nbformat_4_source_as_string_and_as_list_give_the_same_positions():
    as_string = notebook([code(IMPORTS), code(FIT + "\n" + SPLIT)])
    as_list = notebook([code(IMPORTS.splitlines(keepends=True)), code([FIT + "\n", SPLIT])])
    expected = [("MLO101", 2, 2, SPLIT.index("train_test_split"))]
    assert where(lint_notebook(as_string)) == where(lint_notebook(as_list)) == expected


def test_nbformat_3_worksheets_and_input():
    data = json.dumps({
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"name": "old"},
        "worksheets": [{"cells": [
            {"cell_type": "heading", "level": 1, "source": ["Title"]},
            {"cell_type": "code", "language": "python", "input": [IMPORTS + "\n", FIT], "outputs": []},
            {"cell_type": "code", "language": "python", "input": SPLIT, "outputs": []},
        ]}],
    })
    assert where(lint_notebook(data)) == [("MLO101", 3, 1, SPLIT.index("train_test_split"))]


def test_nbformat_3_odd_worksheets_are_skipped_not_crashed_on():
    data = json.dumps({"nbformat": 3, "worksheets": [None, {"cells": 7}, {"cells": [code("x = $")]}]})
    assert where(lint_notebook(data)) == [("MLO001", 1, 1, 4)]


def test_ipython_syntax_is_neutralised_line_for_line():
    cells = [
        code("%matplotlib inline\n" + IMPORTS + "\n?StandardScaler\nStandardScaler?\ntrain_test_split??"),
        code("!pip install scikit-learn\nfiles = !ls -la\nenv = %env\n" + FIT),
        code("%%bash\nfor f in *.csv; do echo $f; done"),
        code("%%writefile helper.py\nX = StandardScaler().fit_transform(X)\nthis is not python ("),
        code("%%time\n" + SPLIT),
    ]
    assert where(lint_notebook(notebook(cells))) == [("MLO101", 5, 2, SPLIT.index("train_test_split"))]


def test_plain_python_continuation_lines_starting_with_operators_are_not_magics():
    cells = [code("mask = (df.a\n        != 0)\nlabel = ('%s'\n         % name)\n"), code("!ls\nok = (a\n      != b)")]
    assert lint_notebook(notebook(cells)) == []


def test_empty_notebook_and_empty_cells():
    assert lint_notebook(notebook([])) == []
    assert lint_notebook(notebook([code(""), code([]), code("\n\n")])) == []


def test_markdown_and_raw_cells_are_not_python_but_count_in_cell_numbers():
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "print 'not python'"},
        code(IMPORTS + "\n" + FIT),
        {"cell_type": "raw", "metadata": {}, "source": "x = $"},
        code(SPLIT),
    ]
    assert where(lint_notebook(notebook(cells))) == [("MLO101", 4, 1, SPLIT.index("train_test_split"))]


def test_odd_cells_are_skipped():
    cells = [None, 3, "code", {"cell_type": "code"}, code(None), code([1, None, "x = 1"]), code({"a": 1})]
    assert lint_notebook(notebook(cells)) == []


def test_one_broken_cell_is_mlo001_at_cell_and_line_and_other_cells_are_analysed():
    cells = [code(IMPORTS + "\n" + FIT), code("x = 1\nprint 'broken'\n"), code("y = (\n"), code("z = 1\n" + SPLIT)]
    assert where(lint_notebook(notebook(cells))) == [
        ("MLO001", 2, 2, 0),
        ("MLO001", 3, 1, 4),
        ("MLO101", 4, 2, SPLIT.index("train_test_split")),
    ]


def test_a_block_left_open_at_the_end_of_a_cell_is_an_error_in_that_cell():
    # Jupyter compiles each cell on its own: the loop has no body. The indented next cell is
    # valid, as IPython takes a cell's common indentation out before compiling it.
    cells = [code("for i in range(3):"), code("    print(i)")]
    assert [(code_, cell) for code_, cell, _, _ in where(lint_notebook(notebook(cells)))] == [("MLO001", 1)]


def test_non_python_kernel_notebooks_are_not_checked():
    metadata = {"kernelspec": {"language": "R", "name": "ir"}, "language_info": {"name": "R"}}
    assert lint_notebook(notebook([code("library(dplyr)\nx <- 1")], metadata=metadata)) == []


def test_huge_base64_image_outputs_are_not_decoded(monkeypatch):
    image = base64.b64encode(os.urandom(15_000_000)).decode()  # 20 MB of output text
    output = {"output_type": "display_data", "metadata": {}, "data": {"image/png": image, "text/plain": ["<Figure>"]}}
    data = notebook_json(IMPORTS + "\n" + FIT, SPLIT, outputs=[output] * 1)

    def refuse(*_args, **_kwargs):
        raise AssertionError("a notebook output was decoded")

    for name in ("b64decode", "standard_b64decode", "decodebytes"):
        monkeypatch.setattr(base64, name, refuse)
    diagnostics = lint_notebook(data)
    assert where(diagnostics) == [("MLO101", 2, 1, SPLIT.index("train_test_split"))]


def test_bom_and_crlf_inside_cell_sources():
    data = notebook([code(IMPORTS.replace("\n", "\r\n") + "\r\n" + FIT), code(["x = 1\r", SPLIT])])
    assert where(lint_notebook(b"\xef\xbb\xbf" + data.encode())) == [("MLO101", 2, 2, SPLIT.index("train_test_split"))]


def test_non_ascii_columns_in_cells_are_code_points():
    prefix = "données = 'é'; "
    diagnostics = lint_notebook(notebook([code(IMPORTS + "\n" + FIT), code(prefix + SPLIT)]))
    assert where(diagnostics) == [("MLO101", 2, 1, len(prefix) + SPLIT.index("train_test_split"))]


@pytest.mark.parametrize("prefix", ["%time ", "%timeit -n 3 -r 1 ", "%capture "])
def test_code_kept_from_a_line_magic_keeps_its_cell_columns(prefix):
    diagnostics = lint_notebook(notebook([code(IMPORTS + "\n" + FIT), code("x = 1\n" + prefix + SPLIT)]))
    assert where(diagnostics) == [("MLO101", 2, 2, len(prefix) + SPLIT.index("train_test_split"))]
    assert diagnostics[0].location.end.column == len(prefix) + len(SPLIT)


def test_saved_outputs_are_read_by_kind_per_code_cell():
    from mlops_lint.source.notebook import notebook_document

    printed = {"output_type": "stream", "name": "stdout", "text": ["{'C': 10}\n"]}
    warned = {"output_type": "stream", "name": "stderr", "text": ["FutureWarning\n"]}
    shown = {"output_type": "execute_result", "execution_count": 3, "metadata": {}, "data": {"text/plain": ["0.9"]}}
    drawn = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo=", "text/plain": ["<Figure>"]}}
    html = {"output_type": "display_data", "metadata": {}, "data": {"text/html": ["<table/>"]}}
    failed = {"output_type": "error", "ename": "ValueError", "evalue": "", "traceback": []}
    cells = [code("a = 1", outputs=[printed, warned]), {"cell_type": "markdown", "metadata": {}, "source": "# notes"},
             code("b = 2", outputs=[shown, drawn]), code("c = 3", outputs=[html, failed]), code("d = 4", outputs=[warned])]
    cell_map = notebook_document("nb.ipynb", notebook(cells).encode()).cell_map
    assert cell_map is not None and cell_map.cells == (1, 3, 4, 5)
    assert [cell_map.saved_outputs(cell_map.to_module(cell, 1)) for cell in cell_map.cells] == [
        frozenset({"text"}), frozenset({"result", "figure"}), frozenset({"display", "error"}), frozenset()
    ]
    assert cell_map.notes == ((2, "# notes"),)


def test_nbformat_3_outputs_are_read_too():
    from mlops_lint.source.notebook import notebook_document

    cells = [{"cell_type": "code", "input": "x = 1", "language": "python",
              "outputs": [{"output_type": "stream", "stream": "stdout", "text": ["1\n"]},
                          {"output_type": "pyout", "prompt_number": 1, "text": ["1"]},
                          {"output_type": "display_data", "png": "iVBORw0KGgo="}]}]
    data = json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": cells}]})
    cell_map = notebook_document("nb.ipynb", data.encode()).cell_map
    assert cell_map is not None and cell_map.saved_outputs(1) == frozenset({"text", "result", "figure"})
