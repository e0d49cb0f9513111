"""What the MLO3xx rules share about a module: its calls in source order, what it seeds, where it trains.

Read once per module (``training(module)``). Whether a call trains a model is a question to the
dataflow: ``recv.m(...)`` trains when ``m`` is one of the ``trains`` methods of the object ``recv``
holds, or of an object it wraps (a Pipeline around an SVC trains with ``fit``).
"""

from __future__ import annotations

import ast
from functools import cached_property

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.naming import CallsByName
from mlops_lint.analysis.values import Value
from mlops_lint.catalog import ApiEntry


def trains(module: AnalyzedModule, obj: Value) -> set[str]:
    """The methods that train ``obj``: its class's ``trains``, and those of what it was built from."""
    found = set(obj.instance_of.get("trains", ())) if obj.instance_of is not None else set()
    for _, node in obj.calls:
        entry = module.callee(node)
        if entry is not None:
            found.update(entry.get("trains", ()))
    return found


def _position(call: ast.Call) -> tuple[int, int]:
    return call.lineno, call.col_offset


def _says_seed(name: str) -> bool:
    return "seed" in name.lower()


class Training:
    def __init__(self, module: AnalyzedModule) -> None:
        self.module = module

    def calls_of(self, *methods: str) -> list[ast.Call]:
        """The method calls spelling one of ``methods`` (``est.set_params(...)``), in source order."""
        found = [call for call in self.module.shared(CallsByName).named(methods) if isinstance(call.func, ast.Attribute)]
        return sorted(found, key=_position)

    @cached_property
    def catalog_calls(self) -> list[tuple[ast.Call, ApiEntry]]:
        """Calls the catalog knows, with their entries, in source order."""
        return sorted(self.module.resolver.resolved_calls, key=lambda pair: (pair[0].lineno, pair[0].col_offset))

    @cached_property
    def globally_seeded(self) -> frozenset[str]:
        """Frameworks whose global generator a seed-setter call in the module seeds."""
        seeds: set[str] = set()
        for _, entry in self.module.calls_with_role("seed-setter"):
            seeds.update(entry.get("seeds", ()))
        # A call the catalog does not know whose name says it seeds (``set_seed``, ``utils.fix_seeds``):
        # set_seed(args.seed) from the project's own utils: we cannot see what it seeds, so assume all.
        if any(self.module.callee(call) is None for call in self.module.shared(CallsByName).matching(_says_seed)):
            seeds.update(s for entry in self.module.catalog.apis_with_role("seed-setter") for s in entry.get("seeds", ()))
        return frozenset(seeds)

    @cached_property
    def training_call(self) -> ast.Call | None:
        """The first call that trains a model (``trains`` of the object it is called on)."""
        names = self.module.catalog.fact_values.get("trains", frozenset())
        flow = self.module.dataflow
        for call in self.calls_of(*names):
            func = call.func
            assert isinstance(func, ast.Attribute)
            if func.attr in trains(self.module, flow.value_of(func.value)):
                return call
        return None


def training(module: AnalyzedModule) -> Training:
    return module.shared(Training)
