"""MLO302: a search's outcome is never logged, persisted or returned in the module.

Questions to the dataflow. A search is an object its constructor call makes (``made_by``), or for
``outcome-is-return`` searches the call itself; its outcome is what the dataflow marks when an
``outcome-attrs`` attribute is read or such a call returns. The outcome is recorded when a value
carrying it reaches a logger, a sink or a recorder (as an argument or as the object of the method),
is returned, is stored on an object or into a tracker's run, or is handed to a function of the
module (not followed: it may record it); the search object itself is recorded when it is handed to
a call other than printing, returned or stored.

Printing is no record in a script or a session: stdout is gone after the run. A notebook saved
with its outputs keeps what its cells printed, displayed and drew: there an outcome printed,
displayed (the value a cell ends with) or drawn in a cell whose saved outputs hold such output is
part of the notebook's record, and so are parameters written down by hand in a Markdown cell
after the search (every parameter of its grid given a value). Searches switched off (``if False:``) or inside tests
(``code_context``) are not experiments and are not checked.
"""

from __future__ import annotations

import ast
import enum
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Iterator

from mlops_lint.analysis.arguments import is_none, keyword
from mlops_lint.analysis.code_context import context
from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.analysis.naming import NamesByContext
from mlops_lint.analysis.values import Event, Value
from mlops_lint.catalog import ApiEntry
from mlops_lint.engine.rule import Finding, Options, Rule
from mlops_lint.rules.shapes import expected_to_fail

_RECORDING_ROLES = frozenset({"experiment-logger", "sink", "recorder"})
# Methods of a search that say nothing about its outcome.
_SETTINGS_METHODS = frozenset({"get_params", "set_params"})
# The saved output kinds (source/notebook.py, output_kinds) that show what a cell printed, the
# value it ended with, and what it drew.
_PRINT_OUTPUTS = frozenset({"text", "display"})
_DISPLAY_OUTPUTS = frozenset({"result", "display", "figure"})
_FIGURE_OUTPUTS = frozenset({"figure"})

_PRINTED = {
    "script": " (it is only printed to stdout, which is gone after the run)",
    "saved-notebook": " (it is only printed or displayed, and the saved notebook holds no output for that cell)",
}
_NOT_SHOWN = ", nor shown in its saved outputs"
# After a parameter's name in Markdown: one value written down (``: 9,``, ``= 'rbf'``, ``: 0.1}``),
# not a description of the grid (``C = 1 or 10``).
_WRITTEN_VALUE = r"""['"]?\s*[:=]\s*(?:[-+]?\d[\w.+-]*|'[^'\n]*'|"[^"\n]*"|None|True|False)\s*(?:[,;})\]]|$)"""


class Fate(enum.IntEnum):
    LOST = 0
    PRINTED = 1  # printed or displayed where nothing keeps it
    SHOWN = 2  # in a saved notebook's outputs: part of its record
    RECORDED = 3  # or handed to code we do not follow: the rule then stays silent


@dataclass
class Search:
    call: ast.Call
    entry: ApiEntry
    names: set[str] = field(default_factory=set)  # the names bound to the search object
    returned: str | None = None  # outcome-is-return: the name the outcome is bound to
    read: set[str] = field(default_factory=set)  # outcome attributes read from it
    used: set[str] = field(default_factory=set)  # methods of its refitted best model called (predict, score)
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


def _name_searches(module: AnalyzedModule, searches: dict[ast.Call, Search]) -> None:
    """Fill in the names bound to each search object (a walk over every bound name)."""
    flow = module.dataflow
    for name in module.shared(NamesByContext).stored:
        made_by = flow.value_of(name).made_by
        if made_by in searches and searches[made_by].returned is None:
            searches[made_by].names.add(name.id)


def _grid_names(module: AnalyzedModule, call: ast.Call) -> list[str]:
    """The parameter names of the search's grid: the keys of the first dict literal it is given
    (directly or through the name it was bound to)."""
    flow = module.dataflow
    for node in [*call.args, *(kw.value for kw in call.keywords)]:
        literal = flow.value_of(node).origin if isinstance(node, ast.Name) else node
        if isinstance(literal, ast.Dict) and literal.keys and all(
            isinstance(key, ast.Constant) and isinstance(key.value, str) for key in literal.keys
        ):
            return [key.value for key in literal.keys]  # type: ignore[union-attr]  # checked above
    return []


