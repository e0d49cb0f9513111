"""Time order facts: the evidence that data is a time series, and the calls that read later rows.

Read from the catalog (``rules/api/timeseries.toml``): functions and data methods of role
``time-evidence``, loaders' ``time-evidence-params``, and data methods of role ``look-ahead`` or
with ``look-ahead-when`` conditions. Each call upstream of a value is resolved like any other
(``AnalyzedModule.callee``). Used by MLO104 and MLO105.

Parsed dates (``dates-only`` evidence: ``pd.to_datetime``, ``read_csv(parse_dates=...)``) show
that the data has a date column, not that its rows are a series: house sales or card
transactions turned into calendar features are independent rows. They count only together with
rows ordered or indexed by value (role ``row-order``: ``sort_values``, ``set_index``, also in
place; a loader's ``index-params`` such as ``index_col``). Lags, windows, differences and
resampling (``shift``, ``rolling``, ``diff``, ``resample``), and regular date ranges, count alone.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from mlops_lint.analysis.arguments import any_holds, keyword
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import Value
from mlops_lint.catalog import ApiEntry


@dataclass(frozen=True)
class TimeEvidence:
    """One call showing time order: its node and how to name it in a message. ``rows``: the
    evidence is about the order of the rows themselves (dates the rows are ordered or indexed
    by), not only about the values the call computed (a lag written to one column)."""

    node: ast.Call
    label: str
    rows: bool = False


def _parses_dates(call: ast.Call, entry: ApiEntry) -> str | None:
    for param in entry.get("time-evidence-params", ()):
        node = keyword(call, param)
        if node is not None and not (isinstance(node, ast.Constant) and node.value in (False, None)):
            return str(param)
    return None


def _in_source_order(found: list[TimeEvidence]) -> list[TimeEvidence]:
    return sorted(found, key=lambda e: (e.node.lineno, e.node.col_offset))


class _CallEvidence:
    """What each call says of time order, read once per call: values of one module share most of
    their upstream calls, and each was resolved again for every value asked about."""

    def __init__(self, module: AnalyzedModule) -> None:
        self._module = module
        self._known: dict[ast.Call, tuple[str, TimeEvidence | None] | None] = {}

    def of(self, node: ast.Call) -> tuple[str, TimeEvidence | None] | None:
        """("found" or "dates", the evidence) for a call that shows it, ("ordered", None) for one that
        orders rows, None for the others."""
        known = self._known
        if node in known:
            return known[node]
        found = known[node] = self._read(node)
        return found

    def _read(self, node: ast.Call) -> tuple[str, TimeEvidence | None] | None:
        entry = self._module.callee(node)
        if entry is None:
            return None
        if entry.role == "time-evidence":
            return ("dates" if entry.get("dates-only") else "found"), TimeEvidence(node, f"{entry.short_name}()")
        if entry.role == "row-order":
            return "ordered", None
        if entry.get("time-evidence-params"):
            param = _parses_dates(node, entry)
            if param is None:
                return None
            index = _given(node, entry.get("index-params", ()))
            if index is not None:
                return "found", TimeEvidence(node, f"{entry.short_name}({param}=..., {index}=...)", rows=True)
            return "dates", TimeEvidence(node, f"{entry.short_name}({param}=...)")
        return None


def time_evidence(module: AnalyzedModule, value: Value) -> list[TimeEvidence]:
    """The calls upstream of ``value`` that show it is time-ordered, in source order."""
    found: list[TimeEvidence] = []
    dates: list[TimeEvidence] = []
    ordered: ast.Call | None = None
    calls = module.shared(_CallEvidence)
    for _, node in value.calls:
        said = calls.of(node)
        if said is None:
            continue
        kind, evidence = said
        if kind == "ordered":
            ordered = node if ordered is None or _before(node, ordered) else ordered
        elif evidence is not None:
            (found if kind == "found" else dates).append(evidence)
    if dates:
        ordered = ordered or _ordered_in_place(module, value)
        if ordered is not None:
            order = module.callee(ordered)
            name = order.short_name if order is not None else "sort"
            found.extend(TimeEvidence(d.node, f"{d.label} with rows ordered by {name}()", rows=True) for d in dates)
    return _in_source_order(found)


def _before(a: ast.AST, b: ast.AST) -> bool:
    return (getattr(a, "lineno", 0), getattr(a, "col_offset", 0)) < (getattr(b, "lineno", 0), getattr(b, "col_offset", 0))


def _given(call: ast.Call, params: list[str] | tuple[str, ...]) -> str | None:
    for param in params:
        node = keyword(call, param)
        if node is not None and not (isinstance(node, ast.Constant) and node.value in (False, None)):
            return str(param)
    return None


def _ordered_in_place(module: AnalyzedModule, value: Value) -> ast.Call | None:
    """``df.sort_values("date", inplace=True)`` / ``df.set_index(..., inplace=True)`` on data of
    the same lineage: the dataflow does not rebind ``df`` for an in-place call."""
    if not value.sources:
        return None
    flow = module.dataflow
    for call, _ in module.calls_with_role("row-order"):
        flag = keyword(call, "inplace")
        if isinstance(flag, ast.Constant) and flag.value is True and isinstance(call.func, ast.Attribute) \
                and flow.value_of(call.func.value).shares_lineage(value):
            return call
    return None


def look_ahead(module: AnalyzedModule, value: Value) -> list[TimeEvidence]:
    """Data-method calls upstream of ``value`` that read later rows (``shift(-1)``, ``rolling(center=True)``, ``bfill``)."""
    found = []
    for _, node in value.calls:
        entry = module.callee(node)
        if entry is None or "receiver" not in entry.facts or not (entry.role == "look-ahead" or entry.get("look-ahead-when")):
            continue
        conditions = entry.get("look-ahead-when")
        if conditions is None or any_holds(node, conditions):
            found.append(TimeEvidence(node, ast.unparse(node.func)[-40:] + "(" + ", ".join(ast.unparse(a) for a in [*node.args, *node.keywords])[:40] + ")"))
    return _in_source_order(found)
