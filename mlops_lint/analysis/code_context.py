"""Where a node sits in the module: in a test function, or in a branch that can never run.

Facts about the code around a node, read from syntax once per module (``context(module)``), for
the rules that ask whether a call belongs to an experiment at all:

- ``in_test(node)``: inside a function pytest collects as a test (its name starts with ``test``,
  possibly in a ``Test*`` class or with helpers nested in it) of a test module (named
  ``test_*.py``/``*_test.py``/``conftest.py``, or importing ``pytest``/``unittest``). A search,
  a random draw or a comparison there exercises library code; it is not a run whose result
  someone will report.
- ``is_dead(node)``: inside a branch a constant condition never takes (``if False:``,
  ``if 0:``, the ``else`` of ``if True:``, ``while False:``): code kept but switched off.
"""

from __future__ import annotations

import ast
import re
from functools import cached_property

from mlops_lint.analysis.module import AnalyzedModule

_TEST_FILE = re.compile(r"(^|[\\/])(test_[^\\/]*|[^\\/]*_test|conftest)\.py$")
_TEST_FRAMEWORKS = frozenset({"pytest", "unittest"})


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
        """Inside a test function of a test module (see the module docstring)."""
        if not self.is_test_module:
            return False
        parents = self.module.parents
        current = parents.get(node)
        while current is not None:
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)) and current.name.startswith("test"):
                return True
            current = parents.get(current)
        return False

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
