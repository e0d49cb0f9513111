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
        return self._invoke(node, function, args, keywords, None)[0]

    def call_method(self, node: ast.Call, function: Function, receiver: str, args: list[Value],
                    keywords: dict[str | None, Value], scope: Scope) -> Value:
        """``self.prepare(df)`` inside a method of the same class: the method runs with the object's
        attributes as the caller knows them (``self.X``), and those it writes are the caller's
        afterwards, so data held in attributes flows from method to method in the order they are called."""
        positional = [*function.args.posonlyargs, *function.args.args]
        if not positional:
            return derive([*args, *keywords.values()])
        prefix, own = receiver + ".", positional[0].arg + "."
        known = {own + key[len(prefix):]: value for key, value in scope.env.items() if key.startswith(prefix)}
        result, written = self._invoke(node, function, [scope.lookup(receiver) or EMPTY, *args], keywords, known)
        for attribute, value in written.items():
            scope.env[prefix + attribute] = value
        return result

    def _invoke(self, node: ast.Call, function: Function, args: list[Value], keywords: dict[str | None, Value],
                attributes: dict[str, Value] | None) -> tuple[Value, dict[str, Value]]:
        """Run ``function`` with these arguments; its result. For a method (``attributes``: the
        object's, as the caller knows them), also the attributes of the object that it wrote."""
        everything = [*args, *keywords.values()]
        if function in self._active or len(self._active) >= _MAX_INLINE_DEPTH:
            return derive(everything), {}
        parameters = self._parameters(function)
        env: dict[str, Value] = {}
        positional = [*function.args.posonlyargs, *function.args.args]
        # An object or a class passed implicitly (self.m(x), a classmethod) comes before the call's own arguments.
        given_exprs: list[ast.expr | None] = [None] * max(0, len(args) - len(node.args))
        given_exprs += node.args
        for parameter, value, expr in zip(positional, args, given_exprs):
            env[parameter.arg] = _with_literal(value, expr)
        for parameter in parameters:
            if parameter.arg in keywords:
                given = next((k.value for k in node.keywords if k.arg == parameter.arg), None)
                env[parameter.arg] = _with_literal(keywords[parameter.arg], given)
            env.setdefault(parameter.arg, EMPTY)
        if attributes:
            env.update(attributes)
        key = (function, tuple(sorted((name, value.fingerprint(), _literal(value)) for name, value in env.items())))
        known = self._memo.get(key)
        if known is not None:
            return known, self._written.get(key, {})
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
        written: dict[str, Value] = {}
        if attributes is not None and positional:
            own = positional[0].arg + "."
            written = {name[len(own):]: value for name, value in inner.env.items()
                       if name.startswith(own) and attributes.get(name) is not value}
        if not self._quiet:  # a body run quietly (inside a lambda) published no events: run it again
            self._memo[key] = result
            if written:
                self._written[key] = written
        return result, written

    @property
    def _written(self) -> dict[tuple[object, ...], dict[str, Value]]:
        """Per memoised call: the attributes of the object that the body wrote."""
        return self.__dict__.setdefault("_written_attributes", {})  # type: ignore[no-any-return]

