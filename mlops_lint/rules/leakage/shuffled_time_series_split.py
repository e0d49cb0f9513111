"""MLO104: time-ordered data split with shuffling (train_test_split, shuffled CV splitters, CV with them).

A split is reported when it certainly shuffles (the catalog's ``shuffle-param``/``shuffle-default``/
``always-shuffles``, with a literal argument; anything else is unknown and silent) and one of the
data arguments derives from time evidence (``time_order.time_evidence``). A splitter that keeps
time order used anywhere in the module is evidence too, for every split of that module.
"""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.arguments import keyword, shuffles
from mlops_lint.analysis.time_order import TimeEvidence, time_evidence
from mlops_lint.analysis.values import Event, Value
from mlops_lint.catalog import ApiEntry
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule


def _splitter(module: AnalyzedModule, event: Event) -> tuple[ApiEntry | None, ast.Call | None]:
    """The splitter that decides the rows of this event, and the call that configured it."""
    call = event.call
    obj: Value | None = None
    if event.kind == "split" and event.entry is not None and event.entry.role == "splitter":
        return event.entry, call
    if event.kind == "split" and isinstance(call.func, ast.Attribute):
        obj = module.dataflow.value_of(call.func.value)
    elif event.kind == "cross-validate":
        obj = event.keywords.get("cv")
    elif event.kind == "search-fit" and event.receiver is not None and event.receiver.made_by is not None:
        cv = keyword(event.receiver.made_by, "cv")  # the search's own cv=, where it was built
        obj = module.dataflow.value_of(cv) if cv is not None else None
    if obj is None:
        return None, None
    return obj.instance_of, obj.made_by


def _time_ordered_splitters(module: AnalyzedModule) -> list[TimeEvidence]:
    return [
        TimeEvidence(node, f"{entry.short_name} elsewhere in the module")
        for node, entry in module.calls_with_role("cv-splitter", "splitter")
        if entry.get("time-ordered")
    ]


class ShuffledTimeSeriesSplit(Rule):
    code = "MLO104"
    fields = ("var", "evidence", "evidence_line", "splitter")
    related = ("evidence", "shuffle")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        module_evidence: list[TimeEvidence] | None = None
        for event in module.dataflow.events_of("split", "cross-validate", "search-fit"):
            entry, call = _splitter(module, event)
            if entry is None or not shuffles(call, entry):
                continue
            evidence = None
            var = None
            for arg in event.data:
                found = time_evidence(module, arg.value)
                if found:
                    evidence, var = found[0], arg.node
                    break
            if evidence is None:
                if module_evidence is None:
                    module_evidence = _time_ordered_splitters(module)
                if not module_evidence or not event.data:
                    continue
                evidence, var = module_evidence[0], event.data[0].node
            yield Finding(
                event.node,
                {
                    "var": var,
                    "evidence": evidence.label,
                    "evidence_line": LineRef(evidence.node),
                    "splitter": entry,
                },
                # The splitter's own call, when it is built apart from where it splits: --fix rewrites it.
                related=(("evidence", evidence.node),) + ((("shuffle", call),) if call is not None and call is not event.node else ()),
            )
