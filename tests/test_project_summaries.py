"""Module summaries (project/summary.py, summarise.py) and the two pure steps (project/pipeline.py).

- A summary says what each function does to its parameters, through other modules too.
- Summaries go through JSON and back unchanged; a cache entry that is not exactly what this
  version writes is ignored, whatever it holds.
- With the summary cache, a changed helper is summarised again with the modules that import it,
  and nothing else (counted, not timed).
- Step 2 gives, for every project fixture, the findings ``mlops-lint check`` gives, from bytes
  alone: the project's folder is gone from disk when it runs.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlops_lint.cache.summaries import KIND, SummaryCache, summary_cache
from mlops_lint.catalog import load_catalog
from mlops_lint.catalog.locate import catalog_dir
from mlops_lint.project.pipeline import components, findings, gather, needed, summarise_project
from mlops_lint.project.summarise import summarise
from mlops_lint.project.summary import Effect, FunctionSummary, InvalidSummary, ModuleSummary, Returns, decode, encode
from mlops_lint.run import RunRequest, run

CATALOG = load_catalog()
PROJECTS = Path(__file__).parent / "fixtures" / "project"

UTILS = """\
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import accuracy_score


def split_data(X, y, shuffle=True):
    return train_test_split(X, y, shuffle=shuffle)


def scale(frame):
    return StandardScaler().fit_transform(frame)


def add_dates(df):
    df["date"] = pd.to_datetime(df["date"])
    return df


class DataUtils:
    def fit_scaler(self, X):
        self.scaler = StandardScaler().fit(X)
        return self.scaler

    @staticmethod
    def grade(y_true, y_pred):
        return accuracy_score(y_true, y_pred)
"""
FEATURES = """\
from utils import scale, split_data


def prepare(X, y):
    X = scale(X)
    return split_data(X, y, shuffle=False)
