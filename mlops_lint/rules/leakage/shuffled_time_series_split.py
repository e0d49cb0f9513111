"""MLO104: time-ordered data split with shuffling (train_test_split, shuffled CV splitters, CV with them).

A split is reported when it certainly shuffles (the catalog's ``shuffle-param``/``shuffle-default``/
``always-shuffles``, with a literal argument; anything else is unknown and silent) and there is
evidence about the data it splits:

- one of its data arguments derives from time evidence (``time_order.time_evidence``); evidence
  that only computed one column (``df["lag"] = df["y"].shift(1)``) counts for an argument that
  selects that column or that cannot be read as a column selection, not for ``df[["a", "b"]]``;
- or data of the same lineage is split in time order elsewhere in the module (a
  ``TimeSeriesSplit`` on it): the author treats those rows as a series. A time-ordered splitter
  used on other data says nothing about this data.

Splits inside tests (functions and classes of a test module, ``code_context``) exercise the library and are not checked.
"""

from __future__ import annotations

import ast
from typing import Hashable, Iterator

from mlops_lint.analysis.code_context import context
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.arguments import keyword, shuffles
from mlops_lint.analysis.time_order import TimeEvidence, time_evidence
from mlops_lint.analysis.values import Event, Value
from mlops_lint.catalog import ApiEntry
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding, Options, Rule


def _splitter(module: AnalyzedModule, event: Event) -> tuple[ApiEntry | None, ast.Call | None]:
    """The splitter that decides the rows of this event, and the call that configured it."""
    if not isinstance(event.node, ast.Call):
        return None, None  # a split by position or mask keeps the order it is given
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


def _time_ordered_splits(module: AnalyzedModule) -> list[tuple[TimeEvidence, frozenset[Hashable]]]:
    """Each split or CV run by a splitter that keeps time order, with the lineage of its data."""
    found = []
    for event in module.dataflow.events_of("split", "cross-validate", "search-fit"):
        entry, _ = _splitter(module, event)
        if entry is not None and entry.get("time-ordered") and event.data:
            sources = frozenset().union(*(arg.value.sources for arg in event.data))
            found.append((TimeEvidence(event.call, f"{entry.short_name} on the same data", rows=True), sources))
    return found


def _written_column(module: AnalyzedModule, node: ast.AST) -> str | None:
    """``df["lag_1"] = <...node...>``: the one column the evidence call computed."""
    parents = module.parents
    current = parents.get(node)
    while current is not None and not isinstance(current, ast.stmt):
        current = parents.get(current)
    if isinstance(current, ast.Assign) and len(current.targets) == 1:
        target = current.targets[0]
        if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) and isinstance(target.slice.value, str):
            return target.slice.value
    return None


def _strings(node: ast.AST | None) -> set[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, (ast.List, ast.Tuple)) and node.elts and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return {e.value for e in node.elts}  # type: ignore[attr-defined]  # checked above
    return None


def _column_selection(expr: ast.AST | None) -> tuple[bool, set[str]] | None:
    """Read ``expr`` as a column selection: (True, kept columns) for ``df[["a", "b"]]``, (False,
    dropped columns) for ``df.drop(columns=[...])``, through row slices, ``.values``,
    ``np.array(...)``-like wrappers and copies; None when it is not one."""
    while expr is not None:
        if isinstance(expr, ast.Subscript):
            columns = _strings(expr.slice)
            if columns is not None:
                return True, columns
            expr = expr.value  # a row slice or mask: the same columns
        elif isinstance(expr, ast.Attribute):
            expr = expr.value  # .values, .loc
        elif isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Attribute) and func.attr == "drop":
                dropped = _strings(keyword(expr, "columns")) or _strings(expr.args[0] if expr.args else keyword(expr, "labels"))
                return (False, dropped) if dropped is not None else None
            if isinstance(func, ast.Attribute) and not expr.args:
                expr = func.value  # .to_numpy(), .copy(), .dropna()
            elif len(expr.args) == 1:
                expr = expr.args[0]  # np.array(df[...]), np.asarray(...)
            else:
                return None
        else:
            return None
    return None


def _reaches(module: AnalyzedModule, evidence: TimeEvidence, value: Value) -> bool:
    """Whether the evidence is about this data: not a lag written to a column the data leaves out."""
    if evidence.rows:
        return True
    column = _written_column(module, evidence.node)
    selection = _column_selection(value.origin) if column is not None else None
    if selection is None:
        return True
    kept, columns = selection
    return (column in columns) is kept


class ShuffledTimeSeriesSplit(Rule):
    code = "MLO104"
    fields = ("var", "evidence", "evidence_line", "splitter")
    related = ("evidence", "shuffle")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        ordered_splits: list[tuple[TimeEvidence, frozenset[Hashable]]] | None = None
        where = context(module)
        for event in module.dataflow.events_of("split", "cross-validate", "search-fit"):
            entry, call = _splitter(module, event)
            if entry is None or not shuffles(call, entry) or where.in_test(event.node):
                continue
            evidence = None
            var = None
            for arg in event.data:
                found = [e for e in time_evidence(module, arg.value) if _reaches(module, e, arg.value)]
                if found:
                    evidence, var = found[0], arg.node
                    break
            if evidence is None:
                if ordered_splits is None:
                    ordered_splits = _time_ordered_splits(module)
                evidence, var = next(
                    ((split, arg.node) for split, sources in ordered_splits for arg in event.data if arg.value.sources & sources),
                    (None, None),
                )
                if evidence is None:
                    continue
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
