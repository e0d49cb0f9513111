"""MLO503: data is loaded and passed to fit without any check on it in between."""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.local_flow import scopes_in_order
from mlops_lint.rules.operations.unchecked_predictions import looked_at, mark_checked
from mlops_lint.rules.shapes import calls
from mlops_lint.rules.strings import opens_for_writing

_TRAINING_METHODS = frozenset({"fit", "partial_fit", "fit_transform"})


class UnvalidatedTrainingData(Rule):
    code = "MLO503"
    fields = ("reader", "line")
    related = ("load",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        def source(call: ast.Call) -> bool:
            entry = module.callee(call)
            return entry is not None and entry.role == "loader" and not opens_for_writing(call, entry)

        for statements, flow in scopes_in_order(module):
            reported: set[int] = set()
            for statement in statements:
                mark_checked(flow, looked_at(module, statement), source)
                for call in calls(statement):
                    if not (isinstance(call.func, ast.Attribute) and call.func.attr in _TRAINING_METHODS):
                        continue
                    data = ast.Tuple(elts=[*call.args, *(kw.value for kw in call.keywords)], ctx=ast.Load())
                    unchecked = [o for o in flow.origins(data, source) if not o.checked and id(o) not in reported]
                    if unchecked:
                        first = min(unchecked, key=lambda o: (o.call.lineno, o.call.col_offset))
                        reported.update(id(o) for o in unchecked)
                        yield Finding(
                            call,
                            {"reader": module.callee(first.call), "line": LineRef(first.call)},
                            related=(("load", first.call),),
                        )
                flow.bind(statement, source)
