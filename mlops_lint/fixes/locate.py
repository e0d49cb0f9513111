"""Find the libcst node a diagnostic points at, its statement and block, and what its names mean."""

from __future__ import annotations

import ast
from typing import Iterator

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from mlops_lint.analysis.names import ImportTable
from mlops_lint.analysis.walk import walk
from mlops_lint.catalog import ApiEntry, Catalog
from mlops_lint.diagnostics import Location

Block = cst.Module | cst.IndentedBlock


class NodeIndex:
    """Positions and parents of one module's nodes (computed only for files being fixed)."""

    def __init__(self, module: cst.Module, text: str, catalog: Catalog) -> None:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        self.module = module
        self.positions = wrapper.resolve(PositionProvider)
        self.parents = wrapper.resolve(ParentNodeProvider)
        self.imports = ImportTable(node for node in walk(ast.parse(text)) if isinstance(node, (ast.Import, ast.ImportFrom)))
        self.catalog = catalog

    def call_at(self, location: Location) -> cst.Call | None:
        """The call whose span is exactly the location's (ast and libcst agree: parentheses excluded)."""
        start = (location.start.line, location.start.column)
        end = (location.end.line, location.end.column)
        for node, span in self.positions.items():
            if isinstance(node, cst.Call) and (span.start.line, span.start.column) == start and (span.end.line, span.end.column) == end:
                return node
        return None

    def statement_of(self, node: cst.CSTNode) -> tuple[cst.SimpleStatementLine, Block] | None:
        """The one-statement line holding ``node`` and the block that line sits in; None for other shapes."""
        current: cst.CSTNode = node
        while current in self.parents:
            parent = self.parents[current]
            if isinstance(parent, cst.SimpleStatementLine):
                block = self.parents.get(parent)
                if len(parent.body) == 1 and isinstance(block, (cst.Module, cst.IndentedBlock)):
                    return parent, block
                return None
            current = parent
        return None

    def qualified_names(self, expression: cst.BaseExpression) -> frozenset[str]:
        dotted = dotted_name(expression)
        if dotted is None:
            return frozenset()
        return self.imports.qualified_names(ast.parse(dotted, mode="eval").body)

    def api(self, expression: cst.BaseExpression) -> ApiEntry | None:
        return self.catalog.entry_for(self.qualified_names(expression))

    def is_bound(self, name: str) -> bool:
        """Whether any Name node in the module spells ``name`` (a new variable must not collide)."""
        return any(isinstance(node, cst.Name) and node.value == name for node in self.positions)


def dotted_name(expression: cst.CSTNode) -> str | None:
    parts: list[str] = []
    while isinstance(expression, cst.Attribute):
        parts.append(expression.attr.value)
        expression = expression.value
    if isinstance(expression, cst.Name):
        parts.append(expression.value)
        return ".".join(reversed(parts))
    return None


def names_in(node: cst.CSTNode) -> Iterator[str]:
    """Every plain name spelled inside a node (reads and writes alike)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            yield current.value
        stack.extend(current.children)
