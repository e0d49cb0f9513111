"""MLO401: models scored on two different random splits of the same data are compared."""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.arguments import keyword
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.comparison.splits_and_scores import Comparisons, Score, Split, comparisons

_UNKNOWN = object()


def _seed(module: AnalyzedModule, split: Split) -> object:
    """The split's fixed seed (a literal), None when it has none, or _UNKNOWN (a generator, a call…)."""
    shuffle = keyword(split.call, "shuffle")
    if isinstance(shuffle, ast.Constant) and shuffle.value is False:
        return "no-shuffle"
    value = keyword(split.call, split.entry.get("seed-param"))
    if isinstance(value, ast.Name):
        value = module.dataflow.value_of(value).origin or value  # SEED = 1 … random_state=SEED
    if value is None or (isinstance(value, ast.Constant) and value.value is None):
        return None
    if isinstance(value, ast.Constant) and isinstance(value.value, int):
        return value.value
    return _UNKNOWN


def _data(split: Split) -> tuple[object, ...]:
    """What is split: the lineage of each data argument."""
    return tuple(arg.value.sources for arg in split.event.data)


def _settings(split: Split) -> str:
    """How it is split (sizes, stratification), apart from the seed."""
    param = split.entry.get("seed-param")
    return "|".join(sorted(ast.dump(kw) for kw in split.call.keywords if kw.arg not in (param, "shuffle")))


class InconsistentComparison(Rule):
    code = "MLO401"
    fields = ("first_line", "reason")
    related = ("first",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        found = comparisons(module)
        scored = [
            (split, [score for score in found.scores if split.call in score.splits])
            for split in found.splits if not found.in_loop(split.call)
        ]
        scored = [(split, scores) for split, scores in scored if scores]
        for index, (split, scores) in enumerate(scored):
            for earlier, earlier_scores in scored[:index]:
                if not self._same_experiment(found, earlier, split):
                    continue
                reason = self._why_different(module, earlier, split)
                if reason is None or not self._different_models(earlier_scores, scores):
                    continue
                yield Finding(split.call, {"first_line": LineRef(earlier.call), "reason": reason}, related=(("first", earlier.call),))
                break

    @staticmethod
    def _same_experiment(found: Comparisons, first: Split, second: Split) -> bool:
        """Two splits of the same data in one scope: one comparison (different data is another)."""
        return found.scope_of(first.call) is found.scope_of(second.call) and _data(first) == _data(second)

    @staticmethod
    def _why_different(module: AnalyzedModule, first: Split, second: Split) -> str | None:
        seeds = (_seed(module, first), _seed(module, second))
        if _UNKNOWN in seeds:
            return None
        if None in seeds:
            return "no fixed random_state"
        if seeds[0] != seeds[1]:
            return f"random_state {seeds[0]} vs {seeds[1]}"
        if _settings(first) != _settings(second):
            return "different split sizes or stratification"
        return None

    @staticmethod
    def _different_models(first: list[Score], second: list[Score]) -> bool:
        """The two splits score different models (or a model we cannot name: then assume so only if named ones differ)."""
        first_models = {score.model for score in first if score.model is not None}
        second_models = {score.model for score in second if score.model is not None}
        return bool(first_models) and bool(second_models) and first_models != second_models
