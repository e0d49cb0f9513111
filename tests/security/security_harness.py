"""What the tests of tests/security share: the CLI as a user runs it, a leaky file, a tree writer, a hang guard.

The command line runs in this process (``mlops_lint.cli.main``, the console script's entry point),
as the quick test loop wants; a test that needs a real process (``python -m``, a memory limit, the
environment of a fresh process) uses ``run_process`` and is marked ``integration``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from harness import LEAKY, run_cli

# The concise line of LEAKY's finding, after "<path>".
LEAK = ":5:36: MLO101 StandardScaler fitted on 'X' (line 4) before 'X' is split (line 5); fit it on the training split only, or put it in a Pipeline"
# A test that would hang without its fix fails after this many seconds: a guard, not a benchmark.
HANG_GUARD = 300

__all__ = ["HANG_GUARD", "LEAK", "LEAKY", "hang_guard", "run_bytes", "run_cli", "run_concise", "run_process", "write_tree"]


def write_tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@contextmanager
def hang_guard(seconds: int = HANG_GUARD) -> Iterator[None]:
    """Turn a hang into a failure: SIGALRM interrupts a blocking open() and re's matching loop alike."""

    def fail(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s: it hangs")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_concise(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``mlops-lint check --output-format concise --no-cache ARGS``, in this process, under the hang guard."""
    with hang_guard():
        return run_cli("check", "--output-format", "concise", "--no-cache", *args, cwd=cwd)


def run_bytes(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """The entry point with bytes in and out (file names that are not UTF-8), in this process."""
    from click.testing import CliRunner

    from mlops_lint.cli import main

    previous = os.getcwd()
    os.chdir(cwd)
    try:
        with hang_guard():
            result = CliRunner(env={"NO_COLOR": "1"}).invoke(main, list(args), input=stdin, catch_exceptions=False)
    finally:
        os.chdir(previous)
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout_bytes, result.stderr_bytes)


def run_process(*args: str, cwd: Path, env: dict | None = None, **options) -> subprocess.CompletedProcess:
    """``python -m mlops_lint ARGS`` in a real process, as text, under the hang guard (tests marked integration)."""
    return subprocess.run(
        [sys.executable, "-m", "mlops_lint", *args], cwd=cwd, capture_output=True, text=True, timeout=HANG_GUARD,
        env={**os.environ, "NO_COLOR": "1", **(env or {})}, **options,
    )
