"""MLO103: resampling (SMOTE, under-sampling, bootstrap upsampling) of data that later reaches a split or CV.

Two shapes: a resampling of the whole data before any split or cross-validation, and a
resampling of the training part followed by a cross-validation, a search or a K-fold loop on its
output (each validation fold then holds copies or synthetic neighbours of rows in its training
folds, or, under-sampled, a class balance that the real data does not have). A validation split of resampled training rows by ``train_test_split``
is left alone: the test set is still clean. The message says which shape it is.
"""

from __future__ import annotations

import ast
from typing import Any, Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import Event, Fit
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.leakage.before_split import leaks_before_split

_RESAMPLE_TRAINING_ONLY = "resample the training split only, or use an imblearn Pipeline in cross-validation"
_FOLDS_RESAMPLED = ("every validation fold is then resampled rows too: copies or synthetic neighbours of rows in its "
                    "training folds, or a class balance the real data does not have; cross-validate an imblearn "
                    "Pipeline(sampler, model) on the rows before resampling instead")


def _is_resampling(fit: Fit) -> bool:
    return fit.kind == "resample"


def _cross_validates(sink: Event) -> bool:
    """A cross-validation, a search's fit or a CV splitter's ``split`` (a K-fold loop); not
    ``train_test_split`` nor a split by position (see the module docstring)."""
    if sink.kind in ("cross-validate", "search-fit"):
        return True
    return sink.kind == "split" and sink.entry is not None and sink.entry.role == "cv-splitter"


def _sink_fields(fit: Fit, sink: Event) -> dict[str, Any]:
    """How the resampled rows reach the sink (split or cross-validated), and what to do instead."""
    sunk = "split" if sink.kind == "split" else "cross-validated"
    return {"sunk": sunk, "advice": _FOLDS_RESAMPLED if fit.on_training_split else _RESAMPLE_TRAINING_ONLY}


class ResamplingBeforeSplit(Rule):
    code = "MLO103"
    fields = ("sampler", "fitted", "var", "fit_line", "split_line", "sunk", "advice")
    related = ("fit", "also")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        # Resamplings that first reach the same sink are one leak there (both classes of a hand-made
        # balance drawn, SMOTE then an under-sampler): one finding, the other resamplings related.
        at_sink: dict[ast.AST, Finding] = {}
        for finding in leaks_before_split(module, _is_resampling, "sampler", training_rows=_cross_validates, describe_sink=_sink_fields):
            first = at_sink.get(finding.node)
            if first is None:
                at_sink[finding.node] = finding
                continue
            known = {id(node) for _, node in first.related}
            extra = tuple(place for place in finding.related if id(place[1]) not in known)
            at_sink[finding.node] = Finding(first.node, first.fields, (*first.related, *extra))
        yield from at_sink.values()
