"""What an expression evaluates to: names, attributes, subscripts, literals, operators, comprehensions.

Mixed into the interpreter of ``dataflow.py``; calls are ``calls.py``'s job.
"""

from __future__ import annotations

import ast

from mlops_lint.analysis import column_picks
from mlops_lint.analysis.columns import Origin, attribute_read, column_read, select_rows, selects_rows
from mlops_lint.analysis.interpreter import Evaluations, Interpreter
from mlops_lint.analysis.scope import Scope
from mlops_lint.analysis.values import EMPTY, DataArg, Event, Value, derive, evolve, new_lineage


def _operands(node: ast.expr) -> list[ast.expr] | list[ast.expr | None]:
    """The sub-expressions an operator's result derives from (faster than ``ast.iter_child_nodes``)."""
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, (ast.BoolOp, ast.JoinedStr)):
        return node.values
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.IfExp):
        return [node.test, node.body, node.orelse]
    if isinstance(node, ast.Dict):
        return [*node.keys, *node.values]
    if isinstance(node, ast.Set):
        return node.elts
    if isinstance(node, ast.Slice):
        return [node.lower, node.upper, node.step]
    if isinstance(node, (ast.Starred, ast.FormattedValue, ast.Await)):
        return [node.value]
    return []


class ExpressionSemantics(Interpreter):
    """The ``expr`` half of the interpreter; records the Value of every evaluated node."""

    def expr(self, node: ast.expr, scope: Scope) -> Value:
        # The hottest function of the dataflow: the two most common nodes first, and the recording
        # of _record spelt out for a node evaluated for the first time.
        cls = type(node)
        if cls is ast.Constant:  # the most common leaf: nothing to learn or record
            return EMPTY
        if cls is ast.Name:  # Scope.lookup spelt out: a call less for the most common node
            name = node.id  # type: ignore[attr-defined]
            holder: Scope | None = scope
            value = None
            while holder is not None:
                value = holder.env.get(name)
                if value is not None:
                    break
                holder = holder.parent
            if value is None:
                value = self._unbound(name)
        elif cls is ast.Call:
            value = self.call(node, scope)  # type: ignore[arg-type]
        else:
            value = self._evaluate(node, scope)
        known = self._values.setdefault(node, value)  # one lookup for a node evaluated the first time
        if known is not value:
            self._record(node, value)
        return value

    def _unbound(self, name: str) -> Value:
        """A name no running scope binds: an import (nothing tracked), else a free name (a lineage of its own)."""
        if name in self.module.imports.bindings:
            return EMPTY
        return new_lineage(("free", name))

    def _evaluate(self, node: ast.expr, scope: Scope) -> Value:
        if isinstance(node, ast.Attribute):
            # Attribute writes are stored under their dotted name (``self.X``); two-level reads
            # cover them without re-spelling every deeper chain (a.b.c.d) at each level.
            if type(node.value) is ast.Name:
                value = scope.lookup(f"{node.value.id}.{node.attr}")
                if value is not None:
                    return value
            return self._attribute(node, self.expr(node.value, scope))
        if isinstance(node, ast.Subscript):
            return self._subscript(node, scope)
        if isinstance(node, (ast.Tuple, ast.List)):
            values = [self.expr(e, scope) for e in node.elts]
            if any(isinstance(e, ast.Starred) for e in node.elts):
                return derive(values)
            return evolve(derive(values), elements=tuple(values))
        if isinstance(node, ast.NamedExpr):
            value = self.expr(node.value, scope)
            self.bind(node.target, value, scope, origin=node.value)
            return value
        if isinstance(node, ast.Compare):  # a comparison looks at its operands: a check of them
            operands = [node.left, *node.comparators]
            values = [self.expr(operand, scope) for operand in operands]
            self.emit(Event("check", node, None, tuple(DataArg(o, v, "operand") for o, v in zip(operands, values)), self.next_seq()))
            return derive(values)
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            value = self.expr(node.value, scope) if node.value is not None else EMPTY
            if node.value is not None:
                self.emit(Event("return", node, None, (DataArg(node.value, value, "value"),), self.next_seq()))
            return value
        if isinstance(node, ast.Lambda):
            return self._lambda(node, scope)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            return self._comprehension(node, scope)
        return derive([self.expr(child, scope) for child in _operands(node) if child is not None])

    def _subscript(self, node: ast.Subscript, scope: Scope) -> Value:
        target = node.value
        accessor = None
        if type(target) is ast.Attribute and target.attr in self.module.catalog.frames.indexers:  # df.loc[...]: the frame itself
            frame = self.expr(target.value, scope)
            base = self._attribute(target, frame)
            self._record(target, base)
            accessor = target.attr
        else:
            base = frame = self.expr(target, scope)
        index = self.expr(node.slice, scope)
        if accessor is None and self.module.imports.qualified_names(target):
            return index.as_data()  # np.c_[a, b], np.r_[a, b]: the index is the data
        if base.elements is not None and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int):
            if -len(base.elements) <= node.slice.value < len(base.elements):
                return base.elements[node.slice.value]
        origin = self._origin_in(scope)
        columns = column_read(frame, node.slice, accessor, origin, self.module.catalog.frames)
        # The values are the base's: the index adds lineage, roles and column picks (selection
        # fits), not the fits of whatever computed it (rows picked by a scaled mask are raw).
        rows = index.as_data()
        if rows.fits:  # most indexes hold no fit (a label, a slice): nothing to take out, no new value
            picked = frozenset(fit for fit in rows.fits if fit.kind == "select")
            rows = evolve(rows, fits=picked)

        def pick(part: Value) -> Value:
            value = derive([part, rows])
            if index.roles:  # X[train_idx], X.iloc[test_index]: the rows of that part
                return evolve(value, roles=index.roles, split_nodes=index.split_nodes | part.split_nodes)
            if part.roles != value.roles:
                return evolve(value, roles=part.roles)
            return value

        value = pick(columns if columns is not None else base)
        if columns is None and frame.columns is not None and selects_rows(node.slice, accessor):
            value = select_rows(frame.columns, value, pick)
        taken = column_picks.of_subscript(frame, node, accessor, origin, self.module.catalog.frames)
        if taken is not None:
            value = evolve(value, picked=taken)
        return self.split_part(node, value, frame)

    def _lambda(self, node: ast.Lambda, scope: Scope) -> Value:
        """A lambda is the values its body reads from outside (``df.apply(lambda r: rates[r.city])``
        carries ``rates``). Its body is evaluated once, its parameters fresh, without events: it runs
        wherever it is passed, and where that is is not known here."""
        arguments = node.args
        parameters = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        env = {p.arg: Value(sources=frozenset({("param", node, p.arg)})) for p in parameters}
        self._quiet += 1
        try:
            value = self.expr(node.body, Scope(env, parent=scope, owner=node))
        finally:
            self._quiet -= 1
        return value.as_data()

    def _origin_in(self, scope: Scope) -> Origin:
        def origin(node: ast.expr) -> ast.expr | None:
            value = scope.lookup(node.id) if isinstance(node, ast.Name) else None
            return value.origin if value is not None else None

        return origin

    def _record(self, node: ast.expr, value: Value) -> None:
        """``value`` is one more value of ``node`` (its values are joined when read: ``value_of``)."""
        known = self._values.get(node)
        if known is None:
            self._values[node] = value
        elif isinstance(known, Evaluations):
            if known[-1] is not value:
                known.append(value)
        elif known is not value:
            self._values[node] = Evaluations((known, value))

    def _attribute(self, node: ast.Attribute, base: Value) -> Value:
        """``obj.attr`` read: data of the object; its outcome when the catalog says the attribute holds
        one (``search.best_params_``); a check of the object when the catalog lists the attribute
        as one (``df.dtypes``); nothing of the data for its labels (``df.columns``)."""
        made_by, cls = base.made_by, base.instance_of
        if base.columns is not None:
            column = attribute_read(base, node.attr)
            if column is not None:
                picked = column_picks.of_attribute(base, node, self.module.catalog.frames)
                return evolve(column, picked=picked) if picked is not None else column
        if made_by is not None and cls is not None and node.attr in cls.get("outcome-attrs", ()):
            value = base.as_data()
            return evolve(value, sources=value.sources | {("outcome", made_by)})
        read = self.module.catalog.methods.get(node.attr)
        if read is not None:
            if read.role == "data-check":
                self.emit(Event("check", node, read, (DataArg(node.value, base, "object"),), self.next_seq()))
            elif read.role == "labels" and cls is None:
                return EMPTY
        elif base.sources:
            picked = column_picks.of_attribute(base, node, self.module.catalog.frames)
            if picked is not None:
                return evolve(base.as_data(), picked=picked)
        return base.as_data()

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp, scope: Scope) -> Value:
        inner = Scope(dict(scope.env), scope.parent, scope.owner)
        parts: list[Value] = []
        for generator in node.generators:
            self.bind(generator.target, self.item_of(self.expr(generator.iter, inner)), inner)
            parts.extend(self.expr(condition, inner) for condition in generator.ifs)
        if isinstance(node, ast.DictComp):
            parts += [self.expr(node.key, inner), self.expr(node.value, inner)]
        else:
            parts.append(self.expr(node.elt, inner))
        return derive(parts)
