"""MLO101 through a pandas column write: split the frame first, fit on the training frame's columns.

    df[cols] = T(...).fit_transform(df[cols])          train, test = train_test_split(df, ...)
    ...nothing mentioning these names...        →      t = T(...)
    train, test = train_test_split(df, ...)             train[cols] = t.fit_transform(train[cols])
                                                        test[cols] = t.transform(test[cols])

The written target and the fitted argument each spell the frame once (``df[cols]``,
``df.loc[:, cols]``, ``df[["age"]]``); the frame is read nowhere after the split, since it now
holds the unscaled columns.
"""

from __future__ import annotations

import ast

from mlops_lint.fixes.registry import FixContext, Proposal
from mlops_lint.fixes.scope import mentions
from mlops_lint.fixes.source import Source, names_in
from mlops_lint.fixes.split import Shape, _shape, _trailing_comment, fitted_instance, untouched


def _frame_written(statement: ast.stmt, fit: ast.Call) -> tuple[ast.expr, str] | None:
    """``df[...] = fit`` / ``df.loc[...] = fit``: the target and the frame's name."""
    if not isinstance(statement, ast.Assign) or statement.value is not fit or len(statement.targets) != 1:
        return None
    target = statement.targets[0]
    if not isinstance(target, ast.Subscript):
        return None
    frame = target.value
    if isinstance(frame, ast.Attribute) and frame.attr in ("loc", "iloc"):
        frame = frame.value
    if not isinstance(frame, ast.Name):
        return None
    return target, frame.id


def _respelled(source: Source, node: ast.expr, old: str, new: str) -> str | None:
    """``node``'s source with its one mention of the name ``old`` spelled ``new``."""
    found = list(mentions(node, {old}))
    if len(found) != 1:
        return None
    start, end = source.start(node), source.start(found[0])
    if start.line != end.line or source.end(found[0]).line != end.line or source.end(node).line != start.line:
        return None
    text = source.text(node)
    offset = end.column - start.column
    return text[:offset] + new + text[offset + len(old):]


def fit_columns_after_split(context: FixContext, fit: ast.Call, sink: ast.Call) -> Proposal | None:
    if fit.func.attr != "fit_transform" or len(fit.args) != 1 or fit.keywords:  # type: ignore[attr-defined]
        return None
    shape: Shape | None = _shape(context, fit, sink)
    written = _frame_written(shape.fit.statement, fit) if shape is not None else None
    if shape is None or written is None:
        return None
    target, frame = written
    if shape.split_names.count(frame) != 1:
        return None
    k = shape.split_names.index(frame)
    train, test = shape.targets[2 * k], shape.targets[2 * k + 1]
    receiver = fit.func.value  # type: ignore[attr-defined]
    argument = fit.args[0]
    free = (names_in(target) | names_in(argument) | names_in(receiver)) - {frame}
    if not untouched(shape, free | {frame}, {frame}, sink):
        return None
    source = context.source
    texts = [_respelled(source, node, frame, part) for node in (target, argument) for part in (train, test)]
    if any(text is None for text in texts):
        return None
    train_target, test_target, train_argument, test_argument = texts
    named = fitted_instance(context, receiver)
    if named is None:
        return None
    instance, first = named
    comment = _trailing_comment(context, shape.fit.statement)
    code = [*first, f"{train_target} = {instance}.fit_transform({train_argument})" + comment,
            f"{test_target} = {instance}.transform({test_argument})"]
    deleted = source.delete_statement(shape.fit.statement)
    added = source.insert_after(shape.split.statement, code)
    if deleted is None or added is None:
        return None
    return Proposal((deleted, added), "columns")
