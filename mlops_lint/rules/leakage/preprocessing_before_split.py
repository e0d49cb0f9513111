"""MLO101: a data-dependent transformer's output, fitted on the full data, is split afterwards."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from mlops_lint.analysis.module import AnalyzedModule
from mlops_lint.catalog import ApiEntry
from mlops_lint.engine.rule import Finding, Rule


@dataclass(frozen=True)
class _Fit:
    call: ast.Call
    transformer: ApiEntry


def _scopes(tree: ast.Module) -> Iterator[list[ast.stmt]]:
    yield tree.body
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.body


def _in_order(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements of one scope in source order, entering blocks but not nested functions or classes."""
    for statement in body:
        yield statement
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for name in ("body", "orelse", "finalbody"):
            yield from _in_order(getattr(statement, name, []) or [])
        for handler in getattr(statement, "handlers", []) or []:
            yield from _in_order(handler.body)


def _target_names(statement: ast.stmt) -> list[str]:
    targets = statement.targets if isinstance(statement, ast.Assign) else [getattr(statement, "target", None)]
    names = []
    for target in targets:
        for node in ast.walk(target) if target is not None else ():
            if isinstance(node, ast.Name):
                names.append(node.id)
    return names


class PreprocessingBeforeSplit(Rule):
    code = "MLO101"

    def check(self, module: AnalyzedModule) -> Iterator[Finding]:
        for body in _scopes(module.tree):
            yield from self._check_scope(module, body)

    def _transformer(self, module: AnalyzedModule, receiver: ast.AST, instances: dict[str, _Fit | ApiEntry]) -> ApiEntry | None:
        if isinstance(receiver, ast.Call):
            entry = module.call_api(receiver)
            if entry is None and isinstance(receiver.func, ast.Attribute) and receiver.func.attr == "fit":
                return self._transformer(module, receiver.func.value, instances)
            return entry if entry is not None and entry.role == "transformer" else None
        if isinstance(receiver, ast.Name):
            known = instances.get(receiver.id)
            return known.transformer if isinstance(known, _Fit) else known
        return None

    def _check_scope(self, module: AnalyzedModule, body: list[ast.stmt]) -> Iterator[Finding]:
        instances: dict[str, _Fit | ApiEntry] = {}  # name → transformer instance (fitted or not)
        transformed: dict[str, _Fit] = {}  # name → the fit whose output it holds
        for statement in _in_order(body):
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            produced: _Fit | None = None
            for node in ast.walk(statement):
                if not isinstance(node, ast.Call):
                    continue
                entry = module.call_api(node)
                if entry is not None and entry.role == "splitter":
                    for arg in node.args:
                        if isinstance(arg, ast.Name) and arg.id in transformed:
                            fit = transformed[arg.id]
                            yield Finding(
                                node,
                                {
                                    "transformer": fit.transformer.short_name,
                                    "var": arg.id,
                                    "fit_line": fit.call.lineno,
                                    "split_line": node.lineno,
                                },
                                related=(("fit", fit.call),),
                            )
                    continue
                func = node.func
                if not isinstance(func, ast.Attribute) or func.attr not in {"fit", "fit_transform", "transform"}:
                    continue
                transformer = self._transformer(module, func.value, instances)
                if transformer is None:
                    continue
                if func.attr == "fit" and isinstance(func.value, ast.Name):
                    instances[func.value.id] = _Fit(node, transformer)
                elif func.attr == "fit_transform":
                    produced = _Fit(node, transformer)
                elif func.attr == "transform":
                    fitted = instances.get(func.value.id) if isinstance(func.value, ast.Name) else None
                    if isinstance(fitted, _Fit):
                        produced = fitted
                    elif isinstance(func.value, ast.Call):
                        produced = _Fit(func.value, transformer)
            if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                value = statement.value
                for name in _target_names(statement):
                    transformed.pop(name, None)
                    instances.pop(name, None)
                    if produced is not None:
                        transformed[name] = produced
                    elif isinstance(value, ast.Call):
                        entry = module.call_api(value)
                        if entry is not None and entry.role == "transformer":
                            instances[name] = entry
