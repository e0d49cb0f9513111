"""Time order facts: the evidence that data is a time series, and the calls that read later rows.

Read from the catalog (``rules/api/timeseries.toml``): functions and data methods of role
``time-evidence``, loaders' ``time-evidence-params``, and data methods of role ``look-ahead`` or
with ``look-ahead-when`` conditions. Each call upstream of a value is resolved like any other
(``AnalyzedModule.callee``). Used by MLO104 and MLO105.
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
    """One call showing time order: its node and how to name it in a message."""

    node: ast.Call
    label: str


def _parses_dates(call: ast.Call, entry: ApiEntry) -> str | None:
    for param in entry.get("time-evidence-params", ()):
        node = keyword(call, param)
        if node is not None and not (isinstance(node, ast.Constant) and node.value in (False, None)):
            return str(param)
    return None


def _in_source_order(found: list[TimeEvidence]) -> list[TimeEvidence]:
    return sorted(found, key=lambda e: (e.node.lineno, e.node.col_offset))


def time_evidence(module: AnalyzedModule, value: Value) -> list[TimeEvidence]:
    """The calls upstream of ``value`` that show it is time-ordered, in source order."""
    found = []
    for _, node in value.calls:
        entry = module.callee(node)
        if entry is None:
            continue
        if entry.role == "time-evidence":
            found.append(TimeEvidence(node, f"{entry.short_name}()"))
        elif entry.get("time-evidence-params"):
            param = _parses_dates(node, entry)
            if param is not None:
                found.append(TimeEvidence(node, f"{entry.short_name}({param}=...)"))
    return _in_source_order(found)


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
