"""The results cache returns exactly what an uncached run finds, and anything that could change a result invalidates it."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import mlops_lint.engine.parallel as parallel
from mlops_lint.cache import fingerprint, folder, results
from mlops_lint.cache.results import LintCache, configuration_key, results_cache
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


def _refuse_to_read(monkeypatch):
    def refuse(path, *_args, **_kwargs):
        raise AssertionError(f"{path} was read although its signature is unchanged")

    monkeypatch.setattr(parallel, "open", refuse, raising=False)


def _cache(base: Path, project: Path | None = None, later: bool = False, **overrides) -> LintCache:
    """The results cache of ``project`` (default: base's parent) under the cache folder ``base``.

    ``later``: as if the run happened a minute from now, when every file written by the test has
    settled (a signature taken within fingerprint.SETTLE_SECONDS of a change is never trusted alone).
    """
    settings = {"selected": ALL, "rule_options": {}, "honour_noqa": True, **overrides}
    cache = results_cache(base, project or base.parent, catalog_dir(),
                          settings["selected"], settings["rule_options"], settings["honour_noqa"])
    assert cache is not None
    if later:
        cache.now_ns = time.time_ns() + 60 * 10**9
    return cache


def test_cached_results_equal_uncached_on_the_sample_tree(tmp_path, monkeypatch):
    tree = tmp_path / "tree"
    write_sample_tree(tree, copies=1)
    uncached = _lint(tree, None)
    first = _lint(tree, _cache(tmp_path / "cache"))
    _refuse_to_lint(monkeypatch)
    second = _lint(tree, _cache(tmp_path / "cache"))
    assert first == uncached and second == uncached
    assert {d.code for d in uncached} >= {"MLO001", "MLO002", "MLO101"}


def test_a_settled_unchanged_file_costs_one_stat_and_no_read(tmp_path, monkeypatch):
    tree = tmp_path / "tree"
    write_sample_tree(tree, copies=1)
    uncached = _lint(tree, None)
    _lint(tree, _cache(tmp_path / "cache", later=True))  # the entries get settled signatures
    _refuse_to_read(monkeypatch)
    _refuse_to_lint(monkeypatch)
    assert _lint(tree, _cache(tmp_path / "cache", later=True)) == uncached


def test_a_signature_taken_too_soon_after_a_change_is_never_trusted_alone(tmp_path, monkeypatch):
    # A file written twice within one tick of the file system's clock keeps size, mtime and ctime:
    # simulated here by a signature that never changes. An entry stored right after a change is
    # then checked by content, and the second write is seen.
    monkeypatch.setattr(results, "signature", lambda info: [1, 2, 3, 4, 5])
    (tmp_path / "a.py").write_text(LEAKY)
    assert len(_lint(tmp_path, _cache(tmp_path / "cache"))) == 1
    (tmp_path / "a.py").write_text(LEAKY.replace("X = StandardScaler().fit_transform(X)", "X = 1  # no scaler anymore ."))
    assert _lint(tmp_path, _cache(tmp_path / "cache")) == []


def test_editing_a_file_invalidates_only_that_file(tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text(LEAKY)
    (tmp_path / "b.py").write_text(LEAKY)
    assert len(_lint(tmp_path, _cache(tmp_path / "cache", later=True))) == 2
    (tmp_path / "a.py").write_text(LEAKY.replace("X = Standard", "Z = Standard"))  # same size
    analysed = []
    real = parallel.screen
    monkeypatch.setattr(parallel, "screen", lambda path, *rest: analysed.append(path) or real(path, *rest))
    after = _lint(tmp_path, _cache(tmp_path / "cache", later=True))
    assert analysed == [str(tmp_path / "a.py")]
    assert [d.location.path for d in after] == [str(tmp_path / "b.py")]


def test_a_file_replaced_by_another_with_the_same_signature_times_is_read_again(tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text(LEAKY)
    (tmp_path / "b.py").write_text("X = 1\n")
    assert len(_lint(tmp_path, _cache(tmp_path / "cache", later=True))) == 1
    os.replace(tmp_path / "b.py", tmp_path / "a.py")  # a new inode under the old name
    assert _lint(tmp_path, _cache(tmp_path / "cache", later=True)) == []


def test_the_keys_change_with_everything_that_shapes_a_result(tmp_path):
    base = configuration_key(ALL, {}, True)
    assert configuration_key(ALL, {}, True) == base
    assert configuration_key(frozenset({"MLO101"}), {}, True) != base
    assert configuration_key(ALL, {"MLO101": {"some-option": 3}}, True) != base
    assert configuration_key(ALL, {"MLO101": {"some-option": 4}}, True) != configuration_key(ALL, {"MLO101": {"some-option": 3}}, True)
    assert configuration_key(ALL, {}, False) != base
    catalog = tmp_path / "rules"
    shutil.copytree(catalog_dir(), catalog)
    tool = fingerprint.tool_fingerprint(catalog)
    assert fingerprint.tool_fingerprint(catalog) == tool
    api = catalog / "api" / "sklearn.toml"
    api.write_text(api.read_text(encoding="utf-8") + "\n# one more comment\n", encoding="utf-8")
    assert fingerprint.tool_fingerprint(catalog) != tool


def test_another_tool_fingerprint_empties_the_index(tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text(LEAKY)
    _lint(tmp_path, _cache(tmp_path / "cache"))
    assert _cache(tmp_path / "cache").entries
    monkeypatch.setattr(results, "tool_fingerprint", lambda _catalog: "another version")
    assert _cache(tmp_path / "cache").entries == {}


def test_editing_the_config_invalidates_through_a_real_run(tmp_path, monkeypatch):
    (tmp_path / "train.py").write_text(LEAKY)
    monkeypatch.chdir(tmp_path)
    request = RunRequest(paths=("train.py",), use_cache=True, cache_dir=tmp_path / "cache")
    assert [d.code for d in run(request)] == ["MLO101"]
    # No pyproject: the project is the working folder; its cache is in the cache folder, not here.
    assert list((tmp_path / "cache" / folder.project_name(tmp_path)).glob("results-*.json"))
    (tmp_path / "pyproject.toml").write_text("[tool.mlops-lint]\nselect = ['MLO001']\n")
    assert run(request) == []
    (tmp_path / "pyproject.toml").write_text("[tool.mlops-lint]\nselect = ['MLO1']\n")
    assert [d.code for d in run(request)] == ["MLO101"]
    _refuse_to_lint(monkeypatch)
    assert [d.code for d in run(request)] == ["MLO101"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "pyproject.toml", "train.py"]


def test_an_edited_rule_module_changes_the_key(tmp_path, monkeypatch):
    package = tmp_path / "mlops_lint"
    package.mkdir()
    (package / "cache.py").write_text("x = 1\n")
    monkeypatch.setattr(fingerprint, "PACKAGE", package)
    before = fingerprint.tool_fingerprint(catalog_dir())
    (package / "rule.py").write_text("y = 2\n")
    assert fingerprint.tool_fingerprint(catalog_dir()) != before


def test_the_tool_counts_a_settled_file_by_its_signature_and_a_fresh_one_by_its_bytes(tmp_path, monkeypatch):
    # Two copies with the same bytes: the same fingerprint by bytes, not by signature (inodes differ).
    copies = [tmp_path / "one", tmp_path / "two"]
    for copy in copies:
        copy.mkdir()
        (copy / "rule.toml").write_text("[rule]\ncode = 'MLO101'\n")
    now_ns = time.time_ns()
    monkeypatch.setattr(fingerprint, "SETTLE_SECONDS", 3600)  # both just written: may change again unseen
    by_bytes = {fingerprint.tree_fingerprint(copy, (".toml",), now_ns) for copy in copies}
    monkeypatch.setattr(fingerprint, "SETTLE_SECONDS", -3600)
    by_signature = {fingerprint.tree_fingerprint(copy, (".toml",), now_ns) for copy in copies}
    assert len(by_bytes) == 1 and len(by_signature) == 2


def test_corrupt_cache_is_ignored_and_replaced(tmp_path):
    (tmp_path / "a.py").write_text(LEAKY)
    cache = _cache(tmp_path / "cache")
    entry = [[1, 2, 3, 4, 5], True, "0" * 32, []]
    for corrupt in (b"\x80\x05 not json", b"[]", json.dumps({"kind": "mlops-lint results", "tool": cache.tool,
                                                                "files": {str(tmp_path / "a.py"): ["bad"]}}).encode()):
        cache.file.write_bytes(corrupt)
        assert len(_lint(tmp_path, _cache(tmp_path / "cache"))) == 1
        assert json.loads(cache.file.read_bytes())["files"][str(tmp_path / "a.py")][3][0][0] == "MLO101"
    # A well-formed entry whose diagnostics are not: a miss, then replaced.
    stored = json.loads(cache.file.read_bytes())
    digest = stored["files"][str(tmp_path / "a.py")][2]
    stored["files"][str(tmp_path / "a.py")] = [entry[0], False, digest, [["MLO101", "x", "y", "fatal", [], [], None, ""]]]
    cache.file.write_text(json.dumps(stored))
    assert [d.code for d in _lint(tmp_path, _cache(tmp_path / "cache"))] == ["MLO101"]


def _save_many(base: str, worker: int) -> None:
    for round_ in range(20):
        cache = _cache(Path(base))
        cache.put(f"file{worker}_{round_}.py", "digest", [])
        cache.save()


@pytest.mark.integration
def test_concurrent_savers_leave_a_valid_cache(tmp_path):
    context = multiprocessing.get_context("spawn" if sys.platform != "linux" else "fork")
    base = tmp_path / "cache"
    workers = [context.Process(target=_save_many, args=(str(base), n)) for n in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(60)
    assert [p.exitcode for p in workers] == [0, 0, 0, 0]
    cache = _cache(base)
    entries = cache.entries
    assert entries and all(value == [None, False, "digest", [], None] for value in entries.values())
    assert any(f"file{n}_19.py" in entries for n in range(4))  # the last saver's own entries survive
    assert [p.name for p in cache.file.parent.iterdir() if p.name.endswith(".tmp")] == []  # mlops_lint/atomic.py's temporaries


def _cli(tmp_path, *args, base: Path | None = None):
    environment = {**os.environ, "NO_COLOR": "1"}
    if base is not None:
        environment["MLOPS_LINT_CACHE_DIR"] = str(base)
    return subprocess.run(
        [sys.executable, "-m", "mlops_lint", "check", "--output-format", "concise", *args, "train.py"],
        cwd=tmp_path, capture_output=True, text=True, env=environment,
    )


def _files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.integration
def test_cli_caches_in_the_cache_folder_never_in_the_tree(tmp_path):
    tree, base = tmp_path / "tree", tmp_path / "user-cache"
    tree.mkdir()
    (tree / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tree / "train.py").write_text(LEAKY)
    uncached = _cli(tree, "--no-cache", base=base)
    assert not base.exists()
    cold, warm = _cli(tree, base=base), _cli(tree, base=base)
    assert uncached.stdout == cold.stdout == warm.stdout != ""
    assert _files_under(tree) == ["pyproject.toml", "train.py"]
    project = base / folder.project_name(tree)
    assert list(project.glob("results-*.json")) and list((base / "runs").glob("*.json"))
    assert oct(project.stat().st_mode & 0o777) == "0o700"
    elsewhere = tmp_path / "elsewhere"
    assert _cli(tree, "--cache-dir", str(elsewhere), base=base).stdout == cold.stdout
    assert list((elsewhere / folder.project_name(tree)).glob("results-*.json"))


def test_the_default_cache_folder_follows_xdg_and_home(tmp_path, monkeypatch):
    monkeypatch.delenv("MLOPS_LINT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert folder.base_folder() == tmp_path / "xdg" / "mlops-lint"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/xdg")  # invalid by the specification: ignored
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert folder.base_folder() == tmp_path / "home" / ".cache" / "mlops-lint"
    monkeypatch.setenv("MLOPS_LINT_CACHE_DIR", str(tmp_path / "chosen"))
    assert folder.base_folder() == tmp_path / "chosen"
    assert folder.base_folder(tmp_path / "explicit") == tmp_path / "explicit"


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
    written = time.time()
    for command in (["rules"], ["rule", "MLO101"]):
        assert not {"libcst", "multiprocessing", "mlops_lint.engine.parallel"} & _imported(tmp_path, *command), command
    # A file changed within SETTLE_SECONDS is not trusted by its signature: had the cold run seen it
    # unsettled and the warm run settled, the warm run would rightly rewrite the cache (and import
    # tempfile). Both runs see it settled, whatever the machine's speed.
    time.sleep(max(0.0, written + fingerprint.SETTLE_SECONDS + 0.5 - time.time()))
    cold = _imported(tmp_path, "check", "--output-format", "concise", "train.py")
    assert not {"libcst", "multiprocessing", "concurrent.futures", "unicodedata"} & cold
    warm = _imported(tmp_path, "check", "--output-format", "concise", "train.py")
    assert "mlops_lint.cache" in cold and not {"tempfile", "libcst", "multiprocessing"} & warm
