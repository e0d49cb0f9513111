"""Which values are the test set: the test part of a split of data that is not itself training data.

``X_a, X_b = train_test_split(X_train)`` splits the training set again: ``X_b`` carries the test role
but is a validation set (for early stopping, calibration, stacking), which is the safe practice the
MLO2xx rules recommend. Only test parts of other splits count as the test set.
"""

from __future__ import annotations

import ast

from mlops_lint.analysis.dataflow import DataFlow
from mlops_lint.analysis.values import TEST, TRAIN, Value


def validation_splits(flow: DataFlow) -> frozenset[ast.Call]:
    """Split calls whose data is (partly) the training part of an earlier split."""
    return frozenset(event.call for event in flow.events_of("split") if any(arg.value.has_role(TRAIN) for arg in event.data))


def test_split(value: Value, validation: frozenset[ast.Call], only: bool = True) -> ast.Call | None:
    """The first split whose test part ``value`` is (``only``: test alone, else at least partly)."""
    if (value.roles != frozenset({TEST})) if only else not value.has_role(TEST):
        return None
    splits = value.split_nodes - validation
    return min(splits, key=lambda node: (node.lineno, node.col_offset)) if splits else None
