"""MLO201: a value that is the test part of a split is passed to a fit, fit_resample or a search's fit.

Only values whose role is test alone count: data mixing both parts (``np.vstack([X_train,
X_test])`` for a final refit on everything) is not a test set any more, and the second part of a
split of training data is a validation set (``held_out.py``).
"""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.exam.held_out import test_split, validation_splits

_KINDS = ("fit", "search-fit", "resample")


class TestDataInFit(Rule):
    code = "MLO201"
    fields = ("var", "method", "split_line")
    related = ("split",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        flow = module.dataflow
        validation = validation_splits(flow)
        for event in flow.events_of(*_KINDS):
            if event.fit is not None and event.fit.kind == "select":
                continue  # a score function called on data, not a model trained on it
            for arg in event.data:
                split = test_split(arg.value, validation)
                if split is None:
                    continue
                method = event.call.func.attr if isinstance(event.call.func, ast.Attribute) else "fit"
                yield Finding(
                    event.node,
                    {"var": arg.node, "method": method, "split_line": LineRef(split)},
                    related=(("split", split),),
                )
                break
