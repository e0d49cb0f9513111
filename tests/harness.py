"""Lint snippets and fixture files through the real engine; read `# expect:` annotations."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from mlops_lint.catalog import load_catalog
from mlops_lint.diagnostics import Diagnostic
from mlops_lint.engine.lint import LintOptions, lint_document
from mlops_lint.source import document_from_bytes

# The smallest leak: a scaler fitted on all of X (line 4) before X is split (line 5).
LEAKY = (
    "from sklearn.model_selection import train_test_split\n"
    "from sklearn.preprocessing import StandardScaler\n"
    "\n"
    "X = StandardScaler().fit_transform(X)\n"
    "X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
)

# The same data with the scaler fitted on the training split only: no finding.
FITTED_AFTER_SPLIT = (
    "from sklearn.model_selection import train_test_split\n"
    "from sklearn.preprocessing import StandardScaler\n"
    "\n"
    "X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
    "scaler = StandardScaler().fit(X_train)\n"
)


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The command line's entry point (``mlops_lint.cli.main``) called in this process, as a user runs it.

    In-process so that the quick test loop needs no interpreter start-up per run; what only a real
    process shows (``python -m``, signals, sys.path, the installed script) uses ``run_cli_process``.
    """
    from click.testing import CliRunner

    from mlops_lint.cli import main

    previous = os.getcwd()
    os.chdir(cwd or previous)
    try:
        result = CliRunner(env={"NO_COLOR": "1"}).invoke(
            main, list(args), input=stdin, catch_exceptions=False, prog_name="mlops-lint"
        )
    finally:
        os.chdir(previous)
    return subprocess.CompletedProcess(["mlops-lint", *args], result.exit_code, result.stdout, result.stderr)


def run_cli_process(*args: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The real entry point in a subprocess, as a user runs it (no colours); tests using it are ``integration``."""
    return subprocess.run(
        [sys.executable, "-m", "mlops_lint", *args],
        cwd=cwd, input=stdin, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"},
    )


# The line a human format ends with on stderr (report/summary.py); its time is all that varies.
SUMMARY = re.compile(r"Checked [\d,]+ files?(?: \([^)]*\))? in \d+\.\d s: .+\.")


def without_summary(stderr: str) -> str:
    """``stderr`` of a run in a human format, with its last line checked to be the summary, and taken off."""
    head, _, last = stderr.rstrip("\n").rpartition("\n")
    assert SUMMARY.fullmatch(last), f"no summary line at the end of stderr: {stderr!r}"
    return head + "\n" if head else ""


def summary_of(stderr: str) -> str:
    """The summary line of ``stderr``, its time replaced by ``T``: what a test can compare exactly."""
    last = stderr.rstrip("\n").rpartition("\n")[2]
    assert SUMMARY.fullmatch(last), f"no summary line at the end of stderr: {stderr!r}"
    return re.sub(r" in \d+\.\d s: ", " in T s: ", last)


def run_check(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``mlops-lint check --output-format concise ARGS``."""
    return run_cli("check", "--output-format", "concise", *args, cwd=cwd)


EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>MLO\d{3}(?:\s*,\s*MLO\d{3})*)(?:\s+says:\s*(?P<says>.*?))?\s*$")


def lint_text(code: str, select: set[str] | frozenset[str], filename: str = "example.py", options: dict | None = None) -> list[Diagnostic]:
    catalog = load_catalog()
    return lint_document(
        document_from_bytes(filename, code.encode("utf-8")),
        catalog,
        LintOptions(selected=frozenset(select), rule_options=options or {}),
    )


def found(diagnostics: list[Diagnostic]) -> set[tuple]:
    """(code, cell, line) of each finding; cell is None outside notebooks."""
    return {(d.code, d.location.cell, d.location.start.line) for d in diagnostics}


def expected_in_python(text: str) -> set[tuple]:
    result = set()
    for number, line in enumerate(text.split("\n"), start=1):
        match = EXPECT.search(line)
        if match:
            for code in re.split(r"\s*,\s*", match.group("codes")):
                result.add((code, None, number))
    return result


def expected_in_notebook(data: bytes) -> set[tuple]:
    notebook = json.loads(data)
    result = set()
    for cell_number, cell in enumerate(notebook["cells"], start=1):
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        for line_number, line in enumerate(source.split("\n"), start=1):
            match = EXPECT.search(line)
            if match:
                for code in re.split(r"\s*,\s*", match.group("codes")):
                    result.add((code, cell_number, line_number))
    return result


def expected_in_file(path: Path) -> set[tuple]:
    data = path.read_bytes()
    if path.suffix == ".ipynb":
        return expected_in_notebook(data)
    return expected_in_python(data.decode("utf-8"))


def _lines_of(path: Path) -> list[tuple[int | None, int, str]]:
    """(cell, line, text) of every source line of a fixture (cell None outside notebooks)."""
    data = path.read_bytes()
    if path.suffix != ".ipynb":
        return [(None, number, line) for number, line in enumerate(data.decode("utf-8").split("\n"), start=1)]
    found = []
    for cell_number, cell in enumerate(json.loads(data)["cells"], start=1):
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        found += [(cell_number, number, line) for number, line in enumerate(source.split("\n"), start=1)]
    return found


def expected_messages_in_file(path: Path) -> set[tuple]:
    """``# expect: MLO101 says: fitted on 'X' (line 4)``: (cell, line, text) that a message of a
    finding on that line must contain (message truth: which data a fit saw, which lines)."""
    result = set()
    for cell, number, line in _lines_of(path):
        match = EXPECT.search(line)
        if match and match.group("says"):
            result.add((cell, number, match.group("says")))
    return result


def missing_messages(diagnostics: list[Diagnostic], expected: set[tuple]) -> list[tuple]:
    """The expected message texts that no finding on their line contains."""
    return sorted(
        (cell, line, text) for cell, line, text in expected
        if not any(d.location.cell == cell and d.location.start.line == line and text in d.message for d in diagnostics)
    )


def notebook_json(*cells: str, outputs: list | None = None) -> str:
    """A minimal nbformat-4 notebook with one code cell per argument."""
    return json.dumps({
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": outputs or [], "source": cell}
            for cell in cells
        ],
    })


RELATED = re.compile(r"#\s*related:\s*(?P<codes>MLO\d{3}(?:\s*,\s*MLO\d{3})*)")


def annotated(path: Path, pattern: re.Pattern[str] = EXPECT) -> set[tuple]:
    """(code, cell, line) of each ``pattern`` annotation of a file (a notebook's by cell)."""
    data = path.read_bytes()
    if path.suffix == ".ipynb":
        cells = [(number, cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"]))
                 for number, cell in enumerate(json.loads(data)["cells"], start=1)]
    else:
        cells = [(None, data.decode("utf-8"))]
    found = set()
    for cell, source in cells:
        for number, line in enumerate(source.split("\n"), start=1):
            match = pattern.search(line)
            if match:
                found.update((code, cell, number) for code in re.split(r"\s*,\s*", match.group("codes")))
    return found
