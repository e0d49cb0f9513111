"""Where a module grades a model: metric calls, ``.score``/``.evaluate``, predictions, with their data.

Which functions are metrics and which model methods grade or predict is catalog data
(rules/api/evaluation.toml, metrics.toml: roles ``metric``, ``model-score``, ``prediction``). A call
the catalog does not know counts as a metric when its name says it grades (``calculate_metrics``,
``evaluate_model``: ``naming.GRADING_WORDS``) and it is given data. Shared by MLO201-MLO204 and by
``held_out.py`` (a file read as test data is a test set once something grades on it).

Catalog calls are read from the dataflow's call events, one grading per evaluation of the call (a
function's body runs on its own and at each call site), so the data and the model graded are those
of that evaluation; calls the catalog does not know have no event and are read from the joined
values of their arguments.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterable

from mlops_lint.analysis.call_events import call_events
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.naming import GRADING_WORDS, CallsByName, words
from mlops_lint.analysis.values import TEST, TRAIN, DataArg, Value

# What a model method's catalog role makes of its call.
_METHOD_KINDS = {"metric": "score", "model-score": "score", "prediction": "predict"}


@dataclass(frozen=True, eq=False)
class Grading:
    """One call that grades (``kind`` "metric"/"score") or predicts (``kind`` "predict").

    ``data`` holds the arguments that carry data (not objects), ``model`` the model graded when the
    call says which (the object of ``score``/``predict``, an estimator passed to a display helper),
    ``seq`` the flow position of the evaluation (None for calls outside the catalog).
    """

    node: ast.Call
    kind: str
    data: tuple[DataArg, ...]
    model: Value | None
    seq: int | None

    @property
    def on_training_data(self) -> bool:
        """Every data argument is the training part of a split."""
        return bool(self.data) and all(arg.value.roles == frozenset({TRAIN}) for arg in self.data)

    @property
    def on_test_data(self) -> bool:
        return any(arg.value.has_role(TEST) for arg in self.data)

    def first_train_arg(self) -> DataArg | None:
        return next((arg for arg in self.data if arg.value.has_role(TRAIN)), None)


def _is_object(value: Value) -> bool:
    return value.made_by is not None or value.instance_of is not None or bool(value.fitted) or value.function is not None


def _kind(entry_role: str, is_method: bool) -> str | None:
    if is_method:
        return _METHOD_KINDS.get(entry_role)
    return "metric" if entry_role == "metric" else None


def _names_a_grading(name: str) -> bool:
    return not words(name).isdisjoint(GRADING_WORDS)


def _gradings(module: AnalyzedModule) -> tuple[Grading, ...]:
    flow = module.dataflow
    found: list[Grading] = []
    known: set[ast.Call] = set()
    for event in call_events(module).of(*_METHOD_KINDS):  # gradings are sorted below: roles in any order
        entry = event.entry
        assert entry is not None
        kind = _kind(entry.role, "receiver" in entry.facts)
        if kind is None:
            continue
        call = event.call
        known.add(call)
        data = tuple(arg for arg in event.data if arg.value.sources and not _is_object(arg.value) and arg.name != "**")
        model = event.receiver if kind in ("score", "predict") else next((a.value for a in event.data if _is_object(a.value)), None)
        found.append(Grading(call, kind, data, model, event.seq))
    for call in module.shared(CallsByName).matching(_names_a_grading):
        if call in known or module.callee(call) is not None:
            continue
        if isinstance(call.func, ast.Attribute) and _is_object(flow.value_of(call.func.value)):
            continue  # a method of a model the catalog does not know (score_samples): not a grading
        arguments = [a for a in call.args if not isinstance(a, ast.Starred)] + [k.value for k in call.keywords if k.arg]
        data = tuple(DataArg(a, flow.value_of(a), "") for a in arguments
                     if flow.value_of(a).sources and not _is_object(flow.value_of(a)))
        if data:
            model = next((flow.value_of(a) for a in arguments if _is_object(flow.value_of(a))), None)
            found.append(Grading(call, "metric", data, model, None))
    return tuple(sorted(found, key=lambda g: (g.node.lineno, g.node.col_offset, g.seq or 0)))


def gradings(module: AnalyzedModule) -> tuple[Grading, ...]:
    """Every grading or predicting call of the module, in source order (computed once per module)."""
    return module.shared(_gradings)


# Catalog roles of calls that report what they are given (print, a logger, a tracker, a file written).
REPORTING_ROLES = frozenset({"stdout", "recorder", "experiment-logger", "sink"})


def upstream_calls(values: Iterable[Value]) -> set[ast.Call]:
    """The calls upstream of any of ``values``. Values of one module share most of their upstream
    calls: their (name, call) pairs are merged as sets first, and each distinct call read once."""
    pairs: set[tuple[str, ast.Call]] = set()
    for value in values:
        pairs.update(value.calls)
    return {node for _, node in pairs}


def _reported_calls(module: AnalyzedModule) -> frozenset[ast.AST]:
    flow = module.dataflow
    reported: list[Value] = []
    for event in call_events(module).of(*REPORTING_ROLES):
        reported.extend(event.values)
    if module.cell_map is not None:  # a bare expression in a script shows nothing
        for event in flow.events_of("expression"):
            reported.extend(event.values)
    return frozenset(upstream_calls(reported))


def reported_calls(module: AnalyzedModule) -> frozenset[ast.AST]:
    """Calls whose result is reported: printed, logged, written out, or shown as a notebook cell's
    value (computed once per module, for MLO203 and MLO204)."""
    return module.shared(_reported_calls)


def validation_params(module: AnalyzedModule) -> frozenset[str]:
    """Keyword arguments of a fit that hold held-out data (``eval_set``, ``validation_data``): catalog data."""
    return module.catalog.fact_values.get("validation-params", frozenset())
