"""MLO302: a search's outcome is never logged, persisted or returned in the module.

Questions to the dataflow. A search is an object its constructor call makes (``made_by``), or for
``outcome-is-return`` searches the call itself; its outcome is what the dataflow marks when an
``outcome-attrs`` attribute is read or such a call returns. The outcome is recorded when a value
carrying it reaches a logger, a sink or a recorder (as an argument or as the object of the method),
is returned, is stored on an object or into a tracker's run, or is handed to a function of the
module (not followed: it may record it); the search object itself is recorded when it is handed to
a call other than printing, returned or stored. Printing, or a notebook displaying it, is no record.
"""

from __future__ import annotations

import ast
import enum
from dataclasses import dataclass, field
from typing import Iterator

from mlops_lint.analysis.arguments import is_none, keyword
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.values import Event, Value
from mlops_lint.catalog import ApiEntry
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.shapes import expected_to_fail

_PRINTED = " (it is only printed to stdout, which is gone after the run)"
_RECORDING_ROLES = frozenset({"experiment-logger", "sink", "recorder"})


class Fate(enum.IntEnum):
    LOST = 0
    PRINTED = 1
    RECORDED = 2  # or handed to code we do not follow: the rule then stays silent


@dataclass
class Search:
    call: ast.Call
    entry: ApiEntry
    names: set[str] = field(default_factory=set)  # the names bound to the search object
    returned: str | None = None  # outcome-is-return: the name the outcome is bound to
    read: set[str] = field(default_factory=set)  # outcome attributes read from it
    runs: bool = False
    fate: Fate = Fate.LOST


def _bound_name(module: AnalyzedModule, call: ast.Call, entry: ApiEntry) -> str | None:
    """``name = Search(...)`` or ``name = Search(...).fit(...)``: the name the call is bound to."""
    parents = module.parents
    holder: ast.AST = call
    parent = parents.get(call)
    if isinstance(parent, ast.Attribute) and parent.attr in entry.get("trains", ()):
        holder = parents.get(parent, parent)
        parent = parents.get(holder)
    if isinstance(parent, ast.Assign) and parent.value is holder and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        return parent.targets[0].id
    return None


class UnrecordedSearch(Rule):
    code = "MLO302"
    fields = ("search", "var", "outcome", "printed")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        if module.calls_with_role("auto-logger"):
            return  # mlflow.autolog() / a tracking callback records every search of the module
        searches = self._searches(module)
        if not searches:
            return
        self._follow(module, searches)
        for search in searches.values():
            if search.returned is None and not search.read and not search.runs:
                continue  # built but never run (e.g. only displayed): nothing was tuned
            if search.fate is Fate.RECORDED:
                continue
            read = sorted(search.read)
            yield Finding(search.call, {
                "search": search.entry,
                "var": min(search.names) if search.names else search.returned,
                "outcome": ", ".join(read) if read else ("its return value" if search.returned else "its results are never even read"),
                "printed": _PRINTED if search.fate is Fate.PRINTED else "",
            })

    @staticmethod
    def _searches(module: AnalyzedModule) -> dict[ast.Call, Search]:
        """The searches bound to a name, that record nothing by themselves (records-itself, storage=)."""
        found: dict[ast.Call, Search] = {}
        for call, entry in module.calls_with_role("search"):
            if entry.get("records-itself"):
                continue
            storage = keyword(call, entry.get("storage-param"))
            if storage is not None and not is_none(storage):
                continue
            bound = _bound_name(module, call, entry)
            if bound is None:
                continue
            found[call] = Search(call, entry, returned=bound if entry.get("outcome-is-return") else None)
        flow = module.dataflow
        for name in module.nodes_of(ast.Name):
            made_by = flow.value_of(name).made_by
            if name.ctx.__class__ is ast.Store and made_by in found and found[made_by].returned is None:
                found[made_by].names.add(name.id)
        for read in module.nodes_of(ast.Attribute):
            made_by = flow.value_of(read.value).made_by
            if made_by in found and read.attr in found[made_by].entry.get("outcome-attrs", ()):
                found[made_by].read.add(read.attr)
        return found

    @staticmethod
    def _follow(module: AnalyzedModule, searches: dict[ast.Call, Search]) -> None:
        """One pass over the flow: where each search's outcome, and the search itself, go."""
        fates = _Fates(module, searches)
        notebook = module.cell_map is not None
        for event in module.dataflow.events_of("call", "return", "store", "expression"):
            values = event.values
            if event.kind == "call":
                fates.call(event)
            elif event.kind == "return":
                fates.mark(fates.outcomes(values) | fates.objects(values), Fate.RECORDED)
            elif event.kind == "store":
                fates.store(event)
            elif notebook:  # a displayed expression is part of the notebook's record
                fates.mark(fates.outcomes(values), Fate.PRINTED)


class _Fates:
    """The searches whose outcome (or whose object) a value carries, and what each event does with it."""

    def __init__(self, module: AnalyzedModule, searches: dict[ast.Call, Search]) -> None:
        self.module = module
        self.searches = searches
        self.keys = {("outcome", call) for call in searches}

    def outcomes(self, values: list[Value]) -> set[ast.Call]:
        return {key[1] for value in values for key in value.sources & self.keys}  # type: ignore[index]  # ("outcome", call)

    def objects(self, values: list[Value]) -> set[ast.Call]:
        found = set()
        for value in values:
            for item in (value, *(value.elements or ())):
                if item.made_by is not None and item.made_by in self.searches:
                    found.add(item.made_by)
        return found

    def mark(self, calls: set[ast.Call], fate: Fate) -> None:
        for call in calls:
            search = self.searches[call]
            search.fate = max(search.fate, fate)

    def call(self, event: Event) -> None:
        entry, call = event.entry, event.call
        arguments = [arg.value for arg in event.data]
        role = entry.role if entry is not None else None
        receiver = event.receiver.made_by if event.receiver is not None else None
        if receiver in self.searches and isinstance(call.func, ast.Attribute) \
                and call.func.attr in self.searches[receiver].entry.get("trains", ()) and not expected_to_fail(self.module, call):
            self.searches[receiver].runs = True
        if role in _RECORDING_ROLES:
            self.mark(self.outcomes(event.values), Fate.RECORDED)
        elif role == "stdout":
            self.mark(self.outcomes(arguments), Fate.PRINTED)
            return  # print(search) shows its settings only
        elif event.function is not None or (isinstance(call.func, ast.Name) and call.func.id in self.module.function_names):
            self.mark(self.outcomes(arguments), Fate.RECORDED)  # a function of the module: not followed, it may record
        self.mark(self.objects(arguments), Fate.RECORDED)  # the search itself handed on

    def store(self, event: Event) -> None:
        values = [arg.value for arg in event.data]
        if isinstance(event.node, ast.Attribute):  # self.best = ...: kept on an object
            self.mark(self.outcomes(values) | self.objects(values), Fate.RECORDED)
            return
        self.mark(self.objects(values), Fate.RECORDED)  # models["svm"] = search
        receiver = event.receiver
        if receiver is not None and any(
            (entry := self.module.callee(node)) is not None and entry.role in _RECORDING_ROLES for _, node in receiver.calls
        ):
            self.mark(self.outcomes(values), Fate.RECORDED)  # run["best"] = ...: into a tracker's run
