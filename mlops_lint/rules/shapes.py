"""Small readings of syntax the rules share: calls under a node, where a sink's data is, source order.

Nothing here resolves a call or follows a value: that is the resolver's (``module.callee``) and
the dataflow's (``module.dataflow``) job. Nothing here knows a library by name.
"""

from __future__ import annotations

import ast
from typing import Iterable, Iterator, TypeVar

from mlops_lint.analysis.arguments import argument
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import Event, Value
from mlops_lint.analysis.walk import walk
from mlops_lint.catalog import ApiEntry


def calls(node: ast.AST) -> Iterator[ast.Call]:
    """The calls under ``node`` (for the whole module, ``module.nodes_of(ast.Call)`` is indexed)."""
    for child in walk(node):
        if isinstance(child, ast.Call):
            yield child


def has_keyword(call: ast.Call, names: list[str] | tuple[str, ...]) -> bool:
    return any(kw.arg in names for kw in call.keywords)


def sink_data(call: ast.Call, entry: ApiEntry) -> ast.AST | None:
    """The part of a sink call that carries the data sent out (its ``data-arg``)."""
    where = entry.get("data-arg")
    if where == "receiver":
        return call.func.value if isinstance(call.func, ast.Attribute) else None
    if where == "any":
        return ast.Tuple(elts=[*call.args, *(kw.value for kw in call.keywords)], ctx=ast.Load())
    return argument(call, where, None) if isinstance(where, int) else None


def sink_values(event: Event) -> list[Value]:
    """The values a sink call event sends out (its entry's ``data-arg``)."""
    where = event.entry.get("data-arg") if event.entry is not None else None
    if where == "receiver":
        return [event.receiver] if event.receiver is not None else []
    if where == "any":
        return [arg.value for arg in event.data]
    if isinstance(where, int) and isinstance(event.node, ast.Call):
        node = argument(event.node, where, None)
        return [arg.value for arg in event.data if arg.node is node]
    return []


Node = TypeVar("Node", bound=ast.AST)


def in_source_order(nodes: Iterable[Node]) -> list[Node]:
    return sorted(nodes, key=lambda node: (getattr(node, "lineno", 0), getattr(node, "col_offset", 0)))


def enclosing_statement(module: AnalyzedModule, node: ast.AST) -> ast.AST:
    """The statement ``node`` is part of (itself when it is one)."""
    parents = module.parents
    while not isinstance(node, ast.stmt) and node in parents:
        node = parents[node]
    return node


def expected_to_fail(module: AnalyzedModule, node: ast.AST) -> bool:
    """``node`` runs in the block of a ``with`` expected to fail (catalog role ``raises``: ``pytest.raises``)."""
    parents = module.parents
    child, parent = node, parents.get(node)
    while parent is not None and not isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.Module)):
        if isinstance(parent, (ast.With, ast.AsyncWith)) and any(child is statement for statement in parent.body):
            for item in parent.items:
                entry = module.callee(item.context_expr)
                if entry is not None and entry.role == "raises":
                    return True
        child, parent = parent, parents.get(parent)
    return False
