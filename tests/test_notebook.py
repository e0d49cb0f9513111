"""Notebooks: cells form one module, magics are neutralised, findings map back to (cell, line)."""

from __future__ import annotations

from harness import found, lint_text, notebook_json


def test_fit_and_split_in_different_cells_report_cell_and_line():
    notebook = notebook_json(
        "%matplotlib inline\nfrom sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler",
        "!pip install scikit-learn\nX = StandardScaler().fit_transform(X)",
        "files = !ls\n%time X_train, X_test, y_train, y_test = train_test_split(X, y)",
    )
    diagnostics = lint_text(notebook, {"MLO101"}, filename="leak.ipynb")
    assert found(diagnostics) == {("MLO101", 3, 2)}
    assert diagnostics[0].related[0].location.cell == 2
    assert diagnostics[0].related[0].location.start.line == 2


def test_cell_magic_cell_is_not_python():
    notebook = notebook_json("%%bash\necho 'X = StandardScaler().fit_transform(X)'\nls -la |", "x = 1")
    assert lint_text(notebook, {"MLO001", "MLO101"}, filename="nb.ipynb") == []


def test_malformed_notebook_is_mlo002():
    from mlops_lint.catalog import load_catalog
    from mlops_lint.engine.lint import LintOptions, lint_path
    import tempfile, os

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "bad.ipynb")
        with open(path, "w") as handle:
            handle.write("{not json")
        diagnostics = lint_path(path, load_catalog(), LintOptions(selected=frozenset({"MLO002"})))
    assert [d.code for d in diagnostics] == ["MLO002"]
    assert diagnostics[0].message.startswith("not a valid notebook:")
