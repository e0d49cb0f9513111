"""MLO302: a search's outcome is never logged, persisted or returned in the module."""

from __future__ import annotations

import ast
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.names import dotted_name
from mlops_lint.catalog import ApiEntry
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.analysis.arguments import is_none, keyword
from mlops_lint.rules.tuning.calls import facts_for
from mlops_lint.rules.tuning.outcome_lineage import Fate, Lineage, Outcome

_PRINTED = " (it is only printed to stdout, which is gone after the run)"


class UnrecordedSearch(Rule):
    code = "MLO302"
    fields = ("search", "var", "outcome", "printed")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        lineage = Lineage(module)
        facts = facts_for(module)
        if any(entry.role == "auto-logger" for _, entry in facts.catalog_calls()):
            return  # mlflow.autolog() / a tracking callback records every search of the module
        for call, entry in facts.catalog_calls():
            if entry.role != "search" or entry.get("records-itself"):
                continue
            storage = keyword(call, entry.get("storage-param"))
            if storage is not None and not is_none(storage):
                continue
            outcome = self._outcome(module, lineage, call, entry)
            if outcome is None:
                continue
            read = lineage.attrs_read(outcome)
            if outcome.returned_name is None and not read and not lineage.runs(outcome) and call is outcome_holder(lineage, call):
                continue  # built but never run (e.g. only displayed): nothing was tuned
            fate = lineage.fate(outcome)
            if fate is Fate.RECORDED:
                continue
            name = next(iter(sorted(outcome.search_names)), outcome.returned_name)
            yield Finding(call, {
                "search": entry.short_name,
                "var": name,
                "outcome": ", ".join(read) if read else ("its return value" if outcome.returned_name else "its results are never even read"),
                "printed": _PRINTED if fate is Fate.PRINTED else "",
            })

    def _outcome(self, module: AnalyzedModule, lineage: Lineage, call: ast.Call, entry: ApiEntry) -> Outcome | None:
        """The names the search (or its returned outcome) is bound to; None when it is not bound to a name."""
        holder: ast.AST = call
        parent = lineage.parents.get(call)
        # search = GridSearchCV(...).fit(X, y): fit returns the search itself
        if isinstance(parent, ast.Attribute) and parent.attr in entry.get("trains", ()):
            holder = lineage.parents.get(parent)
            parent = lineage.parents.get(holder) if holder is not None else None
        if not isinstance(parent, ast.Assign) or parent.value is not holder or len(parent.targets) != 1:
            return None
        name = parent.targets[0].id if isinstance(parent.targets[0], ast.Name) else None
        if name is None:
            return None
        if entry.get("outcome-is-return"):
            return Outcome(search_names=frozenset(), attrs=frozenset(), returned_name=name)
        return Outcome(
            search_names=self._aliases(module, name, entry),
            attrs=frozenset(entry.get("outcome-attrs", ())),
            run_methods=frozenset(entry.get("trains", ())),
        )

    def _aliases(self, module: AnalyzedModule, name: str, entry: ApiEntry) -> frozenset[str]:
        """``fitted = search.fit(X, y)`` and ``best = search`` name the same search object."""
        names = {name}
        for node in module.nodes_of(ast.Assign):
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                value = node.value
                if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in entry.get("trains", ()):
                    value = value.func.value
                if dotted_name(value) in names:
                    names.add(node.targets[0].id)
        return frozenset(names)


def outcome_holder(lineage: Lineage, call: ast.Call) -> ast.AST:
    """The expression bound to the search's name: the call itself, or ``call.fit(...)`` around it."""
    parent = lineage.parents.get(call)
    if isinstance(parent, ast.Attribute):
        return lineage.parents.get(parent) or call
    return call
