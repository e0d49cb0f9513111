"""The literal text of a path or URL expression, as far as the module itself spells it out."""

from __future__ import annotations

import ast

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.catalog import ApiEntry
from mlops_lint.analysis.arguments import argument


def leading_string(module: AnalyzedModule, node: ast.expr | None, depth: int = 0) -> str | None:
    """The literal text a path or URL expression starts with, following joins and module constants.

    ``"/home/a/x.csv"``, ``f"/home/a/{name}"``, ``"/home/a" + name``, ``Path("/home/a") / "x"``,
    ``os.path.join("/home/a", "x")`` and a name the dataflow says was bound to any of these all
    start with ``/home/a``. Anything else is unknown (None): the rules stay silent on it.
    """
    if node is None or depth > 5:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        text = ""
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                text += part.value
                continue
            if not isinstance(part, ast.FormattedValue) or part.format_spec is not None or part.conversion != -1:
                break
            known = literal_string(module, part.value, depth + 1)
            if known is None:
                break
            text += known
        return text or None
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
        return leading_string(module, node.left, depth + 1)
    if isinstance(node, ast.Name):
        return leading_string(module, module.dataflow.value_of(node).origin, depth + 1)
    if isinstance(node, ast.Call):
        entry = module.callee(node)
        if entry is not None and entry.role == "path-builder" and node.args:
            return leading_string(module, node.args[0], depth + 1)
    return None


def literal_string(module: AnalyzedModule, node: ast.expr | None, depth: int = 0) -> str | None:
    """The whole text of an expression built only from literals and names bound to them, else None."""
    if node is None or depth > 5:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = literal_string(module, node.left, depth + 1)
        right = literal_string(module, node.right, depth + 1)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Name):
        return literal_string(module, module.dataflow.value_of(node).origin, depth + 1)
    return None


def opens_for_writing(call: ast.Call, entry: ApiEntry) -> bool:
    """An ``open``-like reader called with a writing mode."""
    if entry.get("mode-arg") is None and entry.get("mode-keyword") is None:
        return False
    mode = argument(call, entry.get("mode-arg"), entry.get("mode-keyword"))
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) and any(c in mode.value for c in "wax")
