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
from dataclasses import dataclass
from typing import Iterator, Mapping

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.time_order import look_ahead, time_evidence
from mlops_lint.analysis.values import DataArg
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule


@dataclass(frozen=True)
class _Assignments:
    """The module's plain assignments, indexed once: each call's enclosing ``x = ...`` statement is
    found by climbing its parents, and each variable's definitions by name (walking the module once
    per feature made the rule quadratic in the module's length)."""

    parents: Mapping[ast.AST, ast.AST]
    definitions: Mapping[str, tuple[str, ...]]  # variable -> the source of each value assigned to it

    @classmethod
    def of(cls, module: AnalyzedModule) -> _Assignments:
        definitions: dict[str, list[str]] = {}
        for node in module.nodes_of(ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if names:
                text = ast.unparse(node.value)
                for name in names:
                    definitions.setdefault(name, []).append(text)
        return cls(module.parents, {name: tuple(texts) for name, texts in definitions.items()})

    def written_to(self, call: ast.Call) -> str | None:
        """The column key or variable name the look-ahead call's result is assigned to."""
        child: ast.AST = call
        parent = self.parents.get(child)
        while parent is not None and not isinstance(parent, ast.stmt):
            child, parent = parent, self.parents.get(parent)
        if not isinstance(parent, ast.Assign) or child is not parent.value or len(parent.targets) != 1:
            return None
        target = parent.targets[0]
        if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
            return str(target.slice.value)
        return target.id if isinstance(target, ast.Name) else None

    def mentions(self, expr: ast.expr, name: str) -> bool:
        """``expr`` (or the assignments defining the variable it names) spells ``name``."""
        texts = [ast.unparse(expr)]
        if isinstance(expr, ast.Name):
            texts += self.definitions.get(expr.id, ())
        return any(repr(name) in text or f'"{name}"' in text or name == text for text in texts)


def _builds_target(assignments: _Assignments, call: ast.Call, target: DataArg | None) -> bool:
    if target is None or not any(node is call for _, node in target.value.calls):
        return False
    written = assignments.written_to(call)
    return written is None or assignments.mentions(target.node, written)


class LookAheadFeature(Rule):
    code = "MLO105"
    fields = ("call", "fit_line")
    related = ("fit",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        reported: set[ast.Call] = set()
        assignments: _Assignments | None = None
        for event in module.dataflow.events_of("fit", "search-fit"):
            features = next((arg for arg in event.data if arg.name == "X"), None)
            target = next((arg for arg in event.data if arg.name == "y"), None)
            if features is None:
                continue
            ordered = time_evidence(module, features.value)
            for found in look_ahead(module, features.value):
                if found.node in reported:
                    continue
                if assignments is None:
                    assignments = _Assignments.of(module)
                if _builds_target(assignments, found.node, target):
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
