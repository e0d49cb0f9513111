"""Where a statement sits and who else reads its names: what a fix that moves code must know.

A fix that moves a fit changes what a name holds from there on, so it must see every later
read. It only moves statements that sit directly in a whole scope (the module or a function
body): then every later read is in that body, or in a function defined in it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterable, Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.walk import children


@dataclass(frozen=True)
class Placed:
    """A statement and the body (a whole scope) it sits in directly."""

    statement: ast.stmt
    body: list[ast.stmt]
    index: int
    # The functions and classes defined in ``body`` before the statement (their bodies may read its names).
    functions_before: list[ast.stmt]

    def after(self) -> list[ast.stmt]:
        return self.body[self.index + 1:]

    def following(self) -> Iterator[ast.stmt]:
        """``after()`` one by one, without copying the rest of the body: a caller that stops at the
        first statement it is looking for (``mentioned``) costs what it reads, not the body's length."""
        body = self.body
        return (body[position] for position in range(self.index + 1, len(body)))


def statement_of(module: AnalyzedModule, node: ast.AST) -> ast.stmt | None:
    """The statement holding ``node`` (innermost)."""
    parents = module.parents
    current: ast.AST | None = node
    while current is not None and not isinstance(current, ast.stmt):
        current = parents.get(current)
    return current


def placed_in_scope(module: AnalyzedModule, node: ast.AST) -> Placed | None:
    """The statement holding ``node`` when it sits directly in the module or a function body."""
    statement = statement_of(module, node)
    if statement is None:
        return None
    owner = module.parents.get(statement)
    # A statement whose parent is the module or a function sits in its body (they hold no other statements).
    if isinstance(owner, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef)):
        index = module.shared(_positions_in_bodies)[statement]
        definitions = module.shared(_definitions_in_bodies).get(owner, [])
        return Placed(statement, owner.body, index, [s for position, s in definitions if position < index])
    return None


def _definitions_in_bodies(module: AnalyzedModule) -> dict[ast.AST, list[tuple[int, ast.stmt]]]:
    """Each scope (the module, a function) → the functions and classes its body defines, with their
    index there; found once per module, so that a fix does not walk every statement above it."""
    found: dict[ast.AST, list[tuple[int, ast.stmt]]] = {}
    owners: list[ast.Module | ast.FunctionDef | ast.AsyncFunctionDef] = [
        module.tree, *module.nodes_of(ast.FunctionDef), *module.nodes_of(ast.AsyncFunctionDef)]
    for owner in owners:
        found[owner] = [(index, s) for index, s in enumerate(owner.body) if isinstance(s, _DEFINITIONS)]
    return found


def _positions_in_bodies(module: AnalyzedModule) -> dict[ast.stmt, int]:
    """Each statement of the module's and its functions' bodies → its index there, found once per module."""
    positions: dict[ast.stmt, int] = {}
    owners: list[ast.Module | ast.FunctionDef | ast.AsyncFunctionDef] = [
        module.tree, *module.nodes_of(ast.FunctionDef), *module.nodes_of(ast.AsyncFunctionDef)]
    for owner in owners:
        positions.update((statement, index) for index, statement in enumerate(owner.body))
    return positions


def _parameters(arguments: ast.arguments) -> set[str]:
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    return {a.arg for a in every}


def mentions(node: ast.AST, names: set[str] | frozenset[str]) -> Iterator[ast.Name]:
    """The Name nodes inside ``node`` spelling one of ``names``, not counting the body of a
    function or lambda whose parameter shadows the name; depth first, in field order.

    On an explicit stack: a fix asks this of every statement between a fit and its split and of
    those after it, and a generator per node was most of a fix's cost.
    """
    stack: list[tuple[ast.AST, set[str] | frozenset[str]]] = [(node, names)]
    while stack:
        node, names = stack.pop()
        if not names:
            continue
        if isinstance(node, ast.Name):
            if node.id in names:
                yield node
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            inner = set(names) - _parameters(node.args)
            arguments = node.args
            todo: list[tuple[ast.AST, set[str] | frozenset[str]]] = [(d, names) for d in arguments.defaults]
            todo += [(d, names) for d in arguments.kw_defaults if d is not None]
            if isinstance(node, ast.Lambda):
                todo.append((node.body, inner))
            else:
                todo += [(d, names) for d in node.decorator_list]
                todo += [(s, inner) for s in node.body]
            stack.extend(reversed(todo))
            continue
        stack.extend((child, names) for child in reversed(children(node)))


def mentioned(nodes: Iterable[ast.stmt] | ast.AST, names: set[str] | frozenset[str]) -> bool:
    items = [nodes] if isinstance(nodes, ast.AST) else nodes
    return any(next(mentions(item, names), None) is not None for item in items)


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def assigned_names(statement: ast.stmt, value: ast.AST) -> list[str] | None:
    """``a, b = value`` / ``a = value``: the target names; None for any other shape."""
    if not isinstance(statement, ast.Assign) or statement.value is not value or len(statement.targets) != 1:
        return None
    target = statement.targets[0]
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Name) for e in target.elts):
        return [e.id for e in target.elts]  # type: ignore[attr-defined]
    return None
