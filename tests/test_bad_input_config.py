"""Bad configuration through the real CLI: one line naming the file and the key, exit 2, no traceback."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from harness import run_cli, summary_of, without_summary

LEAKY = (
    "from sklearn.model_selection import train_test_split\n"
    "from sklearn.preprocessing import StandardScaler\n"
    "X = StandardScaler().fit_transform(X)\n"
    "X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
)
BROKEN_LINE = "broken.py:1:1: MLO001 SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?"
LEAK_LINE = "train.py:4:36: MLO101 StandardScaler fitted on 'X' (line 3) before 'X' is split (line 4); fit it on the training split only, or put it in a Pipeline"


def run_in_project(tmp_path: Path, config: bytes | str | None, *args: str) -> subprocess.CompletedProcess:
    (tmp_path / "train.py").write_text(LEAKY)
    (tmp_path / "broken.py").write_text("print 'x'\nimport sklearn\n")
    if config is not None:
        (tmp_path / "pyproject.toml").write_bytes(config.encode() if isinstance(config, str) else config)
    return run_cli("check", "--output-format", "concise", *args, ".", cwd=tmp_path)


# The exact wording of each message is pinned in test_config.py; here every bad input must give
# exit 2, no output, and one line naming the file and the key.
@pytest.mark.parametrize(
    ("config", "names"),
    [
        ("[tool.mlops-lint\n", "invalid TOML"),
        (b"\xff\xfe[tool]", "invalid TOML"),
        ("[tool.mlops-lint]\nselct = ['MLO1']\n", "'tool.mlops-lint.selct'"),
        ("[tool.mlops-lint]\nplugins = ['evil_module']\n", "'tool.mlops-lint.plugins'"),
        ("[tool]\nmlops-lint = 3\n", "'tool.mlops-lint'"),
        ("[tool.mlops-lint]\nselect = 'MLO1'\n", "'tool.mlops-lint.select'"),
        ("[tool.mlops-lint]\nexclude = [1]\n", "'tool.mlops-lint.exclude'"),
        ("[tool.mlops-lint]\nper-file-ignores = 3\n", "'tool.mlops-lint.per-file-ignores'"),
        ("[tool.mlops-lint]\npreprocessing-before-split = 3\n", "'tool.mlops-lint.preprocessing-before-split'"),
        ("[tool.mlops-lint]\npreprocessing-before-split = {nope = 1}\n", "'tool.mlops-lint.preprocessing-before-split.nope'"),
        ("[tool.mlops-lint]\nselect = ['MLO999']\n", "'MLO999'"),
        ("[tool.mlops-lint]\nignore = ['XYZ']\n", "'XYZ'"),
        ("[tool.mlops-lint]\nper-file-ignores = {'*.py' = ['MLO999']}\n", "'tool.mlops-lint.per-file-ignores.*.py'"),
    ],
)
def test_bad_config_is_one_line_naming_file_and_key_with_exit_2(tmp_path, config, names):
    result = run_in_project(tmp_path, config)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"mlops-lint: error: {tmp_path / 'pyproject.toml'}: ")
    assert names in result.stderr
    assert result.stderr.count("\n") == 1


def test_unknown_code_on_the_command_line_is_exit_2(tmp_path):
    result = run_in_project(tmp_path, None, "--select", "MLO1,NOPE")
    assert (result.returncode, result.stdout, result.stderr) == (2, "", "mlops-lint: error: option --select: unknown rule code or prefix 'NOPE'\n")


def test_missing_config_file_given_explicitly_is_exit_2(tmp_path):
    result = run_in_project(tmp_path, None, "--config", "nowhere.toml")
    assert result.returncode == 2
    assert result.stderr == "mlops-lint: error: nowhere.toml: cannot read: No such file or directory\n"


def test_empty_select_runs_no_rule_at_all(tmp_path):
    # As in ruff, select = [] turns every rule off, the engine's MLO001/MLO002 included.
    result = run_in_project(tmp_path, "[tool.mlops-lint]\nselect = []\n")
    assert (result.returncode, result.stdout) == (0, "")
    assert summary_of(result.stderr) == "Checked 2 files in T s: no findings."


@pytest.mark.parametrize("config", [None, "", "[project]\nname = 'x'\n", "[tool.black]\nline-length = 100\n", "[tool.mlops-lint]\n"])
def test_pyproject_without_the_table_means_defaults(tmp_path, config):
    result = run_in_project(tmp_path, config)
    assert (result.returncode, result.stdout.splitlines(), without_summary(result.stderr)) == (1, [BROKEN_LINE, LEAK_LINE], "")
