"""Shared logic of MLO101–MLO103: something learnt from data that later reaches a split or CV.

A fit (or resample, or selection) leaks when its output flows into the data argument of a split or
cross-validation call (``Value.fits``), it was not fitted on a training split only, and the data
it learnt from shares lineage with the data being split (a fitted object applied to a fresh data
set does not leak). A fit on the full data whose object later transforms the split parts leaks too:
it is reported at that split.

One leak, one finding: a fit is reported once, at the first split or CV call (in flow order) that
its data reaches; the later ones are related locations. Fits of one object on the same data that
first reach the same sink (``t.fit_transform(X)[:, 0]`` then ``t.fit_transform(X)[:, 1]``) are one
finding too. The message names the data the fit saw (its own argument), not a later descendant.
A fit whose output is only drawn or printed (``only_shown``) grades nothing: silent.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from mlops_lint.analysis.leakage_facts import learns_from_data, only_shown
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.project import owner_of
from mlops_lint.analysis.values import DataArg, Event, Fit
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding


def _statement_line(module: AnalyzedModule, node: ast.AST) -> int:
    """The first line of the statement holding ``node`` (several statements may share it: ``a = 1; b = 2``)."""
    parents = module.parents
    while not isinstance(node, ast.stmt) and node in parents:
        node = parents[node]
    return getattr(node, "lineno", 0)


_SinkTest = Callable[[Event], bool]


def _leaks(fit: Fit, arg: DataArg, sink: Event, training_rows: _SinkTest | None) -> bool:
    if fit.on_training_split and (training_rows is None or not training_rows(sink)):
        return False
    return fit.seq < sink.seq and fit.data.shares_lineage(arg.value)


@dataclass
class _Leak:
    """One fit's leak: the first sink it reaches (with the argument there) and the later sinks."""

    fit: Fit
    arg: DataArg
    sink: Event
    later: list[ast.AST] = field(default_factory=list)
    twins: list[Fit] = field(default_factory=list)


_SINK_KINDS = frozenset({"split", "cross-validate", "search-fit"})


class _Sinks:
    """The module's split and CV events, and each sink node's last one: read once for MLO101-MLO103."""

    def __init__(self, module: AnalyzedModule) -> None:
        self.events = [event for event in module.dataflow.events if event.kind in _SINK_KINDS]  # Event.is_split_or_cv, inline
        self.by_node = {event.node: event for event in self.events}


def _candidates(module: AnalyzedModule, relevant: Callable[[Fit], bool], training_rows: _SinkTest | None) -> list[tuple[Fit, DataArg, Event]]:
    flow = module.dataflow
    read = module.shared(_Sinks)
    sinks, sink_by_node = read.events, read.by_node
    found: list[tuple[Fit, DataArg, Event]] = []
    for sink in sinks:
        for arg in sink.data:
            for fit in arg.value.fits:
                if relevant(fit) and _leaks(fit, arg, sink, training_rows):
                    found.append((fit, arg, sink))
    # sc.fit(X); X_tr, X_te = split(X); sc.transform(X_tr): the statistics still include X_te.
    for event in flow.events_of("transform"):
        if event.receiver is None or not event.data:
            continue
        for split_node in event.data[0].value.split_nodes:
            split = sink_by_node.get(split_node)
            if split is None:
                continue
            for fit in event.receiver.fitted:
                if relevant(fit) and fit.seq < split.seq and not fit.on_training_split:
                    shared = next((arg for arg in split.data if fit.data.shares_lineage(arg.value)), None)
                    if shared is not None:
                        found.append((fit, shared, split))
    return found


def leaks_before_split(module: AnalyzedModule, relevant: Callable[[Fit], bool], name_field: str,
                       describe: Callable[[list[Fit]], dict[str, Any]] | None = None, *,
                       training_rows: _SinkTest | None = None,
                       describe_sink: Callable[[Fit, Event], dict[str, Any]] | None = None) -> Iterator[Finding]:
    """One finding per leaking fit, at the first split/CV sink it reaches (see the module docstring);
    ``describe`` adds or replaces message fields, given the fits of the finding (the first, then its twins);
    ``describe_sink`` too, given the first fit and its first sink. A fit on the training part of a split
    leaks too at the sinks ``training_rows`` accepts (resampled rows cross-validated: the copies of a
    row land on both sides of every fold)."""
    by_fit: dict[ast.AST, _Leak] = {}
    candidates = _candidates(module, lambda fit: relevant(fit) and fit.data_node is not None and learns_from_data(fit, module),
                             training_rows)
    # asked about the candidates only, each decided once for MLO101-MLO103
    shown = only_shown(module, {fit for fit, _, _ in candidates}) if candidates else frozenset()
    for fit, arg, sink in sorted(candidates, key=lambda c: (c[2].seq, c[0].seq)):
        if fit in shown:
            continue
        leak = by_fit.get(fit.node)
        if leak is None:
            by_fit[fit.node] = _Leak(fit, arg, sink)
        elif sink.node is not leak.sink.node and sink.node not in leak.later:
            leak.later.append(sink.node)
    # Fits of one object on the same data whose first sink is the same, and statistics of the same
    # data in statements that start on one line ((X - X.mean()) / X.std(), lo = X.min(); hi = X.max()):
    # one finding, whose message's line is then the line of each.
    # The data is compared by its tree (ast.dump) only when a sink and an object have a second leak:
    # dumping every fit's data was a fifth of MLO101's work on a long notebook.
    firsts: list[_Leak] = []
    by_maker: dict[tuple[object, ...], list[_Leak]] = {}
    dumps: dict[ast.AST, str] = {}

    def data_tree(found: _Leak) -> str:
        node = found.fit.data_node
        assert node is not None
        if node not in dumps:
            dumps[node] = ast.dump(node)
        return dumps[node]

    for leak in sorted(by_fit.values(), key=lambda found: (found.sink.seq, found.fit.seq)):
        fit = leak.fit
        assert fit.data_node is not None
        maker: object = fit.made_by or fit.node
        if fit.kind == "statistic":
            owner = owner_of(fit.node, module)
            maker = ("statistic", owner.path, _statement_line(owner, fit.node))
        same_maker = by_maker.setdefault((leak.sink.node, maker), [])
        first = next((found for found in same_maker if data_tree(found) == data_tree(leak)), None) if same_maker else None
        if first is None:
            same_maker.append(leak)
            firsts.append(leak)
        else:
            first.twins.append(fit)
            first.later.extend(node for node in leak.later if node not in first.later)
    for leak in firsts:
        fit = leak.fit
        assert fit.data_node is not None
        fields: dict[str, Any] = {
            name_field: fit.entry if fit.entry is not None else "transformer",
            "fitted": fit.data_node,
            "var": leak.arg.node,
            "fit_line": LineRef(fit.node),
            "split_line": LineRef(leak.sink.node),
        }
        if describe is not None:
            fields.update(describe([fit, *leak.twins]))
        if describe_sink is not None:
            fields.update(describe_sink(fit, leak.sink))
        yield Finding(
            leak.sink.node,
            fields,
            related=(("fit", fit.node), *(("fit", twin.node) for twin in leak.twins if twin.node.lineno != fit.node.lineno),
                     *(("also", node) for node in leak.later)),
        )
