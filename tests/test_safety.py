"""The safety contract of docs/safety.md: static only, no network, no code from the repository, no writes."""

from __future__ import annotations

import builtins
import hashlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from mlops_lint.run import RunError, RunRequest, run

LEAKY = (
    "from sklearn.model_selection import train_test_split\n"
    "from sklearn.preprocessing import StandardScaler\n"
    "X = StandardScaler().fit_transform(X)\n"
    "X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
)


def hostile_code(marker: Path, name: str) -> str:
    """Code that, if imported or run, leaves a marker file and tries to open a socket."""
    return (
        "import pathlib, socket\n"
        f"pathlib.Path({str(marker)!r}).joinpath({name!r}).write_text('executed')\n"
        "socket.create_connection(('127.0.0.1', 9))\n"
    )


def hostile_tree(root: Path, marker: Path) -> Path:
    tree = root / "repo"
    files = {
        "train.py": LEAKY + hostile_code(marker, "train"),
        "setup.py": hostile_code(marker, "setup"),
        "conftest.py": hostile_code(marker, "conftest"),
        "sitecustomize.py": hostile_code(marker, "sitecustomize"),
        "hostile_pkg/__init__.py": hostile_code(marker, "package"),
        "hostile_pkg/module.py": "from . import helper\n" + hostile_code(marker, "module"),
        "hostile_pkg/helper.py": hostile_code(marker, "helper"),
        # A package shadowing a library the rules know: importing it would run this code.
        "sklearn/__init__.py": hostile_code(marker, "sklearn"),
        "sklearn/preprocessing.py": hostile_code(marker, "sklearn.preprocessing"),
        "mlops_lint_plugin.py": hostile_code(marker, "plugin"),
        "pyproject.toml": "[tool.mlops-lint]\nselect = ['ALL']\n",
        "analysis.ipynb": json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
            {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
             "source": hostile_code(marker, "notebook") + "!touch " + str(marker / "shell")},
        ]}),
        "eval_me.py": f"__import__('pathlib').Path({str(marker)!r}).joinpath('eval').write_text('x')  # noqa\n",
    }
    for name, text in files.items():
        path = tree / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tree


