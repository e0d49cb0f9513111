"""Parallel and serial runs print byte-identical output, and the pool is used only when it pays."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import mlops_lint.engine.parallel as parallel
from mlops_lint.catalog import load_catalog
from mlops_lint.discovery import discover
from mlops_lint.engine.lint import LintOptions
from mlops_lint.engine.prefilter import build_prefilter
from mlops_lint.report import renderer
from harness import summary_of, without_summary
from mlops_lint.settings import DEFAULT_EXCLUDES
from sample_tree import write_sample_tree

# Every test here starts the command line or a worker pool in real processes.
pytestmark = pytest.mark.integration

CATALOG = load_catalog()
ALL = frozenset(CATALOG.rules)


def _lint_tree(root, jobs, monkeypatch, selected=ALL):
    pools = []
    real = parallel._in_pool
    monkeypatch.setattr(parallel, "_in_pool", lambda *args: pools.append(args[1]) or real(*args))
    # Workers are capped at the cores: pretend two, so the test means the same on a one-core runner.
    monkeypatch.setattr(parallel, "default_jobs", lambda: 2)
    paths = list(discover([str(root)], DEFAULT_EXCLUDES))
    diagnostics = parallel.lint_files(paths, CATALOG, LintOptions(selected=selected), build_prefilter(CATALOG, selected), jobs=jobs)
    return diagnostics, len(pools)


def test_parallel_equals_serial_byte_for_byte(tmp_path, monkeypatch):
    files = write_sample_tree(tmp_path)
    assert len(files) > 2 * parallel.PARALLEL_THRESHOLD
    serial, serial_pools = _lint_tree(tmp_path, 1, monkeypatch)
    pooled, pooled_pools = _lint_tree(tmp_path, 2, monkeypatch)
    assert (serial_pools, pooled_pools) == (0, 1)
    assert {d.code for d in serial} >= {"MLO001", "MLO101"}
    for fmt in ("concise", "json", "full"):
        assert renderer(fmt)(pooled) == renderer(fmt)(serial), fmt


@pytest.mark.skipif(sys.platform != "linux", reason="the dying worker is patched in through fork")
def test_a_dying_worker_neither_hangs_nor_loses_files(tmp_path, monkeypatch):
    write_sample_tree(tmp_path)
    serial, _ = _lint_tree(tmp_path, 1, monkeypatch)
    parent = os.getpid()
    real = parallel.lint_document_safely

    def die_in_worker(document, *rest):
        if os.getpid() != parent and document.path.endswith("leaky.py"):
            os._exit(9)
        return real(document, *rest)

    monkeypatch.setattr(parallel, "lint_document_safely", die_in_worker)
    pooled, pools = _lint_tree(tmp_path, 2, monkeypatch)
    assert pools == 1
    assert renderer("concise")(pooled) == renderer("concise")(serial)


@pytest.mark.skipif(sys.platform != "linux", reason="the catalog is inherited through fork")
def test_forked_workers_use_the_parents_catalog(tmp_path, monkeypatch):
    """A forked worker must not load the catalog again: with loading broken, the workers still lint
    every file (a worker whose initializer fails breaks the pool, and the parent lints the rest)."""
    write_sample_tree(tmp_path)
    serial, _ = _lint_tree(tmp_path, 1, monkeypatch)
    parent = os.getpid()
    linted_in_parent = []
    real = parallel.lint_with_dependencies

    def recording(document, *rest):
        if os.getpid() == parent:
            linted_in_parent.append(document.path)
        return real(document, *rest)

    def no_catalog(*args):
        raise AssertionError("a forked worker loaded the catalog")

    monkeypatch.setattr("mlops_lint.catalog.load_catalog", no_catalog)
    monkeypatch.setattr(parallel, "lint_with_dependencies", recording)
    pooled, pools = _lint_tree(tmp_path, 2, monkeypatch)
    assert pools == 1
    assert linted_in_parent == []
    assert renderer("concise")(pooled) == renderer("concise")(serial)


def test_few_files_stay_in_process(tmp_path, monkeypatch):
    write_sample_tree(tmp_path, copies=1)
    few = sorted(tmp_path.rglob("*.py"))[: parallel.PARALLEL_THRESHOLD - 1]
    for extra in tmp_path.rglob("*"):
        if extra.is_file() and extra not in few:
            extra.unlink()
    _, pools = _lint_tree(tmp_path, 2, monkeypatch)
    assert pools == 0


def test_unreadable_path_is_mlo002_in_both_modes(tmp_path, monkeypatch):
    write_sample_tree(tmp_path)
    missing = str(tmp_path / "pkg0" / "gone.py")
    options = LintOptions(selected=ALL)
    for jobs in (1, 2):
        paths = [*discover([str(tmp_path)], DEFAULT_EXCLUDES), missing]
        diagnostics = parallel.lint_files(paths, CATALOG, options, build_prefilter(CATALOG, ALL), jobs=jobs)
        assert [d.code for d in diagnostics if d.location.path == missing] == ["MLO002"]


def test_cli_jobs_1_and_2_print_the_same(tmp_path):
    write_sample_tree(tmp_path)

    def cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "mlops_lint", "check", "--no-cache", "--select", "ALL", "--output-format", "concise", *args, "."],
            cwd=tmp_path, capture_output=True, env={**os.environ, "NO_COLOR": "1"},
        )

    serial, pooled = cli("-j", "1"), cli("-j", "2")
    assert serial.returncode == pooled.returncode == 1
    assert serial.stdout.count(b"MLO101") >= 6
    assert pooled.stdout == serial.stdout
    assert summary_of(pooled.stderr.decode()) == summary_of(serial.stderr.decode())
    assert without_summary(pooled.stderr.decode()) == without_summary(serial.stderr.decode()) == ""


def test_files_without_ml_code_need_no_pool(tmp_path, monkeypatch):
    for number in range(3 * parallel.PARALLEL_THRESHOLD):
        (tmp_path / f"plain{number}.py").write_text(f"print({number})\n")
    (tmp_path / "leaky.py").write_text((tmp_path / "plain0.py").read_text() + "import sklearn\nprint 'x'\n")
    diagnostics, pools = _lint_tree(tmp_path, 2, monkeypatch)
    assert pools == 0
    assert [(d.code, d.location.path) for d in diagnostics] == [("MLO001", str(tmp_path / "leaky.py"))]
