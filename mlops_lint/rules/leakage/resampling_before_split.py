"""MLO103: resampling (SMOTE, under-sampling, bootstrap upsampling) of data that later reaches a split or CV."""

from __future__ import annotations

from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import Fit
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.leakage.before_split import leaks_before_split


def _is_resampling(fit: Fit) -> bool:
    return fit.kind == "resample"


class ResamplingBeforeSplit(Rule):
    code = "MLO103"
    fields = ("sampler", "fitted", "var", "fit_line", "split_line")
    related = ("fit", "also")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        yield from leaks_before_split(module, _is_resampling, "sampler")
