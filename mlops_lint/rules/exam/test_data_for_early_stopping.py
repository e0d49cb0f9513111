"""MLO202: the test set given to training as validation data that training stops or selects on.

The keyword arguments that take validation data are catalog facts (``validation-params``) of the
model's class or of a training function; whether training stops or keeps its best iteration by a
score on that data (``early_stopping_rounds``, an ``EarlyStopping`` callback, CatBoost's
``use_best_model``) is ``analysis/early_stopping.py``'s answer. Validation data that is only watched
is silent. Which held-out data is the test set rather than a validation set is
``analysis/held_out.py``'s answer; data named as validation or hold-out data where it is given
(``eval_set=[(X_val, y_val)]``, ``X_holdout``) is a validation set. A fit on an object the
catalog does not know (a subclassed keras model) is checked against every ``validation-params``
name of the catalog.
"""

from __future__ import annotations

import ast
from typing import Iterator, Mapping

from mlops_lint.analysis.arguments import keyword
from mlops_lint.analysis.early_stopping import early_stopping
from mlops_lint.analysis.grading import validation_params
from mlops_lint.analysis.held_out import HeldOut, held_out
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.naming import HOLDOUT_WORDS, VALIDATION_WORDS, says
from mlops_lint.analysis.values import Value
from mlops_lint.catalog import ApiEntry
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule

_TrainingCall = tuple[ast.Call, ApiEntry | None, ast.Call | None, list[str], Mapping[str | None, Value]]


def _training_calls(module: AnalyzedModule) -> Iterator[_TrainingCall]:
    """(call, entry, constructor, validation keywords, keyword values) of every fit and training-function call."""
    flow = module.dataflow
    every = sorted(validation_params(module))
    for event in flow.events_of("fit", "search-fit"):
        receiver = event.receiver
        entry = receiver.instance_of if receiver is not None else None
        params = entry.get("validation-params", []) if entry is not None else every
        constructor = receiver.made_by if receiver is not None else None
        yield event.call, entry, constructor, params, event.keywords
    for node, entry in module.calls_with_role("training-function"):
        values: dict[str | None, Value] = {k.arg: flow.value_of(k.value) for k in node.keywords if k.arg}
        yield node, entry, None, entry.get("validation-params", []), values


def _pairs(module: AnalyzedModule, node: ast.expr) -> list[ast.expr]:
    """The data sets a validation argument holds: each ``(X, y)`` of ``[(X_a, y_a), (X_b, y_b)]``
    (also through a name bound to such a list), else the argument as one."""
    literal: ast.AST | None = node
    if isinstance(node, ast.Name):
        literal = module.dataflow.value_of(node).origin or node
    if isinstance(literal, (ast.List, ast.Tuple)) and literal.elts and all(isinstance(e, (ast.Tuple, ast.List)) for e in literal.elts):
        return list(literal.elts)
    return [node]


def _test_set(module: AnalyzedModule, facts: HeldOut, node: ast.expr) -> ast.AST | None:
    """Where the test set among the data sets of a validation argument was made, or None."""
    for pair in _pairs(module, node):
        if says(pair, VALIDATION_WORDS | HOLDOUT_WORDS):
            continue  # named as validation data where it is given: used for validation
        origin = facts.test_origin(module.dataflow.value_of(pair), pair, only=False)
        if origin is not None:
            return origin
    return None


class TestDataForEarlyStopping(Rule):
    code = "MLO202"
    fields = ("var", "param", "split_line", "stopper")
    related = ("split", "stopper")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        facts = held_out(module)
        reported: set[ast.Call] = set()
        for call, entry, constructor, params, keywords in _training_calls(module):
            if call in reported:
                continue  # a function's body runs on its own and at each call site: one finding
            for param in params:
                node = keyword(call, param)
                if node is None:
                    continue
                origin = _test_set(module, facts, node)
                if origin is None:
                    continue
                stopper = early_stopping(module, call, entry, constructor, keywords)
                if stopper is None:
                    continue  # only watched: the curves are drawn, nothing is chosen by them
                reported.add(call)
                related = [("split", origin)]
                if stopper.node is not None:
                    related.append(("stopper", stopper.node))
                yield Finding(
                    call,
                    {"var": node, "param": param, "split_line": LineRef(origin), "stopper": stopper.shown},
                    related=tuple(related),
                )
                break
