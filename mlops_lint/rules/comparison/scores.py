"""Where a module splits off test data and where it scores models: the facts MLO401/MLO402 compare.

Names are followed within one scope, in statement order (``pred = clf.predict(X_test)`` then
``accuracy_score(y_test, pred)``). This is a local stand-in: it should move onto the dataflow
layer (module.dataflow) once that layer lands, which also follows values across helper functions.
"""

from __future__ import annotations

import ast
from bisect import bisect_left
from dataclasses import dataclass
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.walk import walk
from mlops_lint.catalog import ApiEntry
from mlops_lint.rules.shapes import all_nodes, names_in


@dataclass(frozen=True)
class Split:
    call: ast.Call
    entry: ApiEntry
    test_names: frozenset[str]
    in_loop: bool


@dataclass(frozen=True)
class Score:
    call: ast.Call
    model: str | None  # the model's source text (``clf``, ``models[name]``), None when unknown
    data: frozenset[str]  # every name the scored data mentions
    model_from_loop: bool  # the model is a loop variable: each iteration scores another model
    splits: tuple[int, ...]  # indexes of the splits whose test part the scored data is, at that point


@dataclass
class ScopeScores:
    splits: list[Split]
    scores: list[Score]


def _receiver(call: ast.Call) -> ast.expr | None:
    return call.func.value if isinstance(call.func, ast.Attribute) else None


class _Collector:
    def __init__(self, module: AnalyzedModule) -> None:
        self.module = module
        self.splits: list[Split] = []
        self.scores: list[Score] = []
        self.predicted_by: dict[str, ast.expr] = {}  # name → the model whose predictions it holds
        self.test_of: dict[str, int] = {}  # name → index of the split whose test part it holds now
        self.metric_lines = _metric_lines(module)

    def visit_body(self, body: list[ast.stmt], loop_names: frozenset[str]) -> None:
        for statement in body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if isinstance(statement, (ast.For, ast.AsyncFor)):
                self._visit_expr(statement.iter, loop_names)
                inner = loop_names | names_in(statement.target)
                self.visit_body(statement.body, inner)
                self.visit_body(statement.orelse, loop_names)
                continue
            if isinstance(statement, ast.While):
                self.visit_body(statement.body, loop_names | {"<while>"})
                continue
            nested = [getattr(statement, name, None) for name in ("body", "orelse", "finalbody")]
            if any(isinstance(block, list) and block and isinstance(block[0], ast.stmt) for block in nested):
                for expr in _header_exprs(statement):
                    self._visit_expr(expr, loop_names)
                for block in nested:
                    self.visit_body(block or [], loop_names)
                for handler in getattr(statement, "handlers", []) or []:
                    self.visit_body(handler.body, loop_names)
                continue
            self._visit_statement(statement, loop_names)

    def _visit_statement(self, statement: ast.stmt, loop_names: frozenset[str]) -> None:
        value = getattr(statement, "value", None)
        if isinstance(statement, ast.Assign) and isinstance(value, ast.Call):
            entry = self.module.callee(value)
            target = statement.targets[0]
            if entry is not None and entry.role == "splitter" and entry.get("returns") == "train-test-alternating":
                if isinstance(target, (ast.Tuple, ast.List)):
                    tests = frozenset(e.id for e in target.elts[1::2] if isinstance(e, ast.Name))
                    self.splits.append(Split(value, entry, tests, bool(loop_names)))
                    self._visit_expr(statement, loop_names)
                    for name in names_in(target):
                        self.test_of.pop(name, None)
                    self.test_of.update({name: len(self.splits) - 1 for name in tests})
                    return
            elif entry is not None and entry.role == "prediction" and isinstance(target, ast.Name):
                receiver = _receiver(value)
                if receiver is not None:
                    self.predicted_by[target.id] = receiver
        self._visit_expr(statement, loop_names)
        if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for target in getattr(statement, "targets", None) or [statement.target]:
                for name in names_in(target):
                    self.test_of.pop(name, None)

    def _visit_expr(self, node: ast.AST, loop_names: frozenset[str]) -> None:
        lines = self.metric_lines
        first = bisect_left(lines, getattr(node, "lineno", 0))
        if first == len(lines) or lines[first] > getattr(node, "end_lineno", 0):
            return  # no metric call inside: most statements, and not worth a walk
        for call in (n for n in walk(node) if isinstance(n, ast.Call)):
            entry = self.module.callee(call)
            if entry is None or entry.role != "metric":
                continue
            model = self._model_of(call)
            data = frozenset().union(*(names_in(arg) for arg in [*call.args, *(kw.value for kw in call.keywords)]))
            text = ast.unparse(model) if model is not None else None
            from_loop = model is not None and bool(names_in(model) & loop_names)
            splits = tuple(sorted({self.test_of[name] for name in data if name in self.test_of}))
            self.scores.append(Score(call, text, data, from_loop, splits))

    def _model_of(self, call: ast.Call) -> ast.expr | None:
        if isinstance(call.func, ast.Attribute) and not self.module.qualified_names(call.func):
            return call.func.value  # estimator.score(X, y)
        for arg in [*call.args, *(kw.value for kw in call.keywords)]:
            if isinstance(arg, ast.Call):
                entry = self.module.callee(arg)
                if entry is not None and entry.role == "prediction":
                    return _receiver(arg)
            if isinstance(arg, ast.Name) and arg.id in self.predicted_by:
                return self.predicted_by[arg.id]
        return None


def _metric_lines(module: AnalyzedModule) -> list[int]:
    """Sorted first lines of the module's metric calls, computed once per module."""
    cached = module.__dict__.get("_metric_lines")
    if cached is None:
        cached = module.__dict__["_metric_lines"] = sorted(
            node.lineno
            for node in all_nodes(module)
            if isinstance(node, ast.Call) and getattr(module.callee(node), "role", None) == "metric"
        )
    return cached


def _header_exprs(statement: ast.stmt) -> Iterator[ast.AST]:
    if isinstance(statement, ast.If):
        yield statement.test
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        yield from (item.context_expr for item in statement.items)


def scope_scores(module: AnalyzedModule) -> list[ScopeScores]:
    """Splits and scores of the module body and of each function body, separately.

    Computed once per module: MLO401 and MLO402 both read it.
    """
    cached = module.__dict__.get("_scope_scores")
    if cached is None:
        cached = module.__dict__["_scope_scores"] = list(_collect_scope_scores(module))
    return cached


def _collect_scope_scores(module: AnalyzedModule) -> Iterator[ScopeScores]:
    bodies = [module.tree.body] + [
        node.body for node in all_nodes(module) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    for body in bodies:
        collector = _Collector(module)
        collector.visit_body(body, frozenset())
        yield ScopeScores(collector.splits, collector.scores)
