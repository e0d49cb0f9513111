"""MLO204: a model is graded only on rows it was fitted on.

Two shapes, one finding per grading call:

- the training part of a split: a metric or ``.score`` whose data arguments are all training-role
  values, when nothing in the module grades on anything else (no metric/score on other data, no
  prediction on the test part, no cross-validation or search, no fit given held-out data such as
  ``validation_data=``);
- data never split: a model fitted on ``(X, y)`` and graded (``model.score(X, y)``, a metric of
  ``y`` and ``model.predict(X)``) on those very rows, when that model is graded on nothing else,
  is not cross-validated or searched and is given no validation data. A model fitted without a
  target (clustering) grades nothing here.
"""

from __future__ import annotations

import ast
from typing import Iterator, KeysView

from mlops_lint.analysis.call_events import call_events
from mlops_lint.analysis.grading import Grading, gradings, reported_calls, upstream_calls, validation_params
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.naming import TEST_WORDS, TRAIN_WORDS, VALIDATION_WORDS, CallsByName, says
from mlops_lint.analysis.values import Fit, Value
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule


def _held_out_evaluation(module: AnalyzedModule, found: tuple[Grading, ...]) -> bool:
    for grading in found:
        if grading.kind == "predict" and grading.on_test_data:
            return True
        if grading.kind != "predict" and grading.data and not grading.on_training_data:
            return True
    flow = module.dataflow
    if flow.events_of("cross-validate", "search-fit"):
        return True
    held_out = validation_params(module)
    return any(held_out.intersection(event.keywords) for event in flow.events_of("fit"))


def _callee(call: ast.Call) -> ast.AST:
    return call.func.attr if isinstance(call.func, ast.Attribute) else call.func  # type: ignore[return-value]


def _rows(value: Value) -> tuple[object, ...] | None:
    """What identifies the rows of data that was never split (None for a part of a split)."""
    if value.roles or value.split_nodes or not value.sources:
        return None
    return value.sources, value.fits, value.calls


class EvaluationOnTrainingData(Rule):
    code = "MLO204"
    fields = ("evaluation", "var", "train_line")
    related = ("split", "fit")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        found = gradings(module)
        reported: set[ast.Call] = set()
        predictions = _Predictions(found)
        yield from self._training_part_only(module, found, predictions, reported)
        yield from self._never_split(module, found, predictions, reported)

    def _training_part_only(self, module: AnalyzedModule, found: tuple[Grading, ...], predictions: _Predictions,
                            reported: set[ast.Call]) -> Iterator[Finding]:
        on_training = [g for g in found if g.kind != "predict" and g.on_training_data]
        if not on_training or _held_out_evaluation(module, found):
            return
        for grading in on_training:
            first = grading.first_train_arg()
            if first is None or grading.node in reported:
                continue
            reported.add(grading.node)
            split = min(first.value.split_nodes, key=lambda node: (node.lineno, node.col_offset), default=None)
            fits = [max(model.fitted, key=lambda f: f.seq) for model, _, _, _ in self._graded_models(grading, predictions) if model.fitted]
            trained = fits[0].node if fits else split
            related = [("split", split)] if split is not None else []
            if fits:
                related.append(("fit", fits[0].node))
            yield Finding(
                grading.node,
                {"evaluation": _callee(grading.node), "var": first.node, "train_line": LineRef(trained) if trained is not None else "?"},
                related=tuple(related),
            )

    def _never_split(self, module: AnalyzedModule, found: tuple[Grading, ...], predictions: _Predictions,
                     reported: set[ast.Call]) -> Iterator[Finding]:
        models = _ModelRecords(module)
        loaders = frozenset(call for call, _ in module.calls_with_role("loader"))
        trained: dict[ast.Call, list[tuple[Grading, Fit]]] = {}
        honest: set[ast.Call] = set(models.honest)
        checked, shown = _checked_nodes(module), reported_calls(module)
        for grading in found:
            if grading.kind != "predict" and (grading.node in checked or grading.node not in shown):
                # assert model.score(X, y) > 0.9 tests that a model can fit; a score nobody reads
                # (a smoke test calling score) grades nothing: only a reported score is a grade.
                continue
            if grading.kind == "predict":
                # A model applied to other rows is used on them, whether or not a metric that reads
                # its predictions is seen (the dataflow may not re-run a function for equal values).
                graded: list[tuple[Value, Value, ast.expr, Value | None]] = []
                if grading.model is not None and grading.data:
                    graded.append((grading.model, grading.data[0].value, grading.data[0].node, None))
            else:
                graded = self._graded_models(grading, predictions)
            for model, x_value, x_node, y_value in graded:
                fit = max(model.fitted, key=lambda f: f.seq, default=None)
                key = model.made_by or (fit.node if fit is not None else None)  # an object of a class outside the catalog: its fit
                if key is None:
                    continue
                if fit is None or fit.target is None or fit.data_node is None or fit.data.sources.isdisjoint(loaders):
                    # Toy or synthetic data made in the module (load_iris(), make_classification())
                    # demonstrates an API; a grade is a claim about data the module reads.
                    honest.add(key)
                    continue
                if not self._same_rows(module, fit.data, fit.data_node, x_value, x_node) \
                        or (y_value is not None and _rows(y_value) != _rows(fit.target.as_data())):
                    honest.add(key)  # graded on other rows (or rows the rule cannot compare)
                    continue
                if grading.kind != "predict":
                    trained.setdefault(key, []).append((grading, fit))
        for key, pairs in trained.items():
            if key in honest:
                continue
            # One model graded on its own rows is one finding, at its first grading.
            for grading, fit in sorted(pairs, key=lambda pair: (pair[0].node.lineno, pair[0].node.col_offset))[:1]:
                if grading.node in reported:
                    continue
                reported.add(grading.node)
                yield Finding(
                    grading.node,
                    {"evaluation": _callee(grading.node), "var": grading.data[0].node, "train_line": LineRef(fit.node)},
                    related=(("fit", fit.node),),
                )

    @staticmethod
    def _graded_models(grading: Grading, predictions: _Predictions) -> list[tuple[Value, Value, ast.expr, Value | None]]:
        """(model, X it was graded on and its expression, y it was graded against) for each model this grading grades."""
        if grading.kind == "score" and grading.model is not None and grading.data:
            x = grading.data[0]
            y = grading.data[1].value if len(grading.data) > 1 else None
            return [(grading.model, x.value, x.node, y)] if y is not None else []
        if grading.kind != "metric":
            return []
        graded: list[tuple[Value, Value, ast.expr, Value | None]] = []
        predicted = predictions.nodes
        read: list[Grading] = []
        labels: list[Value] = []
        for arg in grading.data:  # each argument's upstream calls read once, for both questions
            upstream = [node for _, node in arg.value.calls]
            for node in upstream:
                if node in predicted:  # only a prediction can be read: most calls are not asked about
                    prediction = predictions.read_by(node, grading)
                    if prediction is not None:
                        read.append(prediction)
            if predicted.isdisjoint(upstream):
                labels.append(arg.value)
        for prediction in read:
            if prediction.model is not None and prediction.data and labels:
                graded.append((prediction.model, prediction.data[0].value, prediction.data[0].node, labels[0]))
        return graded

    @staticmethod
    def _same_rows(module: AnalyzedModule, fitted: Value, fitted_node: ast.expr, graded: Value, graded_node: ast.expr) -> bool:
        """The rows a model was fitted on are the rows it is graded on: data never split, computed the
        same way, and spelt the same (``fit(X, y)`` then ``score(X, y)``), or handed to a function
        that fits and grades (``def final(X, y, model)``) as one value. The outputs of a split the
        catalog does not know compute the same way from the same data: their names tell them apart."""
        rows = _rows(fitted)
        if rows is None or rows != _rows(graded):
            return False
        if ast.unparse(fitted_node) == ast.unparse(graded_node):
            return True
        if says(fitted_node, TRAIN_WORDS) != says(graded_node, TRAIN_WORDS) or says(graded_node, TEST_WORDS | VALIDATION_WORDS):
            return False  # X_train against X_test: parts of a split the catalog does not know
        return _is_parameter(module, fitted_node) or _is_parameter(module, graded_node)


