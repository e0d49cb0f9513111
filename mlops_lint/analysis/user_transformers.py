"""Transformers written in the module itself: a class that defines both ``fit`` and ``transform``
(``class Scaler(BaseEstimator, TransformerMixin)``) and whose ``fit`` keeps something it computed
from its data on ``self`` (``self.mean_ = X.mean()``).

Two readings, both linear in the module:

- ``UserTransformers`` (syntax, read while the dataflow runs): the classes whose ``fit`` assigns to
  an attribute of ``self`` a call computed from its data parameter, directly or through local
  names. Calling such a class makes an object of a transformer, as ``StandardScaler()`` does, so its
  ``fit``/``fit_transform``/``transform`` are followed like a library transformer's. A ``fit`` that
  only returns ``self`` (the common stateless helper) is no transformer.
- ``UserTransformers.learns_from_rows(flow, found)`` (the finished dataflow, asked by the leakage facts): whether that
  ``fit`` stored on ``self`` a value carrying a statistic or a fit of its data parameter
  (``X.median()``, ``np.percentile(X, 99)``, ``StandardScaler().fit(X)``): the class then learns
  from the rows, and fitting it on every row before a split leaks. Column labels, shapes and
  settings are no statistic of the rows.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlops_lint.catalog import ApiEntry

if TYPE_CHECKING:
    from mlops_lint.analysis.dataflow import DataFlow
    from mlops_lint.analysis.module import AnalyzedModule


@dataclass(frozen=True)
class UserTransformer:
    """One class of the module read as a transformer: its entry (named for the class) and its ``fit``."""

    entry: ApiEntry
    fit: ast.FunctionDef
    data_param: str


def _data_param(fit: ast.FunctionDef) -> str | None:
    """The name of ``fit``'s data argument (the one after ``self``)."""
    positional = [*fit.args.posonlyargs, *fit.args.args]
    return positional[1].arg if len(positional) > 1 else None


def _names(node: ast.AST) -> set[str]:
    return {child.id for child in ast.walk(node) if isinstance(child, ast.Name)}


def _keeps_something_computed(fit: ast.FunctionDef, data: str) -> bool:
    """Whether ``fit`` assigns to ``self.<attr>`` a call computed from ``data`` (or from a local name
    computed from it): the syntactic sign that it learns something."""
    derived = {data}
    for node in ast.walk(fit):  # statement order is walk order within one body: enough for locals
        if not isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) or node.value is None:
            continue
        if not _names(node.value) & derived:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            base = target.value if isinstance(target, ast.Subscript) else target
            if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) and base.value.id == "self":
                if any(isinstance(child, ast.Call) for child in ast.walk(node.value)):
                    return True
            else:
                derived |= {name.id for name in ast.walk(target) if isinstance(name, ast.Name)}
    return False


class UserTransformers:
    """The module's own transformer classes, by class name (see the module docstring)."""

    def __init__(self, module: AnalyzedModule) -> None:
        classes: dict[str, list[ast.ClassDef]] = {}
        for node in module.nodes_of(ast.ClassDef):
            classes.setdefault(node.name, []).append(node)
        self.by_name: dict[str, UserTransformer] = {}
        for name, defined in classes.items():
            if len(defined) != 1:
                continue  # one name, several classes: which one a call makes is not known
            methods = {item.name: item for item in defined[0].body if isinstance(item, ast.FunctionDef)}
            fit = methods.get("fit")
            data = _data_param(fit) if fit is not None else None
            if fit is None or "transform" not in methods or data is None or not _keeps_something_computed(fit, data):
                continue
            self.by_name[name] = UserTransformer(ApiEntry(qualname=name, role="transformer"), fit, data)
        self._by_entry = {id(found.entry): found for found in self.by_name.values()}
        self._learns: dict[str, bool] = {}

    def of(self, entry: ApiEntry | None) -> UserTransformer | None:
        return self._by_entry.get(id(entry)) if entry is not None else None

    def learns_from_rows(self, flow: DataFlow, found: UserTransformer) -> bool:
        """``_learns_from_rows``, read once per class."""
        known = self._learns.get(found.entry.qualname)
        if known is None:
            known = self._learns[found.entry.qualname] = _learns_from_rows(flow, found)
        return known


def _learns_from_rows(flow: DataFlow, found: UserTransformer) -> bool:
    """Whether the class's ``fit`` stored on ``self`` a statistic or a fit of its data parameter."""
    fit = found.fit
    param = ("param", fit, found.data_param)
    first, last = fit.lineno, fit.end_lineno or fit.lineno
    for event in flow.events_of("store"):
        target = event.node
        if not (first <= getattr(target, "lineno", 0) <= last):
            continue
        base = target.value if isinstance(target, ast.Subscript) else target
        if not (isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) and base.value.id == "self"):
            continue
        value = event.data[0].value if event.data else None
        if value is None:
            continue
        learnt = [*value.fits, *value.fitted]
        if any(param in learning.data.sources for learning in learnt):
            return True
    return False


def user_transformers(module: AnalyzedModule) -> UserTransformers:
    """The module's transformer classes, read once per module (``module.shared``)."""
    return module.shared(UserTransformers)
