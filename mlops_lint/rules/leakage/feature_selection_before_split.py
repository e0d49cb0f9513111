"""MLO102: supervised feature selection fitted with the target on data that later reaches a split or CV."""

from __future__ import annotations

from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import Fit
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.leakage.before_split import leaks_before_split


def _is_supervised_selection(fit: Fit) -> bool:
    if fit.kind == "select":
        return True
    return fit.kind == "fit" and fit.role == "supervised-selector" and fit.target is not None


class FeatureSelectionBeforeSplit(Rule):
    code = "MLO102"
    fields = ("selector", "fitted", "var", "fit_line", "split_line")
    related = ("fit", "also")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        yield from leaks_before_split(module, _is_supervised_selection, "selector")
