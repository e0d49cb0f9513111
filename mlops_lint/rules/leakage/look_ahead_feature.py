"""MLO105: a feature built from later rows of time-ordered data reaches a model's fit.

Look-ahead calls are catalog facts (``time_order.look_ahead``: ``shift`` with a negative period,
``rolling(center=True)``, backward fills). The same call upstream of the fit's target is how a
forecasting label is built (``df["next"] = df["close"].shift(-1)``): silent. Since a column write
updates the whole frame in the dataflow, "upstream of the target" is confirmed by name: the column
or variable the call is written to is mentioned by the target expression or by its definition. A
backward fill counts only when the data shows other evidence of time order.
"""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.time_order import look_ahead, time_evidence
from mlops_lint.analysis.values import DataArg
from mlops_lint.analysis.walk import walk
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule


def _written_to(tree: ast.Module, call: ast.Call) -> str | None:
    """The column key or variable name the look-ahead call's result is assigned to."""
    for node in walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and any(n is call for n in walk(node.value)):
            target = node.targets[0]
            if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
                return str(target.slice.value)
            return target.id if isinstance(target, ast.Name) else None
    return None


def _mentions(tree: ast.Module, expr: ast.expr, name: str) -> bool:
    """``expr`` (or the assignments defining the variable it names) spells ``name``."""
    texts = [ast.unparse(expr)]
    if isinstance(expr, ast.Name):
        texts += [
            ast.unparse(node.value) for node in walk(tree)
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == expr.id for t in node.targets)
        ]
    return any(repr(name) in text or f'"{name}"' in text or name == text for text in texts)


def _builds_target(module: AnalyzedModule, call: ast.Call, target: DataArg | None) -> bool:
    if target is None or not any(node is call for _, node in target.value.calls):
        return False
    written = _written_to(module.tree, call)
    return written is None or _mentions(module.tree, target.node, written)


class LookAheadFeature(Rule):
    code = "MLO105"
    fields = ("call", "fit_line")
    related = ("fit",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        reported: set[ast.Call] = set()
        for event in module.dataflow.events_of("fit", "search-fit"):
            features = next((arg for arg in event.data if arg.name == "X"), None)
            target = next((arg for arg in event.data if arg.name == "y"), None)
            if features is None:
                continue
            ordered = time_evidence(module, features.value)
            for found in look_ahead(module, features.value):
                if found.node in reported or _builds_target(module, found.node, target):
                    continue
                # A backward fill reads later rows only on ordered data; a lag or window is itself evidence.
                entry = module.callee(found.node)
                if entry is not None and entry.role != "time-evidence" and not ordered:
                    continue
                reported.add(found.node)
                yield Finding(
                    found.node,
                    {"call": found.label, "fit_line": LineRef(event.node)},
                    related=(("fit", event.node),),
                )
