"""A whole run answered from its record (mlops_lint/cache/answers.py): only when nothing it depends on changed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness import LEAKY
from mlops_lint import discovery
from mlops_lint.cache import answers, fingerprint, tree
from mlops_lint.catalog import load
from mlops_lint.run import RunRequest, run

# Same length as LEAKY, no leak: an edit that keeps the file's size.
NOT_LEAKY = LEAKY.replace("X = StandardScaler().fit_transform(X)", "X = StandardScaler()                 ")
CLEAN = "import sklearn\nX = 1\n"


def _tree(root: Path, with_config: bool) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "empty").mkdir()
    (root / "sub" / "train.py").write_text(LEAKY)
    (root / "sub" / ".gitignore").write_text("*.pyc\n")
    (root / "other.py").write_text(CLEAN)
    (root / "link.py").symlink_to(root / "sub" / "train.py")
    if with_config:
        (root / "pyproject.toml").write_text("[tool.mlops-lint]\nselect = ['MLO1']\n")
    return root


def _run(cache: Path | None) -> list:
    return run(RunRequest(paths=(".",), use_cache=cache is not None, cache_dir=cache, jobs=1))


def _refuse_full_runs(monkeypatch):
    monkeypatch.setattr(load, "load_catalog", lambda *_: pytest.fail("not answered from the record"))


CHANGES = {
    "a file edited in place, same size": lambda t: (t / "sub" / "train.py").write_text(NOT_LEAKY),
    "a file added to a walked folder": lambda t: (t / "sub" / "new.py").write_text(LEAKY),
    "a file added to an empty folder": lambda t: (t / "empty" / "new.py").write_text(LEAKY),
    "a file deleted": lambda t: (t / "link.py").unlink(),
    "a .gitignore excluding a file": lambda t: (t / ".gitignore").write_text("sub/train.py\n"),
    "a symlink pointed elsewhere": lambda t: ((t / "link.py").unlink(), (t / "link.py").symlink_to(t / "other.py")),
    "the configuration edited": lambda t: (t / "pyproject.toml").write_text("[tool.mlops-lint]\nselect = ['MLO001']\n"),
    "a nested .gitignore edited": lambda t: (t / "sub" / ".gitignore").write_text("train.py\n"),
    "a folder turned into a virtualenv": lambda t: (t / "sub" / "pyvenv.cfg").write_text("home = /usr\n"),
}


def _as_if_written_long_ago(monkeypatch):
    """Every signature counts as settled (the test's files are seconds old, real ones days)."""
    monkeypatch.setattr(fingerprint, "SETTLE_SECONDS", -3600)


def _refuse_to_walk(monkeypatch):
    monkeypatch.setattr(discovery, "discover", lambda *_: pytest.fail("walked although the folders are unchanged"))


@pytest.mark.parametrize("settled", [False, True], ids=["files just written", "files settled"])
@pytest.mark.parametrize("change", CHANGES)
def test_a_change_is_never_answered_from_the_record(tmp_path, monkeypatch, change, settled):
    if settled:
        _as_if_written_long_ago(monkeypatch)
    tree = _tree(tmp_path / "tree", with_config=True)
    monkeypatch.chdir(tree)
    first = _run(tmp_path / "cache")
    with monkeypatch.context() as patched:
        _refuse_full_runs(patched)
        if settled:  # the folders' shape vouches for discovery: not even walked
            _refuse_to_walk(patched)
        assert _run(tmp_path / "cache") == first  # answered
    CHANGES[change](tree)
    after = _run(tmp_path / "cache")
    assert after == _run(None) != first
    with monkeypatch.context() as patched:
        _refuse_full_runs(patched)
        assert _run(tmp_path / "cache") == after  # the new state is answered in turn


def test_a_configuration_that_appears_is_seen(tmp_path, monkeypatch):
    tree = _tree(tmp_path / "tree", with_config=False)
    monkeypatch.chdir(tree / "sub")
    first = run(RunRequest(paths=("train.py",), use_cache=True, cache_dir=tmp_path / "cache"))
    assert [d.code for d in first] == ["MLO101"]
    (tree / "pyproject.toml").write_text("[tool.mlops-lint]\nselect = ['MLO001']\n")  # a folder above
    assert run(RunRequest(paths=("train.py",), use_cache=True, cache_dir=tmp_path / "cache")) == []


def test_a_file_rewritten_within_one_clock_tick_is_seen(tmp_path, monkeypatch):
    # The record's signatures were taken right after the files changed, so they are not trusted
    # alone: simulated by signatures that never change, the second write is still seen by content.
    monkeypatch.setattr(answers, "signature", lambda info: [1, 2, 3, 4, 5])
    tree = _tree(tmp_path / "tree", with_config=True)
    monkeypatch.chdir(tree)
    first = _run(tmp_path / "cache")
    (tree / "sub" / "train.py").write_text(NOT_LEAKY)
    assert _run(tmp_path / "cache") == _run(None) != first


def test_another_tool_is_not_answered(tmp_path, monkeypatch):
    tree = _tree(tmp_path / "tree", with_config=True)
    monkeypatch.chdir(tree)
    _run(tmp_path / "cache")
    monkeypatch.setattr(answers, "tool_fingerprint", lambda _catalog: "an edited rule")
    real, called = load.load_catalog, []
    monkeypatch.setattr(load, "load_catalog", lambda *a: called.append(1) or real(*a))
    _run(tmp_path / "cache")
    assert called


def test_runs_with_stdin_or_fixes_are_never_recorded(tmp_path, monkeypatch):
    tree = _tree(tmp_path / "tree", with_config=True)
    monkeypatch.chdir(tree)
    run(RunRequest(paths=("-",), use_cache=True, cache_dir=tmp_path / "cache", stdin=LEAKY.encode()))
    assert not list((tmp_path / "cache").rglob("runs/*.json"))


@pytest.mark.integration
def test_a_warm_cli_run_loads_neither_catalog_nor_configuration_nor_engine(tmp_path):
    _tree(tmp_path, with_config=True)
    probe = (
        "import sys\n"
        "from mlops_lint.cli import main\n"
        "sys.argv = ['mlops-lint', 'check', '--output-format', 'concise', '.']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('mlops_lint.catalog.load', 'mlops_lint.catalog.model', 'mlops_lint.config', 'mlops_lint.engine', 'tomllib')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)), file=sys.stderr)\n"
    )
    environment = {**os.environ, "MLOPS_LINT_CACHE_DIR": str(tmp_path / "cache")}
    cold = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=environment)
    assert "mlops_lint.config" in cold.stderr  # the probe can tell
    warm = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=environment)
    assert warm.stderr.splitlines()[-1] == "[]"
    assert warm.stdout == cold.stdout != ""


