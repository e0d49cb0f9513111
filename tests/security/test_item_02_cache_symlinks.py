"""Issue 13, item 2 (the cache's part): no cache write follows a symlink out of where it belongs.

The attacks: the linted repository commits ``.mlops-lint-cache`` as a symlink (the cache used to
be written through it, anywhere), or ``.mlops-lint-cache/.gitignore`` as a dangling symlink (the
tool used to create its target: pointed at ``~/.gitconfig``, it broke git). The cache now lives in
the user's cache folder, so the repository's names are never used; and a folder there that is, or
lies under, a symlink made by someone else than root, or that belongs to or is writable by someone
else, is not used at all: the run goes on uncached and ``--verbose`` says why.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness import LEAKY
from mlops_lint.cache import folder
from mlops_lint.run import RunRequest, run

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False
ANOTHER_USER = 4242


def _state(root: Path) -> dict[str, tuple]:
    state = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        content = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() and not path.is_symlink() else ""
        state[str(path.relative_to(root))] = (info.st_mode, info.st_mtime_ns, info.st_size, content)
    return state


def _check(tree: Path, base: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mlops_lint", "check", "--output-format", "concise", *args, "."],
        cwd=tree, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1", "MLOPS_LINT_CACHE_DIR": str(base)},
    )


def _repo(tmp_path: Path) -> Path:
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "pyproject.toml").write_text("[project]\nname = 'victim'\n")
    (tree / "train.py").write_text(LEAKY)
    return tree


@pytest.mark.integration
def test_item_02_a_committed_cache_symlink_redirects_nothing(tmp_path):
    tree, outside = _repo(tmp_path), tmp_path / "outside"
    outside.mkdir()
    (tree / ".mlops-lint-cache").symlink_to(outside)
    before = _state(tree), _state(outside)
    for _ in range(2):
        assert _check(tree, tmp_path / "user-cache").returncode == 1
    assert (_state(tree), _state(outside)) == before
    assert list(outside.iterdir()) == []


@pytest.mark.integration
def test_item_02_a_dangling_gitignore_symlink_creates_nothing(tmp_path):
    tree, victim = _repo(tmp_path), tmp_path / "home" / ".gitconfig"
    victim.parent.mkdir()
    (tree / ".mlops-lint-cache").mkdir()
    (tree / ".mlops-lint-cache" / ".gitignore").symlink_to(victim)
    before = _state(tree)
    for _ in range(2):
        assert _check(tree, tmp_path / "user-cache").returncode == 1
    assert not victim.exists() and not victim.is_symlink()
    assert _state(tree) == before


def _planted_symlink(link: Path, target: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    target.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)
    if ROOT:  # made by someone else than root, as another local user would
        os.lchown(link, ANOTHER_USER, ANOTHER_USER)


@pytest.mark.integration
@pytest.mark.parametrize("where", ["the project's folder", "the cache folder itself", "a folder above it"])
def test_item_02_a_symlinked_cache_folder_is_not_used(tmp_path, where):
    tree, target = _repo(tmp_path), tmp_path / "target"
    base = tmp_path / "home" / ".cache" / "mlops-lint"
    if where == "the project's folder":
        base.mkdir(parents=True, mode=0o700)
        _planted_symlink(base / folder.project_name(tree), target)
    elif where == "the cache folder itself":
        _planted_symlink(base, target)
    else:
        _planted_symlink(tmp_path / "home" / ".cache", target)
    uncached = _check(tree, base, "--no-cache")
    for _ in range(2):
        result = _check(tree, base, "--verbose")
        assert result.stdout == uncached.stdout and result.returncode == 1
        assert "results cache not used" in result.stderr and "is a symlink" in result.stderr
    assert [p for p in target.rglob("*") if p.name != ".gitignore"] == []


def test_item_02_a_cache_folder_of_another_user_is_not_used(tmp_path, monkeypatch, caplog):
    tree = _repo(tmp_path)
    base = tmp_path / "cache"
    project = folder.trusted_folder(base, folder.project_name(tree), create=True)
    monkeypatch.chdir(tree)
    monkeypatch.setattr(os, "getuid", lambda: os.stat(project).st_uid + ANOTHER_USER)  # it is now someone else's
    caplog.set_level("INFO", logger="mlops_lint.cache")
    found = run(RunRequest(paths=(".",), use_cache=True, cache_dir=base))
    assert [d.code for d in found] == ["MLO101"]
    assert "is owned by another user" in caplog.text
    assert list(project.iterdir()) == []


@pytest.mark.integration
@pytest.mark.skipif(not ROOT, reason="giving a folder to another user needs root")
def test_item_02_a_cache_folder_given_to_another_user_is_not_used_by_root(tmp_path):
    # The case: in a shared folder, another local user prepares the cache of a root run.
    tree, base = _repo(tmp_path), tmp_path / "shared"
    base.mkdir(mode=0o1777)
    base.chmod(0o1777)
    project = base / folder.project_name(tree)
    project.mkdir(mode=0o700)
    os.chown(project, ANOTHER_USER, ANOTHER_USER)
    result = _check(tree, base, "--verbose")
    assert "is owned by another user" in result.stderr and result.returncode == 1
    assert list(project.iterdir()) == []


@pytest.mark.integration
def test_item_02_a_cache_folder_others_can_write_is_not_used(tmp_path):
    tree, base = _repo(tmp_path), tmp_path / "cache"
    project = folder.trusted_folder(base, folder.project_name(tree), create=True)
    project.chmod(0o777)
    result = _check(tree, base, "--verbose")
    assert "is writable by other users" in result.stderr and result.returncode == 1
    assert list(project.iterdir()) == []
