"""MLO101/MLO102/MLO103: move a fit (or resampling) on the full data to after the split, on its training part.

Contract with the rules: the primary location is the split call, a related location is the
``.fit_transform`` / ``.fit_resample`` call whose output was split. Only the simple shape is
rewritten; anything else is declined:

    X = T(...).fit_transform(X[, y])           X_res, y_res = S(...).fit_resample(X, y)
    ...nothing mentioning these names...       ...
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, ...)

becomes a split of the raw data followed by ``t = T(...)``, ``X_tr = t.fit_transform(X_tr[, y_tr])``,
``X_te = t.transform(X_te)`` (or ``X_tr, y_tr = S(...).fit_resample(X_tr, y_tr)``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import libcst as cst

from mlops_lint.fixes.arguments import has_star_args, positional
from mlops_lint.fixes.locate import Block, NodeIndex, dotted_name, names_in
from mlops_lint.fixes.registry import Edit, FixContext, fixer

_FITS = ("fit_transform", "fit_resample")


@dataclass(frozen=True)
class _Shape:
    block: Block
    fit_line: cst.SimpleStatementLine
    split_line: cst.SimpleStatementLine
    fit: cst.Call
    split: cst.Call
    split_targets: list[str]  # train, test, train, test ... of each positional split argument
    enclosing: cst.CSTNode | None  # what owns the block (a FunctionDef for a function body)


def _names(node: cst.BaseExpression) -> list[str] | None:
    """Names of a tuple/list target (or one name); None for subscripts, attributes, starred."""
    if isinstance(node, cst.Name):
        return [node.value]
    if isinstance(node, (cst.Tuple, cst.List)) and all(isinstance(e, cst.Element) and isinstance(e.value, cst.Name) for e in node.elements):
        return [e.value.value for e in node.elements]
    return None


def _assigned(line: cst.SimpleStatementLine, value: cst.Call) -> list[str] | None:
    statement = line.body[0]
    if not isinstance(statement, cst.Assign) or len(statement.targets) != 1 or statement.value is not value:
        return None
    return _names(statement.targets[0].target)


def _shape(context: FixContext) -> _Shape | None:
    index = context.index
    split = index.call_at(context.diagnostic.location)
    fits = [index.call_at(related.location) for related in context.diagnostic.related]
    fit = next((c for c in fits if c is not None and isinstance(c.func, cst.Attribute) and c.func.attr.value in _FITS), None)
    if split is None or fit is None or has_star_args(split):
        return None
    fit_place, split_place = index.statement_of(fit), index.statement_of(split)
    if fit_place is None or split_place is None or fit_place[1] is not split_place[1]:
        return None
    block = fit_place[1]
    body = list(block.body)
    if body.index(fit_place[0]) >= body.index(split_place[0]):
        return None
    targets = _assigned(split_place[0], split)
    if targets is None or len(targets) != 2 * len(positional(split)) or len(set(targets)) != len(targets):
        return None
    return _Shape(block, fit_place[0], split_place[0], fit, split, targets, index.parents.get(block))


def _mentions(node: cst.CSTNode, names: set[str]) -> bool:
    """Whether ``node`` spells one of ``names``, not counting functions whose parameter shadows it."""
    if not names:
        return False
    if isinstance(node, (cst.FunctionDef, cst.Lambda)):
        shadowed = {param.name.value for param in _parameters(node.params)}
        inner = names - shadowed
        outer = [child for child in node.children if child is not node.body and child is not node.params]
        return any(_mentions(child, names) for child in outer) or _mentions(node.body, inner)
    if isinstance(node, cst.Name):
        return node.value in names
    return any(_mentions(child, names) for child in node.children)


def _parameters(params: cst.Parameters) -> list[cst.Param]:
    star = [params.star_arg] if isinstance(params.star_arg, cst.Param) else []
    return [*params.posonly_params, *params.params, *star, *params.kwonly_params, *([params.star_kwarg] if params.star_kwarg else [])]


def _untouched(shape: _Shape, names: set[str], later: set[str]) -> bool:
    """``names`` unused between the fit and the split; ``later`` read nowhere that could run after the fit moves.

    The block must be a whole scope (module or function body), so every later read is in it: the
    statements after the split, and functions defined before the fit (they may run after it).
    """
    block = shape.block
    if isinstance(block, cst.IndentedBlock) and not isinstance(shape.enclosing, cst.FunctionDef):
        return False
    body = list(block.body)
    first, split = body.index(shape.fit_line), body.index(shape.split_line)
    if any(_mentions(statement, names | later) for statement in body[first + 1 : split]):
        return False
    if any(_mentions(statement, later) for statement in body[split + 1 :]):
        return False
    # In the split itself, the moved names may only be the data arguments being replaced.
    spelled = Counter(names_in(shape.split_line))
    if any(spelled[name] != _split_arguments(shape).count(name) for name in later):
        return False
    defined_before = [s for s in body[:first] if isinstance(s, (cst.FunctionDef, cst.ClassDef))]
    return not any(_mentions(statement, later) for statement in defined_before)


def _split_arguments(shape: _Shape) -> list[str]:
    return [arg.value.value for arg in positional(shape.split) if isinstance(arg.value, cst.Name)]


def _fresh_name(receiver: cst.Call, index: NodeIndex) -> str | None:
    dotted = dotted_name(receiver.func)
    if dotted is None:
        return None
    stem = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", dotted.rsplit(".", 1)[-1]).lower()
    name, number = stem, 2
    while index.is_bound(name):
        name, number = f"{stem}_{number}", number + 1
    return name


def _statements(code: list[str], module: cst.Module) -> list[cst.SimpleStatementLine]:
    return [cst.parse_statement(line, config=module.config_for_parsing) for line in code]


def _rewrite(context: FixContext, shape: _Shape, split_args: dict[str, str], new_code: list[str], fit_at: int) -> Edit:
    """Split the raw data, drop the early fit line (its comments stay in place), add ``new_code`` after the split."""
    module = context.module
    new_split = shape.split.with_changes(args=[
        arg.with_changes(value=cst.Name(split_args[arg.value.value]))
        if arg.keyword is None and isinstance(arg.value, cst.Name) and arg.value.value in split_args else arg
        for arg in shape.split.args
    ])
    added = _statements(new_code, module)
    if shape.fit_line.trailing_whitespace.comment is not None:
        # The fit line's own comment travels with the fit.
        added[fit_at] = added[fit_at].with_changes(trailing_whitespace=shape.fit_line.trailing_whitespace)
    body: list[cst.BaseStatement] = []
    carried: list[cst.EmptyLine] = []
    for statement in shape.block.body:
        if statement is shape.fit_line:
            carried = list(shape.fit_line.leading_lines)
            continue
        is_split = statement is shape.split_line
        if is_split:
            statement = statement.deep_replace(shape.split, new_split)
        if carried:
            statement = statement.with_changes(leading_lines=[*carried, *statement.leading_lines])
            carried = []
        body.append(statement)
        if is_split:
            body.extend(added)
    block = shape.block.with_changes(body=body)
    rewritten = block if isinstance(block, cst.Module) else module.deep_replace(shape.block, block)
    return Edit(rewritten)


def _transform(context: FixContext, shape: _Shape) -> Edit | None:
    index, fit = context.index, shape.fit
    target = _assigned(shape.fit_line, fit)
    args = positional(fit)
    if target is None or len(target) != 1 or len(args) != len(fit.args) or not args or not all(isinstance(a.value, cst.Name) for a in args):
        return None
    transformed, source, others = target[0], args[0].value.value, [a.value.value for a in args[1:]]
    split_names = [a.value.value if isinstance(a.value, cst.Name) else None for a in positional(shape.split)]
    if split_names.count(transformed) != 1 or any(split_names.count(o) != 1 for o in others) or transformed in others:
        return None
    k = split_names.index(transformed)
    train, test = shape.split_targets[2 * k], shape.split_targets[2 * k + 1]
    train_others = [shape.split_targets[2 * split_names.index(o)] for o in others]
    receiver = fit.func.value
    # Once the fit moves, a later read of the transformed name would see raw data: decline those.
    if not _untouched(shape, {source, *others, *names_in(receiver)}, {transformed}):
        return None
    code = context.module.code_for_node
    if isinstance(receiver, cst.Name):
        instance, first = receiver.value, []
    elif isinstance(receiver, cst.Call):
        instance = _fresh_name(receiver, index)
        if instance is None:
            return None
        first = [f"{instance} = {code(receiver)}"]
    else:
        return None
    fit_args = ", ".join([train, *train_others])
    new_code = [*first, f"{train} = {instance}.fit_transform({fit_args})", f"{test} = {instance}.transform({test})"]
    return _rewrite(context, shape, {transformed: source}, new_code, len(first))


def _resample(context: FixContext, shape: _Shape) -> Edit | None:
    fit = shape.fit
    targets = _assigned(shape.fit_line, fit)
    args = positional(fit)
    if targets is None or len(args) != len(fit.args) or len(targets) != len(args) or not all(isinstance(a.value, cst.Name) for a in args):
        return None
    sources = [a.value.value for a in args]
    split_names = [a.value.value if isinstance(a.value, cst.Name) else None for a in positional(shape.split)]
    # Every split argument must be resampled output: resampling only some of them would desynchronise rows.
    if sorted(n for n in split_names if n is not None) != sorted(targets) or len(split_names) != len(targets):
        return None
    if set(targets) & set(sources) and targets != sources:
        return None
    receiver = fit.func.value
    if not _untouched(shape, set(sources) | set(names_in(receiver)), set(targets)):
        return None
    trains = ", ".join(shape.split_targets[2 * split_names.index(t)] for t in targets)
    new_code = [f"{trains} = {context.module.code_for_node(receiver)}.fit_resample({trains})"]
    return _rewrite(context, shape, dict(zip(targets, sources)), new_code, 0)


@fixer("MLO101", "MLO102", "MLO103")
def fit_after_split(context: FixContext) -> Edit | None:
    shape = _shape(context)
    if shape is None:
        return None
    if shape.fit.func.attr.value == "fit_transform":
        return _transform(context, shape)
    return _resample(context, shape)
