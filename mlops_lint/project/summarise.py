"""Step 1 of the two-step analysis: one module's bytes (and its dependencies' summaries) to its summary.

``summarise(path, data, dependencies, package)`` is a pure function of its arguments: it reads no
file, imports nothing of the linted tree, and returns a ``ModuleSummary`` (``summary.py``), so an
engine such as Dask, Ray or Spark can map it over modules (docs/performance.md).

How: the module is analysed alone by the dataflow (``analysis/dataflow.py``), which runs each
function once on its own with its parameters as fresh lineage (``("param", function, name)``)
and again at each call site of the module. An event whose data derives from a parameter of
function ``f`` is an effect of ``f`` on that parameter, wherever its node is: a helper of the same
module that ``f`` calls with its parameter shows up in ``f``'s summary too. An event inside ``f``'s
body whose data derives from no parameter is an effect of ``f`` on data of its own.

A call into another project module (``dependencies``: its summary, keyed by the absolute dotted
name the module is imported under) applies that function's summary: each of its effects on a
parameter becomes an effect on whichever of the caller's parameters the argument derives from,
``through`` the callee. Its ``returns`` are not applied (the dataflow sees the call as an unknown
function's): this is where the summary is weaker than following the call (analysis/project.py).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Iterable, Mapping

from mlops_lint.project.dependencies import digest
from mlops_lint.project.summary import Effect, FunctionSummary, ModuleSummary, Returns

if TYPE_CHECKING:
    from mlops_lint.analysis.module import AnalyzedModule
    from mlops_lint.analysis.project import ModuleNames, ProjectFunction
    from mlops_lint.analysis.values import Event, Value
    from mlops_lint.catalog import Catalog

Function = ast.FunctionDef | ast.AsyncFunctionDef
# Which effect a call event to a catalog entry of these roles is.
_CALL_EFFECTS = {
    "metric": "evaluate",
    "experiment-logger": "log",
    "recorder": "log",
    "auto-logger": "log",
    "time-evidence": "time-evidence",
}
_DATA_EFFECTS = frozenset({"fit", "transform", "resample", "statistic", "split", "cross-validate", "search-fit"})


class _RelativeImports:
    """The ``ProjectLink`` of a module summarised alone: it resolves relative imports, and follows nothing."""

    def __init__(self, package: str | None) -> None:
        self.package = package

    def absolute(self, level: int, module: str | None) -> str | None:
        if self.package is None:
            return None
        parts = self.package.split(".") if self.package else []
        if level - 1 > len(parts):
            return None
        base = parts[: len(parts) - (level - 1)]
        return ".".join([*base, *([module] if module else [])])

    def names_of(self, dotted: str) -> ModuleNames | None:
        return None

    def function(self, qualified: str) -> ProjectFunction | None:
        return None

    def value(self, qualified: str) -> Value | None:
        return None


def _parameters(function: Function) -> tuple[str, ...]:
    arguments = function.args
    names = [p.arg for p in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]
    names += [extra.arg for extra in (arguments.vararg, arguments.kwarg) if extra is not None]
    return tuple(names)


def _summarised_functions(tree: ast.Module) -> dict[Function, str]:
    """The module's top-level functions and the methods of its top-level classes, with their names."""
    found: dict[Function, str] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node] = node.name
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    found[item] = f"{node.name}.{item.name}"
    return found


def _parameter_sources(values: Iterable[Value]) -> Iterable[tuple[Function, str]]:
    for value in values:
        for source in value.sources:
            if type(source) is tuple and len(source) == 3 and source[0] == "param":
                yield source[1], source[2]


def _roles(value: Value) -> tuple[str, ...]:
    return tuple(sorted(value.roles))


