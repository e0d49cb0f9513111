"""Loops that try candidates: which gradings inside a loop grade a candidate that changes with the loop.

A loop over hyper-parameter values (``for k in range(1, 30)``, ``for params in ParameterGrid(g)``,
``while k <= 150``, a loop over thresholds) that configures a model with the value and grades it
tries one candidate per turn. Which names carry the candidate is read from the syntax of the loop
body, in statement order, with the dataflow telling objects (models) from data, and followed into
the module's functions it calls with them (a ``run(hparams)`` that builds and grades the model):

- *values*: the loop's targets (for ``while``: the names its test reads that its body assigns),
  and data computed from values (``lr = params["eta"]``, ``hp = {"units": n}``,
  ``preds = (proba >= t).astype(int)``);
- *configured models*: objects built by a call given a value (``KNeighborsClassifier(n_neighbors=k)``)
  or configured by a method call given one (``model.set_params(lr=lr)``, ``model.add(Dense(units))``,
  ``model.fit(X, y, epochs=e)``: the data arguments of ``fit`` do not configure). A model looped
  over itself (``for model in models``, ``make_pipeline(scaler, model)``) is no configured model:
  whether a loop over models chooses is left to an explicit choice (``max``, ``sorted``). Seeds (a
  catalog ``seed-param``) configure nothing;
- *candidate predictions*: data a configured model's method returns (``knn.predict(X_test)``);
- *changing data*: what a model that is no candidate predicts for data that changes with the
  loop (``clf.predict_proba(X_turn)``): the data graded changes, no candidate is tried.

A grading in the loop tries a candidate when it grades a configured model (``model.score(X_test,
y_test)``), reads candidate predictions, or reads predictions computed from a value, while the
data it grades on does not change with the loop (a loop over data sets that splits each one, or
over slices of the test set, tries no candidate on one test set).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Callable

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import Value
from mlops_lint.analysis.walk import walk

_FIT_DATA_METHODS = frozenset({"fit", "partial_fit", "fit_transform", "fit_resample", "train"})
_Loop = ast.For | ast.AsyncFor | ast.While
_MAX_DEPTH = 4  # module functions followed from a loop body
VALUE, MODEL, PREDICTION, DATA = "value", "model", "prediction", "data"
# Catalog roles of objects that are models (a loop over them is a loop over models, not over settings).
_MODEL_ROLES = frozenset({"estimator", "model", "pipeline", "transformer", "supervised-selector", "search", "resampler", "trainer"})


@dataclass
class _Taint:
    kinds: dict[str, str] = field(default_factory=dict)  # name -> VALUE, MODEL or PREDICTION
    targets: frozenset[str] = frozenset()  # the loop's own names: a model or predictions looped over


def loop_candidates(loop: _Loop) -> set[str]:
    """The names that take a new candidate at each turn of the loop."""
    if isinstance(loop, ast.While):
        read = {n.id for n in walk(loop.test) if isinstance(n, ast.Name)}
        assigned = {t.id for s in loop.body for n in walk(s) if isinstance(n, (ast.Assign, ast.AugAssign))
                    for target in (n.targets if isinstance(n, ast.Assign) else [n.target]) for t in walk(target)
                    if isinstance(t, ast.Name)}
        return read & assigned
    return {n.id for n in walk(loop.target) if isinstance(n, ast.Name)}


def _is_object(value: Value) -> bool:
    return value.made_by is not None or value.instance_of is not None or bool(value.fitted)


def _spelt_like_a_class(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name[:1].isupper()


class SweepReader:
    """Finds the gradings of candidates inside loops; ``is_grading(call)`` says which calls grade
    on the test set (the rule's question), ``seed_keywords(call)`` which keywords only seed."""

    def __init__(self, module: AnalyzedModule, is_grading: Callable[[ast.Call], bool],
                 seed_keywords: Callable[[ast.Call], frozenset[str]]) -> None:
        self._module = module
        self._flow = module.dataflow
        self._is_grading = is_grading
        self._seed_keywords = seed_keywords
        self._functions = {node.name: node for node in module.nodes_of(ast.FunctionDef)}

    @property
    def functions(self) -> frozenset[str]:
        """The names of the module's functions that a loop body's calls are followed into."""
        return frozenset(self._functions)

    def first_candidate_grading(self, loop: _Loop) -> ast.Call | None:
        """The first grading, in the loop body or in the module functions it calls, that grades a candidate.

        Gradings are found in the order of the body's turns: when the first turn found one, a second
        turn (which only adds gradings after it) is not read."""
        candidates = loop_candidates(loop)
        if not candidates:
            return None
        taint = _Taint(kinds=dict.fromkeys(candidates, VALUE), targets=frozenset(candidates))
        found: list[ast.Call] = []
        self._two_turns(loop.body, taint, found, 0, set(), stop_at_first=True)
        return found[0] if found else None

    # --- statements ---------------------------------------------------------------------------
    def _two_turns(self, body: list[ast.stmt], taint: _Taint, found: list[ast.Call], depth: int, active: set[str],
                   stop_at_first: bool = False) -> None:
        """A second turn sees what a later statement of the body configured; a turn reads nothing but
        the taint, so when the first one left it as it was, the second would find the same calls again.
        ``stop_at_first``: only the first grading found is wanted (the loop's own body, not a function's)."""
        before = dict(taint.kinds)
        self._body(body, taint, found, depth, active)
        if taint.kinds != before and not (stop_at_first and found):
            self._body(body, taint, found, depth, active)

    def _body(self, body: list[ast.stmt], taint: _Taint, found: list[ast.Call], depth: int, active: set[str]) -> None:
        for statement in body:
            self._statement(statement, taint, found, depth, active)

    def _statement(self, node: ast.stmt, taint: _Taint, found: list[ast.Call], depth: int, active: set[str]) -> None:
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            self._calls(node.value, taint, found, depth, active)
            for target in targets:
                for name_node in (n for n in walk(target) if isinstance(n, ast.Name)):
                    kind = self._kind_of(node.value, name_node, taint)
                    if kind is not None:
                        taint.kinds[name_node.id] = kind
            return
        if isinstance(node, ast.Expr):
            self._calls(node.value, taint, found, depth, active)
            call = node.value
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) \
                    and _is_object(self._flow.value_of(call.func.value)) and self._configures(call, taint):
                taint.kinds[call.func.value.id] = MODEL
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self._statement(child, taint, found, depth, active)
            elif isinstance(child, ast.expr):
                self._calls(child, taint, found, depth, active)
            elif isinstance(child, (ast.ExceptHandler, ast.match_case)):
                self._body(child.body, taint, found, depth, active)

    # --- expressions --------------------------------------------------------------------------
    def _reads(self, expr: ast.AST, taint: _Taint) -> set[str]:
        """The kinds of the tainted names ``expr`` reads; a method's object is read only when it is a
        configured model (its method returns candidate data), a looped-over object only as a value
        handed on, never as a model."""
        kinds: set[str] = set()
        nodes = list(walk(expr))
        tainted = taint.kinds
        # Most expressions read no tainted name: then nothing below can add a kind (asked for every
        # argument of every call of a loop body, the calls' predictions were the costly part).
        if not any(n.__class__ is ast.Name and n.id in tainted for n in nodes):
            return kinds
        calls = [n for n in nodes if isinstance(n, ast.Call)]
        receivers = {id(n.func.value) for n in calls if isinstance(n.func, ast.Attribute)}
        functions = {id(n.func) for n in calls}
        # What a model that is no candidate predicts for data of this turn: changing data.
        predicted = {id(a) for n in calls if self._predicts(n, taint) for argument in n.args for a in walk(argument)}
        for n in nodes:
            if not isinstance(n, ast.Name) or id(n) in functions:
                continue
            kind = tainted.get(n.id)
            if kind is None:
                continue
            if id(n) in predicted and kind == VALUE:
                kinds.add(DATA)
                continue
            if id(n) in receivers:
                if kind == MODEL:
                    kinds.add(PREDICTION)  # knn.predict(X): what a configured model computes
                elif n.id not in taint.targets and not _is_object(self._flow.value_of(n)):
                    kinds.add(kind)  # proba_t.astype(int): data computed on (a looped-over object is no data)
                continue
            kinds.add(kind)
        return kinds

    def _predicts(self, call: ast.Call, taint: _Taint) -> bool:
        """A prediction or transform by a model that is no candidate (its object is not configured)."""
        func = call.func
        if not isinstance(func, ast.Attribute) or (isinstance(func.value, ast.Name) and taint.kinds.get(func.value.id) == MODEL):
            return False
        if isinstance(func.value, ast.Call) and self._configured_chain(func.value, taint):
            return False  # Model(k).fit(X, y).predict(X_test): a candidate's predictions
        entry = self._module.callee(call)
        return (entry is not None and entry.role == "prediction") or func.attr == "transform"

    def _kind_of(self, value: ast.expr, target: ast.Name, taint: _Taint) -> str | None:
        # An object of a class the catalog does not know is spelt like a class: ELM(hidden_nodes=n).
        is_object = _is_object(self._flow.value_of(target)) or (isinstance(value, ast.Call) and _spelt_like_a_class(value))
        if isinstance(value, ast.Call):
            func = value.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and taint.kinds.get(func.value.id) == MODEL:
                return MODEL if is_object else PREDICTION  # model.fit(...) returns the model; predict its predictions
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call) and self._configured_chain(func.value, taint):
                return MODEL if is_object else PREDICTION  # Model(depth).fit(X, y), Model(k).fit(X, y).predict(X)
            if self._predicts(value, taint):
                # model.predict(X_turn): one model on data that changes with the loop, no candidate
                return DATA if self._reads(value, taint) else None
            if self._arguments_configure(value, taint):
                return MODEL if is_object else VALUE
            if isinstance(func, ast.Attribute) and not isinstance(func.value, ast.Name):
                return self._data_kind(self._reads(func.value, taint), is_object)  # (proba >= t).astype(int)
            return None
        return self._data_kind(self._reads(value, taint), is_object)

    @staticmethod
    def _data_kind(kinds: set[str], is_object: bool) -> str | None:
        if DATA in kinds:
            return DATA
        if PREDICTION in kinds:
            return PREDICTION
        if MODEL in kinds:
            return MODEL if is_object else PREDICTION
        if VALUE in kinds and not is_object:
            return VALUE
        return None

    def _handed(self, argument: ast.expr, taint: _Taint) -> bool:
        """An argument that carries a candidate into a call: not a looped-over model handed on as it is
        (``make_pipeline(StandardScaler(), clf)`` in ``for clf in classifiers``)."""
        if isinstance(argument, ast.Name) and argument.id in taint.targets and self._is_model(argument):
            return False
        return bool(self._reads(argument, taint))

    def _is_model(self, node: ast.expr) -> bool:
        """The value is a model, or was built by a model's constructor (the items of a list of models)."""
        value = self._flow.value_of(node)
        if _is_object(value):
            return True
        for _, call in value.calls:
            entry = self._module.callee(call)
            if entry is not None and entry.is_class and entry.role in _MODEL_ROLES:
                return True
        return False

    def _configured_chain(self, node: ast.expr, taint: _Taint) -> bool:
        """A model built or configured with this turn's value, possibly fitted in the same expression
        (the receiver of a method): ``Model(k)``, ``Model(k).fit(X, y)``, ``model.set_params(C=c).fit(X, y)``."""
        for _ in range(_MAX_DEPTH):
            if isinstance(node, ast.Name):
                return taint.kinds.get(node.id) == MODEL
            if not isinstance(node, ast.Call):
                return False
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in _FIT_DATA_METHODS:
                node = func.value  # the data a fit is given configures nothing: look at the model fitted
                continue
            if self._arguments_configure(node, taint):
                return True  # the model's constructor, make_pipeline(..., SVC(C=c)), set_params(C=c)
            if not isinstance(func, ast.Attribute):
                return False
            node = func.value
        return False

    def _arguments_configure(self, call: ast.Call, taint: _Taint) -> bool:
        seeds = self._seed_keywords(call)
        arguments: list[ast.expr] = list(call.args)
        arguments += [k.value for k in call.keywords if k.arg not in seeds]
        return any(self._handed(argument, taint) for argument in arguments)

    def _configures(self, call: ast.Call, taint: _Taint) -> bool:
        """``model.set_params(C=c)``, ``model.add(Dense(units))``, ``model.fit(X, y, epochs=e)``."""
        assert isinstance(call.func, ast.Attribute)
        seeds = self._seed_keywords(call)
        arguments = [] if call.func.attr in _FIT_DATA_METHODS else list(call.args)
        arguments += [k.value for k in call.keywords if k.arg not in seeds]
        return any(self._handed(argument, taint) for argument in arguments)

    def _calls(self, expr: ast.expr, taint: _Taint, found: list[ast.Call], depth: int, active: set[str]) -> None:
        for node in walk(expr):
            if not isinstance(node, ast.Call):
                continue
            if self._is_grading(node) and self._grades_candidate(node, taint):
                found.append(node)
            if isinstance(node.func, ast.Name) and node.func.id in self._functions:
                self._follow(node, self._functions[node.func.id], taint, found, depth, active)

    def _grades_candidate(self, call: ast.Call, taint: _Taint) -> bool:
        func = call.func
        model = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and taint.kinds.get(func.value.id) == MODEL
        arguments = [*call.args, *(k.value for k in call.keywords)]
        candidate, changing = model, False
        for argument in arguments:
            kinds = self._reads(argument, taint)
            if DATA in kinds:
                changing = True
            elif kinds & {MODEL, PREDICTION}:
                candidate = True
            elif VALUE in kinds:
                bare = isinstance(argument, ast.Name) and argument.id in taint.targets
                if not bare and self._flow.value_of(argument).calls and self._predicted(argument):
                    candidate = True  # predictions computed from the value: (proba >= t)
                else:
                    changing = True  # the graded data itself changes with the loop
        return candidate and not changing

    def _predicted(self, argument: ast.expr) -> bool:
        """The argument's data comes from a model's predictions."""
        module = self._module
        for _, node in self._flow.value_of(argument).calls:
            entry = module.callee(node)
            if entry is not None and entry.role == "prediction":
                return True
        return False

    def _follow(self, call: ast.Call, function: ast.FunctionDef, taint: _Taint, found: list[ast.Call], depth: int,
                active: set[str]) -> None:
        if depth >= _MAX_DEPTH or function.name in active:
            return
        inner = _Taint()
        positional = [*function.args.posonlyargs, *function.args.args]
        pairs = list(zip(positional, call.args))
        by_name = {p.arg: p for p in [*positional, *function.args.kwonlyargs]}
        pairs += [(by_name[k.arg], k.value) for k in call.keywords if k.arg in by_name]
        targets = set()
        for parameter, argument in pairs:
            kinds = self._reads(argument, taint)
            if isinstance(argument, ast.Name) and argument.id in taint.kinds and not (kinds - {VALUE}):
                kinds = {taint.kinds[argument.id]}
            for kind in (DATA, MODEL, PREDICTION, VALUE):
                if kind in kinds:
                    inner.kinds[parameter.arg] = kind
                    break
            if isinstance(argument, ast.Name) and argument.id in taint.targets:
                targets.add(parameter.arg)
        inner.targets = frozenset(targets)
        if not inner.kinds:
            return
        self._two_turns(function.body, inner, found, depth + 1, active | {function.name})