class Forbidden:
    """Records every call instead of doing it; the run must leave it empty."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def stub(self, name: str):
        def record(*args, **kwargs):
            self.calls.append(f"{name}{args[:2]!r}")
            raise PermissionError(f"mlops-lint must not call {name}")

        return record


def test_linting_a_hostile_tree_runs_none_of_its_code(tmp_path, monkeypatch):
    marker = tmp_path / "markers"
    marker.mkdir()
    tree = hostile_tree(tmp_path, marker)
    monkeypatch.chdir(tree)  # the most tempting place to import from
    run(RunRequest(paths=(str(tree),)))  # warm-up: the engine's own lazy imports happen here

    forbidden = Forbidden()
    real_compile = builtins.compile
    compiled: list[int] = []

    def parse_only_compile(source, filename, mode, flags=0, *args, **kwargs):
        compiled.append(flags)
        if not flags & 0x400:  # ast.PyCF_ONLY_AST: a tree, never a code object
            forbidden.calls.append(f"compile({filename!r}, flags={flags})")
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "compile", parse_only_compile)
    for name in ("exec", "eval", "__import__"):
        if name != "__import__":
            monkeypatch.setattr(builtins, name, forbidden.stub(name))
    for owner, name in ((socket, "socket"), (socket, "create_connection"), (socket, "getaddrinfo"),
                        (subprocess, "Popen"), (os, "system"), (os, "fork"), (os, "execv"), (os, "execve"),
                        (os, "posix_spawn")):
        monkeypatch.setattr(owner, name, forbidden.stub(f"{owner.__name__}.{name}"))
    before = set(sys.modules)
    diagnostics = run(RunRequest(paths=(str(tree),)))
    monkeypatch.undo()

    assert forbidden.calls == []
    assert compiled, "the run parsed the files through compile(..., PyCF_ONLY_AST)"
    assert sorted(p.name for p in marker.iterdir()) == []
    new_modules = set(sys.modules) - before
    from_tree = [name for name, module in sys.modules.items()
                 if str(getattr(module, "__file__", "") or "").startswith(str(tree))]
    assert (from_tree, sorted(m for m in new_modules if not m.startswith("mlops_lint"))) == ([], [])
    assert "hostile_pkg" not in sys.modules
    assert [(Path(d.location.path).name, d.code) for d in diagnostics] == [("train.py", "MLO101")]
    assert not any(tree.rglob("__pycache__")), "nothing of the tree was compiled to bytecode"


def test_configuration_cannot_name_code_to_load(tmp_path):
    marker = tmp_path / "markers"
    marker.mkdir()
    tree = hostile_tree(tmp_path, marker)
    for key in ("plugins = ['mlops_lint_plugin']", "plugin-paths = ['.']", "load = 'mlops_lint_plugin'",
                "rules-path = 'mlops_lint_plugin.py'", "extend = 'mlops_lint_plugin.py'"):
        (tree / "pyproject.toml").write_text(f"[tool.mlops-lint]\n{key}\n")
        with pytest.raises(RunError, match="unknown key"):
            run(RunRequest(paths=(str(tree),)))
    # A Python file given as the config is read as TOML text, never run.
    with pytest.raises(RunError, match="invalid TOML"):
        run(RunRequest(paths=(str(tree),), config_file=tree / "mlops_lint_plugin.py"))
    assert list(marker.iterdir()) == []


def snapshot(root: Path) -> dict[str, tuple]:
    """Every file and folder under root: kind, mode, mtime (ns), size and content hash.

    The caches live in the user's cache folder (docs/safety.md), so a run, cached or not, leaves
    the linted tree exactly as it was.
    """
    state = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            info = path.lstat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() and not path.is_symlink() else ""
            state[str(path.relative_to(root))] = (info.st_mode, info.st_mtime_ns, info.st_size, digest)
    return state


@pytest.mark.integration
@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
@pytest.mark.parametrize("output_format", ["concise", "json", "full"])
def test_without_fix_no_file_is_written(tmp_path, output_format, cache, monkeypatch):
    monkeypatch.delenv("MLOPS_LINT_CACHE_DIR")  # the default place, inside the linted tree
    marker = tmp_path / "markers"
    marker.mkdir()
    tree = hostile_tree(tmp_path, marker)
    (tree / "broken.py").write_bytes(b"print 'x'\r\n\xff")
    (tree / "crlf.py").write_bytes(LEAKY.replace("\n", "\r\n").encode())
    (tree / "bom.py").write_bytes(b"\xef\xbb\xbf" + LEAKY.encode())
    (tree / "link.py").symlink_to(tree / "train.py")
    (tree / "readonly.py").write_text(LEAKY)
    (tree / "readonly.py").chmod(0o444)
    os.utime(tree / "train.py", ns=(1_000_000_000, 1_000_000_000))  # an old mtime shows any rewrite
    before = snapshot(tree)
    for _cold_then_warm in range(2):
        result = subprocess.run(
            [sys.executable, "-m", "mlops_lint", "check", "--output-format", output_format, *cache, "."],
            cwd=tree, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"},
        )
        assert result.returncode == 1, result.stderr
    assert snapshot(tree) == before
    assert not (tree / ".mlops-lint-cache").exists()
    assert list(marker.iterdir()) == []


def test_a_files_results_do_not_depend_on_the_other_files_in_the_run(tmp_path):
    marker = tmp_path / "markers"
    marker.mkdir()
    tree = hostile_tree(tmp_path, marker)
    (tree / "other.py").write_text("from sklearn.preprocessing import StandardScaler as train_test_split\nX = 1\n")
    (tree / "broken.py").write_text("print 'x'\n")
    alone = run(RunRequest(paths=(str(tree / "train.py"),)))
    together = [d for d in run(RunRequest(paths=(str(tree),))) if d.location.path == str(tree / "train.py")]
    reversed_order = [d for d in run(RunRequest(paths=(str(tree / "other.py"), str(tree / "broken.py"), str(tree / "train.py"))))
                      if d.location.path == str(tree / "train.py")]
    assert alone == together == reversed_order != []