class _Collector:
    """Effects, returns and writes of each summarised function, gathered from one module's flow."""

    def __init__(self, module: AnalyzedModule, functions: dict[Function, str]) -> None:
        self.module = module
        self.functions = functions
        self.parents = module.parents
        # function → (kind, api, line, shuffle, through, shuffle parameter) → parameters
        self.effects: dict[Function, dict[tuple[str, str, int, bool | None, str, str], set[str]]] = {f: {} for f in functions}
        self.returns: dict[Function, list[Value]] = {f: [] for f in functions}
        self.writes: dict[Function, set[str]] = {f: set() for f in functions}
        self._enclosing: dict[ast.AST, Function | None] = {}

    def enclosing(self, node: ast.AST) -> Function | None:
        """The summarised function whose body holds ``node`` (a nested function's node: the outer one's)."""
        if node in self._enclosing:
            return self._enclosing[node]
        found: Function | None = None
        current = self.parents.get(node)
        while current is not None:
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)) and current in self.functions:
                found = current
                break
            current = self.parents.get(current)
        self._enclosing[node] = found
        return found

    def add(self, function: Function, kind: str, api: str, line: int, parameters: Iterable[str],
            shuffle: tuple[bool | None, str] = (None, ""), through: str = "") -> None:
        key = (kind, api, line, shuffle[0], through, shuffle[1])
        self.effects[function].setdefault(key, set()).update(parameters)

    def effect(self, kind: str, api: str, node: ast.AST, values: list[Value], event: Event | None = None) -> None:
        line = getattr(node, "lineno", 0)
        home = self.enclosing(node)
        touched: set[Function] = set()
        for function, name in _parameter_sources(values):
            if function in self.functions:
                self.add(function, kind, api, line, (name,), _shuffle(event, function))
                touched.add(function)
        if home is not None and home not in touched:
            self.add(home, kind, api, line, (), _shuffle(event, home))

    def event(self, event: Event) -> None:
        entry = event.entry
        api = entry.qualname if entry is not None else ""
        if event.kind in _DATA_EFFECTS:
            values = [arg.value for arg in event.data]
            self.effect(event.kind, api, event.node, values, event if event.kind == "split" else None)
        elif event.kind == "call" and entry is not None and entry.role in _CALL_EFFECTS:
            self.effect(_CALL_EFFECTS[entry.role], api, event.node, [arg.value for arg in event.data])
        elif event.kind == "return":
            home = self.enclosing(event.node)
            if home is not None:
                self.returns[home].extend(arg.value for arg in event.data)
        elif event.kind == "store" and isinstance(event.node, ast.Attribute):
            home = self.enclosing(event.node)
            from mlops_lint.analysis.names import dotted_name

            name = dotted_name(event.node)
            if home is not None and name is not None:
                self.writes[home].add(name)

    def summary(self, function: Function, name: str) -> FunctionSummary:
        effects = tuple(sorted(
            (Effect(kind, api, tuple(sorted(parameters)), line, shuffle, through, shuffle_parameter)
             for (kind, api, line, shuffle, through, shuffle_parameter), parameters in self.effects[function].items()),
            key=lambda e: (e.line, e.kind, e.api, e.through, e.shuffle is None, bool(e.shuffle), e.parameters),
        ))
        return FunctionSummary(name, function.lineno, _parameters(function), effects,
                               _returns(function, self.returns[function]), tuple(sorted(self.writes[function])))


def _literal_default(function: Function, name: str) -> bool | None:
    """The literal boolean default of ``function``'s parameter ``name``, if it has one."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    pairs = [*zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults),
             *zip(arguments.kwonlyargs, arguments.kw_defaults)]
    for parameter, default in pairs:
        if parameter.arg == name and isinstance(default, ast.Constant) and isinstance(default.value, bool):
            return default.value
    return None


def _shuffle(event: Event | None, function: Function | None) -> tuple[bool | None, str]:
    """Whether a split shuffles (None: unknowable or not a split), and the parameter of ``function``
    that decides it (``def split_data(X, y, shuffle=True)``: its default, which a caller may override)."""
    from mlops_lint.analysis.arguments import keyword, shuffles

    if event is None or event.entry is None:
        return None, ""  # not a split, or a split by position or mask: rows stay in order
    entry = event.entry
    call = event.node if isinstance(event.node, ast.Call) else None
    if entry.role == "cv-splitter":  # cv.split(X): the splitter's constructor decides
        call = event.receiver.made_by if event.receiver is not None else None
    found = shuffles(call, entry)
    param = entry.get("shuffle-param")
    if found is None and call is not None and function is not None and param is not None:
        given = keyword(call, param)
        if isinstance(given, ast.Name) and given.id in _parameters(function):
            return _literal_default(function, given.id), given.id
    return found, ""


def _returns(function: Function, values: list[Value]) -> Returns:
    if not values:
        return Returns()
    parameters = sorted({name for owner, name in _parameter_sources(values) if owner is function})
    fitted = sorted({fit.kind for value in values for fit in value.fits})
    roles = sorted({role for value in values for role in value.roles})
    elements: tuple[tuple[str, ...], ...] = ()
    shapes = {len(v.elements) if v.elements is not None else -1 for v in values}
    if len(shapes) == 1 and -1 not in shapes:
        elements = tuple(
            tuple(sorted({role for value in values for role in value.elements[i].roles}))  # type: ignore[index]
            for i in range(shapes.pop())
        )
    return Returns(tuple(parameters), tuple(fitted), tuple(roles), elements)


def _arguments(call: ast.Call, parameters: tuple[str, ...], implicit_first: bool) -> dict[str, ast.expr]:
    positional = list(parameters[1:] if implicit_first else parameters)
    found: dict[str, ast.expr] = {}
    for name, expr in zip(positional, call.args):
        if isinstance(expr, ast.Starred):
            break
        found[name] = expr
    found.update((k.arg, k.value) for k in call.keywords if k.arg is not None)
    return found


def _callee(names: Iterable[str], dependencies: Mapping[str, ModuleSummary]) -> tuple[str, FunctionSummary] | None:
    """The function of a dependency that a call's qualified names denote: ("utils.split_data", its summary)."""
    for name in sorted(names):
        parts = name.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            summary = dependencies.get(".".join(parts[:cut]))
            if summary is not None:
                found = summary.function(".".join(parts[cut:]))
                if found is not None:
                    return name, found
    return None


