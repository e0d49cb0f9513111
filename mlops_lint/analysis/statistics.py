"""Statistics computed by hand: which calls learn a number from the rows of their data.

``df["Age"].fillna(df["Age"].median())``, ``(X - X.mean()) / X.std()``, ``X / X.max()``,
``df["c"].map(df.groupby("c")["y"].mean())``, ``pd.qcut(df.x, 4)``: the median, the mean, the
maximum, the per-group means and the quartiles are learnt from every row, the test rows too, if the
data is split afterwards. Which calls compute one is catalog data (``rules/api/statistics.toml``:
role ``statistic``, or the fact ``learns-from-rows``), with the conditions under which they do
(``statistic-when``), compute across the columns of each row instead (``per-row-when``:
``axis=1``), or are moving statistics of earlier rows (``windowed-after``: ``s.rolling(7).mean()``).
The dataflow records each as a ``Fit`` of kind ``"statistic"`` (``calls.py``), which flows on with
the value like any fit; MLO101 asks about it as about a scaler's.

A number flows into many things that are no feature: a sample size, a plot's limits, a threshold
for a mask, a constant shift (``X - X.min()`` changes no distance and no fitted slope).
``StatisticUses.applied`` says, from the syntax around the call, whether the statistic is put
into the rows: it scales them (``X / X.max()``, ``(X - X.mean()) / X.std()``), fills or maps
them (``fillna``, ``replace``, ``map``, ``np.where``; ``stats.loc[value]`` looked up row by row),
or is itself per-row data (``transform('mean')``, ``qcut``, ``zscore``, ``rank``: catalog fact
``per-row-output``). A statistic bound to a name is followed to the uses of that name.
"""

from __future__ import annotations

import ast

from functools import cached_property
from typing import TYPE_CHECKING

from mlops_lint.analysis.arguments import any_holds
from mlops_lint.catalog import ApiEntry

if TYPE_CHECKING:
    from collections.abc import Set as AbstractSet

    from mlops_lint.analysis.module import AnalyzedModule

# Data methods and numpy functions that put a value into the rows: filling, replacing, mapping.
_FILLERS = frozenset({"fillna", "replace", "map", "where", "mask", "clip", "combine_first", "update", "nan_to_num", "select"})
# Calls that pass a number through unchanged in kind (abs(x.min()), float(x.std()), np.sqrt(x.var())).
# A lookup in a dictionary of statistics (stats.get("mean")) passes them on too.
_NUMERIC = frozenset({"abs", "float", "int", "round", "sqrt", "absolute", "item", "to_dict", "astype", "tolist", "to_numpy", "get"})
# Accessors whose subscript selects rows (and columns) of a frame or an array.
_SCALING = (ast.Div, ast.Mult, ast.FloorDiv, ast.Pow)
_MAX_NAME_HOPS = 3


def computes_statistic(call: ast.Call, entry: ApiEntry | None, receiver_origin: ast.expr | None = None) -> bool:
    """Whether ``call`` (of ``entry``) learns a statistic from the rows of its data; ``receiver_origin``
    is what the object of a method call was bound from (``roll = s.rolling(20)`` … ``roll.mean()``)."""
    if entry is None or not (entry.role == "statistic" or entry.get("learns-from-rows")):
        return False
    when = entry.get("statistic-when")
    if when is not None and not any_holds(call, when):
        return False
    per_row = entry.get("per-row-when")
    if per_row and any_holds(call, per_row):
        return False
    windowed = entry.get("windowed-after")
    func = call.func
    if windowed and isinstance(func, ast.Attribute):
        for receiver in (func.value, receiver_origin):
            if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute) and receiver.func.attr in windowed:
                return False
    return True


