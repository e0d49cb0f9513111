"""Whether training stops or selects on its validation data (issue 15, "MLO202 only when something stops or selects").

Validation data given to training (``eval_set=``, ``validation_data=``) that is only watched (the
loss printed per epoch, a learning curve drawn) tunes nothing. It does when something stops
training or keeps the best model by a score on it. What does is catalog data:

- ``early-stopping-params`` of the model's class or of the training function: arguments of the
  constructor or of the training call that turn it on when given (``early_stopping_rounds``);
- ``early-stopping-when``: conditions under which the library selects by default (CatBoost keeps
  the best iteration on its ``eval_set`` unless ``use_best_model=False``);
- ``callback-params``: arguments that take callbacks; a callback of role ``early-stopping``
  (Keras ``EarlyStopping``, ``ReduceLROnPlateau``, ``ModelCheckpoint``, ``lightgbm.early_stopping``,
  XGBoost's ``EarlyStopping``) among them, built with its ``selects-when`` conditions holding and,
  when it names the metric it watches (``monitor-param``), watching a validation metric (a name
  starting with ``validation-prefix``, ``val_loss`` by default; ``monitor="loss"`` watches the
  training data).

For a model the catalog does not know (a subclassed Keras model), every such argument named in the
catalog counts.
"""

from __future__ import annotations

import ast
from typing import Any, Mapping

from dataclasses import dataclass

from mlops_lint.analysis.arguments import any_holds, argument, keyword, literal
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import Value
from mlops_lint.catalog import ApiEntry


@dataclass(frozen=True)
class Stopper:
    """What stops or selects: ``shown`` in a message (the argument, the callback's class, or the
    setting's name), ``node`` where it is written (None for a library default)."""

    shown: ast.AST | str
    node: ast.AST | None


def _given(node: ast.expr | None) -> bool:
    """An argument that turns a setting on: anything but a literal None, False or 0."""
    if node is None:
        return False
    value = literal(node)
    return not (value is None or value is False or value == 0) if isinstance(node, ast.Constant) else True


def _facts(module: AnalyzedModule, entry: ApiEntry | None, name: str) -> list[Any]:
    if entry is not None:
        return list(entry.get(name, ()))
    return sorted(module.catalog.fact_values.get(name, frozenset()))


def _dict_literal_key(module: AnalyzedModule, call: ast.Call, names: list[str]) -> Stopper | None:
    """``Model(**params)`` with ``params = {"early_stopping_rounds": 50, ...}``: the entry given for one of ``names``."""
    for kw in call.keywords:
        if kw.arg is not None:
            continue
        origin = module.dataflow.value_of(kw.value).origin
        if isinstance(origin, ast.Dict):
            for key, value in zip(origin.keys, origin.values):
                if isinstance(key, ast.Constant) and key.value in names and _given(value):
                    return Stopper(f"{key.value}={ast.unparse(value)}", key)
    return None


def _watches_validation(call: ast.Call, entry: ApiEntry) -> bool:
    param = entry.get("monitor-param")
    if param is None:
        return True
    monitored = keyword(call, param)
    if monitored is None:
        return True  # the library's default watches the validation loss
    name = literal(monitored)
    prefix = entry.get("validation-prefix", "")
    return isinstance(name, str) and name.startswith(prefix)


def _stopping_callback(module: AnalyzedModule, value: Value) -> ast.Call | None:
    """A callback among ``value`` (a list of callbacks, or one) that stops or selects on validation data."""
    for _, node in sorted(value.calls, key=lambda pair: (pair[1].lineno, pair[1].col_offset)):
        entry = module.callee(node)
        if entry is None or entry.role != "early-stopping":
            continue
        conditions = entry.get("selects-when", ())
        if conditions and not any_holds(node, conditions):
            continue
        if _watches_validation(node, entry):
            return node
    return None


def early_stopping(module: AnalyzedModule, call: ast.Call, entry: ApiEntry | None, constructor: ast.Call | None,
                   keywords: Mapping[str | None, Value]) -> Stopper | None:
    """What makes the training call ``call`` stop or select on its validation data (the argument, the
    callback, or a library default), or None when it only watches it.

    ``entry`` is the catalog entry of the model's class or of the training function (None when the
    catalog does not know the model), ``constructor`` the call that built the model (None for a
    training function), ``keywords`` the values of the training call's keyword arguments.
    """
    calls = [c for c in (call, constructor) if c is not None]
    params = _facts(module, entry, "early-stopping-params")
    for where in calls:
        for name in params:
            node = keyword(where, name)
            if _given(node):
                given = next(kw for kw in where.keywords if kw.arg == name)
                return Stopper(given, given)
        found = _dict_literal_key(module, where, params)
        if found is not None:
            return found
    for name in _facts(module, entry, "callback-params"):
        for where in calls:
            node = keyword(where, name)
            if node is None:
                continue
            value = keywords.get(name) if where is call else None
            callback = _stopping_callback(module, value if value is not None else module.dataflow.value_of(node))
            if callback is not None:
                return Stopper(callback.func, callback)
    if entry is not None:
        for condition in entry.get("early-stopping-when", ()):
            # The argument wherever it is given (the training call wins), else the library default.
            where = next((c for c in calls if argument(c, condition.position, condition.name) is not None), call)
            if any_holds(where, (condition,)):
                return Stopper(f"{condition.name} (on by default)", None)
    return None
