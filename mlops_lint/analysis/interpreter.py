"""What the parts of the dataflow's interpreter share: its state, and the operations each part asks of the others.

The interpreter is split by what it evaluates: expressions (``expressions.py``), calls
(``calls.py``), the module's own functions (``summaries.py``) and statements (``dataflow.py``,
which assembles them into ``DataFlow``). Each part is a subclass of ``Interpreter``, so every
part is type-checked against the same declarations.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable, Protocol

from mlops_lint.analysis.scope import Scope
from mlops_lint.analysis.values import Event, Value
from mlops_lint.catalog import ApiEntry

if TYPE_CHECKING:
    from mlops_lint.analysis.module import AnalyzedModule
    from mlops_lint.analysis.summaries import Effects

Function = ast.FunctionDef | ast.AsyncFunctionDef


class Evaluations(list[Value]):
    """The values of a node evaluated more than once (a function's body runs on its own and at each
    call site), joined when the node's value is first read: most such nodes are never read."""


class Callee(Protocol):
    """``Resolver.callee``: the catalog entry a call invokes (``analysis/resolve.py``)."""

    def __call__(self, call: ast.Call, receiver: Value | None = None, names: frozenset[str] | None = None) -> ApiEntry | None: ...


class Interpreter:
    """The state of one module's interpretation, and the operations shared across its parts."""

    module: AnalyzedModule
    callee: Callee
    events: list[Event]
    _values: dict[ast.AST, Value | Evaluations]
    _active: list[Function]
    # A followed call, by function and argument values: its result and its effects (summaries.py).
    _memo: dict[tuple[object, ...], tuple[Value, Effects]]
    _rebound: dict[Function, frozenset[str]]  # per function: the parameters its body assigns anew
    # Per (entry's name, name called): whether the call makes an object (calls.py; a module calls the same classes often).
    _makes_object: dict[tuple[str, str], bool]
    _globals: Scope
    _quiet: int  # > 0 while evaluating code whose events are not published (a lambda's body)
    _seq: int  # the last sequence number given (next_seq)
    # Each function met, with the scope its body reads free names from: the enclosing function's
    # (a closure sees its variables as they end up), else the module's.
    _functions: dict[Function, Scope]

    def expr(self, node: ast.expr, scope: Scope) -> Value:
        raise NotImplementedError

    def value_of(self, node: ast.AST) -> Value:
        raise NotImplementedError

    def call(self, node: ast.Call, scope: Scope) -> Value:
        raise NotImplementedError

    def call_into_project(self, node: ast.Call, scope: Scope) -> Value | None:
        """The call followed into another module of the project (``project.py``), or None when it
        calls no function of the project."""
        raise NotImplementedError

    def item_of(self, value: Value) -> Value:
        raise NotImplementedError

    def call_function(self, node: ast.Call, function: Function, args: list[Value],
                      keywords: dict[str | None, Value], scope: Scope) -> Value:
        raise NotImplementedError

    def call_method(self, node: ast.Call, function: Function, receiver: str, args: list[Value],
                    keywords: dict[str | None, Value], scope: Scope) -> Value:
        raise NotImplementedError

    def run_body(self, body: list[ast.stmt], scope: Scope) -> None:
        raise NotImplementedError

    def bind(self, target: ast.expr, value: Value, scope: Scope, origin: ast.expr | None = None) -> None:
        raise NotImplementedError

    def rebind(self, target: ast.expr, value: Value, scope: Scope) -> None:
        raise NotImplementedError

    def update_in_place(self, target: ast.expr, value: Value, scope: Scope) -> None:
        raise NotImplementedError

    def emit(self, event: Event) -> None:
        raise NotImplementedError

    def split_part(self, node: ast.expr, value: Value, cut: Value) -> Value:
        raise NotImplementedError

    def is_class_draw(self, node: ast.Call) -> bool:
        raise NotImplementedError

    def _origin_in(self, scope: Scope) -> Callable[[ast.expr], ast.expr | None]:
        raise NotImplementedError

    def next_seq(self) -> int:
        raise NotImplementedError