def label(call: ast.Call) -> str:
    """How a statistic reads in a message: ``median()``, ``transform('count')``, ``np.mean()``."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else ast.unparse(func)
    first = call.args[0] if call.args else None
    shown = ast.unparse(first) if isinstance(first, ast.Constant) and isinstance(first.value, (str, int, float)) else ""
    return f"{name}({shown})"


def _writes_rows(target: ast.expr, indexers: AbstractSet[str]) -> bool:
    """``df.loc[mask, c] = v``, ``X.iloc[:, 0] = v``, ``X[X == 0] = v``: a write into rows of data (not
    a key of a dict of results, ``scores["auc"] = v``)."""
    if not isinstance(target, ast.Subscript):
        return False
    if isinstance(target.value, ast.Attribute) and target.value.attr in indexers:  # the catalog's frame facts
        return True
    index = target.slice.elts[0] if isinstance(target.slice, ast.Tuple) and target.slice.elts else target.slice
    return isinstance(index, (ast.Compare, ast.BoolOp)) or (isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.Invert))


class StatisticUses:
    """Whether each statistic call of a module is put into the rows (see the module docstring);
    one syntactic look per call, names indexed once per module."""

    def __init__(self, module: AnalyzedModule) -> None:
        self._module = module
        self._applied: dict[ast.Call, bool] = {}  # asked once per (fit, sink): answered once per call
        self._function_loads: dict[ast.AST, dict[str, list[ast.Name]]] = {}

    @cached_property
    def _loads(self) -> dict[str, list[ast.Name]]:
        found: dict[str, list[ast.Name]] = {}
        for node in self._module.nodes_of(ast.Name):
            if isinstance(node.ctx, ast.Load):
                found.setdefault(node.id, []).append(node)
        return found

    def applied(self, call: ast.Call, entry: ApiEntry | None) -> bool:
        """Whether the statistic that ``call`` computes is put into the rows (the module docstring)."""
        known = self._applied.get(call)
        if known is None:
            known = bool(entry is not None and entry.get("per-row-output")) or self._applied_from(call, 0)
            self._applied[call] = known
        return known

    def _applied_from(self, node: ast.AST, hops: int) -> bool:
        parents = self._module.parents
        pure = True  # still the statistic itself, not data combined with it
        while True:
            parent = parents.get(node)
            if parent is None:
                return False
            if isinstance(parent, ast.Subscript) and parent.value is node:
                if isinstance(parent.slice, (ast.Constant, ast.Slice)):
                    node = parent  # mode()[0]
                    continue
                return True  # rates.loc[value]: looked up row by row
            if isinstance(parent, ast.Attribute) and parent.value is node:
                call = parents.get(parent)
                if parent.attr in ("iloc", "loc", "values", "T"):
                    node = parent
                elif isinstance(call, ast.Call) and call.func is parent and parent.attr in _NUMERIC:
                    node = call
                else:
                    return False
                continue
            if isinstance(parent, ast.BinOp):
                other = parent.right if parent.left is node else parent.left
                if self._is_number(other):
                    node = parent  # x.max() / 2, counts.max() // ratio: still a number
                    continue
                if isinstance(parent.op, _SCALING):
                    return True
                node, pure = parent, False  # X - X.mean(): a shift, maybe inside a divisor
                continue
            if isinstance(parent, ast.UnaryOp):
                node = parent
                continue
            if isinstance(parent, (ast.Dict, ast.List, ast.Tuple, ast.Starred, ast.keyword)):
                node = parent
                continue
            if isinstance(parent, ast.Call) and parent.func is not node:
                name = parent.func.attr if isinstance(parent.func, ast.Attribute) else getattr(parent.func, "id", "")
                if name in _FILLERS:
                    return True
                if name in _NUMERIC:
                    node = parent
                    continue
                return pure and hops < _MAX_NAME_HOPS and self._applied_parameter(parent, node, hops)
            if isinstance(parent, ast.AugAssign) and parent.value is node:
                return isinstance(parent.op, _SCALING)
            if isinstance(parent, ast.Assign) and parent.value is node and pure:
                if any(_writes_rows(target, self._module.catalog.frames.any_indexers) for target in parent.targets):
                    return True  # df.loc[df[c] == 0, c] = median: filled into the rows it selects
                return hops < _MAX_NAME_HOPS and any(self._applied_name(target, parent, hops) or self._applied_attribute(target, hops)
                                                     for target in parent.targets)
            return False

    @cached_property
    def _numbers(self) -> frozenset[str]:
        """Names bound only to literal numbers, anywhere in the module (``ratio = 30``)."""
        bound: dict[str, bool] = {}
        for node in self._module.nodes_of(ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    literal = isinstance(node.value, ast.Constant) and isinstance(node.value.value, (int, float))
                    bound[target.id] = bound.get(target.id, True) and literal
        return frozenset(name for name, only_numbers in bound.items() if only_numbers)

    def _is_number(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.Name):
            return node.id in self._numbers
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
            return True
        if isinstance(node, ast.BinOp):
            return self._is_number(node.left) and self._is_number(node.right)
        return isinstance(node, ast.UnaryOp) and self._is_number(node.operand)

    def _applied_name(self, target: ast.expr, assign: ast.Assign, hops: int) -> bool:
        if not isinstance(target, ast.Name):
            return False
        after = (assign.lineno, assign.col_offset)
        return any(self._applied_from(use, hops + 1) for use in self._loads.get(target.id, ())
                   if (use.lineno, use.col_offset) > after)

    @cached_property
    def _attribute_loads(self) -> dict[str, list[ast.Attribute]]:
        """``self.stats`` read anywhere in the module, by dotted name (methods run in the order they
        are called, not written: positions say nothing)."""
        found: dict[str, list[ast.Attribute]] = {}
        for node in self._module.nodes_of(ast.Attribute):
            if isinstance(node.ctx, ast.Load) and isinstance(node.value, ast.Name):
                found.setdefault(f"{node.value.id}.{node.attr}", []).append(node)
        return found

    def _applied_attribute(self, target: ast.expr, hops: int) -> bool:
        if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
            return False
        return any(self._applied_from(use, hops + 1) for use in self._attribute_loads.get(f"{target.value.id}.{target.attr}", ()))

    @cached_property
    def _functions(self) -> dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]]:
        found: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
        functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = [*self._module.nodes_of(ast.FunctionDef),
                                                                     *self._module.nodes_of(ast.AsyncFunctionDef)]
        for node in functions:
            found.setdefault(node.name, []).append(node)
        return found

    def _applied_parameter(self, call: ast.Call, argument: ast.AST, hops: int) -> bool:
        """``engineer(df, stats)`` with a function of this module (or a method, ``self.engineer``):
        whether its body puts the parameter that received the statistic into the rows."""
        func = call.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        defined = self._functions.get(name or "", [])
        if len(defined) != 1:
            return False  # unknown, or several candidates: silence over a guess
        function = defined[0]
        positional = [*function.args.posonlyargs, *function.args.args]
        if isinstance(func, ast.Attribute) and positional and positional[0].arg in ("self", "cls"):
            positional = positional[1:]
        parameter: str | None = None
        if isinstance(argument, ast.keyword):
            parameter = argument.arg
        else:
            index = next((i for i, given in enumerate(call.args) if given is argument), len(positional))
            parameter = positional[index].arg if index < len(positional) else None
        if parameter is None:
            return False
        return any(self._applied_from(use, hops + 1) for use in self._loads_in(function).get(parameter, ()))

    def _loads_in(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, list[ast.Name]]:
        known = self._function_loads.get(function)
        if known is None:
            known = self._function_loads[function] = {}
            for node in ast.walk(function):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                    known.setdefault(node.id, []).append(node)
        return known
