"""Findings that reach into another file of the project: where they are reported, how that file is named.

When the dataflow follows a function of another module (analysis/project.py), a finding may
involve nodes of that module's tree: the fit inside ``features.scale`` that leaks into this
file's split. Such a finding is about this file, and is reported here:

- a place in the other file is a related location there (its own path), and a line of it in the
  message reads ``8 of features.py``;
- a finding whose own node is in the other file (the ``fit`` inside ``train(model, X, y)`` given
  this file's test set) is reported at the call of this file that led there, the node becoming
  the related location "inside train()"; a parameter of that function named in the message is
  written as the argument this call passed (``X_test``, not ``X``);
- a finding that the other file's own analysis makes too (the leak is inside the helper,
  whatever it is given) is that file's business, reported when it is linted: it is left out here.
"""

from __future__ import annotations

import ast
import copy
import os
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable, Mapping

# Imported when a project's findings are reported (engine/lint.py), its analysis done: at the
# top, not in ``owner``, which each finding calls a few times.
from mlops_lint.analysis.project import OWNER, owner_of
from mlops_lint.engine.message import LineRef
from mlops_lint.engine.rule import Finding

if TYPE_CHECKING:
    from mlops_lint.analysis.module import AnalyzedModule
    from mlops_lint.analysis.project import Entry


def owner(module: AnalyzedModule, node: ast.AST) -> AnalyzedModule:
    return owner_of(node, module)


def _all_here(module: AnalyzedModule, nodes: list[ast.AST]) -> bool:
    """Whether every node is the module's own (``owner`` of each, without a call per node: a
    long module's thousand findings are asked this in every lint of a project's file)."""
    return all((getattr(node, OWNER, None) or module) is module for node in nodes)


def other_file_line(module: AnalyzedModule, node: ast.AST) -> str | None:
    """``8 of features.py`` for a node of another file (named relative to this file's folder); None for this file's own."""
    other = owner(module, node)
    if other is module:
        return None
    start = os.path.dirname(os.path.abspath(module.path))
    name = os.path.relpath(os.path.abspath(other.path), start)
    if name.startswith(os.pardir + os.sep + os.pardir):  # far away: the path as the run names it
        name = other.path
    return f"{getattr(node, 'lineno', 1)} of {name.replace(os.sep, '/')}"


def _nodes(finding: Finding) -> list[ast.AST]:
    found: list[ast.AST] = [node for _, node in finding.related]
    for value in finding.fields.values():
        if isinstance(value, LineRef):
            found.append(value.node)
        elif isinstance(value, ast.AST):
            found.append(value)
    return found


def _enclosing_function(module: AnalyzedModule, node: ast.AST) -> ast.AST | None:
    parents = module.parents
    current = parents.get(node)
    while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
        current = parents.get(current)
    return current


def _substituted(node: ast.expr, entry: Entry) -> ast.expr:
    """``node`` with each parameter of the followed function replaced by what the call passed."""

    class Substitute(ast.NodeTransformer):
        def visit_Name(self, name: ast.Name) -> ast.expr:
            return entry.arguments.get(name.id, name)

    # Each node of another module carries that module (analysis/project.py, OWNER): copied along,
    # the copy would take its tree and the catalog with it (a quarter of a second per finding).
    # The copied nodes keep pointing at the one module instead.
    module = getattr(node, OWNER, None)
    memo = {id(module): module} if module is not None else {}
    return Substitute().visit(copy.deepcopy(node, memo))  # type: ignore[no-any-return]


def _as_passed(module: AnalyzedModule, value: Any, entries: Mapping[ast.AST, Entry]) -> Any:
    """An expression of a followed function, its parameters written as the arguments this file passed."""
    if not isinstance(value, ast.expr):
        return value
    other = owner(module, value)
    if other is module:
        return value
    function = _enclosing_function(other, value)
    entry = entries.get(function) if function is not None else None
    if entry is None or not any(isinstance(n, ast.Name) and n.id in entry.arguments for n in ast.walk(value)):
        return value
    return _substituted(value, entry)


# Whether a module's own analysis reports this rule's finding at a node of it.
OwnFinding = Callable[["AnalyzedModule", ast.AST], bool]


def localise(module: AnalyzedModule, finding: Finding, its_own: OwnFinding) -> Finding | None:
    """The finding as this file reports it (see the module docstring), or None when it is another file's."""
    if module.project is None:
        return finding
    nodes = _nodes(finding)
    here = owner(module, finding.node) is module
    if here and _all_here(module, nodes):
        return finding
    via = module.dataflow.via
    entries: dict[ast.AST, Entry] = {entry.function: entry for entry in via.values()}
    fields = {name: _as_passed(module, value, entries) for name, value in finding.fields.items()}
    if here:
        return replace(finding, fields=fields)
    entry = via.get(finding.node)
    if entry is None or its_own(owner(module, finding.node), finding.node):
        return None
    inside = f"inside {entry.function.name}()"
    return Finding(entry.call, fields, related=(*finding.related, (inside, finding.node)))
