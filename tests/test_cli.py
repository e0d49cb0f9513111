"""The CLI through its real entry point: exact output lines and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "leaky_training.py"

LEAKY = """\
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y)
"""
CLEAN = "print('nothing to see')\n"


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mlops_lint", *args],
        cwd=cwd, input=stdin, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"},
    )


def test_findings_exit_1_with_exact_concise_line(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli("check", "--output-format", "concise", "train.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        "train.py:5:36: MLO101 StandardScaler fitted on 'X' (line 4) before 'X' is split (line 5); "
        "fit it on the training split only, or put it in a Pipeline\n"
    )


def test_clean_file_exits_0_and_prints_nothing(tmp_path):
    (tmp_path / "ok.py").write_text(CLEAN)
    result = run_cli("ok.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


def test_exit_zero_forces_success(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli("check", "--exit-zero", "train.py", cwd=tmp_path)
    assert result.returncode == 0
    assert "MLO101" in result.stdout


def test_bundled_example_full_and_concise():
    concise = run_cli("check", "--output-format", "concise", str(EXAMPLE))
    assert concise.returncode == 1
    assert concise.stdout.splitlines() == [
        f"{EXAMPLE}:13:36: MLO101 StandardScaler fitted on 'X' (line 12) before 'X' is split (line 13); "
        "fit it on the training split only, or put it in a Pipeline"
    ]
    full = run_cli("check", "--output-format", "full", str(EXAMPLE))
    assert full.returncode == 1
    assert f"{EXAMPLE}:13:36: MLO101 preprocessing-before-split" in full.stdout
    assert f"fitted here: {EXAMPLE}:12:5" in full.stdout


def test_stdin_with_filename():
    result = run_cli("check", "-", "--stdin-filename", "buffer.py", "--output-format", "concise", stdin=LEAKY)
    assert result.returncode == 1
    assert result.stdout.startswith("buffer.py:5:36: MLO101 ")


def test_syntax_error_among_good_files(tmp_path):
    (tmp_path / "a_broken.py").write_text("print 'x'\n")
    (tmp_path / "b_train.py").write_text(LEAKY)
    result = run_cli("check", "--output-format", "concise", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "a_broken.py:1:1: MLO001 SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?",
        "b_train.py:5:36: MLO101 StandardScaler fitted on 'X' (line 4) before 'X' is split (line 5); "
        "fit it on the training split only, or put it in a Pipeline",
    ] or result.stdout


def test_json_round_trips(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli("check", "--output-format", "json", "train.py", cwd=tmp_path)
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1
    [finding] = document["diagnostics"]
    assert (finding["code"], finding["location"], finding["related"][0]["location"]) == (
        "MLO101", {"row": 5, "column": 36}, {"row": 4, "column": 5}
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("[tool.mlops-lint]\nselct = ['MLO1']\n", "key 'tool.mlops-lint.selct': unknown key — did you mean 'select'?"),
        ("[tool.mlops-lint]\nselect = 'MLO1'\n", "key 'tool.mlops-lint.select': must be a list of strings"),
        ("[tool.mlops-lint]\nselect = ['MLO999']\n", "'select': unknown rule code or prefix 'MLO999'"),
        ("[tool.mlops-lint\n", "invalid TOML"),
    ],
)
def test_bad_config_stops_with_exit_2_naming_the_key(tmp_path, config, message):
    (tmp_path / "pyproject.toml").write_text(config)
    (tmp_path / "train.py").write_text(LEAKY)
    result = run_cli("check", "train.py", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "pyproject.toml" in result.stderr
    assert "Traceback" not in result.stderr


def test_config_ignore_and_cli_select(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.mlops-lint]\nignore = ['MLO101']\n")
    (tmp_path / "train.py").write_text(LEAKY)
    assert run_cli("check", "train.py", cwd=tmp_path).returncode == 0
    assert run_cli("check", "--select", "MLO1", "train.py", cwd=tmp_path).returncode == 1


def test_noqa_suppresses(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY.replace("train_test_split(X, y)", "train_test_split(X, y)  # noqa: MLO101"))
    assert run_cli("check", "train.py", cwd=tmp_path).returncode == 0


def test_rules_and_rule_commands():
    listing = run_cli("rules")
    assert listing.returncode == 0
    assert any(line.split()[:2] == ["MLO101", "preprocessing-before-split"] for line in listing.stdout.splitlines())
    page = run_cli("rule", "MLO101")
    assert page.returncode == 0
    assert page.stdout == (ROOT / "docs" / "rules" / "MLO101.md").read_text(encoding="utf-8")


def test_preview_runs_the_rules_that_are_off_by_default(tmp_path):
    (tmp_path / "save.py").write_text("import joblib\n\njoblib.dump(model, 'model.joblib')\n")
    assert run_cli("check", "--output-format", "concise", "save.py", cwd=tmp_path).returncode == 0
    result = run_cli("check", "--output-format", "concise", "--preview", "save.py", cwd=tmp_path)
    assert result.returncode == 1
    assert [line.split(" ", 2)[:2] for line in result.stdout.splitlines()] == [["save.py:3:1:", "MLO602"]]
    ignored = run_cli("check", "--preview", "--ignore", "MLO602", "save.py", cwd=tmp_path)
    assert ignored.returncode == 0
