"""Item 4: the configuration search stops at the repository's root, the folder holding ``.git``.

The attack: someone who can write to a folder above the repository (a shared ``/tmp``, a parent
folder of a CI workspace, another user's home) drops a ``pyproject.toml`` there whose
``[tool.mlops-lint]`` turns every rule off; the leak in the repository is then never reported.
"""

from __future__ import annotations

from security_harness import LEAK, LEAKY, run_concise, write_tree

SILENCING = "[tool.mlops-lint]\nignore = ['MLO']\n"


def test_a_pyproject_above_the_repository_is_not_read(tmp_path):
    write_tree(tmp_path, {"pyproject.toml": SILENCING, "repo/train.py": LEAKY, "repo/.git/HEAD": "ref: refs/heads/main\n"})
    repo = tmp_path / "repo"
    in_repo = run_concise(".", cwd=repo)
    assert in_repo.stdout.splitlines() == ["train.py" + LEAK]
    assert in_repo.returncode == 1
    # Named from elsewhere, the search starts at the file and still stops at its repository's root.
    from_outside = run_concise("repo/train.py", cwd=tmp_path)
    assert from_outside.stdout.splitlines() == ["repo/train.py" + LEAK]


def test_a_git_file_marks_the_root_too(tmp_path):
    # Worktrees and submodules have a .git file, not a folder.
    write_tree(tmp_path, {"pyproject.toml": SILENCING, "repo/pkg/train.py": LEAKY, "repo/.git": "gitdir: ../.git/worktrees/repo\n"})
    result = run_concise("pkg", cwd=tmp_path / "repo")
    assert result.stdout.splitlines() == ["pkg/train.py" + LEAK]


def test_the_repositorys_own_pyproject_still_configures_the_run(tmp_path):
    write_tree(tmp_path, {"repo/pyproject.toml": SILENCING, "repo/src/train.py": LEAKY, "repo/.git/HEAD": "x\n"})
    result = run_concise("src", cwd=tmp_path / "repo")
    assert (result.stdout, result.returncode) == ("", 0)
