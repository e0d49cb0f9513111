"""MLO503: data is loaded and passed to fit without any check on it in between.

A question to the dataflow: which loads (catalog role ``loader``, not opened for writing) are in
the lineage of a fit's data with no check of them earlier in the flow (``analysis/checks.py``).
A load is reported once, at the first fit it reaches unchecked.
"""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.checks import unchecked
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import Event, Value, call_of
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.shapes import in_source_order
from mlops_lint.rules.strings import opens_for_writing

_TRAINING_METHODS = frozenset({"fit", "partial_fit", "fit_transform"})


def _fit_data(event: Event) -> list[Value]:
    return [*(arg.value for arg in event.data), *event.keywords.values()]


class UnvalidatedTrainingData(Rule):
    code = "MLO503"
    fields = ("reader", "line")
    related = ("load",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        loads = {call: entry for call, entry in module.calls_with_role("loader") if not opens_for_writing(call, entry)}
        if not loads:
            return
        fits = [
            event for event in module.dataflow.events_of("fit", "search-fit")
            if isinstance(event.call.func, ast.Attribute) and event.call.func.attr in _TRAINING_METHODS
        ]

        def carried(value: Value) -> Iterator[ast.Call]:
            return (call for source in value.sources if (call := call_of(source)) is not None and call in loads)

        reported: set[ast.Call] = set()
        fitted: set[ast.AST] = set()
        for fit, found in unchecked(module, fits, _fit_data, carried):
            fresh = found - reported
            if not fresh or fit.node in fitted:
                continue
            reported |= fresh
            fitted.add(fit.node)
            first = in_source_order(fresh)[0]
            yield Finding(fit.node, {"reader": loads[first], "line": LineRef(first)}, related=(("load", first),))
