"""AnalyzedModule: one parsed module with the meaning of its names, shared by every rule."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from mlops_lint.analysis.names import ImportTable
from mlops_lint.catalog import ApiEntry, Catalog


@dataclass
class AnalyzedModule:
    path: str
    text: str
    tree: ast.Module
    catalog: Catalog
    options: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def imports(self) -> ImportTable:
        return ImportTable(self.tree)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def qualified_names(self, node: ast.AST) -> frozenset[str]:
        return self.imports.qualified_names(node)

    def api(self, node: ast.AST) -> ApiEntry | None:
        """The catalog entry of the library callable an expression names, if any."""
        for name in sorted(self.qualified_names(node)):
            entry = self.catalog.api.get(name)
            if entry is not None:
                return entry
        return None

    def call_api(self, call: ast.AST) -> ApiEntry | None:
        return self.api(call.func) if isinstance(call, ast.Call) else None
