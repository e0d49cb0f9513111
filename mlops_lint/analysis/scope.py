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
        value = self.env.get(name)
        if value is None and self.parent is not None:
            return self.parent.lookup(name)
        return value


def merge_envs(envs: list[dict[str, Value]]) -> dict[str, Value]:
    if len(envs) == 1:
        return envs[0]
    merged = dict(envs[0])
    for env in envs[1:]:
        for name, value in env.items():
            known = merged.get(name)
            merged[name] = value if known is None or known is value else join([known, value])
    return merged