def _outcome_text(search: Search) -> str:
    if search.read:
        return ", ".join(sorted(search.read))
    if search.used:
        methods = ", ".join(f"{name}()" for name in sorted(search.used))
        return f"its refitted best model is used through {methods}, but the chosen parameters are never read"
    return "its return value" if search.returned else "its results are never even read"


class UnrecordedSearch(Rule):
    code = "MLO302"
    fields = ("search", "var", "outcome", "unit", "printed")

    def check(self, module: AnalyzedModule, options: Options) -> Iterator[Finding]:
        if module.calls_with_role("auto-logger"):
            return  # mlflow.autolog() / a tracking callback records every search of the module
        searches = self._searches(module)
        if not searches:
            return
        fates = _Fates(module, searches)
        fates.follow()
        saved = fates.display.saved
        named = False
        for search in searches.values():
            if search.returned is None and not search.read and not search.used and not search.runs:
                continue  # built but never run (e.g. only displayed): nothing was tuned
            if search.fate >= Fate.SHOWN:
                continue
            if search.fate is Fate.PRINTED:
                printed = _PRINTED["saved-notebook" if saved else "script"]
            else:
                printed = _NOT_SHOWN if saved else ""
            if not named:
                _name_searches(module, searches)  # only for the message: once, when a search is reported
                named = True
            yield Finding(search.call, {
                "search": search.entry,
                "var": min(search.names) if search.names else search.returned,
                "outcome": _outcome_text(search),
                "unit": "notebook" if saved else ("session" if module.cell_map is not None else "module"),
                "printed": printed,
            })

    @staticmethod
    def _searches(module: AnalyzedModule) -> dict[ast.Call, Search]:
        """The searches bound to a name, that record nothing by themselves (records-itself, storage=)
        and belong to an experiment (not switched off, not in a test)."""
        found: dict[ast.Call, Search] = {}
        where = context(module)
        for call, entry in module.calls_with_role("search"):
            if entry.get("records-itself"):
                continue
            storage = keyword(call, entry.get("storage-param"))
            if storage is not None and not is_none(storage):
                continue
            bound = _bound_name(module, call, entry)
            if bound is None or where.is_dead(call) or where.in_test(call):
                continue
            found[call] = Search(call, entry, returned=bound if entry.get("outcome-is-return") else None)
        if not found:
            return found
        flow = module.dataflow
        outcome_attrs = frozenset(attr for search in found.values() for attr in search.entry.get("outcome-attrs", ()))
        for read in module.nodes_of(ast.Attribute):
            if read.attr in outcome_attrs:
                made_by = flow.value_of(read.value).made_by
                if made_by in found and read.attr in found[made_by].entry.get("outcome-attrs", ()):
                    found[made_by].read.add(read.attr)
        return found


