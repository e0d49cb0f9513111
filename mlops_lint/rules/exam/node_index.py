"""The nodes of a module the MLO2xx rules look at, grouped by type in one walk shared by the rules.

``ast.walk`` over a whole module costs as much as a rule's logic, and MLO202–MLO204 each need the
calls (MLO203 also loops, assignments and arithmetic): the last module's index is kept, so the rules
of one file walk it once. Keyed by identity, so a new module is never served a stale index.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from mlops_lint.analysis.module import AnalyzedModule


@dataclass(frozen=True)
class NodeIndex:
    calls: tuple[ast.Call, ...]
    loops: tuple[ast.AST, ...]
    arithmetic_operands: frozenset[int]  # id() of operands of a BinOp


def node_index(module: AnalyzedModule) -> NodeIndex:
    """Built once per module and kept on it (not in module-level state), shared by the MLO2xx rules."""
    cached = module.__dict__.get("_exam_node_index")
    if cached is not None:
        return cached
    calls, loops, operands = [], [], set()
    for node in module.nodes:
        kind = type(node)
        if kind is ast.Call:
            calls.append(node)
        elif kind is ast.BinOp:
            operands.add(id(node.left))
            operands.add(id(node.right))
        elif kind in (ast.For, ast.AsyncFor, ast.While):
            loops.append(node)
    index = NodeIndex(tuple(calls), tuple(loops), frozenset(operands))
    module.__dict__["_exam_node_index"] = index
    return index
