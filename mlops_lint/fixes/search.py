"""MLO303: turn an exhaustive ``GridSearchCV(est, grid, ...)`` into ``RandomizedSearchCV(est, grid, n_iter=N, random_state=S, ...)``.

Contract with the rule: the primary location is the search call. ``N`` is the option ``n-iter``
(default 60: Bergstra & Bengio 2012 — 60 random draws land in the best 5% of the space with 95%
probability), ``S`` the option ``seed`` (default 0). The replacement and its name for the grid
argument are catalog facts (``sampled-alternative``, ``sampled-grid-param``); every other
argument of the grid search is also one of the sampled search.
"""

from __future__ import annotations

import ast

from mlops_lint.analysis.arguments import has_unpacking, keyword
from mlops_lint.diagnostics import Position, TextEdit
from mlops_lint.fixes.imports import replace_callee
from mlops_lint.fixes.registry import FixContext, Proposal, fixer

DEFAULT_N_ITER = 60


@fixer("MLO303")
def randomise_search(context: FixContext) -> Proposal | None:
    call = context.finding.node
    entry = context.module.callee(call) if isinstance(call, ast.Call) else None
    if entry is None or not isinstance(call, ast.Call) or has_unpacking(call):
        return None
    if keyword(call, "n_iter") is not None or keyword(call, "random_state") is not None:
        return None
    replacement, grid_name, new_grid_name = entry.get("sampled-alternative"), entry.get("grid-param"), entry.get("sampled-grid-param")
    n_iter, seed = context.options.get("n-iter", DEFAULT_N_ITER), context.seed()
    if not (isinstance(replacement, str) and isinstance(grid_name, str) and isinstance(new_grid_name, str)):
        return None
    if seed is None or not isinstance(n_iter, int) or isinstance(n_iter, bool) or n_iter < 1:
        return None
    source = context.source
    new = f"n_iter={n_iter}, random_state={seed}"
    grid = next((kw for kw in call.keywords if kw.arg == grid_name), None)
    edits: list[TextEdit] = []
    if len(call.args) == 2 and grid is None:
        place = source.after_argument(call.args[1], call)
        if place is None:
            return None
        edits.append(TextEdit(place[0], place[0], f", {new}"))
    elif grid is not None and len(call.args) <= 1:
        # param_grid=grid → param_distributions=grid, the new arguments right after it, in its layout.
        start, value_start = source.start(grid), source.start(grid.value)
        edits.append(TextEdit(start, value_start, f"{new_grid_name}="))
        place = source.after_argument(grid.value, call)
        if place is None:
            return None
        after, comma = place
        if not source.lines[start.line - 1][: start.column].strip() and start.line != call.lineno and comma:
            # One argument per line: each new one on its own line after the grid's comma.
            line = source.lines[after.line - 1]
            if "," not in line[after.column:]:
                return None
            at = Position(after.line, line.index(",", after.column) + 1)
            indent = source.indent(start.line)
            edits.append(TextEdit(at, at, f"\n{indent}n_iter={n_iter},\n{indent}random_state={seed},"))
        else:
            edits.append(TextEdit(after, after, f", {new}"))
    else:
        return None
    imports = context.imports()
    renamed = replace_callee(context.module, source, imports, call, replacement)
    added = imports.edits(call.lineno)
    if renamed is None or added is None:
        return None
    return Proposal(tuple([*added, *renamed, *edits]))
