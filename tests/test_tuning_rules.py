"""MLO3xx behaviour the fixtures cannot express: options and message contents."""

from __future__ import annotations

from pathlib import Path

from harness import found, lint_text

GRID = """\
from sklearn.model_selection import GridSearchCV
search = GridSearchCV(SVC(), {"C": [1, 10, 100], "kernel": ["rbf", "linear"], "tol": range(4)})
"""


def test_exhaustive_grid_message_states_the_count():
    diagnostics = lint_text(GRID, {"MLO303"}, options={"MLO303": {"max-combinations": 20}})
    assert found(diagnostics) == {("MLO303", None, 2)}
    assert "24 combinations (limit 20)" in diagnostics[0].message


def test_exhaustive_grid_default_limit_is_silent_on_small_grid():
    assert found(lint_text(GRID, {"MLO303"})) == set()


SEARCH = """\
from sklearn.model_selection import GridSearchCV
search = GridSearchCV(SVC(), {"C": [1, 10]})
search.fit(X, y)
"""


def test_unrecorded_search_says_when_the_outcome_is_only_printed():
    printed = lint_text(SEARCH + "print(search.best_params_)\n", {"MLO302"})
    assert found(printed) == {("MLO302", None, 2)}
    assert "(best_params_)" in printed[0].message and "only printed to stdout" in printed[0].message
    plotted = lint_text(SEARCH + "plt.plot(search.cv_results_['mean_test_score'])\n", {"MLO302"})
    assert found(plotted) == {("MLO302", None, 2)}
    assert "only printed" not in plotted[0].message


def test_unrecorded_search_says_which_results_are_used():
    used = lint_text(SEARCH + "predictions = search.predict(X_test)\nprint(search.score(X_test, y_test))\n", {"MLO302"})
    assert found(used) == {("MLO302", None, 2)}
    assert "(its refitted best model is used through predict(), score(), but the chosen parameters are never read)" in used[0].message
    assert "never even read" not in used[0].message
    unread = lint_text(SEARCH, {"MLO302"})
    assert "(its results are never even read) is never logged, saved or returned in this module;" in unread[0].message


def test_unrecorded_search_in_a_saved_notebook_says_what_its_outputs_hold():
    from mlops_lint.catalog import load_catalog
    from mlops_lint.engine.lint import LintOptions, lint_path

    path = Path(__file__).parent / "fixtures" / "MLO302" / "saved_outputs_do_not_show_it.ipynb"
    by_cell = {d.location.cell: d.message for d in lint_path(str(path), load_catalog(), LintOptions(selected=frozenset({"MLO302"})))}
    assert "(best_params_) is never logged, saved or returned in this notebook (it is only printed or displayed, " \
        "and the saved notebook holds no output for that cell);" in by_cell[2]
    assert "(best_params_) is never logged, saved or returned in this notebook, nor shown in its saved outputs;" in by_cell[5]


def test_unrecorded_search_in_a_live_session_names_the_session():
    from mlops_lint.catalog import load_catalog
    from mlops_lint.engine.lint import LintOptions
    from mlops_lint.integrations.ipython_session import SessionCells, SessionLinter

    cells = SessionCells()
    for number, source in enumerate(SEARCH.split("\n")[:3], start=1):
        cells.record(number, source)
    cells.record(4, "print(search.best_params_)")
    diagnostics = SessionLinter(load_catalog(), LintOptions(selected=frozenset({"MLO302"}))).lint(cells)
    assert [(d.code, d.location.cell, d.location.start.line) for d in diagnostics] == [("MLO302", 2, 1)]
    assert "(best_params_) is never logged, saved or returned in this session (it is only printed to stdout" in diagnostics[0].message


def test_unrecorded_search_is_silent_once_logged():
    assert found(lint_text(SEARCH + "import mlflow\nmlflow.log_params(search.best_params_)\n", {"MLO302"})) == set()


def test_unseeded_search_names_the_unseeded_cv_splitter():
    code = "from sklearn.model_selection import GridSearchCV, KFold\ncv = KFold(shuffle=True)\ns = GridSearchCV(SVC(), {'C': [1]}, cv=cv)\n"
    diagnostics = lint_text(code, {"MLO301"})
    assert found(diagnostics) == {("MLO301", None, 3)}
    assert "cv=KFold" in diagnostics[0].message and diagnostics[0].related[0].location.start.line == 2


def test_default_selection_has_mlo304_off_and_the_others_on():
    from mlops_lint.catalog import load_catalog

    rules = load_catalog().rules
    assert [code for code in ("MLO301", "MLO302", "MLO303", "MLO304", "MLO305") if rules[code].default] == [
        "MLO301", "MLO302", "MLO303", "MLO305"
    ]
