"""Regenerate the golden outputs: ``python tests/golden/update.py``. Review the diff before committing.

The tests never rewrite these files themselves: a changed output must be a decision, not an accident.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent
ROOT = GOLDEN.parents[1]
# The bundled example, linted from the repo root with relative paths so the outputs do not name a machine.
TARGETS = {"leaky_training": "docs/examples/leaky_training.py"}
FORMATS = ("full", "concise", "json", "sarif", "github", "gitlab")


def cli_output(target: str, fmt: str) -> str:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "mlops_lint", "check", "--output-format", fmt, target],
        cwd=ROOT, capture_output=True, text=True, env=env,
    )
    if result.returncode not in (0, 1):
        raise SystemExit(f"mlops-lint failed on {target} ({fmt}): {result.stderr}")
    return result.stdout


def golden_path(name: str, fmt: str) -> Path:
    return GOLDEN / f"{name}.{fmt}.txt"


def main() -> None:
    for name, target in TARGETS.items():
        for fmt in FORMATS:
            golden_path(name, fmt).write_text(cli_output(target, fmt), encoding="utf-8")
            print(f"wrote {golden_path(name, fmt).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
