"""analysis/walk.py: the same nodes, in the same order, as ``ast.walk`` (contexts and operators left out)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from mlops_lint.analysis.walk import children, walk, walk_with_parents

_NEVER_WALKED = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)

# Every class whose scalar fields the walk skips, in every position it can take.
SOURCE = '''
import os.path as p, sys
from .pkg import name as alias, other
from . import sibling

@decorator(key=value, **extra)
def function(a: int, /, b=1, *args, c: "str" = f"{x!r:>{width}}", **kwargs) -> None:  # type: ignore
    global g
    x = [i async for i in y if i] if a else {k: v for k, v in z}
    return obj.attr.method(a, *args, key=-b, **kwargs)[1:2, ...]

async def coroutine(value):
    nonlocal_holder = lambda q, *r, s=None: not q
    async with ctx() as (m, n):
        await value
    try:
        pass
    except (ValueError, TypeError) as error:
        raise RuntimeError("no") from error

class Model(Base, metaclass=Meta):
    field: int = 3
    def method(self):
        yield from (1, 2)

match command:
    case {"key": value, **rest}:
        pass
    case Point(x=0, y=yy) | [1, *others] as whole:
        pass
'''


def _expected(tree: ast.AST) -> list[ast.AST]:
    return [node for node in ast.walk(tree) if not isinstance(node, _NEVER_WALKED)]


@pytest.mark.parametrize("source", [SOURCE, Path(ast.__file__).read_text(encoding="utf-8")], ids=["every-class", "ast.py"])
def test_the_walk_is_ast_walk_without_contexts_and_operators(source):
    tree = ast.parse(source)
    expected = _expected(tree)
    assert walk(tree) == expected
    nodes, parents = walk_with_parents(tree)
    assert nodes == expected
    for node in expected:
        below = [child for child in ast.iter_child_nodes(node) if not isinstance(child, _NEVER_WALKED)]
        assert children(node) == below
        assert all(parents[child] is node for child in below)
    assert len(parents) == len(expected) - 1  # every node but the root has its parent
