"""MLO403: a module trains a model but records neither its parameters nor its metrics anywhere."""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.strings import opens_for_writing

_TRAINING_METHODS = frozenset({"fit", "partial_fit", "train"})
_PREPROCESSING = frozenset({"transformer", "stateless-transformer"})


def _is_super_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


def _is_preprocessing(module: AnalyzedModule, receiver: ast.expr) -> bool:
    """The dataflow knows the object is a transformer: fitting a scaler trains no model."""
    entry = module.dataflow.value_of(receiver).instance_of
    return entry is not None and entry.role in _PREPROCESSING


class UntrackedExperiment(Rule):
    code = "MLO403"
    fields = ("call",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        training = self._first_training_call(module)
        # A tracker (also one a model is logged to), a log, or any file the module writes results
        # to (a sink other than the saved model itself) records the run.
        if training is None or module.uses_role("experiment-logger") or self._writes_a_file(module):
            return
        yield Finding(training, {"call": ast.unparse(training.func)})

    @staticmethod
    def _first_training_call(module: AnalyzedModule) -> ast.Call | None:
        candidates = [
            call for call in module.nodes_of(ast.Call)
            if isinstance(call.func, ast.Attribute) and call.args and call.func.attr in _TRAINING_METHODS
            and not _is_super_call(call.func.value)  # an estimator subclass delegating to its base
            and not _is_preprocessing(module, call.func.value)
        ]
        candidates += [call for call, _ in module.calls_with_role("training-step")]
        return min(candidates, key=lambda call: (call.lineno, call.col_offset), default=None)

    @staticmethod
    def _writes_a_file(module: AnalyzedModule) -> bool:
        if any(not entry.get("saves-model") for _, entry in module.calls_with_role("sink")):
            return True
        return any(opens_for_writing(call, entry) for call, entry in module.calls_with_role("loader"))