"""


def _write(root: Path, files: dict[str, str]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _effects(summary: ModuleSummary, name: str) -> set[tuple[str, tuple[str, ...], bool | None, str]]:
    function = summary.function(name)
    assert function is not None, [f.name for f in summary.functions]
    return {(e.kind, e.parameters, e.shuffle, e.through) for e in function.effects}


# --- what a summary says ------------------------------------------------------------------------
def test_a_summary_names_what_each_function_does_to_its_parameters():
    utils = summarise("utils.py", UTILS.encode(), package="", catalog=CATALOG)
    assert _effects(utils, "split_data") == {("split", ("X", "y"), True, "")}
    assert utils.function("split_data").effects[0].shuffle_parameter == "shuffle"  # type: ignore[union-attr]
    assert utils.function("split_data").returns.elements == (("train",), ("test",), ("train",), ("test",))  # type: ignore[union-attr]
    assert _effects(utils, "scale") == {("fit", ("frame",), None, ""), ("transform", ("frame",), None, "")}
    assert utils.function("scale").returns == Returns(("frame",), ("fit",), (), ())  # type: ignore[union-attr]
    assert _effects(utils, "add_dates") == {("time-evidence", ("df",), None, "")}
    assert _effects(utils, "DataUtils.fit_scaler") == {("fit", ("X",), None, "")}
    assert utils.function("DataUtils.fit_scaler").writes == ("self.scaler",)  # type: ignore[union-attr]
    assert _effects(utils, "DataUtils.grade") == {("evaluate", ("y_pred", "y_true"), None, "")}


def test_a_caller_applies_the_summary_of_a_function_of_another_module():
    utils = summarise("utils.py", UTILS.encode(), package="", catalog=CATALOG)
    features = summarise("features.py", FEATURES.encode(), {"utils": utils}, package="", catalog=CATALOG)
    assert _effects(features, "prepare") == {
        ("fit", ("X",), None, "utils.scale"),
        ("transform", ("X",), None, "utils.scale"),
        ("split", ("X", "y"), False, "utils.split_data"),  # the caller's shuffle=False decides
    }
    alone = summarise("features.py", FEATURES.encode(), package="", catalog=CATALOG)
    assert alone.function("prepare").effects == ()  # type: ignore[union-attr]  # unknown helpers: nothing claimed


def test_a_module_that_does_not_parse_has_an_incomplete_summary():
    summary = summarise("broken.py", b"def f(:\n", catalog=CATALOG)
    assert summary.complete is False and summary.functions == ()


# --- JSON ---------------------------------------------------------------------------------------
_names = st.text(alphabet="abcXy_.", min_size=1, max_size=8)
_tuples = st.lists(_names, max_size=3).map(tuple)
_roles = st.lists(st.sampled_from(["train", "test", "validation"]), max_size=2).map(tuple)
_effect = st.builds(Effect, st.sampled_from(["fit", "split", "log", "time-evidence"]), _names, _tuples,
                    st.integers(0, 10**6), st.sampled_from([None, True, False]), st.text(max_size=5), st.text(max_size=5))
_function = st.builds(FunctionSummary, _names, st.integers(0, 10**6), _tuples, st.lists(_effect, max_size=3).map(tuple),
                      st.builds(Returns, _tuples, _tuples, _roles, st.lists(_roles, max_size=3).map(tuple)), _tuples)
_module = st.builds(ModuleSummary, st.text(max_size=32), _tuples, st.lists(_function, max_size=3).map(tuple), st.booleans())


@given(_module)
def test_summaries_round_trip_through_json(summary):
    assert decode(json.loads(json.dumps(encode(summary)))) == summary
    assert pickle.loads(pickle.dumps(summary)) == summary


def test_real_summaries_round_trip_through_json():
    summary = summarise("utils.py", UTILS.encode(), package="", catalog=CATALOG)
    assert summary.functions and decode(json.loads(json.dumps(encode(summary)))) == summary


@pytest.mark.parametrize("change", [
    lambda d: d.update(format=2),
    lambda d: d.update(extra=1),
    lambda d: d.update(complete=1),
    lambda d: d.update(imports="utils"),
    lambda d: d["functions"][0].__setitem__(1, True),  # a bool for a line
    lambda d: d["functions"][0].__setitem__(1, -3),
    lambda d: d["functions"][0][3][0].__setitem__(0, "exec"),  # an effect this version does not know
    lambda d: d["functions"][0][3][0].__setitem__(4, "yes"),  # shuffle must be a bool or null
    lambda d: d["functions"][0][4].__setitem__(2, ["everything"]),  # a role that does not exist
    lambda d: d["functions"][0].append("more"),
    lambda d: d["functions"][0].__setitem__(0, {"__class__": "os.system"}),
])
def test_anything_but_what_encode_writes_is_refused(change):
    document = encode(summarise("utils.py", UTILS.encode(), package="", catalog=CATALOG))
    change(document)
    with pytest.raises(InvalidSummary):
        decode(document)


# --- the cache, and what a change re-analyses ----------------------------------------------------
HELPER = """\
from sklearn.preprocessing import StandardScaler
from imblearn.over_sampling import SMOTE


def prepare(X, y):
    return {body}
"""
MIDDLE = """\
from helper import prepare


def features(X, y):
    return prepare(X, y)
"""
TOP = """\
from middle import features


def run(X, y):
    return features(X, y)
"""
OTHER = """\
from sklearn.preprocessing import MinMaxScaler


def other(X):
    return MinMaxScaler().fit_transform(X)
