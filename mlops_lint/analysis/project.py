"""Calls into the other modules of the project: followed at the call site, as the module's own functions are.

A module that belongs to a project (``AnalyzedModule.project``, given by ``mlops_lint/project/``)
sees the functions and module-level values of the project's other modules through its imports:
``from utils import clean`` then ``clean(df)``, ``import utils`` then ``utils.clean(df)``,
``from .features import scale``, ``from prep import X`` (a value computed at the top of
``prep.py``), ``from config import *``, and a static method ``utils.DataUtils.load(path)``.

Why the body is followed at each call site instead of summarised once: a helper's effect
depends on what it is given (a fitted scaler passed in, the model ``train(model, X, y)``
fits, a search whose ``cv`` decides the split), which is exactly what the dataflow already
tracks through arguments' values; following the other module's function with the caller's values
gives a cross-file call the very precision of a call to a helper of the same module, and every
fact the dataflow learns (new roles, new kinds of split) reaches cross-file calls with no summary
format to extend. What is computed once per module is its top level: its import table and its
globals (``module_globals.py``), held by the project while they are needed.

While a function of another module runs, the interpreter reads names and resolves calls with that
module's imports (``module``/``callee`` switch to it), reads free names from its globals, and
records for each event it emits the call of this module that led there (``via``), so a finding
whose node is in the other file can be placed on that call (``engine/elsewhere.py``). Nodes of
another module carry their owner (``owner_of``). Mixed into the interpreter of ``dataflow.py``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Mapping, Protocol

from mlops_lint.analysis.calls import CallSemantics
from mlops_lint.analysis.expressions import ExpressionSemantics
from mlops_lint.analysis.interpreter import Function
from mlops_lint.analysis.names import ImportTable
from mlops_lint.analysis.scope import Scope
from mlops_lint.analysis.summaries import FunctionSummaries
from mlops_lint.analysis.values import EMPTY, Value, derive

if TYPE_CHECKING:
    from mlops_lint.analysis.module import AnalyzedModule

# The attribute a node of another module's tree carries: the AnalyzedModule it belongs to.
OWNER = "mlops_lint_owner"
# Functions of other modules followed while one module is analysed, at most: a project whose
# helpers call helpers without end (a library in the tree) costs a bounded amount per module.
_MAX_FOREIGN_CALLS = 2000


@dataclass(frozen=True)
class ProjectFunction:
    """A function (or a static/class method) of another module of the project, ready to be followed."""

    owner: AnalyzedModule
    function: Function
    globals: Scope
    functions: Mapping[Function, Scope]  # every function of that module, with the scope its body reads
    implicit_first: bool = False  # a classmethod reached through its class: ``cls`` is not passed


@dataclass(frozen=True)
class ModuleNames:
    """What ``from module import *`` (and a re-export) finds in a module of the project."""

    imported: Mapping[str, frozenset[str]]  # names it imports, with their qualified names
    defined: frozenset[str]  # names it binds at its top level (functions, classes, assignments)
    public: frozenset[str] | None  # its ``__all__`` when that is a literal list, else None


class ProjectLink(Protocol):
    """What the project (``mlops_lint/project/``) tells one module about the others."""

    def absolute(self, level: int, module: str | None) -> str | None:
        """The absolute name of a relative import's module (``from ..utils import x``), if it is in the project."""

    def names_of(self, dotted: str) -> ModuleNames | None:
        """The names of the project module ``dotted`` (as this module imports it), or None."""

    def function(self, qualified: str) -> ProjectFunction | None:
        """The project function a qualified name (as this module's imports spell it) denotes."""

    def value(self, qualified: str) -> Value | None:
        """The value a project module's top level binds to that name, or None."""


def _meanings(names: ModuleNames, module: str, name: str) -> frozenset[str]:
    """What ``from module import name`` binds: what the module itself imported under that name
    (a re-export, such as ``StandardScaler`` from a module of imports), else its own ``name``."""
    if name in names.imported and name not in names.defined:
        return names.imported[name]
    return frozenset({f"{module}.{name}" if module else name})


def complete_imports(table: ImportTable, statements: Iterable[ast.AST], project: ProjectLink) -> None:
    """Give ``table`` what only the project knows: relative imports, star imports and re-exports
    of the project's modules (imports of anything else keep the names they spell)."""
    for node in statements:
        if not isinstance(node, ast.ImportFrom):
            continue
        module = project.absolute(node.level, node.module) if node.level else node.module
        if module is None:
            continue
        names = project.names_of(module) if module else None
        for alias in node.names:
            if alias.name == "*":
                if names is not None:
                    public = names.public if names.public is not None else frozenset(
                        n for n in (*names.defined, *names.imported) if not n.startswith("_"))
                    for name in sorted(public):
                        table.rebind(name, None, _meanings(names, module, name))
                continue
            spelt = None if node.level else f"{module}.{alias.name}"
            meanings = _meanings(names, module, alias.name) if names is not None else frozenset(
                {f"{module}.{alias.name}" if module else alias.name})
            if spelt is None or meanings != {spelt}:
                table.rebind(alias.asname or alias.name, spelt, meanings)


def owner_of(node: ast.AST, home: AnalyzedModule) -> AnalyzedModule:
    """The module a node belongs to: ``home`` unless it is another module's."""
    owner: AnalyzedModule | None = getattr(node, OWNER, None)
    return home if owner is None else owner


@dataclass
class Entry:
    """A call of this module into another module's function: what each parameter was given there."""

    call: ast.Call
    function: Function
    arguments: dict[str, ast.expr] = field(default_factory=dict)


