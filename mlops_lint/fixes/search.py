"""MLO303: turn an exhaustive ``GridSearchCV(est, grid, ...)`` into ``RandomizedSearchCV(est, grid, n_iter=N, random_state=S, ...)``.

Contract with the rule: the primary location is the search call. ``N`` is the option ``n-iter``
(default 60: Bergstra & Bengio 2012 — 60 random draws land in the best 5% of the space with 95%
probability), ``S`` the option ``seed`` (default 0). Every other GridSearchCV argument is also a
RandomizedSearchCV argument; ``param_grid=`` becomes ``param_distributions=``.
"""

from __future__ import annotations

import libcst as cst

from mlops_lint.fixes.arguments import has_star_args, insert_args, keyword, new_keyword, positional
from mlops_lint.fixes.registry import Edit, FixContext, fixer
from mlops_lint.fixes.seeds import seed_value

DEFAULT_N_ITER = 60


@fixer("MLO303")
def randomise_search(context: FixContext) -> Edit | None:
    index = context.index
    call = index.call_at(context.diagnostic.location)
    if call is None or has_star_args(call) or keyword(call, "n_iter") is not None or keyword(call, "random_state") is not None:
        return None
    entry = index.api(call.func)  # rules/api/tuning.toml: sampled-alternative, grid-param, sampled-grid-param
    found = None
    if entry is not None and entry.get("sampled-alternative") and entry.get("grid-param") and entry.get("sampled-grid-param"):
        found = (entry.get("sampled-alternative"), entry.get("grid-param"), entry.get("sampled-grid-param"))
    n_iter = context.options.get("n-iter", DEFAULT_N_ITER)
    seed = seed_value(context)
    if found is None or seed is None or not isinstance(n_iter, int) or isinstance(n_iter, bool) or n_iter < 1:
        return None
    replacement, grid_name, new_grid_name = found
    args = list(call.args)
    if len(positional(call)) == 2:
        after = 2
    elif keyword(call, grid_name) is not None:
        grid = keyword(call, grid_name)
        after = args.index(grid) + 1
        args[after - 1] = grid.with_changes(keyword=cst.Name(new_grid_name))
    else:
        return None
    rewritten = insert_args(call.with_changes(args=args), after, [new_keyword("n_iter", str(n_iter)), new_keyword("random_state", str(seed))])
    module_name, name = replacement.rsplit(".", 1)
    if isinstance(call.func, cst.Attribute):
        return Edit(context.module.deep_replace(call, rewritten.with_changes(func=call.func.with_changes(attr=cst.Name(name)))))
    replaced = (call.func.value,) if isinstance(call.func, cst.Name) else ()
    return Edit(context.module.deep_replace(call, rewritten.with_changes(func=cst.Name(name))), ((module_name, name),), replaced)
