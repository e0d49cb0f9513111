"""Functions of the module: analysed once on their own, and followed at each call site.

At a call site the body runs with the arguments' values (memoised per function and argument
values), so a helper that scales and returns passes its fit on to the caller. Recursion and
nesting deeper than ``_MAX_INLINE_DEPTH`` return a plain derivation of the arguments instead.
Mixed into the interpreter of ``dataflow.py``.
"""

from __future__ import annotations

import ast

from mlops_lint.analysis.columns import labels as labels_of
from mlops_lint.analysis.interpreter import Function, Interpreter
from mlops_lint.analysis.scope import Scope
from mlops_lint.analysis.values import EMPTY, Value, derive, evolve, join

_MAX_INLINE_DEPTH = 8


def _with_literal(value: Value, given: ast.expr | None) -> Value:
    """A parameter given a literal string (or a list of them): its origin is that literal, so that
    ``frame[label]`` inside the body reads the column it names (``analysis/columns.py``)."""
    if value is EMPTY and given is not None and labels_of(given, _no_origin) is not None:
        return evolve(value, origin=given)
    return value


def _no_origin(node: ast.expr) -> ast.expr | None:
    return None


def _literal(value: Value) -> object:
    """The literal a parameter was given, as part of the memo key (two labels, two results)."""
    return ast.dump(value.origin) if value.origin is not None and isinstance(value.origin, (ast.Constant, ast.List, ast.Tuple)) else None


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
        for parameter, value, expr in zip(positional, args, node.args):
            env[parameter.arg] = _with_literal(value, expr)
        for parameter in parameters:
            if parameter.arg in keywords:
                given = next((k.value for k in node.keywords if k.arg == parameter.arg), None)
                env[parameter.arg] = _with_literal(keywords[parameter.arg], given)
            env.setdefault(parameter.arg, EMPTY)
        key = (function, tuple(sorted((name, value.fingerprint(), _literal(value)) for name, value in env.items())))
        known = self._memo.get(key)
        if known is not None:
            return known
        self._active.append(function)
        inner = Scope(env, parent=self._functions.get(function, self._globals), owner=function)
        self.run_body(function.body, inner)
        self._active.pop()
        result = join(inner.returns) if inner.returns else EMPTY
        # ``return features, label`` on one path, ``return features`` on another: a caller that
        # unpacks the result unpacks the tuple.
        tuples = [r for r in inner.returns if r.elements is not None]
        if tuples and result.elements is None and len({len(r.elements) for r in tuples if r.elements is not None}) == 1:
            result = evolve(result, elements=join(tuples).elements)
        if not self._quiet:  # a body run quietly (inside a lambda) published no events: run it again
            self._memo[key] = result
        return result
