"""MLO402: several models are compared on one hold-out score, with no cross-validation or spread."""

from __future__ import annotations

from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.comparison.splits_and_scores import comparisons

# Anything in the module that evaluates on more than one split, or reports a spread, is taken as
# the comparison being done properly: the rule then stays silent for the whole module.
_ROBUST_EVALUATION = ("cv-splitter", "cv-evaluator", "search", "spread")


class SingleSplitComparison(Rule):
    code = "MLO402"
    fields = ("count", "test", "split_line")
    related = ("split",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        if any(module.calls_with_role(role) for role in _ROBUST_EVALUATION):  # each role's calls are indexed
            return
        found = comparisons(module)
        repeated = {found.scope_of(split.call) for split in found.splits if found.in_loop(split.call)}
        for split in found.splits:
            if found.scope_of(split.call) in repeated:
                continue  # repeated splits
            models: list[object] = []
            for score in found.scores_of(split.call):
                if score.model is None:
                    continue
                if score.model not in models:
                    models.append(score.model)
                if len(models) >= 2 or score.model_from_loop:
                    count = "several" if score.model_from_loop else str(len(models))
                    # The test part as the score spells it, else as the split names it.
                    test = sorted(split.test_names & score.data_names) or sorted(split.test_names) or ["the test part"]
                    yield Finding(
                        score.call,
                        {"count": count, "test": test[0], "split_line": LineRef(split.call)},
                        related=(("split", split.call),),
                    )
                    break
