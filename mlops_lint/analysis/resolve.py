"""Which catalog entry a call invokes: one answer, in one lookup order, for the dataflow and every rule.

The order (rules/README.md, "How a call finds its entry"):

1. the exact qualified name the callee spells, imports and aliases resolved (``pandas.read_csv``);
2. a ``prefix = true`` entry for a module that covers it (``mlflow`` for ``mlflow.log_param``);
3. a builtin (``builtins.open``) when the module does not bind that name itself;
4. ``Class.method`` when the dataflow knows the object is an instance of the catalog class ``Class``;
5. the method name alone, for method entries whose ``receiver`` allows an untyped object
   (``"any"``, or ``"data"``: a value that is not an object of a catalog class).

Steps 1-3 depend on the call alone and are resolved once per call; steps 4-5 read the object's
value, which the dataflow passes while it runs and which is looked up in the finished dataflow
otherwise. The catalog's tables are built once per catalog (``Catalog`` cached properties).
"""

from __future__ import annotations

import ast
from functools import cached_property
from typing import TYPE_CHECKING

from mlops_lint.catalog import ApiEntry

if TYPE_CHECKING:
    from mlops_lint.analysis.module import AnalyzedModule
    from mlops_lint.analysis.values import Value


class Resolver:
    """The callee of each call of one module (see the module docstring for the lookup order)."""

    def __init__(self, module: AnalyzedModule) -> None:
        self._module = module
        self._catalog = module.catalog
        self._imports = module.imports
        # Per call: its entry by name (steps 1-3), else whether it is a method call on an object
        # that is not an imported name (steps 4-5 may apply).
        self._static: dict[ast.Call, ApiEntry | bool] = {}
        # Per set of qualified names, steps 1-2: a module spells the same callee at many calls
        # (``plt.plot``), and a name outside the catalog tries each prefix of it.
        self._by_names: dict[frozenset[str], ApiEntry | None] = {}

    def callee(self, call: ast.Call, receiver: Value | None = None, names: frozenset[str] | None = None) -> ApiEntry | None:
        """The catalog entry ``call`` invokes, or None. ``receiver`` is the value of the object of a
        method call when the caller knows it (the dataflow, while it runs); ``names``, the qualified
        names of its callee when the caller has them."""
        static = self._static.get(call)
        if static is None:
            static = self._static[call] = self._by_name(call, names)
        if static is False:
            return None
        if static is True:
            return self._method(call.func, receiver)  # type: ignore[arg-type]  # True only for an attribute
        return static

    def qualified_name(self, call: ast.Call, entry: ApiEntry) -> str:
        """The name under which ``call`` reached ``entry``: the spelt name for a prefix entry."""
        return spelt_name(entry, self._imports.qualified_names(call.func))

    def named(self, node: ast.AST) -> ApiEntry | None:
        """Steps 1-2 for any expression: the entry an imported name or attribute chain denotes
        (``callbacks=[MLflowCallback()]`` names it; so does ``import mlflow`` … ``mlflow.x``)."""
        names = self._imports.qualified_names(node)
        return self._named(names) if names else None

    def _named(self, names: frozenset[str]) -> ApiEntry | None:
        if names in self._by_names:
            return self._by_names[names]
        found = self._by_names[names] = self._named_in_catalog(names)
        return found

    def _named_in_catalog(self, names: frozenset[str]) -> ApiEntry | None:
        api = self._catalog.api
        for name in sorted(names):
            entry = api.get(name)
            if entry is not None:
                return entry
        for name in sorted(names):
            entry = self._catalog.prefix_entry(name)
            if entry is not None:
                return entry
        return None

    # --- indexes the rules ask for, built once per module ------------------------------------
    @cached_property
    def resolved_calls(self) -> list[tuple[ast.Call, ApiEntry]]:
        """Every call the catalog knows, with its entry, in walk order."""
        found: list[tuple[ast.Call, ApiEntry]] = []
        for call in self._module.nodes_of(ast.Call):
            entry = self.callee(call)
            if entry is not None:
                found.append((call, entry))
        return found

    @cached_property
    def calls_by_role(self) -> dict[str, list[tuple[ast.Call, ApiEntry]]]:
        """``resolved_calls`` grouped by the entry's role, each in walk order."""
        found: dict[str, list[tuple[ast.Call, ApiEntry]]] = {}
        for call, entry in self.resolved_calls:
            found.setdefault(entry.role, []).append((call, entry))
        return found

    @cached_property
    def roles_named(self) -> frozenset[str]:
        """Every role of every entry the module calls or names (``uses_role``)."""
        roles = set(self.calls_by_role)
        for node in self._module.nodes_of(ast.Name, ast.Attribute):
            entry = self.named(node)
            if entry is not None:
                roles.add(entry.role)
        return frozenset(roles)

    # --- steps 1-3: by the name the callee spells ----------------------------------------------
    def _by_name(self, call: ast.Call, names: frozenset[str] | None) -> ApiEntry | bool:
        """The entry found by steps 1-3, else True for a method call steps 4-5 may resolve, else False."""
        func = call.func
        if names is None:
            names = self._imports.qualified_names(func)
        if names:
            return self._named(names) or False
        if type(func) is ast.Name and func.id not in self._bound_names:
            return self._catalog.api.get("builtins." + func.id) or False
        return func.__class__ is ast.Attribute

    @cached_property
    def _bound_names(self) -> frozenset[str]:
        """Names the module binds itself (functions, classes, assignments): they shadow builtins."""
        module = self._module
        names = set(module.function_names)
        names.update(node.name for node in module.nodes_of(ast.ClassDef))
        store = ast.Store  # read once: the loop runs over every name of the module
        names.update({node.id for node in module.nodes_of(ast.Name) if node.ctx.__class__ is store})
        return frozenset(names)

    # --- steps 4-5: methods -------------------------------------------------------------------
    def _method(self, func: ast.Attribute, receiver: Value | None) -> ApiEntry | None:
        name = func.attr
        typed = self._catalog.typed_methods.get(name)
        by_name = self._catalog.methods.get(name)
        if typed is None and (by_name is None or by_name.get("receiver") == "any"):
            return by_name  # no need to know the object
        if receiver is None:
            receiver = self._module.dataflow.value_of(func.value)
        instance = receiver.instance_of
        if typed is not None and instance is not None:
            entry = typed.get(instance.qualname)
            if entry is not None:
                return entry
        if by_name is None or (by_name.get("receiver") == "data" and instance is not None):
            return None
        return by_name


def spelt_name(entry: ApiEntry, names: frozenset[str]) -> str:
    """The name under which a callee spelt ``names`` (its qualified names) reached ``entry``: the
    spelt name for a prefix entry."""
    return entry.qualname if entry.qualname in names or not names else min(names)
