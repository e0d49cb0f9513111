"""Every command the docs show (a ```console block, tests/doc_examples.py) is run, and its output compared with the doc.

``mlops-lint`` commands run in this process, through the real entry point; ``flake8`` ones in a
process (integration); ``pre-commit`` ones in tests/integration/test_precommit.py, which has the
hook environment. A drifted example fails here, naming the doc and line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from doc_examples import Example, all_examples, as_shown, matches, prepare

EXAMPLES = all_examples()
TOOLS = {"mlops-lint", "flake8", "pre-commit"}


def _in_process(argv: list[str], cwd: Path) -> str:
    from mlops_lint.cli import main

    stdin = None
    if "<" in argv:  # `$ mlops-lint check - < file`
        at = argv.index("<")
        stdin, argv = (cwd / argv[at + 1]).read_bytes(), argv[:at] + argv[at + 2:]
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner(env={"NO_COLOR": "1"}).invoke(main, argv[1:], input=stdin, catch_exceptions=False,
                                                         prog_name="mlops-lint")
    finally:
        os.chdir(previous)
    return result.output  # stdout and stderr in the order they were written, as a terminal shows them


def _check(example: Example, run, tmp_path: Path) -> None:
    prepare(example, tmp_path)
    for command in example.commands:
        actual = run(command.argv, tmp_path)
        assert matches(command.expected, actual), (
            f"{example.id}: `$ {command.line}` no longer prints what the doc shows.\n"
            f"--- the doc\n{as_shown(command.expected)}\n--- the tool\n{as_shown(actual)}"
        )


def test_the_docs_show_commands_and_only_commands_that_are_tested():
    assert len(EXAMPLES) >= 10, "the marker (```console) is no longer found"
    for example in EXAMPLES:
        assert example.commands, f"{example.id}: a console block without a `$ ` command"
        assert example.tools <= TOOLS, f"{example.id}: no test runs {example.tools - TOOLS}"


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.tools == {"mlops-lint"}], ids=lambda e: e.id)
def test_documented_mlops_lint_commands_print_what_the_doc_shows(example, tmp_path):
    _check(example, _in_process, tmp_path)


def _process(argv: list[str], cwd: Path) -> str:
    result = subprocess.run([sys.executable, "-m", *argv], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, "NO_COLOR": "1"}, timeout=300)
    return result.stdout + result.stderr


@pytest.mark.integration
@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.tools == {"flake8"}], ids=lambda e: e.id)
def test_documented_flake8_commands_print_what_the_doc_shows(example, tmp_path):
    _check(example, _process, tmp_path)


def test_the_comparison_fails_when_an_example_drifts():
    shown = "a.py:1:1: MLO101 x\nChecked 1 file in 0.1 s: 1 finding, none fixable."
    assert matches(shown, "a.py:1:1: MLO101 x\nChecked 1 file in 12.3 s: 1 finding, none fixable.\n")
    assert not matches(shown, "a.py:1:2: MLO101 x\nChecked 1 file in 0.1 s: 1 finding, none fixable.\n")
    assert not matches(shown, "a.py:1:1: MLO101 x\n")
    assert matches("first\n...\nlast", "first\nany\nlines\nlast\n")
    assert not matches("first\n...\nlast", "first\nany\n")
    assert matches("warning: .../pyproject.toml: x", "warning: /tmp/a/pyproject.toml: x\n")
    assert not matches("warning: .../pyproject.toml: x", "warning: /tmp/a/pyproject.toml: y\n")
