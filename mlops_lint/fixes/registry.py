"""Fixers registered by rule code, what each one receives, and what it answers."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Mapping

from mlops_lint.diagnostics import Applicability, Diagnostic, TextEdit

if TYPE_CHECKING:
    from mlops_lint.analysis.module import AnalyzedModule
    from mlops_lint.engine.rule import Finding
    from mlops_lint.fixes.imports import Imports
    from mlops_lint.fixes.source import Source


@dataclass(frozen=True)
class Proposal:
    """A fixer's answer: the edits (module coordinates) and which of the rule's fix titles names
    them (``kind``: a key of the catalog's ``fix.titles``; None: ``fix.title``)."""

    edits: tuple[TextEdit, ...]
    kind: str | None = None


@dataclass(frozen=True)
class FixContext:
    """What a fixer may read: the analysed module, the finding (its nodes), the rule's options."""

    module: "AnalyzedModule"
    finding: "Finding"
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> "Source":
        return self.module.shared(_source)

    def related(self, key: str) -> ast.AST | None:
        """The finding's related node of catalog key ``key`` (the first, when there are several)."""
        return next((node for name, node in self.finding.related if name == key), None)

    def imports(self) -> "Imports":
        from mlops_lint.fixes.imports import Imports

        return Imports(self.module, self.source)

    def seed(self) -> int | None:
        """The option ``seed`` (the value fixes write), when it is an int."""
        seed = self.options.get("seed", 0)
        return seed if isinstance(seed, int) and not isinstance(seed, bool) else None


def _source(module: "AnalyzedModule") -> "Source":
    """The module's Source, built once for all its findings' fixes."""
    from mlops_lint.fixes.source import Source

    return Source(module.lines)


def is_selected(diagnostic: Diagnostic, unsafe: bool) -> bool:
    """It carries edits, and is safe unless unsafe fixes were asked for."""
    fix = diagnostic.fix
    return fix is not None and bool(fix.edits) and (unsafe or fix.applicability is Applicability.SAFE)


Fixer = Callable[[FixContext], "Proposal | None"]
_FIXERS: dict[str, Fixer] = {}


def fixer(*codes: str) -> Callable[[Fixer], Fixer]:
    """Register a function as the fixer of one or more rule codes."""

    def register(function: Fixer) -> Fixer:
        for code in codes:
            if code in _FIXERS:
                raise ValueError(f"two fixers for {code}: {_FIXERS[code].__name__}, {function.__name__}")
            _FIXERS[code] = function
        return function

    return register


_SUPPORT = frozenset({"registry", "source", "imports", "edits", "apply", "editor", "fixer", "result", "propose"})


@lru_cache(maxsize=1)
def fixers() -> dict[str, Fixer]:
    """Every registered fixer by code; importing this package's fixer modules registers them."""
    import mlops_lint.fixes as package

    for info in pkgutil.iter_modules(package.__path__, prefix=package.__name__ + "."):
        if info.name.rsplit(".", 1)[-1] not in _SUPPORT:
            importlib.import_module(info.name)
    return dict(_FIXERS)
