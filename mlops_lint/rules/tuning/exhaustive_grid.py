"""MLO303: an exhaustive grid search whose literal grid has more combinations than the configured limit."""

from __future__ import annotations

from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.analysis.arguments import argument
from mlops_lint.rules.tuning.training import training
from mlops_lint.rules.tuning.grid_size import GridCounter


class ExhaustiveGrid(Rule):
    code = "MLO303"
    fields = ("search", "count", "limit")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        limit = int(options.get("max-combinations", 100))
        facts = training(module)
        counter = GridCounter(module)
        for call, entry in facts.catalog_calls:
            if entry.get("grid-param") is None:
                continue
            grid = argument(call, entry.get("grid-position"), entry.get("grid-param"))
            count = counter.combinations(grid, call.lineno) if grid is not None else None
            if count is not None and count > limit:
                yield Finding(call, {"search": entry.short_name, "count": count, "limit": limit})
