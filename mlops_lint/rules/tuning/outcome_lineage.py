"""Where a search's outcome goes within one module: recorded, only printed, or lost.

A small, local lineage by name (the search variable, outcome attributes read from it, names assigned from
those), module-wide and order-insensitive. It should move onto the dataflow layer's lineage once that lands.
"""

from __future__ import annotations

import ast
import enum
from dataclasses import dataclass
from functools import cached_property
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.names import dotted_name
from mlops_lint.analysis.walk import walk
from mlops_lint.catalog import ApiEntry

_RECORDING_ROLES = ("experiment-logger", "sink")
_CONTAINERS = (ast.List, ast.Tuple, ast.Set, ast.Dict, ast.JoinedStr, ast.FormattedValue, ast.BinOp,
               ast.Subscript, ast.Attribute, ast.keyword, ast.Starred, ast.IfExp, ast.Compare, ast.BoolOp,
               ast.UnaryOp, ast.comprehension, ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp)


class Fate(enum.Enum):
    LOST = 0
    PRINTED = 1
    RECORDED = 2  # or handed to code we do not follow: the rule then stays silent


@dataclass(frozen=True)
class Outcome:
    """What a search produced: its variable (None for a returned outcome) and the outcome attributes."""

    search_names: frozenset[str]  # the search variable and its aliases (``fitted = search.fit(X, y)``)
    attrs: frozenset[str]
    returned_name: str | None = None
    run_methods: frozenset[str] = frozenset()  # calling one runs the search and returns it (fit)


