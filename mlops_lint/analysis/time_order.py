"""Time order facts: the evidence that data is a time series, and whether a split shuffles rows.

Read from the catalog (``rules/api/timeseries.toml``): functions and data methods of role
``time-evidence`` (methods of data keyed with ``receiver``), loaders' ``time-evidence-params``, splitters' ``shuffle-param`` /
``shuffle-default`` / ``always-shuffles`` / ``time-ordered``. Used by MLO104 and MLO105.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from mlops_lint.analysis.arguments import any_holds
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import Value
from mlops_lint.catalog import ApiEntry


@dataclass(frozen=True)
class TimeEvidence:
    """One call showing time order: its node and how to name it in a message."""

    node: ast.Call
    label: str


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


# Per catalog (its api table, held so that its id is never reused while cached): name → entry.
_BY_CATALOG: dict[tuple[int, str], tuple[dict, dict[str, ApiEntry]]] = {}


def _cached(module: AnalyzedModule, kind: str) -> dict[str, ApiEntry] | None:
    known = _BY_CATALOG.get((id(module.catalog.api), kind))
    return known[1] if known is not None and known[0] is module.catalog.api else None


def _evidence_names(module: AnalyzedModule) -> dict[str, ApiEntry]:
    """``".shift"`` for data methods, the qualified name for functions, loaders that parse dates."""
    names = _cached(module, "evidence")
    if names is not None:
        return names
    names = {}
    _BY_CATALOG[(id(module.catalog.api), "evidence")] = (module.catalog.api, names)
    for entry in module.catalog.api.values():
        if entry.role == "time-evidence":
            names["." + entry.short_name if "receiver" in entry.facts else entry.qualname] = entry
        elif entry.get("time-evidence-params"):
            names[entry.qualname] = entry
    return names


def _parses_dates(call: ast.Call, entry: ApiEntry) -> str | None:
    for param in entry.get("time-evidence-params", ()):
        node = _keyword(call, param)
        if node is not None and not (isinstance(node, ast.Constant) and node.value in (False, None)):
            return param
    return None


def time_evidence(module: AnalyzedModule, value: Value) -> list[TimeEvidence]:
    """The calls upstream of ``value`` that show it is time-ordered, in source order."""
    names = _evidence_names(module)
    found = []
    for name, node in value.calls:
        entry = names.get(name)
        if entry is None:
            continue
        if entry.role == "time-evidence":
            found.append(TimeEvidence(node, f"{name.lstrip('.') if name.startswith('.') else entry.short_name}()"))
        else:
            param = _parses_dates(node, entry)
            if param is not None:
                found.append(TimeEvidence(node, f"{entry.short_name}({param}=...)"))
    return sorted(found, key=lambda e: (e.node.lineno, e.node.col_offset))


def constructor_call(obj: Value) -> ast.Call | None:
    """The call that built a catalog object (``KFold(shuffle=True)``), when the dataflow saw it."""
    if obj.instance_of is None:
        return None
    nodes = obj.calls_named(obj.instance_of.qualname)
    return nodes[-1] if len(nodes) == 1 else None


def shuffles(call: ast.Call | None, entry: ApiEntry | None) -> bool:
    """True when this splitter call (or constructor) certainly shuffles rows; unknown is False."""
    if entry is None:
        return False
    if entry.get("always-shuffles"):
        return True
    param = entry.get("shuffle-param")
    if param is None or call is None:
        return False
    node = _keyword(call, param)
    if node is None:
        return bool(entry.get("shuffle-default"))
    return isinstance(node, ast.Constant) and node.value is True


def look_ahead(module: AnalyzedModule, value: Value) -> list[TimeEvidence]:
    """Calls upstream of ``value`` that read later rows (``shift(-1)``, ``rolling(center=True)``, ``bfill``)."""
    methods = _cached(module, "look-ahead")
    if methods is None:
        methods = {
            "." + e.short_name: e for e in module.catalog.api.values()
            if "receiver" in e.facts and (e.role == "look-ahead" or e.get("look-ahead-when"))
        }
        _BY_CATALOG[(id(module.catalog.api), "look-ahead")] = (module.catalog.api, methods)
    found = []
    for name, node in value.calls:
        entry = methods.get(name)
        if entry is None:
            continue
        conditions = entry.get("look-ahead-when")
        if conditions is None or any_holds(node, conditions):
            found.append(TimeEvidence(node, ast.unparse(node.func)[-40:] + "(" + ", ".join(ast.unparse(a) for a in [*node.args, *node.keywords])[:40] + ")"))
    return sorted(found, key=lambda e: (e.node.lineno, e.node.col_offset))
