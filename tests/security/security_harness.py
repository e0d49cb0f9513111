"""What the tests of tests/security share: the CLI run as a user runs it, a leaky file, a tree writer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from harness import LEAKY, run_cli

# The concise line of LEAKY's finding, after "<path>".
LEAK = ":5:36: MLO101 StandardScaler fitted on 'X' (line 4) before 'X' is split (line 5); fit it on the training split only, or put it in a Pipeline"
# Every test that could hang without its fix runs the CLI under this many seconds: a guard, not a benchmark.
HANG_GUARD = 300

__all__ = ["HANG_GUARD", "LEAK", "LEAKY", "run_cli", "run_cli_bytes", "write_tree", "run_concise"]


def write_tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def run_cli_bytes(*args: str | bytes, cwd: Path, stdin: bytes | None = None, env: dict | None = None,
                  timeout: float = HANG_GUARD) -> subprocess.CompletedProcess:
    """``python -m mlops_lint ARGS`` with raw bytes in and out (file names that are not UTF-8)."""
    return subprocess.run(
        [sys.executable, "-m", "mlops_lint", *args],
        cwd=cwd, input=stdin, capture_output=True, timeout=timeout,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
    )


def run_concise(*args: str, cwd: Path, timeout: float = HANG_GUARD) -> subprocess.CompletedProcess:
    """``mlops-lint check --output-format concise --no-cache ARGS`` as text, under the hang guard."""
    return subprocess.run(
        [sys.executable, "-m", "mlops_lint", "check", "--output-format", "concise", "--no-cache", *args],
        cwd=cwd, capture_output=True, text=True, timeout=timeout, env={**os.environ, "NO_COLOR": "1"},
    )
