"""Mistakes that used to pass in silence (issue 17, item 9), through the real entry point."""

from __future__ import annotations

import re

import pytest

from harness import LEAKY, notebook_json, run_cli, summary_of, without_summary

LEAK_MESSAGE = ("MLO101 StandardScaler fitted on 'X' (line 4) before 'X' is split (line 5); "
                "fit it on the training split only, or put it in a Pipeline")


@pytest.mark.parametrize("typo, meant", [("chek", "check"), ("chekc", "check"), ("rulez", "rule"), ("rles", "rules"),
                                         ("sever", "server"), ("CHECK", "check")])
def test_a_misspelt_command_is_an_error_with_a_suggestion(tmp_path, typo, meant):
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli(typo, "train.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"mlops-lint: error: unknown command '{typo}' — did you mean '{meant}'? "
                             f"(to lint a file of that name: mlops-lint check {typo})\n")


def test_an_existing_path_named_like_a_typo_is_linted(tmp_path):
    (tmp_path / "chek").write_text(LEAKY)
    result = run_cli("chek", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, f"chek:5:36: {LEAK_MESSAGE}\n")


@pytest.mark.parametrize("name", ["chek.py", "src", "notebooks", "train"])
def test_a_missing_file_that_looks_like_no_command_is_still_reported_as_missing(tmp_path, name):
    result = run_cli(name, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, f"{name}:1:1: MLO002 could not read file: No such file or directory\n")


def test_stdin_filename_alone_reads_stdin_as_in_ruff(tmp_path):
    (tmp_path / "other.py").write_text(LEAKY)  # the current folder must not be linted instead
    result = run_cli("check", "--stdin-filename", "buffer.py", cwd=tmp_path, stdin=LEAKY)
    assert (result.returncode, result.stdout) == (1, f"buffer.py:5:36: {LEAK_MESSAGE}\n")
    assert without_summary(result.stderr) == ""


def test_stdin_filename_with_paths_ignores_them_and_says_so(tmp_path):
    (tmp_path / "other.py").write_text(LEAKY)
    result = run_cli("check", "--stdin-filename", "buffer.py", "other.py", cwd=tmp_path, stdin=LEAKY)
    assert (result.returncode, result.stdout) == (1, f"buffer.py:5:36: {LEAK_MESSAGE}\n")
    assert without_summary(result.stderr) == "mlops-lint: warning: ignoring other.py: --stdin-filename reads the source from stdin\n"


def test_stdin_filename_of_a_notebook_reads_a_notebook_from_stdin(tmp_path):
    cells = ("from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler",
             "X = StandardScaler().fit_transform(X)\nX_train, X_test, y_train, y_test = train_test_split(X, y)")
    result = run_cli("check", "--stdin-filename", "explore.ipynb", cwd=tmp_path, stdin=notebook_json(*cells))
    assert result.stdout.startswith("explore.ipynb:cell_2:2:36: MLO101 ")


@pytest.mark.parametrize("table", ["[tool.mlops_lint]", "[tool.mlopslint]", "[tool.MLOps-Lint]", "[mlops-lint]", "[tool.mlops-linter]"])
def test_a_table_named_almost_like_ours_is_named_in_a_warning(tmp_path, table):
    (tmp_path / "pyproject.toml").write_text(f"[tool.black]\nline-length = 100\n\n{table}\nignore = ['MLO101']\n")
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli("check", "train.py", cwd=tmp_path)
    # Not read: the finding it would have ignored is reported.
    assert (result.returncode, result.stdout) == (1, f"train.py:5:36: {LEAK_MESSAGE}\n")
    shown = table.strip("[]")
    assert without_summary(result.stderr) == (f"mlops-lint: warning: {tmp_path / 'pyproject.toml'}: table [{shown}] is not read: "
                                              "mlops-lint reads [tool.mlops-lint]\n")


def test_the_right_table_and_other_tools_tables_give_no_warning(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.mlops-lint]\nignore = ['MLO102']\n[tool.mlflow]\nx = 1\n[tool.lint]\ny = 2\n")
    (tmp_path / "train.py").write_text(LEAKY)
    assert without_summary(run_cli("check", "train.py", cwd=tmp_path).stderr) == ""


