"""The dataflow of one module: which value derives from which, what was fitted, split, resampled.

Computed once per module (``AnalyzedModule.dataflow``) and shared by every rule. Rules read facts,
never verdicts.

Public API
----------
``DataFlow.events`` / ``DataFlow.events_of(*kinds)``
    Every ``Event`` (``mlops_lint.analysis.values``) in flow order, indexed by kind:

    - what data went through: ``"fit"``, ``"transform"``, ``"resample"``, ``"split"``
      (``train_test_split`` and CV splitters' ``split``), ``"cross-validate"`` (``cross_val_score``
      & co.) and ``"search-fit"`` (``GridSearchCV.fit`` & co.), with their data arguments
      (``DataArg``: node, Value, name ``X``/``y``/``groups``/``arrays[i]``), the ``Fit`` record,
      ``Event.keywords`` (``eval_set=``, ``validation_data=``, ``cv=``) and ``Event.receiver``;
    - where values went: ``"call"`` (calls of catalog entries, of the module's functions, of an
      object's methods or given an object: the catalog entry, every argument and the object),
      ``"check"`` (an ``assert``, a comparison, a catalog data-check attribute such as
      ``df.dtypes``), ``"return"`` (``return``/``yield``), ``"store"`` (``obj.attr = v``,
      ``d[k] = v``) and ``"expression"`` (what a notebook cell displays).

    Each evaluation of a node emits its own event (a function's body runs on its own and at
    each call site): questions such as "did a check come before this sink" compare ``seq``.
``DataFlow.complete``
    False when the module could not be analysed (expressions nested beyond the stack): no events.
``DataFlow.value_of(node)``
    The ``Value`` of an evaluated expression node (``EMPTY`` when never evaluated), joined over
    its evaluations. A Value has ``sources`` (lineage: loads, parameters, free names, and
    ``("outcome", search)`` marks), ``fits`` (fits/resamples/selections upstream, each with node,
    entry, the data fitted on), ``roles`` (``"train"``/``"test"``; see ``Value.role``/``has_role``),
    ``calls`` (upstream library/method calls and their nodes: resolve them with
    ``AnalyzedModule.callee``), and for objects ``instance_of`` (the catalog class), ``made_by``
    (the constructor call: the object's identity) and ``fitted``; ``origin`` is the expression a
    name was bound from (``grid = {...}``).

What flows: a loader's result is a new lineage; a metric's result is a score (nothing of the data
it graded flows on); reading an ``outcome-attrs`` attribute of a search (or calling an
``outcome-is-return`` one) marks its outcome; ``rows.append(x)``/``d.update(y)`` put ``x``/``y``
into the container; column labels (catalog role ``labels``: ``df.columns``) carry no data.

Roles: the outputs of ``train_test_split`` are train/test alternately; inside
``for tr, te in cv.split(X)`` the indices are train/test and ``X[tr]``/``X.iloc[te]`` take their
role; values computed from a role-carrying value keep it (``sc.transform(X_test)`` is test).

How it is computed: per scope, one pass in statement order. Branches run on copies of the
environment and merge; a loop body runs once and merges with the state before it. ``if __name__ ==
"__main__":`` is an ordinary branch. Functions of the module are analysed once on their own
(parameters as fresh lineage, globals as they stand at the end of the module, an enclosing
function's variables as they stand at its end) and followed at call
sites with the arguments' values (memoised per argument values; recursion is cut off). A call
``self.m(...)`` in a method of a class that defines ``m`` is followed the same way, with the
object's attributes (``self.X``) as the caller knows them, and the attributes it writes are the
caller's afterwards; a parameter that a function writes into (``frame[c] = ...``) without ever
rebinding its name is the caller's object, changed (``analysis/summaries.py``).
Subscript/attribute writes (``df["a"] = ...``, ``df.loc[:, c] = ...``) update the whole frame; by
label, the frame also knows what each written column holds, so a later read of other columns by
label does not carry what was written (``analysis/columns.py``).
Notebooks arrive as one module, cells in order.
"""

from __future__ import annotations

import ast
import heapq
from functools import cached_property
from typing import TYPE_CHECKING, Iterable

from mlops_lint.analysis import column_picks
from mlops_lint.analysis.column_picks import same_row_reads
from mlops_lint.analysis.class_balancing import class_draws
from mlops_lint.analysis.columns import drop as drop_columns
from mlops_lint.analysis.columns import labels as labels_of
from mlops_lint.analysis.columns import reads_labels, select_rows, written_labels
from mlops_lint.analysis.columns import write as write_columns
from mlops_lint.analysis.interpreter import Evaluations, Function
from mlops_lint.analysis.names import dotted_name
from mlops_lint.analysis.positional_splits import PositionalSplits
from mlops_lint.analysis.project import ProjectCalls
from mlops_lint.analysis.scope import Scope, merge_envs
from mlops_lint.analysis.values import (EMPTY, NO_KEYWORDS, DataArg, Event, Part, Value, derive, evolve, join, new_data_arg,
                                        new_event, with_origin)

