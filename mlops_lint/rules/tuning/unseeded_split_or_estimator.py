"""MLO304: in a training module, a split, shuffling CV splitter or random estimator built without its seed."""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.walk import walk
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.catalog import ApiEntry
from mlops_lint.rules.shapes import calls
from mlops_lint.analysis.arguments import keyword, seeded, shuffles
from mlops_lint.rules.tuning.training import Training, training

# Searches and samplers are MLO301's; these are the other callables whose seed matters.
_ROLES = ("splitter", "cv-splitter", "estimator")


class UnseededSplitOrEstimator(Rule):
    code = "MLO304"
    fields = ("api", "seed")
    related = ("train",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        facts = training(module)
        trained_at = facts.training_call
        if trained_at is None:
            return
        skipped = _decorator_calls(module.tree) | self._wrapped(facts)
        seeded_later = _seeds_set_later(facts)
        for call, entry in facts.catalog_calls:
            if entry.role not in _ROLES or entry.get("seed-param") is None or call in skipped:
                continue
            if entry.get("fixed-default-seed") or entry.get("global-rng") in facts.globally_seeded:
                continue
            if entry.get("seed-param") in seeded_later or _fixed_start(call, entry):
                continue
            if entry.role != "estimator" and shuffles(call, entry) is not True:
                continue  # a split that keeps its order draws nothing
            if seeded(call, entry) is False:
                yield Finding(
                    call,
                    {"api": entry.short_name, "seed": entry.get("seed-param")},
                    related=(("train", trained_at),),
                )

    def _wrapped(self, facts: Training) -> set[ast.Call]:
        """Estimators built inline as an argument of a seedable meta-estimator: it passes its own seed down."""
        inner: set[ast.Call] = set()
        for call, outer in facts.catalog_calls:
            if outer.role != "estimator" or outer.get("seed-param") is None:
                continue
            for arg in [*call.args, *(kw.value for kw in call.keywords)]:
                if isinstance(arg, ast.Call):
                    inner.add(arg)
        return inner


def _decorator_calls(tree: ast.AST) -> set[ast.Call]:
    """Calls in decorators (``@parametrize_with_checks([...])``) build test cases, not trained models."""
    found: set[ast.Call] = set()
    for node in walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for decorator in node.decorator_list:
                found.update(calls(decorator))
    return found


def _seeds_set_later(facts: Training) -> set[str]:
    """Seed parameters set on some instance with ``est.set_params(random_state=...)`` (e.g. one run per seed)."""
    return {
        kw.arg
        for call in facts.calls_of("set_params")
        for kw in call.keywords
        if kw.arg is not None
    }


def _fixed_start(call: ast.Call, entry: ApiEntry) -> bool:
    """KMeans(init=centres): given explicit starting values instead of a named random scheme, nothing is drawn."""
    param = entry.get("deterministic-unless-literal")
    value = keyword(call, param)
    return value is not None and not (isinstance(value, ast.Constant) and isinstance(value.value, str))