def test_unsafe_fixes_without_fix_changes_no_file_and_widens_what_counts_as_fixable(tmp_path):
    # ruff's behaviour: --unsafe-fixes alone applies nothing and shows unsafe fixes as available.
    (tmp_path / "train.py").write_text(LEAKY)
    plain = run_cli("check", "--no-cache", "--output-format", "full", "train.py", cwd=tmp_path)
    widened = run_cli("check", "--no-cache", "--output-format", "full", "--unsafe-fixes", "train.py", cwd=tmp_path)
    assert (tmp_path / "train.py").read_text() == LEAKY
    assert plain.stdout == widened.stdout
    assert "  fixable (unsafe): Split first, then fit the transformer on the training part and apply it to the test part\n" in widened.stdout
    assert summary_of(widened.stderr) == "Checked 1 file in T s: 1 finding, 1 fixable with --fix --unsafe-fixes."


@pytest.mark.parametrize("selector, suggestion", [("MLO10l", "'MLO101'"), ("MLO1O1", "'MLO101'"), ("MLO1011", "'MLO101'"),
                                                  ("MLO10x", "'MLO10'"), ("preprocesing-before-split", "'preprocessing-before-split'")])
def test_selection_suggestions_name_the_closest_code_or_the_prefix_they_share(tmp_path, selector, suggestion):
    result = run_cli("check", "--select", selector, ".", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        2, f"mlops-lint: error: option --select: unknown rule code or prefix '{selector}' — did you mean {suggestion}?\n")


def test_verbose_names_the_configuration_each_file_and_why_and_the_time_of_each_stage(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.mlops-lint]\nextend-exclude = ['legacy']\n")
    (tmp_path / ".gitignore").write_text("scratch.py\n")
    (tmp_path / "train.py").write_text(LEAKY)
    (tmp_path / "explore.ipynb").write_text(notebook_json("import pandas as pd\ndf = pd.read_csv('x.csv')"))
    (tmp_path / "util.py").write_text("x = 1\n")
    (tmp_path / "scratch.py").write_text(LEAKY)
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.py").write_text(LEAKY)
    (tmp_path / "env2").mkdir()
    (tmp_path / "env2" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "env2" / "lib.py").write_text(LEAKY)
    result = run_cli("check", "-v", "--no-cache", ".", cwd=tmp_path)
    assert result.stdout == f"train.py:5:36: {LEAK_MESSAGE}\n"
    lines = without_summary(result.stderr).splitlines()
    ours = [line for line in lines if line.startswith("mlops-lint: ")]  # -v also turns on debug logs
    timings = ours.pop()
    assert re.fullmatch(r"mlops-lint: timings: configuration \d+\.\d\d s, discovery \d+\.\d\d s, lint \d+\.\d\d s, "
                        r"report \d+\.\d\d s", timings), timings
    assert ours == [
        "mlops-lint: configuration: pyproject.toml",
        "mlops-lint: skipped env2 (a virtualenv (it holds a pyvenv.cfg))",
        "mlops-lint: skipped legacy (excluded by 'legacy')",
        "mlops-lint: skipped scratch.py (ignored by .gitignore)",
        "mlops-lint: 3 files to check",
        # A file without ML imports is known as soon as it is read; the others once analysed.
        "mlops-lint: skipped util.py (no ML imports: no selected rule can fire)",
        "mlops-lint: checked explore.ipynb",
        "mlops-lint: checked train.py",
    ]


def test_verbose_says_when_no_configuration_applies_and_which_files_came_from_the_cache(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    run_cli("check", "train.py", cwd=tmp_path)
    result = run_cli("check", "-v", "train.py", cwd=tmp_path)
    ours = [line for line in without_summary(result.stderr).splitlines() if line.startswith("mlops-lint: ")]
    assert ours[:3] == [
        "mlops-lint: configuration: no pyproject.toml found; the defaults apply",
        "mlops-lint: 1 file to check",
        "mlops-lint: reused train.py (unchanged since the last run: findings from the cache)",
    ]


def test_verbose_lines_show_control_characters_in_file_names_escaped(tmp_path):
    (tmp_path / "evil\x1b]0;pwned\x07.py").write_text("x = 1\n")
    result = run_cli("check", "-v", ".", cwd=tmp_path)
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "mlops-lint: skipped evil\\x1b]0;pwned\\x07.py (no ML imports: no selected rule can fire)" in result.stderr.splitlines()
