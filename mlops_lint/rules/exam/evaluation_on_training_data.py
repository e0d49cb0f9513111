"""MLO204: the only grading of a model in the module is on the training part of a split.

A metric or ``.score`` whose data arguments are all training-role values is reported when nothing
in the module grades on anything else: no metric/score on other data, no prediction on the test
part, no cross-validation or search, no fit given held-out data (``validation_data=``).
"""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.exam.evaluations import Evaluation, evaluations, validation_params


def _held_out_evaluation(module: AnalyzedModule, found: tuple[Evaluation, ...]) -> bool:
    for evaluation in found:
        if evaluation.kind == "predict" and evaluation.on_test_data:
            return True
        if evaluation.kind != "predict" and evaluation.data and not evaluation.on_training_data:
            return True
    flow = module.dataflow
    if flow.events_of("cross-validate", "search-fit"):
        return True
    held_out = validation_params(module)
    return any(held_out.intersection(event.keywords) for event in flow.events_of("fit"))


class EvaluationOnTrainingData(Rule):
    code = "MLO204"
    fields = ("evaluation", "var", "split_line")
    related = ("split",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        found = evaluations(module)
        on_training = [e for e in found if e.kind != "predict" and e.on_training_data]
        if not on_training or _held_out_evaluation(module, found):
            return
        for evaluation in on_training:
            first = evaluation.first_train_arg()
            if first is None:  # every argument is training data, so there is one
                continue
            expr, value = first
            split = min(value.split_nodes, key=lambda node: (node.lineno, node.col_offset), default=None)
            related = (("split", split),) if split is not None else ()
            callee = evaluation.node.func
            yield Finding(
                evaluation.node,
                {
                    "evaluation": callee.attr if isinstance(callee, ast.Attribute) else callee,
                    "var": expr,
                    "split_line": LineRef(split) if split is not None else "?",
                },
                related=related,
            )
