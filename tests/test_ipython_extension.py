"""The IPython extension in a real InteractiveShell: findings appear below the cell that completes a leak."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mlops_lint.catalog import load_catalog
from mlops_lint.integrations.ipython_session import SessionCells
from mlops_lint.selection import expand, selected_codes

READ = (
    "import pandas as pd\n"
    "from sklearn.model_selection import train_test_split\n"
    "from sklearn.preprocessing import StandardScaler\n"
    "from sklearn.linear_model import LogisticRegression\n"
    "\n"
    'df = pd.read_csv("data.csv")\n'
    'X, y = df.drop(columns="label"), df["label"]'
)
SCALE = "X = StandardScaler().fit_transform(X)"
SPLIT = "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)"
FIT = "model = LogisticRegression().fit(X_train, y_train)\nprint(model.score(X_test, y_test))"
SCALE_AFTER_SPLIT = "scaler = StandardScaler().fit(X_train)\nX_train, X_test = scaler.transform(X_train), scaler.transform(X_test)"
SPLIT_COLUMN = SPLIT.index("train_test_split")
FIT_COLUMN = SCALE.index("StandardScaler")


def run_all(session, cells: list[tuple[str, str]]):
    """Run (cell id, source) pairs after %load_ext; every cell must run without an error."""
    loaded = session.run("%load_ext mlops_lint", cell_id="load")
    assert loaded.result.success and loaded.outputs == []
    runs = [session.run(source, cell_id=cell_id) for cell_id, source in cells]
    assert [run.result.success for run in runs] == [True] * len(runs), [run.stdout for run in runs]
    return runs


def located(diagnostic) -> tuple:
    location = diagnostic.location
    return (diagnostic.code, location.cell, location.start.line, location.start.column)


def test_a_leak_shows_below_the_split_cell_with_the_cell_that_fitted(session):
    read, scale, split, fit = run_all(session, [("read", READ), ("scale", SCALE), ("split", SPLIT), ("fit", FIT)])
    assert (read.outputs, scale.outputs, fit.outputs) == ([], [], [])
    [diagnostic] = session.extension().shown[4]  # In [4]: %load_ext is In [1]
    assert located(diagnostic) == ("MLO101", 4, 1, SPLIT_COLUMN)
    [fitted] = diagnostic.related
    assert (fitted.label, fitted.location.cell, fitted.location.start.line, fitted.location.start.column) == (
        "fitted here", 3, 1, FIT_COLUMN)
    [text] = split.texts
    assert text.splitlines()[:3] == [
        "mlops-lint: 1 finding in this cell",
        f"  line 1, col {SPLIT_COLUMN + 1}: MLO101 [preprocessing-before-split] StandardScaler fitted on 'X' "
        "(line 1 of cell 3) before 'X' is split (line 1 of cell 4); fit it on the training split only, or put it in a Pipeline",
        f"      fitted here: cell [3], line 1: {SCALE}",
    ]
    [html] = split.htmls
    assert '<a href="https://github.com/mlops-lint/mlops-lint/blob/main/docs/rules/MLO101.md"' in html
    assert "↳ fitted here: cell [3], line 1: <code>X = StandardScaler().fit_transform(X)</code>" in html
    assert "StandardScaler fitted on &#x27;X&#x27; (line 1 of cell 3)" in html


def test_a_clean_sequence_shows_nothing(session):
    runs = run_all(session, [("read", READ), ("split", SPLIT), ("scale", SCALE_AFTER_SPLIT), ("fit", FIT)])
    assert [run.outputs for run in runs] == [[], [], [], []]
    check = session.run("%mlops_lint check")
    assert (check.outputs, check.stdout) == ([], "mlops-lint: no findings in 5 cells\n")


def test_rerunning_the_corrected_cell_clears_the_finding_and_its_earlier_output(session):
    *_, split, _ = run_all(session, [("read", READ), ("scale", SCALE), ("split", SPLIT), ("fit", FIT)])
    assert [located(d) for d in session.extension().shown[4]] == [("MLO101", 4, 1, SPLIT_COLUMN)]
    session.extension().updates_earlier_outputs = True  # as under a kernel, which can update other cells' outputs

    corrected = session.run("scaler = StandardScaler()", cell_id="scale")  # In [6] replaces In [3]

    assert corrected.result.success
    assert session.extension().shown == {}
    [update] = corrected.outputs
    assert update.update and update.transient == split.outputs[0].transient  # the display below In [4]
    assert update.data["text/plain"] == "mlops-lint: resolved by the cells run since (last: cell [6])"
    assert session.run("%mlops_lint check").stdout == "mlops-lint: no findings in 5 cells\n"


def test_rerunning_a_corrected_split_cell_replaces_it(session):
    run_all(session, [("read", READ), ("scale", SCALE), ("split", SPLIT)])
    rerun = session.run('X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="label"), y, random_state=0)',
                        cell_id="split")
    assert (rerun.result.success, rerun.outputs, session.extension().shown) == (True, [], {})


def test_magics_and_shell_lines_do_not_break_it(session):
    _, scale, split = run_all(session, [
        ("read", "!echo reading \\\n  data\n%who\n" + READ + "\nlen?"),
        ("scale", "%time " + SCALE),
        ("split", "%%capture captured\n" + SPLIT),
    ])
    assert scale.outputs == [] and [command.split() for command in session.commands] == [["echo", "reading", "data"]]
    [diagnostic] = session.extension().shown[4]
    assert located(diagnostic) == ("MLO101", 4, 2, SPLIT_COLUMN)
    # %%capture runs its body again as a cell of its own (In [5]): the same split, a related place.
    fitted, again = diagnostic.related
    assert (again.label, again.location.cell) == ("its output is split or cross-validated again here", 5)
    assert (fitted.location.cell, fitted.location.start.line, fitted.location.start.column) == (3, 1, len("%time ") + FIT_COLUMN)
    assert "fitted here: cell [3], line 1: %time X = StandardScaler().fit_transform(X)" in split.texts[0]


def test_one_line_automagic_and_other_language_cells_run_between(session):
    run_all(session, [("read", READ), ("ls", "ls"), ("pwd", "pwd"), ("file", "%%writefile notes.txt\nnot python ("),
                      ("scale", SCALE), ("split", SPLIT)])
    assert [command.split()[0] for command in session.commands] == ["ls"]  # IPython's alias, with its options
    assert [located(d) for d in session.extension().shown[7]] == [("MLO101", 7, 1, SPLIT_COLUMN)]


def test_a_cell_that_does_not_compile_is_not_in_the_session(session):
    run_all(session, [("read", READ), ("scale", SCALE)])
    broken = session.run("X_train, X_test = (", cell_id="split")
    assert broken.result.error_before_exec is not None and broken.outputs == []
    assert [cell.source for cell in session.extension().cells][-2:] == [READ, SCALE]


def test_findings_that_wait_for_later_cells_are_only_in_check(session):
    # MLO204 says nothing *else* grades the model on held-out data: the next cell may well do it.
    *_, fit = run_all(session, [("read", READ), ("split", SPLIT),
                                ("fit", "model = LogisticRegression().fit(X_train, y_train)\nmodel.score(X_train, y_train)")])
    assert fit.outputs == []
    [check] = session.run("%mlops_lint check").texts
    assert check.splitlines()[0] == "mlops-lint: 1 finding in this session"
    assert check.splitlines()[1].startswith("  cell [4], line 2, col 1: MLO204 [evaluation-on-training-data] score() grades")


def test_cells_run_before_loading_come_from_the_input_history(session):
    assert session.run(READ).result.success and session.run(SCALE).result.success
    assert session.run("%load_ext mlops_lint").outputs == []
    split = session.run(SPLIT)
    [diagnostic] = session.extension().shown[4]
    assert located(diagnostic) == ("MLO101", 4, 1, SPLIT_COLUMN) and diagnostic.related[0].location.cell == 2
    assert "fitted here: cell [2], line 1" in split.texts[0]


def test_off_on_and_select(session):
    catalog = load_catalog()
    chosen, default = sorted(expand(["MLO2", "MLO3"], catalog, "select")), sorted(selected_codes(catalog, None))
    run_all(session, [("read", READ), ("scale", SCALE)])
    assert session.run("%mlops_lint off").stdout == "mlops-lint: off\n"
    assert session.run(SPLIT, cell_id="split").outputs == []
    assert session.run("%mlops_lint on").stdout == "mlops-lint: on\n"
    assert session.run("%mlops_lint select MLO2,MLO3").stdout == (
        f"mlops-lint: {len(chosen)} rules selected with %mlops_lint select: {', '.join(chosen)}\n")
    assert session.run(SPLIT, cell_id="split").outputs == []
    assert session.run("%mlops_lint select preprocesing-before-split").stdout == (
        "mlops-lint: unknown rule code or prefix 'preprocesing-before-split' — did you mean 'preprocessing-before-split'?\n")
    assert session.run("%mlops_lint select").stdout == f"mlops-lint: {len(default)} rules from the configuration: {', '.join(default)}\n"
    rerun = session.run(SPLIT, cell_id="split")
    assert [located(d) for d in session.extension().shown[rerun.result.execution_count]] == [
        ("MLO101", rerun.result.execution_count, 1, SPLIT_COLUMN)]


def test_the_configuration_is_read_from_the_kernels_folder(session, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.mlops-lint]\nignore = ["MLO101"]\n')
    _, _, split = run_all(session, [("read", READ), ("scale", SCALE), ("split", SPLIT)])
    assert split.outputs == []
    (tmp_path / "pyproject.toml").write_text('[tool.mlops-lint]\nignroe = ["MLO101"]\n')
    first, second = session.run(SPLIT, cell_id="split"), session.run(SPLIT, cell_id="split")
    assert first.stdout == (f"mlops-lint: {tmp_path / 'pyproject.toml'}: key 'tool.mlops-lint.ignroe': unknown key"
                            " — did you mean 'ignore'?\n")
    assert (first.outputs, second.stdout, second.outputs) == ([], "", [])  # said once


def test_without_cell_ids_the_same_text_is_the_same_cell():
    cells = SessionCells()
    cells.record(1, "a = 1")
    cells.record(2, "b = a")
    replaced = cells.record(3, "a = 1")
    assert replaced is not None and replaced.number == 1
    assert [(cell.number, cell.source) for cell in cells] == [(2, "b = a"), (3, "a = 1")]
    assert cells.record(4, "b = a", cell_id="x") is None  # a cell id is another identity than the text


@pytest.mark.integration  # a fresh interpreter
def test_importing_mlops_lint_stays_cheap():
    imported = subprocess.run(
        [sys.executable, "-c", "import sys, mlops_lint; print(sorted(m for m in sys.modules if m.startswith(('mlops_lint.', 'IPython'))))"],
        capture_output=True, text=True, check=True,
    )
    assert imported.stdout == "[]\n"


def test_a_noqa_comment_in_a_cell_is_honoured(session):
    runs = run_all(session, [("read", READ), ("scale", SCALE), ("split", SPLIT + "  # noqa: MLO101")])
    assert (runs[-1].outputs, session.extension().shown) == ([], {})


def test_the_notebooks_page_shows_what_the_extension_prints(session):
    *_, split = run_all(session, [("read", READ), ("scale", SCALE), ("split", SPLIT)])
    page = (Path(__file__).resolve().parents[1] / "docs" / "notebooks.md").read_text(encoding="utf-8")
    block = page.split(f"In [4]: {SPLIT}\n", 1)[1].split("```", 1)[0]
    assert block == split.texts[0] + "\n"


def test_the_rules_held_back_below_cells_are_rules_of_the_catalog():
    from mlops_lint.integrations.ipython_session import CONCLUDED_FROM_LATER_CELLS

    assert CONCLUDED_FROM_LATER_CELLS <= set(load_catalog().rules)
