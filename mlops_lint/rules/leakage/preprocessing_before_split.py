"""MLO101: a data-dependent transformer fitted on data that later reaches a split or CV."""

from __future__ import annotations

from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import Fit
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.leakage.before_split import leaks_before_split

# A pipeline that produced data (fit_transform/transform) is a preprocessing fit too, and so is a
# function that scales its argument by its own statistics (minmax_scale).
_ROLES = frozenset({"transformer", "pipeline", "transform-function"})


def _is_preprocessing(fit: Fit) -> bool:
    return fit.kind == "fit" and fit.role in _ROLES


class PreprocessingBeforeSplit(Rule):
    code = "MLO101"
    fields = ("transformer", "fitted", "var", "fit_line", "split_line")
    related = ("fit", "also")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        yield from leaks_before_split(module, _is_preprocessing, "transformer")
