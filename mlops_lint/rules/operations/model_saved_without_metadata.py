"""MLO602: a model is persisted with nothing recording what it was trained on, or when."""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.analysis.arguments import argument
from mlops_lint.rules.shapes import calls, has_keyword, sink_data
from mlops_lint.rules.tuning.training import trains

# Anything in the module that records the run or writes a side file counts as metadata kept.
_MODULE_EVIDENCE = ("experiment-logger", "data-hash")


def _bundles_metadata(saved: ast.AST) -> bool:
    """``torch.save({"model": ..., "epoch": ..., "metrics": ...})`` or ``dump((model, info), f)``."""
    if isinstance(saved, ast.Dict):
        return len(saved.keys) >= 2
    if isinstance(saved, ast.Call) and isinstance(saved.func, ast.Name) and saved.func.id == "dict":
        return len(saved.keywords) >= 2
    return isinstance(saved, (ast.Tuple, ast.List)) and len(saved.elts) >= 2


def _trained_objects(module: AnalyzedModule) -> set[ast.Call]:
    """The objects (their constructor calls) one of whose training methods the module calls (``model.train()``)."""
    flow = module.dataflow
    found = set()
    for call in module.nodes_of(ast.Call):
        func = call.func
        if isinstance(func, ast.Attribute):
            receiver = flow.value_of(func.value)
            if receiver.made_by is not None and (func.attr == "train" or func.attr in trains(module, receiver)):
                found.add(receiver.made_by)
    return found


class ModelSavedWithoutMetadata(Rule):
    code = "MLO602"
    fields = ("saver", "model")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        sinks = module.calls_with_role("sink")
        saves = [(call, entry) for call, entry in sinks if entry.get("saves-model")]
        side_files = [call for call, entry in sinks if not entry.get("saves-model")]
        if not saves or side_files or module.uses_role(*_MODULE_EVIDENCE):
            return
        trained: set[ast.Call] | None = None
        for call, entry in saves:
            saved = sink_data(call, entry)
            if saved is None or _bundles_metadata(saved) or has_keyword(call, entry.get("metadata-keywords", [])):
                continue
            if entry.get("needs-trained-receiver"):
                model = module.dataflow.value_of(saved)
                if trained is None:
                    trained = _trained_objects(module)
                if not model.fitted and model.made_by not in trained:
                    continue  # the dataflow never saw it fitted or trained
            path = argument(call, entry.get("path-arg"), None) if isinstance(entry.get("path-arg"), int) else None
            if path is not None and any(getattr(module.callee(inner), "role", None) == "clock" for inner in calls(path)):
                continue  # a timestamped file name
            yield Finding(call, {"saver": entry.short_name, "model": ast.unparse(saved)})
