"""The variables of one running scope, and merging the environments of branches."""

from __future__ import annotations

import ast

from mlops_lint.analysis.values import Value, join


class Scope:
    """The variables of one running scope; reads fall back to the enclosing (global) scope."""

    def __init__(self, env: dict[str, Value], parent: "Scope | None" = None, owner: ast.AST | None = None) -> None:
        self.env = env
        self.parent = parent
        self.owner = owner
        self.returns: list[Value] = []

    def lookup(self, name: str) -> Value | None:
        scope = self
        while True:  # a loop, not a call per enclosing scope: read for most names evaluated
            value = scope.env.get(name)
            if value is not None or scope.parent is None:
                return value
            scope = scope.parent


def merge_envs(envs: list[dict[str, Value]]) -> dict[str, Value]:
    if len(envs) == 1:
        return envs[0]
    merged = dict(envs[0])
    for env in envs[1:]:
        for name, value in env.items():
            known = merged.get(name)
            merged[name] = value if known is None or known is value else join([known, value])
    return merged
