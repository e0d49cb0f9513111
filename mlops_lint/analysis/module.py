"""AnalyzedModule: one parsed module with the meaning of its names, shared by every rule."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, TypeVar

from mlops_lint.analysis.dataflow import DataFlow
from mlops_lint.analysis.names import ImportTable
from mlops_lint.analysis.project import OWNER, ProjectLink, complete_imports
from mlops_lint.analysis.resolve import Resolver
from mlops_lint.analysis.values import Value
from mlops_lint.analysis.walk import WalkIndex, walk_with_parents
from mlops_lint.catalog import ApiEntry, Catalog
from mlops_lint.source.source_map import CellMap

T = TypeVar("T")
N = TypeVar("N", bound=ast.AST)


@dataclass
class AnalyzedModule:
    path: str
    text: str
    tree: ast.Module
    catalog: Catalog
    cell_map: CellMap | None = None
    # The project it belongs to (mlops_lint/project/): its imports of the project's other modules
    # are followed (analysis/project.py). None: the module alone, as flake8 shows it a file.
    project: ProjectLink | None = None
    # The tree's walk, when it was computed ahead (the language server reuses the walk of what an
    # edit did not touch: engine/reuse.py); None: walked here, on first use.
    index: WalkIndex | None = None
    _shared: dict[Callable[[AnalyzedModule], object], object] = field(default_factory=dict, init=False, repr=False)

    @cached_property
    def imports(self) -> ImportTable:
        by_type = self.nodes_by_type
        statements = [*by_type.get(ast.Import, ()), *by_type.get(ast.ImportFrom, ())]
        table = ImportTable(statements)
        if self.project is not None:
            complete_imports(table, statements, self.project)
        return table

    @cached_property
    def nodes(self) -> list[ast.AST]:
        """Every node of the tree but contexts and operators, walked once for all rules (analysis/walk.py)."""
        if self.index is not None:
            self.__dict__["parents"] = self.index.parents
            return self.index.nodes
        nodes, self.__dict__["parents"] = walk_with_parents(self.tree)  # the same pass finds them: see parents
        return nodes

    @cached_property
    def nodes_by_type(self) -> dict[type, list[ast.AST]]:
        """``nodes`` grouped by exact class; see ``nodes_of``."""
        if self.index is not None:
            return self.index.by_type
        by_type: dict[type, list[ast.AST]] = {}
        for node in self.nodes:
            by_type.setdefault(node.__class__, []).append(node)
        return by_type

    @cached_property
    def parents(self) -> dict[ast.AST, ast.AST]:
        """Each node's parent (contexts and operators have none: they are shared singletons).

        Found by the walk of ``nodes``, which nearly every module needs anyway: a second pass
        reading every node's fields again cost a twentieth of a long module's lint.
        """
        self.nodes  # noqa: B018  # sets parents
        return self.__dict__["parents"]  # type: ignore[no-any-return]

    def nodes_of(self, *types: type[N]) -> list[N]:
        """The nodes of exactly these classes (not subclasses), in walk order."""
        by_type = self.nodes_by_type
        if len(types) == 1:
            return by_type.get(types[0], [])  # type: ignore[return-value]  # grouped by exact class
        return [node for node in self.nodes if node.__class__ in types]

    @cached_property
    def function_names(self) -> frozenset[str]:
        """Names of the functions the module defines, wherever (a notebook may call one defined in a later cell)."""
        return frozenset(node.name for node in self.nodes_of(ast.FunctionDef)) | frozenset(
            node.name for node in self.nodes_of(ast.AsyncFunctionDef))

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

    @cached_property
    def resolver(self) -> Resolver:
        return Resolver(self)

    def callee(self, call: ast.AST, receiver: Value | None = None) -> ApiEntry | None:
        """The catalog entry a call invokes (``analysis/resolve.py``); None for anything but a call."""
        if not isinstance(call, ast.Call):
            return None
        owner: AnalyzedModule | None = getattr(call, OWNER, None)
        if owner is not None and owner is not self:
            # A call of another module's code that this module's dataflow followed: resolved with
            # that module's imports, the object's value as this module's dataflow saw it.
            if receiver is None and isinstance(call.func, ast.Attribute):
                receiver = self.dataflow.value_of(call.func.value)
            return owner.resolver.callee(call, receiver)
        return self.resolver.callee(call, receiver)

    def calls_with_role(self, *roles: str) -> list[tuple[ast.Call, ApiEntry]]:
        """Every call of the module to an entry of one of ``roles``, with the entry, in walk order."""
        by_role = self.resolver.calls_by_role
        # A module usually calls one of the roles asked together at most (``loader`` and
        # ``downloader``): then that role's index answers, not a filter of every resolved call.
        called = [role for role in roles if role in by_role]
        if len(called) <= 1:
            return by_role[called[0]] if called else []
        return [(call, entry) for call, entry in self.resolver.resolved_calls if entry.role in roles]

    def uses_role(self, *roles: str) -> bool:
        """Does the module call or name anything with one of these roles (prefix entries included)?"""
        return not self.resolver.roles_named.isdisjoint(roles)

    def shared(self, kind: Callable[[AnalyzedModule], T]) -> T:
        """The facts ``kind`` computes from this module, computed once for every rule that asks
        (a family of rules sharing one reading, such as MLO401 and MLO402's splits and scores)."""
        if kind not in self._shared:
            self._shared[kind] = kind(self)
        return self._shared[kind]  # type: ignore[return-value]  # stored by this very kind

    @cached_property
    def dataflow(self) -> DataFlow:
        """The module's dataflow (values, fits, splits, roles), computed once for every rule."""
        return DataFlow(self)

    def release(self) -> None:
        """Let go of the tree, of everything computed from it and of the project link, once the lint is over.

        The dataflow, the resolver, the project link (and any closure of a rule that kept the
        module) refer back to the module: kept, the module, its tree and its whole analysis form
        reference cycles that only the cyclic collector frees, by a pass over every one of their
        objects (a tenth of a long module's lint, see engine/collector.py). Released, reference
        counting frees them at once. The module is then an empty one.

        The tree's own statements are let go too: a recursive closure of the analysis outlives the
        lint in a cycle of its own, and one that held a scope of the module held the whole tree
        (a 5k-line notebook: 114k objects left to the collector, 13 % of its lint).
        """
        for name in _COMPUTED:
            self.__dict__.pop(name, None)
        self._shared.clear()
        self.project = None
        self.index = None
        tree, self.tree = self.tree, ast.Module(body=[], type_ignores=[])
        tree.body = []


_COMPUTED = tuple(name for name, member in vars(AnalyzedModule).items() if isinstance(member, cached_property))
