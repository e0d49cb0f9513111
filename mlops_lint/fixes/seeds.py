"""MLO301/MLO304: pass the configured seed (option ``seed``, default 0) to the reported call.

Contract with the rules: the primary location is the call that lacks its seed. The parameter's
name is the catalog fact ``seed-param`` of the callable (both rules report only callables that
have one); nothing is guessed. A seed hidden in ``**kwargs`` or an explicit non-None seed is
declined.
"""

from __future__ import annotations

import libcst as cst

from mlops_lint.fixes.arguments import append_keyword, has_star_args, keyword, set_keyword_value
from mlops_lint.fixes.locate import NodeIndex
from mlops_lint.fixes.registry import Edit, FixContext, fixer


def seed_value(context: FixContext) -> int | None:
    seed = context.options.get("seed", 0)
    return seed if isinstance(seed, int) and not isinstance(seed, bool) else None


def seed_parameter(call: cst.Call, index: NodeIndex) -> str | None:
    entry = index.api(call.func)
    parameter = entry.get("seed-param") if entry is not None else None
    if not isinstance(parameter, str):
        return None  # rules/api/*.toml names the seed of each callable that has one (GridSearchCV has none)
    shuffle_param = entry.get("shuffle-param")
    if shuffle_param and entry.get("shuffle-default") is False:
        # KFold & co. raise on a random_state unless shuffling was asked for (rules/api/estimators.toml).
        shuffle = keyword(call, shuffle_param)
        if not (shuffle is not None and isinstance(shuffle.value, cst.Name) and shuffle.value.value == "True"):
            return None
    return parameter


def with_seed(call: cst.Call, parameter: str, seed: int) -> cst.Call | None:
    if has_star_args(call):
        return None
    shuffle = keyword(call, "shuffle")
    if shuffle is not None and isinstance(shuffle.value, cst.Name) and shuffle.value.value == "False":
        return None  # scikit-learn rejects a random_state that cannot take effect
    present = keyword(call, parameter)
    if present is None:
        return append_keyword(call, parameter, str(seed))
    if isinstance(present.value, cst.Name) and present.value.value == "None":
        return set_keyword_value(call, present, str(seed))
    return None


@fixer("MLO301", "MLO304")
def add_seed(context: FixContext) -> Edit | None:
    call = context.index.call_at(context.diagnostic.location)
    seed = seed_value(context)
    if call is None or seed is None:
        return None
    parameter = seed_parameter(call, context.index)
    new = with_seed(call, parameter, seed) if parameter else None
    return None if new is None else Edit(context.module.deep_replace(call, new))
