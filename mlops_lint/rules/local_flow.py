"""Which names in one scope hold values derived from chosen source calls, in statement order.

A deliberately small, local stand-in used by MLO503, MLO601 and MLO603: ``y = model.predict(X)``
makes ``y`` a holder of that prediction, ``out = y * 2`` makes ``out`` one too, rebinding a name
to something else drops it. Values are not followed into other functions, through containers
mutated in place, or across modules. This should move onto the dataflow layer (module.dataflow)
once it lands on main; the rules then keep their checks and sinks and drop this module.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Callable, Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.rules.shapes import assigned_names, scope_bodies, statements_in_order


@dataclass(eq=False)
class Origin:
    """One source call (a read, a prediction) and whether a check has looked at its values since."""

    call: ast.Call
    checked: bool = False


def _never(call: ast.Call) -> bool:
    return False


@dataclass
class ScopeFlow:
    holders: dict[str, set[Origin]] = field(default_factory=dict)
    opaque: Callable[[ast.Call], bool] = _never
    by_call: dict[int, Origin] = field(default_factory=dict)  # one Origin per source call, so checks stick

    def origins(self, node: ast.AST | None, is_source: Callable[[ast.Call], bool]) -> set[Origin]:
        """Origins an expression carries: names holding them, and source calls inside it.

        Calls for which ``self.opaque`` holds (a metric: its result is a score, not the data it
        scored) carry nothing of their arguments.
        """
        found: set[Origin] = set()
        if node is None:
            return found
        if isinstance(node, ast.Call) and self.opaque(node):
            return found
        if isinstance(node, ast.Name):
            return set(self.holders.get(node.id, set()))
        if isinstance(node, ast.Call) and is_source(node):
            found.add(self._origin_for(node))
        for child in ast.iter_child_nodes(node):
            found |= self.origins(child, is_source)
        return found

    def _origin_for(self, call: ast.Call) -> Origin:
        if id(call) not in self.by_call:
            self.by_call[id(call)] = Origin(call)
        return self.by_call[id(call)]

    def bind(self, statement: ast.stmt, is_source: Callable[[ast.Call], bool]) -> None:
        """After a statement runs: its targets hold what its value carries (or nothing)."""
        value = getattr(statement, "value", None)
        carried = self.origins(value, is_source) if value is not None else set()
        if isinstance(statement, ast.AugAssign):
            carried |= self.origins(statement.target, is_source)
        for name in assigned_names(statement):
            if carried:
                self.holders[name] = set(carried)
            else:
                self.holders.pop(name, None)


def scopes_in_order(
    module: AnalyzedModule, opaque: Callable[[ast.Call], bool] = _never
) -> Iterator[tuple[list[ast.stmt], ScopeFlow]]:
    """Each scope's simple statements in order, with a fresh flow to follow names through them."""
    for body in scope_bodies(module):
        yield list(statements_in_order(body)), ScopeFlow(opaque=opaque)