class _Predictions:
    """Which prediction a metric reads: ``metric(y, model.predict(X))``, per evaluation (a function's
    body runs at each call site with that site's model)."""

    def __init__(self, found: tuple[Grading, ...]) -> None:
        self._by_node: dict[ast.Call, list[Grading]] = {}
        for grading in found:
            if grading.kind == "predict" and grading.model is not None:
                self._by_node.setdefault(grading.node, []).append(grading)

    @property
    def nodes(self) -> KeysView[ast.Call]:
        """The prediction calls (a set view: asked for every call upstream of every metric's data)."""
        return self._by_node.keys()

    def read_by(self, node: ast.Call, metric: Grading) -> Grading | None:
        """The evaluation of prediction ``node`` that ``metric`` reads: the last one before it."""
        evaluations = self._by_node.get(node)
        if not evaluations:
            return None
        if metric.seq is None:
            return evaluations[-1] if len(evaluations) == 1 else None
        before = [g for g in evaluations if g.seq is not None and g.seq < metric.seq]
        return max(before, key=lambda g: g.seq or 0) if before else None


def _names_a_check(name: str) -> bool:
    return name.lower().startswith("assert") or name == "approx"


def _checked_nodes(module: AnalyzedModule) -> frozenset[ast.AST]:
    """Calls whose result is compared or asserted on (an ``assert``, a comparison, a call named
    ``assert…`` or ``approx``), directly or through the names it was stored in."""
    flow = module.dataflow
    checked = [arg.value for event in flow.events_of("check") for arg in event.data]
    inline: set[ast.AST] = set()
    for call in module.shared(CallsByName).matching(_names_a_check):
        for argument in [*call.args, *(k.value for k in call.keywords)]:
            checked.append(flow.value_of(argument))
            inline.update(n for n in ast.walk(argument) if isinstance(n, ast.Call))
    return frozenset(inline.union(upstream_calls(checked)))


def _is_parameter(module: AnalyzedModule, node: ast.expr) -> bool:
    """``node`` is a parameter of the function it is used in."""
    if not isinstance(node, ast.Name):
        return False
    parents = module.parents
    current: ast.AST | None = node
    while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
        current = parents.get(current)
    if current is None:
        return False
    arguments = current.args
    return node.id in {a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]}


class _ModelRecords:
    """Models that something grades honestly: cross-validated, searched, or given validation data."""

    def __init__(self, module: AnalyzedModule) -> None:
        flow = module.dataflow
        held_out = validation_params(module)
        honest: set[ast.Call] = set()
        for event in call_events(module).of("cv-evaluator", "search"):
            honest.update(arg.value.made_by for arg in event.data if arg.value.made_by is not None)
        for event in flow.events_of("fit"):
            if held_out.intersection(event.keywords) and event.receiver is not None and event.receiver.made_by is not None:
                honest.add(event.receiver.made_by)
        self.honest = frozenset(honest)
