"""MLO106: the column a fit learns to predict is also among the features it is given.

Asks the dataflow's column facts (``Value.picked``, ``analysis/column_picks.py``) of each fit, search
fit and cross-validation that takes both ``X`` and ``y``: ``y`` is one column of a frame taken by
label, and ``X`` holds columns of the same frame (the same lineage) that include it, either the
column itself (taken by label, or every column but some that were dropped) or a column written from
it at the same row (a window or a ratio that includes the current value, without a lag). Both ends
are named: where the target is taken and where the features are taken or the column is written.
One finding per features-and-target pair, at the first fit that they reach.
"""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.arguments import argument
from mlops_lint.analysis.values import DataArg, Event, Picked, Value
from mlops_lint.catalog import ApiEntry
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule

_KINDS = ("fit", "search-fit", "cross-validate")


def _target_label(target: DataArg) -> tuple[str, Picked, ast.expr] | None:
    """The one column ``y`` is, its frame's facts and where it was taken."""
    picked = target.value.picked
    if picked is None or picked.labels is None or len(picked.labels) != 1 or picked.node is None:
        return None
    [label] = picked.labels
    return label, picked, picked.node


def _holds(features: Picked, label: str) -> bool:
    if features.labels is not None:
        return label in features.labels
    return features.whole and label not in features.dropped


def _built_from(features: Picked, label: str) -> tuple[str, ast.expr] | None:
    """The first feature column written from ``label`` at the same row, and where it was written."""
    for derivation in features.same_row:
        if label in derivation.reads and derivation.label != label and _holds(features, derivation.label):
            return derivation.label, derivation.write
    return None


def _source_of_target(features: Picked, target: Picked, label: str) -> tuple[str, ast.expr] | None:
    """A feature column the target was computed from at the same row (``df["log_price"] =
    np.log(df["price"])`` while the features keep ``price``), and where. A target that also shifts
    rows (``df["Close"].shift(-1) > df["Close"]``) is a forecasting label: today's value is a fair
    feature for it."""
    for derivation in target.same_row:
        if derivation.label == label and not derivation.shifted:
            source = next((read for read in sorted(derivation.reads) if read != label and _holds(features, read)), None)
            if source is not None:
                return source, derivation.write
    return None


def _estimator(module: AnalyzedModule, holder: ast.Call, entry: ApiEntry | None) -> Value | None:
    """The estimator a search or cross-validation call is given (its ``estimator-param``)."""
    if entry is None or entry.get("estimator-param") is None:
        return None
    node = argument(holder, entry.get("estimator-position"), entry.get("estimator-param"))
    return module.dataflow.value_of(node) if node is not None else None


def _picks_columns_itself(module: AnalyzedModule, event: Event) -> bool:
    """Whether what is trained is a pipeline or column transformer, which may select its own
    columns from a whole frame (``ColumnTransformer([...], remainder="drop")``): what reaches the
    model is then not known."""
    model: Value | None
    if event.kind == "cross-validate":
        model = _estimator(module, event.call, event.entry)
    else:
        model = event.receiver
        if model is not None and model.instance_of is not None and model.instance_of.role == "search" and model.made_by is not None:
            model = _estimator(module, model.made_by, model.instance_of)
    return model is None or (model.instance_of is not None and model.instance_of.role == "pipeline")


class TargetInFeatures(Rule):
    code = "MLO106"
    fields = ("target", "target_line", "features", "features_line", "how")
    related = ("target", "features")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        reported: set[tuple[int, int]] = set()
        for event in module.dataflow.events_of(*_KINDS):
            features = next((arg for arg in event.data if arg.name == "X"), None)
            target = next((arg for arg in event.data if arg.name == "y"), None)
            if features is None or target is None or features.value.picked is None:
                continue
            found = _target_label(target)
            if found is None:
                continue
            label, taken, taken_at = found
            picked = features.value.picked
            if picked.frame.isdisjoint(taken.frame):
                continue  # features and target of different frames
            # A frame as loaded (or after a pop) is named by the fit's argument, not by the loader call.
            loaded = isinstance(picked.node, ast.Call) and picked.node in picked.frame
            selection = picked.node if picked.node is not None and not loaded else features.node
            if _picks_columns_itself(module, event):
                continue
            if _holds(picked, label):
                how, where = f"holds the target column '{label}' itself", selection
            elif (built := _built_from(picked, label)) is not None:
                how, where = f"holds '{built[0]}', computed from the target column '{label}' at the same row", built[1]
            elif (source := _source_of_target(picked, taken, label)) is not None:
                how, where = f"holds '{source[0]}', from which the target column '{label}' is computed at the same row", source[1]
            else:
                continue
            key = (id(where), id(taken_at))
            if key in reported:
                continue
            reported.add(key)
            yield Finding(
                event.node,
                {"target": taken_at, "target_line": LineRef(taken_at), "features": selection,
                 "features_line": LineRef(where), "how": how},
                related=(("target", taken_at), ("features", where)),
            )
