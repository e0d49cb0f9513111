"""The README's editor snippets against the CLI as built: each command runs, and its output parses
with the snippet's own pattern (translated to a Python regex), at the right line and column."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness import LEAKY

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")

MESSAGE = ("StandardScaler fitted on 'X' (line 4) before 'X' is split (line 5); "
           "fit it on the training split only, or put it in a Pipeline")


def run(args: list[str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mlops_lint", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=120)


# (README fragment the case stands for, arguments after `mlops-lint` with {file} for the buffer's
#  path, whether the buffer comes on stdin, the exit codes the snippet accepts, the snippet's pattern)
CASES = {
    "nvim-lint": (
        '"check", "--output-format", "concise", "--exit-zero",',
        ["check", "--output-format", "concise", "--exit-zero", "--stdin-filename", "{file}", "-"], True, {0},
        r"[^:]+:(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<message>.+)",  # "[^:]+:(%d+):(%d+): (%u+%d+) (.+)"
    ),
    "none-ls": (
        'args = { "check", "--output-format", "concise", "--stdin-filename", "$FILENAME", "-" },',
        ["check", "--output-format", "concise", "--stdin-filename", "{file}", "-"], True, {0, 1},
        r":(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<message>.*)",  # [[:(%d+):(%d+): (%u+%d+) (.*)]]
    ),
    "pycharm": (
        "| Arguments | `check --output-format concise $FilePath$` |",
        ["check", "--output-format", "concise", "{file}"], False, {0, 1},
        r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+):(?P<message>.*)",  # $FILE_PATH$:$LINE$:$COLUMN$:.*
    ),
    "flymake": (
        """'("mlops-lint" "check" "--output-format" "concise" "--stdin-filename" "stdin" "-"))""",
        ["check", "--output-format", "concise", "--stdin-filename", "stdin", "-"], True, {0, 1},
        # python.el's default python-flymake-command-output-pattern
        r"^(?:<?stdin>?):(?P<line>[0-9]+):(?:(?P<col>[0-9]+):)? (?P<message>.*)$",
    ),
    "flycheck": (
        '"--stdin-filename" source-original "-")',
        ["check", "--output-format", "concise", "--exit-zero", "--stdin-filename", "{file}", "-"], True, {0},
        r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>MLO\d{3}) (?P<message>.*)$",
    ),
}


@pytest.mark.parametrize("editor", sorted(CASES))
def test_snippet_command_output_parses_with_its_pattern(editor, tmp_path):
    fragment, args, on_stdin, exit_codes, pattern = CASES[editor]
    assert fragment in README, f"the README no longer shows the {editor} snippet this test checks"
    buffer = tmp_path / "train.py"
    buffer.write_text(LEAKY)
    result = run([a.replace("{file}", str(buffer)) for a in args], cwd=tmp_path, stdin=LEAKY if on_stdin else None)
    assert result.returncode in exit_codes, result.stderr
    [line] = result.stdout.splitlines()
    match = re.search(pattern, line)
    assert match, line
    assert (match["line"], match["col"]) == ("5", "36")
    assert match["message"].endswith(MESSAGE)
    if "path" in match.groupdict():
        assert match["path"] == str(buffer)  # PyCharm and Flycheck link the finding to this file


def test_stdin_buffer_uses_the_config_next_to_its_file(tmp_path):
    """Editors run the linter from anywhere; --stdin-filename decides which pyproject.toml applies."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.mlops-lint]\nignore = ['MLO101']\n")
    result = run(["check", "--output-format", "concise", "--stdin-filename", str(project / "train.py"), "-"],
                 cwd=tmp_path, stdin=LEAKY)
    assert (result.returncode, result.stdout) == (0, "")
