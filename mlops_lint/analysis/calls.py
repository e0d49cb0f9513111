"""What a call does to values: the fit/transform/split protocol, catalog roles, pandas methods.

Which classes and functions fit, transform, split, resample or cross-validate is data in
``rules/api/*.toml`` (by role and facts). What stays here is the protocol every such library shares:
the method names ``fit``/``fit_transform``/``transform``/``fit_resample``/``split``, and which
catalog roles have data-dependent meaning. Mixed into the interpreter of ``dataflow.py``.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from mlops_lint.analysis import column_picks
from mlops_lint.analysis.arguments import any_holds, argument, keyword, literal
from mlops_lint.analysis.columns import drop as drop_columns
from mlops_lint.analysis.columns import dropped_labels, select_rows
from mlops_lint.analysis.columns import labels as labels_of
from mlops_lint.analysis.resolve import spelt_name
from mlops_lint.analysis.statistics import computes_statistic
from mlops_lint.analysis.interpreter import Function, Interpreter
from mlops_lint.analysis.user_transformers import user_transformers
from mlops_lint.analysis.values import (EMPTY, NO_KEYWORDS, TEST, TRAIN, VALIDATION, DataArg, Event, Fit, Value, derive, evolve, join,
                                        new_data_arg, new_event, new_fit, new_lineage)
from mlops_lint.catalog import ApiEntry

if TYPE_CHECKING:
    from mlops_lint.analysis.scope import Scope
    from mlops_lint.analysis.module import AnalyzedModule

FIT_METHODS = frozenset({"fit", "partial_fit"})
# Method names the interpreter gives a meaning of their own (a fit, a transform, a split, a resample).
_PROTOCOL = FIT_METHODS | {"fit_transform", "transform", "fit_resample", "split", "predict", "predict_proba", "score"}
# Methods of Python's containers that put their arguments into the container they are called on.
_MUTATORS = frozenset({"append", "extend", "insert", "add", "update"})
# A call event's argument names (``DataArg.name``), for the usual number of positional arguments.
_POSITIONS = tuple(str(i) for i in range(16))
# Iteration helpers whose items are (built from) the items of their arguments.
_ITER_BUILTINS = frozenset({"list", "tuple", "iter", "sorted", "reversed", "next"})


def _in_fact(entry: ApiEntry | None, fact: str, name: str | None = None) -> bool:
    """Whether the object's catalog entry lists ``name`` in a list ``fact`` (or, without a name, sets
    the boolean ``fact``): the catalog's word on a protocol other than fit/transform."""
    if entry is None:
        return False
    value = entry.get(fact)
    return bool(value) if name is None else bool(value) and name in value


