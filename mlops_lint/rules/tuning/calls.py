"""Call-level facts shared by the MLO3xx rules: names bound to calls, global seeding, training.

Values are followed by name only, module-wide, to the assignment closest before a use: a small, local
stand-in for the dataflow layer's lineage, which these rules should move onto once it lands.
"""

from __future__ import annotations

import ast
import bisect
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.names import dotted_name
from mlops_lint.catalog import ApiEntry
from mlops_lint.rules.shapes import calls

@dataclass(frozen=True)
class Binding:
    line: int
    value: ast.expr


class Bindings:
    """Name (or dotted attribute such as ``self.opt``) → the values assigned to it, in line order."""

    def __init__(self, nodes: Iterable[ast.AST]) -> None:
        self._by_name: dict[str, list[Binding]] = {}
        for node in nodes:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    self._bind(target, node.value, node.lineno)
            elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
                self._bind(node.target, node.value, node.lineno)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        self._bind(item.optional_vars, item.context_expr, node.lineno)
        for bindings in self._by_name.values():
            bindings.sort(key=lambda b: b.line)

    def _bind(self, target: ast.AST, value: ast.expr, line: int) -> None:
        name = dotted_name(target)
        if name is not None:
            self._by_name.setdefault(name, []).append(Binding(line, value))

    def all(self, name: str) -> list[Binding]:
        return self._by_name.get(name, [])

    def before(self, name: str, line: int) -> ast.expr | None:
        """The value last assigned to ``name`` before ``line`` (or on it, for ``x = f(x)``-free uses)."""
        bindings = self._by_name.get(name, [])
        index = bisect.bisect_right(bindings, line, key=lambda b: b.line) - 1
        return bindings[index].value if index >= 0 else None


class CallFacts:
    """Per-module facts the MLO3xx rules share: every call with its catalog entry, bindings, training.

    Built once per module and shared by the rules (``facts_for``): each rule would otherwise walk the
    tree again for the same answers.
    """

    def __init__(self, module: AnalyzedModule) -> None:
        self.module = module
        self._methods_by_name: dict[str, set[str]] = {}

    @cached_property
    def calls(self) -> list[ast.Call]:
        """Every call of the module in source order."""
        return sorted(self.module.nodes_of(ast.Call), key=lambda c: (c.lineno, c.col_offset))

    @cached_property
    def _catalog_calls(self) -> list[tuple[ast.Call, ApiEntry]]:
        return sorted(self.module.resolver.resolved_calls, key=lambda pair: (pair[0].lineno, pair[0].col_offset))

    def catalog_calls(self) -> Iterator[tuple[ast.Call, ApiEntry]]:
        """Calls the catalog knows, in source order."""
        yield from self._catalog_calls

    @cached_property
    def bindings(self) -> Bindings:
        return Bindings(self.module.nodes_of(ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.With, ast.AsyncWith))

    def resolve_call(self, expr: ast.AST | None, line: int, depth: int = 0) -> tuple[ast.Call, ApiEntry] | None:
        """The catalog call an expression is, directly or through the name it was last assigned to."""
        if expr is None or depth > 5:
            return None
        if isinstance(expr, ast.Call):
            entry = self.module.callee(expr)
            return (expr, entry) if entry is not None else None
        name = dotted_name(expr)
        if name is None:
            return None
        return self.resolve_call(self.bindings.before(name, line), line, depth + 1)

    @cached_property
    def globally_seeded(self) -> frozenset[str]:
        """Frameworks whose global generator a seed-setter call in the module seeds."""
        seeds: set[str] = set()
        for _, entry in self.catalog_calls():
            if entry.role == "seed-setter":
                seeds.update(entry.get("seeds", ()))
        if any(self._own_seed_helper(call) for call in self.calls):
            # set_seed(args.seed) from the project's own utils: we cannot see what it seeds, so assume all.
            seeds.update(s for entry in self.module.catalog.apis_with_role("seed-setter") for s in entry.get("seeds", ()))
        return frozenset(seeds)

    def _own_seed_helper(self, call: ast.Call) -> bool:
        """A call the catalog does not know whose name says it seeds (``set_seed``, ``utils.fix_seeds``)."""
        if self.module.callee(call) is not None:
            return False
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        return "seed" in name.lower()

    @cached_property
    def training_call(self) -> ast.Call | None:
        """The first call that trains a model: ``recv.m(...)`` where recv holds an API whose ``trains`` lists m."""
        return next((call for call in self.calls if self._trains(call)), None)

    def _training_methods(self, value: ast.AST) -> set[str]:
        # A wrapper (Pipeline, make_pipeline, CalibratedClassifierCV …) trains what it wraps.
        methods: set[str] = set()
        for inner in calls(value):
            entry = self.module.callee(inner)
            if entry is not None:
                methods.update(entry.get("trains", ()))
        return methods

    def _methods_of(self, name: str) -> set[str]:
        """The training methods of whatever was ever assigned to ``name`` (module-wide), worked
        out only for names a method is called on: most assigned names never are."""
        methods = self._methods_by_name.get(name)
        if methods is None:
            methods = {method for binding in self.bindings.all(name) for method in self._training_methods(binding.value)}
            self._methods_by_name[name] = methods
        return methods

    def _trains(self, call: ast.Call) -> bool:
        func = call.func
        if not isinstance(func, ast.Attribute):
            return False
        name = dotted_name(func.value)
        if name is not None:
            return func.attr in self._methods_of(name)
        return func.attr in self._training_methods(func.value)


def facts_for(module: AnalyzedModule) -> CallFacts:
    """The CallFacts of this module, built once and kept on it for the MLO3xx rules."""
    facts = module.__dict__.get("_tuning_call_facts")
    if facts is None:
        facts = module.__dict__["_tuning_call_facts"] = CallFacts(module)
    return facts
