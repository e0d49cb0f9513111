"""Item 6: ``python -m mlops_lint`` run inside a repository imports nothing from it.

The attack: ``python -m`` puts the current folder first on ``sys.path``, so a repository that
commits ``rich.py`` (imported for ``--output-format full``), ``click.py`` or ``json.py`` had its code
run by whoever linted it from its root, as CI jobs and README instructions do.
"""

from __future__ import annotations

import json

import pytest

from security_harness import LEAK, LEAKY, run_process, write_tree

pytestmark = pytest.mark.integration  # only a real ``python -m`` puts the current folder on sys.path

SHADOWS = ("rich", "click", "json", "tomllib", "multiprocessing", "concurrent", "hashlib", "logging")


def _hostile_repo(root) -> None:
    files = {"train.py": LEAKY}
    for name in SHADOWS:
        files[f"{name}.py"] = f"import pathlib\npathlib.Path({str(root / ('RAN_' + name))!r}).write_text('x')\n"
    write_tree(root, files)


@pytest.mark.parametrize("fmt", ["full", "concise", "json"])
def test_modules_in_the_current_folder_are_not_imported(tmp_path, fmt):
    _hostile_repo(tmp_path)
    result = run_process("check", "--output-format", fmt, "--no-cache", ".", cwd=tmp_path)
    assert sorted(p.name for p in tmp_path.glob("RAN_*")) == []
    assert result.returncode == 1, result.stderr
    if fmt == "concise":
        assert result.stdout.splitlines() == ["train.py" + LEAK]
    elif fmt == "json":
        assert [d["code"] for d in json.loads(result.stdout)["diagnostics"]] == ["MLO101"]
    else:
        assert "train.py:5:36: MLO101 preprocessing-before-split" in result.stdout
