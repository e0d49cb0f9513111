"""MLO603: a probabilistic classifier's hard predict() is the decision a module hands out."""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.catalog import ApiEntry
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.local_flow import scopes_in_order
from mlops_lint.rules.operations.unchecked_predictions import is_metric
from mlops_lint.rules.shapes import calls_with_role, instance_entries, sink_data


def _classifier(module: AnalyzedModule, receiver: ast.expr) -> ApiEntry | None:
    """The probabilistic classifier a receiver is, when the module shows it (else None)."""
    while isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute) and receiver.func.attr == "fit":
        receiver = receiver.func.value
    if isinstance(receiver, ast.Name):
        entry = instance_entries(module).get(receiver.id)
    else:
        entry = module.callee(receiver) if isinstance(receiver, ast.Call) else None
    return entry if entry is not None and entry.get("probabilistic") else None


class PredictionWithoutUncertainty(Rule):
    code = "MLO603"
    fields = ("classifier", "line")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        predictions = list(calls_with_role(module, module.tree, "prediction"))
        if any(entry.get("uncertainty") for _, entry in predictions):
            return  # the module already uses scores or probabilities somewhere

        def source(call: ast.Call) -> bool:
            entry = module.callee(call)
            return (
                entry is not None and entry.role == "prediction" and bool(entry.get("hard"))
                and isinstance(call.func, ast.Attribute) and _classifier(module, call.func.value) is not None
            )

        reported: set[int] = set()
        for statements, flow in scopes_in_order(module, opaque=lambda call: is_metric(module, call)):
            for statement in statements:
                outputs = [statement.value] if isinstance(statement, ast.Return) else []
                outputs += [sink_data(call, entry) for call, entry in calls_with_role(module, statement, "sink")]
                for output in outputs:
                    for origin in sorted(flow.origins(output, source), key=lambda o: (o.call.lineno, o.call.col_offset)):
                        if id(origin.call) in reported:
                            continue
                        reported.add(id(origin.call))
                        classifier = _classifier(module, origin.call.func.value)
                        yield Finding(origin.call, {"classifier": classifier, "line": LineRef(statement)})
                flow.bind(statement, source)
