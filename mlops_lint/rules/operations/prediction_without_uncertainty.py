"""MLO603: a probabilistic classifier's hard predict() is the decision a module hands out.

A question to the dataflow: which hard predictions (catalog ``prediction`` with ``hard``) of an
object the dataflow knows to be a ``probabilistic`` classifier reach a ``return`` or a sink's
data. A module that uses scores or probabilities anywhere (``uncertainty``) is left alone.
"""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.catalog import ApiEntry
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.shapes import enclosing_statement, in_source_order, sink_values


def _classifier(module: AnalyzedModule, call: ast.Call) -> ApiEntry | None:
    """The probabilistic classifier a prediction is made with, when the dataflow knows it."""
    if not isinstance(call.func, ast.Attribute):
        return None
    entry = module.dataflow.value_of(call.func.value).instance_of
    return entry if entry is not None and entry.get("probabilistic") else None


class PredictionWithoutUncertainty(Rule):
    code = "MLO603"
    fields = ("classifier", "line")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        predictions = module.calls_with_role("prediction")
        if any(entry.get("uncertainty") for _, entry in predictions):
            return  # the module already uses scores or probabilities somewhere
        hard = {call: classifier for call, entry in predictions if entry.get("hard") and (classifier := _classifier(module, call))}
        if not hard:
            return
        reported: set[ast.Call] = set()
        for event in module.dataflow.events_of("return", "call"):
            if event.kind == "call" and (event.entry is None or event.entry.role != "sink"):
                continue
            values = sink_values(event) if event.kind == "call" else [arg.value for arg in event.data]
            found = {node for value in values for _, node in value.calls if node in hard and node not in reported}
            for call in in_source_order(found):
                reported.add(call)
                yield Finding(call, {"classifier": hard[call], "line": LineRef(enclosing_statement(module, event.node))})
