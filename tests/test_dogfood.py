"""mlops-lint finds nothing in its own code, as the repository's pre-commit hook checks it."""

from __future__ import annotations

import re
from pathlib import Path

from harness import run_cli

ROOT = Path(__file__).resolve().parents[1]


def test_the_checkout_is_clean_under_its_own_hook():
    hook = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    excluded = re.search(r"exclude: \^\((.*)\)/", hook)
    assert excluded is not None, "the mlops-lint hook names the folders that leak on purpose"
    folders = excluded.group(1).split("|")
    # One job: the quick loop starts no worker process.
    result = run_cli("check", "--output-format", "concise", "--no-cache", "-j", "1",
                     "--extend-exclude", ",".join(folders), ".", cwd=ROOT)
    assert (result.returncode, result.stdout) == (0, ""), result.stderr