def _cli(cwd: Path, base: Path, *args: str, entry: str = "mlops_lint.__main__") -> subprocess.CompletedProcess:
    """The real entry point, printing to a pipe as in CI or pre-commit; reports whether click was loaded."""
    probe = (
        "import sys\n"
        f"from {entry} import main\n"
        f"sys.argv = ['mlops-lint', *{list(args)!r}]\n"
        "try:\n    main()\n"
        "finally:\n    print('click' in sys.modules, file=sys.stderr)\n"
    )
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "MLOPS_LINT_CACHE_DIR": str(base)})


@pytest.mark.integration
@pytest.mark.parametrize("args", [("check", "--output-format", "concise", "."), (".",), ("--output-format", "json", "-q", ".")])
def test_an_unchanged_command_is_replayed_before_the_command_line_loads(tmp_path, args):
    tree = _tree(tmp_path / "tree", with_config=True)
    runs = [_cli(tree, tmp_path / "cache", *args) for _ in range(3)]
    assert [r.stderr.splitlines()[-1] for r in runs] == ["True", "False", "False"]  # cold (recorded), replayed twice
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout != ""
    assert [r.returncode for r in runs] == [1, 1, 1]
    # On stderr, the summary a warm run answered through the command line prints, its time apart.
    answered = _cli(tree, tmp_path / "cache", *args, entry="mlops_lint.cli")
    assert answered.stderr.splitlines()[-1] == "True" and answered.stdout == runs[2].stdout

    def summary(result: subprocess.CompletedProcess) -> list[str]:
        return [re.sub(r" in \d+\.\d s: ", " in T s: ", line) for line in result.stderr.splitlines()[:-1]]

    assert summary(runs[2]) == summary(answered)
    if "json" not in args and "-q" not in args:
        assert summary(answered) == ["Checked 0 files (3 unchanged since the last run) in T s: 2 findings, 2 fixable with --fix --unsafe-fixes."]


