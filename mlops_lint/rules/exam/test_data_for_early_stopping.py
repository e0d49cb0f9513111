"""MLO202: the test set given to training as validation data (``eval_set=``, ``validation_data=``).

The keyword arguments that take validation data are catalog facts (``validation-params``) of the
model's class or of a training function. A fit on an object the catalog does not know (a subclassed
keras model) is checked against every ``validation-params`` name of the catalog: such a keyword
holding the test part of a split is unambiguous enough.
"""

from __future__ import annotations

import ast
from typing import Iterator, Mapping

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import Value
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.exam.evaluations import validation_params
from mlops_lint.rules.exam.held_out import test_split, validation_splits


def _training_calls(module: AnalyzedModule) -> Iterator[tuple[ast.Call, list[str], Mapping[str | None, Value]]]:
    """(call, validation keywords, keyword values) of every fit and training-function call."""
    flow = module.dataflow
    every = sorted(validation_params(module))
    for event in flow.events_of("fit", "search-fit"):
        entry = event.receiver.instance_of if event.receiver is not None else None
        params = entry.get("validation-params", []) if entry is not None else every
        yield event.call, params, event.keywords
    for node, entry in module.calls_with_role("training-function"):
        values: dict[str | None, Value] = {k.arg: flow.value_of(k.value) for k in node.keywords if k.arg}
        yield node, entry.get("validation-params", []), values


class TestDataForEarlyStopping(Rule):
    code = "MLO202"
    fields = ("var", "param", "split_line")
    related = ("split",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        validation = validation_splits(module.dataflow)
        for call, params, keywords in _training_calls(module):
            for param in params:
                value = keywords.get(param)
                split = test_split(value, validation, only=False) if value is not None else None
                if split is None:
                    continue
                node = next(k.value for k in call.keywords if k.arg == param)
                yield Finding(
                    call,
                    {"var": node, "param": param, "split_line": LineRef(split)},
                    related=(("split", split),),
                )
                break
