"""MLO402: several models are compared on one hold-out score, with no cross-validation or spread."""

from __future__ import annotations

from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.comparison.scores import scope_scores
from mlops_lint.rules.shapes import calls_with_role

# Anything in the module that evaluates on more than one split, or reports a spread, is taken as
# the comparison being done properly: the rule then stays silent for the whole module.
_ROBUST_EVALUATION = ("cv-splitter", "cv-evaluator", "search", "spread")


class SingleSplitComparison(Rule):
    code = "MLO402"
    fields = ("count", "test", "split_line")
    related = ("split",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        if next(calls_with_role(module, module.tree, *_ROBUST_EVALUATION), None) is not None:
            return
        for scope in scope_scores(module):
            if any(split.in_loop for split in scope.splits):
                continue  # repeated splits
            for index, split in enumerate(scope.splits):
                scores = [score for score in scope.scores if index in score.splits and score.model]
                models: list[str] = []
                for score in scores:
                    if score.model not in models:
                        models.append(score.model)
                    if len(models) >= 2 or score.model_from_loop:
                        count = "several" if score.model_from_loop else str(len(models))
                        yield Finding(
                            score.call,
                            {"count": count, "test": sorted(split.test_names & score.data)[0], "split_line": LineRef(split.call)},
                            related=(("split", split.call),),
                        )
                        break
