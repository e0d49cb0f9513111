"""Discovery: which files a folder expands to (.gitignore, default and user excludes, order)."""

from __future__ import annotations

import os
from pathlib import Path

from mlops_lint.discovery import discover
from mlops_lint.settings import DEFAULT_EXCLUDES


def make(root: Path, *files: str) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")


def found(root: Path, exclude=DEFAULT_EXCLUDES, paths=(".",)) -> list[str]:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return list(discover(paths, exclude))
    finally:
        os.chdir(cwd)


def test_walks_py_and_ipynb_in_a_stable_order(tmp_path):
    make(tmp_path, "b.py", "a.ipynb", "notes.txt", "pkg/z.py", "pkg/a.py", "aa/c.py")
    assert found(tmp_path) == ["a.ipynb", "b.py", "aa/c.py", "pkg/a.py", "pkg/z.py"]


def test_default_excludes(tmp_path):
    make(tmp_path, "keep.py", ".git/hook.py", "venv/lib.py", ".venv/lib.py", "lib/site-packages/m.py",
         "build/lib/m.py", "dist/m.py", "node_modules/m.py", "pkg/__pycache__/m.py")
    assert found(tmp_path) == ["keep.py"]


def test_virtualenv_recognised_by_pyvenv_cfg_whatever_its_name(tmp_path):
    make(tmp_path, "keep.py", "my-env/lib/python3.11/thing.py")
    (tmp_path / "my-env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    assert found(tmp_path) == ["keep.py"]


def test_gitignore_and_nested_gitignore_with_negation(tmp_path):
    make(tmp_path, "keep.py", "generated.py", "out/x.py", "sub/local.py", "sub/keep_me.py", "sub/deep/gen_1.py")
    (tmp_path / ".gitignore").write_text("generated.py\nout/\ngen_*.py\n")
    (tmp_path / "sub" / ".gitignore").write_text("*.py\n!keep_me.py\n")
    assert found(tmp_path) == ["keep.py", "sub/keep_me.py"]


def test_gitignore_above_the_linted_folder_counts_inside_a_git_work_tree(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("scratch_*.py\n")
    make(tmp_path, "src/scratch_1.py", "src/real.py")
    assert found(tmp_path, paths=("src",)) == ["src/real.py"]


def test_exclude_globs_match_names_and_relative_paths(tmp_path):
    make(tmp_path, "a.py", "tests/t.py", "pkg/legacy/old.py", "pkg/new.py")
    assert found(tmp_path, exclude=("tests", "pkg/legacy")) == ["a.py", "pkg/new.py"]
    assert found(tmp_path, exclude=("*.py",)) == []


def test_explicit_paths_are_always_linted_once(tmp_path):
    make(tmp_path, "build/gen.py", "ignored.py", "a.py")
    (tmp_path / ".gitignore").write_text("ignored.py\n")
    assert found(tmp_path, paths=("build/gen.py", "ignored.py", "a.py", ".")) == ["build/gen.py", "ignored.py", "a.py"]


def test_missing_path_is_passed_on_to_be_reported(tmp_path):
    assert found(tmp_path, paths=("nope.py",)) == ["nope.py"]


def test_git_info_exclude_counts_and_gitignore_overrides_it(tmp_path):
    (tmp_path / ".git" / "info").mkdir(parents=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("local_*.py\n")
    (tmp_path / ".gitignore").write_text("!local_keep.py\n")
    make(tmp_path, "local_scratch.py", "local_keep.py", "real.py")
    assert found(tmp_path) == ["local_keep.py", "real.py"]
    assert found(tmp_path, paths=(str(tmp_path),)) == [str(tmp_path / "local_keep.py"), str(tmp_path / "real.py")]


def test_symlinked_folders_are_not_followed(tmp_path):
    make(tmp_path, "pkg/a.py")
    (tmp_path / "pkg" / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert found(tmp_path) == ["pkg/a.py"]
