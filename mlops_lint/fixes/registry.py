"""Fixers registered by rule code, and the context each one receives."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable

from mlops_lint.diagnostics import Applicability, Diagnostic

if TYPE_CHECKING:
    import libcst as cst

    from mlops_lint.fixes.locate import NodeIndex


@dataclass(frozen=True)
class Edit:
    """A fixer's answer: the whole rewritten module, plus ``(module, name)`` imports it needs and
    the local names it stopped using (their import goes if nothing else uses them)."""

    module: "cst.Module"
    imports: tuple[tuple[str, str], ...] = ()
    replaced: tuple[str, ...] = ()


@dataclass(frozen=True)
class FixContext:
    """What a fixer may read: the parsed module, the diagnostic (module coordinates) and the rule's options."""

    module: "cst.Module"
    diagnostic: Diagnostic
    index: "NodeIndex"
    options: dict[str, Any] = field(default_factory=dict)


def is_selected(diagnostic: Diagnostic, unsafe: bool) -> bool:
    """Marked fixable by the engine, and safe unless unsafe fixes were asked for (needs no libcst)."""
    fix = diagnostic.fix
    return fix is not None and (unsafe or fix.applicability is Applicability.SAFE)


Fixer = Callable[[FixContext], "Edit | None"]
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


@lru_cache(maxsize=1)
def fixers() -> dict[str, Fixer]:
    """Every registered fixer by code; importing this package's modules registers them."""
    import mlops_lint.fixes as package

    for info in pkgutil.iter_modules(package.__path__, prefix=package.__name__ + "."):
        importlib.import_module(info.name)
    return dict(_FIXERS)
