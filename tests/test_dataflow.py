"""The dataflow layer's published facts: events, roles, lineage, fits and the derives-from query."""

from __future__ import annotations

import ast

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import TEST, TRAIN
from mlops_lint.catalog import load_catalog


def analyse(code: str) -> tuple[AnalyzedModule, dict[str, ast.Name]]:
    """The module and, per variable name, the Name node of its last assignment."""
    module = AnalyzedModule("example.py", code, ast.parse(code), load_catalog())
    targets = {node.id: node for node in ast.walk(module.tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    return module, targets


def value(code: str, name: str):
    module, targets = analyse(code)
    return module.dataflow.value_of(targets[name])


SPLIT = """
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
X_train, X_test, y_train, y_test = train_test_split(X, y)
scaler = StandardScaler().fit(X_train)
Xs_train = scaler.transform(X_train)
Xs_test = scaler.transform(X_test)
stacked = np.vstack([X_train, X_test])
"""


def test_train_test_split_outputs_alternate_train_and_test():
    assert [value(SPLIT, n).role for n in ("X_train", "X_test", "y_train", "y_test")] == [TRAIN, TEST, TRAIN, TEST]


def test_roles_survive_transforms_and_merge_when_stacked():
    assert value(SPLIT, "Xs_train").role == TRAIN
    assert value(SPLIT, "Xs_test").role == TEST
    stacked = value(SPLIT, "stacked")
    assert stacked.role is None and stacked.roles == {TRAIN, TEST}


def test_fit_on_training_split_is_recorded_with_its_data():
    module, _ = analyse(SPLIT)
    [fit] = module.dataflow.events_of("fit")
    assert fit.entry.qualname == "sklearn.preprocessing.StandardScaler"
    assert fit.fit.on_training_split and fit.node.lineno == 5
    assert [d.name for d in fit.data] == ["X"]
    transforms = module.dataflow.events_of("transform")
    assert [(t.node.lineno, t.data[0].value.role) for t in transforms] == [(6, TRAIN), (7, TEST)]


CV_LOOP = """
from sklearn.model_selection import KFold
for fold, (train_idx, test_idx) in enumerate(KFold(5).split(X, y)):
    X_tr = X.iloc[train_idx]
    X_te = X[test_idx]
    y_tr = y[train_idx]
"""


def test_cv_loop_indices_give_their_role_to_the_rows_they_pick():
    assert value(CV_LOOP, "X_tr").role == TRAIN
    assert value(CV_LOOP, "X_te").role == TEST
    assert value(CV_LOOP, "y_tr").role == TRAIN
    module, _ = analyse(CV_LOOP)
    [split] = module.dataflow.events_of("split")
    assert split.entry.role == "cv-splitter" and [d.name for d in split.data] == ["X", "y"]


def test_roles_flow_through_helper_functions_and_walrus():
    code = """
from sklearn.model_selection import train_test_split
def prepare(frame):
    return frame.dropna()
X_train, X_test = train_test_split(X)
clean_test = prepare(X_test)
if (clean_train := prepare(X_train)) is not None:
    pass
"""
    assert value(code, "clean_test").role == TEST
    assert value(code, "clean_train").role == TRAIN


def test_derives_from_call_query_sees_library_and_method_calls_upstream():
    code = """
import pandas as pd
df = pd.read_csv("sales.csv", parse_dates=["day"])
df["day"] = pd.to_datetime(df["day"])
lagged = df.sort_values("day").assign(prev=df["sales"].shift(1))
other = pd.read_csv("other.csv")
"""
    lagged = value(code, "lagged")
    assert lagged.derives_from("pandas.to_datetime") and lagged.derives_from(".shift")
    assert [n.lineno for n in lagged.calls_named(".sort_values")] == [5]
    other = value(code, "other")
    assert not other.derives_from("pandas.to_datetime")
    assert not other.shares_lineage(lagged)


def test_starred_unpacking_and_reloading_start_new_lineage():
    code = """
import pandas as pd
first, *middle, last = [a, b, c, d]
df = pd.read_csv("x.csv")
again = pd.read_csv("x.csv")
"""
    assert value(code, "first").sources == {("free", "a")}
    assert value(code, "middle").sources == {("free", "b"), ("free", "c")}
    assert value(code, "last").sources == {("free", "d")}
    assert not value(code, "df").shares_lineage(value(code, "again"))


def test_search_and_cross_validation_events_name_their_data():
    code = """
from sklearn.model_selection import GridSearchCV, cross_val_score
search = GridSearchCV(model, grid)
search.fit(X, y)
scores = cross_val_score(model, X=X, y=y, cv=5)
"""
    module, _ = analyse(code)
    flow = module.dataflow
    [search] = flow.events_of("search-fit")
    [cv] = flow.events_of("cross-validate")
    assert (search.node.lineno, [d.name for d in search.data]) == (4, ["X", "y"])
    assert (cv.node.lineno, [d.name for d in cv.data]) == (5, ["X", "y"])
    assert search.receiver.instance_of.role == "search"


def test_dataflow_is_computed_once_per_module():
    module, _ = analyse(SPLIT)
    assert module.dataflow is module.dataflow


def test_recursion_is_cut_off():
    code = """
def walk(x):
    return walk(x.child)
result = walk(tree)
"""
    assert value(code, "result").sources <= {("free", "tree")}


def test_expression_deeper_than_the_stack_publishes_nothing_instead_of_crashing():
    code = "from sklearn.model_selection import train_test_split\nx = " + " + ".join(["a"] * 900) + "\ntrain_test_split(x)\n"
    module, _ = analyse(code)
    assert module.dataflow.complete is False and module.dataflow.events == []


def test_fit_events_carry_keyword_values_with_their_roles():
    code = """
from sklearn.model_selection import train_test_split
X_train, X_test, y_train, y_test = train_test_split(X, y)
model = XGBClassifier()
model.fit(X_train, y_train, eval_set=[(X_test, y_test)])
model.fit(X_test, y_test)
"""
    module, _ = analyse(code)
    first, second = module.dataflow.events_of("fit")
    assert first.keywords["eval_set"].roles == {TEST}
    assert [d.value.role for d in first.data] == [TRAIN, TRAIN]
    assert [d.value.role for d in second.data] == [TEST, TEST] and second.entry is None


POSITIONAL = """
import numpy as np
n = int(len(data) * 0.6)
m = int(len(data) * 0.8)
train, valid, test = data[:n], data[n:m], data[m:]
early = frame.loc[frame.index < "2015"]
late = frame.loc[frame.index >= "2015"]
windows = [data[i - 5:i] for i in range(5, n)]
"""


def test_splits_by_position_or_mask_give_their_parts_roles_and_one_split_event():
    from mlops_lint.analysis.values import VALIDATION

    module, targets = analyse(POSITIONAL)
    flow = module.dataflow
    roles = {name: flow.value_of(targets[name]).role for name in ("train", "valid", "test", "early", "late")}
    assert roles == {"train": TRAIN, "valid": VALIDATION, "test": TEST, "early": TRAIN, "late": TEST}
    assert flow.value_of(targets["windows"]).roles == frozenset()
    by_slice, by_mask = flow.events_of("split")
    assert (by_slice.node.lineno, by_slice.entry, [arg.name for arg in by_slice.data]) == (5, None, ["data"])
    assert [(ast.unparse(node), role) for node, role in by_slice.parts] == [
        ("data[:n]", TRAIN), ("data[n:m]", VALIDATION), ("data[m:]", TEST)]
    assert [role for _, role in by_mask.parts] == [TRAIN, TEST] and by_mask.node.lineno == 6
    # every part carries the split's identity, its first part
    assert flow.value_of(targets["test"]).split_nodes == frozenset({by_slice.node})


METHODS = """
import pandas as pd

class Prep:
    def build(self, frame):
        self.learn(frame)
        scaled = frame / self.top
        return scaled

    def learn(self, frame):
        self.top = frame.max()

class Scaler:
    def fit(self, X):
        self.mean_ = X.mean()
        return self

    def fit_transform(self, X):
        return self.fit(X).transform(X)

def fill(frame, column):
    frame[column] = frame[column].fillna(frame[column].median())

def filled_copy(frame, column):
    frame = frame.copy()
    frame[column] = frame[column].fillna(0)
    return frame

raw = pd.read_csv("a.csv")
fill(raw, "a")
after_fill = raw
kept = pd.read_csv("b.csv")
filled_copy(kept, "a")
after_copy = kept
"""


def test_an_attribute_written_by_a_method_called_on_self_reaches_the_caller():
    module, targets = analyse(METHODS)
    assert {fit.kind for fit in module.dataflow.value_of(targets["scaled"]).fits} == {"statistic"}


def test_self_fit_in_a_user_written_transformer_stays_a_fit():
    module, _ = analyse(METHODS)
    assert [ast.unparse(event.node) for event in module.dataflow.events_of("fit")] == ["self.fit(X)"]


def test_a_helper_that_writes_into_its_parameter_changes_the_callers_frame_unless_it_rebinds_it():
    assert {fit.kind for fit in value(METHODS, "after_fill").fits} == {"statistic"}
    assert value(METHODS, "after_copy").fits == frozenset()


def test_the_names_each_function_rebinds_are_indexed_once_per_module_as_a_walk_of_it_finds_them():
    from mlops_lint.analysis.summaries import _rebound, _rebound_in

    module, _ = analyse('''
def outer(frame, rows, *, label):
    frame = frame.copy()
    def inner(values):
        rows = values
        return [total := v for v in values]
    for key, item in rows.items():
        label += key
    return lambda frame=(seen := 1): frame

class Model:
    async def fit(self, X):
        (self.X, y), z = X
        with open(X) as handle:
            del handle
''')
    functions = {node.name: node for node in ast.walk(module.tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    index = _rebound_in(module)
    assert index[functions["outer"]] == {"frame", "rows", "total", "v", "key", "item", "label", "seen"}
    assert index[functions["inner"]] == {"rows", "total", "v"}
    assert index[functions["fit"]] == {"y", "z", "handle"}
    for function in functions.values():
        assert index.get(function, frozenset()) == _rebound(function)
