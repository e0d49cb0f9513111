"""Absent project modules vouched for by one stat of their folder (mlops_lint/cache/absences.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlops_lint.cache import absences, fingerprint
from mlops_lint.catalog import load
from mlops_lint.run import RunRequest, run

TRAIN = """\
import pandas as pd
from sklearn.model_selection import train_test_split

from helpers.prep import prepare

frame = pd.read_csv("houses.csv")
X = prepare(frame.drop(columns="price"))
X_train, X_test, y_train, y_test = train_test_split(X, frame["price"], random_state=0)
"""
SPLIT_LINE = 8

LEAKY_PREPARE = """\
from sklearn.preprocessing import StandardScaler


def prepare(frame):
    return StandardScaler().fit_transform(frame.dropna())
"""


@pytest.fixture
def settled(monkeypatch):
    """Every signature counts as settled (the test's folders are seconds old, real ones days)."""
    monkeypatch.setattr(fingerprint, "SETTLE_SECONDS", -3600)


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "pyproject.toml").write_text("")
    (root / "train.py").write_text(TRAIN)
    return root


def _run(cache: Path | None) -> list:
    return run(RunRequest(paths=("train.py",), use_cache=cache is not None, cache_dir=cache, jobs=1))


def _answered_without_listing_a_folder(monkeypatch, cache: Path) -> list:
    with monkeypatch.context() as patched:
        patched.setattr(load, "load_catalog", lambda *_: pytest.fail("not answered from the record"))
        patched.setattr(os, "listdir", lambda *_: pytest.fail("listed a folder although its signature vouches"))
        return _run(cache)


def test_a_module_created_in_a_vouching_folder_is_seen(tmp_path, monkeypatch, settled):
    root = _project(tmp_path)
    monkeypatch.chdir(root)
    assert _run(tmp_path / "cache") == []  # helpers/ is looked for in vain: shop/ vouches for its absence
    assert _answered_without_listing_a_folder(monkeypatch, tmp_path / "cache") == []
    (root / "helpers").mkdir()
    (root / "helpers" / "prep.py").write_text(LEAKY_PREPARE)
    found = _run(tmp_path / "cache")
    assert [(d.code, d.location.start.line) for d in found] == [("MLO101", SPLIT_LINE)]
    assert found == _run(None)


def test_an_unrelated_file_in_a_vouching_folder_still_lets_the_record_answer(tmp_path, monkeypatch, settled):
    root = _project(tmp_path)
    monkeypatch.chdir(root)
    first = _run(tmp_path / "cache")
    (root / "notes.txt").write_text("the folder's signature changes: its absences are checked one by one\n")
    with monkeypatch.context() as patched:
        patched.setattr(load, "load_catalog", lambda *_: pytest.fail("not answered from the record"))
        assert _run(tmp_path / "cache") == first


def test_absences_are_grouped_under_the_deepest_folder_that_exists(tmp_path, settled):
    (tmp_path / "pkg").mkdir()
    wanted = [str(tmp_path / "pkg" / "mod.py"), str(tmp_path / "pkg" / "helpers" / "prep" / "__init__.py"),
              str(tmp_path / "pkg" / "helpers.py"), str(tmp_path / "pkg" / "helpers" / "clean.py")]
    groups, loose = absences.group(wanted)
    assert loose == []
    assert groups == [[str(tmp_path / "pkg"), fingerprint.signature(os.stat(tmp_path / "pkg")), ["helpers", "helpers.py", "mod.py"]]]
    assert absences.still_absent(groups)
    (tmp_path / "pkg" / "other.txt").write_text("")  # the folder changed: each missing name is looked up again
    assert absences.still_absent(groups)
    (tmp_path / "pkg" / "helpers").mkdir()
    assert not absences.still_absent(groups)


def test_a_folder_reached_through_a_symlink_vouches_until_the_link_is_pointed_elsewhere(tmp_path, settled):
    for name in ("real", "other"):
        (tmp_path / name / "pkg").mkdir(parents=True)
    (tmp_path / "other" / "pkg" / "helpers.py").write_text("")
    (tmp_path / "link").symlink_to(tmp_path / "real")  # as /tmp is on macOS
    groups, loose = absences.group([str(tmp_path / "link" / "pkg" / "helpers.py")])
    assert loose == [] and [group[0] for group in groups] == [str(tmp_path / "link" / "pkg")]
    assert absences.still_absent(groups)
    (tmp_path / "link").unlink()
    (tmp_path / "link").symlink_to(tmp_path / "other")
    assert not absences.still_absent(groups)


def test_what_a_folder_cannot_vouch_for_is_left_to_check_one_by_one(tmp_path, monkeypatch):
    (tmp_path / "fresh").mkdir()
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "dangling.py").symlink_to(tmp_path / "nowhere.py")  # its target may appear unseen
    (tmp_path / "old" / "present.py").write_text("")
    fresh_folder = os.stat(tmp_path / "fresh").st_ino
    monkeypatch.setattr(absences, "settled", lambda info, now_ns: info.st_ino != fresh_folder)  # only fresh/ just changed
    fresh, dangling, present, relative = (str(tmp_path / "fresh" / "a.py"), str(tmp_path / "old" / "dangling.py"),
                                          str(tmp_path / "old" / "present.py"), "relative/a.py")
    groups, loose = absences.group([fresh, dangling, present, relative])
    assert groups == [] and sorted(loose) == sorted([fresh, dangling, present, relative])


@pytest.mark.parametrize("groups", [[["/", [1], "not a list"]], [["/", [1]]], [[1, [1], []]], ["/"], [["/", 1, []]],
                                    [["/", [1], [""]]], [["/", [1], ["a/b"]]]])
def test_a_malformed_group_makes_the_record_untrusted(groups):
    assert not absences.still_absent(groups)


def _group_path_by_path(paths: list[str]) -> tuple[list, list[str]]:
    """``absences.group`` as it was before folders were judged once for all their paths: each path's
    own dirname and normpath (the reference the faster grouping must agree with)."""
    from unittest import mock

    def slow_plain_folder(folder: str) -> bool:
        return False  # every path takes the path-by-path branch

    with mock.patch.object(absences, "_plain_folder", slow_plain_folder):
        return absences.group(paths)


def test_grouping_folder_by_folder_agrees_with_path_by_path(tmp_path, settled):
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "file.py").write_text("")
    base = str(tmp_path)
    awkward = [f"{base}/pkg/mod.py", f"{base}/pkg/sub/a.py", f"{base}/pkg/sub/b/c.py", f"{base}/pkg//double.py",
               f"{base}/pkg/./dot.py", f"{base}/pkg/../up.py", f"{base}/pkg/sub/", f"{base}/pkg/sub/.",
               f"{base}/pkg/sub/..", f"{base}/pkg/file.py/inside.py", "relative/a.py", "/", f"/{tmp_path.name}x.py",
               f"//{base.lstrip('/')}/pkg/slashes.py", f"{base}/missing/deeper/x.py", f"{base}/missing/y.py"]
    paths = sorted(awkward)
    assert absences.group(paths) == _group_path_by_path(paths)
    assert absences.group(paths)[0]  # some were grouped: the fast branch was taken