def _apply_dependencies(module: AnalyzedModule, collector: _Collector, dependencies: Mapping[str, ModuleSummary]) -> None:
    if not dependencies:
        return
    flow = module.dataflow
    for call in module.nodes_of(ast.Call):
        found = _callee(module.qualified_names(call.func), dependencies)
        if found is None:
            continue
        qualified, callee = found
        # A method reached through its class (``utils.DataUtils.load(p)``) is a static or class
        # method: its first parameter is not among the call's arguments when it is ``cls``/``self``.
        implicit = "." in callee.name and bool(callee.parameters) and callee.parameters[0] in ("cls", "self")
        arguments = _arguments(call, callee.parameters, implicit)
        home = collector.enclosing(call)
        for effect in callee.effects:
            through = effect.through or qualified
            shuffle = _applied_shuffle(effect, arguments)
            given = [flow.value_of(arguments[p]) for p in effect.parameters if p in arguments]
            reached: dict[Function, set[str]] = {}
            for function, name in _parameter_sources(given):
                if function in collector.functions:
                    reached.setdefault(function, set()).add(name)
            for function, names in reached.items():
                collector.add(function, effect.kind, effect.api, call.lineno, names, shuffle, through)
            if home is not None and home not in reached:
                collector.add(home, effect.kind, effect.api, call.lineno, (), shuffle, through)


def _applied_shuffle(effect: Effect, arguments: Mapping[str, ast.expr]) -> tuple[bool | None, str]:
    """A callee's split as this call makes it: the literal it passes for the parameter deciding
    ``shuffle``, else the default (something else passed: unknowable)."""
    if not effect.shuffle_parameter:
        return effect.shuffle, ""
    given = arguments.get(effect.shuffle_parameter)
    if given is None:
        return effect.shuffle, ""
    if isinstance(given, ast.Constant) and isinstance(given.value, bool):
        return given.value, ""
    return None, ""


def _analysed(path: str, data: bytes, catalog: Catalog, package: str | None) -> AnalyzedModule | None:
    from mlops_lint.analysis.module import AnalyzedModule
    from mlops_lint.engine.parse import parse_document
    from mlops_lint.source import SourceError
    from mlops_lint.source.document import document_from_bytes

    try:
        document = document_from_bytes(path, data)
    except SourceError:
        return None
    parsed = parse_document(document)
    if parsed.tree is None:
        return None
    return AnalyzedModule(path=path, text=parsed.text, tree=parsed.tree, catalog=catalog,
                          cell_map=document.cell_map, project=_RelativeImports(package))


def summarise(path: str, data: bytes, dependencies: Mapping[str, ModuleSummary] | None = None,
              package: str | None = None, imports: tuple[str, ...] = (), catalog: Catalog | None = None) -> ModuleSummary:
    """The summary of the module ``path`` whose bytes are ``data`` (see the module docstring).

    ``dependencies``: the summaries of the project modules it imports, by absolute dotted name;
    ``package``: the dotted name of its folder in the project (for relative imports), None when
    unknown; ``imports``: the project modules it imports, recorded in the summary as given.
    """
    if catalog is None:
        from mlops_lint.catalog import load_catalog

        catalog = load_catalog()
    data_digest = digest(data)
    try:
        module = _analysed(path, data, catalog, package)
        if module is None or not module.dataflow.complete:
            return ModuleSummary(data_digest, imports, (), complete=False)
        functions = _summarised_functions(module.tree)
        collector = _Collector(module, functions)
        for event in module.dataflow.events:
            collector.event(event)
        _apply_dependencies(module, collector, dependencies or {})
    except Exception:  # noqa: BLE001 - nested beyond the stack, or a bug: this module is unknown, the map goes on
        return ModuleSummary(data_digest, imports, (), complete=False)
    return ModuleSummary(data_digest, imports, tuple(collector.summary(f, n) for f, n in functions.items()))
