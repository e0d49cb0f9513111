"""A cached result never outlives the project modules it was computed from.

``train.py`` is fine or leaky depending only on ``utils.py``, which it imports. Editing, creating
or removing ``utils.py`` must change what the next run reports, whichever cache answers it: the
whole-run record (cache/answers.py, replay.py: the same command again) or the per-file results
(cache/results.py: another command over the same files). The CLI runs through its real entry point.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

TRAIN = """\
import pandas as pd
from sklearn.model_selection import train_test_split

from utils import prepare

frame = pd.read_csv("houses.csv")
X = prepare(frame.drop(columns="price"))
X_train, X_test, y_train, y_test = train_test_split(X, frame["price"], random_state=0)
"""
SPLIT_LINE = 8

HARMLESS = """\
def prepare(frame):
    return frame.dropna()
"""

LEAKY = """\
from sklearn.preprocessing import StandardScaler


def prepare(frame):
    return StandardScaler().fit_transform(frame.dropna())
"""


def _project(tmp_path: Path, utils: str | None) -> Path:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "pyproject.toml").write_text("")
    (root / "train.py").write_text(TRAIN)
    if utils is not None:
        (root / "utils.py").write_text(utils)
    return root


def _check(root: Path, base: Path, *paths: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "mlops_lint", "check", "--output-format", "concise", "--select", "MLO101", *paths],
        cwd=root, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1", "MLOPS_LINT_CACHE_DIR": str(base)},
    )
    assert result.returncode in (0, 1), result.stderr
    return [":".join(line.split(":", 2)[:2]) for line in result.stdout.splitlines() if "MLO101" in line]


LEAK = [f"train.py:{SPLIT_LINE}"]
COMMANDS = [("train.py",), (".",)]  # a file alone (utils.py is read, not linted) and the folder


def test_editing_an_imported_module_changes_every_cached_answer(tmp_path):
    root = _project(tmp_path, HARMLESS)
    base = tmp_path / "cache"
    for paths in COMMANDS * 2:  # the second time round, answered from the caches
        assert _check(root, base, *paths) == []
    (root / "utils.py").write_text(LEAKY)
    for paths in COMMANDS * 2:
        assert _check(root, base, *paths) == LEAK, paths
    (root / "utils.py").write_text(HARMLESS)
    for paths in COMMANDS * 2:
        assert _check(root, base, *paths) == [], paths


def test_creating_or_removing_an_imported_module_changes_the_cached_answer(tmp_path):
    root = _project(tmp_path, None)
    base = tmp_path / "cache"
    assert _check(root, base, "train.py") == []  # utils.py is looked for in vain: its absence is recorded
    (root / "utils.py").write_text(LEAKY)
    assert _check(root, base, "train.py") == LEAK
    (root / "utils.py").unlink()
    assert _check(root, base, "train.py") == []


def test_a_new_project_marker_between_the_file_and_the_given_folder_is_seen(tmp_path):
    # Linted as part of "shop", app/train.py imports shop's utils.py (the project folder's import root);
    # once app/ holds its own pyproject.toml, app/ is its project and shop/utils.py is out of reach.
    root = _project(tmp_path, LEAKY)
    (root / "app").mkdir()
    (root / "train.py").rename(root / "app" / "train.py")
    base = tmp_path / "cache"
    assert _check(root, base, ".") == [f"app/train.py:{SPLIT_LINE}"]
    assert _check(root, base, ".") == [f"app/train.py:{SPLIT_LINE}"]
    (root / "app" / "pyproject.toml").write_text("")
    assert _check(root, base, ".") == []


def test_creating_the_missing_package_of_an_imported_module_changes_the_cached_answer(tmp_path):
    # helpers/ does not exist: its modules are recorded absent, and the warm check reads absences
    # from folder listings, not a stat each (cache/answers.py). Creating the folder and module is seen.
    root = _project(tmp_path, None)
    (root / "train.py").write_text(TRAIN.replace("from utils import prepare", "from helpers.prep import prepare"))
    base = tmp_path / "cache"
    for _ in range(2):  # the second one is answered from the record
        assert _check(root, base, "train.py") == []
    (root / "helpers").mkdir()
    (root / "helpers" / "prep.py").write_text(LEAKY)
    for _ in range(2):
        assert _check(root, base, "train.py") == LEAK
    (root / "helpers" / "prep.py").unlink()
    (root / "helpers").rmdir()
    assert _check(root, base, "train.py") == []
