"""MLO203: scores on the test set, computed in a loop over candidates, pick the best candidate.

A test evaluation (metric or ``.score`` on the test part of a split, ``evaluations.py``) inside a
loop is a selection when, in that loop, its score is compared with another non-constant value
(``if acc > best_acc``) or assigned to a ``best*`` name, or when the scores (directly, or a list
they were appended to in the loop) reach ``max``/``min``/``sorted``/``argmax``/``idxmax``.
Comparisons with a constant (``assert acc > 0.9``) only check, they do not choose, and a picked
value scaled by arithmetic (``min(scores) * 0.9``, a plot limit) is not a choice either.
"""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import Value
from mlops_lint.analysis.walk import walk
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.exam.evaluations import evaluations
from mlops_lint.rules.exam.held_out import test_split, validation_splits

_PICKERS = frozenset({"max", "min", "sorted", "argmax", "argmin", "nanargmax", "nanargmin", "idxmax", "idxmin", "nlargest", "nsmallest", "sort_values"})
_ORDER = (ast.Gt, ast.GtE, ast.Lt, ast.LtE)


def _picker(call: ast.Call) -> str | None:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    return name if name in _PICKERS else None


class TestSetModelSelection(Rule):
    code = "MLO203"
    fields = ("how", "score", "eval_line")
    related = ("evaluation",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        flow = module.dataflow
        validation = validation_splits(flow)
        tests = {
            e.node: e for e in evaluations(module)
            if e.kind != "predict" and any(test_split(v, validation, only=False) for _, v in e.data)
        }
        if not tests:
            return
        reported: set[ast.Call] = set()
        # A picked value that is an operand of arithmetic (min(scores) * 0.9) is not a choice.
        operands = {id(side) for binop in module.nodes_of(ast.BinOp) for side in (binop.left, binop.right)}

        def scored(value: Value) -> ast.Call | None:
            return next((node for _, node in sorted(value.calls, key=lambda c: c[1].lineno) if node in tests and node not in reported), None)

        appended: dict[str, ast.Call] = {}
        candidates: list[tuple[ast.expr | ast.stmt, ast.Call, str]] = []
        loops: list[ast.For | ast.AsyncFor | ast.While] = [*module.nodes_of(ast.For), *module.nodes_of(ast.AsyncFor), *module.nodes_of(ast.While)]
        for loop in loops:
            inner = [n for statement in loop.body for n in walk(statement)]
            if not any(n in tests for n in inner):
                continue
            for node in inner:
                if isinstance(node, ast.Compare) and all(isinstance(op, _ORDER) for op in node.ops):
                    sides = [node.left, *node.comparators]
                    if not any(isinstance(side, ast.Constant) for side in sides):
                        found = next((s for s in map(lambda side: scored(flow.value_of(side)), sides) if s), None)
                        if found is not None:
                            candidates.append((node, found, "a comparison"))
                elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id.lower().startswith("best") for t in node.targets):
                    found = scored(flow.value_of(node.value))
                    if found is not None:
                        candidates.append((node, found, "a best-so-far assignment"))
                elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append" and node.args:
                    found = scored(flow.value_of(node.args[0]))
                    name = node.func.value.id if isinstance(node.func.value, ast.Name) else None
                    if found is not None and name is not None:
                        appended.setdefault(name, found)
        for node in module.nodes_of(ast.Call):
            if _picker(node) and id(node) not in operands:
                arguments = [*node.args, *(k.value for k in node.keywords)]
                found = next((s for s in (scored(flow.value_of(a)) for a in arguments) if s), None)
                if found is None:
                    names = [n.id for a in arguments for n in walk(a) if isinstance(n, ast.Name) and n.id in appended]
                    found = appended[names[0]] if names else None
                if found is not None:
                    candidates.append((node, found, f"{_picker(node)}()"))
        for node, evaluation, how in sorted(candidates, key=lambda c: (c[0].lineno, c[0].col_offset)):
            if evaluation in reported:
                continue
            reported.add(evaluation)
            yield Finding(
                node,
                {"how": how, "score": evaluation.func, "eval_line": LineRef(evaluation)},
                related=(("evaluation", evaluation),),
            )
