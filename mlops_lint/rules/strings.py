"""The literal text of a path or URL expression, as far as the module itself spells it out."""

from __future__ import annotations

import ast

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.catalog import ApiEntry
from mlops_lint.analysis.arguments import argument
from mlops_lint.rules.shapes import all_nodes


def module_constants(module: AnalyzedModule) -> dict[str, ast.expr]:
    """Names bound exactly once in the whole module, to their value (``DATA = "/home/me/x.csv"``).

    One binding anywhere (module body or a function) means every read of the name sees that value
    or nothing; a name also bound as a parameter, loop target or a second time is left unknown.
    """
    cached = module.__dict__.get("_strings_constants")
    if cached is not None:
        return cached
    counts: dict[str, int] = {}
    for node in all_nodes(module):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            counts[node.id] = counts.get(node.id, 0) + 1
        elif isinstance(node, ast.arg):
            counts[node.arg] = counts.get(node.arg, 0) + 1
    constants = {}
    for node in all_nodes(module):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and counts.get(target.id) == 1:
                constants[target.id] = node.value
    module.__dict__["_strings_constants"] = constants
    return constants


def leading_string(module: AnalyzedModule, node: ast.expr | None, depth: int = 0) -> str | None:
    """The literal text a path or URL expression starts with, following joins and module constants.

    ``"/home/a/x.csv"``, ``f"/home/a/{name}"``, ``"/home/a" + name``, ``Path("/home/a") / "x"``,
    ``os.path.join("/home/a", "x")`` and a module constant holding any of these all start with
    ``/home/a``. Anything else is unknown (None): the rules stay silent on it.
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
            known = literal_string(module, part.value, depth + 1) if isinstance(part, ast.FormattedValue) else None
            if known is None or part.format_spec is not None or part.conversion != -1:
                break
            text += known
        return text or None
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
        return leading_string(module, node.left, depth + 1)
    if isinstance(node, ast.Name):
        return leading_string(module, module_constants(module).get(node.id), depth + 1)
    if isinstance(node, ast.Call):
        entry = module.callee(node)
        if entry is not None and entry.role == "path-builder" and node.args:
            return leading_string(module, node.args[0], depth + 1)
    return None


def literal_string(module: AnalyzedModule, node: ast.expr | None, depth: int = 0) -> str | None:
    """The whole text of an expression built only from literals and module constants, else None."""
    if node is None or depth > 5:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = literal_string(module, node.left, depth + 1)
        right = literal_string(module, node.right, depth + 1)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Name):
        return literal_string(module, module_constants(module).get(node.id), depth + 1)
    return None


def opens_for_writing(call: ast.Call, entry: ApiEntry) -> bool:
    """An ``open``-like reader called with a writing mode."""
    if entry.get("mode-arg") is None and entry.get("mode-keyword") is None:
        return False
    mode = argument(call, entry.get("mode-arg"), entry.get("mode-keyword"))
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) and any(c in mode.value for c in "wax")
