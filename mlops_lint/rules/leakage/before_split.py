"""Shared logic of MLO101–MLO103: something learnt from data that later reaches a split or CV.

A fit (or resample, or selection) leaks when its output flows into the data argument of a split or
cross-validation call (``Value.fits``), it was not fitted on a training split only, and the data
it learnt from shares lineage with the data being split (a fitted object applied to a fresh data
set does not leak). A fit on the full data whose object later transforms the split parts leaks too:
it is reported at that split.
"""

from __future__ import annotations

import ast
from typing import Callable, Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import DataArg, Event, Fit
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding


def _leaks(fit: Fit, arg: DataArg, sink: Event) -> bool:
    return fit.seq < sink.seq and not fit.on_training_split and fit.data.shares_lineage(arg.value)


def leaks_before_split(module: AnalyzedModule, relevant: Callable[[Fit], bool], name_field: str) -> Iterator[Finding]:
    """Findings at each split/CV sink for every relevant fit that leaks into it (one per pair)."""
    flow = module.dataflow
    reported: set[tuple[ast.AST, ast.AST]] = set()
    sinks = [event for event in flow.events if event.is_split_or_cv]
    split_seq = {event.call: event.seq for event in sinks}
    sink_by_node = {event.call: event for event in sinks}
    candidates: list[tuple[Fit, DataArg, Event]] = []
    for sink in sinks:
        for arg in sink.data:
            for fit in arg.value.fits:
                if relevant(fit) and _leaks(fit, arg, sink):
                    candidates.append((fit, arg, sink))
    # sc.fit(X); X_tr, X_te = split(X); sc.transform(X_tr): the statistics still include X_te.
    for event in flow.events_of("transform"):
        if event.receiver is None or not event.data:
            continue
        arg = event.data[0]
        for split_node in arg.value.split_nodes:
            split = sink_by_node.get(split_node)
            if split is None:
                continue
            for fit in event.receiver.fitted:
                if relevant(fit) and fit.seq < split_seq[split_node] and not fit.on_training_split:
                    for split_arg in split.data:
                        if fit.data.shares_lineage(split_arg.value):
                            candidates.append((fit, split_arg, split))
                            break
    for fit, arg, sink in sorted(candidates, key=lambda c: (c[2].seq, c[0].seq)):
        key = (sink.node, fit.node)
        if key in reported:
            continue
        reported.add(key)
        yield Finding(
            sink.node,
            {
                name_field: fit.entry if fit.entry is not None else "transformer",
                "var": arg.node,
                "fit_line": LineRef(fit.node),
                "split_line": LineRef(sink.node),
            },
            related=(("fit", fit.node),),
        )
