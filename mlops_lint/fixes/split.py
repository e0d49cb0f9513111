"""Move a fit on the full data to after the split, on its training part (MLO101-MLO103).

    X = T(...).fit_transform(X[, y])           X_res, y_res = S(...).fit_resample(X, y)
    ...nothing mentioning these names...       ...
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, ...)

becomes a split of the raw data followed by ``t = T(...)``, ``X_tr = t.fit_transform(X_tr[, y_tr])``,
``X_te = t.transform(X_te)`` (or ``X_tr, y_tr = S(...).fit_resample(X_tr, y_tr)``). Both statements
sit directly in one scope, and the fitted names are read nowhere else afterwards (they would
now hold raw data).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from mlops_lint.fixes.imports import fresh_name, snake_case
from mlops_lint.fixes.registry import FixContext, Proposal
from mlops_lint.fixes.scope import Placed, assigned_names, mentioned, mentions, placed_in_scope
from mlops_lint.fixes.source import names_in


@dataclass(frozen=True)
class Shape:
    fit: Placed
    split: Placed
    targets: list[str]  # train, test, train, test … for each positional split argument
    split_names: list[str | None]  # the positional split arguments that are plain names


def _shape(context: FixContext, fit: ast.Call, sink: ast.Call) -> Shape | None:
    module = context.module
    entry = module.callee(sink)
    if entry is None or entry.role != "splitter" or entry.get("returns") != "train-test-alternating":
        return None
    if any(isinstance(a, ast.Starred) for a in sink.args) or any(k.arg is None for k in sink.keywords):
        return None
    fit_place, split_place = placed_in_scope(module, fit), placed_in_scope(module, sink)
    if fit_place is None or split_place is None or fit_place.body is not split_place.body:
        return None
    if fit_place.index >= split_place.index:
        return None
    targets = assigned_names(split_place.statement, sink)
    if targets is None or len(targets) != 2 * len(sink.args) or len(set(targets)) != len(targets):
        return None
    names = [a.id if isinstance(a, ast.Name) else None for a in sink.args]
    return Shape(fit_place, split_place, targets, names)


def untouched(shape: Shape, names: set[str], later: set[str], sink: ast.Call) -> bool:
    """``names`` unused between the fit and the split; ``later`` read nowhere after the fit moves
    (past the split, in functions defined before the fit, or in the split beside its data arguments)."""
    between = shape.fit.body[shape.fit.index + 1: shape.split.index]
    if mentioned(between, names | later) or mentioned(shape.split.following(), later):
        return False
    if mentioned(shape.fit.functions_before, later):
        return False
    data = {id(a) for a in sink.args}
    return all(id(name) in data for name in mentions(shape.split.statement, later))


def _moved(context: FixContext, shape: Shape, sink: ast.Call, raw: dict[str, str], new_code: list[str]) -> Proposal | None:
    """Drop the fit's statement, split the raw data, and add ``new_code`` after the split."""
    source = context.source
    deleted = source.delete_statement(shape.fit.statement)
    added = source.insert_after(shape.split.statement, new_code)
    if deleted is None or added is None:
        return None
    renamed = [source.replace(arg, raw[arg.id]) for arg in sink.args if isinstance(arg, ast.Name) and arg.id in raw and raw[arg.id] != arg.id]
    return Proposal((deleted, *renamed, added), "split")


def _transform(context: FixContext, fit: ast.Call, sink: ast.Call, shape: Shape) -> Proposal | None:
    target = assigned_names(shape.fit.statement, fit)
    args = fit.args
    if target is None or len(target) != 1 or fit.keywords or not args or not all(isinstance(a, ast.Name) for a in args):
        return None
    transformed, source_name = target[0], args[0].id  # type: ignore[attr-defined]
    others = [a.id for a in args[1:]]  # type: ignore[attr-defined]
    split_names = shape.split_names
    if split_names.count(transformed) != 1 or any(split_names.count(o) != 1 for o in others) or transformed in others:
        return None
    k = split_names.index(transformed)
    train, test = shape.targets[2 * k], shape.targets[2 * k + 1]
    train_others = [shape.targets[2 * split_names.index(o)] for o in others]
    receiver = fit.func.value  # type: ignore[attr-defined]
    if not untouched(shape, {source_name, *others, *names_in(receiver)}, {transformed}, sink):
        return None
    named = fitted_instance(context, receiver)
    if named is None:
        return None
    instance, first = named
    comment = _trailing_comment(context, shape.fit.statement)
    fitted = f"{train} = {instance}.fit_transform({', '.join([train, *train_others])})" + comment
    return _moved(context, shape, sink, {transformed: source_name}, [*first, fitted, f"{test} = {instance}.transform({test})"])


def _resample(context: FixContext, fit: ast.Call, sink: ast.Call, shape: Shape) -> Proposal | None:
    targets = assigned_names(shape.fit.statement, fit)
    args = fit.args
    if targets is None or fit.keywords or len(targets) != len(args) or not all(isinstance(a, ast.Name) for a in args):
        return None
    sources = [a.id for a in args]  # type: ignore[attr-defined]
    split_names = shape.split_names
    # Every split argument must be resampled output: resampling only some of them would desynchronise rows.
    if None in split_names or sorted(split_names) != sorted(targets):  # type: ignore[type-var]
        return None
    if set(targets) & set(sources) and targets != sources:
        return None
    receiver = fit.func.value  # type: ignore[attr-defined]
    if not untouched(shape, set(sources) | names_in(receiver), set(targets), sink):
        return None
    trains = ", ".join(shape.targets[2 * split_names.index(t)] for t in targets)
    comment = _trailing_comment(context, shape.fit.statement)
    code = f"{trains} = {context.source.text(receiver)}.fit_resample({trains})" + comment
    return _moved(context, shape, sink, dict(zip(targets, sources)), [code])


def fitted_instance(context: FixContext, receiver: ast.expr) -> tuple[str, list[str]] | None:
    """The name the moved fit is called on, and the statement that must build it first when the
    fit was called on a constructor (``StandardScaler().fit_transform(X)`` → ``standard_scaler``)."""
    if isinstance(receiver, ast.Name):
        return receiver.id, []
    if isinstance(receiver, ast.Call) and (entry := context.module.callee(receiver)) is not None:
        instance = fresh_name(context.module, snake_case(entry.short_name))
        return instance, [f"{instance} = {context.source.text(receiver)}"]
    return None


def _trailing_comment(context: FixContext, statement: ast.stmt) -> str:
    """The fit line's own comment, which travels with the fit."""
    end = context.source.end(statement)
    rest = context.source.lines[end.line - 1][end.column:].strip()
    return "  " + rest if rest.startswith("#") else ""


def fit_after_split(context: FixContext, fit: ast.Call, sink: ast.Call) -> Proposal | None:
    shape = _shape(context, fit, sink)
    if shape is None:
        return None
    if fit.func.attr == "fit_transform":  # type: ignore[attr-defined]
        return _transform(context, fit, sink, shape)
    return _resample(context, fit, sink, shape)

