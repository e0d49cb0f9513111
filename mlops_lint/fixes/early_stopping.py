"""MLO202: carve a validation split out of the training part and early-stop on it instead of the test part.

    X_train, X_test, y_train, y_test = train_test_split(X, y)
    model.fit(X_train, y_train, eval_set=[(X_test, y_test)])

becomes

    X_fit, X_val, y_fit, y_val = train_test_split(X_train, y_train, test_size=0.2, random_state=0)
    model.fit(X_fit, y_fit, eval_set=[(X_val, y_val)])

Contract with the rule: the primary location is the model's ``fit`` call, the related ``split``
place is the split whose test part it was given. The new split uses the same function as that
split (so no import is added), its ``test-size-param`` (catalog) with the option
``validation-size`` (percent of the training part, default 20) and its ``seed-param`` with the
option ``seed``. The fit's data must be plain training parts of that split, and the validation
data tuples and lists of that split's parts; anything else is declined. Training functions
(``xgboost.train``, ``lightgbm.train``) take data sets built elsewhere and are declined too.
"""

from __future__ import annotations

import ast

from mlops_lint.fixes.imports import fresh_name
from mlops_lint.fixes.registry import FixContext, Proposal, fixer
from mlops_lint.fixes.scope import assigned_names, statement_of

DEFAULT_VALIDATION_PERCENT = 20
# The keywords of the features and the target in the fit of Keras (x, y) and of the scikit-learn
# API of XGBoost, LightGBM and CatBoost (X, y).
_DATA_KEYWORDS = ("x", "X", "y")


def _stem(name: str) -> str:
    for suffix in ("_train", "_tr", "train"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _parts(node: ast.expr) -> list[ast.Name] | None:
    """The names inside a tuple/list structure of names (``[(X_a, y_a), (X_b, y_b)]``); None otherwise."""
    if isinstance(node, ast.Name):
        return [node]
    if isinstance(node, (ast.Tuple, ast.List)):
        found: list[ast.Name] = []
        for element in node.elts:
            inner = _parts(element)
            if inner is None:
                return None
            found.extend(inner)
        return found
    return None


@fixer("MLO202")
def validate_on_training_part(context: FixContext) -> Proposal | None:
    module, source = context.module, context.source
    fit, split = context.finding.node, context.related("split")
    param = context.finding.fields.get("param")
    if not (isinstance(fit, ast.Call) and isinstance(split, ast.Call) and isinstance(param, str)):
        return None
    data = [*fit.args, *(kw.value for kw in fit.keywords if kw.arg in _DATA_KEYWORDS)]
    if not isinstance(fit.func, ast.Attribute) or fit.func.attr != "fit" or not 1 <= len(data) <= 2:
        return None
    entry = module.callee(split)
    size_param, seed_param = (entry.get("test-size-param"), entry.get("seed-param")) if entry is not None else (None, None)
    if entry is None or entry.get("returns") != "train-test-alternating" or not isinstance(size_param, str) or not isinstance(seed_param, str):
        return None
    split_statement = statement_of(module, split)
    targets = assigned_names(split_statement, split) if isinstance(split_statement, ast.Assign) else None
    if targets is None or len(targets) % 2 or len(set(targets)) != len(targets):
        return None
    test_of = {targets[i]: targets[i - 1] for i in range(1, len(targets), 2)}  # test part → its training part
    trains = [a.id if isinstance(a, ast.Name) else None for a in data]
    if None in trains or any(t not in targets[0::2] for t in trains):
        return None
    validation = next((kw.value for kw in fit.keywords if kw.arg == param), None)
    parts = _parts(validation) if validation is not None else None
    if not parts:
        return None
    percent, seed = context.options.get("validation-size", DEFAULT_VALIDATION_PERCENT), context.seed()
    if not isinstance(percent, int) or isinstance(percent, bool) or not 0 < percent < 100 or seed is None:
        return None
    taken: set[str] = set()
    fit_name: dict[str, str] = {}
    val_name: dict[str, str] = {}
    for train in trains:
        assert train is not None
        fit_name[train] = fresh_name(module, _stem(train) + "_fit", taken)
        val_name[train] = fresh_name(module, _stem(train) + "_val", taken | {fit_name[train]})
        taken |= {fit_name[train], val_name[train]}
    replaced = {}
    for name in parts:
        if name.id in fit_name:
            replaced[name] = fit_name[name.id]
        elif test_of.get(name.id) in val_name:
            replaced[name] = val_name[test_of[name.id]]
        else:
            return None  # validation data that is not a part of this split, or of a part the fit was not given
    statement = statement_of(module, fit)
    new_targets = ", ".join(n for train in trains if train for n in (fit_name[train], val_name[train]))
    carve = (f"{new_targets} = {source.text(split.func)}({', '.join(t for t in trains if t)}, "
             f"{size_param}={percent / 100:g}, {seed_param}={seed})")
    inserted = source.insert_before(statement, [carve]) if statement is not None else None
    if inserted is None:
        return None
    renames = [source.replace(arg, fit_name[arg.id]) for arg in data if isinstance(arg, ast.Name)]
    renames += [source.replace(name, new) for name, new in replaced.items()]
    return Proposal((inserted, *renames))
