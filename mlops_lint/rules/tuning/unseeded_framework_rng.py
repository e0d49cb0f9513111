"""MLO305: a training module draws from a framework's random generator but never seeds that framework."""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.catalog import ApiEntry
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.analysis.arguments import has_unpacking, keyword, seeded
from mlops_lint.rules.tuning.training import training


class UnseededFrameworkRng(Rule):
    code = "MLO305"
    fields = ("framework", "api", "seeder")
    related = ("train",)

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        facts = training(module)
        trained_at = facts.training_call
        if trained_at is None:
            return
        seeded_frameworks = set(facts.globally_seeded)
        first_use: dict[str, tuple[ast.Call, ApiEntry]] = {}
        for call, entry in facts.catalog_calls:
            if entry.role == "rng-factory":
                state = seeded(call, entry)
                if state is True:
                    seeded_frameworks.add(entry.get("framework"))
                elif state is False:
                    first_use.setdefault(entry.get("framework"), (call, entry))
            elif entry.role == "rng-user" and _draws(call, entry):
                first_use.setdefault(entry.get("framework"), (call, entry))
        for framework, (call, entry) in sorted(first_use.items(), key=lambda item: item[1][0].lineno):
            if framework in seeded_frameworks:
                continue
            yield Finding(
                call,
                {"framework": framework, "api": entry.short_name, "seeder": _seeder(module, framework)},
                related=(("train", trained_at),),
            )


def _draws(call: ast.Call, entry: ApiEntry) -> bool:
    """Whether the call draws from the global generator (not when given its own generator or when not shuffling)."""
    if has_unpacking(call):
        return False
    generator = keyword(call, entry.get("generator-param"))
    if generator is not None and not (isinstance(generator, ast.Constant) and generator.value is None):
        return False
    flag = entry.get("random-if")
    if flag is None:
        return True
    value = keyword(call, flag)
    return isinstance(value, ast.Constant) and value.value is True


def _seeder(module: AnalyzedModule, framework: str) -> str:
    """The catalog's first seed-setter that seeds exactly this framework, for the message."""
    for entry in module.catalog.apis_with_role("seed-setter"):
        if list(entry.get("seeds", ())) == [framework]:
            return entry.qualname
    return "a seed-setter"