class CallSemantics(Interpreter):
    """The ``call`` half of the interpreter: evaluates one ``ast.Call`` to a Value."""

    def call(self, node: ast.Call, scope: "Scope") -> Value:
        value = self._call(node, scope)
        if value.sources or value.instance_of is not None or value.fitted or value.function is not None or value.elements is not None or value.item is not None:
            return value
        # Data made from nothing tracked (load_iris(), np.random.rand(100)) starts a lineage here.
        return new_lineage(node) if value is EMPTY else evolve(value, sources=frozenset({node}))

    def _call(self, node: ast.Call, scope: "Scope") -> Value:
        if self.module.project is not None:
            followed = self.call_into_project(node, scope)
            if followed is not None:
                return followed
        func = node.func
        if isinstance(func, ast.Attribute):
            receiver = self.expr(func.value, scope)
            args = [self.expr(a, scope) for a in node.args]
            keywords = {k.arg: self.expr(k.value, scope) for k in node.keywords} if node.keywords else {}  # no comprehension's frame
            names = self.module.imports.qualified_names(func)
            if not names:
                own = self._own_method(func, scope)
                if own is not None and type(func.value) is ast.Name:
                    self._emit_call(node, None, args, keywords, receiver, own)
                    return self.call_method(node, own, func.value.id, args, keywords, scope)
                method = self.callee(node, receiver, names)
                self._emit_call(node, method, args, keywords, receiver)
                return self._method(node, func, receiver, method, args, keywords, scope)
            entry = self.callee(node, names=names)
            self._emit_call(node, entry, args, keywords, receiver)
            if entry is not None and receiver.instance_of is None:
                return self._api_call(node, entry, args, keywords, names)
            # pd.to_datetime(...): a library function outside the catalog
            return derive([*args, *keywords.values()], (min(names), node))
        args = [self.expr(a, scope) for a in node.args] if node.args else []
        keywords = {k.arg: self.expr(k.value, scope) for k in node.keywords} if node.keywords else {}
        callee = self.expr(func, scope) if not isinstance(func, ast.Name) else scope.lookup(func.id)
        if callee is not None and callee.function is not None:
            self._emit_call(node, None, args, keywords, None, callee.function)
            return self.call_function(node, callee.function, args, keywords, scope)
        if callee is not None and callee.fitted and args and _in_fact(callee.instance_of, "applied-when-called"):
            # norm(x) of an adapted Keras layer: x scaled by what the layer learnt.
            self._emit_call(node, None, args, keywords, callee)
            output = derive(args[:1], (".__call__", node))
            self.emit(Event("transform", node, callee.instance_of, self._x_arg(node, args, keywords), self.next_seq(), receiver=callee))
            return evolve(output, fits=output.fits | callee.fitted)
        names = self.module.imports.qualified_names(func)
        entry = self.callee(node, names=names)
        self._emit_call(node, entry, args, keywords, None)
        if entry is not None:
            return self._api_call(node, entry, args, keywords, names)
        if isinstance(func, ast.Name) and callee is EMPTY:  # a class of the module (its name is bound to EMPTY)
            written = user_transformers(self.module).by_name.get(func.id)
            if written is not None:  # class Scaler(TransformerMixin) with a fit that learns: Scaler() is a transformer
                return derive([*args, *keywords.values()], (func.id, node), instance_of=written.entry, made_by=node)
        if names:
            return derive([*args, *keywords.values()], (min(names), node))
        if isinstance(func, ast.Name) and callee is None:
            return self._builtin(func.id, args, keywords)
        return derive([*args, *keywords.values()])

    def _own_method(self, func: ast.Attribute, scope: "Scope") -> Function | None:
        """``self.prepare`` called in a method of a class that defines ``prepare``: that method. Not
        the names of the fit/transform protocol (``self.fit(X)`` in a user-written transformer stays
        a fit, as the rules know it) nor of the catalog's methods."""
        if func.attr in _PROTOCOL or func.attr in self.module.catalog.methods:
            return None
        owner = scope.owner
        if type(func.value) is not ast.Name or not isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        positional = [*owner.args.posonlyargs, *owner.args.args]
        if not positional or positional[0].arg != func.value.id:
            return None
        cls = self.module.parents.get(owner)
        if not isinstance(cls, ast.ClassDef):
            return None
        return self.module.shared(_methods_by_class).get(cls, {}).get(func.attr)

    def _emit_call(self, node: ast.Call, entry: ApiEntry | None, args: list[Value], keywords: dict[str | None, Value],
                   receiver: Value | None, function: Function | None = None) -> None:
        if entry is None and function is None and (receiver is None or receiver.made_by is None) \
                and not (type(node.func) is ast.Name and node.func.id in self.module.function_names):
            for value in args:  # loops, not any() over generators: most calls end here
                if value.made_by is not None:
                    break
            else:
                for value in keywords.values():
                    if value.made_by is not None:
                        break
                else:
                    return  # nothing any rule asks about: an unknown callee given no object
        positions = _POSITIONS if len(args) <= len(_POSITIONS) else map(str, range(len(args)))
        data = tuple(map(new_data_arg, zip(node.args, args, positions)))
        if keywords:
            data += tuple([new_data_arg((k.value, keywords[k.arg], k.arg or "**")) for k in node.keywords])
        # next_seq and emit spelt out, the event built as a plain tuple: a call event is most of a module's events.
        self._seq += 1
        if not self._quiet:
            self.events.append(new_event(("call", node, entry, data, self._seq, None, receiver, NO_KEYWORDS, function, ())))

    # --- module-level functions and classes of the catalog -------------------------------------
    def _api_call(self, node: ast.Call, entry: ApiEntry, args: list[Value], keywords: dict[str | None, Value],
                  names: frozenset[str]) -> Value:
        """A call of a catalog entry; ``names``: the qualified names its callee spells."""
        called = spelt_name(entry, names)
        qualified = (called, node)
        role = entry.role
        inputs = [*args, *keywords.values()]
        if role == "loader":  # read from disk: a new lineage, whatever the path argument was
            return Value(sources=frozenset({node}), calls=frozenset({qualified}), picked=column_picks.loaded(node))
        # A class (StandardScaler) makes an object; so does one reached through a prefix entry.
        key = (entry.qualname, called)
        makes_object = self._makes_object.get(key)
        if makes_object is None:
            makes_object = self._makes_object[key] = entry.is_class or (
                called != entry.qualname and called.rsplit(".", 1)[-1][:1].isupper())
        if makes_object:
            return derive(inputs, qualified, instance_of=entry, made_by=node)
        if role == "metric":  # a score is a number about the data, not the data: nothing flows on
            score = new_lineage(node, frozenset({qualified}))
            position = entry.get("thresholds-output")
            if position is None:
                return score
            # fpr, tpr, thresholds = roc_curve(...): the thresholds are candidates, not scores.
            return evolve(score, elements=(score,) * position + (Value(sources=frozenset({node})),))
        if role == "search" and entry.get("outcome-is-return"):  # fmin: the result is the outcome
            result = derive(inputs, qualified)
            return evolve(result, sources=result.sources | {("outcome", node)})
        if role == "splitter":
            return self._train_test_split(node, entry, args, qualified)
        if role == "cv-evaluator":
            data = self._data_args(node, entry, args, keywords)
            self.emit(Event("cross-validate", node, entry, data, self.next_seq(), keywords=keywords))
            return derive(inputs, qualified)
        if role == "resample" and (any_holds(node, entry.get("resamples-when", ())) or self._draws_per_class(node, entry)):
            return self._resample(node, entry, args, keywords, qualified, receiver=None)
        if role == "transform-function" and args:
            # minmax_scale(X): fit and transform in one call, learning from X itself.
            fit = Fit("fit", node, entry, args[0].as_data(), None, node.args[0], self.next_seq())
            data = (DataArg(node.args[0], args[0], "X"),)
            self.emit(Event("fit", node, entry, data, fit.seq, fit=fit))
            self.emit(Event("transform", node, entry, data, self.next_seq(), fit=fit))
            output = derive(inputs, qualified)
            return evolve(output, fits=output.fits | {fit})
        if args and computes_statistic(node, entry):
            return self._statistic(node, entry, args[0], node.args[0], inputs, qualified)
        if role == "selection-score" and args:
            fit = Fit("select", node, entry, args[0].as_data(), args[1] if len(args) > 1 else keywords.get("y"), node.args[0], self.next_seq())
            self.emit(Event("fit", node, entry, (DataArg(node.args[0], args[0], "X"),), fit.seq, fit=fit))
            return derive(inputs, qualified, fits=derive(inputs).fits | {fit})
        return derive(inputs, qualified)

    def _data_args(self, node: ast.Call, entry: ApiEntry, args: list[Value], keywords: dict[str | None, Value], offset: int = 0) -> tuple[DataArg, ...]:
        found = []
        for name in ("X", "y", "groups"):
            position = entry.get(f"{name.lower()}-position")
            if position is None:
                continue
            expr = argument(node, position - offset, name)
            if expr is not None:
                index = position - offset
                value = args[index] if index < len(node.args) and node.args[index] is expr else keywords.get(name, EMPTY)
                found.append(DataArg(expr, value, name))
        return tuple(found)

    def _train_test_split(self, node: ast.Call, entry: ApiEntry, args: list[Value], qualified: tuple[str, ast.Call]) -> Value:
        if entry.get("returns") == "ordered-parts":
            return self._ordered_parts(node, entry, args, qualified)
        data = tuple(
            DataArg(expr, value, f"arrays[{i}]")
            for i, (expr, value) in enumerate(zip(node.args, args))
            if not isinstance(expr, ast.Starred)
        )
        self.emit(Event("split", node, entry, data, self.next_seq()))
        if any(isinstance(a, ast.Starred) for a in node.args):
            return derive(args, qualified)
        elements = []
        for value in args:
            for role in (TRAIN, TEST):
                def part(data: Value, role: str = role) -> Value:
                    return derive([data], qualified, roles=frozenset({role}), split_nodes=frozenset({node}))

                element = part(value)
                if value.picked is not None:  # the rows of a frame: the same columns
                    element = evolve(element, picked=value.picked)
                # the rows of a frame with columns written by label: it still knows what each holds
                elements.append(select_rows(value.columns, element, part) if value.columns is not None else element)
        return evolve(derive(args, qualified), elements=tuple(elements))

    def _statistic(self, node: ast.Call, entry: ApiEntry, data: Value, data_node: ast.expr, inputs: list[Value],
                   qualified: tuple[str, ast.Call]) -> Value:
        """``X.mean()``, ``np.median(X)``: a number learnt from the rows of ``data`` (analysis/statistics.py)."""
        fit = Fit("statistic", node, entry, data.as_data(), None, data_node, self.next_seq())
        self.emit(Event("statistic", node, entry, (DataArg(data_node, data, "X"),), fit.seq, fit=fit))
        output = derive(inputs, qualified)
        return evolve(output, fits=output.fits | {fit})

    def _ordered_parts(self, node: ast.Call, entry: ApiEntry, args: list[Value], qualified: tuple[str, ast.Call]) -> Value:
        """``np.split(X, [a, b])``: train, validation …, test in order. Equal sections (``np.split(X, 5)``)
        split nothing into a training and a test part."""
        indices = argument(node, 1, "indices_or_sections")
        if not args or not isinstance(indices, (ast.List, ast.Tuple)) or not indices.elts or isinstance(node.args[0], ast.Starred):
            return derive(args, qualified)
        return self._parts_in_order(node, entry, node.args[0], args[0], len(indices.elts) + 1, args, qualified)

    def _weighted_parts(self, node: ast.Call, entry: ApiEntry, receiver: Value, args: list[Value], qualified: tuple[str, ast.Call]) -> Value:
        """``df.randomSplit([0.7, 0.3], seed=1)``: one part of the frame per weight, train first."""
        weights = argument(node, 0, "weights")
        if not isinstance(weights, (ast.List, ast.Tuple)) or len(weights.elts) < 2 or not isinstance(node.func, ast.Attribute):
            return derive([receiver, *args], qualified)
        return self._parts_in_order(node, entry, node.func.value, receiver, len(weights.elts), [receiver], qualified)

    def _parts_in_order(self, node: ast.Call, entry: ApiEntry, data_node: ast.expr, data: Value, count: int,
                        inputs: list[Value], qualified: tuple[str, ast.Call]) -> Value:
        """A split of ``data`` into ``count`` parts in order: train, validation …, test."""
        roles = [TRAIN, *([VALIDATION] * (count - 2)), TEST]
        parts = tuple((node, role) for role in roles)  # the parts are the elements of the call's result
        self.emit(Event("split", node, entry, (DataArg(data_node, data, "arrays[0]"),), self.next_seq(), parts=parts))
        elements = tuple(derive([data], qualified, roles=frozenset({role}), split_nodes=frozenset({node})) for role in roles)
        return evolve(derive(inputs, qualified), elements=elements)

    def _draws_per_class(self, node: ast.Call, entry: ApiEntry) -> bool:
        """A draw from one class's rows stacked with another class's: classes balanced by hand."""
        return bool(entry.get("resamples-per-class")) and self.is_class_draw(node)

    def _resample(self, node: ast.Call, entry: ApiEntry, args: list[Value], keywords: dict[str | None, Value],
                  qualified: tuple[str, ast.Call], receiver: Value | None) -> Value:
        data_node = node.args[0] if node.args else keyword(node, "X")
        data = args[0] if args else keywords.get("X", EMPTY)
        if receiver is not None and receiver.instance_of is None and isinstance(node.func, ast.Attribute):
            data, data_node = receiver, node.func.value  # df.sample: the frame itself
        fit = Fit("resample", node, entry, data.as_data(), args[1] if len(args) > 1 else None, data_node, self.next_seq())
        self.emit(Event("resample", node, entry, (DataArg(data_node, data, "X"),) if data_node is not None else (), fit.seq, fit=fit))
        parts = [data] if receiver is not None and receiver.instance_of is None else args
        outputs = tuple(derive([v], qualified, fits=v.fits | {fit}) for v in parts)
        combined = derive(parts, qualified)
        return evolve(combined, fits=combined.fits | {fit}, elements=outputs if len(outputs) > 1 else None)

    # --- methods ------------------------------------------------------------------------------
    def _method(self, node: ast.Call, func: ast.Attribute, receiver: Value, method_entry: ApiEntry | None,
                args: list[Value], keywords: dict[str | None, Value], scope: "Scope") -> Value:
        name = func.attr
        method = (f".{name}", node)
        entry = receiver.instance_of
        if (name in FIT_METHODS or name == "fit_transform" or _in_fact(entry, "fit-methods", name)) \
                and not (entry is not None and entry.role == "inspection"):
            # An inspection's fit (PermutationImportance, a SHAP explainer, LazyClassifier) trains
            # nothing the module uses: it is a call, not a fit.
            fit = self._fit(node, receiver, args, keywords, entry)
            self._apply_inner_layers(node, receiver, args, keywords, scope)
            # fit/fit_transform start over (what the object learnt before is gone); partial_fit adds.
            learnt = receiver.fitted | {fit} if name == "partial_fit" else frozenset({fit})
            fitted = evolve(receiver, fitted=learnt)
            self.rebind(func.value, fitted, scope)
            if name != "fit_transform":
                return fitted
            output = derive(args[:1] or list(keywords.values())[:1], method)
            self.emit(Event("transform", node, entry, _x_data(node, fit.data_node, args, keywords), self.next_seq(), fit=fit, receiver=receiver))
            return evolve(output, fits=output.fits | {fit})
        if (name == "transform" or _in_fact(entry, "transform-methods", name)) and receiver.fitted:
            output = derive(args[:1] or list(keywords.values())[:1], method)
            self.emit(Event("transform", node, entry, self._x_arg(node, args, keywords), self.next_seq(), receiver=receiver))
            return evolve(output, fits=output.fits | receiver.fitted)
        if name in ("head", "tail") and receiver.instance_of is None:
            return self.split_part(node, derive([receiver, *args], method), receiver)
        if name == "copy" and not node.args and not node.keywords and receiver.columns is not None:
            return receiver  # df.copy(): the same columns, each holding what it held
        if name == "drop" and entry is None and not receiver.fitted:
            dropped = dropped_labels(node, self._origin_in(scope))
            if dropped is not None:
                smaller = drop_columns(receiver, dropped) if receiver.columns is not None else derive([receiver, *args, *keywords.values()], method)
                in_place = literal(keyword(node, "inplace")) is True
                # A drop in place names no new selection: the frame keeps being named by its variable.
                smaller = evolve(smaller, picked=column_picks.without(receiver, dropped, None if in_place else node))
                if in_place:
                    self.bind(func.value, smaller, scope, origin=func.value if isinstance(func.value, ast.Subscript) else None)
                    return EMPTY
                return smaller
        if entry is None and method_entry is not None and method_entry.get("returns") == "weighted-parts":
            return self._weighted_parts(node, method_entry, receiver, args, method)
        if name == "pop" and entry is None and receiver.sources and len(node.args) == 1 and not node.keywords:
            popped = labels_of(node.args[0], self._origin_in(scope))
            if popped is not None and len(popped) == 1:  # y = df.pop("y"): the column, and a frame without it
                self.rebind(func.value, evolve(receiver, picked=column_picks.without(receiver, popped, None)), scope)
                return evolve(derive([receiver, *args], method), picked=column_picks.read(receiver, popped, node))
        if name == "fit_resample" and entry is not None:
            return self._resample(node, entry, args, keywords, method, receiver=receiver)
        if name == "split" and entry is not None and entry.role == "cv-splitter":
            return self._cv_split(node, entry, args, keywords)
        if entry is None and computes_statistic(node, method_entry, receiver.origin):
            assert method_entry is not None
            return self._statistic(node, method_entry, receiver, func.value, [receiver, *args, *keywords.values()], method)
        if entry is None and keyword(node, "inplace") is not None and literal(keyword(node, "inplace")) is True:
            # df.fillna(v, inplace=True), df[c].fillna(v, inplace=True): the data now holds the result.
            result = derive([receiver, *args, *keywords.values()], method)
            if receiver.picked is not None and name in self.module.catalog.frames.keeps_columns:
                result = evolve(result, picked=receiver.picked)
            self.bind(func.value, result, scope, origin=func.value if isinstance(func.value, ast.Subscript) else None)
            return EMPTY
        if method_entry is not None and method_entry.role == "metric":  # model.score(X, y): a number
            return new_lineage(node, frozenset({method}))
        if entry is None and receiver.sources and method_entry is not None and method_entry.role == "resample":
            if any_holds(node, method_entry.get("resamples-when", ())) or self._draws_per_class(node, method_entry):
                return self._resample(node, method_entry, args, keywords, method, receiver=receiver)
        if entry is None and name in _MUTATORS:
            # rows.append(x), params.update(best): the container now holds what was put in.
            self.update_in_place(func.value, derive([receiver, *args, *keywords.values()]), scope)
        if entry is not None or receiver.fitted:
            # A method of an object (predict, score, get_params): its result comes from the arguments.
            return derive([*args, *keywords.values()], method)
        if receiver.picked is not None and name in self.module.catalog.frames.keeps_columns:  # df.dropna(): the same columns
            return evolve(derive([receiver, *args, *keywords.values()], method), picked=receiver.picked)
        return derive([receiver, *args, *keywords.values()], method)

    def _x_arg(self, node: ast.Call, args: list[Value], keywords: dict[str | None, Value]) -> tuple[DataArg, ...]:
        return _x_data(node, argument(node, 0, "X"), args, keywords)

    def _fit(self, node: ast.Call, receiver: Value, args: list[Value], keywords: dict[str | None, Value], entry: ApiEntry | None) -> Fit:
        data_node = argument(node, 0, "X")
        data = (args[0] if node.args else keywords.get("X", EMPTY)).as_data()
        target = args[1] if len(args) > 1 else keywords.get("y")
        fit = new_fit("fit", node, entry, data, target, data_node, self.next_seq(), receiver.made_by)
        kind = "search-fit" if entry is not None and entry.role == "search" else "fit"
        data_args = _x_data(node, data_node, args, keywords)  # the X argument found above, not looked up again
        y_node = argument(node, 1, "y")
        if y_node is not None and target is not None:
            data_args += (DataArg(y_node, target, "y"),)
        self.emit(Event(kind, node, entry, data_args, fit.seq, fit=fit, receiver=receiver, keywords=keywords))
        return fit

    def _apply_inner_layers(self, node: ast.Call, receiver: Value, args: list[Value], keywords: dict[str | None, Value],
                            scope: "Scope") -> None:
        """``Sequential([norm, Dense(1)]).fit(x)``: a fitted ``applied-when-called`` layer among the
        model's constructor's list is applied to what the model is fitted on."""
        made_by = receiver.made_by
        if made_by is None or not args:
            return
        for arg in made_by.args:
            if not isinstance(arg, (ast.List, ast.Tuple)):
                continue
            for element in arg.elts:
                # the layer as it stands now: adapt() may come after the model is built
                layer = scope.lookup(element.id) if isinstance(element, ast.Name) else self.value_of(element)
                if layer is not None and layer.fitted and _in_fact(layer.instance_of, "applied-when-called"):
                    self.emit(Event("transform", node, layer.instance_of, self._x_arg(node, args, keywords), self.next_seq(), receiver=layer))

    def _cv_split(self, node: ast.Call, entry: ApiEntry, args: list[Value], keywords: dict[str | None, Value]) -> Value:
        data = self._data_args(node, entry, args, keywords)
        self.emit(Event("split", node, entry, data, self.next_seq()))
        # Indices carry the lineage and role of what they index, not its fits.
        base = derive([d.value for d in data], (".split", node))
        index = evolve(base, fits=frozenset(), split_nodes=frozenset({node}))
        pair = Value(elements=(evolve(index, roles=frozenset({TRAIN})), evolve(index, roles=frozenset({TEST}))))
        return evolve(base, item=pair)

    def _builtin(self, name: str, args: list[Value], keywords: dict[str | None, Value]) -> Value:
        if name == "enumerate" and args:
            return evolve(derive(args), item=Value(elements=(EMPTY, self.item_of(args[0]))))
        if name == "zip" and args:
            return evolve(derive(args), item=Value(elements=tuple(self.item_of(a) for a in args)))
        if name in _ITER_BUILTINS and args:
            item = args[0].item
            if name == "next":
                return item if item is not None else derive(args)
            return evolve(derive(args), item=item) if item is not None else derive(args)
        return derive([*args, *keywords.values()])

    @staticmethod
    def item_of(value: Value) -> Value:
        if value.item is not None:
            return value.item
        if value.elements is None:
            return value.as_data()
        rows = value.elements
        # for X_tr, X_te in [(X_train, X_test), (sparse(X_train), sparse(X_test))]: each loop
        # variable holds one position of every tuple, not all of them.
        width = len(rows[0].elements) if rows and rows[0].elements is not None else None
        if width and all(row.elements is not None and len(row.elements) == width for row in rows):
            columns = tuple(join([row.elements[i] for row in rows if row.elements is not None]) for i in range(width))
            return evolve(join(rows).as_data(), elements=columns)
        return join(rows).as_data()


def _x_data(node: ast.Call, expr: ast.expr | None, args: list[Value], keywords: dict[str | None, Value]) -> tuple[DataArg, ...]:
    """The data argument of a fit or transform whose ``X`` argument (``argument(node, 0, "X")``) is ``expr``."""
    if expr is None:
        return ()
    return (DataArg(expr, args[0] if node.args else keywords.get("X", EMPTY), "X"),)


def _methods_by_class(module: "AnalyzedModule") -> dict[ast.ClassDef, dict[str, Function]]:
    """The methods each class of the module defines in its body (indexed once per module); static
    methods take no object and are left out."""
    found: dict[ast.ClassDef, dict[str, Function]] = {}
    for cls in module.nodes_of(ast.ClassDef):
        found[cls] = {node.name: node for node in cls.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                      and not any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)}
    return found
