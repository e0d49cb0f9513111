"""Functions of the module: analysed once on their own, and followed at each call site.

At a call site the body runs with the arguments' values (memoised per function and argument
values), so a helper that scales and returns passes its fit on to the caller; a helper that
writes into a frame it was given (and never rebinds) changes the caller's frame, and a method
called on ``self`` hands the attributes it writes back to its caller (``Effects``). Recursion and
nesting deeper than ``_MAX_INLINE_DEPTH`` return a plain derivation of the arguments instead.
Mixed into the interpreter of ``dataflow.py``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlops_lint.analysis.columns import labels as labels_of
from mlops_lint.analysis.interpreter import Function, Interpreter
from mlops_lint.analysis.naming import NamesByContext
from mlops_lint.analysis.scope import Scope
from mlops_lint.analysis.values import EMPTY, Value, derive, evolve, join, new_lineage
from mlops_lint.analysis.walk import walk

if TYPE_CHECKING:
    from mlops_lint.analysis.module import AnalyzedModule

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
        env = {p.arg: new_lineage(("param", function, p.arg)) for p in self._parameters(function)}
        for extra in (function.args.vararg, function.args.kwarg):
            if extra is not None:
                env[extra.arg] = new_lineage(("param", function, extra.arg))
        self._active.append(function)
        self.run_body(function.body, Scope(env, parent=self._functions.get(function, self._globals), owner=function))
        self._active.pop()

    def call_function(self, node: ast.Call, function: Function, args: list[Value],
                      keywords: dict[str | None, Value], scope: Scope) -> Value:
        result, effects = self._invoke(node, function, args, keywords, None)
        _apply_mutations(node, function, len(args), effects.mutated, scope)
        return result

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
        result, effects = self._invoke(node, function, [scope.lookup(receiver) or EMPTY, *args], keywords, known)
        for attribute, value in effects.attributes.items():
            scope.env[prefix + attribute] = value
        _apply_mutations(node, function, len(args) + 1, effects.mutated, scope)
        return result

    def _invoke(self, node: ast.Call, function: Function, args: list[Value], keywords: dict[str | None, Value],
                attributes: dict[str, Value] | None) -> tuple[Value, Effects]:
        """Run ``function`` with these arguments: its result, and its effects on what it was given
        (``Effects``). ``attributes``: for a method, the object's, as the caller knows them."""
        everything = [*args, *keywords.values()]
        if function in self._active or len(self._active) >= _MAX_INLINE_DEPTH:
            return derive(everything), _NO_EFFECTS
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
            return known
        passed_in = dict(env)
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
        rebound = self._rebound.get(function)
        if rebound is None:
            # A function of the module: its one index of stored names; another module's: a walk of it.
            module = self.module
            rebound = module.shared(_rebound_in).get(function, frozenset()) if function in module.parents else _rebound(function)
            self._rebound[function] = rebound
        mutated = {p.arg: inner.env[p.arg] for p in parameters
                   if p.arg not in rebound and inner.env.get(p.arg, passed_in[p.arg]) is not passed_in[p.arg]}
        written: dict[str, Value] = {}
        if attributes is not None and positional:
            own = positional[0].arg + "."
            written = {name[len(own):]: value for name, value in inner.env.items()
                       if name.startswith(own) and attributes.get(name) is not value}
        effects = Effects(mutated, written) if mutated or written else _NO_EFFECTS
        if not self._quiet:  # a body run quietly (inside a lambda) published no events: run it again
            self._memo[key] = (result, effects)
        return result, effects


@dataclass(frozen=True)
class Effects:
    """What a call did to what it was given, besides returning: ``mutated``, the parameters whose
    object it changed in place (``frame[c] = ...``, ``frame.fillna(..., inplace=True)``), never
    rebinding their name; ``attributes``, for a method, the attributes of its object that it wrote."""

    mutated: dict[str, Value]
    attributes: dict[str, Value]


_NO_EFFECTS = Effects({}, {})


def _rebound(function: Function) -> frozenset[str]:
    """The names ``function`` binds anywhere in its body (``frame = frame.copy()``): a parameter among
    them may no longer be the caller's object, so changes to it are not the caller's."""
    # The fast walk of analysis/walk.py: the same Name nodes as ast.walk, without its generators.
    return frozenset(node.id for node in walk(function) if node.__class__ is ast.Name and node.ctx.__class__ is ast.Store)


def _rebound_in(module: AnalyzedModule) -> dict[ast.AST, frozenset[str]]:
    """``_rebound`` of every function of ``module``, from one pass over its stored names: each name
    counts for every function around it (the walk of each function followed read all its nodes)."""
    parents = module.parents
    found: dict[ast.AST, set[str]] = {}
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    for name in module.shared(NamesByContext).stored:  # the bound names, as the rules also read them
        node = parents.get(name)
        while node is not None:
            if node.__class__ in functions:
                found.setdefault(node, set()).add(name.id)
            node = parents.get(node)
    return {function: frozenset(names) for function, names in found.items()}


def _apply_mutations(node: ast.Call, function: Function, given: int, mutated: dict[str, Value], scope: Scope) -> None:
    """``fill(df, "age")`` whose body writes into its parameter: the caller's ``df`` now holds what was written."""
    if not mutated or any(isinstance(a, ast.Starred) for a in node.args):
        return
    positional = [*function.args.posonlyargs, *function.args.args]
    shift = given - len(node.args)  # an object or class passed implicitly comes first
    names: dict[str, ast.expr] = {k.arg: k.value for k in node.keywords if k.arg is not None}
    for index, expr in enumerate(node.args):
        if 0 <= index + shift < len(positional):
            names[positional[index + shift].arg] = expr
    for parameter, value in mutated.items():
        passed = names.get(parameter)
        if isinstance(passed, ast.Name):
            holder: Scope | None = scope
            while holder is not None and passed.id not in holder.env:
                holder = holder.parent
            (holder or scope).env[passed.id] = value

