"""MLO101: a data-dependent transformer fitted, or a statistic computed by hand, on data that later reaches a split or CV."""

from __future__ import annotations

from typing import Any, Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.project import owner_of
from mlops_lint.analysis.leakage_facts import feature_fits
from mlops_lint.analysis.statistics import StatisticUses
from mlops_lint.analysis.statistics import label as statistic_label
from mlops_lint.analysis.values import Fit
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.leakage.before_split import leaks_before_split

# A pipeline that produced data (fit_transform/transform) is a preprocessing fit too, and so is a
# function that scales its argument by its own statistics (minmax_scale).
_ROLES = frozenset({"transformer", "pipeline", "transform-function"})


def _is_fitted_preprocessing(fit: Fit) -> bool:
    return fit.kind == "fit" and fit.role in _ROLES


def _feature_fits(module: AnalyzedModule) -> frozenset[Fit]:
    return feature_fits(module.dataflow)


def _describe(fits: list[Fit]) -> dict[str, Any]:
    if fits[0].kind == "statistic":  # (X - X.min()) / (X.max() - X.min()): "min() and max()"
        labels = sorted({statistic_label(fit.node) for fit in fits})
        named = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
        return {"transformer": named, "learnt": "computed on"}
    return {"learnt": "fitted on"}


class PreprocessingBeforeSplit(Rule):
    code = "MLO101"
    fields = ("transformer", "learnt", "fitted", "var", "fit_line", "split_line")
    related = ("fit", "also")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        def relevant(fit: Fit) -> bool:
            # A statistic computed by hand (df["Age"].median() filled in) is preprocessing too, when
            # it is put into the rows of the features (not a sample size, a mask, a shift, the target).
            # Both facts are read once per module, and only in modules that reach a split with one.
            if fit.kind == "statistic":
                # A helper of another module computed it: that module's syntax says how it is used.
                uses = owner_of(fit.node, module).shared(StatisticUses)
                return fit in module.shared(_feature_fits) and uses.applied(fit.node, fit.entry)
            return _is_fitted_preprocessing(fit)

        yield from leaks_before_split(module, relevant, "transformer", _describe)
