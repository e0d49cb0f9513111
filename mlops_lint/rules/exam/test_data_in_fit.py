"""MLO201: a value that is the test part of a split is passed to a fit, fit_resample or a search's fit.

Only values whose role is test alone count: data mixing both parts (``np.vstack([X_train,
X_test])`` for a final refit on everything) is not a test set any more. The second part of a split
of training data (``X_a, X_b = train_test_split(X_train)``) is a held-out part of the training
set, used to fit a second stage (stacking, calibration): not the test set.
"""

from __future__ import annotations

from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import TEST, TRAIN
from mlops_lint.engine.rule import Finding, Rule
from mlops_lint.rules.leakage.before_split import spelling

_KINDS = ("fit", "search-fit", "resample")


class TestDataInFit(Rule):
    code = "MLO201"

    def check(self, module: AnalyzedModule) -> Iterator[Finding]:
        flow = module.dataflow
        splits_of_training_data = {
            event.node for event in flow.events_of("split") if any(arg.value.has_role(TRAIN) for arg in event.data)
        }
        for event in flow.events_of(*_KINDS):
            if event.fit is not None and event.fit.kind == "select":
                continue  # a score function called on data, not a model trained on it
            for arg in event.data:
                if arg.value.roles != frozenset({TEST}) or not arg.value.split_nodes - splits_of_training_data:
                    continue
                split = min(arg.value.split_nodes, key=lambda node: (node.lineno, node.col_offset))
                method = event.node.func.attr if hasattr(event.node.func, "attr") else "fit"
                yield Finding(
                    event.node,
                    {
                        "var": spelling(arg.node),
                        "method": method,
                        "split_line": module.line_label(split.lineno),
                    },
                    related=(("split", split),),
                )
                break
