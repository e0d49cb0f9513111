"""MLO601: predictions flow to a sink (file, database, HTTP, response) with no check in between.

A question to the dataflow: which prediction calls (catalog role ``prediction``) are upstream of a
sink's data (``data-arg``) with no check of them earlier in the flow (``analysis/checks.py``).
A metric's result is a score, not the predictions it graded: nothing of them flows through it.
"""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.checks import unchecked
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import Value
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.shapes import in_source_order, sink_values


class UncheckedPredictions(Rule):
    code = "MLO601"
    fields = ("sink", "line")
    related = ("prediction",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        predictions = {call for call, _ in module.calls_with_role("prediction")}
        if not predictions:
            return
        sinks = [event for event in module.dataflow.events_of("call") if event.entry is not None and event.entry.role == "sink"]

        def carried(value: Value) -> Iterator[ast.Call]:
            return (node for _, node in value.calls if node in predictions)

        reported: set[ast.AST] = set()
        for sink, found in unchecked(module, sinks, sink_values, carried):
            if sink.node in reported:
                continue
            reported.add(sink.node)
            first = in_source_order(found)[0]
            yield Finding(sink.node, {"sink": sink.entry, "line": LineRef(first)}, related=(("prediction", first),))
