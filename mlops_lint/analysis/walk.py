"""One fast breadth-first walk of a syntax tree, in ``ast.walk``'s order, for every rule to share.

``ast.walk`` runs two generators per node and yields the expression contexts and operators too
(``Load``, ``Store``, ``Add``: a third of all nodes), which no rule walks to: rules read them
through their parent (``name.ctx``, ``binop.op``). Reading each class's fields once and skipping
those is about 2.3× faster on the development corpus.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

# Fields whose nodes are contexts and operators: read through the parent, never walked to.
_NOT_WALKED = frozenset({"ctx", "op", "ops"})
# Fields that never hold a node, by the grammar (Python.asdl), of the most common classes: a Name
# or a Constant (half of all nodes) then has no field left to read. Per class, not per field name:
# ``name`` is a string in a FunctionDef but a node in 3.12's TypeAlias.
_SCALARS: dict[type[ast.AST], frozenset[str]] = {
    ast.Name: frozenset({"id"}),
    ast.Attribute: frozenset({"attr"}),
    ast.Constant: frozenset({"value", "kind"}),
    ast.keyword: frozenset({"arg"}),
    ast.arg: frozenset({"arg", "type_comment"}),
    ast.alias: frozenset({"name", "asname"}),
    ast.ImportFrom: frozenset({"module", "level"}),
    ast.FunctionDef: frozenset({"name", "type_comment"}),
    ast.AsyncFunctionDef: frozenset({"name", "type_comment"}),
    ast.ClassDef: frozenset({"name"}),
    ast.Assign: frozenset({"type_comment"}),
    ast.FormattedValue: frozenset({"conversion"}),
    ast.comprehension: frozenset({"is_async"}),
}
_child_fields: dict[type[ast.AST], tuple[str, ...]] = {}


def _fields(cls: type[ast.AST]) -> tuple[str, ...]:
    scalars = _SCALARS.get(cls, frozenset())
    fields = _child_fields[cls] = tuple(name for name in cls._fields if name not in _NOT_WALKED and name not in scalars)
    return fields


def walk(tree: ast.AST) -> list[ast.AST]:
    """``tree`` and every node below it, in ``ast.walk``'s order, without contexts and operators."""
    nodes = [tree]
    append = nodes.append
    node_class = ast.AST
    fields_of = _child_fields.get
    for node in nodes:  # a list grown while iterating: the breadth-first queue itself
        fields = fields_of(node.__class__)
        if fields is None:
            fields = _fields(node.__class__)
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, node_class):
                        append(item)
            elif isinstance(value, node_class):
                append(value)
    return nodes


def walk_with_parents(tree: ast.AST) -> tuple[list[ast.AST], dict[ast.AST, ast.AST]]:
    """``walk(tree)`` and each node's parent (``tree`` has none), found in the same pass.

    ``walk_levels``'s pass, its levels joined (breadth-first order is level order): as fast as a
    loop of its own over one queue. Not ``walk`` with a flag: ``walk`` serves the many sub-tree
    walks that need no parents, and pays no dictionary writes."""
    levels, parents = walk_levels([tree])
    nodes: list[ast.AST] = []
    for level in levels:
        nodes += level
    return nodes, parents


def children(node: ast.AST) -> list[ast.AST]:
    """The direct child nodes of ``node`` (contexts and operators left out, as in ``walk``)."""
    fields = _child_fields.get(node.__class__)
    if fields is None:
        fields = _fields(node.__class__)
    found: list[ast.AST] = []
    for name in fields:
        value = getattr(node, name, None)
        if value.__class__ is list:
            found.extend(item for item in value if isinstance(item, ast.AST))
        elif isinstance(value, ast.AST):
            found.append(value)
    return found


def walk_levels(roots: list[ast.AST]) -> tuple[list[list[ast.AST]], dict[ast.AST, ast.AST]]:
    """The nodes below and including ``roots``, level by level (``roots`` first), and their parents
    (the roots' own parents are not known here).

    Breadth-first order is level order: ``walk(module)`` is the module, then the concatenation of
    these levels, depth after depth; so the walk of a module made of several runs of statements is
    built from each run's levels without walking again (engine/reuse.py)."""
    levels: list[list[ast.AST]] = []
    parents: dict[ast.AST, ast.AST] = {}
    node_class = ast.AST
    fields_of = _child_fields.get
    level = roots
    while level:
        levels.append(level)
        below: list[ast.AST] = []
        append = below.append
        for node in level:
            fields = fields_of(node.__class__)
            if fields is None:
                fields = _fields(node.__class__)
            for name in fields:
                value = getattr(node, name, None)
                if value.__class__ is list:
                    for item in value:
                        if isinstance(item, node_class):
                            append(item)
                            parents[item] = node
                elif isinstance(value, node_class):
                    append(value)
                    parents[value] = node
        level = below
    return levels, parents


@dataclass(frozen=True, slots=True)
class WalkIndex:
    """A module's walk, computed ahead (engine/reuse.py): what ``AnalyzedModule`` would find by
    ``walk_with_parents`` and grouping its nodes by class, in the same order."""

    nodes: list[ast.AST]
    parents: dict[ast.AST, ast.AST]
    by_type: dict[type, list[ast.AST]]
