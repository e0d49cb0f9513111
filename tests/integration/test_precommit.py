"""The pre-commit hook through the real pre-commit: a leaky script fails the hook, the fixed one passes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import FITTED_AFTER_SPLIT, LEAKY, notebook_json

ROOT = Path(__file__).resolve().parents[2]

if shutil.which("git") is None:
    pytest.skip("git is not installed", allow_module_level=True)
pytest.importorskip("pre_commit")


def git(*args: str, cwd: Path) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=60)
    return result.stdout.strip()


def checkout_head() -> str:
    """The committed state of this checkout: pre-commit clones ``rev``, so a dirty tree still tests HEAD."""
    try:
        return git("rev-parse", "HEAD", cwd=ROOT)
    except (subprocess.CalledProcessError, FileNotFoundError):
        pytest.skip("this checkout is not a git repository with a commit")


def hook_config() -> str:
    """A project's .pre-commit-config.yaml using this checkout's hook."""
    return f"repos:\n- repo: {ROOT}\n  rev: {checkout_head()}\n  hooks:\n  - id: mlops-lint\n"


def _environment(home: Path) -> dict[str, str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"}
    # The hook environment must come from the checkout alone, not from this test run's PYTHONPATH.
    env.pop("PYTHONPATH", None)
    return env


def pre_commit(repo: Path, home: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=repo, capture_output=True, text=True, env=_environment(home), timeout=600,
    )


def test_manifest_is_valid_for_pre_commit():
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_repositorys_own_hooks_are_valid_for_pre_commit():
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", str(ROOT / ".pre-commit-config.yaml")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    """One hook environment for the whole module (building it pip-installs the checkout: minutes on
    CI), built here: every test then sees what a run prints once it exists, whichever test runs first."""
    home, repo = tmp_path_factory.mktemp("pre-commit-home"), tmp_path_factory.mktemp("hook-environment")
    git("init", "-q", cwd=repo)
    (repo / ".pre-commit-config.yaml").write_text(hook_config())
    built = subprocess.run([sys.executable, "-m", "pre_commit", "install-hooks"],
                           cwd=repo, capture_output=True, text=True, env=_environment(home), timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    return home


def test_hook_fails_on_leak_and_passes_once_fixed(tmp_path, pre_commit_home):
    repo = tmp_path / "project"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    git("config", "user.email", "test@example.com", cwd=repo)
    git("config", "user.name", "test", cwd=repo)
    (repo / ".pre-commit-config.yaml").write_text(hook_config())
    (repo / "train.py").write_text(LEAKY)
    (repo / "explore.ipynb").write_text(notebook_json(
        "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler",
        "X = StandardScaler().fit_transform(X)\nX_train, X_test, y_train, y_test = train_test_split(X, y)",
    ))
    (repo / "notes.txt").write_text("not python: the hook must not receive it\n")
    git("add", ".", cwd=repo)

    failed = pre_commit(repo, pre_commit_home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert (
        "train.py:5:36: MLO101 StandardScaler fitted on 'X' (line 4) before 'X' is split (line 5); "
        "fit it on the training split only, or put it in a Pipeline"
    ) in failed.stdout.splitlines()
    # The notebook reaches the hook too (types_or jupyter), reported at its cell and cell line.
    assert any(line.startswith("explore.ipynb:cell_2:2:36: MLO101 ") for line in failed.stdout.splitlines())
    assert "mlops-lint" in failed.stdout and "Failed" in failed.stdout
    assert "notes.txt" not in failed.stdout

    (repo / "train.py").write_text(FITTED_AFTER_SPLIT)
    (repo / "explore.ipynb").unlink()
    git("add", "--all", ".", cwd=repo)
    passed = pre_commit(repo, pre_commit_home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
    assert "MLO101" not in passed.stdout


def test_the_documented_pre_commit_run_prints_what_the_doc_shows(tmp_path, pre_commit_home):
    from doc_examples import DOC_FILES, as_shown, examples_in, matches, prepare

    [example] = [e for doc in DOC_FILES for e in examples_in(doc) if e.tools == {"pre-commit"}]
    [command] = example.commands
    assert command.argv[1:] == ["run", "--all-files", "--color", "never"]
    repo = tmp_path / "project"
    repo.mkdir()
    prepare(example, repo)  # "in a repository holding docs/examples/leaky_training.py"
    git("init", "-q", cwd=repo)
    (repo / ".pre-commit-config.yaml").write_text(hook_config())
    git("add", ".", cwd=repo)
    result = pre_commit(repo, pre_commit_home)
    assert result.returncode == 1
    assert matches(command.expected, result.stdout + result.stderr), (
        f"{example.id}: `$ {command.line}` no longer prints what the doc shows.\n"
        f"--- the doc\n{as_shown(command.expected)}\n--- the tool\n{as_shown(result.stdout + result.stderr)}")


def test_the_hook_given_one_staged_file_reads_its_unstaged_helper_module(tmp_path, pre_commit_home):
    # pre-commit passes only the staged train.py; utils.py, never added, is read from disk all the same.
    repo = tmp_path / "project"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    (repo / ".pre-commit-config.yaml").write_text(hook_config())
    (repo / "utils.py").write_text(
        "from sklearn.preprocessing import StandardScaler\n\n\n"
        "def prepare(frame):\n    return StandardScaler().fit_transform(frame)\n"
    )
    (repo / "train.py").write_text(
        "from sklearn.model_selection import train_test_split\n\nfrom utils import prepare\n\n"
        "X = prepare(X)\nX_train, X_test, y_train, y_test = train_test_split(X, y)\n"
    )
    git("add", ".pre-commit-config.yaml", "train.py", cwd=repo)
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home), "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"}
    env.pop("PYTHONPATH", None)
    failed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--files", "train.py", "--color", "never"],
        cwd=repo, capture_output=True, text=True, env=env, timeout=600,
    )
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert any(line.startswith("train.py:6:36: MLO101 ") for line in failed.stdout.splitlines()), failed.stdout
    assert not any(line.startswith("utils.py:") for line in failed.stdout.splitlines())