if TYPE_CHECKING:
    from mlops_lint.analysis.module import AnalyzedModule
    from mlops_lint.catalog.model import FrameFacts

# try/except, and try/except* where the interpreter has it (Python 3.11+)
_TRY: tuple[type[ast.Try], ...] = (ast.Try, getattr(ast, "TryStar", ast.Try))


def _seq(event: Event) -> int:
    return event.seq


def _store_key(target: ast.expr, frames: FrameFacts) -> str | None:
    """The variable a subscript/attribute write updates: ``df`` for ``df.loc[:, c]`` (and the frame's
    other indexers, ``df.values[...]``: the catalog's frame facts), ``self.X``."""
    while True:
        if isinstance(target, ast.Subscript):
            target = target.value
        elif isinstance(target, ast.Attribute) and (target.attr in frames.any_indexers or target.attr in frames.all_columns):
            target = target.value
        else:
            return dotted_name(target)


class DataFlow(ProjectCalls):  # expressions, calls, functions, and calls into the project's other modules
    """Interprets a module once; see the module docstring for what it publishes."""

    def __init__(self, module: "AnalyzedModule") -> None:
        self.module = module
        self.callee = module.resolver.callee  # what each call invokes (analysis/resolve.py)
        self.events: list[Event] = []
        self._values = {}
        self._seq = 0
        self._quiet = 0
        self._active = []
        self._memo = {}
        self._rebound = {}
        self._makes_object = {}
        self._globals = Scope({}, owner=module.tree)
        # Functions are met while interpreting (no extra walk of the tree); each one is then
        # analysed on its own, in the order met, which may meet nested functions: a worklist.
        self._functions = {}
        self._met: list[Function] = []
        self._functions_found = {}
        self._values_found = {}
        self.complete = True
        try:
            self._run_module()
        except RecursionError:
            # An expression nested deeper than the interpreter's stack (generated code): publish
            # nothing rather than half a flow, so rules stay silent on this module.
            self.complete = False
            self.events.clear()
            self._values.clear()
        finally:
            # Answers of this run only (analysis/project.py); kept, they would hold other modules alive.
            self._functions_found.clear()
            self._values_found.clear()

    def _run_module(self) -> None:
        self.run_body(self.module.tree.body, self._globals)
        index = 0
        while index < len(self._met):  # grows while functions met inside functions are analysed
            self._standalone(self._met[index])
            index += 1

    # --- public -----------------------------------------------------------------------------
    def value_of(self, node: ast.AST) -> Value:
        value = self._values.get(node, EMPTY)
        if type(value) is Evaluations:
            value = self._values[node] = join(value)
        return value  # type: ignore[return-value]  # an Evaluations is replaced above

    def events_of(self, *kinds: str) -> list[Event]:
        """The events of these kinds, in flow order (indexed by kind once the flow is complete)."""
        by_kind = self._by_kind
        if len(kinds) == 1:
            return by_kind.get(kinds[0], [])
        return list(heapq.merge(*(by_kind.get(kind, []) for kind in kinds), key=_seq))

    @cached_property
    def _by_kind(self) -> dict[str, list[Event]]:
        found: dict[str, list[Event]] = {}
        for event in self.events:
            found.setdefault(event.kind, []).append(event)
        return found

    # --- plumbing used by CallSemantics -------------------------------------------------------
    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def emit(self, event: Event) -> None:
        if not self._quiet:
            self.events.append(event)

    @cached_property
    def positional_splits(self) -> PositionalSplits:
        """The module's splits by position or mask (``analysis/positional_splits.py``)."""
        return PositionalSplits(self.module)

    @cached_property
    def _class_draws(self) -> frozenset[ast.Call]:
        return class_draws(self.module)

    def is_class_draw(self, node: ast.Call) -> bool:
        """A draw that balances classes by hand: a resampling whatever its arguments (``analysis/class_balancing.py``)."""
        return node in self._class_draws

    def split_part(self, node: ast.expr, value: Value, cut: Value) -> Value:
        """``value`` of ``node`` when it takes a part of a positional split of ``cut`` (the data cut):
        the part's role and the split's identity; at the split's first part, its split event."""
        part = self.positional_splits.part(node)
        if part is None:
            return value
        if node is part.split:
            parts = self.positional_splits.parts_of(part.split)
            self.emit(Event("split", node, None, (DataArg(part.base, cut, "data"),), self.next_seq(), parts=parts))
        roles = frozenset({part.role})

        def of_part(data: Value) -> Value:
            return evolve(data, roles=roles, split_nodes=data.split_nodes | {part.split})

        whole = of_part(value)
        # A frame with columns written by label: each column is of that part too (a later read by label).
        return select_rows(value.columns, whole, of_part) if value.columns is not None else whole

    def update_in_place(self, target: ast.expr, value: Value, scope: Scope) -> None:
        """``rows.append(x)`` / ``d["k"].update(y)``: the variable holding the container now holds ``value``."""
        key = _store_key(target, self.module.catalog.frames)
        if key is not None:
            scope.env[key] = value

    def rebind(self, target: ast.expr, value: Value, scope: Scope) -> None:
        """``sc.fit(X)`` / ``self.sc.fit(X)``: the object now carries its fit."""
        if type(target) is ast.Name:
            scope.env[target.id] = value
        elif type(target) is ast.Attribute and type(target.value) is ast.Name:
            scope.env[f"{target.value.id}.{target.attr}"] = value

    # --- statements ---------------------------------------------------------------------------
    def run_body(self, body: Iterable[ast.stmt], scope: Scope) -> None:
        for statement in body:
            self.statement(statement, scope)

    def _branches(self, bodies: list[list[ast.stmt]], scope: Scope, fallthrough: bool) -> None:
        """Run each body on a copy of the environment, then merge (with the untouched one if
        control may skip every body)."""
        start = scope.env
        results = [start] if fallthrough else []
        for body in bodies:
            scope.env = dict(start)
            self.run_body(body, scope)
            results.append(scope.env)
        scope.env = merge_envs(results) if results else start

    def statement(self, node: ast.stmt, scope: Scope) -> None:
        if isinstance(node, ast.Assign):
            value = self.expr(node.value, scope)
            for target in node.targets:
                self.bind(target, value, scope, origin=node.value)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.bind(node.target, self.expr(node.value, scope), scope, origin=node.value)
        elif isinstance(node, ast.AugAssign):
            old = self.expr(node.target, scope)
            # df["a"] += 1 replaces a column the frame has: the target is its own origin.
            self.bind(node.target, derive([old, self.expr(node.value, scope)]), scope,
                      origin=node.target if isinstance(node.target, ast.Subscript) else None)
        elif isinstance(node, ast.Expr):
            value = self.expr(node.value, scope)
            if value is not EMPTY:  # built as call events are (calls.py): one per call displayed or printed
                self._seq += 1
                if not self._quiet:
                    data = (new_data_arg((node.value, value, "value")),)
                    self.events.append(new_event(("expression", node, None, data, self._seq, None, None, NO_KEYWORDS, None, ())))
        elif isinstance(node, ast.Return):
            value = self.expr(node.value, scope) if node.value is not None else EMPTY
            scope.returns.append(value)
            if node.value is not None:
                self.emit(Event("return", node, None, (DataArg(node.value, value, "value"),), self.next_seq()))
        elif isinstance(node, ast.If):
            self.expr(node.test, scope)
            self._branches([node.body, node.orelse], scope, fallthrough=False)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            item = self.item_of(self.expr(node.iter, scope))
            start = scope.env
            scope.env = dict(start)
            self.bind(node.target, item, scope)
            self.run_body(node.body, scope)
            self.run_body(node.orelse, scope)
            scope.env = merge_envs([start, scope.env])
        elif isinstance(node, ast.While):
            self.expr(node.test, scope)
            self._branches([node.body + node.orelse], scope, fallthrough=True)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for with_item in node.items:
                value = self.expr(with_item.context_expr, scope)
                if with_item.optional_vars is not None:
                    self.bind(with_item.optional_vars, value, scope)
            self.run_body(node.body, scope)
        elif isinstance(node, _TRY):
            self.run_body(node.body, scope)
            self._branches([h.body for h in node.handlers] + [node.orelse], scope, fallthrough=False)
            self.run_body(node.finalbody, scope)
        elif isinstance(node, ast.Match):
            self.expr(node.subject, scope)
            self._branches([case.body for case in node.cases], scope, fallthrough=True)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scope.env[node.name] = Value(function=node)
            if node not in self._functions:
                enclosing = scope if isinstance(scope.owner, (ast.FunctionDef, ast.AsyncFunctionDef)) else self._globals
                self._functions[node] = enclosing
                self._met.append(node)
        elif isinstance(node, ast.ClassDef):
            # The class body runs once in its own scope; its methods are analysed on their own.
            self.run_body(node.body, Scope({}, parent=self._globals, owner=node))
            scope.env[node.name] = EMPTY
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    scope.env.pop(target.id, None)
                elif isinstance(target, ast.Subscript):  # del df["c"]: the frame without that column
                    key = _store_key(target, self.module.catalog.frames)
                    frame = scope.lookup(key) if key is not None else None
                    dropped = labels_of(target.slice, self._origin_in(scope))
                    if key is not None and frame is not None and frame.columns is not None and dropped is not None:
                        scope.env[key] = drop_columns(frame, dropped)
                    if key is not None and frame is not None and dropped is not None:
                        scope.env[key] = evolve(scope.env.get(key, frame), picked=column_picks.without(frame, dropped, target))
        elif isinstance(node, ast.Raise):
            for child in (node.exc, node.cause):
                if child is not None:
                    self.expr(child, scope)
        elif isinstance(node, ast.Assert):
            value = self.expr(node.test, scope)
            self.emit(Event("check", node, None, (DataArg(node.test, value, "test"),), self.next_seq()))

    def bind(self, target: ast.expr, value: Value, scope: Scope, origin: ast.expr | None = None) -> None:
        """Bind ``target`` to ``value``; ``origin`` is the expression assigned, for a plain ``name = expr``."""
        if isinstance(target, ast.Name):
            if origin is not None:
                value = with_origin(value, origin)
            scope.env[target.id] = value
            self._values[target] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            self._unpack(target.elts, value, scope)
        elif isinstance(target, ast.Starred):
            self.bind(target.value, value, scope)
        elif isinstance(target, ast.Attribute):
            if type(target.value) is ast.Name:
                scope.env[f"{target.value.id}.{target.attr}"] = value
                receiver = self._lookup_key(target.value.id, scope)
            else:
                receiver = self.expr(target.value, scope)
            self.emit(Event("store", target, None, (DataArg(target, value, "value"),), self.next_seq(), receiver=receiver))
        elif isinstance(target, ast.Subscript):
            # df["a"] = ... / df.loc[:, cols] = ...: the frame now holds what was written into it;
            # by label, it knows which columns hold what (analysis/columns.py).
            self.expr(target.slice, scope)
            frame = _store_key(target, self.module.catalog.frames)
            old = self._lookup_key(frame, scope) if frame is not None else None
            if frame is not None:
                origin_of = self._origin_in(scope)
                written = written_labels(target, origin_of, self.module.catalog.frames)
                if written is not None:
                    labels, partial = written
                    replaced = partial or (origin is not None and reads_labels(origin, frame, labels, origin_of, self.module.catalog.frames))
                    new = write_columns(old, labels, value, replaced)
                    derived = same_row_reads(origin, frame, origin_of, self.module.catalog.frames) if origin is not None else (frozenset(), True)
                    scope.env[frame] = evolve(new, picked=column_picks.written(old, new, labels, derived, target))
                else:
                    scope.env[frame] = derive([old, value]) if old is not None else value.as_data()
            self.emit(Event("store", target, None, (DataArg(target, value, "value"),), self.next_seq(), receiver=old))

    def _unpack(self, targets: list[ast.expr], value: Value, scope: Scope) -> None:
        elements = value.elements
        starred = [i for i, t in enumerate(targets) if isinstance(t, ast.Starred)]
        if elements is None and not starred and len(targets) > 1 and (started := _started_lineage(value)) is not None:
            for index, target in enumerate(targets):
                self.bind(target, evolve(value.as_data(), sources=frozenset({Part(started, index)})), scope)
            return
        if elements is None or (not starred and len(elements) != len(targets)) or (starred and len(elements) < len(targets) - 1):
            whole = value.as_data() if elements is None else join(elements)
            for target in targets:
                self.bind(target, whole, scope)
            return
        if not starred:
            for target, element in zip(targets, elements):
                self.bind(target, element, scope)
            return
        star = starred[0]
        after = len(targets) - star - 1
        for target, element in zip(targets[:star], elements[:star]):
            self.bind(target, element, scope)
        middle = elements[star : len(elements) - after]
        self.bind(targets[star], join(middle) if middle else EMPTY, scope)
        for target, element in zip(targets[star + 1 :], elements[len(elements) - after :]):
            self.bind(target, element, scope)

    def _lookup_key(self, key: str, scope: Scope) -> Value | None:
        return scope.lookup(key)


def _started_lineage(value: Value) -> ast.Call | None:
    """The call whose result ``value`` is, when that call derives from nothing tracked (a loader, a
    dataset function): its unpacked positions are then separate data, each with its own lineage."""
    if len(value.sources) != 1 or value.fits or value.split_nodes:
        return None
    [source] = value.sources
    return source if isinstance(source, ast.Call) else None
