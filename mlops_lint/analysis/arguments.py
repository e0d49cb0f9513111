"""What a call's arguments say: the argument passed for a parameter, literals, catalog conditions.

The one place that reads call arguments for the dataflow and the rules. Anything that cannot be
read statically (a name, ``*args`` or ``**kwargs`` that may hide the argument) is unknown, and an
unknown answer keeps the rules silent.
"""

from __future__ import annotations

import ast
from typing import Iterable

from mlops_lint.catalog import ApiEntry
from mlops_lint.catalog.conditions import Condition


def keyword(call: ast.Call, name: str | None) -> ast.expr | None:
    """The expression passed as ``name=``, or None."""
    if name is None:
        return None
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def argument(call: ast.Call, position: int | None, name: str | None) -> ast.expr | None:
    """The expression passed for a parameter: by keyword, else at ``position`` when no ``*args``
    comes at or before it (it could shift the arguments)."""
    found = keyword(call, name)
    if found is not None:
        return found
    if position is None or not 0 <= position < len(call.args):
        return None
    args = call.args
    for index in range(position + 1):  # a loop, not any() over a generator: read at most calls the dataflow meets
        if args[index].__class__ is ast.Starred:
            return None
    return args[position]


def has_unpacking(call: ast.Call) -> bool:
    """``f(*args)`` / ``f(**kwargs)``: any parameter may be hidden inside."""
    return any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords)


def is_none(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


_NOT_LITERAL = object()


def literal(node: ast.AST | None) -> object:
    """The value of a constant (``-1`` included), or ``_NOT_LITERAL``."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        value = node.operand.value
        return -value if isinstance(value, (int, float)) and not isinstance(value, bool) else _NOT_LITERAL
    return node.value if isinstance(node, ast.Constant) else _NOT_LITERAL


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _equal(value: object, expected: object) -> bool:
    if isinstance(expected, bool) or expected is None or isinstance(value, bool):
        return value is expected
    return value == expected


def holds(call: ast.Call, condition: Condition) -> bool:
    """Whether a catalog condition certainly holds for this call.

    ``name!=literal`` also holds when the argument is absent (the library default applies); an
    argument that is not a literal never satisfies a condition.
    """
    node = argument(call, condition.position, condition.name)
    if node is None:
        return condition.operator == "!="
    value = literal(node)
    if value is _NOT_LITERAL:
        return False
    if condition.operator == "=":
        return _equal(value, condition.literal)
    if condition.operator == "!=":
        return not _equal(value, condition.literal)
    if not _number(value):
        return False
    bound = float(condition.literal)  # type: ignore[arg-type]  # checked numeric at load
    return value < bound if condition.operator == "<" else value > bound  # type: ignore[operator]


def any_holds(call: ast.Call, conditions: Iterable[Condition]) -> bool:
    return any(holds(call, condition) for condition in conditions)


def seeded(call: ast.Call, entry: ApiEntry) -> bool | None:
    """Whether a call passes its seed parameter (a literal None is no seed); None when unknowable."""
    seed = argument(call, entry.get("seed-position"), entry.get("seed-param"))
    if seed is not None:
        return not is_none(seed)
    return None if has_unpacking(call) else False


def shuffles(call: ast.Call | None, entry: ApiEntry) -> bool | None:
    """Whether a splitter (its call, or the call that built it) shuffles rows; None when unknowable.

    ``always-shuffles`` splitters always do; a splitter without ``shuffle-param`` never does;
    otherwise the literal argument, or its ``shuffle-default`` when absent.
    """
    if entry.get("always-shuffles"):
        return True
    param = entry.get("shuffle-param")
    if param is None:
        return False
    if call is None:
        return None
    value = keyword(call, param)
    if value is None:
        return None if has_unpacking(call) else bool(entry.get("shuffle-default", False))
    found = literal(value)
    return found if isinstance(found, bool) else None
