"""MLO301/MLO304: seed what draws unseeded, where it is built (option ``seed``, default 0).

Contract with the rules: the primary location is the call that lacks its seed, except for
MLO301's related ``seed`` place (a shuffling CV splitter or a sampler built elsewhere and passed
to the search): that call is seeded where it is built. The argument's name is the catalog fact
``seed-param`` of the callable; a search that takes a sampler and was given none gets its
``default-sampler``, seeded; a ``seed-factory`` (hyperopt's ``rstate``) is called with the seed.
A seed hidden in ``*args``/``**kwargs``, an explicit seed, or a splitter that does not shuffle
(scikit-learn raises on its ``random_state``) is declined.
"""

from __future__ import annotations

import ast

from mlops_lint.analysis.arguments import has_unpacking, is_none, keyword, shuffles
from mlops_lint.catalog import ApiEntry
from mlops_lint.diagnostics import TextEdit
from mlops_lint.fixes.imports import Imports
from mlops_lint.fixes.registry import FixContext, Proposal, fixer


def _seed_text(context: FixContext, entry: ApiEntry, imports: Imports, line: int) -> str | None:
    seed = context.seed()
    if seed is None:
        return None
    factory = entry.get("seed-factory")
    if factory is None:
        return str(seed)
    spelled = imports.spell(factory, line)
    return None if spelled is None else f"{spelled}({seed})"


def seed_edit(context: FixContext, call: ast.Call, entry: ApiEntry, imports: Imports) -> TextEdit | None:
    """The edit that passes the seed to ``call`` (an ``entry``), or None when it cannot be done safely."""
    parameter = entry.get("seed-param")
    if not isinstance(parameter, str) or has_unpacking(call):
        return None
    if entry.get("shuffle-param") is not None and shuffles(call, entry) is not True:
        return None  # KFold(shuffle=False) raises on a random_state; an unknown shuffle is not guessed
    value = _seed_text(context, entry, imports, call.lineno)
    if value is None:
        return None
    present = keyword(call, parameter)
    position = entry.get("seed-position")
    if present is None and isinstance(position, int) and len(call.args) > position:
        present = call.args[position]
    if present is not None:
        return context.source.replace(present, value) if is_none(present) else None
    return context.source.add_keyword(call, parameter, value)


def _proposal(context: FixContext, edits: list[TextEdit | None], imports: Imports, line: int, kind: str | None) -> Proposal | None:
    added = imports.edits(line)
    if any(edit is None for edit in edits) or added is None:
        return None
    return Proposal(tuple([*added, *(edit for edit in edits if edit is not None)]), kind)


def _sampler_edit(context: FixContext, call: ast.Call, entry: ApiEntry, imports: Imports) -> TextEdit | None:
    """``sampler=TPESampler(seed=S)`` for a search given no sampler at all."""
    parameter, sampler = entry.get("sampler-param"), entry.get("default-sampler")
    seed = context.seed()
    if not isinstance(parameter, str) or not isinstance(sampler, str) or seed is None or has_unpacking(call):
        return None
    if keyword(call, parameter) is not None:
        return None
    sampler_entry = context.module.catalog.api.get(sampler)
    seed_param = sampler_entry.get("seed-param") if sampler_entry is not None else None
    spelled = imports.spell(sampler, call.lineno)
    if not isinstance(seed_param, str) or spelled is None:
        return None
    return context.source.add_keyword(call, parameter, f"{spelled}({seed_param}={seed})")


@fixer("MLO301", "MLO304")
def add_seed(context: FixContext) -> Proposal | None:
    module = context.module
    imports = context.imports()
    built_elsewhere = context.related("seed")
    if isinstance(built_elsewhere, ast.Call):
        # A splitter or sampler built elsewhere and passed in: seed it where it is built.
        entry = module.callee(built_elsewhere)
        if entry is None:
            return None
        kind = "cv" if entry.role == "cv-splitter" else "sampler"
        return _proposal(context, [seed_edit(context, built_elsewhere, entry, imports)], imports, built_elsewhere.lineno, kind)
    call = context.finding.node
    entry = module.callee(call)
    if not isinstance(call, ast.Call) or entry is None:
        return None
    if entry.get("seed-param") is not None:
        return _proposal(context, [seed_edit(context, call, entry, imports)], imports, call.lineno, None)
    return _proposal(context, [_sampler_edit(context, call, entry, imports)], imports, call.lineno, "default-sampler")