class _Display:
    """What a saved notebook's outputs show of the module's lines: which cells printed,
    displayed or drew something, and which cell shows the output of a line inside a function
    (the cells that call it)."""

    def __init__(self, module: AnalyzedModule) -> None:
        self.module = module
        cells = module.cell_map
        self.saved = cells is not None and cells.outputs is not None
        self._callers: dict[str, list[ast.Call]] | None = None

    def shows(self, node: ast.AST, kinds: frozenset[str]) -> bool:
        """Whether a cell whose output holds what ``node`` printed, displayed or drew has saved
        output of one of ``kinds``."""
        if not self.saved:
            return False
        cells = self.module.cell_map
        assert cells is not None
        return any((cells.saved_outputs(line) or frozenset()) & kinds for line in self._output_lines(node))

    def displays(self, statement: ast.AST) -> bool:
        """Whether IPython displays the value of this expression statement: the last statement
        of its cell, at the top level, not silenced by a trailing ``;``."""
        module = self.module
        # last_statements are top-level statements: no need to ask for the parent
        if statement.__class__ is not ast.Expr or statement not in self.last_statements:
            return False
        end_line, end_column = statement.end_lineno or statement.lineno, statement.end_col_offset or 0
        return not module.lines[end_line - 1][end_column:].lstrip().startswith(";")

    def _output_lines(self, node: ast.AST) -> list[int]:
        """The lines whose cells show what ``node`` prints: its own, or for a line inside a
        function defined at the top level, the lines that call that function (transitively)."""
        lines: list[int] = []
        seen: set[str] = set()
        pending = [node]
        while pending:
            current = pending.pop()
            top = self._top_level(current)
            if not isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines.append(getattr(current, "lineno", 1))
            elif top.name not in seen:
                seen.add(top.name)
                pending.extend(self.callers.get(top.name, ()))
        return lines

    def _top_level(self, node: ast.AST) -> ast.AST:
        parents, tree = self.module.parents, self.module.tree
        while (parent := parents.get(node)) is not None and parent is not tree:
            node = parent
        return node

    @cached_property
    def last_statements(self) -> set[ast.stmt]:
        """The last top-level statement of each cell (the one whose value IPython displays)."""
        cells = self.module.cell_map
        assert cells is not None
        body = self.module.tree.body
        if not body:
            return set()
        # The last statement before each cell's start, and the module's last: one bisect per cell
        # rather than a cell lookup per statement (top-level statements are in line order).
        lines = [statement.lineno for statement in body]
        last = {body[-1]}
        for start in cells.starts[1:]:
            index = bisect_left(lines, start) - 1
            if index >= 0:
                last.add(body[index])
        return last

    @property
    def callers(self) -> dict[str, list[ast.Call]]:
        if self._callers is None:
            self._callers = {}
            names = self.module.function_names
            for call in self.module.nodes_of(ast.Call):
                if isinstance(call.func, ast.Name) and call.func.id in names:
                    self._callers.setdefault(call.func.id, []).append(call)
        return self._callers


