"""The summary line on stderr (issue 17, item 8): what was checked, skipped and found, through the real entry point."""

from __future__ import annotations

import pytest

from harness import LEAKY, notebook_json, run_cli, summary_of, without_summary
from mlops_lint.diagnostics import Applicability
from mlops_lint.observer import CACHED, CHECKED, NO_ML_IMPORTS, UNREADABLE
from mlops_lint.report.summary import summary

# MLO301 (its fix is safe) and MLO302 (no fix) at line 5.
UNSEEDED_SEARCH = (
    "from scipy.stats import loguniform\n"
    "from sklearn.model_selection import RandomizedSearchCV\n"
    "from sklearn.svm import SVC\n"
    "\n"
    "search = RandomizedSearchCV(SVC(), {'C': loguniform(1e-3, 1e3)}, n_iter=20)\n"
    "search.fit(X_train, y_train)\n"
)
NOTEBOOK_CELLS = (
    "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler",
    "X = StandardScaler().fit_transform(X)\nX_train, X_test, y_train, y_test = train_test_split(X, y)",
)


def test_checked_and_skipped_files_are_counted_apart(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    (tmp_path / "explore.ipynb").write_text(notebook_json(*NOTEBOOK_CELLS))
    (tmp_path / "util.py").write_text("def add(a, b):\n    return a + b\n")
    (tmp_path / "notes.ipynb").write_text(notebook_json("print('no ML here')"))
    result = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert [line.split(": ")[0] for line in result.stdout.splitlines()] == ["explore.ipynb:cell_2:2:36", "train.py:5:36"]
    assert summary_of(result.stderr) == (
        "Checked 2 files (2 without ML imports skipped) in T s: 2 findings, 2 fixable with --fix --unsafe-fixes.")


def test_an_empty_folder_is_told_apart_from_a_clean_project(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "clean").mkdir()
    (tmp_path / "clean" / "train.py").write_text("import sklearn\nmodel = sklearn.svm.SVC()\n")
    empty = run_cli("check", "empty", cwd=tmp_path)
    clean = run_cli("check", "clean", cwd=tmp_path)
    assert (empty.returncode, empty.stdout, clean.returncode, clean.stdout) == (0, "", 0, "")
    assert summary_of(empty.stderr) == "Checked 0 files in T s: no Python file or notebook found."
    assert summary_of(clean.stderr) == "Checked 1 file in T s: no findings."


def test_files_answered_by_the_cache_are_counted_apart(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    (tmp_path / "util.py").write_text("x = 1\n")
    first = run_cli("check", ".", cwd=tmp_path)
    second = run_cli("check", ".", cwd=tmp_path)
    assert first.stdout == second.stdout
    assert summary_of(first.stderr) == (
        "Checked 1 file (1 without ML imports skipped) in T s: 1 finding, 1 fixable with --fix --unsafe-fixes.")
    assert summary_of(second.stderr) == (
        "Checked 0 files (2 unchanged since the last run) in T s: 1 finding, 1 fixable with --fix --unsafe-fixes.")


def test_fixable_counts_safe_and_unsafe_fixes_as_a_fix_run_would_apply_them(tmp_path):
    (tmp_path / "search.py").write_text(UNSEEDED_SEARCH)
    (tmp_path / "train.py").write_text(LEAKY)
    plain = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    widened = run_cli("check", "--no-cache", "--unsafe-fixes", ".", cwd=tmp_path)
    assert summary_of(plain.stderr) == "Checked 2 files in T s: 3 findings, 1 fixable with --fix (1 more with --unsafe-fixes)."
    # --unsafe-fixes without --fix writes nothing; as in ruff, it counts the unsafe fixes as fixable.
    assert summary_of(widened.stderr) == "Checked 2 files in T s: 3 findings, 2 fixable with --fix --unsafe-fixes."
    assert (tmp_path / "train.py").read_text() == LEAKY and (tmp_path / "search.py").read_text() == UNSEEDED_SEARCH


def test_after_fix_the_summary_counts_what_remains(tmp_path):
    (tmp_path / "search.py").write_text(UNSEEDED_SEARCH)
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli("check", "--fix", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert [line.split(" ")[:2] for line in result.stdout.splitlines()] == [["search.py:5:10:", "MLO302"], ["train.py:5:36:", "MLO101"]]
    assert without_summary(result.stderr) == "Fixed 1 finding(s) in 1 file(s).\n"
    # The safe fix was applied; the unsafe one waits for --unsafe-fixes.
    assert summary_of(result.stderr) == "Checked 2 files in T s: 2 findings, 1 fixable with --fix --unsafe-fixes."


def test_stdin_is_one_file(tmp_path):
    result = run_cli("check", "-", "--stdin-filename", "train.py", cwd=tmp_path, stdin=LEAKY)
    assert summary_of(result.stderr) == "Checked 1 file in T s: 1 finding, 1 fixable with --fix --unsafe-fixes."


@pytest.mark.parametrize("args", [("--output-format", "json"), ("--output-format", "sarif"), ("--output-format", "github"),
                                  ("--output-format", "gitlab"), ("--quiet",), ("--output-format", "full", "-q")])
def test_no_summary_for_machines_or_with_quiet(tmp_path, args):
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli("check", *args, "train.py", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (1, "")
    assert "MLO101" in result.stdout


def test_summary_wording_with_large_counts():
    outcomes = {CHECKED: 290, UNREADABLE: 7, NO_ML_IMPORTS: 1790, CACHED: 0}
    assert summary(outcomes, [], 4.71) == "Checked 297 files (1,790 without ML imports skipped) in 4.7 s: no findings.\n"
    assert summary({CHECKED: 1, CACHED: 1200}, [], 0.04) == "Checked 1 file (1,200 unchanged since the last run) in 0.0 s: no findings.\n"
    assert summary({}, [], 0.01, attempted=Applicability.SAFE) == "Checked 0 files in 0.0 s: no Python file or notebook found.\n"


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path):
    for number in range(120):  # more than progress.MANY_FILES
        (tmp_path / f"module_{number:03}.py").write_text("x = 1\n")
    result = run_cli("check", ".", cwd=tmp_path)
    assert without_summary(result.stderr) == ""
    assert summary_of(result.stderr) == "Checked 0 files (120 without ML imports skipped) in T s: no findings."
