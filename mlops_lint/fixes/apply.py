"""Apply registered fixers to a module text one verified fix at a time, up to a fixed point."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Callable

import libcst as cst

from mlops_lint.catalog import Catalog
from mlops_lint.diagnostics import Diagnostic
from mlops_lint.fixes.locate import NodeIndex
from mlops_lint.fixes.registry import FixContext, fixers, is_selected
from mlops_lint.source.write_back import LineChange, WriteBackError, line_changes

Lint = Callable[[str], list[Diagnostic]]
# Each step applies one fix or sets one finding aside, so this bounds the work on a file with
# many findings without ever cutting a normal file short.
MAX_STEPS = 200


@dataclass(frozen=True)
class Failure:
    """A fix that was computed but dropped because its result did not pass verification."""

    diagnostic: Diagnostic
    reason: str


@dataclass(frozen=True)
class FixOutcome:
    text: str
    applied: tuple[Diagnostic, ...] = ()
    failures: tuple[Failure, ...] = ()


def rewrite(text: str, diagnostic: Diagnostic, catalog: Catalog, options: dict[str, Any]) -> str | None:
    """Run the diagnostic's fixer on ``text``; None when there is no fixer or it declines the shape."""
    function = fixers().get(diagnostic.code)
    if function is None:
        return None
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError:
        return None
    edit = function(FixContext(module, diagnostic, NodeIndex(module, text, catalog), options))
    if edit is None:
        return None
    result = edit.module
    if edit.imports or edit.replaced:
        # libcst.codemod costs about a second to import: only fixes that touch imports pay it.
        from libcst.codemod import CodemodContext
        from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

        context = CodemodContext()
        for module_name, name in edit.imports:
            AddImportsVisitor.add_needed_import(context, module_name, name)
        result = AddImportsVisitor(context).transform_module(result)
        # KFold → TimeSeriesSplit: the KFold import goes too, unless something else still uses it.
        for module_name, name, alias in _imports_binding(result, set(edit.replaced)):
            RemoveImportsVisitor.remove_unused_import(context, module_name, name, alias)
        result = RemoveImportsVisitor(context).transform_module(result)
    return result.code


def _imports_binding(module: cst.Module, local_names: set[str]) -> list[tuple[str, str, str | None]]:
    """``(module, name, alias)`` of the absolute ``from`` imports that bind one of ``local_names``."""
    from libcst.helpers import get_full_name_for_node

    found = []

    class Finder(cst.CSTVisitor):
        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
                return
            module_name = get_full_name_for_node(node.module)
            for alias in node.names:
                name = get_full_name_for_node(alias.name)
                local = alias.evaluated_alias or name
                if module_name and name and local in local_names:
                    found.append((module_name, name, alias.evaluated_alias))

    module.visit(Finder())
    return found


def parse_problem(text: str) -> str | None:
    try:
        ast.parse(text)
        cst.parse_module(text)
    except (SyntaxError, ValueError, cst.ParserSyntaxError) as error:
        return f"the result does not parse ({type(error).__name__})"
    return None


def _snippet(diagnostic: Diagnostic, lines: list[str]) -> str:
    start, end = diagnostic.location.start, diagnostic.location.end
    if not 1 <= start.line <= end.line <= len(lines):
        return ""
    if start.line == end.line:
        return lines[start.line - 1][start.column:end.column]
    return "\n".join([lines[start.line - 1][start.column:], *lines[start.line:end.line - 1], lines[end.line - 1][:end.column]])


def _keys(diagnostics: list[Diagnostic], text: str) -> list[tuple[str, str, int]]:
    """Identify findings across re-lints (lines shift): code, the text spanned, which occurrence of it."""
    lines = text.split("\n")
    seen: dict[tuple[str, str], int] = {}
    keys = []
    for diagnostic in diagnostics:
        base = (diagnostic.code, _snippet(diagnostic, lines))
        seen[base] = seen.get(base, -1) + 1
        keys.append((*base, seen[base]))
    return keys


def fix_text(
    text: str,
    diagnostics: list[Diagnostic],
    lint: Lint | None,
    catalog: Catalog,
    options: Callable[[str], dict[str, Any]],
    unsafe: bool,
    max_fixes: int | None = None,
) -> FixOutcome:
    """Fix ``diagnostics`` (module coordinates) in ``text``; with ``lint``, re-lint after each fix and go on.

    A fix is kept only when its result parses (ast and libcst) and re-linting reports its rule
    fewer times than before; otherwise it is dropped as a Failure and the text stays as it was.
    Without ``lint`` only the parse check is possible and only the first fix can be applied
    (positions of the others would be stale).
    """
    current = text
    applied: list[Diagnostic] = []
    failures: list[Failure] = []
    set_aside: set[tuple[str, str, int]] = set()
    pending = list(diagnostics)
    current_lint: list[Diagnostic] | None = None
    for _ in range(MAX_STEPS):
        if max_fixes is not None and len(applied) >= max_fixes:
            break
        keyed = [(key, d) for key, d in zip(_keys(pending, current), pending) if is_selected(d, unsafe) and key not in set_aside]
        if not keyed:
            break
        key, diagnostic = keyed[0]
        try:
            new = rewrite(current, diagnostic, catalog, options(diagnostic.code))
        except Exception as error:  # a broken fixer drops its fix, as a broken rule becomes MLO003
            set_aside.add(key)
            failures.append(Failure(diagnostic, f"internal error in the fixer ({type(error).__name__}: {error})"))
            continue
        if new is None or new == current:
            set_aside.add(key)
            continue
        problem = parse_problem(new)
        relinted: list[Diagnostic] = []
        if problem is None and lint is not None:
            if current_lint is None:
                current_lint = lint(current)
            relinted = lint(new)
            if sum(d.code == diagnostic.code for d in relinted) >= sum(d.code == diagnostic.code for d in current_lint):
                problem = f"{diagnostic.code} is still reported after the fix"
        if problem is not None:
            set_aside.add(key)
            failures.append(Failure(diagnostic, problem))
            continue
        current, current_lint = new, relinted
        applied.append(diagnostic)
        pending = relinted if lint is not None else []
    return FixOutcome(current, tuple(applied), tuple(failures))


_BLANKS = str.maketrans("", "", " \t\f")


def changed_lines(text: str, fixed: str) -> tuple[LineChange, ...]:
    """The lines the fixes changed, as changes of ``text`` (``fixed`` came out of libcst).

    libcst renders a parsed text exactly, except for a few bytes it has no node for (a form feed
    at the start of a statement line is dropped). Comparing ``fixed`` with libcst's rendering of
    ``text`` rather than with ``text`` leaves such lines out of the change, so they are copied from
    the file untouched unless a fix rewrote the statement.
    """
    rendered = cst.parse_module(text).code
    original, lines = text.split("\n"), rendered.split("\n")
    if len(lines) != len(original) or any(a != b and a.translate(_BLANKS) != b.translate(_BLANKS) for a, b in zip(original, lines)):
        raise WriteBackError("libcst cannot reproduce this file's text line for line")
    return line_changes(rendered, fixed)