class Lineage:
    def __init__(self, module: AnalyzedModule) -> None:
        self.module = module

    @property
    def nodes(self) -> list[ast.AST]:
        return self.module.nodes

    @property
    def parents(self) -> dict[ast.AST, ast.AST]:
        return self.module.parents

    @cached_property
    def local_functions(self) -> frozenset[str]:
        return frozenset(
            node.name for node in self.nodes if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        )

    @cached_property
    def sink_methods(self) -> frozenset[str]:
        # Recorders, and the sinks that write the object they are called on (df.to_csv).
        return frozenset(
            name for name, entry in self.module.catalog.methods.items()
            if entry.role == "recorder" or (entry.role == "sink" and entry.get("data-arg") == "receiver" and not entry.get("saves-model"))
        )

    def _library_entry(self, call: ast.AST) -> ApiEntry | None:
        """The catalog entry of a library callable reached through an import (exact or prefix)."""
        return self.module.callee(call) if isinstance(call, ast.Call) and self.module.qualified_names(call.func) else None

    def attrs_read(self, outcome: Outcome) -> list[str]:
        return sorted({node.attr for node in self.module.nodes_of(ast.Attribute) if self._is_outcome_read(node, outcome)})

    def runs(self, outcome: Outcome) -> bool:
        """Whether the search is run at all (``search.fit(...)``, ``study.optimize(...)``)."""
        return any(
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in outcome.run_methods and dotted_name(node.func.value) in outcome.search_names
            for node in self.module.nodes_of(ast.Call)
        )

    def fate(self, outcome: Outcome) -> Fate:
        tainted = self._tainted(outcome)
        fates = [self._climb(node) for node in self._carriers(outcome, tainted)]
        fates += [self._bare_search_use(node) for node in self._bare_uses(outcome.search_names)]
        return max(fates, key=lambda fate: fate.value, default=Fate.LOST)

    def _is_outcome_read(self, node: ast.AST, outcome: Outcome) -> bool:
        if isinstance(node, ast.Attribute) and node.attr in outcome.attrs:
            base = node.value
            if isinstance(base, ast.Call) and isinstance(base.func, ast.Attribute) and base.func.attr in outcome.run_methods:
                base = base.func.value  # search.fit(X, y).best_params_: fit returns the search
            return dotted_name(base) in outcome.search_names
        return False

    def _tainted(self, outcome: Outcome) -> set[str]:
        """Names holding (part of) the outcome: assigned, iterated or stored from it, to a fixpoint."""
        tainted = {outcome.returned_name} if outcome.returned_name else set()
        # A flow whose value reads the outcome always carries it; the others carry it once a
        # name they load is tainted. Each flow's value is walked once, not once per round.
        pending = []
        for loads, attributes, targets in self._flow_facts:
            if any(self._is_outcome_read(node, outcome) for node in attributes):
                tainted.update(name for name in targets if name not in outcome.search_names)
            else:
                pending.append((loads, targets))
        changed = True
        while changed:
            changed = False
            for loads, targets in pending:
                if not loads.isdisjoint(tainted):
                    new = {name for name in targets if name not in tainted and name not in outcome.search_names}
                    if new:
                        tainted |= new
                        changed = True
        return tainted

    @cached_property
    def _flow_facts(self) -> list[tuple[frozenset[str], list[ast.Attribute], list[str]]]:
        """Each flow's loaded names, attribute reads (possible outcome reads) and target names."""
        facts = []
        for value, targets in self._flows():
            nodes = walk(value)
            loads = frozenset(n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))
            facts.append((loads, [n for n in nodes if isinstance(n, ast.Attribute)], targets))
        return facts

    def _flows(self) -> Iterator[tuple[ast.AST, list[str]]]:
        for node in self.nodes:
            if isinstance(node, ast.Assign):
                yield node.value, [n for target in node.targets for n in _stored_names(target)]
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and node.value is not None:
                yield node.value, _stored_names(node.target)
            elif isinstance(node, (ast.For, ast.comprehension)):
                yield node.iter, _stored_names(node.target)
            elif isinstance(node, ast.NamedExpr):
                yield node.value, _stored_names(node.target)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        yield item.context_expr, _stored_names(item.optional_vars)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("append", "extend", "update", "add"):
                # results.append(search.best_score_) puts the outcome into `results`
                base = dotted_name(node.func.value)
                if base is not None:
                    yield ast.Tuple(elts=[*node.args, *(k.value for k in node.keywords)], ctx=ast.Load()), [base]

    def _carriers(self, outcome: Outcome, tainted: set[str]) -> Iterator[ast.AST]:
        for node in self.module.nodes_of(ast.Attribute, ast.Name):
            if self._is_outcome_read(node, outcome):
                yield node
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in tainted:
                yield node

    def _bare_uses(self, names: frozenset[str]) -> Iterator[ast.Name]:
        for node in self.module.nodes_of(ast.Name):
            if node.id in names and isinstance(node.ctx, ast.Load):
                if not isinstance(self.parents.get(node), ast.Attribute):
                    yield node

    def _bare_search_use(self, node: ast.AST) -> Fate:
        """The search object itself handed on: recorded if to a sink, unknown (silent) if to other code."""
        parent = self.parents.get(node)
        while isinstance(parent, (ast.keyword, ast.Starred, ast.List, ast.Tuple)):
            node, parent = parent, self.parents.get(parent)
        if isinstance(parent, ast.Call) and node is not parent.func:
            return Fate.LOST if self._prints(parent) else Fate.RECORDED  # print(search) shows settings only
        if isinstance(parent, (ast.Return, ast.Yield, ast.Dict)) or _stores_on_object(parent):
            return Fate.RECORDED
        return Fate.LOST

    def _climb(self, node: ast.AST) -> Fate:
        """Follow one expression carrying the outcome up to where it ends."""
        parent = self.parents.get(node)
        while parent is not None:
            if isinstance(parent, ast.Call):
                if node is parent.func:  # a method called on the outcome
                    if isinstance(parent.func, ast.Attribute) and parent.func.attr in self.sink_methods:
                        return Fate.RECORDED
                else:
                    fate = self._call_fate(parent)
                    if fate is not None:
                        return fate
            elif isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom)):
                return Fate.RECORDED
            elif isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
                if node is not getattr(parent, "value", None):
                    return Fate.LOST
                # Stored on an object (self.best = ...) or into a tracker's run["params"]: not followed.
                return Fate.RECORDED if any(isinstance(t, ast.Attribute) for t in targets) or self._into_run(targets) else Fate.LOST
            elif isinstance(parent, ast.Expr):
                return Fate.PRINTED if self.module.path.endswith(".ipynb") and parent.value is node else Fate.LOST
            elif not isinstance(parent, _CONTAINERS):
                return Fate.LOST
            node, parent = parent, self.parents.get(parent)
        return Fate.LOST

    def _call_fate(self, call: ast.Call) -> Fate | None:
        """RECORDED / PRINTED when the call records or prints its arguments; None when its result carries on."""
        entry = self._library_entry(call)
        if entry is not None and entry.role in _RECORDING_ROLES:
            return Fate.RECORDED
        if isinstance(call.func, ast.Attribute) and call.func.attr in self.sink_methods:
            return Fate.RECORDED
        if self._prints(call):
            return Fate.PRINTED
        if isinstance(call.func, ast.Name) and call.func.id in self.local_functions:
            return Fate.RECORDED  # a helper of this module: not followed, so assume it may record
        return None

    def _prints(self, call: ast.Call) -> bool:
        entry = self._library_entry(call)
        if entry is not None:
            return entry.role == "stdout"
        return isinstance(call.func, ast.Name) and call.func.id in ("print", "display") and call.func.id not in self.local_functions

    def _into_run(self, targets: list[ast.AST]) -> bool:
        """``run["best"] = ...`` where run was built by an experiment logger (neptune.init_run())."""
        for target in targets:
            if isinstance(target, ast.Subscript):
                base = dotted_name(target.value)
                for node in self.nodes:
                    if isinstance(node, ast.Assign) and any(dotted_name(t) == base for t in node.targets):
                        entry = self._library_entry(node.value)
                        if entry is not None and entry.role in _RECORDING_ROLES:
                            return True
        return False


def _stored_names(target: ast.AST) -> list[str]:
    """Names a store target binds or mutates (``x``, ``a, b``, ``results[k]`` → results)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _stored_names(element)]
    if isinstance(target, ast.Starred):
        return _stored_names(target.value)
    if isinstance(target, ast.Subscript):
        base = dotted_name(target.value)
        return [base] if base is not None else []
    return []


def _stores_on_object(node: ast.AST | None) -> bool:
    """``self.search = search`` / ``models["svm"] = search``: kept somewhere this lineage does not follow."""
    if not isinstance(node, (ast.Assign, ast.AnnAssign)):
        return False
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return any(isinstance(target, (ast.Attribute, ast.Subscript)) for target in targets)
