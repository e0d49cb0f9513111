"""File-system trouble: each bad path is one MLO002 line, the other files are still linted, the run ends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness import LEAKY, run_check, without_summary
from mlops_lint.catalog import load_catalog
from mlops_lint.engine.lint import LintOptions, lint_paths

LEAK_LINE = ":5:36: MLO101 StandardScaler fitted on 'X' (line 4) before 'X' is split (line 5); fit it on the training split only, or put it in a Pipeline"


def tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file; the simulated test covers it")
def test_unreadable_file_is_mlo002_and_the_rest_is_linted(tmp_path):
    tree(tmp_path, {"a_secret.py": "x = 1\n", "b_train.py": LEAKY})
    (tmp_path / "a_secret.py").chmod(0)
    try:
        result = run_check(".", cwd=tmp_path)
    finally:
        (tmp_path / "a_secret.py").chmod(0o644)
    assert result.stdout.splitlines() == ["a_secret.py:1:1: MLO002 could not read file: Permission denied", "b_train.py" + LEAK_LINE]
    assert result.returncode == 1


def test_unreadable_file_simulated_for_root(tmp_path, monkeypatch):
    # CI runs as root, which reads any file: make the read itself fail the way the kernel would.
    tree(tmp_path, {"a_secret.py": "x = 1\n", "b_train.py": LEAKY})
    secret = tmp_path / "a_secret.py"
    real_open = os.open

    def open_file(path, flags, *rest, **keywords):
        if Path(path) == secret:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *rest, **keywords)

    monkeypatch.setattr(os, "open", open_file)
    diagnostics = lint_paths([str(secret), str(tmp_path / "b_train.py")], load_catalog(), LintOptions(selected=frozenset({"MLO002", "MLO101"})))
    assert [(Path(d.location.path).name, d.code, d.message.split(";")[0]) for d in diagnostics] == [
        ("a_secret.py", "MLO002", "could not read file: Permission denied"),
        ("b_train.py", "MLO101", "StandardScaler fitted on 'X' (line 4) before 'X' is split (line 5)"),
    ]


def test_broken_symlink_and_symlink_loops(tmp_path):
    tree(tmp_path, {"train.py": LEAKY, "pkg/ok.py": "x = 1\n"})
    (tmp_path / "broken.py").symlink_to(tmp_path / "missing.py")
    (tmp_path / "loop_a.py").symlink_to(tmp_path / "loop_b.py")
    (tmp_path / "loop_b.py").symlink_to(tmp_path / "loop_a.py")
    (tmp_path / "pkg" / "up").symlink_to(tmp_path)  # a directory loop: never followed
    result = run_check(".", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        "broken.py:1:1: MLO002 could not read file: No such file or directory",
        "loop_a.py:1:1: MLO002 could not read file: Too many levels of symbolic links",
        "loop_b.py:1:1: MLO002 could not read file: Too many levels of symbolic links",
        "train.py" + LEAK_LINE,
    ]
    assert (result.returncode, without_summary(result.stderr)) == (1, "")


def test_directory_named_like_a_python_file(tmp_path):
    tree(tmp_path, {"x.py/inner.py": LEAKY, "y.ipynb/.keep": ""})
    in_tree = run_check(".", cwd=tmp_path)
    assert in_tree.stdout.splitlines() == ["x.py/inner.py" + LEAK_LINE]
    named = run_check("x.py", "y.ipynb", cwd=tmp_path)
    assert named.stdout.splitlines() == ["x.py/inner.py" + LEAK_LINE]
    assert (named.returncode, without_summary(named.stderr)) == (1, "")


def test_paths_with_spaces_and_non_ascii(tmp_path):
    tree(tmp_path, {"my data/données é.py": LEAKY, "ノート/学習.py": LEAKY})
    result = run_check(".", "my data/données é.py", cwd=tmp_path)
    # The file named explicitly is also found by the walk: a path given twice is linted once.
    assert result.stdout.splitlines() == [
        "my data/données é.py" + LEAK_LINE,
        "ノート/学習.py" + LEAK_LINE,
    ]


def test_file_deleted_during_the_run_is_mlo002_and_the_rest_goes_on(tmp_path):
    # A path list with a file that is gone by the time it is read: what a deletion mid-run looks like.
    tree(tmp_path, {"b_train.py": LEAKY})
    result = run_check("a_gone.py", "b_train.py", cwd=tmp_path)
    assert result.stdout.splitlines() == ["a_gone.py:1:1: MLO002 could not read file: No such file or directory", "b_train.py" + LEAK_LINE]
    assert (result.returncode, without_summary(result.stderr)) == (1, "")


def test_file_deleted_between_discovery_and_reading(tmp_path, monkeypatch):
    from mlops_lint import discovery
    from mlops_lint.run import RunRequest, run

    tree(tmp_path, {"a.py": "x = 1\n", "b.py": LEAKY})
    real_discover = discovery.discover

    def discover_then_delete(paths, exclude, *problems, **keywords):
        for path in real_discover(paths, exclude, *problems, **keywords):
            yield path
            if path.endswith("a.py"):
                os.remove(tmp_path / "b.py")  # gone after it was listed, before it is read

    def listed_first(paths, exclude, *problems, **keywords):
        found = list(real_discover(paths, exclude, *problems, **keywords))
        yield from discover_then_delete(found, exclude)

    monkeypatch.setattr(discovery, "discover", listed_first)  # run() imports it when it runs
    diagnostics = run(RunRequest(paths=(str(tmp_path),)))
    assert [(Path(d.location.path).name, d.code, d.message) for d in diagnostics] == [
        ("b.py", "MLO002", "could not read file: No such file or directory")
    ]


PEAK_RSS = """
import atexit, resource, sys
atexit.register(lambda: print("peak-rss-kib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr))
from mlops_lint.cli import main
sys.argv = ["mlops-lint", *sys.argv[1:]]
main()
"""


def _peak_rss(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess, int]:
    result = subprocess.run([sys.executable, "-c", PEAK_RSS, "check", "--output-format", "concise", *args],
                            cwd=cwd, capture_output=True, text=True)
    line = next(line for line in result.stderr.splitlines() if line.startswith("peak-rss-kib"))
    return result, int(line.split()[1])


@pytest.mark.slow
def test_twenty_thousand_files_in_one_tree_bounded_memory(tmp_path):
    body = "import numpy as np\n\ndef f(x):\n    return np.mean(x)\n"
    for folder in range(200):
        directory = tmp_path / f"pkg_{folder:03d}"
        directory.mkdir()
        for index in range(100):
            (directory / f"m_{index:03d}.py").write_text(body)
    (tmp_path / "pkg_000" / "m_000.py").write_text(LEAKY)
    (tmp_path / "pkg_199" / "m_099.py").write_text("print 'x'\nimport sklearn\n")
    (tmp_path / "single").mkdir()
    (tmp_path / "single" / "one.py").write_text(body)
    _, baseline = _peak_rss(["single"], tmp_path)
    result, peak = _peak_rss(["."], tmp_path)
    assert result.stdout.splitlines() == [
        "pkg_000/m_000.py" + LEAK_LINE,
        "pkg_199/m_099.py:1:1: MLO001 SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?",
    ]
    print(f"\npeak RSS: one file {baseline / 1024:.1f} MiB, 20,002 files {peak / 1024:.1f} MiB")
    # Diagnostics are kept, documents are not: memory must not grow with the number of clean files.
    assert peak - baseline < 64 * 1024, (baseline, peak)
