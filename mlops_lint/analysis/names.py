"""Resolve imported names and attribute chains to fully qualified names."""

from __future__ import annotations

import ast
from typing import Iterable

_NONE: frozenset[str] = frozenset()


class ImportTable:
    """Local name → qualified name, from every import in the module.

    Imports are collected from all scopes: training scripts rarely shadow an imported name, and a
    name imported in two places (e.g. both branches of a try/except) keeps every meaning it has.
    """

    def __init__(self, imports: Iterable[ast.AST]) -> None:
        """``imports``: the module's ``import`` and ``from … import`` statements (``AnalyzedModule``
        takes them from its one walk of the tree)."""
        self.bindings: dict[str, set[str]] = {}
        for node in imports:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self._bind(alias.asname, alias.name)
                    else:
                        top = alias.name.split(".", 1)[0]
                        self._bind(top, top)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    if alias.name != "*":
                        self._bind(alias.asname or alias.name, f"{node.module}.{alias.name}")
        self._meanings = {local: frozenset(names) for local, names in self.bindings.items()}
        self._chains: dict[ast.Attribute, frozenset[str]] = {}  # each attribute chain's answer (cleared by rebind)

    def _bind(self, local: str, qualified: str) -> None:
        self.bindings.setdefault(local, set()).add(qualified)

    def rebind(self, local: str, drop: str | None, meanings: Iterable[str]) -> None:
        """``local`` means ``meanings`` too, and no longer ``drop``: what the project knows of an
        import of one of its own modules (a re-export, a relative or star import; analysis/project.py)."""
        names = self.bindings.setdefault(local, set())
        if drop is not None:
            names.discard(drop)
        names.update(meanings)
        self._meanings[local] = frozenset(names)
        self._chains.clear()

    def meanings(self, local: str) -> frozenset[str]:
        """Every qualified name the local name ``local`` may denote (empty when it is not imported)."""
        return self._meanings.get(local, _NONE)

    def qualified_names(self, node: ast.AST) -> frozenset[str]:
        """Every qualified name an expression may denote (empty when it is not an imported name)."""
        if type(node) is ast.Name:
            return self._meanings.get(node.id, _NONE)
        if type(node) is ast.Attribute:
            # Asked again for the same chain by the dataflow, the resolver and rules: one answer per node.
            known = self._chains.get(node)
            if known is None:
                base = node.value  # a name, most often (``np.mean``): read here, not by a call
                bases = self._meanings.get(base.id, _NONE) if type(base) is ast.Name else self.qualified_names(base)
                known = self._chains[node] = frozenset(f"{base}.{node.attr}" for base in bases) if bases else _NONE
            return known
        return _NONE


def dotted_name(node: ast.AST) -> str | None:
    """The source spelling of a Name/Attribute chain (``a.b.c``), or None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None
