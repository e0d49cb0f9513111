"""Another module's top level as importing it leaves it: the values of its names and its functions.

What a module of the project offers the modules that import it (``analysis/project.py``): its
body runs once, in statement order, as the dataflow runs any module, except that an ``if
__name__ == "__main__":`` block does not run (importing a module does not run it) and its
functions are not analysed on their own (they are followed where they are called). Events are
not kept: a finding about that module's own code is reported when that module is linted.

Its sequence numbers are negative: a module runs when it is imported, before the code that
imports it, so whatever it fitted comes before every split of the importer.
"""

from __future__ import annotations

import ast

from mlops_lint.analysis.dataflow import DataFlow
from mlops_lint.analysis.interpreter import Function
from mlops_lint.analysis.scope import Scope

# Below every sequence number of an importing module's own flow (which starts at 0).
_IMPORT_TIME = -(1 << 40)


def _is_main_guard(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    if not isinstance(test, ast.Compare) or len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)


class ModuleGlobals(DataFlow):
    """The top level of one module of the project, run as an import runs it (see the module docstring)."""

    def _run_module(self) -> None:
        self._seq = _IMPORT_TIME
        self.run_body(self.module.tree.body, self._globals)
        # Only the names' values and the functions are asked for from now on.
        self.events.clear()
        self._values.clear()
        self._memo.clear()

    def statement(self, node: ast.stmt, scope: Scope) -> None:
        if scope is self._globals and isinstance(node, ast.If) and _is_main_guard(node.test):
            self.run_body(node.orelse, scope)
            return
        super().statement(node, scope)

    @property
    def names(self) -> Scope:
        """The module's globals, as its top level leaves them."""
        return self._globals

    @property
    def functions(self) -> dict[Function, Scope]:
        """Every function met at the top level (class bodies included), with the scope its body reads names from."""
        return self._functions