@pytest.mark.integration
def test_a_replayed_command_loads_only_what_its_checks_need(tmp_path):
    # Start-up is most of a replayed run: each of these cost more than the replay's own checks.
    tree = _tree(tmp_path / "tree", with_config=True)
    unneeded = ["click", "pathlib", "typing", "json", "re", "urllib.parse", "fnmatch", "dataclasses", "mlops_lint.cli",
                "mlops_lint.catalog.load"]
    probe = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "from mlops_lint.cache import fingerprint\n"
        "fingerprint.SETTLE_SECONDS = -3600\n"  # the files are seconds old: let their signatures vouch, as days-old ones do
        "from mlops_lint.__main__ import main\n"
        "sys.argv = ['mlops-lint', 'check', '--output-format', 'concise', '.']\n"
        "try:\n    main()\n"
        f"finally:\n    print(sorted(set(sys.modules) - before & {set(unneeded)!r}), file=sys.stderr)\n"
    )
    for _ in range(3):  # recorded, then replayed
        result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tree,
                                env={**os.environ, "MLOPS_LINT_CACHE_DIR": str(tmp_path / "cache")})
    assert result.stdout and result.returncode == 1
    assert result.stderr.splitlines()[-1] == "[]"


@pytest.mark.integration
@pytest.mark.parametrize("change", ["a file edited in place, same size", "a file added to an empty folder", "the configuration edited"])
def test_a_change_is_never_replayed(tmp_path, change):
    tree = _tree(tmp_path / "tree", with_config=True)
    for _ in range(3):
        before = _cli(tree, tmp_path / "cache", "check", "--output-format", "concise", ".")
    CHANGES[change](tree)
    after = _cli(tree, tmp_path / "cache", "check", "--output-format", "concise", ".")
    uncached = _cli(tree, tmp_path / "cache", "check", "--output-format", "concise", "--no-cache", ".")
    assert after.stderr.splitlines()[-1] == "True"  # not replayed: run again
    assert after.stdout == uncached.stdout != before.stdout
    assert after.returncode == uncached.returncode


@pytest.mark.integration
@pytest.mark.parametrize("args", [("-v", "."), ("--no-cache", "."), ("-qv", "."), ("--diff", "."), ("-",)])
def test_commands_that_must_run_are_never_replayed(tmp_path, args):
    tree = _tree(tmp_path / "tree", with_config=True)
    for _ in range(3):
        result = _cli(tree, tmp_path / "cache", *args)
    assert result.stderr.splitlines()[-1] == "True"


@pytest.mark.integration
def test_discovery_reads_nothing_the_shape_of_the_folders_does_not_watch(tmp_path):
    # tree.py skips the walk when its folders and ignore files are unchanged: that is sound only
    # while discovery reads nothing else. Audit hooks see every folder it lists and file it opens.
    root = _tree(tmp_path / "repo", with_config=True)
    (root / ".git" / "info").mkdir(parents=True)
    (root / ".git" / "info" / "exclude").write_text("*.log\n")
    (root / ".gitignore").write_text("build/\n!keep.py\n")
    (root / "build" / "deep").mkdir(parents=True)
    (root / "venv-like").mkdir()
    (root / "venv-like" / "pyvenv.cfg").write_text("home = /usr\n")
    (root / "skipped").mkdir()
    (root / "linked").symlink_to(root / "sub")
    (root / "sub" / "nested" / "deeper").mkdir(parents=True)
    (root / "sub" / "nested" / ".gitignore").write_text("x.py\n")
    roots, exclude = [str(root / "sub"), str(root)], [".git", "skipped"]
    # In a child process: an audit hook cannot be removed once added.
    probe = (
        "import json, os, sys\n"
        "from mlops_lint.discovery import discover\n"
        "listed, opened = set(), set()\n"
        "def hook(event, args):\n"
        "    if event in ('os.scandir', 'open') and args and isinstance(args[0], (str, bytes)):\n"
        "        (listed if event == 'os.scandir' else opened).add(os.path.realpath(os.fsdecode(args[0])))\n"
        "sys.addaudithook(hook)\n"
        f"found = list(discover({roots!r}, {exclude!r}))\n"
        "print(json.dumps([found, sorted(listed), sorted(opened)]))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    found, seen_listed, seen_opened = (set(part) for part in json.loads(result.stdout.splitlines()[-1]))
    shape = tree.shape(roots, exclude, since_ns=time.time_ns() + 3600 * 10**9)
    watched = {os.path.realpath(path) for path, _ in shape}
    # An ignore file that does not exist is watched through its folder: creating it changes the folder.
    absent = {os.path.join(folder, name) for folder in watched for name in tree.IGNORE_FILES}
    probes = {os.path.realpath(path) for path in answers._probe_paths(RunRequest(paths=tuple(roots), use_cache=True))}
    assert found and seen_listed and seen_listed <= watched
    assert seen_opened <= watched | absent | probes, seen_opened - watched - absent - probes