def _arguments(call: ast.Call, function: Function, implicit_first: bool) -> dict[str, ast.expr]:
    positional = [*function.args.posonlyargs, *function.args.args][1 if implicit_first else 0:]
    found: dict[str, ast.expr] = {}
    for parameter, expr in zip(positional, call.args):
        if isinstance(expr, ast.Starred):
            break
        found[parameter.arg] = expr
    found.update((k.arg, k.value) for k in call.keywords if k.arg is not None)
    return found


class ProjectCalls(ExpressionSemantics, CallSemantics, FunctionSummaries):
    """The cross-module part of the interpreter (see the module docstring).

    Nodes of this module's own tree carry no owner; every other module's do (``OWNER``).
    """

    _entry: Entry | None = None  # the call of this module being followed into another, if any
    _foreign_calls = 0

    @property
    def via(self) -> dict[ast.AST, Entry]:
        """Each node of another module where an event happened → the call of this module that led there."""
        return self.__dict__.setdefault("_via", {})  # type: ignore[no-any-return]

    # --- where a call or a name leads ------------------------------------------------------
    # The answers of the project's links for this run of the interpreter, per (link, qualified
    # names): a module calls the same helpers, and names the same libraries (``plt.plot``, each
    # absent from the project), at many call sites; each answer takes sorted names and a lookup
    # per name. Asking again within one run would only record again, into the same recorders,
    # the absences its first asking recorded (``project/model.py``). Cleared when the run ends.
    _functions_found: dict[tuple[ProjectLink, frozenset[str]], ProjectFunction | None]
    _values_found: dict[tuple[ProjectLink, frozenset[str]], Value | None]

    def _project_function(self, func: ast.expr, scope: Scope) -> ProjectFunction | None:
        project = self.module.project
        if project is None or (type(func) is not ast.Name and type(func) is not ast.Attribute):
            return None
        if type(func) is ast.Name and scope.lookup(func.id) is not None:
            return None  # bound in this module: it shadows the import
        names = self.module.imports.qualified_names(func)
        if not names:
            return None
        key = (project, names)
        if key in self._functions_found:
            return self._functions_found[key]
        found = self._functions_found[key] = next(
            (function for function in map(project.function, sorted(names)) if function is not None), None)
        return found

    def _project_value(self, project: ProjectLink, names: frozenset[str]) -> Value | None:
        key = (project, names)
        if key in self._values_found:
            return self._values_found[key]
        found = self._values_found[key] = next((value for value in map(project.value, sorted(names)) if value is not None), None)
        return found

    def call_into_project(self, node: ast.Call, scope: Scope) -> Value | None:
        target = self._project_function(node.func, scope)
        if target is None:
            return None
        args = [self.expr(a, scope) for a in node.args]
        keywords = {k.arg: self.expr(k.value, scope) for k in node.keywords}
        self._emit_call(node, None, args, keywords, None, target.function)
        if target.implicit_first:
            args = [EMPTY, *args]
        return self.follow(node, target, args, keywords, scope)

    def _unbound(self, name: str) -> Value:
        module = self.module
        if module.project is not None:
            meanings = module.imports.meanings(name)
            if meanings:
                found = self._project_value(module.project, meanings)  # from prep import X: X as prep.py leaves it
                if found is not None:
                    return found
        return super()._unbound(name)

    def _attribute(self, node: ast.Attribute, base: Value) -> Value:
        if base is EMPTY and self.module.project is not None:
            names = self.module.imports.qualified_names(node)
            found = self._project_value(self.module.project, names) if names else None  # import config; config.DATA
            if found is not None:
                return found
        return super()._attribute(node, base)

    # --- following another module's function ------------------------------------------------
    def follow(self, node: ast.Call, target: ProjectFunction, args: list[Value],
               keywords: dict[str | None, Value], scope: Scope) -> Value:
        """Run ``target`` with these values, reading names and calls as its own module does."""
        if self._foreign_calls >= _MAX_FOREIGN_CALLS:
            return derive([*args, *keywords.values()])
        self._foreign_calls += 1
        for function, enclosing in target.functions.items():
            self._functions.setdefault(function, enclosing)
        module, callee, entry = self.module, self.callee, self._entry
        first_event = len(self.events)
        if entry is None:  # leaving this module's own code
            self._entry = Entry(node, target.function, _arguments(node, target.function, target.implicit_first))
        self.module, self.callee = target.owner, target.owner.resolver.callee
        try:
            return self.call_function(node, target.function, args, keywords, scope)
        finally:
            if entry is None and self._entry is not None:
                via = self.via
                for event in self.events[first_event:]:
                    via.setdefault(event.node, self._entry)
            self.module, self.callee, self._entry = module, callee, entry

    def call_function(self, node: ast.Call, function: Function, args: list[Value],
                      keywords: dict[str | None, Value], scope: Scope) -> Value:
        owner: AnalyzedModule | None = getattr(function, OWNER, None)
        if owner is not None and owner is not self.module:
            # A function of another module reached as a value (``f = utils.clean; f(df)``).
            target = ProjectFunction(owner, function, self._functions.get(function, Scope({})), {})
            return self.follow(node, target, args, keywords, scope)
        return super().call_function(node, function, args, keywords, scope)

    def _standalone(self, function: Function) -> None:
        # A function defined inside another module's function, met while following it, is that
        # module's business: it is analysed when that module is linted.
        if getattr(function, OWNER, None) is None:
            super()._standalone(function)
