"""MLO401: models scored on two different random splits of the same data are compared."""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.comparison.scores import Score, Split, scope_scores
from mlops_lint.rules.strings import module_constants

_UNKNOWN = object()


def _seed(module: AnalyzedModule, split: Split) -> object:
    """The split's fixed seed (a literal), None when it has none, or _UNKNOWN (a generator, a call…)."""
    for keyword in split.call.keywords:
        if keyword.arg == "shuffle" and isinstance(keyword.value, ast.Constant) and keyword.value.value is False:
            return "no-shuffle"
    param = split.entry.get("seed-param")
    value = next((kw.value for kw in split.call.keywords if kw.arg == param), None)
    if isinstance(value, ast.Name):
        value = module_constants(module).get(value.id, value)
    if value is None or (isinstance(value, ast.Constant) and value.value is None):
        return None
    if isinstance(value, ast.Constant) and isinstance(value.value, int):
        return value.value
    return _UNKNOWN


def _shape(split: Split) -> tuple[str, str]:
    """What is split and how (data arguments, sizes, stratification), apart from the seed."""
    param = split.entry.get("seed-param")
    data = ast.dump(ast.Tuple(elts=list(split.call.args), ctx=ast.Load()))
    others = sorted(ast.dump(kw) for kw in split.call.keywords if kw.arg not in (param, "shuffle"))
    return data, "|".join(others)


def _scored(index: int, scores: list[Score]) -> list[Score]:
    return [score for score in scores if index in score.splits]


class InconsistentComparison(Rule):
    code = "MLO401"
    fields = ("first_line", "reason")
    related = ("first",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        for scope in scope_scores(module):
            scored = [(split, _scored(i, scope.scores)) for i, split in enumerate(scope.splits) if not split.in_loop]
            scored = [(split, scores) for split, scores in scored if scores]
            for index, (split, scores) in enumerate(scored):
                for earlier, earlier_scores in scored[:index]:
                    if _shape(earlier)[0] != _shape(split)[0]:
                        continue  # different data: not the same comparison
                    reason = self._why_different(module, earlier, split)
                    if reason is None or not self._different_models(earlier_scores, scores):
                        continue
                    yield Finding(
                        split.call,
                        {"first_line": LineRef(earlier.call), "reason": reason},
                        related=(("first", earlier.call),),
                    )
                    break

    @staticmethod
    def _why_different(module: AnalyzedModule, first: Split, second: Split) -> str | None:
        seeds = (_seed(module, first), _seed(module, second))
        if _UNKNOWN in seeds:
            return None
        if None in seeds:
            return "no fixed random_state"
        if seeds[0] != seeds[1]:
            return f"random_state {seeds[0]} vs {seeds[1]}"
        if _shape(first)[1] != _shape(second)[1]:
            return "different split sizes or stratification"
        return None

    @staticmethod
    def _different_models(first: list[Score], second: list[Score]) -> bool:
        """The two splits score different models (or a model we cannot name: then assume so only if named ones differ)."""
        first_models = {score.model for score in first if score.model is not None}
        second_models = {score.model for score in second if score.model is not None}
        return bool(first_models) and bool(second_models) and first_models != second_models
