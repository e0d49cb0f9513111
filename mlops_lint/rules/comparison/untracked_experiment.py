"""MLO403: a module trains a model but records neither its parameters nor its metrics anywhere."""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.shapes import calls, calls_with_role, instance_entries, trained_names, uses_role
from mlops_lint.rules.strings import opens_for_writing

# A tracker (also one a model is logged to), a log, or any file the module writes results to
# (a sink other than the saved model itself).


_PREPROCESSING = frozenset({"transformer", "stateless-transformer"})


def _is_super_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


def _is_preprocessing(module: AnalyzedModule, receiver: ast.expr) -> bool:
    entry = instance_entries(module).get(receiver.id) if isinstance(receiver, ast.Name) else module.callee(receiver)
    return entry is not None and entry.role in _PREPROCESSING


class UntrackedExperiment(Rule):
    code = "MLO403"
    fields = ("call",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        training = self._first_training_call(module)
        if training is None or uses_role(module, "experiment-logger") or self._writes_a_file(module):
            return
        yield Finding(training, {"call": ast.unparse(training.func)})

    @staticmethod
    def _first_training_call(module: AnalyzedModule) -> ast.Call | None:
        trained = trained_names(module)
        candidates = [
            call for call in calls(module.tree, module)
            if isinstance(call.func, ast.Attribute) and call.args and call.func.attr in {"fit", "partial_fit", "train"}
            and ast.unparse(call.func.value) in trained
            and not _is_super_call(call.func.value)  # an estimator subclass delegating to its base
            and not _is_preprocessing(module, call.func.value)  # fitting a scaler trains no model
        ]
        candidates += [call for call, _ in calls_with_role(module, module.tree, "training-step")]
        return min(candidates, key=lambda call: (call.lineno, call.col_offset), default=None)

    @staticmethod
    def _writes_a_file(module: AnalyzedModule) -> bool:
        if any(not entry.get("saves-model") for _, entry in calls_with_role(module, module.tree, "sink")):
            return True
        return any(opens_for_writing(call, entry) for call, entry in calls_with_role(module, module.tree, "loader"))
