"""Where a module grades a model: metric calls, ``.score``/``.evaluate`` and predictions, with the data.

Shared by MLO203 and MLO204. Which functions are metrics and which model methods grade or predict
is catalog data (rules/api/evaluation.toml): roles ``metric``, ``model-score`` and ``prediction``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import TEST, TRAIN, Value
from mlops_lint.catalog import ApiEntry

# What a model method's catalog role makes of its call.
_METHOD_KINDS = {"metric": "score", "model-score": "score", "prediction": "predict"}
_ROLES = tuple(_METHOD_KINDS)


@dataclass(frozen=True)
class Evaluation:
    """One call that grades (``kind`` "metric"/"score") or predicts (``kind`` "predict")."""

    node: ast.Call
    kind: str
    data: tuple[tuple[ast.expr, Value], ...]

    @property
    def on_training_data(self) -> bool:
        """Every data argument is the training part of a split."""
        return bool(self.data) and all(value.roles == frozenset({TRAIN}) for _, value in self.data)

    @property
    def on_test_data(self) -> bool:
        return any(value.has_role(TEST) for _, value in self.data)

    def first_train_arg(self) -> tuple[ast.expr, Value] | None:
        return next((pair for pair in self.data if pair[1].has_role(TRAIN)), None)


def _kind(entry: ApiEntry) -> str | None:
    """"metric" for a metric function; "score"/"predict" for a model method that grades or predicts."""
    if "receiver" in entry.facts:
        return _METHOD_KINDS.get(entry.role)
    return "metric" if entry.role == "metric" else None


def evaluations(module: AnalyzedModule) -> tuple[Evaluation, ...]:
    """Every grading or predicting call of the module, in source order."""
    flow = module.dataflow
    found = []
    for node, entry in module.calls_with_role(*_ROLES):
        kind = _kind(entry)
        if kind is None:
            continue
        arguments = [a for a in node.args if not isinstance(a, ast.Starred)] + [k.value for k in node.keywords if k.arg]
        data = tuple((a, flow.value_of(a)) for a in arguments if flow.value_of(a).sources)
        found.append(Evaluation(node, kind, data))
    return tuple(sorted(found, key=lambda e: (e.node.lineno, e.node.col_offset)))


def validation_params(module: AnalyzedModule) -> frozenset[str]:
    """Keyword arguments of a fit that hold held-out data (``eval_set``, ``validation_data``): catalog data."""
    return module.catalog.fact_values.get("validation-params", frozenset())
