"""Where a module splits off test data and where it scores models: what MLO401/MLO402 compare.

Questions to the dataflow: the split events of splitters that return train and test parts, the
score events (catalog role ``metric``: ``accuracy_score(...)``, ``model.score(...)``) and which
split's test part each score's data is. Which model a score grades is the object of ``.score`` or
of the prediction passed in (directly, or through the name it was bound to); models are the same
when the dataflow knows they are one object, else when they are spelt the same.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cached_property

from mlops_lint.analysis.call_events import call_events
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import TEST, Event, Value
from mlops_lint.analysis.walk import walk
from mlops_lint.catalog import ApiEntry

_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.Module)


@dataclass(frozen=True)
class Split:
    call: ast.Call
    entry: ApiEntry
    test_names: frozenset[str]  # the names the test parts are bound to
    event: Event


@dataclass(frozen=True, eq=False)
class Score:
    call: ast.Call
    model: object | None  # the model's identity (its constructor call, else its spelling); None when unknown
    model_text: str | None
    splits: frozenset[ast.expr]  # the splits whose test part the scored data is
    event: Event
    comparisons: "Comparisons"

    # Read for a few scores only (MLO402, at the scores of a split that compares): computed when asked.
    @cached_property
    def data_names(self) -> frozenset[str]:
        """Every name the scored data mentions."""
        return frozenset(n.id for arg in self.event.data for n in walk(arg.node) if isinstance(n, ast.Name))

    @cached_property
    def model_from_loop(self) -> bool:
        """The model is a loop variable: each iteration scores another model."""
        return self.model_text is not None and self.comparisons._from_loop(self.call, self.event)


class Comparisons:
    """The splits and scores of one module, for MLO401 and MLO402 (``comparisons(module)``)."""

    def __init__(self, module: AnalyzedModule) -> None:
        self.module = module

    def scope_of(self, node: ast.AST) -> ast.AST:
        parents = self.module.parents
        while not isinstance(node, _SCOPES) and node in parents:
            node = parents[node]
        return node

    def in_loop(self, node: ast.AST) -> bool:
        """Inside the body of a loop of its own scope (the split runs again and again)."""
        parents = self.module.parents
        child, parent = node, parents.get(node)
        while parent is not None and not isinstance(parent, _SCOPES):
            if isinstance(parent, _LOOPS) and any(child is statement for statement in parent.body):
                return True
            child, parent = parent, parents.get(parent)
        return False

    @cached_property
    def splits(self) -> list[Split]:
        found: list[Split] = []
        seen: set[ast.AST] = set()
        for event in self.module.dataflow.events_of("split"):
            entry = event.entry
            if entry is None or entry.role != "splitter" or entry.get("returns") != "train-test-alternating":
                continue
            assign = self.module.parents.get(event.node)
            if not isinstance(assign, ast.Assign) or not isinstance(assign.targets[0], (ast.Tuple, ast.List)):
                continue  # the parts are not bound to names: nothing to compare by
            tests = frozenset(e.id for e in assign.targets[0].elts[1::2] if isinstance(e, ast.Name))
            if event.node not in seen:  # a split in a function runs on its own and at each call site
                seen.add(event.node)
                found.append(Split(event.call, entry, tests, event))
        return found

    @cached_property
    def scores(self) -> list[Score]:
        """The scores of the test part of some split (the others compare nothing), in flow order."""
        splits = {split.call for split in self.splits}
        found = []
        for event in call_events(self.module).of("metric"):
            call = event.call
            tested = frozenset(node for arg in event.data if arg.value.has_role(TEST) for node in arg.value.split_nodes & splits)
            if tested:
                model, text = self._model_of(call, event)
                found.append(Score(call, model, text, tested, event, self))
        return found

    def scores_of(self, split: ast.expr) -> list[Score]:
        """The scores of the test part of ``split``, in flow order."""
        return self._scores_by_split.get(split, [])

    @cached_property
    def _scores_by_split(self) -> dict[ast.expr, list[Score]]:
        found: dict[ast.expr, list[Score]] = {}
        for score in self.scores:
            for split in score.splits:
                found.setdefault(split, []).append(score)
        return found

    def _model_of(self, call: ast.Call, event: Event) -> tuple[object | None, str | None]:
        """The model a score grades: the object of ``model.score(...)``, or the one whose prediction is
        passed (``f1_score(y, clf.predict(X))``, or a name bound to such a prediction)."""
        if _is_method(event) and event.receiver is not None:
            return self._identity(call.func.value, event.receiver)  # type: ignore[attr-defined]
        for arg in event.data:
            node = arg.node
            if isinstance(node, ast.Name):
                node = arg.value.origin or node
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                entry = self.module.callee(node)
                if entry is not None and entry.role == "prediction":
                    return self._identity(node.func.value, self.module.dataflow.value_of(node.func.value))
        return None, None

    @staticmethod
    def _identity(expr: ast.expr, value: Value) -> tuple[object, str]:
        text = expr.id if isinstance(expr, ast.Name) else ast.unparse(expr)  # unparse of a name, without its cost
        return (value.made_by if value.made_by is not None else text), text

    def _from_loop(self, call: ast.Call, event: Event) -> bool:
        """The model's spelling names a target of a loop around the score (``for model in models``)."""
        model_expr = call.func.value if _is_method(event) and isinstance(call.func, ast.Attribute) else None
        names = {n.id for n in walk(model_expr) if isinstance(n, ast.Name)} if model_expr is not None else set()
        if model_expr is None:
            for arg in event.data:
                node = arg.value.origin if isinstance(arg.node, ast.Name) and arg.value.origin is not None else arg.node
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    names = {n.id for n in walk(node.func.value) if isinstance(n, ast.Name)}
                    break
        parents = self.module.parents
        child: ast.AST = call
        parent = parents.get(call)
        while parent is not None and not isinstance(parent, _SCOPES):
            if isinstance(parent, (ast.For, ast.AsyncFor)) and any(child is statement for statement in parent.body):
                if names & {n.id for n in walk(parent.target) if isinstance(n, ast.Name)}:
                    return True
            child, parent = parent, parents.get(parent)
        return False


def _is_method(event: Event) -> bool:
    """``estimator.score(X, y)``: the catalog matched a method of an object, not a function."""
    return event.entry is not None and "receiver" in event.entry.facts


def comparisons(module: AnalyzedModule) -> Comparisons:
    return module.shared(Comparisons)
