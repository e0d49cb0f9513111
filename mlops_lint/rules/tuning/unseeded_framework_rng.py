"""MLO305: a training module draws from a framework's random generator but never seeds that framework.

A draw counts when it can change what is trained:

- it runs when the module runs (``code_context.runs``): a module of definitions only is a library,
  seeded (or not) by the entry point that calls it; code in a test module's functions and classes is not a run either;
- it makes an object (a layer with random initial weights, a shuffling loader), or acts in
  place (``random.shuffle(rows)``), or its random numbers reach what trains: the dataflow sees
  them upstream of data fitted, split, resampled or cross-validated, of a model, optimizer or
  training step call, or of a value returned or stored. Numbers that only pick images to show,
  make demo arrays for a plot or drive a widget reach none of these and are silent.
"""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.code_context import context
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.grading import upstream_calls
from mlops_lint.analysis.values import Value
from mlops_lint.catalog import ApiEntry
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.analysis.arguments import has_unpacking, keyword, seeded
from mlops_lint.rules.tuning.training import training


class UnseededFrameworkRng(Rule):
    code = "MLO305"
    fields = ("framework", "api", "seeder")
    related = ("train",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        facts = training(module)
        trained_at = facts.training_call
        if trained_at is None:
            return
        seeded_frameworks = set(facts.globally_seeded)
        first_use: dict[str, tuple[ast.Call, ApiEntry]] = {}
        where = context(module)
        consumed: set[ast.Call] | None = None
        for call, entry in facts.catalog_calls:
            if entry.role == "rng-factory":
                state = seeded(call, entry)
                if state is True:  # wherever it is: a seeded generator after the first draw counts too
                    seeded_frameworks.add(entry.get("framework"))
                if state is not False:
                    continue
            elif entry.role != "rng-user" or not _draws(call, entry):
                continue
            if entry.get("framework") in first_use:
                continue
            if not where.runs(call) or where.in_test(call):
                continue
            if _makes_numbers(module, call):
                if consumed is None:
                    consumed = _consumed(module)
                if call not in consumed:
                    continue  # the numbers only go to a plot, a print, a widget
            first_use[entry.get("framework")] = (call, entry)
        for framework, (call, entry) in sorted(first_use.items(), key=lambda item: item[1][0].lineno):
            if framework in seeded_frameworks:
                continue
            yield Finding(
                call,
                {"framework": framework, "api": entry.short_name, "seeder": _seeder(module, framework)},
                related=(("train", trained_at),),
            )


# Roles of calls whose arguments or object are what is trained: data reaching them changes the model.
_TRAINING_ROLES = frozenset({
    "estimator", "model", "trainer", "optimizer", "training-function", "training-step", "search", "pipeline",
    "transformer", "stateless-transformer", "supervised-selector", "target-encoder", "resampler", "resample",
    "splitter", "cv-splitter", "cv-evaluator",
})
_CONSUMING_EVENTS = ("fit", "search-fit", "transform", "resample", "split", "cross-validate", "return", "store", "call")


def _makes_numbers(module: AnalyzedModule, call: ast.Call) -> bool:
    """A draw whose result is data (not an object such as a layer or a loader) and is used (not
    a discarded in-place shuffle)."""
    if isinstance(module.parents.get(call), ast.Expr):
        return False
    value = module.dataflow.value_of(call)
    return value.made_by is None and value.instance_of is None


def _consumed(module: AnalyzedModule) -> set[ast.Call]:
    """The calls upstream of values that reach training (fits, splits, resampling, CV, model and
    training-step calls) or leave the code seen here (returned, stored)."""
    consumed: list[Value] = []
    for event in module.dataflow.events_of(*_CONSUMING_EVENTS):
        if event.kind == "call" and (event.entry is None or event.entry.role not in _TRAINING_ROLES):
            continue
        consumed.extend(event.values)
    return upstream_calls(consumed)


def _draws(call: ast.Call, entry: ApiEntry) -> bool:
    """Whether the call draws from the global generator (not when given its own generator or when not shuffling)."""
    if has_unpacking(call):
        return False
    generator = keyword(call, entry.get("generator-param"))
    if generator is not None and not (isinstance(generator, ast.Constant) and generator.value is None):
        return False
    flag = entry.get("random-if")
    if flag is None:
        return True
    value = keyword(call, flag)
    return isinstance(value, ast.Constant) and value.value is True


def _seeder(module: AnalyzedModule, framework: str) -> str:
    """The catalog's first seed-setter that seeds exactly this framework, for the message."""
    for entry in module.catalog.apis_with_role("seed-setter"):
        if list(entry.get("seeds", ())) == [framework]:
            return entry.qualname
    return "a seed-setter"