class _Fates:
    """The searches whose outcome (or whose object) a value carries, and what each event does with it."""

    def __init__(self, module: AnalyzedModule, searches: dict[ast.Call, Search]) -> None:
        self.module = module
        self.searches = searches
        self.keys = {("outcome", call) for call in searches}
        self.display = _Display(module)

    def follow(self) -> None:
        """One pass over the flow: where each search's outcome, and the search itself, go."""
        flow = self.module.dataflow
        # A fate only rises (``mark`` keeps the highest): the events are read kind by kind, not merged in flow order.
        for event in flow.events_of("call"):
            self.call(event)
        for event in flow.events_of("return"):
            values = event.values
            self.mark(self.outcomes(values) | self.objects(values), Fate.RECORDED)
        for event in flow.events_of("store"):
            self.store(event)
        if self.module.cell_map is not None:
            for event in flow.events_of("expression"):
                if self.display.displays(event.node):
                    self.shown_or_printed(self.outcomes(event.values), event.node, _DISPLAY_OUTPUTS)
        if self.display.saved:
            self.drawn()
            self.noted()

    # outcomes and objects are asked of every call's values, nearly all of which carry no search:
    # the common answer (none) costs one set test per value.
    def outcomes(self, values: Iterable[Value]) -> set[ast.Call]:
        keys = self.keys
        found: set[ast.Call] = set()
        for value in values:
            if not value.sources.isdisjoint(keys):
                found.update(key[1] for key in value.sources & keys)  # type: ignore[index]  # ("outcome", call)
        return found

    def objects(self, values: list[Value]) -> set[ast.Call]:
        searches = self.searches
        found = set()
        for value in values:
            if value.made_by in searches:
                found.add(value.made_by)
            for item in value.elements or ():
                if item.made_by in searches:
                    found.add(item.made_by)
        return found

    def mark(self, calls: set[ast.Call], fate: Fate) -> None:
        for call in calls:
            search = self.searches[call]
            search.fate = max(search.fate, fate)

    def shown_or_printed(self, calls: set[ast.Call], node: ast.AST, kinds: frozenset[str]) -> None:
        if calls:
            self.mark(calls, Fate.SHOWN if self.display.shows(node, kinds) else Fate.PRINTED)

    def call(self, event: Event) -> None:
        # Asked for every call of the module (a notebook's thousands): the common case, a call that
        # involves no search, reads each argument's value once (made_by, elements) and returns.
        entry, call = event.entry, event.node
        assert isinstance(call, ast.Call)
        role = entry.role if entry is not None else None
        searches = self.searches
        receiver = event.receiver
        if receiver is not None and receiver.made_by in searches and call.func.__class__ is ast.Attribute:
            self.method(receiver.made_by, call, call.func.attr)
        if role in _RECORDING_ROLES:
            self.mark(self.outcomes(event.values), Fate.RECORDED)
        data = event.data
        if not data:
            return  # no argument: nothing handed on or printed
        if role == "stdout":
            self.shown_or_printed(self.outcomes([arg.value for arg in data]), call, _PRINT_OUTPUTS)
            return  # print(search) shows its settings only
        if role not in _RECORDING_ROLES and (
                event.function is not None or (call.func.__class__ is ast.Name and call.func.id in self.module.function_names)):
            self.mark(self.outcomes([arg.value for arg in data]), Fate.RECORDED)  # a function of the module: not followed, it may record
        # The search itself handed on: objects() inlined, one read of each argument's value.
        handed: set[ast.Call] = set()
        for arg in data:
            value = arg.value
            if value.made_by in searches:
                handed.add(value.made_by)
            if value.elements:
                handed.update(item.made_by for item in value.elements if item.made_by in searches)
        if handed:
            self.mark(handed, Fate.RECORDED)

    def method(self, made_by: ast.Call, call: ast.Call, method: str) -> None:
        """A method of a search object called: a fit runs it, others use its outcome (but its settings)."""
        search = self.searches[made_by]
        if method in search.entry.get("trains", ()):
            if not expected_to_fail(self.module, call):
                search.runs = True
        elif method not in _SETTINGS_METHODS:
            search.used.add(method)

    def store(self, event: Event) -> None:
        values = [arg.value for arg in event.data]
        if isinstance(event.node, ast.Attribute):  # self.best = ...: kept on an object
            self.mark(self.outcomes(values) | self.objects(values), Fate.RECORDED)
            return
        self.mark(self.objects(values), Fate.RECORDED)  # models["svm"] = search
        receiver = event.receiver
        outcomes = self.outcomes(values) if receiver is not None else None
        if outcomes and receiver is not None and any(  # the calls behind the receiver only when an outcome is stored
            (entry := self.module.callee(node)) is not None and entry.role in _RECORDING_ROLES for _, node in receiver.calls
        ):
            self.mark(outcomes, Fate.RECORDED)  # run["best"] = ...: into a tracker's run

    def noted(self) -> None:
        """Parameters written down by hand: a Markdown cell after the search's cell, before the
        next search's, gives every parameter of its grid a value (``max_depth: 9``,
        ``'max_depth': 9``, ``max_depth=9``)."""
        cells = self.module.cell_map
        assert cells is not None
        if not cells.notes:
            return
        starts = sorted({cells.to_cell(call.lineno)[0] for call in self.searches})
        for call, search in self.searches.items():
            names = _grid_names(self.module, call) if search.fate < Fate.SHOWN else []
            if not names:
                continue
            after = cells.to_cell(call.lineno)[0]
            before = next((start for start in starts if start > after), None)
            patterns = [re.compile(r"(?<!\w)" + re.escape(name) + _WRITTEN_VALUE, re.M) for name in names]
            if any(after < number and (before is None or number < before) and all(pattern.search(text) for pattern in patterns)
                   for number, text in cells.notes):
                search.fate = Fate.SHOWN

    def drawn(self) -> None:
        """Outcomes handed to a drawing call (catalog role ``plot``: ``plt.imshow``, ``sns.heatmap``) or
        to a call the catalog does not know (``df.plot()``) in a cell whose saved outputs hold a figure:
        the notebook keeps the plot."""
        pending = {call for call, search in self.searches.items() if search.fate < Fate.SHOWN}
        if not pending:
            return
        flow = self.module.dataflow
        for node in self.module.nodes_of(ast.Call):
            entry = self.module.callee(node)
            if entry is not None and entry.role != "plot":
                continue
            parts: list[ast.AST] = [*node.args, *(kw.value for kw in node.keywords)]
            if isinstance(node.func, ast.Attribute):
                parts.append(node.func.value)
            drawn = self.outcomes(flow.value_of(part) for part in parts) & pending
            if drawn and self.display.shows(node, _FIGURE_OUTPUTS):
                self.mark(drawn, Fate.SHOWN)
                pending -= drawn
                if not pending:
                    return
