"""AnalyzedModule: one parsed module with the meaning of its names, shared by every rule."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from mlops_lint.analysis.dataflow import DataFlow
from mlops_lint.analysis.names import ImportTable
from mlops_lint.catalog import ApiEntry, Catalog
from mlops_lint.source.source_map import CellMap


@dataclass
class AnalyzedModule:
    path: str
    text: str
    tree: ast.Module
    catalog: Catalog
    options: dict[str, Any] = field(default_factory=dict)
    cell_map: CellMap | None = None

    @cached_property
    def imports(self) -> ImportTable:
        return ImportTable(self.tree)

    @cached_property
    def nodes(self) -> list[ast.AST]:
        """Every node of the tree, walked once for all rules (one walk costs about half a parse)."""
        return list(ast.walk(self.tree))

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
        return self.api(call.func) if isinstance(call, ast.Call) else None

    @cached_property
    def catalog_methods(self) -> dict[str, ApiEntry]:
        """Catalog entries of data methods (``pandas.DataFrame.sample``) by method name: a method
        call on a tracked data value cannot be resolved by import, only by its name."""
        return {entry.short_name: entry for entry in self.catalog.api.values() if entry.get("method-of") == "data"}

    @cached_property
    def dataflow(self) -> DataFlow:
        """The module's dataflow (values, fits, splits, roles), computed once for every rule."""
        return DataFlow(self)
