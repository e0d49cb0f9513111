"""How a fix spells a library name: reuse an import the module has, or add one where its imports are.

A name is reused when a top-level import before the fix binds exactly it (``from a import B``) or
its own module (``from a import b`` for ``a.b.C``, ``import a.b as ab``). Otherwise the fix adds
``from a import B`` after the last top-level import above the edit, which in a notebook is the
cell that holds the imports (at the top of the module, the first code cell, when there is none).
A local name already taken by something else gets the package as a prefix (``imblearn_make_pipeline``).
"""

from __future__ import annotations

import ast
import re
from collections import Counter

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.diagnostics import Position, TextEdit
from mlops_lint.fixes.source import Source


def taken_names(module: AnalyzedModule) -> frozenset[str]:
    """Every name the module spells anywhere (a new name must not shadow or be shadowed)."""
    return module.shared(_taken_names)


def _taken_names(module: AnalyzedModule) -> frozenset[str]:
    names: set[str] = {node.id for node in module.nodes_of(ast.Name)}
    names.update(module.imports.bindings)
    # The module's type index, not a pass over every node.
    names.update(definition.name for definition in module.nodes_of(ast.FunctionDef))
    names.update(definition.name for definition in module.nodes_of(ast.AsyncFunctionDef))
    names.update(definition.name for definition in module.nodes_of(ast.ClassDef))
    names.update(node.arg for node in module.nodes_of(ast.arg))
    names.update((node.asname or node.name).split(".")[0] for node in module.nodes_of(ast.alias))
    return frozenset(names)


def _name_counts(module: AnalyzedModule) -> Counter[str]:
    return Counter(node.id for node in module.nodes_of(ast.Name))


def _top_level_imports(module: AnalyzedModule) -> list[ast.Import | ast.ImportFrom]:
    return [node for node in module.tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]


def fresh_name(module: AnalyzedModule, stem: str, also_taken: set[str] | frozenset[str] = frozenset()) -> str:
    """``stem``, or ``stem_2``, ``stem_3`` …: the first that nothing in the module spells."""
    taken = taken_names(module)  # not copied into a union: a fix per finding would copy every name
    name, number = stem, 2
    while name in taken or name in also_taken:
        name, number = f"{stem}_{number}", number + 1
    return name


def snake_case(class_name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", class_name).lower()


class Imports:
    """The spellings one fix uses, and the import lines it must add (one edit, for all of them)."""

    def __init__(self, module: AnalyzedModule, source: Source) -> None:
        self.module = module
        self.source = source
        self.added: list[str] = []
        self._locals: dict[str, str] = {}

    def _top_level_imports(self) -> list[ast.Import | ast.ImportFrom]:
        return self.module.shared(_top_level_imports)  # counted once per module, not once per fix

    def _bound_before(self, line: int) -> dict[str, str]:
        """Local name → qualified name of the top-level imports that end before ``line``."""
        bound: dict[str, str] = {}
        for node in self._top_level_imports():
            if (node.end_lineno or node.lineno) >= line:
                continue
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        bound[alias.asname] = alias.name
                    elif "." not in alias.name:
                        bound[alias.name] = alias.name
            elif node.module and node.level == 0:
                for alias in node.names:
                    if alias.name != "*":
                        bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        return bound

    def spell(self, qualified: str, before_line: int) -> str | None:
        """How to write ``qualified`` at ``before_line``; None when no unambiguous spelling exists."""
        parent, _, name = qualified.rpartition(".")
        meanings = self.module.imports.bindings
        bound = self._bound_before(before_line)
        for local, target in bound.items():
            if target == qualified and meanings.get(local) == {qualified}:
                return local
        for local, target in bound.items():
            if target == parent and meanings.get(local) == {parent}:
                return f"{local}.{name}"
        if qualified in self._locals:
            return self._locals[qualified]
        taken = taken_names(self.module) | set(self._locals.values())
        local = name if name not in taken else f"{parent.split('.')[0]}_{name}"
        if local in taken or not parent:
            return None
        self.added.append(f"from {parent} import {name}" + (f" as {local}" if local != name else ""))
        self._locals[qualified] = local
        return local

    def edits(self, before_line: int) -> list[TextEdit] | None:
        """The edit adding the imports ``spell`` asked for (none when nothing was added); None when
        there is no place for it."""
        if not self.added:
            return []
        above = [node for node in self._top_level_imports() if (node.end_lineno or node.lineno) < before_line]
        if above:
            edit = self.source.insert_after(above[-1], self.added)
            return None if edit is None else [edit]
        body = self.module.tree.body
        first = body[0] if body else None
        if first is not None and isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            if first.end_lineno is not None and first.end_lineno < before_line:  # after the docstring
                edit = self.source.insert_after(first, self.added)
                return None if edit is None else [edit]
        # Before the first statement: a shebang or coding line above it stays first.
        at = Position(first.lineno if first is not None else 1, 0)
        return [TextEdit(at, at, "".join(f"{line}\n" for line in self.added))]


def replace_callee(module: AnalyzedModule, source: Source, imports: Imports, call: ast.Call, qualified: str) -> list[TextEdit] | None:
    """Edits that make ``call`` call ``qualified`` instead, keeping its arguments.

    ``ms.KFold(...)`` becomes ``ms.TimeSeriesSplit(...)`` when ``ms`` is the replacement's module;
    a name imported only for this call is renamed in its import (``from m import KFold`` becomes
    ``from m import TimeSeriesSplit``), so no unused import stays behind; otherwise the
    replacement is spelled as ``Imports.spell`` finds or adds it.
    """
    parent, _, name = qualified.rpartition(".")
    func = call.func
    if isinstance(func, ast.Attribute) and module.qualified_names(func.value) == {parent}:
        end = source.end(func)
        return [TextEdit(Position(end.line, end.column - len(func.attr)), end, name)]
    if isinstance(func, ast.Name):
        renamed = _renamed_import(module, source, func.id, parent, name)
        if renamed is not None:
            return [renamed, source.replace(func, name)]
    spelled = imports.spell(qualified, call.lineno)
    return None if spelled is None else [source.replace(func, spelled)]


def _renamed_import(module: AnalyzedModule, source: Source, local: str, parent: str, name: str) -> TextEdit | None:
    if name in taken_names(module) or module.shared(_name_counts)[local] != 1:
        return None
    for node in module.tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == parent and node.level == 0:
            for alias in node.names:
                if alias.name == local and alias.asname is None and hasattr(alias, "lineno"):
                    return source.replace(alias, name)
    return None
