"""Functions of the module: analysed once on their own, and followed at each call site.

At a call site the body runs with the arguments' values (memoised per function and argument
values), so a helper that scales and returns passes its fit on to the caller. Recursion and
nesting deeper than ``_MAX_INLINE_DEPTH`` return a plain derivation of the arguments instead.
Mixed into the interpreter of ``dataflow.py``.
"""

from __future__ import annotations

import ast

from mlops_lint.analysis.interpreter import Function, Interpreter
from mlops_lint.analysis.scope import Scope
from mlops_lint.analysis.values import EMPTY, Value, derive, join

_MAX_INLINE_DEPTH = 8


class FunctionSummaries(Interpreter):
    """The ``function`` part of the interpreter: standalone analysis and following call sites."""

    def _parameters(self, function: Function) -> list[ast.arg]:
        arguments = function.args
        return [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]

    def _standalone(self, function: Function) -> None:
        env = {p.arg: Value(sources=frozenset({("param", function, p.arg)})) for p in self._parameters(function)}
        for extra in (function.args.vararg, function.args.kwarg):
            if extra is not None:
                env[extra.arg] = Value(sources=frozenset({("param", function, extra.arg)}))
        self._active.append(function)
        self.run_body(function.body, Scope(env, parent=self._functions.get(function, self._globals), owner=function))
        self._active.pop()

    def call_function(self, node: ast.Call, function: Function, args: list[Value],
                      keywords: dict[str | None, Value], scope: Scope) -> Value:
        everything = [*args, *keywords.values()]
        if function in self._active or len(self._active) >= _MAX_INLINE_DEPTH:
            return derive(everything)
        parameters = self._parameters(function)
        env: dict[str, Value] = {}
        positional = [*function.args.posonlyargs, *function.args.args]
        for parameter, value in zip(positional, args):
            env[parameter.arg] = value
        for parameter in parameters:
            if parameter.arg in keywords:
                env[parameter.arg] = keywords[parameter.arg]
            env.setdefault(parameter.arg, EMPTY)
        key = (function, tuple(sorted((name, value.fingerprint()) for name, value in env.items())))
        known = self._memo.get(key)
        if known is not None:
            return known
        self._active.append(function)
        inner = Scope(env, parent=self._functions.get(function, self._globals), owner=function)
        self.run_body(function.body, inner)
        self._active.pop()
        result = join(inner.returns) if inner.returns else EMPTY
        if not self._quiet:  # a body run quietly (inside a lambda) published no events: run it again
            self._memo[key] = result
        return result
