"""What a person at a terminal sees (issue 17, items 7 and 10): the progress bar on stderr, the rendered rule page.

A pseudo-terminal stands in for the terminal; the command runs in a real process, as a user runs it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness import LEAKY, notebook_json, summary_of

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

NO_ML = "def add(a, b):\n    return a + b\n"
NOTEBOOK = notebook_json(
    "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler",
    "X = StandardScaler().fit_transform(X)\nX_train, X_test, y_train, y_test = train_test_split(X, y)",
)


def on_terminal(*args: str, cwd: Path, stdout_tty: bool = False, delay: float | None = None,
                env: dict[str, str] | None = None, modules_to: Path | None = None) -> tuple[int, str, str]:
    """Run ``mlops-lint ARGS`` with stderr (and stdout if asked) on a pseudo-terminal; (exit code, stdout, stderr).

    ``delay`` replaces the progress bar's DELAY; ``modules_to`` receives whether rich was imported.
    """
    lines = ["import sys", "import mlops_lint.progress as progress"]
    if delay is not None:
        lines.append(f"progress.DELAY = {delay!r}")
    lines += ["from mlops_lint.cli import main",
              "try:\n    main(prog_name='mlops-lint')\nexcept SystemExit as exit:\n    code = exit.code"]
    if modules_to is not None:
        lines.append(f"open({str(modules_to)!r}, 'w').write(str('rich' in sys.modules))")
    lines.append("sys.exit(code)")
    probe = "\n".join(lines) + "\n"
    controller, terminal = os.openpty()
    out_controller, out_terminal = os.openpty() if stdout_tty else (None, None)
    process = subprocess.Popen(
        [sys.executable, "-c", probe, *args], cwd=cwd, stderr=terminal,
        stdout=out_terminal if stdout_tty else subprocess.PIPE,
        env={**os.environ, "TERM": "xterm-256color", **(env or {})},
    )
    os.close(terminal)
    if out_terminal is not None:
        os.close(out_terminal)
    stdout = _drain(out_controller) if out_controller is not None else process.stdout.read()
    stderr = _drain(controller)
    code = process.wait()
    if process.stdout is not None:
        process.stdout.close()
    return code, stdout.decode().replace("\r\n", "\n"), stderr.decode().replace("\r\n", "\n")


def _drain(controller: int) -> bytes:
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closes when the process exits
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    return b"".join(chunks)


def many_files(folder: Path, count: int = 100) -> None:
    for number in range(count - 2):
        (folder / f"module_{number:03}.py").write_text(NO_ML)
    (folder / "train.py").write_text(LEAKY)
    (folder / "explore.ipynb").write_text(NOTEBOOK)


def test_a_run_over_many_files_shows_a_progress_bar_on_stderr(tmp_path):
    many_files(tmp_path)
    code, stdout, stderr = on_terminal("check", "--no-cache", "--output-format", "concise", ".", cwd=tmp_path)
    assert code == 1
    assert [line.split(": ")[0] for line in stdout.splitlines()] == ["explore.ipynb:cell_2:2:36", "train.py:5:36"]
    shown = _without_escapes(stderr)
    assert "Checking" in shown and "100/100 files" in shown
    # The bar is erased when the run ends (cursor moves, then the line is cleared); the summary follows.
    assert summary_of(shown.rpartition("\r")[2]) == "Checked 2 files (98 without ML imports skipped) in T s: 2 findings, 2 fixable with --fix --unsafe-fixes."


def test_a_run_that_lasts_shows_the_bar_even_over_few_files(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    (tmp_path / "explore.ipynb").write_text(NOTEBOOK)
    code, _, stderr = on_terminal("check", "--no-cache", "--output-format", "concise", ".", cwd=tmp_path, delay=0.0)
    assert code == 1
    assert "2/2 files" in _without_escapes(stderr)


def test_a_short_run_shows_no_bar_and_never_imports_rich(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    (tmp_path / "explore.ipynb").write_text(NOTEBOOK)
    modules = tmp_path / "rich-imported.txt"
    code, _, stderr = on_terminal("check", "--no-cache", "--output-format", "concise", ".", cwd=tmp_path,
                                  delay=1e9, modules_to=modules)
    assert code == 1
    assert "Checking" not in stderr and "\x1b[" not in stderr
    assert summary_of(stderr) == "Checked 2 files in T s: 2 findings, 2 fixable with --fix --unsafe-fixes."
    assert modules.read_text() == "False"


@pytest.mark.parametrize("args", [("--quiet",), ("-v",), ("--output-format", "json"), ("--output-format", "sarif"),
                                  ("--output-format", "github"), ("--output-format", "gitlab")])
def test_no_bar_with_quiet_verbose_or_a_machine_read_format(tmp_path, args):
    many_files(tmp_path)
    code, stdout, stderr = on_terminal("check", "--no-cache", *args, ".", cwd=tmp_path, delay=0.0)
    assert code == 1
    assert "Checking" not in stderr and "files\x1b" not in stderr
    assert "MLO101" in stdout


def test_rule_page_is_rendered_on_a_terminal(tmp_path):
    code, stdout, _ = on_terminal("rule", "MLO101", cwd=tmp_path, stdout_tty=True, env={"NO_COLOR": ""})
    assert code == 0
    assert "\x1b[" in stdout  # styled: headings, highlighted code
    plain = _without_escapes(stdout)
    assert "MLO101 preprocessing-before-split" in plain
    assert "What it does" in plain and "## What it does" not in plain
    assert "X = StandardScaler().fit_transform(X)" in plain and "```" not in plain
    assert "<!--" not in plain


def test_rule_page_piped_is_plain_markdown(tmp_path):
    result = subprocess.run([sys.executable, "-m", "mlops_lint", "rule", "MLO101"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("# MLO101 preprocessing-before-split\n\nAntipattern: data leakage")
    assert "```python\n" in result.stdout and "\x1b[" not in result.stdout and "<!--" not in result.stdout


def _without_escapes(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
