"""The results cache returns exactly what an uncached run finds, and anything that could change a result invalidates it."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import mlops_lint.engine.parallel as parallel
from mlops_lint.cache import CACHE_DIR_NAME, LintCache, cache_for, run_key
from mlops_lint.catalog import load_catalog
from mlops_lint.catalog.locate import catalog_dir
from mlops_lint.diagnostics import Diagnostic
from mlops_lint.discovery import discover
from mlops_lint.engine.lint import LintOptions
from mlops_lint.engine.prefilter import build_prefilter
from mlops_lint.run import RunRequest, run
from mlops_lint.settings import DEFAULT_EXCLUDES
from sample_tree import LEAKY, write_sample_tree

CATALOG = load_catalog()
ALL = frozenset(CATALOG.rules)


def _lint(root: Path, cache: LintCache | None) -> list[Diagnostic]:
    paths = list(discover([str(root)], DEFAULT_EXCLUDES))
    return parallel.lint_files(paths, CATALOG, LintOptions(selected=ALL), build_prefilter(CATALOG, ALL), cache=cache, jobs=1)


def _refuse_to_lint(monkeypatch):
    def refuse(path, *_args):
        raise AssertionError(f"{path} was analysed although it is cached")

    monkeypatch.setattr(parallel, "screen", refuse)


def _cache(directory: Path, **overrides) -> LintCache:
    settings = {"selected": ALL, "rule_options": {}, "honour_noqa": True, **overrides}
    return cache_for(directory, catalog_dir(), settings["selected"], settings["rule_options"], settings["honour_noqa"])


def test_cached_results_equal_uncached_on_the_sample_tree(tmp_path, monkeypatch):
    tree = tmp_path / "tree"
    write_sample_tree(tree, copies=1)
    uncached = _lint(tree, None)
    first = _lint(tree, _cache(tmp_path / "cache"))
    _refuse_to_lint(monkeypatch)
    second = _lint(tree, _cache(tmp_path / "cache"))
    assert first == uncached and second == uncached
    assert {d.code for d in uncached} >= {"MLO001", "MLO002", "MLO101"}


def test_editing_a_file_invalidates_only_that_file(tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text(LEAKY)
    (tmp_path / "b.py").write_text(LEAKY)
    assert len(_lint(tmp_path, _cache(tmp_path / "cache"))) == 2
    (tmp_path / "a.py").write_text(LEAKY.replace("X = Standard", "Z = Standard"))
    analysed = []
    real = parallel.screen
    monkeypatch.setattr(parallel, "screen", lambda path, *rest: analysed.append(path) or real(path, *rest))
    after = _lint(tmp_path, _cache(tmp_path / "cache"))
    assert analysed == [str(tmp_path / "a.py")]
    assert [d.location.path for d in after] == [str(tmp_path / "b.py")]


def test_run_key_changes_with_everything_that_shapes_a_result(tmp_path):
    catalog = tmp_path / "rules"
    shutil.copytree(catalog_dir(), catalog)
    base = run_key(catalog, ALL, {}, True)
    assert run_key(catalog, ALL, {}, True) == base
    assert run_key(catalog, frozenset({"MLO101"}), {}, True) != base
    assert run_key(catalog, ALL, {"MLO101": {"some-option": 3}}, True) != base
    assert run_key(catalog, ALL, {"MLO101": {"some-option": 4}}, True) != run_key(catalog, ALL, {"MLO101": {"some-option": 3}}, True)
    assert run_key(catalog, ALL, {}, False) != base
    api = catalog / "api" / "sklearn.toml"
    api.write_text(api.read_text(encoding="utf-8") + "\n# one more comment\n", encoding="utf-8")
    assert run_key(catalog, ALL, {}, True) != base


def test_editing_the_config_invalidates_through_a_real_run(tmp_path, monkeypatch):
    (tmp_path / "train.py").write_text(LEAKY)
    monkeypatch.chdir(tmp_path)
    request = RunRequest(paths=("train.py",), use_cache=True)
    assert [d.code for d in run(request)] == ["MLO101"]
    assert (tmp_path / CACHE_DIR_NAME).is_dir()  # no pyproject: the cache sits in the cwd
    (tmp_path / "pyproject.toml").write_text("[tool.mlops-lint]\nselect = ['MLO001']\n")
    assert run(request) == []
    (tmp_path / "pyproject.toml").write_text("[tool.mlops-lint]\nselect = ['MLO1']\n")
    assert [d.code for d in run(request)] == ["MLO101"]
    _refuse_to_lint(monkeypatch)
    assert [d.code for d in run(request)] == ["MLO101"]
    assert (tmp_path / CACHE_DIR_NAME / ".gitignore").read_text().splitlines()[-1] == "*"


def test_an_edited_rule_module_changes_the_key(tmp_path, monkeypatch):
    import mlops_lint.cache as cache_module

    package = tmp_path / "mlops_lint"
    package.mkdir()
    (package / "cache.py").write_text("x = 1\n")
    monkeypatch.setattr(cache_module, "__file__", str(package / "cache.py"))
    before = run_key(catalog_dir(), ALL, {}, True)
    (package / "rule.py").write_text("y = 2\n")
    assert run_key(catalog_dir(), ALL, {}, True) != before


def test_corrupt_cache_is_ignored_and_replaced(tmp_path):
    (tmp_path / "a.py").write_text(LEAKY)
    cache = _cache(tmp_path / "cache")
    cache.file.parent.mkdir(parents=True)
    cache.file.write_bytes(b"\x80\x05 not a pickle")
    assert len(_lint(tmp_path, _cache(tmp_path / "cache"))) == 1
    assert isinstance(pickle.loads(cache.file.read_bytes()), dict)


def _save_many(directory: str, worker: int) -> None:
    for round_ in range(20):
        cache = _cache(Path(directory))
        cache.put(f"file{worker}_{round_}.py", "digest", [])
        cache.save()


@pytest.mark.integration
def test_concurrent_savers_leave_a_valid_cache(tmp_path):
    context = multiprocessing.get_context("spawn" if sys.platform != "linux" else "fork")
    workers = [context.Process(target=_save_many, args=(str(tmp_path), n)) for n in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(60)
    assert [p.exitcode for p in workers] == [0, 0, 0, 0]
    entries = _cache(tmp_path).entries
    assert entries and all(value == ("digest", ()) for value in entries.values())
    assert any(f"file{n}_19.py" in entries for n in range(4))  # the last saver's own entries survive
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []  # mlops_lint/atomic.py's temporaries


def _cli(tmp_path, *args):
    return subprocess.run(
        [sys.executable, "-m", "mlops_lint", "check", "--output-format", "concise", *args, "train.py"],
        cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.mark.integration
def test_cli_caches_at_the_project_root_unless_told_not_to(tmp_path, monkeypatch):
    monkeypatch.delenv("MLOPS_LINT_CACHE_DIR")  # the default place, in the test's own project
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "train.py").write_text(LEAKY)
    uncached = _cli(tmp_path, "--no-cache")
    assert not (tmp_path / CACHE_DIR_NAME).exists()
    cold, warm = _cli(tmp_path), _cli(tmp_path)
    assert uncached.stdout == cold.stdout == warm.stdout != ""
    assert list((tmp_path / CACHE_DIR_NAME).glob("*.pickle"))
    elsewhere = tmp_path / "elsewhere"
    assert _cli(tmp_path, "--cache-dir", str(elsewhere)).stdout == cold.stdout
    assert list(elsewhere.glob("*.pickle"))


@pytest.mark.integration
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_rejects_nonsense_jobs_and_accepts_counts(tmp_path, jobs):
    (tmp_path / "train.py").write_text(LEAKY)
    assert _cli(tmp_path, "--no-cache", "-j", jobs).returncode == 1
    assert _cli(tmp_path, "--no-cache", "-j", "0").returncode == 2


def _import_times(tmp_path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"},
    )


def _imported(tmp_path, *args) -> set[str]:
    """Modules the command imports beyond what this interpreter's start-up (site, .pth hooks) does."""
    def names(result):
        return {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}

    result = _import_times(tmp_path, "-m", "mlops_lint", *args)
    assert result.returncode in (0, 1), result.stderr
    return names(result) - names(_import_times(tmp_path, "-c", "pass"))


@pytest.mark.integration
def test_start_up_imports_only_what_the_command_needs(tmp_path):
    (tmp_path / "train.py").write_text(LEAKY)
    for command in (["rules"], ["rule", "MLO101"]):
        assert not {"libcst", "multiprocessing", "mlops_lint.engine.parallel"} & _imported(tmp_path, *command), command
    cold = _imported(tmp_path, "check", "--output-format", "concise", "train.py")
    assert not {"libcst", "multiprocessing", "concurrent.futures", "unicodedata"} & cold
    warm = _imported(tmp_path, "check", "--output-format", "concise", "train.py")
    assert "mlops_lint.cache" in cold and not {"tempfile", "libcst", "multiprocessing"} & warm
