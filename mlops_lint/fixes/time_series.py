"""MLO104: stop shuffling time-ordered data — ``shuffle=False`` on a split, ``TimeSeriesSplit`` for a shuffled ``KFold``.

Contract with the rule: the primary location is the split or CV call; its related ``shuffle``
place, when there is one, is the splitter's own call (built apart from where it splits), which
is the call rewritten.
"""

from __future__ import annotations

import ast

from mlops_lint.analysis.arguments import has_unpacking, is_none, keyword, literal
from mlops_lint.diagnostics import TextEdit
from mlops_lint.fixes.imports import replace_callee
from mlops_lint.fixes.registry import FixContext, Proposal, fixer

_DROPPED = ("shuffle", "random_state")  # meaningless once the order is kept


def _no_shuffle(context: FixContext, call: ast.Call, parameter: str) -> list[TextEdit] | None:
    stratify = keyword(call, "stratify")
    if stratify is not None and not is_none(stratify):
        return None  # scikit-learn refuses stratify with shuffle=False
    shuffle = keyword(call, parameter)
    if shuffle is None:
        edit = context.source.add_keyword(call, parameter, "False")
        return None if edit is None else [edit]
    return [context.source.replace(shuffle, "False")] if literal(shuffle) is True else None


def _sequential(context: FixContext, call: ast.Call, replacement: str) -> list[TextEdit] | None:
    """``KFold(n, shuffle=True, random_state=s)`` → ``TimeSeriesSplit(n)``: the same number of splits, in order."""
    if literal(keyword(call, "shuffle")) is not True or len(call.args) > 1:
        return None
    if any(kw.arg not in ("n_splits", *_DROPPED) for kw in call.keywords):
        return None
    source = context.source
    kept = [source.text(arg) for arg in call.args] + [source.text(kw) for kw in call.keywords if kw.arg == "n_splits"]
    renamed = replace_callee(context.module, source, imports := context.imports(), call, replacement)
    added = imports.edits(call.lineno)
    if renamed is None or added is None:
        return None
    # The arguments are rewritten as one span, after the callee (which keeps its own edit).
    arguments = TextEdit(source.end(call.func), source.end(call), f"({', '.join(kept)})")
    return [*added, *renamed, arguments]


@fixer("MLO104")
def keep_time_order(context: FixContext) -> Proposal | None:
    module = context.module
    built = context.related("shuffle")
    call = built if isinstance(built, ast.Call) else context.finding.node
    if not isinstance(call, ast.Call) or has_unpacking(call):
        return None
    entry = module.callee(call)
    if entry is None:
        return None
    edits = None
    if entry.role == "splitter" and isinstance(entry.get("shuffle-param"), str):
        edits = _no_shuffle(context, call, entry.get("shuffle-param"))
    elif isinstance(entry.get("sequential-replacement"), str):
        edits = _sequential(context, call, entry.get("sequential-replacement"))
    return None if not edits else Proposal(tuple(edits))
