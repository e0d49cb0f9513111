"""Where a node sits in the module: in a test function, or in a branch that can never run.

Facts about the code around a node, read from syntax once per module (``context(module)``), for
the rules that ask whether a call belongs to an experiment at all:

- ``in_test(node)``: inside a function or class of a test module (named ``test_*.py``/
  ``*_test.py``/``conftest.py``, or importing ``pytest``/``unittest``): a test, a fixture or a
  test helper. A search, a random draw or a comparison there exercises library code; it is not a
  run whose result someone will report. The module-level code of a test module is not exempt.
- ``is_dead(node)``: inside a branch a constant condition never takes (``if False:``,
  ``if 0:``, the ``else`` of ``if True:``, ``while False:``): code kept but switched off.
- ``runs(node)``: whether the node runs when the module itself is run (a script, ``python -m``,
  or a notebook's cells): its top-level code, and the functions and classes of the module that
  code reaches by name, transitively (``if __name__ == "__main__": main()`` included). A module
  of definitions only is a library: its functions run when some other module calls them, and
  what that run does (seed, record) is decided there. Reaching is read from names, generously: a
  function or class named anywhere in reachable code (called, passed as a callback, a method
  called by its name) is reachable, as are functions with decorators (a decorator may register
  them) and everything nested in a reachable function.
"""

from __future__ import annotations

import ast
import re
from functools import cached_property

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.walk import walk

_TEST_FILE = re.compile(r"(^|[\\/])(test_[^\\/]*|[^\\/]*_test|conftest)\.py$")
_TEST_FRAMEWORKS = frozenset({"pytest", "unittest"})
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class CodeContext:
    def __init__(self, module: AnalyzedModule) -> None:
        self.module = module

    @cached_property
    def is_test_module(self) -> bool:
        if _TEST_FILE.search(self.module.path):
            return True
        bindings = self.module.imports.bindings.values()
        return any(name.split(".", 1)[0] in _TEST_FRAMEWORKS for names in bindings for name in names)

    def in_test(self, node: ast.AST) -> bool:
        """Inside a function or class of a test module (see the module docstring)."""
        if not self.is_test_module:
            return False
        parents = self.module.parents
        current = parents.get(node)
        while current is not None:
            if isinstance(current, _DEFINITIONS):
                return True
            current = parents.get(current)
        return False

    def runs(self, node: ast.AST) -> bool:
        """Whether ``node`` runs when the module itself runs (see the module docstring)."""
        parents, tree = self.module.parents, self.module.tree
        current = node
        while (parent := parents.get(current)) is not None:
            if isinstance(current, _DEFINITIONS) and current not in self._reachable:
                return False
            if parent is tree:
                return True
            current = parent
        return True

    @cached_property
    def _reachable(self) -> set[ast.AST]:
        """The module's function and class definitions that its top-level code reaches."""
        by_name: dict[str, list[ast.AST]] = {}
        for definition in self.module.nodes_of(ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            by_name.setdefault(definition.name, []).append(definition)  # type: ignore[attr-defined]  # definitions have a name
        reachable: set[ast.AST] = set()
        pending: list[ast.AST] = []
        for statement in self.module.tree.body:
            if isinstance(statement, _DEFINITIONS) and not statement.decorator_list:
                continue
            pending.append(statement)
            if isinstance(statement, _DEFINITIONS):
                reachable.add(statement)
        while pending:
            root = pending.pop()
            for child in walk(root):
                if isinstance(child, ast.Name):
                    named = child.id
                elif isinstance(child, ast.Attribute):
                    named = child.attr
                else:
                    if isinstance(child, _DEFINITIONS) and child is not root:
                        reachable.add(child)  # nested in reachable code, or decorated
                    continue
                for found in by_name.get(named, ()):
                    if found not in reachable:
                        reachable.add(found)
                        pending.append(found)
        return reachable

    def is_dead(self, node: ast.AST) -> bool:
        """Inside a branch that a constant condition never takes."""
        parents = self.module.parents
        child, current = node, parents.get(node)
        while current is not None:
            if isinstance(current, (ast.If, ast.While)) and isinstance(current.test, ast.Constant):
                taken = bool(current.test.value)
                if (child in current.body and not taken) or (child in current.orelse and taken and isinstance(current, ast.If)):
                    return True
            child, current = current, parents.get(current)
        return False


def context(module: AnalyzedModule) -> CodeContext:
    """The module's code context, computed once for every rule that asks."""
    return module.shared(CodeContext)
