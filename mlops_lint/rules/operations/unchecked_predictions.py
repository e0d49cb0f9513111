"""MLO601: predictions flow to a sink (file, database, HTTP, response) with no check in between."""

from __future__ import annotations

import ast
from typing import Callable, Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.walk import walk
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.local_flow import Origin, ScopeFlow, scopes_in_order
from mlops_lint.rules.shapes import calls_with_role, sink_data


def is_metric(module: AnalyzedModule, call: ast.Call) -> bool:
    entry = module.callee(call)
    return entry is not None and entry.role == "metric"


def is_prediction(module: AnalyzedModule, call: ast.Call) -> bool:
    entry = module.callee(call)
    return entry is not None and entry.role == "prediction"


def looked_at(module: AnalyzedModule, statement: ast.stmt) -> list[ast.AST]:
    """Parts of a statement that look at values: asserts, comparisons, check calls, ``.dtypes``."""
    parts: list[ast.AST] = []
    if isinstance(statement, ast.Assert):
        parts.append(statement.test)
    for node in walk(statement):
        if isinstance(node, ast.Compare):
            parts.append(node)
        elif isinstance(node, ast.Attribute) and node.attr == "dtypes":
            parts.append(node.value)
    parts.extend(call for call, _ in calls_with_role(module, statement, "data-check"))
    parts.extend(call for call, entry in calls_with_role(module, statement, "recorder") if entry.get("checks-values"))
    return parts


def mark_checked(flow: ScopeFlow, parts: list[ast.AST], is_source: Callable[[ast.Call], bool]) -> None:
    """Every origin a checked part carries has now been looked at (``np.clip(model.predict(X))`` too)."""
    for part in parts:
        for origin in flow.origins(part, is_source):
            origin.checked = True


class UncheckedPredictions(Rule):
    code = "MLO601"
    fields = ("sink", "line")
    related = ("prediction",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        def source(call: ast.Call) -> bool:
            return is_prediction(module, call)

        for statements, flow in scopes_in_order(module, opaque=lambda call: is_metric(module, call)):
            for statement in statements:
                mark_checked(flow, looked_at(module, statement), source)
                for call, entry in calls_with_role(module, statement, "sink"):
                    unchecked = [o for o in flow.origins(sink_data(call, entry), source) if not o.checked]
                    if unchecked:
                        first: Origin = min(unchecked, key=lambda o: (o.call.lineno, o.call.col_offset))
                        yield Finding(
                            call,
                            {"sink": entry, "line": LineRef(first.call)},
                            related=(("prediction", first.call),),
                        )
                flow.bind(statement, source)
