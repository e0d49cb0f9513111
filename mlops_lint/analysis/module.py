"""AnalyzedModule: one parsed module with the meaning of its names, shared by every rule."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property

from mlops_lint.analysis.dataflow import DataFlow
from mlops_lint.analysis.names import ImportTable
from mlops_lint.analysis.walk import children, walk
from mlops_lint.catalog import ApiEntry, Catalog
from mlops_lint.source.source_map import CellMap


@dataclass
class AnalyzedModule:
    path: str
    text: str
    tree: ast.Module
    catalog: Catalog
    cell_map: CellMap | None = None
    # Each call's catalog entry, resolved once for the dataflow and every rule (``call_api``).
    _call_entries: dict[ast.Call, ApiEntry | None] = field(default_factory=dict, init=False, repr=False)

    @cached_property
    def imports(self) -> ImportTable:
        return ImportTable(self.tree)

    @cached_property
    def nodes(self) -> list[ast.AST]:
        """Every node of the tree but contexts and operators, walked once for all rules (analysis/walk.py)."""
        return walk(self.tree)

    @cached_property
    def nodes_by_type(self) -> dict[type, list[ast.AST]]:
        """``nodes`` grouped by exact class; see ``nodes_of``."""
        by_type: dict[type, list[ast.AST]] = {}
        for node in self.nodes:
            by_type.setdefault(node.__class__, []).append(node)
        return by_type

    @cached_property
    def parents(self) -> dict[ast.AST, ast.AST]:
        """Each node's parent (contexts and operators have none: they are shared singletons)."""
        return {child: node for node in self.nodes for child in children(node)}

    def nodes_of(self, *types: type) -> list[ast.AST]:
        """The nodes of exactly these classes (not subclasses), in walk order."""
        by_type = self.nodes_by_type
        if len(types) == 1:
            return by_type.get(types[0], [])
        return [node for node in self.nodes if node.__class__ in types]

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def line_label(self, line: int) -> str:
        """A module line as the user sees it in a message: ``12``, or ``3 of cell 2`` in a notebook."""
        if self.cell_map is None:
            return str(line)
        cell, line_in_cell = self.cell_map.to_cell(line)
        return f"{line_in_cell} of cell {cell}"

    def qualified_names(self, node: ast.AST) -> frozenset[str]:
        return self.imports.qualified_names(node)

    def api(self, node: ast.AST) -> ApiEntry | None:
        """The catalog entry of the library callable an expression names, if any."""
        return self.catalog.entry_for(self.qualified_names(node))

    def call_api(self, call: ast.AST) -> ApiEntry | None:
        """``api`` of a call's callee, resolved once per call for the dataflow and every rule."""
        if not isinstance(call, ast.Call):
            return None
        resolved = self._call_entries
        if call in resolved:
            return resolved[call]
        entry = resolved[call] = self.api(call.func)
        return entry

    @cached_property
    def dataflow(self) -> DataFlow:
        """The module's dataflow (values, fits, splits, roles), computed once for every rule."""
        return DataFlow(self)
