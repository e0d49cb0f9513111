"""MLO104: stop shuffling time-ordered data — ``shuffle=False`` on a split, ``TimeSeriesSplit`` for a shuffled ``KFold``.

Contract with the rule: the primary location is the split or CV-splitter call to rewrite.
"""

from __future__ import annotations

import libcst as cst

from mlops_lint.fixes.arguments import append_keyword, drop_args, has_star_args, keyword, positional, set_keyword_value
from mlops_lint.fixes.registry import Edit, FixContext, fixer

# A shuffled splitter → the sequential splitter taking the same n_splits (first positional too).
_DROPPED = ("shuffle", "random_state")  # meaningless once the order is kept


def _is_true(arg: cst.Arg | None) -> bool:
    return arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "True"


def _no_shuffle(call: cst.Call) -> cst.Call | None:
    stratify = keyword(call, "stratify")
    if stratify is not None and not (isinstance(stratify.value, cst.Name) and stratify.value.value == "None"):
        return None  # scikit-learn refuses stratify with shuffle=False
    shuffle = keyword(call, "shuffle")
    if shuffle is None:
        return append_keyword(call, "shuffle", "False")
    return set_keyword_value(call, shuffle, "False") if _is_true(shuffle) else None


def _sequential(call: cst.Call, replacement: str) -> tuple[cst.Call, tuple[tuple[str, str], ...], str | None] | None:
    if not _is_true(keyword(call, "shuffle")) or len(positional(call)) > 1:
        return None
    if any(arg.keyword is not None and arg.keyword.value not in ("n_splits", *_DROPPED) for arg in call.args):
        return None
    module_name, name = replacement.rsplit(".", 1)
    rewritten = drop_args(call, [arg for arg in call.args if arg.keyword is not None and arg.keyword.value in _DROPPED])
    if isinstance(call.func, cst.Attribute):
        return rewritten.with_changes(func=call.func.with_changes(attr=cst.Name(name))), (), None
    return rewritten.with_changes(func=cst.Name(name)), ((module_name, name),), call.func.value


SPLITTER_BUILT_LABEL = "shuffling splitter built here"  # rules/MLO104.toml, related.shuffle


@fixer("MLO104")
def keep_time_order(context: FixContext) -> Edit | None:
    index = context.index
    # A split reported where it happens (cross_val_score(..., cv=cv)) is fixed where the splitter
    # was built: MLO104 names that call as its "shuffling splitter built here" related location.
    built = [r.location for r in context.diagnostic.related if r.label == SPLITTER_BUILT_LABEL]
    call = index.call_at(built[0] if built else context.diagnostic.location)
    if call is None or has_star_args(call):
        return None
    entry = index.api(call.func)
    if entry is not None and entry.role == "splitter":
        new = _no_shuffle(call)
        return None if new is None else Edit(context.module.deep_replace(call, new))
    replacement = entry.get("sequential-replacement") if entry is not None else None  # rules/api/timeseries.toml
    result = _sequential(call, replacement) if replacement else None
    if result is None:
        return None
    new_call, imports, replaced = result
    return Edit(context.module.deep_replace(call, new_call), imports, (replaced,) if replaced else ())
