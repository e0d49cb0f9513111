"""Catalog look-ups that rules repeat for every call: computed once per catalog.

Resolving a call's qualified name costs more than reading its spelling, so calls are first
filtered by the last part of their name (``f1_score`` in ``skm.f1_score``) against the short names
of the catalog entries a rule looks for.
"""

from __future__ import annotations

import ast
from typing import Callable

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.catalog import ApiEntry, Catalog

# Keyed by the id of the catalog's api table, which the entry holds so that the id is never reused.
_INDEX: dict[tuple[int, str], tuple[dict, frozenset[str]]] = {}


def _cached(catalog: Catalog, key: str, compute: Callable[[], frozenset[str]]) -> frozenset[str]:
    known = _INDEX.get((id(catalog.api), key))
    if known is not None and known[0] is catalog.api:
        return known[1]
    value = compute()
    _INDEX[(id(catalog.api), key)] = (catalog.api, value)
    return value


def short_names(catalog: Catalog, key: str, wanted: Callable[[ApiEntry], bool]) -> frozenset[str]:
    """Short names of the entries ``wanted`` selects; ``key`` names the selection for the cache."""
    return _cached(catalog, key, lambda: frozenset(entry.short_name for entry in catalog.api.values() if wanted(entry)))


def catalog_values(catalog: Catalog, fact: str) -> frozenset[str]:
    """Every value a list-valued ``fact`` takes across the catalog (``validation-params``)."""
    return _cached(catalog, "values:" + fact, lambda: frozenset(v for entry in catalog.api.values() for v in entry.get(fact, ())))


def callee_short_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def calls_with_role(module: AnalyzedModule, key: str, wanted: Callable[[ApiEntry], bool]) -> list[tuple[ast.Call, ApiEntry]]:
    """Every call of the module to a catalog entry ``wanted`` selects, with the entry, in tree order."""
    names = short_names(module.catalog, key, wanted)
    found = []
    for node in module.nodes_of(ast.Call):
        if callee_short_name(node) in names:
            entry = module.call_api(node)
            if entry is not None and wanted(entry):
                found.append((node, entry))
    return found
