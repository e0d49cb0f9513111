"""A whole run over a tree of bad inputs: one line per bad file, every other file linted, documented exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness import without_summary

# Every test here starts the command line or a worker pool in real processes.
pytestmark = pytest.mark.integration

LEAKY = (
    "from sklearn.model_selection import train_test_split\n"
    "from sklearn.preprocessing import StandardScaler\n"
    "X = StandardScaler().fit_transform(X)\n"
    "X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
)
LEAK = ":4:36: MLO101 StandardScaler fitted on 'X' (line 3) before 'X' is split (line 4); fit it on the training split only, or put it in a Pipeline"

# Runs the real CLI with one rule (or the reporter) patched to fail, as a bug in it would.
BROKEN_RULE = """
import sys
from mlops_lint.engine.registry import rule_classes
def boom(self, module, options):
    if module.path.endswith("{target}"):
        raise ZeroDivisionError("division by zero")
    return original(self, module, options)
cls = rule_classes()["MLO101"]
original = cls.check
cls.check = boom
from mlops_lint.cli import main
sys.argv = ["mlops-lint", *sys.argv[1:]]
main()
"""
BROKEN_REPORTER = """
import sys
import mlops_lint.report.concise as concise
def render(diagnostics):
    raise KeyError("column")
concise.render = render
from mlops_lint.cli import main

sys.argv = ["mlops-lint", *sys.argv[1:]]
main()
"""


def run(args: list[str], cwd: Path, script: str | None = None, **env: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", script] if script else [sys.executable, "-m", "mlops_lint"]
    return subprocess.run([*command, "check", "--output-format", "concise", *args], cwd=cwd,
                          capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1", **env})


def bad_tree(root: Path) -> None:
    files: dict[str, bytes] = {
        "a_empty.py": b"",
        "b_comments.py": b"# nothing here\n",
        # Broken files mention an ML library: a file without one is never parsed (engine/prefilter.py).
        "c_py2.py": b"print 'x'\nimport sklearn\n",
        "d_utf8.py": b"x = '\xff'\n",
        "e_nul.py": b"x = 1\x00\nimport sklearn\n",
        "f_deep.py": b"x = " + b"-" * 10_000 + b"1\nimport sklearn\n",
        "g_binary.py": bytes(range(256)),
        "h_notebook.ipynb": b"{not json",
        "i_crlf.py": LEAKY.replace("\n", "\r\n").encode(),
        "z_train.py": LEAKY.encode(),
    }
    for name, data in files.items():
        (root / name).write_bytes(data)


EXPECTED = [
    "c_py2.py:1:1: MLO001 SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?",
    "d_utf8.py:1:1: MLO002 could not decode file: invalid utf-8 byte 0xff on line 1",
    "e_nul.py:1:6: MLO001 SyntaxError: source code cannot contain null bytes",
    "f_deep.py:1:1: MLO001 SyntaxError: too deeply nested to parse",
    "g_binary.py:1:1: MLO002 could not decode file: invalid utf-8 byte 0x80 on line 2",
    "h_notebook.ipynb:1:1: MLO002 not a valid notebook: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
    "i_crlf.py" + LEAK,
    "z_train.py" + LEAK,
]


def test_every_bad_file_is_one_line_and_the_rest_is_linted(tmp_path):
    bad_tree(tmp_path)
    result = run(["."], tmp_path)
    assert result.stdout.splitlines() == EXPECTED
    assert (result.returncode, without_summary(result.stderr)) == (1, "")


def test_json_output_of_the_bad_tree_is_valid_json(tmp_path):
    bad_tree(tmp_path)
    result = run(["--output-format", "json", "."], tmp_path)
    codes = [(Path(d["filename"]).name, d["code"]) for d in json.loads(result.stdout)["diagnostics"]]
    assert codes == [(line.split(":")[0], line.split(": ")[1].split()[0]) for line in EXPECTED]


def test_a_rule_failing_on_one_file_is_mlo003_there_and_exit_2(tmp_path):
    bad_tree(tmp_path)
    result = run(["."], tmp_path, BROKEN_RULE.replace("{target}", "i_crlf.py"))
    assert result.stdout.splitlines() == [
        line if "i_crlf" not in line else "i_crlf.py:1:1: MLO003 internal error in MLO101 (ZeroDivisionError: division by zero); please report it"
        for line in EXPECTED
    ]
    assert (result.returncode, without_summary(result.stderr)) == (2, "")


@pytest.mark.parametrize(("flag", "env"), [(["--verbose"], {}), ([], {"MLOPS_LINT_DEBUG": "1"})])
def test_traceback_only_when_asked_for(tmp_path, flag, env):
    (tmp_path / "train.py").write_text(LEAKY)
    result = run([*flag, "train.py"], tmp_path, BROKEN_RULE.replace("{target}", "train.py"), **env)
    assert result.returncode == 2
    assert "MLO003 internal error in MLO101" in result.stdout
    assert "Traceback (most recent call last)" in result.stderr
    assert ", in boom\nZeroDivisionError: division by zero" in result.stderr


def test_an_internal_error_outside_the_rules_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    quiet = run(["train.py"], tmp_path, BROKEN_REPORTER)
    assert (quiet.returncode, quiet.stdout) == (2, "")
    assert quiet.stderr == "mlops-lint: error: internal error: KeyError: 'column' (run with --verbose for the traceback)\n"
    loud = run(["train.py"], tmp_path, BROKEN_REPORTER, MLOPS_LINT_DEBUG="1")
    assert loud.returncode != 0 and "Traceback (most recent call last)" in loud.stderr


@pytest.mark.parametrize("encoding", ["utf-8:surrogateescape", "utf-8:strict"])
def test_invalid_utf8_on_stdin_is_mlo002_not_an_internal_error(tmp_path, encoding):
    result = subprocess.run(
        [sys.executable, "-m", "mlops_lint", "check", "--output-format", "concise", "-"],
        cwd=tmp_path, input=b"x = 1\ny = '\xff'\n", capture_output=True,
        env={**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": encoding},
    )
    assert result.returncode == 1
    assert result.stdout.decode().startswith("-:1:1: MLO002 could not decode ")
    assert without_summary(result.stderr.decode()) == ""
