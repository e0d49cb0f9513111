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
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "bad.ipynb")
        with open(path, "w") as handle:
            handle.write("{not json")
        diagnostics = lint_path(path, load_catalog(), LintOptions(selected=frozenset({"MLO002"})))
    assert [d.code for d in diagnostics] == ["MLO002"]
    assert diagnostics[0].message.startswith("not a valid notebook:")


def test_messages_name_lines_as_the_notebook_shows_them():
    # Every rule that names another line in its message says "<line> of cell <n>" in a notebook,
    # never the line of the joined module (MLO601 once said "predictions (line 7)" here).
    notebook = notebook_json(
        "import pandas as pd\nfrom sklearn.linear_model import LogisticRegression",
        "df = pd.read_csv('train.csv')\nmodel = LogisticRegression()\nmodel.fit(df, df.y)",
        "new = pd.read_csv('new.csv')\npreds = model.predict(new)\npd.DataFrame(preds).to_csv('out.csv')",
    )
    diagnostics = lint_text(notebook, {"MLO503", "MLO601"}, filename="nb.ipynb")
    messages = {d.code: d.message for d in diagnostics}
    assert found(diagnostics) == {("MLO503", 2, 3), ("MLO601", 3, 3)}
    assert "(line 1 of cell 2)" in messages["MLO503"]
    assert "predictions (line 2 of cell 3)" in messages["MLO601"]