"""
USES_OTHER = "from other import other\n\n\ndef go(X):\n    return other(X)\n"


def _project(root: Path, body: str) -> list[str]:
    _write(root, {"helper.py": HELPER.format(body=body), "middle.py": MIDDLE, "top.py": TOP,
                  "other.py": OTHER, "uses_other.py": USES_OTHER})
    return [str(root / name) for name in ("top.py", "uses_other.py")]


def _summarised(root: Path, files: list[str], cache_dir: Path) -> tuple[set[str], dict[str, ModuleSummary]]:
    cache = summary_cache(cache_dir, root, catalog_dir())
    assert cache is not None
    result = summarise_project(gather(files, given=[str(root)], catalog=CATALOG), cache, CATALOG)
    cache.save()
    return {Path(p).name for p in result.computed}, {Path(p).name: s for p, s in result.summaries.items()}


def test_a_changed_helper_is_summarised_again_with_its_dependents_and_nothing_else(tmp_path):
    root, cache = tmp_path / "project", tmp_path / "cache"
    files = _project(root, "StandardScaler().fit_transform(X)")
    computed, summaries = _summarised(root, files, cache)
    assert computed == {"helper.py", "middle.py", "top.py", "other.py", "uses_other.py"}
    assert _effects(summaries["top.py"], "run") >= {("fit", ("X",), None, "helper.prepare")}

    assert _summarised(root, files, cache)[0] == set()  # nothing changed: every summary from the cache

    (root / "helper.py").write_text(HELPER.format(body="SMOTE().fit_resample(X, y)"))
    computed, summaries = _summarised(root, files, cache)
    assert computed == {"helper.py", "middle.py", "top.py"}
    assert _effects(summaries["top.py"], "run") == {("resample", ("X",), None, "helper.prepare")}

    # An edit that leaves the helper's summary as it was: its dependents keep theirs.
    (root / "helper.py").write_text(HELPER.format(body="SMOTE().fit_resample(X, y)  # oversample"))
    assert _summarised(root, files, cache)[0] == {"helper.py"}


def test_an_import_cycle_reaches_a_fixpoint(tmp_path):
    root = tmp_path / "project"
    _write(root, {
        "a.py": "from sklearn.preprocessing import StandardScaler\nimport b\n\n\ndef fit(X):\n"
                "    return StandardScaler().fit_transform(X)\n\n\ndef call(X):\n    return b.go(X)\n",
        "b.py": "import a\n\n\ndef go(X):\n    return a.fit(X)\n",
    })
    sources = gather([str(root / "a.py")], given=[str(root)], catalog=CATALOG)
    assert [len(group) for group in components(sources)] == [2]
    result = summarise_project(sources, None, CATALOG)
    summaries = {Path(p).name: s for p, s in result.summaries.items()}
    assert _effects(summaries["b.py"], "go") == {("fit", ("X",), None, "a.fit"), ("transform", ("X",), None, "a.fit")}
    assert _effects(summaries["a.py"], "call") == {("fit", ("X",), None, "a.fit"), ("transform", ("X",), None, "a.fit")}


@pytest.mark.parametrize("content", [
    b"",
    b"\x00\xff not json",
    b'{"kind": "mlops-lint summaries"',
    b"[" * 100_000,
    json.dumps({"format": 1, "kind": KIND, "tool": "another tool", "modules": {}}).encode(),
    json.dumps({"format": 1, "kind": KIND, "tool": None, "modules": []}).encode(),
])
def test_a_corrupt_or_foreign_summary_cache_is_ignored(tmp_path, content):
    root, cache_dir = tmp_path / "project", tmp_path / "cache"
    files = _project(root, "StandardScaler().fit_transform(X)")
    first, expected = _summarised(root, files, cache_dir)
    cache_file = next(cache_dir.rglob("summaries.json"))
    cache_file.write_bytes(content)
    computed, summaries = _summarised(root, files, cache_dir)
    assert computed == first and summaries == expected


def test_a_hostile_entry_is_a_miss_and_the_others_are_still_used(tmp_path):
    root, cache_dir = tmp_path / "project", tmp_path / "cache"
    files = _project(root, "StandardScaler().fit_transform(X)")
    _, expected = _summarised(root, files, cache_dir)
    cache_file = next(cache_dir.rglob("summaries.json"))
    document = json.loads(cache_file.read_bytes())
    helper_digest = encode(expected["other.py"])["digest"]
    keys = [key for key, entry in document["modules"].items() if entry["digest"] == helper_digest]
    assert len(keys) == 1
    document["modules"][keys[0]] = {"format": 1, "digest": helper_digest, "imports": [], "complete": True,
                                    "functions": [["other", "1", [], [], [[], [], [], []], []]]}  # a line as text
    cache_file.write_text(json.dumps(document))
    computed, summaries = _summarised(root, files, cache_dir)
    assert computed == {"other.py"} and summaries == expected
    assert SummaryCache(cache_file, "x").get(keys[0]) is None  # another tool's file: nothing read


# --- step 2: findings from bytes ----------------------------------------------------------------
@pytest.mark.parametrize("folder", [pytest.param(f, id=f.name) for f in sorted(PROJECTS.iterdir()) if f.is_dir()])
def test_the_findings_step_gives_the_findings_of_a_run_from_bytes_alone(folder, tmp_path):
    code = folder.name.split("_", 1)[0]
    select = (code, "MLO001", "MLO002")
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy)
    files = sorted(str(p) for p in copy.rglob("*") if p.suffix in (".py", ".ipynb"))

    def seen(diagnostics, base):
        return sorted((d.code, os.path.relpath(d.location.path, base), d.location.start.line, d.message,
                       tuple((os.path.relpath(r.location.path, base), r.location.start.line) for r in d.related))
                      for d in diagnostics)

    expected = seen(run(RunRequest(paths=(str(copy),), select=select)), copy)
    sources = gather(files, given=[str(copy)], catalog=CATALOG)
    sources = pickle.loads(pickle.dumps(sources))  # what a worker of another machine would receive
    shutil.rmtree(copy)  # step 2 reads nothing from disk
    found = [d for m in sources.modules
             for d in findings(m.path, m.data, needed(m.path, sources), sources.root, select, CATALOG)]
    assert expected and seen(found, copy) == expected


def test_a_results_index_nested_beyond_the_parser_stack_is_a_miss(tmp_path):
    from mlops_lint.cache.results import LintCache

    index = tmp_path / "results-x.json"
    index.write_bytes(b"[" * 100_000)
    assert LintCache(index, "tool").entries == {}


# --- the command line ---------------------------------------------------------------------------
def test_the_summarise_command_prints_summaries_and_reuses_them(tmp_path):
    from harness import run_cli

    root, cache = tmp_path / "project", tmp_path / "cache"
    _project(root, "StandardScaler().fit_transform(X)")
    first = run_cli("summarise", "--cache-dir", str(cache), ".", cwd=root)
    assert first.returncode == 0, first.stderr
    assert "Summarised 5 of 5 modules." in first.stderr
    modules = json.loads(first.stdout)["modules"]
    assert sorted(modules) == ["helper.py", "middle.py", "other.py", "top.py", "uses_other.py"]
    (run,) = modules["top.py"]["functions"]
    assert (run["name"], run["parameters"]) == ("run", ["X", "y"])
    assert {(e["kind"], tuple(e["parameters"]), e["through"]) for e in run["effects"]} == {
        ("fit", ("X",), "helper.prepare"), ("transform", ("X",), "helper.prepare")}

    (root / "other.py").write_text(OTHER.replace("MinMaxScaler()", "MinMaxScaler(clip=True)"))
    again = run_cli("summarise", "--cache-dir", str(cache), ".", cwd=root)
    assert "Summarised 1 of 5 modules (the others unchanged since the last run)." in again.stderr
    assert json.loads(again.stdout) == json.loads(first.stdout) | {"modules": {
        **modules, "other.py": json.loads(again.stdout)["modules"]["other.py"]}}
    assert "Summarised 5 of 5 modules." in run_cli("summarise", "--no-cache", ".", cwd=root).stderr


@pytest.mark.integration
def test_summaries_are_the_same_whatever_the_hash_seed(tmp_path):
    """Content-addressed summaries must not depend on set order: two processes, two hash seeds."""
    import subprocess
    import sys

    root = tmp_path / "project"
    _write(root, {"utils.py": UTILS, "features.py": FEATURES, "cycle_a.py": "import cycle_b\n", "cycle_b.py": "import cycle_a\n"})
    outputs = [
        subprocess.run([sys.executable, "-m", "mlops_lint", "summarise", "--no-cache", "."], cwd=root,
                       capture_output=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    ]
    assert outputs[0] == outputs[1] and b'"through": "utils.scale"' in outputs[0]
